// The chaos schedule: every few seconds one action from a fixed rotation (parameters drawn from the
// seeded dice), each logged on one line. Blocking actions (worker SIGKILL + replacement, dev-server
// restart) run one at a time, so a replacement worker never starts against a server that is down.
// Windows (simulator chaos rates, webhook outage, flaky webhook) close by themselves after a while.
// Between actions the controller is the workers' supervisor (compose's restart policy, Kubernetes):
// a worker that exits on its own — a hub that lost its lease exits on purpose — is replaced within a
// second or so of its exit, once the dev server is up.
import type { DevServer } from '../src/runtime/dev-server';
import type { ChaosWebhook } from './chaos-webhook';
import type { ChaosVendor } from './chaos-vendor';
import { progress, sleep } from './progress';
import type { Dice } from './rng';
import type { SessionRecord } from './session-record';
import type { TemporalLink } from './temporal-link';
import type { WorkerPool } from './worker-pool';

export const WORKERS = 2;

export type ActionKind =
  | 'failover'
  | 'worker-kill'
  | 'fault-5xx'
  | 'webhook-outage'
  | 'latency'
  | 'server-restart'
  | 'malformed'
  | 'reset'
  | 'chaos-window'
  | 'failover-storm'
  | 'webhook-flaky'
  | 'send-cut-failover'
  | 'poison-message'
  | 'oversized-message'
  | 'webhook-refusing';

// A short server restart early in the cycle and a long one (outage past the hub lease's heartbeat
// timeout) at its end, so a --quick run gets both.
const rotation: ActionKind[] = [
  'failover',
  'worker-kill',
  'send-cut-failover',
  'fault-5xx',
  'webhook-outage',
  'server-restart',
  'latency',
  'malformed',
  'worker-kill',
  'reset',
  'chaos-window',
  'failover-storm',
  'webhook-flaky',
  'poison-message',
  'webhook-refusing',
  'oversized-message',
  'server-restart',
];

export interface ChaosCounters {
  workerKills: number;
  serverRestarts: number;
  failoversForced: number;
  faultActions: number;
  webhookOutages: number;
  /** Vendor messages a JSON payload cannot hold (nested 4,100 deep) or 3 MB long: bounded, chat goes on. */
  poisonMessages: number;
  /** Windows in which the webhook refused everything for good (410): dead letters, redriven at the end. */
  refusingWebhookWindows: number;
  /** Workers that exited because their hub lost its lease (by design, e.g. a server outage past it). */
  fencedWorkerExits: number;
  /** Workers that exited on their own for any other reason: crashes. */
  unexpectedWorkerExits: number;
}

export interface ControllerDeps {
  vendor: ChaosVendor;
  server: DevServer;
  pool: WorkerPool;
  webhook: ChaosWebhook;
  link: TemporalLink;
  sessions: SessionRecord[];
  dice: Dice;
  /** The rotation of actions (default: every kind, for a chat vendor). */
  actions?: readonly ActionKind[];
}

export class ChaosController {
  readonly counters: ChaosCounters = {
    workerKills: 0,
    serverRestarts: 0,
    failoversForced: 0,
    faultActions: 0,
    webhookOutages: 0,
    poisonMessages: 0,
    refusingWebhookWindows: 0,
    fencedWorkerExits: 0,
    unexpectedWorkerExits: 0,
  };
  private readonly timers = new Set<NodeJS.Timeout>();
  private step = 0;
  /** While the dev server is down no replacement is started (it could not connect). */
  private serverDown = false;
  /** One top-up at a time: the supervisor and the actions share it. */
  private toppingUp: Promise<void> | null = null;
  private supervisor: NodeJS.Timeout | undefined;

  constructor(private readonly deps: ControllerDeps) {}

  /** Runs actions until `until` (epoch ms), `everyMs` apart (±30 %). */
  async run(until: number, everyMs: number): Promise<void> {
    const { dice } = this.deps;
    this.supervise();
    while (Date.now() < until) {
      await sleep(
        Math.min(
          Math.max(0, until - Date.now()),
          dice.int(Math.round(everyMs * 0.7), Math.round(everyMs * 1.3)),
        ),
      );
      if (Date.now() >= until) break;
      await this.keepWorkersUp();
      const actions = this.deps.actions ?? rotation;
      const kind = actions[this.step % actions.length]!;
      this.step += 1;
      try {
        await this.perform(kind);
      } catch (err) {
        progress(`chaos: ${kind} failed in the harness: ${(err as Error).message}`);
      }
    }
  }

  /** End of chaos: no faults, webhook up and reliable, the full set of workers running. */
  async quiesce(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const { vendor, webhook } = this.deps;
    vendor.clearFaults();
    webhook.flakyRate = 0;
    webhook.refuseStatus = null;
    await webhook.up();
    await this.keepWorkersUp();
    progress(`chaos: stopped injecting; webhook up; workers ${this.deps.pool.describe()}`);
  }

  /** The supervisor: checks every second for workers that exited, replaces them; stop() ends it. */
  supervise(): void {
    if (this.supervisor) return;
    this.supervisor = setInterval(() => {
      if (this.serverDown || this.toppingUp) return;
      this.keepWorkersUp().catch((err: unknown) =>
        progress(`chaos: supervisor could not start a worker: ${(err as Error).message}`),
      );
    }, 1_000);
  }

  stop(): void {
    clearInterval(this.supervisor);
    this.supervisor = undefined;
  }

  /** Replace workers that died on their own, and top the pool up to WORKERS (starting them in parallel). */
  keepWorkersUp(): Promise<void> {
    this.toppingUp ??= this.topUp().finally(() => {
      this.toppingUp = null;
    });
    return this.toppingUp;
  }

  private async topUp(): Promise<void> {
    const { pool } = this.deps;
    for (const dead of await pool.reapDead()) {
      if (dead.fenced) {
        this.counters.fencedWorkerExits += 1;
        progress(
          `chaos: worker #${dead.n} (pid ${dead.pid}) exited: its hub lost the lease and fenced itself; replacing it`,
        );
      } else {
        this.counters.unexpectedWorkerExits += 1;
        progress(
          `chaos: worker #${dead.n} (pid ${dead.pid}) exited on its own; replacing it (see ${dead.log})`,
        );
      }
    }
    const missing = WORKERS - pool.size;
    if (missing <= 0) return;
    const started = await Promise.all(Array.from({ length: missing }, () => pool.startOne()));
    for (const w of started)
      progress(`chaos: worker #${w.n} started (pid ${w.pid}) in ${(w.ms / 1000).toFixed(1)} s`);
  }

  private liveSessions(): SessionRecord[] {
    const open = new Set(
      this.deps.vendor
        .sessions()
        .filter((s) => !s.ended)
        .map((s) => s.id),
    );
    return this.deps.sessions.filter((s) => s.vendorId !== undefined && open.has(s.vendorId));
  }

  private async perform(kind: ActionKind): Promise<void> {
    const { vendor, dice, pool, server, webhook, link } = this.deps;
    switch (kind) {
      case 'failover': {
        const live = this.liveSessions();
        const picked = [...new Set(Array.from({ length: dice.int(1, 3) }, () => dice.pick(live)))];
        vendor.failover(picked.map((s) => s.vendorId!));
        this.counters.failoversForced += picked.length;
        return progress(`chaos: vendor failover on ${picked.map((s) => s.label).join(', ')}`);
      }
      case 'failover-storm': {
        const live = this.liveSessions();
        vendor.failover();
        this.counters.failoversForced += live.length;
        return progress(`chaos: failover storm on all ${live.length} open sessions`);
      }
      case 'worker-kill': {
        const victim = await pool.killOne(dice);
        this.counters.workerKills += 1;
        progress(
          `chaos: SIGKILL worker #${victim?.n} (pid ${victim?.pid}); still running: ${pool.describe() || 'none'}`,
        );
        return this.keepWorkersUp();
      }
      case 'server-restart': {
        const t0 = Date.now();
        // No replacement worker starts while the server is down (a supervisor's would crash-loop).
        await this.toppingUp;
        this.serverDown = true;
        await server.kill();
        // Every second outage outlasts the hub lease's heartbeat timeout (defaultHubHeartbeatTimeoutMs,
        // 10 s): every hub fences itself (hubFenceMarginMs before that timeout, counted from its last
        // recorded heartbeat), its worker exits, and the leases time out on the server as soon as it is
        // back, which re-homes every session onto the replacements.
        const long = this.counters.serverRestarts % 2 === 1;
        const downMs = long ? dice.int(12_000, 15_000) : dice.int(1_000, 4_000);
        await sleep(downMs);
        try {
          await server.restart(); // same ports, same SQLite file
          await link.reconnect();
        } finally {
          this.serverDown = false;
        }
        this.counters.serverRestarts += 1;
        return progress(
          `chaos: dev server SIGKILLed, down ${(downMs / 1000).toFixed(1)} s, back after ${((Date.now() - t0) / 1000).toFixed(1)} s (SQLite kept); client reconnected`,
        );
      }
      case 'send-cut-failover': {
        const label = (vendorId: string) =>
          this.deps.sessions.find((r) => r.vendorId === vendorId)?.label ?? vendorId;
        const armed = vendor.armMidSendCut((vendorId, text) => {
          this.counters.failoversForced += 1;
          progress(`chaos: ${label(vendorId)}: '${text}' applied, answer cut, then the chat moved`);
        });
        this.counters.faultActions += 1;
        return progress(`chaos: ${armed}`);
      }
      case 'fault-5xx':
        this.counters.faultActions += 1;
        return progress(`chaos: ${vendor.serverErrors(dice)}`);
      case 'latency':
        this.counters.faultActions += 1;
        return progress(`chaos: ${vendor.slowAnswers(dice)}`);
      case 'reset':
        this.counters.faultActions += 1;
        return progress(`chaos: ${vendor.connectionResets(dice)}`);
      case 'malformed':
        this.counters.faultActions += 1;
        return progress(`chaos: ${vendor.malformedAnswer(dice)}`);
      case 'chaos-window': {
        const ms = dice.int(8_000, 12_000);
        const what = vendor.setRandomFaults(true);
        this.counters.faultActions += 1;
        progress(`chaos: ${what} for ${(ms / 1000).toFixed(1)} s`);
        return this.later(ms, () => {
          vendor.setRandomFaults(false);
          progress('chaos: random-fault window closed');
        });
      }
      case 'webhook-outage': {
        const ms = dice.int(10_000, 20_000);
        await webhook.down();
        this.counters.webhookOutages += 1;
        progress(`chaos: webhook down for ${(ms / 1000).toFixed(1)} s`);
        return this.later(ms, async () => {
          await webhook.up();
          progress('chaos: webhook back up');
        });
      }
      case 'poison-message': {
        const live = this.liveSessions();
        if (live.length === 0) return progress('chaos: no open session for a poison message');
        const s = dice.pick(live);
        vendor.poison(s.vendorId!, 4_100);
        this.counters.poisonMessages += 1;
        this.counters.faultActions += 1;
        return progress(`chaos: ${s.label}: the vendor sends a message nested 4,100 levels deep`);
      }
      case 'oversized-message': {
        const live = this.liveSessions();
        if (live.length === 0) return progress('chaos: no open session for an oversized message');
        const s = dice.pick(live);
        vendor.sendAgentMessage(s.vendorId!, 'x'.repeat(3 * 1024 * 1024));
        this.counters.poisonMessages += 1;
        this.counters.faultActions += 1;
        return progress(`chaos: ${s.label}: the agent sends a 3 MB message`);
      }
      case 'webhook-refusing': {
        const ms = dice.int(3_000, 6_000);
        webhook.refuseStatus = 410;
        this.counters.refusingWebhookWindows += 1;
        this.counters.faultActions += 1;
        progress(
          `chaos: webhook answers 410 Gone to everything for ${(ms / 1000).toFixed(1)} s (dead letters)`,
        );
        return this.later(ms, () => {
          webhook.refuseStatus = null;
          progress('chaos: webhook accepts again (its dead letters are redriven at the end)');
        });
      }
      case 'webhook-flaky': {
        const ms = dice.int(8_000, 12_000);
        webhook.flakyRate = 0.3;
        this.counters.faultActions += 1;
        progress(
          `chaos: webhook stores then answers 503 to 30% of deliveries for ${(ms / 1000).toFixed(1)} s`,
        );
        return this.later(ms, () => {
          webhook.flakyRate = 0;
          progress('chaos: webhook reliable again');
        });
      }
    }
  }

  private later(ms: number, fn: () => void | Promise<void>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      Promise.resolve(fn()).catch((err: unknown) => progress(`chaos: window close failed: ${String(err)}`));
    }, ms);
    this.timers.add(timer);
  }
}
