// `npm run bench -- --vendor genesys-gms [--quick] [--sessions N] [--duration S]`: the session core on
// Genesys GMS, where the vendor needs a request every few seconds per chat (plain polling, no hold).
// One bridge worker holds N chats against the strict GMS simulator; figures: vendor requests, server
// writes and history events per idle session-hour, worker memory per session, relay latency each way,
// and the longest refresh gap when the worker holding the chats is SIGKILLed and another takes over.
// 0 lost / duplicated / logged out (the vendor's expiry) is the pass line. The LAST stdout line is JSON.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { ChatSessions, sessionWorkflowId } from '../src/client';
import { localWorkerEnv } from '../src/runtime/local-worker-env';
import { WorkerProcess } from '../src/runtime/worker-process';
import { GmsSimulator } from '../src/simulators/genesys-gms/gms-simulator';
import { sampledHistoryLength, VendorBenchFrame } from './vendor-bench-frame';
import { round, summarize } from './percentiles';
import { readProcUsage, sampleRss } from './proc-usage';
import { progress, runPool, sleep, waitUntil } from './progress';
import { snapshotMetrics, windowMetrics } from './server-metrics';
import { WebhookSink } from './webhook-sink';

const hour = 3_600_000;

export async function runGmsBench(argv: string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({
    args: argv,
    options: {
      vendor: { type: 'string' },
      quick: { type: 'boolean', default: false },
      sessions: { type: 'string' },
      duration: { type: 'string' },
      'refresh-ms': { type: 'string' },
      'flex-timeout-ms': { type: 'string' },
    },
    strict: true,
  });
  const quick = values.quick === true;
  const sessions = Number(values.sessions ?? (quick ? 50 : 500));
  const idleSec = Number(values.duration ?? (quick ? 30 : 120));
  const refreshMs = Number(values['refresh-ms'] ?? 3_000);
  const flexMs = Number(values['flex-timeout-ms'] ?? 45_000);
  const frame = new VendorBenchFrame();
  const { machine } = frame;
  progress(
    `${machine.cores} × ${machine.cpuModel}; genesys-gms: ${sessions} chats, refresh every ${refreshMs} ms, ` +
      `flex-disconnect timeout ${flexMs} ms, idle window ${idleSec} s`,
  );
  try {
    const { server, metricsUrl } = await frame.startServer();
    const sim = await GmsSimulator.start({ flexDisconnectTimeoutMs: flexMs });
    frame.onClose(() => sim.close());
    const secret = randomUUID();
    const sink = await WebhookSink.start(secret);
    frame.onClose(() => sink.close());
    const runId = `gms-bench-${Date.now().toString(36)}`;
    const taskQueue = `${runId}-bridge`;
    const env = {
      ...localWorkerEnv({
        temporalAddress: server.address,
        liveAgentUrl: 'http://127.0.0.1:9/unused/',
        taskQueue,
        webhookSecret: secret,
      }),
      CHAT_BRIDGE_PROVIDERS: 'genesys-gms',
      GMS_SERVICE_URL: sim.serviceUrl,
      GMS_REFRESH_INTERVAL_MS: String(refreshMs),
      GMS_FLEX_DISCONNECT_TIMEOUT_MS: String(flexMs),
      WORKER_MAX_CACHED_WORKFLOWS: String(Math.max(2_000, sessions + 200)),
      METRICS_BIND_ADDRESS: 'off',
    };
    const startWorker = async (name: string) => {
      const proc = await WorkerProcess.start({ env: { ...env, WORKER_IDENTITY: `${runId}-${name}` } });
      frame.onClose(() => proc.kill());
      return proc;
    };
    const first = await startWorker('first');
    const firstPid = first.pid!;
    const connection = await Connection.connect({ address: server.address });
    frame.onClose(() => connection.close());
    const client = new Client({ connection });
    const chat = new ChatSessions(client, { taskQueue });
    // The baseline: the worker with its workflow bundle loaded and one chat open (not counted).
    const warmup = { channel: 'bench', customerId: `${runId}-warmup` };
    await chat.startOrGet(warmup, {
      provider: 'genesys-gms',
      customerId: warmup.customerId,
      visitorName: 'warmup',
    });
    await waitUntil('the warm-up chat', () => sim.chats.size === 1, 60_000);
    sim.agentJoins([...sim.chats.keys()][0]!, 'Bench Agent');
    await sleep(3_000);
    const rssBefore = (await sampleRss(firstPid, 2_000)).minKb;

    // Open the chats; an agent joins each as soon as GMS has it.
    const keys = Array.from({ length: sessions }, (_, i) => ({
      channel: 'bench',
      customerId: `${runId}-${i + 1}`,
    }));
    const joined = new Set<string>(sim.chats.keys());
    const joiner = setInterval(() => {
      for (const id of sim.chats.keys()) {
        if (joined.has(id)) continue;
        joined.add(id);
        sim.agentJoins(id, 'Bench Agent');
      }
    }, 100);
    const openedAt = performance.now();
    await runPool(keys, 16, async (key) => {
      await chat.startOrGet(key, {
        provider: 'genesys-gms',
        customerId: key.customerId,
        visitorName: key.customerId,
        webhookUrl: sink.url('bridge'),
      });
    });
    await waitUntil('every chat connected', () => sink.connected.size >= sessions, 10 * 60_000);
    clearInterval(joiner);
    progress(`${sessions} chats chatting in ${round((performance.now() - openedAt) / 1000)} s`);

    // Idle window: nothing but refreshes.
    await sleep(refreshMs * 2);
    const sample = keys.slice(0, Math.min(20, sessions)).map((k) => sessionWorkflowId(k));
    const historyLength = () => sampledHistoryLength(client, sample);
    const callsBefore = sim.stats().calls;
    const historyBefore = await historyLength();
    const metricsBefore = await snapshotMetrics(metricsUrl, undefined);
    const cpuBefore = readProcUsage(firstPid);
    const idleStart = performance.now();
    await sleep(idleSec * 1000);
    const idleMs = performance.now() - idleStart;
    const metricsAfter = await snapshotMetrics(metricsUrl, undefined);
    const cpuAfter = readProcUsage(firstPid);
    const calls = sim.stats().calls - callsBefore;
    const historyAfter = await historyLength();
    const writes = windowMetrics(metricsBefore, metricsAfter);
    const rssIdle = (await sampleRss(firstPid, 3_000)).minKb;
    const perSessionHour = (n: number, per = sessions) => round((n / per) * (hour / idleMs), 2);
    const idle = {
      vendorRequestsPerIdleSessionHour: perSessionHour(calls),
      idleServerWritesPerSessionHour: perSessionHour(writes.executionWrites),
      idleEventsPerSessionHour: perSessionHour(historyAfter - historyBefore, sample.length),
      workerRssKbPerSession: round((rssIdle - rssBefore) / sessions),
      workerCpuMsPerSessionHour: perSessionHour(cpuAfter.cpuMs - cpuBefore.cpuMs),
    };
    progress(`idle: ${JSON.stringify(idle)}`);

    // Relay, one message at a time each way on random chats.
    const messages = quick ? 20 : 60;
    const inbound: number[] = [];
    const outbound: number[] = [];
    const ids = [...sim.chats.keys()].slice(1); // not the warm-up chat
    for (let i = 0; i < messages; i++) {
      const chatId = ids[Math.floor(Math.random() * ids.length)]!;
      const text = `${runId} agent ${i}`;
      const at = performance.now();
      const arrived = new Promise<number>((resolve) => {
        const off = sink.onDelivery((d) => {
          if (d.body.event.event.kind !== 'messageReceived' || d.body.event.event.text !== text) return;
          off();
          resolve(d.at);
        });
      });
      sim.agentSays(chatId, text);
      inbound.push((await arrived) - at);
      // The customer side, on a random chat; the audit reads what GMS itself holds.
      const key = keys[Math.floor(Math.random() * keys.length)]!;
      const t0 = performance.now();
      await chat.send(key, { clientMessageId: `c${i}`, text: `${runId} customer ${i}` });
      outbound.push(performance.now() - t0);
    }
    const delivered = [...sink.keysByText.entries()].filter(([t]) => t.startsWith(`${runId} agent`));
    const duplicatedAgent = delivered.filter(([, k]) => k.size > 1).length;
    const lostAgent = messages - delivered.length;
    const atVendor = [...sim.chats.values()]
      .flatMap((c) => c.customerTexts())
      .filter((t) => t.startsWith(runId));
    const lostCustomer = messages - new Set(atVendor).size;
    const duplicatedCustomer = atVendor.length - new Set(atVendor).size;

    // Takeover: a second worker joins, the first is SIGKILLed; the chats' refreshes must resume in time.
    progress('takeover: a second worker joins, the first is SIGKILLed');
    await startWorker('second');
    await sleep(5_000);
    const gapBefore = sim.stats().maxCallGapMs;
    const killedAt = performance.now();
    await first.kill();
    const killedWall = Date.now();
    await waitUntil(
      'every chat refreshed by the surviving worker',
      () => [...sim.chats.values()].every((c) => c.ended || c.lastCallAt > killedWall),
      flexMs * 2,
    ).catch(() => progress('some chats did not refresh again'));
    const takeoverSec = round((performance.now() - killedAt) / 1000);
    const stats = sim.stats();
    const inboundSummary = summarize(inbound);
    const outboundSummary = summarize(outbound);
    const line = {
      vendor: 'genesys-gms',
      sessions,
      refreshIntervalMs: refreshMs,
      flexDisconnectTimeoutMs: flexMs,
      expired: stats.loggedOut,
      lost: lostAgent + lostCustomer,
      duplicated: duplicatedAgent + duplicatedCustomer,
      ...idle,
      inboundP50Ms: inboundSummary.p50,
      inboundP99Ms: inboundSummary.p99,
      outboundP50Ms: outboundSummary.p50,
      outboundP99Ms: outboundSummary.p99,
      maxRefreshGapMs: stats.maxCallGapMs,
      maxRefreshGapBeforeKillMs: gapBefore,
      takeoverSec,
      staleAliasRefused: stats.staleAliasRefused,
      vendorCalls: stats.calls,
      idleWindowSec: idleSec,
      quick,
    };
    frame.save('genesys-gms', argv, line);
    return line;
  } finally {
    await frame.close();
  }
}
