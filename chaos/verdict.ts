// The verdict of a soak: audits every session against the simulator's and the webhook's records,
// prints one line per session (and every problem, with the session's history dumped to a file and,
// after a nondeterminism failure, replayed with the run's own workflow code), and builds the summary
// that `npm run chaos` prints as its last line.
import type { PayloadCodec } from '@temporalio/common';
import type { ChaosVendor } from './chaos-vendor';
import { auditSession, type SessionAudit } from './audit';
import type { ChaosWebhook } from './chaos-webhook';
import type { Completion } from './completion';
import type { ChaosController } from './controller';
import type { ConversationStats } from './conversation';
import { dumpHistory, historyFile } from './history-dump';
import { progress } from './progress';
import { replayCheck, type ReplayOptions } from './replay-check';
import type { SessionRecord } from './session-record';
import type { TemporalLink } from './temporal-link';

export interface Summary {
  sessions: number;
  messages: number;
  workerKills: number;
  serverRestarts: number;
  handovers: number;
  faults: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
  expired: number;
  conflicts409: number;
  stuck: number;
  /** Longest time any session had no poll open (Live Agent) or no refresh (GMS) over the run. */
  maxPollGapMs: number;
}

export async function verdict(input: {
  records: SessionRecord[];
  completions: Map<string, Completion>;
  webhook: ChaosWebhook;
  sim: ChaosVendor;
  controller: ChaosController;
  link: TemporalLink;
  runDir: string;
  codec: PayloadCodec;
  /** Replays histories with a nondeterminism failure using the run's own workflow code. */
  replay?: ReplayOptions;
}): Promise<Summary> {
  const { records, completions, webhook, sim, controller, link, runDir, codec } = input;
  const simStats = sim.stats();
  let stuck = 0;
  let handovers = 0;
  const totals: SessionAudit = { lost: 0, duplicated: 0, outOfOrder: 0, relayed: 0, problems: [] };
  for (const r of records) {
    const completion = completions.get(r.workflowId);
    const audit = auditSession(
      r,
      webhook.forSession(r.workflowId),
      r.vendorId ? sim.customerMessages(r.vendorId) : [],
      webhook.refusedKeys,
    );
    totals.lost += audit.lost;
    totals.duplicated += audit.duplicated;
    totals.outOfOrder += audit.outOfOrder;
    totals.relayed += audit.relayed;
    handovers += completion?.result?.handovers ?? completion?.state?.handovers ?? 0;
    const completed = completion?.status === 'COMPLETED';
    if (!completed) {
      stuck += 1;
      audit.problems.push(
        `workflow ${completion?.status ?? 'unknown'}${completion?.failure ? ` (${completion.failure})` : ''}; state ${JSON.stringify(completion?.state ?? null)}`,
      );
    }
    const atVendor = r.vendorId ? sim.customerMessages(r.vendorId).length : 0;
    progress(
      `${r.label} ${r.workflowId}: customer ${r.customerSent.length} sent / ${atVendor} at vendor; ` +
        `agent ${r.agentSent.length} sent; ${completion?.status ?? '?'} ${completion?.result ? JSON.stringify(completion.result) : ''}` +
        `${completion?.runs ? `; ${completion.runs} run(s)` : ''}` +
        `; ${r.vendorId ? sim.sessionLine(r.vendorId) : 'no vendor chat'}`,
    );
    if (audit.problems.length > 0) {
      for (const p of audit.problems) progress(`  PROBLEM ${r.label}: ${p}`);
      const file = historyFile(runDir, r.label);
      const lines = await dumpHistory(link, r.workflowId, file, codec).then(
        (lines) => {
          progress(`  history of ${r.workflowId}: ${lines.length} events in ${file}`);
          return lines;
        },
        (err: unknown) => {
          progress(`  could not fetch the history of ${r.workflowId}: ${String(err)}`);
          return [];
        },
      );
      if (input.replay && lines.some((l) => l.includes('Nondeterminism'))) {
        const verdicts = await replayCheck(link, r.workflowId, input.replay).catch((err: unknown) => [
          `replay check failed: ${String(err)}`,
        ]);
        for (const v of verdicts) progress(`  replay ${r.label}: ${v}`);
      }
    }
  }
  if (webhook.rejectedSignatures > 0)
    progress(`PROBLEM webhook rejected ${webhook.rejectedSignatures} bad signature(s)`);
  const { counters } = controller;
  progress(
    `simulator (${sim.provider}): ${simStats.line}; ` +
      `webhook: ${webhook.deliveries.length} requests, ${webhook.answered503} answered 503 on purpose, ${counters.webhookOutages} outage(s); ` +
      `workers: ${counters.workerKills} SIGKILLed, ${counters.fencedWorkerExits} exited after their hub lost its lease, ` +
      `${counters.unexpectedWorkerExits} other exits (crashes)`,
  );
  return {
    sessions: records.length,
    messages: totals.relayed,
    workerKills: counters.workerKills,
    serverRestarts: counters.serverRestarts,
    handovers,
    faults: simStats.faultsInjected + webhook.answered503 + counters.webhookOutages,
    lost: totals.lost,
    duplicated: totals.duplicated,
    outOfOrder: totals.outOfOrder,
    expired: simStats.expired,
    conflicts409: simStats.conflicts409,
    stuck,
    maxPollGapMs: simStats.maxGapMs,
  };
}

export function statusLine(
  records: SessionRecord[],
  webhook: ChaosWebhook,
  sim: ChaosVendor,
  stats: ConversationStats,
): string {
  const sent = records.flatMap((r) => r.customerSent);
  const s = sim.stats();
  return (
    `status: customer ${sent.filter((m) => m.status === 'accepted').length} accepted, ${sent.filter((m) => m.status === 'pending').length} pending ` +
    `(${stats.customerRetries} retries); agent ${records.reduce((n, r) => n + r.agentSent.length, 0)} sent; ` +
    `webhook ${webhook.deliveries.length} requests; vendor ${s.conflicts409} 409s, ` +
    `${s.expired} expired, max gap ${s.maxGapMs} ms`
  );
}
