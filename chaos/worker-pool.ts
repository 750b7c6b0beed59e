// Bridge worker processes for the soak: normally two, so a SIGKILL leaves one running while its
// replacement starts, as in a real deployment. Workers are numbered in start order; each writes its own
// log (worker-<n>.log in the run directory), so an exit can be told apart: a hub that lost its lease
// fences itself and exits on purpose (crash-only, src/worker.ts), anything else is a crash.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkerProcess } from '../src/runtime/worker-process';
import type { Dice } from './rng';

interface Member {
  n: number;
  proc: WorkerProcess;
  log: string;
}

export interface DeadWorker {
  n: number;
  pid: number | undefined;
  /** It logged that its hub lost the lease and exited (by design), rather than crashing. */
  fenced: boolean;
  log: string;
}

/** What src/worker.ts prints before it exits on a fenced hub. */
const fencedMarker = 'connection hub lost its lease';

export class WorkerPool {
  private members: Member[] = [];
  private started = 0;

  constructor(
    private readonly env: Record<string, string>,
    private readonly logDir: string,
    /** The worker entry of the run's copy of src/ (bench/source-snapshot.ts). */
    private readonly entry?: string,
    /** Variables of the n-th worker on top of `env` (a port of its own, say). */
    private readonly envOf?: (n: number) => Promise<Record<string, string>>,
  ) {}

  get size(): number {
    return this.members.length;
  }

  describe(): string {
    return this.members.map((m) => `#${m.n} (pid ${m.proc.pid})`).join(', ');
  }

  async startOne(): Promise<{ n: number; pid: number | undefined; ms: number }> {
    const n = ++this.started;
    const t0 = Date.now();
    const log = join(this.logDir, `worker-${n}.log`);
    const proc = await WorkerProcess.start({
      env: { ...this.env, ...(await this.envOf?.(n)), WORKER_IDENTITY: `chaos-worker-${n}` },
      logFile: log,
      readyTimeoutMs: 90_000,
      ...(this.entry ? { entry: this.entry } : {}),
    });
    this.members.push({ n, proc, log });
    return { n, pid: proc.pid, ms: Date.now() - t0 };
  }

  /** SIGKILL one worker chosen by the dice. */
  async killOne(dice: Dice): Promise<{ n: number; pid: number | undefined } | undefined> {
    if (this.members.length === 0) return undefined;
    const victim = dice.pick(this.members);
    this.members = this.members.filter((m) => m !== victim);
    await victim.proc.kill();
    return { n: victim.n, pid: victim.proc.pid };
  }

  /** Workers that exited on their own (fenced, or a crash we did not cause); they are dropped from the pool. */
  async reapDead(): Promise<DeadWorker[]> {
    const dead = this.members.filter((m) => !isAlive(m.proc.pid));
    if (dead.length === 0) return [];
    this.members = this.members.filter((m) => !dead.includes(m));
    // The last lines of a worker that just exited may still be on their way to its log file.
    await new Promise((r) => setTimeout(r, 300));
    return dead.map((m) => ({ n: m.n, pid: m.proc.pid, fenced: loggedFence(m.log), log: m.log }));
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.members.map((m) => m.proc.stop(5_000)));
    this.members = [];
  }
}

function loggedFence(log: string): boolean {
  try {
    return existsSync(log) && readFileSync(log, 'utf8').includes(fencedMarker);
  } catch {
    return false;
  }
}

function isAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
