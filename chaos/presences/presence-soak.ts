// `npm run chaos -- --vendor huawei-cc-gateway [--quick | --sessions N --duration S --seed N]`: the soak
// for agent presences. N agents are signed in (push mode: the gateway POSTs their events through a
// fan-out to two workers; the hub sends their handshakes); calls reach them and they rest now and then,
// while the shared controller SIGKILLs workers, restarts the dev server, fails the gateway over (every
// agent signed out), forces agents out, injects gateway faults and takes the webhook down. Then every
// agent is signed out and the audit checks the gateway's record against the webhook's: every event
// once and in order, every sign-out the gateway made healed, none for silence, no stale GUID refused.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentPresences, presenceWorkflowId, type AgentKey } from '../../src/client';
import { clientDataConverter, EncryptionCodec, generateKey } from '../../src/codec';
import { DevServer } from '../../src/runtime/dev-server';
import { localWorkerEnv } from '../../src/runtime/local-worker-env';
import { resolveTemporalCli } from '../../src/runtime/resolve-temporal-cli';
import { snapshotSources } from '../../bench/source-snapshot';
import { ChaosWebhook } from '../chaos-webhook';
import { dumpHistory, historyFile } from '../history-dump';
import { awaitCompletion } from '../completion';
import { ChaosController, WORKERS, type ActionKind } from '../controller';
import type { ChaosOptions } from '../options';
import { progress, sleep } from '../progress';
import { redriveEndedChats, redriveRunningSessions } from '../redrive';
import { dice } from '../rng';
import type { SessionRecord } from '../session-record';
import { TemporalLink } from '../temporal-link';
import { agentPassword, huaweiChaosVendor } from '../vendors/huawei-cc-gateway';
import { WorkerPool } from '../worker-pool';
import { AgentActivity, type ActivityCounts } from './agent-activity';
import { auditPresence } from './presence-audit';

/** The controller's rotation for presences: no chat actions (messages, sends, poison). */
const presenceActions: readonly ActionKind[] = [
  'worker-kill',
  'failover',
  'fault-5xx',
  'webhook-outage',
  'server-restart',
  'latency',
  'failover-storm',
  'worker-kill',
  'reset',
  'webhook-flaky',
  'malformed',
  'chaos-window',
  'webhook-refusing',
  'server-restart',
];
const QUIET_TAIL_MS = 10_000;

export async function runPresenceSoak(options: ChaosOptions): Promise<number> {
  const runId = `chaos${Date.now().toString(36)}`;
  const runDir = mkdtempSync(join(tmpdir(), 'chat-bridge-chaos-'));
  progress(
    `presence soak ${runId}: ${options.sessions} huawei-cc-gateway agents (push mode), ${options.durationSec} s of chaos, seed ${options.seed}; logs in ${runDir}`,
  );
  const cli = await resolveTemporalCli({ log: (l) => progress(l) });
  const server = await DevServer.start({ cliPath: cli.path, uiPort: false });
  const gateway = await huaweiChaosVendor();
  const secret = `chaos-${randomUUID()}`;
  const encryptionKeys = `chaos:${generateKey()}`;
  const webhook = await ChaosWebhook.start(secret, dice(options.seed + 1).next);
  const taskQueue = `chaos-${runId}`;
  const snapshot = snapshotSources('chaos');
  progress(`workers run a copy of src/ at ${snapshot.version} (${snapshot.dir})`);
  const pool = new WorkerPool(
    {
      ...localWorkerEnv({
        temporalAddress: server.address,
        liveAgentUrl: 'http://127.0.0.1:9/unused/',
        taskQueue,
        webhookSecret: secret,
      }),
      ...gateway.workerEnv(),
      PAYLOAD_ENCRYPTION_KEYS: encryptionKeys,
      METRICS_BIND_ADDRESS: 'off',
    },
    runDir,
    snapshot.workerEntry,
    (n) => gateway.workerEnvOf(n),
  );
  progress(`dev server ${server.address}; gateway ${gateway.url}; webhook ${webhook.url}`);
  await Promise.all(Array.from({ length: WORKERS }, () => pool.startOne()));
  const link = await TemporalLink.open(server.address, taskQueue, clientDataConverter(encryptionKeys));
  const presences = () => new AgentPresences(link.client, { taskQueue });

  const keys: AgentKey[] = Array.from({ length: options.sessions }, (_, i) => ({
    gateway: 'chaos',
    agentId: String(20_001 + i),
  }));
  // The controller and the redrive helpers speak session records: one per agent.
  const records: SessionRecord[] = keys.map((key, i) => ({
    n: i + 1,
    label: `a${String(i + 1).padStart(2, '0')}`,
    key: { channel: 'agent', customerId: key.agentId },
    workflowId: presenceWorkflowId(key),
    visitorName: key.agentId,
    vendorId: key.agentId,
    customerSent: [],
    agentSent: [],
    agentErrors: [],
    continueAsNewAfterEvents: undefined,
  }));
  const controller = new ChaosController({
    vendor: gateway,
    server,
    pool,
    webhook,
    link,
    sessions: records,
    dice: dice(options.seed),
    actions: presenceActions,
  });
  const shutdown = async () => {
    controller.stop();
    await pool.stopAll().catch(() => undefined);
    await link.close();
    await webhook.down();
    await gateway.close();
    await server.stop().catch(() => undefined);
    snapshot.remove();
  };
  try {
    for (const key of keys) {
      gateway.sim.addAgent(key.agentId, agentPassword);
      await presences().startOrGet(key, {
        phonenum: '70001',
        mode: 'push',
        skills: ['11', '12'],
        webhookUrl: webhook.url,
      });
    }
    await until(
      'every agent signed in',
      () => keys.every((k) => gateway.sim.agent(k.agentId).signedIn),
      120_000,
    );
    progress(`${keys.length} agents signed in`);

    const counts: ActivityCounts = { calls: 0, stateChanges: 0, stateRefusals: 0 };
    const activities = keys.map(
      (key, i) => new AgentActivity(key, gateway.sim, link, taskQueue, dice(options.seed + 100 + i), counts),
    );
    const working = Promise.all(activities.map((a) => a.run()));
    const chaosEnds = Date.now() + options.durationSec * 1000;
    const ticker = setInterval(
      () =>
        progress(
          `status: ${counts.calls} calls, ${counts.stateChanges} state changes; gateway ${gateway.stats().line}`,
        ),
      30_000,
    );
    await controller.run(chaosEnds - QUIET_TAIL_MS, options.actionEveryMs);
    await controller.quiesce();
    let deadLettersRedriven = await redriveRunningSessions(link, records);
    await sleep(Math.max(0, chaosEnds - Date.now()));
    for (const a of activities) a.stop();
    await working;
    clearInterval(ticker);

    // --- wind down: every agent signed in again and every event at the webhook, then sign-outs ---
    const drainDeadline = Date.now() + options.drainTimeoutMs + 60_000;
    await until(
      'every agent signed in again',
      () => keys.every((k) => gateway.sim.agent(k.agentId).signedIn),
      drainDeadline - Date.now(),
    ).catch((err: Error) => progress(err.message));
    deadLettersRedriven += await redriveRunningSessions(link, records);
    await until(
      'every issued event at the webhook',
      () =>
        keys.every((k) => {
          const agentEvents = webhook
            .forSession(presenceWorkflowId(k))
            .filter((d) => d.body.event.event.kind === 'agentEvent');
          return new Set(agentEvents.map((d) => d.key)).size >= gateway.sim.agent(k.agentId).issued.length;
        }),
      Math.max(1_000, drainDeadline - Date.now() - 30_000),
    ).catch((err: Error) => progress(err.message));
    for (const key of keys) {
      await link
        .call(30_000, (_s, client) => new AgentPresences(client, { taskQueue }).signOut(key))
        .catch((err: unknown) => progress(`sign-out of ${key.agentId} failed: ${String(err)}`));
    }
    const completions = await awaitCompletion(link, records, drainDeadline);
    deadLettersRedriven += await redriveEndedChats(link, completions, drainDeadline);

    // --- verdict ---
    const totals = {
      lost: 0,
      duplicated: 0,
      outOfOrder: 0,
      gatewaySignOuts: 0,
      healed: 0,
      events: 0,
      stuck: 0,
    };
    for (const [i, key] of keys.entries()) {
      const agent = gateway.sim.agent(key.agentId);
      const audit = auditPresence(
        agent.issued,
        agent.signOuts.map((s) => s.reason),
        webhook.forSession(records[i]!.workflowId),
      );
      const completion = completions.get(records[i]!.workflowId);
      const done = completion?.status === 'COMPLETED' && completion.result?.endReason === 'client';
      if (!done) totals.stuck += 1;
      totals.lost += audit.lost;
      totals.duplicated += audit.duplicated;
      totals.outOfOrder += audit.outOfOrder;
      totals.gatewaySignOuts += audit.gatewaySignOuts;
      totals.healed += audit.healed;
      totals.events += audit.relayed;
      progress(
        `${records[i]!.label} agent ${key.agentId}: ${audit.relayed}/${audit.issued} events relayed, ` +
          `${audit.gatewaySignOuts} gateway sign-outs, ${audit.healed} healed; ${done ? 'signed out' : `NOT DONE ${JSON.stringify(completion)}`}; ${gateway.sessionLine(key.agentId)}`,
      );
      for (const problem of audit.problems) progress(`  problem: ${problem}`);
      const silentSignOut = agent.signOuts.some((o) => o.reason === 260);
      if (audit.problems.length > 0 || !done || silentSignOut) {
        const file = historyFile(runDir, records[i]!.label);
        await dumpHistory(link, records[i]!.workflowId, file, new EncryptionCodec(encryptionKeys))
          .then(() => progress(`  history: ${file}`))
          .catch((err: unknown) => progress(`  history not dumped: ${String(err)}`));
      }
    }
    const s = gateway.sim.stats();
    const c = controller.counters;
    progress(`gateway: ${gateway.stats().line}; activity: ${JSON.stringify(counts)}`);
    await shutdown();
    const summary = {
      vendor: 'huawei-cc-gateway',
      agents: keys.length,
      agentEvents: totals.events,
      calls: counts.calls,
      stateChanges: counts.stateChanges,
      workerKills: c.workerKills,
      serverRestarts: c.serverRestarts,
      gatewayFailovers: s.failovers,
      gatewaySignOuts: totals.gatewaySignOuts,
      healedSignIns: totals.healed,
      unintendedSignOuts: s.heartbeatSignOuts,
      staleGuidRefusals: s.staleGuidRefusals,
      faults: c.faultActions,
      lost: totals.lost,
      duplicated: totals.duplicated,
      outOfOrder: totals.outOfOrder,
      stuck: totals.stuck,
      maxHeartbeatGapMs: s.maxHeartbeatGapMs,
      refusingWebhookWindows: c.refusingWebhookWindows,
      deadLettersRedriven,
    };
    console.log(JSON.stringify(summary));
    const failures =
      totals.lost +
      totals.duplicated +
      totals.outOfOrder +
      totals.stuck +
      s.heartbeatSignOuts +
      s.staleGuidRefusals +
      Math.abs(totals.gatewaySignOuts - totals.healed);
    return failures > 0 ? 1 : 0;
  } catch (err) {
    await shutdown();
    throw err;
  }
}

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}
