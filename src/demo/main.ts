// `npm run demo [-- --vendor genesys-gms]`: the whole product on one machine. A Temporal dev server with
// its Web UI, the vendor's simulator (Live Agent by default) with a scripted agent, a bridge worker
// process and a signed webhook receiver; one chat relayed both ways through a vendor failover (a Live
// Agent 503, a GMS alias change) and a worker SIGKILL. Exits non-zero if anything was lost or doubled.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { ChatSessions, sessionWorkflowId } from '../client';
import { clientDataConverter, CodecServer, EncryptionCodec, generateKey, uiCodecEndpoint } from '../codec';
import { cacheDir } from '../runtime/cache-dir';
import { DevServer } from '../runtime/dev-server';
import { freePort, isPortFree } from '../runtime/free-port';
import { resolveTemporalCli } from '../runtime/resolve-temporal-cli';
import { WorkerProcess } from '../runtime/worker-process';
import { WebhookReceiver } from '../webhooks/webhook-receiver';
import { auditRelay } from './relay-audit';
import { localWorkerEnv } from '../runtime/local-worker-env';
import type { DemoVendor } from './demo-vendor';
import { genesysGmsDemo } from './genesys-gms-demo';
import { liveAgentDemo } from './live-agent-demo';

const demoVendors: Record<string, () => Promise<DemoVendor>> = {
  'salesforce-live-agent': liveAgentDemo,
  'genesys-gms': genesysGmsDemo,
};

const webhookSecret = process.env.WEBHOOK_SECRET ?? randomUUID();
const step = (text: string) => console.log(`\n▶ ${text}`);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`demo: timed out waiting for ${what}`);
    await pause(100);
  }
}

async function main(): Promise<number> {
  const vendorArg = process.argv.find((a) => a.startsWith('--vendor'));
  const vendorName =
    vendorArg === '--vendor' ? process.argv[process.argv.indexOf(vendorArg) + 1] : vendorArg?.split('=')[1];
  const startVendor = demoVendors[vendorName ?? 'salesforce-live-agent'];
  if (!startVendor) {
    console.error(`demo: unknown --vendor '${vendorName}' (known: ${Object.keys(demoVendors).join(', ')})`);
    return 2;
  }
  const demoDir = path.join(cacheDir(), 'demo');
  mkdirSync(path.join(cacheDir(), 'dev-server'), { recursive: true });
  mkdirSync(demoDir, { recursive: true });
  // `--record-history[=name]`: save the session's history as test/fixtures/histories/<name>.binpb for the
  // replay tests (default name: demo-session). Each fixture guards replay of the code that recorded it.
  const recordArg = process.argv.find((a) => a === '--record-history' || a.startsWith('--record-history='));
  const recordHistory = recordArg !== undefined;
  const recordName = recordArg?.split('=')[1] || 'demo-session';

  // Payload encryption (invariant 6). One demo key kept in the cache dir (0600, never printed), so every
  // demo session in the persistent SQLite file stays decodable across runs.
  const keysFile = path.join(demoDir, 'payload-encryption-keys');
  if (!existsSync(keysFile)) writeFileSync(keysFile, `demo:${generateKey()}\n`, { mode: 0o600 });
  const encryptionKeys = process.env.PAYLOAD_ENCRYPTION_KEYS ?? readFileSync(keysFile, 'utf8').trim();
  // A recorded fixture holds only simulator data and must replay anywhere, without this key.
  const payloadKeys = recordHistory ? '' : encryptionKeys;

  step('Temporal dev server (SQLite, Web UI) and its codec server');
  const cli = await resolveTemporalCli({ log: (l) => console.log(`  ${l}`) });
  const port = (await isPortFree(7233)) ? 7233 : 0;
  const uiPort = (await isPortFree(8233)) ? 8233 : await freePort(); // known up front: the codec server's CORS origin
  const codecToken = process.env.CODEC_SERVER_TOKEN ?? randomUUID();
  const codecServer = await CodecServer.start({
    codec: new EncryptionCodec(encryptionKeys),
    token: codecToken,
    corsOrigins: [`http://127.0.0.1:${uiPort}`, `http://localhost:${uiPort}`],
  });
  const server = await DevServer.start({
    cliPath: cli.path,
    port,
    uiPort,
    dbFile: path.join(cacheDir(), 'dev-server', 'temporal.sqlite'),
    // The local UI sends no Authorization header: give it the token as a secret path prefix.
    uiCodecEndpoint: uiCodecEndpoint(codecServer.url, codecToken),
  });
  console.log(
    `  ${server.address}, Web UI ${server.uiUrl}, codec server ${codecServer.url}` +
      (payloadKeys
        ? ` (payloads encrypted, key in ${keysFile})`
        : ' (payloads NOT encrypted: --record-history)'),
  );

  step('vendor simulator and the channel webhook');
  const vendor = await startVendor();
  const webhook = await WebhookReceiver.start(webhookSecret);
  console.log(`  ${vendor.describe()}\n  webhook   ${webhook.url}`);

  const taskQueue = 'chat-bridge-demo';
  const workerEnv = {
    ...localWorkerEnv({
      temporalAddress: server.address,
      liveAgentUrl: 'http://127.0.0.1:9/unused/',
      taskQueue,
      webhookSecret,
    }),
    ...vendor.workerEnv(),
    PAYLOAD_ENCRYPTION_KEYS: payloadKeys,
  };
  const workerLog = path.join(demoDir, 'worker.log');
  step('bridge worker #1');
  let worker = await WorkerProcess.start({ env: workerEnv, logFile: workerLog });
  console.log(`  pid ${worker.pid} (log ${workerLog})`);
  let workerRestarts = 0;

  const connection = await Connection.connect({ address: server.address });
  const sessions = new ChatSessions(
    new Client({ connection, ...(payloadKeys ? { dataConverter: clientDataConverter(payloadKeys) } : {}) }),
    { taskQueue },
  );
  const key = { channel: 'wechat', customerId: `demo-${Date.now().toString(36)}` };
  const workflowId = sessionWorkflowId(key);
  const customerSent: string[] = [];
  const agentSent: string[] = [];
  const customerSays = async (text: string) => {
    customerSent.push(text);
    const r = await sessions.send(key, { clientMessageId: `msg-${customerSent.length}`, text });
    const numbered = r.vendorSequence === null ? '' : ` (vendor sequence ${r.vendorSequence})`;
    console.log(`  customer → agent  "${text}"${numbered}`);
  };
  const agentSays = async (text: string) => {
    agentSent.push(text);
    vendor.agentSays(vendorId, text);
    await waitUntil(`"${text}" at the webhook`, () =>
      webhook.uniqueEvents().some((e) => e.event.kind === 'messageReceived' && e.event.text === text),
    );
    console.log(`  agent → customer  "${text}" (delivered to the webhook)`);
  };

  step(`customer ${key.customerId} opens a chat (workflow ${workflowId})`);
  const handle = await sessions.startOrGet(key, {
    provider: vendor.provider,
    customerId: key.customerId,
    visitorName: 'Mei (WeChat)',
    webhookUrl: webhook.url,
  });
  const vendorId = await vendor.waitForSession(waitUntil);
  await vendor.queueThenAccept(vendorId, 'Ada Lovelace');
  await waitUntil('chatting', async () => (await sessions.state(key)).status === 'chatting');
  console.log('  agent Ada Lovelace accepted the chat');

  step('conversation');
  await customerSays('Hi, my parcel has not arrived yet.');
  await agentSays('Sorry to hear that! Could you give me the order number?');
  await customerSays('It is order 4711.');

  const failover = vendor.failover(vendorId);
  step(failover);
  await customerSays('Are you still there?');
  await waitUntil('the handover', async () => (await sessions.state(key)).handovers >= 1);
  await agentSays('Yes, still here. Order 4711 left our warehouse this morning.');

  step('the worker is SIGKILLed while it holds the vendor connection, and a new one starts');
  await waitUntil('a held connection', () => vendor.connectionHeld(vendorId));
  await worker.kill();
  console.log(`  worker #1 killed`);
  worker = await WorkerProcess.start({ env: workerEnv, logFile: workerLog });
  workerRestarts += 1;
  console.log(`  worker #2 started (pid ${worker.pid})`);
  await agentSays('It will be with you tomorrow before noon.');
  await customerSays('Great, thank you!');
  await agentSays('You are welcome. Have a nice day!');

  step('the agent ends the chat');
  vendor.endChat(vendorId);
  const result = await handle.result();
  await waitUntil('the chatEnded event at the webhook', () =>
    webhook.uniqueEvents().some((e) => e.event.kind === 'chatEnded'),
  );

  const transcript = await handle.query('transcript').catch(() => []);
  const history = await handle.fetchHistory();
  if (recordHistory) {
    // Binary protobuf: @temporalio/common's JSON helpers trip over a second protobufjs copy in the SDK.
    const file = path.resolve(__dirname, `../../test/fixtures/histories/${recordName}.binpb`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, temporal.api.history.v1.History.encode(history).finish());
    console.log(`  history recorded to ${file}`);
  }
  await worker.stop();
  const audit = auditRelay({
    agentSent,
    webhook,
    customerSent,
    vendorAccepted: vendor.customerTexts(vendorId),
  });

  console.log('\nTranscript');
  for (const entry of transcript as Array<{ from: string; text: string; name?: string }>) {
    console.log(`  ${entry.from.padEnd(8)} ${entry.name ? `${entry.name}: ` : ''}${entry.text}`);
  }
  console.log(
    `\nTemporal Web UI: ${server.uiUrl}/namespaces/default/workflows/${encodeURIComponent(workflowId)}`,
  );
  console.log(
    `  (the dev server stops now; its SQLite state stays in ${server.dbFile}: \`npm run dev-server\` shows it again)`,
  );
  console.log(
    `History events of the session: ${history.events?.length ?? 0}; ` +
      `vendor (${vendor.provider}): ${vendor.statsLine()}`,
  );
  const failed = audit.lost + audit.duplicated + audit.outOfOrder > 0 || result.endReason !== 'agent';
  console.log(
    `\nsummary: messages relayed ${audit.customerToAgent + audit.agentToCustomer} ` +
      `(customer→agent ${audit.customerToAgent}, agent→customer ${audit.agentToCustomer}), ` +
      `handovers ${result.handovers}, worker restarts ${workerRestarts}, ` +
      `lost ${audit.lost}, duplicated ${audit.duplicated}, out of order ${audit.outOfOrder} — ${failed ? 'FAILED' : 'OK'}`,
  );
  await connection.close();
  await webhook.close();
  await vendor.close();
  await server.stop();
  await codecServer.close();
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
