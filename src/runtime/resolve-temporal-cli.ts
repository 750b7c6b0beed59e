// Finds (or builds) the `temporal` CLI whose `server start-dev` runs the local dev server with SQLite
// and the Web UI. The SDK would normally download it; machines without internet must build it from
// Go modules instead, so the order is: explicit path → PATH → our caches → SDK download → go install.
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from './cache-dir';
import { elapsed, lastLines, probeTool, runStreaming } from './run-tool';

/** Last CLI tag that `go install` accepts without a `replace` (later tags need one for `cliext`). */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';
/** The CLI's go.mod declares `go 1.25.0`; older toolchains only work if allowed to switch (GOTOOLCHAIN=auto). */
export const MIN_GO_MINOR = 25;
/** Below this the go command cannot switch toolchains by itself. */
const MIN_GO_MINOR_WITH_TOOLCHAIN_SWITCH = 21;
/** Offline the SDK download fails within seconds; the cap only guards against a stalled connection. */
const SDK_DOWNLOAD_TIMEOUT_MS = 20_000;
const BUILD_TICK_MS = 15_000;

export type TemporalCliSource =
  'TEMPORAL_CLI_PATH' | 'PATH' | 'sdk-download' | 'go-install-cache' | 'go-install';

export interface ResolvedTemporalCli {
  path: string;
  source: TemporalCliSource;
}

export interface ResolveTemporalCliOptions {
  log?: (line: string) => void;
  /** false: never start the multi-minute Go build (e.g. inside a test run); fail with the install hint instead. */
  allowBuild?: boolean;
}

export function goBinDir(): string {
  return join(cacheDir(), 'go-bin');
}

export function sdkDownloadDir(): string {
  return join(cacheDir(), 'sdk-download');
}

export async function resolveTemporalCli(opts: ResolveTemporalCliOptions = {}): Promise<ResolvedTemporalCli> {
  const log = opts.log ?? (() => undefined);

  const explicit = process.env.TEMPORAL_CLI_PATH?.trim();
  if (explicit) {
    // An explicit setting that does not work is a configuration error, not a reason to fall through.
    const check = await checkCli(explicit);
    if (!check.ok)
      throw new Error(`TEMPORAL_CLI_PATH=${explicit} is not a working temporal CLI (${check.error})`);
    log(`temporal CLI from TEMPORAL_CLI_PATH: ${explicit} (${check.version})`);
    return { path: explicit, source: 'TEMPORAL_CLI_PATH' };
  }

  const onPath = await checkCli('temporal');
  if (onPath.ok) {
    log(`temporal CLI on PATH (${onPath.version})`);
    return { path: 'temporal', source: 'PATH' };
  }

  const built = join(goBinDir(), 'temporal');
  if (existsSync(built)) {
    const check = await checkCli(built);
    if (check.ok) {
      log(`temporal CLI from the go-install cache: ${built} (${check.version})`);
      return { path: built, source: 'go-install-cache' };
    }
    log(`ignoring broken cached build ${built}: ${check.error}`);
  }

  const downloaded = await findSdkDownloadedCli();
  if (downloaded) {
    log(`temporal CLI from an earlier SDK download: ${downloaded}`);
    return { path: downloaded, source: 'sdk-download' };
  }

  if (process.env.TEMPORAL_SKIP_SDK_DOWNLOAD === '1') {
    log('skipping the SDK download (TEMPORAL_SKIP_SDK_DOWNLOAD=1)');
  } else {
    const fromSdk = await trySdkDownload(log);
    if (fromSdk) return { path: fromSdk, source: 'sdk-download' };
  }

  if (opts.allowBuild === false) {
    throw new Error(`No temporal CLI found and building it is disabled here.\n${installHint()}`);
  }
  const installed = await goInstallCli(log);
  return { path: installed, source: 'go-install' };
}

async function checkCli(path: string): Promise<{ ok: true; version: string } | { ok: false; error: string }> {
  const probe = await probeTool(path, ['--version']);
  if (!probe.ok) return probe;
  // Guard against an unrelated program called `temporal`.
  if (!/temporal version/i.test(probe.output))
    return { ok: false, error: `unexpected --version output: ${probe.output}` };
  return { ok: true, version: probe.output.split('\n')[0] ?? probe.output };
}

/** The SDK stores the CLI as `temporal-<sdk>-<version>` (or `temporal-<version>`) in its download dir. */
async function findSdkDownloadedCli(): Promise<string | undefined> {
  const dir = sdkDownloadDir();
  if (!existsSync(dir)) return undefined;
  const candidates = readdirSync(dir)
    .filter((name) => name.startsWith('temporal-') && !name.startsWith('temporal-test-server'))
    .filter((name) => !name.endsWith('.downloading'))
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile() && isExecutable(path))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  for (const path of candidates) {
    if ((await checkCli(path)).ok) return path;
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Let the SDK download its pinned CLI by starting (and stopping) its ephemeral dev server once.
 * Runs in a child Node process so a stalled download can be killed and the SDK's native runtime
 * is not initialised inside the caller (tests may want to install their own Runtime).
 */
async function trySdkDownload(log: (line: string) => void): Promise<string | undefined> {
  const dir = sdkDownloadDir();
  mkdirSync(dir, { recursive: true });
  const started = Date.now();
  log(`trying the SDK's own CLI download into ${dir} (gives up after ${SDK_DOWNLOAD_TIMEOUT_MS / 1000}s)`);
  const script = `
    const { TestWorkflowEnvironment } = require(${JSON.stringify(require.resolve('@temporalio/testing'))});
    (async () => {
      const env = await TestWorkflowEnvironment.createLocal({
        server: { ip: '127.0.0.1', executable: { type: 'cached-download', downloadDir: ${JSON.stringify(dir)} } },
      });
      await env.teardown();
    })().then(() => process.exit(0), (err) => { console.error(String((err && err.message) || err)); process.exit(1); });
  `;
  const outcome = await new Promise<{ ok: boolean; output: string }>((resolveOutcome) => {
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-8_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => {
      output += `\n(timed out after ${SDK_DOWNLOAD_TIMEOUT_MS / 1000}s)`;
      child.kill('SIGKILL');
    }, SDK_DOWNLOAD_TIMEOUT_MS);
    child.once('error', (err) => {
      clearTimeout(timer);
      resolveOutcome({ ok: false, output: err.message });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolveOutcome({ ok: code === 0, output });
    });
  });
  if (outcome.ok) {
    const found = await findSdkDownloadedCli();
    if (found) {
      log(`SDK download succeeded in ${elapsed(started)}: ${found}`);
      return found;
    }
    log(`SDK download reported success but no CLI binary was found in ${dir}`);
    return undefined;
  }
  log(`SDK download unavailable after ${elapsed(started)}: ${summarizeError(outcome.output)}`);
  return undefined;
}

function summarizeError(output: string): string {
  const meaningful = output
    .split('\n')
    // The SDK repeats its download URL in the message; it adds length, not information.
    .map((line) => line.replace(/\s*\(?\b\w+:\/\/[^\s)]*\)?:?/g, '').trim())
    .filter(Boolean);
  return (
    meaningful.find((line) => /error|fail|timed out/i.test(line)) ??
    meaningful.at(-1) ??
    'no output'
  ).slice(0, 300);
}

async function goInstallCli(log: (line: string) => void): Promise<string> {
  const goVersion = await probeTool('go', ['env', 'GOVERSION']);
  if (!goVersion.ok)
    throw new Error(`No temporal CLI found and Go is not installed (${goVersion.error}).\n${installHint()}`);
  const minor = /^go1\.(\d+)/.exec(goVersion.output)?.[1];
  const goMinor = minor === undefined ? undefined : Number(minor);
  const toolchainProbe = await probeTool('go', ['env', 'GOTOOLCHAIN']);
  const toolchain = toolchainProbe.ok ? toolchainProbe.output : '';
  if (goMinor !== undefined && goMinor < MIN_GO_MINOR) {
    const canSwitch = goMinor >= MIN_GO_MINOR_WITH_TOOLCHAIN_SWITCH && !toolchain.startsWith('local');
    if (!canSwitch) {
      throw new Error(
        `No temporal CLI found and ${goVersion.output} is too old to build it (needs go1.${MIN_GO_MINOR}+` +
          `${goMinor >= MIN_GO_MINOR_WITH_TOOLCHAIN_SWITCH ? '; or allow a toolchain switch with GOTOOLCHAIN=auto' : ''}).\n${installHint()}`,
      );
    }
    log(
      `${goVersion.output} will switch to a newer Go toolchain for this build (GOTOOLCHAIN=${toolchain || 'auto'})`,
    );
  }

  const binDir = goBinDir();
  mkdirSync(binDir, { recursive: true });
  const target = `${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`;
  const started = Date.now();
  log(`building the temporal CLI with ${goVersion.output}: go install -v ${target}`);
  log(
    'first build takes a few minutes (compiles the Temporal server and Web UI); later runs reuse the result',
  );
  let packages = 0;
  const ticker = setInterval(() => {
    log(`[${elapsed(started)}] still building... ${packages} packages compiled so far`);
  }, BUILD_TICK_MS);
  let result;
  try {
    result = await runStreaming('go', ['install', '-v', target], {
      env: { ...process.env, GOBIN: binDir },
      onLine: (line) => {
        packages += 1;
        log(`[${elapsed(started)}] ${line}`);
      },
    });
  } finally {
    clearInterval(ticker);
  }
  const built = join(binDir, 'temporal');
  if (result.code !== 0 || !existsSync(built)) {
    throw new Error(
      `go install ${target} failed (exit ${result.code ?? result.signal}):\n${lastLines(result.tail, 15)}\n\n${installHint()}`,
    );
  }
  const check = await checkCli(built);
  if (!check.ok) throw new Error(`built ${built} but it does not run: ${check.error}`);
  log(`built ${built} in ${elapsed(started)} (${check.version})`);
  return built;
}

/** What a user can do when no CLI can be found or built. Host names are left out on purpose. */
export function installHint(): string {
  return [
    'To run Temporal locally, do one of:',
    `  1. Install Go >= 1.${MIN_GO_MINOR} (your distribution's package if recent enough, or the official Go release),`,
    `     or Go >= 1.${MIN_GO_MINOR_WITH_TOOLCHAIN_SWITCH} with GOTOOLCHAIN=auto, then rerun \`npm run setup\`: it builds the CLI once into ${goBinDir()}.`,
    '  2. Put a `temporal` CLI on PATH, or set TEMPORAL_CLI_PATH=/path/to/temporal.',
    '  3. Set TEMPORAL_ADDRESS=host:port (and TEMPORAL_NAMESPACE) to use an existing Temporal cluster.',
  ].join('\n');
}
