// `npm run bench [-- --quick | --sessions N --duration S]`: capacity, latency against side-by-side
// floors, history and server-write costs, worker memory (against a bare undici loop holding as many
// long polls) and CPU of the connection-hub design, and the poll gap when the worker holding the
// sessions is SIGKILLed and another takes them over, on this machine. Progress lines first; the LAST
// stdout line is the result JSON.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseBenchArgs } from './bench-args';
import { measureBareMemory, type BareMemoryFigures } from './bare-memory';
import { deploymentIds, startBenchEnv, type BenchEnv } from './bench-env';
import { measureBusySession } from './busy-session';
import { runCapacityRamp } from './capacity-ramp';
import { machineInfo } from './machine-info';
import { MessageLoad } from './message-load';
import { plotCaption } from './plot-caption';
import { renderLatencyPlot } from './plot-svg';
import { probeHeap, sampleRss } from './proc-usage';
import { progress, sleep, waitUntil } from './progress';
import { RelayLedger } from './relay-ledger';
import { buildLine, saveRecord, type BenchLine, type BenchRecord } from './report';
import { runGmsBench } from './gms-bench';
import { runHuaweiBench } from './huawei-bench';
import { SessionFleet } from './session-fleet';

/** `--vendor <name>` (default salesforce-live-agent): each vendor's bench has its own phases. */
function vendorOf(argv: string[]): string {
  const at = argv.findIndex((a) => a === '--vendor' || a.startsWith('--vendor='));
  if (at < 0) return 'salesforce-live-agent';
  return argv[at]!.includes('=') ? argv[at]!.split('=')[1]! : (argv[at + 1] ?? '');
}
import { runTakeover, type TakeoverFigures } from './takeover';

async function main(): Promise<BenchLine> {
  const argv = process.argv.slice(2);
  const vendor = vendorOf(argv);
  if (vendor === 'genesys-gms') return (await runGmsBench(argv)) as unknown as BenchLine;
  if (vendor === 'huawei-cc-gateway') return (await runHuaweiBench(argv)) as unknown as BenchLine;
  if (vendor !== 'salesforce-live-agent')
    throw new Error(`--vendor: salesforce-live-agent, genesys-gms or huawei-cc-gateway, got ${vendor}`);
  argv.splice(
    0,
    argv.length,
    ...argv.filter((a, i) => a !== '--vendor' && argv[i - 1] !== '--vendor' && !a.startsWith('--vendor=')),
  );
  const args = parseBenchArgs(argv);
  const startedAt = new Date().toISOString();
  const machine = machineInfo();
  progress(
    `${machine.cores} × ${machine.cpuModel}, node ${machine.node}; steps ${args.steps.join(', ')}; ` +
      `hold ${args.durationSec} s per step (idle window ${args.idleWindowSec} s)`,
  );
  const env = await startBenchEnv(args);
  try {
    return await measure(env, args, argv, startedAt);
  } finally {
    progress('stopping worker, simulator and dev server');
    await env.close();
  }
}

async function measure(
  env: BenchEnv,
  args: ReturnType<typeof parseBenchArgs>,
  argv: string[],
  startedAt: string,
): Promise<BenchLine> {
  const ledger = new RelayLedger(env.sim);
  const fleet = new SessionFleet(env.chat, env.sim, env.sink, env.sink.url('bridge'), env.runId);
  const load = new MessageLoad({ ...env, fleet, ledger });

  progress('events per message: one busy session, messages one at a time each way');
  const busy = await measureBusySession({ ...env, fleet, ledger, messages: args.quick ? 10 : 20 });
  progress(
    `events per message ${busy.eventsPerMessage} (agent→channel ${busy.eventsPerAgentMessage}, customer→vendor ${busy.eventsPerCustomerMessage}); ` +
      `lone-session latency p50 agent→channel ${busy.unloadedInbound.p50} ms, customer→vendor ${busy.unloadedOutbound.p50} ms`,
  );
  progress(
    `events per agent message ${JSON.stringify(busy.agentMessageEvents)}; per customer message ${JSON.stringify(busy.customerMessageEvents)}`,
  );
  const top = args.steps.at(-1)!;
  progress(`memory floor: a bare undici loop holding ${top} long polls in a child process`);
  const bare: BareMemoryFigures | undefined = await measureBareMemory(env.sim, deploymentIds, top).catch(
    (err: unknown) => {
      progress(`the bare memory floor failed: ${String(err)}`);
      return undefined;
    },
  );
  if (bare)
    progress(
      `bare loop: ${bare.sessions} long polls opened in ${bare.openSec} s; RSS ${bare.baselineRssKb} → ${bare.rssKb} KB after GC: ` +
        `${bare.rssKbPerSession} KB RSS, ${bare.heapKbPerSession} KB heap, ${bare.externalKbPerSession} KB external per long poll` +
        (bare.pollErrors ? `; ${bare.pollErrors} poll errors` : ''),
    );
  await sleep(2_000);
  const probed = await probeHeap(env.workerPid, env.heapProbeFile);
  if (!probed) progress('the worker heap probe did not answer: memory figures fall back to RSS low points');
  const baseline = probed ?? {
    rssKb: (await sampleRss(env.workerPid, 3_000)).minKb,
    heapUsedKb: Number.NaN,
    externalKb: Number.NaN,
  };
  progress(`worker before the ramp, after GC: RSS ${baseline.rssKb} KB, heap ${baseline.heapUsedKb} KB`);

  const steps = await runCapacityRamp(env, args, fleet, load, baseline);

  await waitUntil('every relayed message to arrive', () => ledger.settled(env.sink), 30_000).catch(() =>
    progress('some messages had not arrived after 30 s'),
  );
  const stillRunning = await load.drain(60_000);
  if (stillRunning > 0) progress(`${stillRunning} client calls still running after 60 s`);

  progress('takeover: a second worker joins; the one holding the sessions is then SIGKILLed');
  const takeover: TakeoverFigures | undefined = await runTakeover(env, fleet, ledger, 20).catch(
    (err: unknown) => {
      progress(`the takeover phase failed: ${err instanceof Error ? err.stack : String(err)}`);
      return undefined;
    },
  );
  await waitUntil('every relayed message to arrive', () => ledger.settled(env.sink), 30_000).catch(() =>
    progress('some messages had not arrived after 30 s: counted as lost'),
  );
  const audit = ledger.audit(env.sink, env.sim);
  const stats = env.sim.stats();
  progress(
    `relay audit: agent→channel ${audit.agentSent} sent, ${audit.lostAgent} lost, ${audit.duplicatedAgent} duplicated; ` +
      `customer→vendor ${audit.customerSent} sent, ${audit.lostCustomer} lost, ${audit.duplicatedCustomer} duplicated, ` +
      `${audit.sendErrors} send errors${audit.sendErrors ? ` (${audit.sendErrorSamples.join(' | ')})` : ''}; webhook signature rejections ${env.sink.rejected}; bare relay errors ${env.relay.errors}`,
  );
  const line = buildLine({
    args,
    steps,
    audit,
    busy,
    bare,
    takeover,
    expired: stats.expiredSessions,
    conflicts409: stats.conflicts409,
  });
  const record: BenchRecord = {
    startedAt,
    command: ['npm run bench', ...(argv.length ? ['--', ...argv] : [])].join(' '),
    args,
    machine: machineInfo(),
    workerSettings: env.workerSettings,
    sourceVersion: env.sourceVersion,
    result: line,
    audit,
    busySession: busy,
    bareMemory: bare,
    takeover,
    steps,
  };
  const file = saveRecord(record);
  const svg = renderLatencyPlot(steps, plotCaption(record));
  writeFileSync(file.replace(/\.json$/, '.svg'), svg);
  // Quick runs are smoke tests and knob runs are experiments; only a plain full run replaces the
  // committed figure (`npx tsx bench/plot.ts <results.json>` redraws it from any run).
  const experiment =
    args.workflowCache !== undefined || args.activitySlots !== undefined || args.serverConfig.length > 0;
  const updatePlot = !args.quick && !experiment;
  if (updatePlot) writeFileSync(path.resolve(__dirname, 'plot.svg'), svg);
  progress(`saved ${file} (+ .svg${updatePlot ? ', bench/plot.svg' : ''})`);
  return line;
}

main().then(
  (line) => {
    console.log(JSON.stringify(line));
    const failed =
      line.lost + line.duplicated + line.expired + (line.conflicts409 ?? 0) > 0 ||
      line.sessions === 0 ||
      (line.maxPollGapMs !== undefined && Number.isNaN(line.maxPollGapMs));
    process.exit(failed ? 1 : 0);
  },
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
