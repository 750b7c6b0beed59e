// Supervises a `temporal server start-dev` child process for tests, the demo, benchmarks and chaos
// runs: SQLite persistence (so restart() keeps state), our search attributes, fixed ports across
// restarts, quiet output (to a log file), and no orphaned server if the parent dies.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { searchAttributeRegistrations } from '../shared/search-attributes';
import { freePort, isPortFree } from './free-port';
import { registerSearchAttributes } from './register-search-attributes';
import { resolveTemporalCli } from './resolve-temporal-cli';
import { lastLines } from './run-tool';
import { dynamicConfigArgs } from './server-dynamic-config';

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 10_000;

export interface DevServerOptions {
  /** Path to the `temporal` CLI; resolved with resolveTemporalCli() when omitted. */
  cliPath?: string;
  /** gRPC port; 0 or omitted picks a free port. */
  port?: number;
  /** Web UI port; 0 or omitted picks a free port; false runs headless. */
  uiPort?: number | false;
  /** SQLite file; default a fresh file in a temp dir (state then lives as long as this DevServer). */
  dbFile?: string;
  namespace?: string;
  /** Remote codec endpoint so the Web UI can decode payloads. */
  uiCodecEndpoint?: string;
  extraArgs?: string[];
  log?: (line: string) => void;
}

// Servers started and not yet stopped, for the exit hook in the class's static block.
const unstopped = new Set<DevServer>();

export class DevServer {
  // One process-wide hook rather than one listener per server: when the parent exits (normal exit,
  // process.exit, uncaught exception) kill every server not stopped yet and remove its temp dir, so no
  // server or SQLite file outlives its test run. (A parent killed by a signal it does not handle skips
  // 'exit' hooks; on Ctrl-C the children get the terminal's SIGINT themselves.)
  static {
    process.on('exit', () => {
      for (const server of unstopped) server.discard();
    });
  }

  readonly address: string;
  readonly uiUrl: string | undefined;
  readonly namespace: string;
  readonly dbFile: string;
  /** Child stdout/stderr; kept outside the test output on purpose. */
  readonly logFile: string;

  private child: ChildProcess | undefined;
  private exited: Promise<string> = Promise.resolve('not started');

  private constructor(
    private readonly cliPath: string,
    private readonly args: string[],
    private readonly workDir: string,
    private readonly ports: number[],
    private readonly log: (line: string) => void,
    fields: {
      address: string;
      uiUrl: string | undefined;
      namespace: string;
      dbFile: string;
      logFile: string;
    },
  ) {
    this.address = fields.address;
    this.uiUrl = fields.uiUrl;
    this.namespace = fields.namespace;
    this.dbFile = fields.dbFile;
    this.logFile = fields.logFile;
  }

  static async start(opts: DevServerOptions = {}): Promise<DevServer> {
    const log = opts.log ?? (() => undefined);
    const cliPath = opts.cliPath ?? (await resolveTemporalCli({ log })).path;
    const port = opts.port ? opts.port : await freePort(HOST);
    const uiPort = opts.uiPort === false ? undefined : opts.uiPort ? opts.uiPort : await freePort(HOST);
    const namespace = opts.namespace ?? 'default';
    const workDir = mkdtempSync(join(tmpdir(), 'temporal-dev-server-'));
    const dbFile = opts.dbFile ? resolve(opts.dbFile) : join(workDir, 'temporal.sqlite');

    const args = [
      'server',
      'start-dev',
      '--ip',
      HOST,
      '--port',
      String(port),
      '--db-filename',
      dbFile,
      // SQLite's default rollback journal syncs every commit: ~60 workflow starts or ~160 signals a
      // second on the 2-core box. Write-ahead logging with NORMAL sync gives ~160 starts and ~640
      // signals a second, and loses nothing when a process (worker or server) dies — only an OS crash
      // can drop the last commits, which a local dev server can afford.
      '--sqlite-pragma',
      'journal_mode=wal',
      '--sqlite-pragma',
      'synchronous=normal',
      '--namespace',
      namespace,
      '--log-level',
      'warn',
      // The server otherwise phones home periodically for a version check; pointless offline.
      '--dynamic-config-value',
      'frontend.enableServerVersionCheck=false',
      ...dynamicConfigArgs(),
      ...searchAttributeRegistrations.flatMap((sa) => ['--search-attribute', `${sa.name}=${sa.type}`]),
      ...(uiPort === undefined ? ['--headless'] : ['--ui-port', String(uiPort)]),
      ...(opts.uiCodecEndpoint ? ['--ui-codec-endpoint', opts.uiCodecEndpoint] : []),
      ...(opts.extraArgs ?? []),
    ];
    const server = new DevServer(
      cliPath,
      args,
      workDir,
      uiPort === undefined ? [port] : [port, uiPort],
      log,
      {
        address: `${HOST}:${port}`,
        uiUrl: uiPort === undefined ? undefined : `http://${HOST}:${uiPort}`,
        namespace,
        dbFile,
        logFile: join(workDir, 'server.log'),
      },
    );
    unstopped.add(server);
    try {
      await server.launch();
    } catch (err) {
      server.discard();
      throw err;
    }
    return server;
  }

  /** PID of the running server, undefined while stopped. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Graceful stop (SIGTERM, SIGKILL after 10 s); removes the temp dir: the log and a default SQLite file. */
  async stop(): Promise<void> {
    await this.terminate('SIGTERM');
    this.discard();
  }

  /** SIGKILL without cleanup, for chaos tests; restart() brings it back on the same ports and SQLite file. */
  async kill(): Promise<void> {
    await this.terminate('SIGKILL');
  }

  /** Stop and start again with the same ports and SQLite file: workflows survive. */
  async restart(): Promise<void> {
    await this.terminate('SIGTERM');
    await this.launch();
  }

  private async launch(): Promise<void> {
    if (this.child) throw new Error(`dev server already running (pid ${this.child.pid})`);
    // Otherwise the readiness probe could succeed against whatever already listens there.
    for (const port of this.ports) {
      if (!(await isPortFree(port, HOST)))
        throw new Error(`cannot start the Temporal dev server: ${HOST}:${port} is already in use`);
    }
    const started = Date.now();
    const logFd = openSync(this.logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(this.cliPath, this.args, {
        stdio: ['ignore', logFd, logFd],
        // Belt and braces with the dynamic config flag above: no periodic version check.
        env: { ...process.env, TEMPORAL_VERSION_CHECK_DISABLED: '1' },
      });
    } finally {
      closeSync(logFd); // the child holds its own copy
    }
    this.child = child;
    // Resolves with a description once the child is gone, whether it exited or never spawned.
    this.exited = new Promise<string>((resolveExit) => {
      const gone = (why: string) => {
        if (this.child === child) this.child = undefined;
        resolveExit(why);
      };
      child.once('exit', (code, signal) => gone(`exited with ${signal ?? `code ${code}`}`));
      child.once('error', (err) => gone(`failed to spawn ${this.cliPath}: ${err.message}`));
    });

    try {
      await this.waitUntilReady(this.exited);
    } catch (err) {
      await this.terminate('SIGKILL');
      throw new Error(
        `Temporal dev server did not become ready at ${this.address}: ${(err as Error).message}\n` +
          `command: ${this.cliPath} ${this.args.join(' ')}\nlog tail (${this.logFile}):\n${this.logTail()}`,
      );
    }
    this.log(`Temporal dev server ready at ${this.address} in ${Date.now() - started} ms (pid ${child.pid})`);
  }

  private async waitUntilReady(exited: Promise<string>): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    // A child that dies (bad flag, locked SQLite file) fails the start at once, not after the timeout.
    const died = exited.then((why) => Promise.reject(new Error(`server ${why}`)));
    died.catch(() => undefined);
    let lastError = 'no attempt made';
    while (Date.now() < deadline) {
      const attempt = Connection.connect({ address: this.address, connectTimeout: 2_000 }).then(
        async (connection) => {
          try {
            // The namespace answering means persistence, search attributes and the frontend are all up.
            await connection.workflowService.describeNamespace({ namespace: this.namespace });
            // `--search-attribute` only registers on a new database: a SQLite file from an older version
            // (the demo's, kept across runs) gets the attributes added since then here.
            await registerSearchAttributes(connection, this.namespace);
          } finally {
            await connection.close().catch(() => undefined);
          }
        },
      );
      attempt.catch(() => undefined); // it may lose the race below
      try {
        await Promise.race([died, attempt]);
        return;
      } catch (err) {
        if (!this.child) throw err;
        lastError = (err as Error).message;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`timed out after ${READY_TIMEOUT_MS / 1000}s (last error: ${lastError})`);
  }

  private async terminate(signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill(signal);
    const timer = signal === 'SIGTERM' ? setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS) : undefined;
    await this.exited;
    if (timer) clearTimeout(timer);
  }

  /** Synchronous last resort (failed start, process exit): kill the child and remove the temp dir. */
  private discard(): void {
    this.child?.kill('SIGKILL');
    rmSync(this.workDir, { recursive: true, force: true });
    unstopped.delete(this);
  }

  private logTail(): string {
    return existsSync(this.logFile)
      ? lastLines(readFileSync(this.logFile, 'utf8'), 30) || '(empty)'
      : '(no log file)';
  }
}
