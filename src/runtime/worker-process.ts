// Runs the bridge worker (src/worker.ts) as a child process, so the demo, tests and chaos runs can
// SIGKILL it mid-poll and start another, exactly as a crash and a redeploy would.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import path from 'node:path';

// From sources (tsx) the entry is worker.ts; from the compiled package, worker.js.
const compiled = __filename.endsWith('.js');
const workerEntry = path.resolve(__dirname, compiled ? '../worker.js' : '../worker.ts');

// Children still running when this process exits are killed; one hook for all of them, so restarts
// (chaos runs start dozens of workers) do not pile up exit listeners.
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;
function killOnExit(child: ChildProcess): void {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const live of liveChildren) live.kill('SIGKILL');
  });
}

export interface WorkerProcessOptions {
  /** Environment for the worker (see src/config/worker-config.ts); merged over this process's env. */
  env: Record<string, string>;
  /** Append the worker's output here (default: discarded). */
  logFile?: string;
  /** Resolve once the worker logs that it is polling (default 60 s). */
  readyTimeoutMs?: number;
  /** The worker's entry file (default src/worker.ts here): the bench and the chaos soak run a snapshot. */
  entry?: string;
}

export class WorkerProcess {
  private constructor(private readonly child: ChildProcess) {}

  static async start(options: WorkerProcessOptions): Promise<WorkerProcess> {
    const entry = options.entry ?? workerEntry;
    const loader = entry.endsWith('.ts') ? ['--require', require.resolve('tsx/cjs')] : [];
    const child = spawn(process.execPath, [...loader, entry], {
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
    child.once('close', () => log?.end());
    let output = '';
    const ready = new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        const text = chunk.toString();
        log?.write(text);
        if (output.length < 20_000) output += text;
        if (output.includes('chat-bridge worker polling')) resolve();
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code, signal) =>
        reject(
          new Error(
            `worker exited before it was ready (code ${code}, signal ${signal}):\n${output.slice(-2000)}`,
          ),
        ),
      );
    });
    const timeoutMs = options.readyTimeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`worker not ready within ${timeoutMs} ms:\n${output.slice(-2000)}`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([ready, timeout]);
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    } finally {
      clearTimeout(timer);
    }
    killOnExit(child);
    return new WorkerProcess(child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** A crash: no shutdown, sockets closed by the kernel. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGKILL');
    await exited;
  }

  /** A deploy: graceful shutdown (long polls are cancelled and retried elsewhere). */
  async stop(timeoutMs = 15_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }
}
