// Resident memory and CPU time of one process, read from /proc (Linux): the worker runs as a child
// precisely so that its figures are not mixed with the simulator's and the bench's own.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ProcUsage {
  at: number;
  rssKb: number;
  /** utime + stime, in milliseconds. */
  cpuMs: number;
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100; // the Linux default
    }
  }
  return ticksPerSecond;
}

export function readProcUsage(pid: number): ProcUsage {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? Number.NaN);
  // The command name (field 2) may contain spaces: count fields after its closing parenthesis.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
  return { at: Date.now(), rssKb, cpuMs: (ticks * 1000) / clockTicks() };
}

/** CPU of the three processes that share the box during a bench: worker, dev server, bench itself. */
export interface CpuSnapshot {
  at: number;
  workerMs: number;
  serverMs: number;
  benchMs: number;
}

export function cpuSnapshot(workerPid: number, serverPid: number | undefined): CpuSnapshot {
  const bench = process.cpuUsage();
  return {
    at: Date.now(),
    workerMs: readProcUsage(workerPid).cpuMs,
    serverMs: serverPid === undefined ? Number.NaN : readProcUsage(serverPid).cpuMs,
    benchMs: (bench.user + bench.system) / 1000,
  };
}

/** Percent of one core each process used between two snapshots. */
export function cpuPercent(
  a: CpuSnapshot,
  b: CpuSnapshot,
): { worker: number; server: number; bench: number } {
  const wall = Math.max(1, b.at - a.at);
  const pct = (x: number, y: number) => Math.round(((y - x) / wall) * 1000) / 10;
  return {
    worker: pct(a.workerMs, b.workerMs),
    server: pct(a.serverMs, b.serverMs),
    bench: pct(a.benchMs, b.benchMs),
  };
}

/**
 * Resident memory over a window, sampled: the minimum is the figure (V8 grows its heap lazily and the
 * RSS of one instant swings by tens of MB with it; the low point is the closest to what is live).
 */
export async function sampleRss(
  pid: number,
  windowMs: number,
  everyMs = 250,
): Promise<{ minKb: number; maxKb: number }> {
  let minKb = Number.POSITIVE_INFINITY;
  let maxKb = 0;
  const until = Date.now() + windowMs;
  do {
    const { rssKb } = readProcUsage(pid);
    minKb = Math.min(minKb, rssKb);
    maxKb = Math.max(maxKb, rssKb);
    await new Promise((r) => setTimeout(r, everyMs));
  } while (Date.now() < until);
  return { minKb, maxKb };
}

export interface HeapReading {
  rssKb: number;
  heapUsedKb: number;
  externalKb: number;
}

/**
 * Asks the worker's preloaded heap probe (bench/worker-heap-probe.ts) for a post-GC reading.
 * Undefined when the probe does not answer within a few seconds.
 */
export async function probeHeap(pid: number, file: string): Promise<HeapReading | undefined> {
  const seqOf = () => {
    try {
      return (JSON.parse(readFileSync(file, 'utf8')) as { seq: number }).seq;
    } catch {
      return 0;
    }
  };
  const before = seqOf();
  process.kill(pid, 'SIGWINCH');
  for (let i = 0; i < 50; i += 1) {
    await new Promise((r) => setTimeout(r, 100));
    if (seqOf() > before) {
      const m = JSON.parse(readFileSync(file, 'utf8')) as { rss: number; heapUsed: number; external: number };
      return {
        rssKb: Math.round(m.rss / 1024),
        heapUsedKb: Math.round(m.heapUsed / 1024),
        externalKb: Math.round(m.external / 1024),
      };
    }
  }
  return undefined;
}
