// The lines under the plot that say what was measured where.
import type { BenchRecord } from './report';

export function plotCaption(record: BenchRecord): string[] {
  const m = record.machine;
  return [
    `${record.command} — ${record.startedAt.slice(0, 16).replace('T', ' ')} UTC — hold ${record.args.durationSec} s per step`,
    `${m.cores} × ${m.cpuModel}, node ${m.node}; dev server (SQLite), simulator, bench and worker on the same box`,
  ];
}
