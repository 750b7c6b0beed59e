// Adds the Chat* search attributes to an existing cluster (TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE).
// The local dev server does not need this: DevServer registers them at start-up.
import { Connection } from '@temporalio/client';
import { registerSearchAttributes } from '../src/runtime/register-search-attributes';

async function main(): Promise<void> {
  const address = process.env.TEMPORAL_ADDRESS?.trim() || '127.0.0.1:7233';
  const namespace = process.env.TEMPORAL_NAMESPACE?.trim() || 'default';
  const connection = await Connection.connect({ address, connectTimeout: 10_000 });
  try {
    const { added, alreadyPresent } = await registerSearchAttributes(connection, namespace);
    console.log(`namespace ${namespace} at ${address}`);
    console.log(`  added:           ${added.join(', ') || '(none)'}`);
    console.log(`  already present: ${alreadyPresent.join(', ') || '(none)'}`);
  } finally {
    await connection.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
