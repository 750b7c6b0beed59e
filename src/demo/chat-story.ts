// The chat story of the demo, the same for every chat vendor: a customer opens a chat, the agent accepts,
// they talk through a vendor failover (a Live Agent 503, a GMS alias change) and a worker SIGKILL, the
// agent ends the chat. Returns 1 if anything was lost, doubled or out of order.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { ChatSessions, sessionWorkflowId } from '../client';
import { clientDataConverter } from '../codec';
import { localWorkerEnv } from '../runtime/local-worker-env';
import { WorkerProcess } from '../runtime/worker-process';
import { WebhookReceiver } from '../webhooks/webhook-receiver';
import { step, waitUntil, type DemoPlatform } from './demo-platform';
import type { DemoVendor } from './demo-vendor';
import { auditRelay } from './relay-audit';

/** `recordName`: save the session's history as test/fixtures/histories/<name>.binpb (replay tests). */
export async function runChatStory(
  platform: DemoPlatform,
  startVendor: () => Promise<DemoVendor>,
  recordName: string | undefined,
): Promise<number> {
  const { payloadKeys } = platform;
  const recordHistory = recordName !== undefined;
  step('vendor simulator and the channel webhook');
  const vendor = await startVendor();
  const webhook = await WebhookReceiver.start(platform.webhookSecret);
  console.log(`  ${vendor.describe()}\n  webhook   ${webhook.url}`);

  const taskQueue = 'chat-bridge-demo';
  const workerEnv = {
    ...localWorkerEnv({
      temporalAddress: platform.server.address,
      liveAgentUrl: 'http://127.0.0.1:9/unused/',
      taskQueue,
      webhookSecret: platform.webhookSecret,
    }),
    ...vendor.workerEnv(),
    PAYLOAD_ENCRYPTION_KEYS: payloadKeys,
  };
  const workerLog = path.join(platform.demoDir, 'worker.log');
  step('bridge worker #1');
  let worker = await WorkerProcess.start({ env: workerEnv, logFile: workerLog });
  console.log(`  pid ${worker.pid} (log ${workerLog})`);
  let workerRestarts = 0;

  const connection = await Connection.connect({ address: platform.server.address });
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
    `\nTemporal Web UI: ${platform.server.uiUrl}/namespaces/default/workflows/${encodeURIComponent(workflowId)}`,
  );
  console.log(
    `  (the dev server stops now; its SQLite state stays in ${platform.server.dbFile}: \`npm run dev-server\` shows it again)`,
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
  return failed ? 1 : 0;
}
