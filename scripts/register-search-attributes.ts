// Adds the Chat* search attributes to an existing cluster: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and the
// TLS / API-key variables the worker reads (src/config/temporal-connection.ts).
// The local dev server does not need this: DevServer registers them at start-up.
import { Connection } from '@temporalio/client';
import { z } from 'zod';
import {
  temporalConnectionEnvShape,
  temporalConnectionOptions,
  temporalConnectionProblems,
} from '../src/config/temporal-connection';
import { registerSearchAttributes } from '../src/runtime/register-search-attributes';

async function main(): Promise<void> {
  const settings = z
    .object({
      TEMPORAL_ADDRESS: z.string().trim().min(1).default('127.0.0.1:7233'),
      TEMPORAL_NAMESPACE: z.string().trim().min(1).default('default'),
      ...temporalConnectionEnvShape,
    })
    .parse(process.env);
  const problems = temporalConnectionProblems(settings);
  if (problems.length > 0) throw new Error(`bad connection settings:\n${problems.join('\n')}`);
  const namespace = settings.TEMPORAL_NAMESPACE;
  const connection = await Connection.connect({ ...temporalConnectionOptions(settings), connectTimeout: 10_000 });
  try {
    const { added, alreadyPresent } = await registerSearchAttributes(connection, namespace);
    console.log(`namespace ${namespace} at ${settings.TEMPORAL_ADDRESS}`);
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
