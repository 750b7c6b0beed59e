// The memory floor of the worker's per-session RSS: a child process (bench/bare-holder.ts) holding the
// same number of Live Agent long polls on a bare undici loop, against the same simulator, in the same
// run. Measured before the ramp, with the ramp's top step as N: the simulator then never serves the
// bare loop's N polls and the bridge's N at once (at 10,000 sessions that would be more sockets than
// one process may open here). Its sessions are ended (ChatEnded, so no expiry is counted) and the
// child stopped before the ramp starts.
import { fork, type ChildProcess } from 'node:child_process';
import type { LiveAgentSimulator } from '../src/simulators/salesforce-live-agent/live-agent-simulator';
import type { HolderMemory, HolderReply, HolderRequest } from './bare-holder';
import type { DeploymentIds } from './bare-visitor';
import { round } from './percentiles';
import { progress, waitUntil } from './progress';

export interface BareMemoryFigures {
  /** Long polls the bare loop held when measured. */
  sessions: number;
  warmupSessions: number;
  /** After a forced GC: with the warm-up sessions only, then with N more. */
  baselineRssKb: number;
  rssKb: number;
  rssKbPerSession: number;
  heapKbPerSession: number;
  externalKbPerSession: number;
  pollErrors: number;
  openSec: number;
}

const warmupSessions = 5;

export async function measureBareMemory(
  sim: LiveAgentSimulator,
  ids: DeploymentIds,
  sessions: number,
): Promise<BareMemoryFigures> {
  const child = fork(require.resolve('./bare-holder'), [], {
    execArgv: ['--require', require.resolve('tsx/cjs')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const holder = new Holder(child);
  const all: string[] = [];
  try {
    await holder.next('ready', 60_000);
    const open = async (n: number) => {
      const reply = await holder.ask({ kind: 'open', n, url: sim.url, ids }, 'opened', 60_000 + 20 * n);
      all.push(...reply.ids);
      const mine = new Set(reply.ids);
      await waitUntil(
        `${n} bare long polls to be open`,
        () => sim.sessions().filter((s) => mine.has(s.id) && s.pollOpen).length === mine.size,
        30_000 + 5 * n,
        250,
      );
    };
    await open(warmupSessions);
    const before = (await holder.ask({ kind: 'measure' }, 'memory', 30_000)).memory;
    const t0 = Date.now();
    await open(sessions);
    const openSec = round((Date.now() - t0) / 1000);
    const after = await holder.ask({ kind: 'measure' }, 'memory', 30_000);
    const per = (key: keyof HolderMemory) => round((after.memory[key] - before[key]) / 1024 / sessions);
    return {
      sessions,
      warmupSessions,
      baselineRssKb: Math.round(before.rss / 1024),
      rssKb: Math.round(after.memory.rss / 1024),
      rssKbPerSession: per('rss'),
      heapKbPerSession: per('heapUsed'),
      externalKbPerSession: per('external'),
      pollErrors: after.errors,
      openSec,
    };
  } finally {
    // End the chats first (a chat that is over may stop polling; no expiry is counted), then the loop.
    for (const id of all) {
      try {
        sim.endChat(id);
      } catch {
        // already over
      }
    }
    await holder.stop();
  }
}

type ReplyOf<K extends HolderReply['kind']> = Extract<HolderReply, { kind: K }>;

/** The child and its replies, one awaited at a time. */
class Holder {
  private readonly inbox: HolderReply[] = [];
  private wake: (() => void) | undefined;
  private exited = false;

  constructor(private readonly child: ChildProcess) {
    child.on('message', (m: HolderReply) => {
      this.inbox.push(m);
      this.wake?.();
    });
    child.once('exit', () => {
      this.exited = true;
      this.wake?.();
    });
  }

  async ask<K extends HolderReply['kind']>(
    request: HolderRequest,
    kind: K,
    timeoutMs: number,
  ): Promise<ReplyOf<K>> {
    this.child.send(request);
    return this.next(kind, timeoutMs);
  }

  async next<K extends HolderReply['kind']>(kind: K, timeoutMs: number): Promise<ReplyOf<K>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const reply = this.inbox.shift();
      if (reply?.kind === 'failed') throw new Error(`bare holder: ${reply.error}`);
      if (reply?.kind === kind) return reply as ReplyOf<K>;
      if (reply) continue;
      if (this.exited) throw new Error('bare holder exited');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`bare holder: no '${kind}' reply within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    try {
      this.child.send({ kind: 'stop' } satisfies HolderRequest);
    } catch {
      this.child.kill('SIGKILL');
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    progress('bare long-poll holder stopped');
  }
}
