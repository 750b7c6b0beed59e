// Re-draws the latency plot from a saved run: `npx tsx bench/plot.ts bench/results/<run>.json [out.svg]`.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { plotCaption } from './plot-caption';
import { renderLatencyPlot } from './plot-svg';
import type { BenchRecord } from './report';

const [input, output = path.resolve(__dirname, 'plot.svg')] = process.argv.slice(2);
if (!input) {
  console.error('usage: tsx bench/plot.ts <results.json> [out.svg]');
  process.exit(2);
}
const record = JSON.parse(readFileSync(input, 'utf8')) as BenchRecord;
writeFileSync(output, renderLatencyPlot(record.steps, plotCaption(record)));
console.log(`wrote ${output}`);
