// Command-line options of `npm run chaos`. `--quick` is the CI-sized run: few sessions, a short chaos
// phase, and a drain deadline that keeps the whole run under five minutes including startup.
import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';

export interface ChaosOptions {
  quick: boolean;
  sessions: number;
  /** Length of the chaos phase (conversation + faults), seconds. */
  durationSec: number;
  /** Pause between two chaos actions, ms (jittered ±30 %). */
  actionEveryMs: number;
  /** How long the end of the run may take for every workflow to complete, ms. */
  drainTimeoutMs: number;
  seed: number;
  /** Every other session continues-as-new after this many history events (0: never early). */
  continueAsNewAfterEvents: number;
  /** The vendor under chaos (its simulator and faults): chaos/vendors/. */
  vendor: (typeof vendors)[number];
}

const vendors = ['salesforce-live-agent', 'genesys-gms', 'huawei-cc-gateway'] as const;

const usage = `Usage: npm run chaos -- [--quick] [--sessions N] [--duration SECONDS] [--seed N] [--vendor NAME]
  --vendor NAME  salesforce-live-agent (default), genesys-gms, or huawei-cc-gateway (agent presences:
                 chaos/presences/presence-soak.ts)
  --quick        8 sessions, 150 s of chaos, whole run under 5 minutes
  --sessions N   concurrent chat sessions, or agents (default 20)
  --duration S   seconds of conversation under chaos (default 300; --quick 150)
  --seed N       replay the same chaos schedule and simulator fault dice
  --can-after N  every other session continues-as-new after N history events, so the hand-over of
                 state between runs is tested under chaos too (default 300; 0 leaves the default)`;

export function parseOptions(argv: string[]): ChaosOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      sessions: { type: 'string' },
      duration: { type: 'string' },
      seed: { type: 'string' },
      'can-after': { type: 'string' },
      vendor: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const quick = values.quick ?? false;
  const sessions = positiveInt(values.sessions, quick ? 8 : 20, '--sessions');
  const durationSec = positiveInt(values.duration, quick ? 150 : 300, '--duration');
  const vendor = (values.vendor ?? 'salesforce-live-agent') as ChaosOptions['vendor'];
  if (!vendors.includes(vendor))
    throw new Error(`--vendor must be one of ${vendors.join(', ')}, got '${vendor}'`);
  return {
    quick,
    sessions,
    durationSec,
    actionEveryMs: quick ? 7_000 : 9_000,
    // Deliveries back off up to 30 s after a webhook outage; a killed worker's send waits 30 s to time out.
    drainTimeoutMs: quick ? 75_000 : 120_000,
    seed: positiveInt(values.seed, randomInt(1, 2 ** 31), '--seed'),
    continueAsNewAfterEvents:
      values['can-after'] === '0' ? 0 : positiveInt(values['can-after'], 300, '--can-after'),
    vendor,
  };
}

function positiveInt(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`${name} must be a positive integer, got '${raw}'`);
  return value;
}
