// Bridge worker processes for the soak: normally two, so a SIGKILL leaves one running while its
// replacement starts, as in a real deployment. Workers are numbered in start order for the log.
import { WorkerProcess } from '../src/runtime/worker-process';
import type { Dice } from './rng';

interface Member {
  n: number;
  proc: WorkerProcess;
}

export class WorkerPool {
  private members: Member[] = [];
  private started = 0;

  constructor(
    private readonly env: Record<string, string>,
    private readonly logFile: string,
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
    const proc = await WorkerProcess.start({
      env: { ...this.env, WORKER_IDENTITY: `chaos-worker-${n}` },
      logFile: this.logFile,
      readyTimeoutMs: 90_000,
    });
    this.members.push({ n, proc });
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

  /** Workers that exited on their own (a crash we did not cause); they are dropped from the pool. */
  reapDead(): Array<{ n: number; pid: number | undefined }> {
    const dead = this.members.filter((m) => !isAlive(m.proc.pid));
    this.members = this.members.filter((m) => !dead.includes(m));
    return dead.map((m) => ({ n: m.n, pid: m.proc.pid }));
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.members.map((m) => m.proc.stop(5_000)));
    this.members = [];
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
