// What the per-vendor benches (gms-bench.ts, huawei-bench.ts) share: a dev server with its metrics
// endpoint, a list of clean-up steps run in reverse, the sampled history length of an idle window, and
// the result saved under bench/results/ with the command and the machine.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { DevServer } from '../src/runtime/dev-server';
import { freePort } from '../src/runtime/free-port';
import { resolveTemporalCli } from '../src/runtime/resolve-temporal-cli';
import { machineInfo } from './machine-info';
import { progress } from './progress';
import { resultsDir } from './report';

export class VendorBenchFrame {
  readonly startedAt = new Date().toISOString();
  readonly machine = machineInfo();
  private readonly cleanup: Array<() => Promise<unknown>> = [];

  /** Run at close, last added first. */
  onClose(step: () => Promise<unknown>): void {
    this.cleanup.push(step);
  }

  /** A dev server (no UI) with its Prometheus metrics, stopped at close. */
  async startServer(): Promise<{ server: DevServer; metricsUrl: string }> {
    const cli = await resolveTemporalCli({ log: (l) => progress(l) });
    const metricsPort = await freePort();
    const server = await DevServer.start({
      cliPath: cli.path,
      uiPort: false,
      extraArgs: ['--metrics-port', String(metricsPort)],
    });
    this.onClose(() => server.stop());
    return { server, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` };
  }

  /** Saves `{startedAt, command, machine, result}` as bench/results/<startedAt>-<vendor>.json. */
  save(vendor: string, argv: string[], result: Record<string, unknown>): void {
    const file = path.join(resultsDir, `${this.startedAt.replace(/[:.]/g, '-')}-${vendor}.json`);
    mkdirSync(resultsDir, { recursive: true });
    const command = `npm run bench -- ${argv.join(' ')}`;
    writeFileSync(
      file,
      `${JSON.stringify({ startedAt: this.startedAt, command, machine: this.machine, result }, null, 2)}\n`,
    );
    progress(`saved ${file}`);
  }

  async close(): Promise<void> {
    for (const step of this.cleanup.reverse())
      await step().catch((err: unknown) => progress(`cleanup: ${String(err)}`));
  }
}

/** The summed history length of `workflowIds` (a sample: describe is one call per workflow). */
export async function sampledHistoryLength(client: Client, workflowIds: readonly string[]): Promise<number> {
  let n = 0;
  for (const id of workflowIds) n += (await client.workflow.getHandle(id).describe()).historyLength;
  return n;
}
