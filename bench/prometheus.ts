// A minimal Prometheus text-format reader: enough to difference counters and histogram sums between
// two scrapes of the dev server or the worker.
import { request } from 'undici';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export async function scrape(url: string): Promise<Sample[]> {
  const res = await request(url, { headersTimeout: 5_000, bodyTimeout: 5_000 });
  if (res.statusCode !== 200) {
    await res.body.dump();
    throw new Error(`${url} answered HTTP ${res.statusCode}`);
  }
  return parse(await res.body.text());
}

const lineRe = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/;
const labelRe = /(\w+)="((?:[^"\\]|\\.)*)"/g;

export function parse(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = lineRe.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(labelRe)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** Sum of every series called `name` whose labels include `match`. */
export function total(samples: Sample[], name: string, match: Record<string, string> = {}): number {
  let sum = 0;
  for (const s of samples) {
    if (s.name !== name) continue;
    if (Object.entries(match).every(([k, v]) => s.labels[k] === v)) sum += s.value;
  }
  return sum;
}

/** Mean of a histogram between two scrapes (in the histogram's own unit), NaN when nothing was observed. */
export function meanBetween(
  a: Sample[],
  b: Sample[],
  name: string,
  match: Record<string, string> = {},
): number {
  const count = total(b, `${name}_count`, match) - total(a, `${name}_count`, match);
  const sum = total(b, `${name}_sum`, match) - total(a, `${name}_sum`, match);
  return count > 0 ? sum / count : Number.NaN;
}
