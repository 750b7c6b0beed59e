// Small process helpers shared by the runtime resolvers: probing a tool (`go version`, `java -version`)
// and running a long build while streaming its output line by line.
import { execFile, spawn } from 'node:child_process';

// eslint-disable-next-line no-control-regex -- matching the ESC control character is the point
const ANSI_ESCAPE = /\u001b\[[0-9;]*[A-Za-z]/g;

export type ProbeResult = { ok: true; output: string } | { ok: false; error: string };

/** Run `cmd args` briefly; ok when it exits 0. Never throws (a missing tool is an expected outcome). */
export function probeTool(cmd: string, args: string[], timeoutMs = 15_000): Promise<ProbeResult> {
  return new Promise((resolveProbe) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      const output = `${String(stdout)}${String(stderr)}`.trim();
      if (error) {
        const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : error.message;
        resolveProbe({ ok: false, error: `${reason}${output ? `: ${lastLines(output, 5)}` : ''}` });
      } else {
        resolveProbe({ ok: true, output });
      }
    });
  });
}

export interface StreamedRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last lines of combined output, for error messages. */
  tail: string;
}

/** Run a long command, calling `onLine` for each stdout/stderr line; resolves when it exits. */
export function runStreaming(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; onLine?: (line: string) => void } = {},
): Promise<StreamedRun> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const recent: string[] = [];
    const feed = (stream: NodeJS.ReadableStream) => {
      let partial = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) emit(line);
      });
      stream.on('end', () => partial && emit(partial));
    };
    const emit = (line: string) => {
      // Maven and go colour their output even into a pipe; keep logs and error messages plain.
      const trimmed = line.replace(ANSI_ESCAPE, '').trimEnd();
      if (!trimmed) return;
      recent.push(trimmed);
      if (recent.length > 40) recent.shift();
      opts.onLine?.(trimmed);
    };
    feed(child.stdout);
    feed(child.stderr);
    child.once('error', reject);
    child.once('close', (code, signal) => resolveRun({ code, signal, tail: recent.join('\n') }));
  });
}

export function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

/** Seconds since `startMs`, for progress lines. */
export function elapsed(startMs: number): string {
  return `${((Date.now() - startMs) / 1000).toFixed(1)}s`;
}
