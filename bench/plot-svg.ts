// Latency against the number of sessions, one point per ramp step, as a self-contained SVG (no
// plotting dependency): agent → channel beside the bare relay, customer → vendor beside the engine floor.
import type { StepResult } from './capacity-ramp';

interface Series {
  label: string;
  color: string;
  dashed: boolean;
  values: number[];
}

const W = 980;
const H = 560;
const panelW = 430;
const panelH = 300;
const top = 70;
const lefts = [70, 540];

export function renderLatencyPlot(steps: StepResult[], caption: string[]): string {
  const xs = steps.map((s) => s.sessions);
  const inbound: Series[] = [
    { label: 'bridge p50', color: '#1f77b4', dashed: false, values: steps.map((s) => s.latency.inbound.p50) },
    { label: 'bridge p99', color: '#1f77b4', dashed: true, values: steps.map((s) => s.latency.inbound.p99) },
    {
      label: 'bare relay p50',
      color: '#555',
      dashed: false,
      values: steps.map((s) => s.latency.baseline.p50),
    },
    {
      label: 'bare relay p99',
      color: '#555',
      dashed: true,
      values: steps.map((s) => s.latency.baseline.p99),
    },
  ];
  const outbound: Series[] = [
    {
      label: 'bridge p50',
      color: '#d62728',
      dashed: false,
      values: steps.map((s) => s.latency.outbound.p50),
    },
    { label: 'bridge p99', color: '#d62728', dashed: true, values: steps.map((s) => s.latency.outbound.p99) },
    {
      label: 'floor p50 (update + POST)',
      color: '#555',
      dashed: false,
      values: steps.map((s) => s.outboundFloorP50Ms),
    },
  ];
  const notHeld = steps.filter((s) => !s.held).map((s) => s.sessions);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">Latency against concurrent sessions (one bridge worker, 2 cores)</text>`,
    panel(lefts[0]!, 'agent → channel (ms)', xs, inbound, notHeld),
    panel(lefts[1]!, 'customer → vendor (ms)', xs, outbound, notHeld),
    ...caption.map(
      (line, i) =>
        `<text x="${W / 2}" y="${top + panelH + 124 + i * 16}" text-anchor="middle" fill="#444">${escape(line)}</text>`,
    ),
    '</svg>',
  ];
  return `${parts.join('\n')}\n`;
}

function panel(left: number, title: string, xs: number[], series: Series[], notHeld: number[]): string {
  // Log scale on both axes: the bridge sits one to two orders of magnitude above its floors.
  const finite = series.flatMap((s) => s.values).filter((v) => Number.isFinite(v) && v > 0);
  const yLo = 10 ** Math.floor(Math.log10(Math.min(...finite, 1)));
  const yHi = 10 ** Math.ceil(Math.log10(Math.max(...finite, 10)));
  const logMin = Math.log(Math.min(...xs));
  const logMax = Math.log(Math.max(...xs));
  const px = (x: number) =>
    logMax === logMin
      ? left + panelW / 2
      : left + 20 + ((Math.log(x) - logMin) / (logMax - logMin)) * (panelW - 40);
  const py = (y: number) =>
    top +
    panelH -
    ((Math.log10(Math.max(y, yLo)) - Math.log10(yLo)) / (Math.log10(yHi) - Math.log10(yLo))) * panelH;
  const out: string[] = [
    `<text x="${left + panelW / 2}" y="${top - 12}" text-anchor="middle" font-size="14">${escape(title)}, log scale</text>`,
    `<rect x="${left}" y="${top}" width="${panelW}" height="${panelH}" fill="none" stroke="#999"/>`,
  ];
  for (let decade = yLo; decade <= yHi; decade *= 10) {
    for (const m of [1, 2, 5]) {
      const y = decade * m;
      if (y > yHi) break;
      out.push(
        `<line x1="${left}" x2="${left + panelW}" y1="${py(y)}" y2="${py(y)}" stroke="${m === 1 ? '#ddd' : '#f3f3f3'}"/>`,
      );
      if (m === 1 || decade < yHi / 10)
        out.push(`<text x="${left - 6}" y="${py(y) + 4}" text-anchor="end">${fmt(y)}</text>`);
    }
  }
  for (const x of xs) {
    const bad = notHeld.includes(x);
    out.push(
      `<line x1="${px(x)}" x2="${px(x)}" y1="${top + panelH}" y2="${top + panelH + 5}" stroke="#999"/>`,
      `<text x="${px(x)}" y="${top + panelH + 18}" text-anchor="middle"${bad ? ' fill="#c00"' : ''}>${x}${bad ? ' ✗' : ''}</text>`,
    );
  }
  out.push(
    `<text x="${left + panelW / 2}" y="${top + panelH + 36}" text-anchor="middle">sessions held by the worker (log scale${notHeld.length ? '; ✗ = not held' : ''})</text>`,
  );
  const lx = (i: number) => left + 10 + (i % 2) * (panelW / 2);
  const ly = (i: number) => top + panelH + 58 + Math.floor(i / 2) * 18;
  series.forEach((s, i) => {
    const points = xs.map((x, j) => [px(x), s.values[j]!] as const).filter(([, v]) => Number.isFinite(v));
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    out.push(
      `<polyline fill="none" stroke="${s.color}" stroke-width="2"${dash} points="${points.map(([x, v]) => `${x.toFixed(1)},${py(v).toFixed(1)}`).join(' ')}"/>`,
      ...points.map(
        ([x, v]) => `<circle cx="${x.toFixed(1)}" cy="${py(v).toFixed(1)}" r="3" fill="${s.color}"/>`,
      ),
      // The legend goes under the panel, two entries a row, clear of the lines.
      `<line x1="${lx(i)}" x2="${lx(i) + 24}" y1="${ly(i)}" y2="${ly(i)}" stroke="${s.color}" stroke-width="2"${dash}/>`,
      `<text x="${lx(i) + 30}" y="${ly(i) + 4}">${escape(s.label)}</text>`,
    );
  });
  return out.join('\n');
}

function fmt(v: number): string {
  return v >= 1 ? String(Math.round(v)) : String(Number(v.toPrecision(1)));
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
