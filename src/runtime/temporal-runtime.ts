// One decision for every entry point (demo, worker, tests, benchmarks): talk to an existing cluster
// when TEMPORAL_ADDRESS says so, otherwise run a local dev server from a resolved CLI.
import {
  resolveTemporalCli,
  type ResolveTemporalCliOptions,
  type TemporalCliSource,
} from './resolve-temporal-cli';

export type TemporalRuntime =
  | { kind: 'existing'; address: string; namespace: string }
  | { kind: 'cli'; cliPath: string; source: TemporalCliSource };

export async function resolveRuntime(opts: ResolveTemporalCliOptions = {}): Promise<TemporalRuntime> {
  const address = process.env.TEMPORAL_ADDRESS?.trim();
  if (address) {
    const namespace = process.env.TEMPORAL_NAMESPACE?.trim() || 'default';
    opts.log?.(`using the existing Temporal cluster at ${address} (namespace ${namespace})`);
    return { kind: 'existing', address, namespace };
  }
  const cli = await resolveTemporalCli(opts);
  return { kind: 'cli', cliPath: cli.path, source: cli.source };
}
