import { HALF_WIDTH } from './bar-charts.js';
import { formatCount, formatMs, niceStep, num } from './format.js';
import { COLORS, errorColor } from './palette.js';
import type { TimeSlot } from './report-data.js';
import {
  empty,
  type Frame,
  legend,
  plotHeight,
  plotWidth,
  rect,
  type Series,
  seriesGroup,
  svgChart,
  text,
  yGrid,
} from './svg.js';

/** Width of a chart in a full-width card (viewBox units ≈ CSS pixels at 1280 px). */
export const FULL_WIDTH = 1100;

const frame = (width: number, height: number): Frame => ({
  width,
  height,
  left: 58,
  right: 14,
  top: 12,
  bottom: 30,
});

/** Slots between time labels: a round count giving at most eight labels. */
function labelEvery(slots: number): number {
  for (const n of [1, 2, 3, 5, 6, 10, 12, 15, 20, 30, 60]) if (slots / n <= 8) return n;
  return Math.ceil(slots / 8);
}

/** Labels of the time axis: about seven, at slot starts. */
function timeAxis(f: Frame, slots: readonly TimeSlot[], time: (ms: number) => string): string {
  const every = labelEvery(slots.length);
  const w = plotWidth(f) / slots.length;
  let out = '';
  slots.forEach((slot, i) => {
    if (i % every !== 0) return;
    const x = f.left + i * w;
    out += `<line class="axis-tick" x1="${num(x)}" x2="${num(x)}" y1="${f.height - f.bottom}" y2="${f.height - f.bottom + 4}"/>`;
    out += text(x, f.height - f.bottom + 18, time(slot.start), 'tick', 'middle');
  });
  return `${out}<line class="axis" x1="${f.left}" x2="${f.width - f.right}" y1="${f.height - f.bottom}" y2="${f.height - f.bottom}"/>`;
}

/**
 * Calls per time slot as stacked bars: successful calls at the bottom, then failures by error
 * kind (one series each, most frequent first). Each bar segment has a tooltip.
 */
export function callsChart(
  slots: readonly TimeSlot[],
  kinds: readonly string[],
  time: (ms: number) => string,
  width = FULL_WIDTH,
): string {
  const max = Math.max(0, ...slots.map((s) => s.calls));
  if (max === 0) return empty('No calls in this window');
  const series: Series[] = [
    { name: 'successful', color: COLORS.success },
    ...kinds.map((k, i) => ({ name: k, color: errorColor(i) })),
  ];
  const f = frame(width, 260);
  const step = niceStep(max);
  const top = Math.ceil(max / step) * step;
  const h = plotHeight(f);
  const slotW = plotWidth(f) / slots.length;
  const barW = Math.max(1, slotW * 0.72);
  const base = slots.map(() => 0);
  const groups = series.map((s, si) => {
    let body = '';
    slots.forEach((slot, i) => {
      const n = si === 0 ? slot.successes : (slot.errors[kinds[si - 1] as string] ?? 0);
      if (n === 0) return;
      const y0 = base[i] as number;
      base[i] = y0 + n;
      const y = f.top + h - ((y0 + n) / top) * h;
      const tip = `${time(slot.start)} · ${s.name}: ${formatCount(n)} of ${formatCount(slot.calls)} calls`;
      body += rect(f.left + i * slotW + (slotW - barW) / 2, y, barW, (n / top) * h, tip, ' rx="1.5"');
    });
    return seriesGroup(s, body);
  });
  const svg = svgChart(
    'calls',
    'Calls per time slot: successful and failed by error kind',
    f,
    series.length,
    yGrid(f, top, step, formatCount) + groups.join('') + timeAxis(f, slots, time),
  );
  return svg + legend(series);
}

/** p50 / p95 / p99 latency of successful calls per time slot, as lines (gaps where no call succeeded). */
export function latencyTimeChart(
  slots: readonly TimeSlot[],
  time: (ms: number) => string,
  width = HALF_WIDTH,
): string {
  const quantiles = [
    { key: 'p99Ms', name: 'p99', color: COLORS.p99 },
    { key: 'p95Ms', name: 'p95', color: COLORS.p95 },
    { key: 'p50Ms', name: 'p50', color: COLORS.p50 },
  ] as const;
  const max = Math.max(0, ...slots.flatMap((s) => quantiles.map((q) => s[q.key] ?? 0)));
  if (max === 0) return empty('No successful calls in this window');
  const f = frame(width, 250);
  const step = niceStep(max);
  const top = Math.ceil(max / step) * step;
  const h = plotHeight(f);
  const slotW = plotWidth(f) / slots.length;
  const xOf = (i: number) => f.left + i * slotW + slotW / 2;
  const yOf = (v: number) => f.top + h - (v / top) * h;
  // The p50–p99 band, shaded, under the lines (decoration: not a series).
  let band = '';
  for (const run of runs(slots)) {
    const upper = run.map((i) => `${num(xOf(i))} ${num(yOf(slots[i]?.p99Ms ?? 0))}`);
    const lower = run.map((i) => `${num(xOf(i))} ${num(yOf(slots[i]?.p50Ms ?? 0))}`).reverse();
    band += `<path class="band" d="M${[...upper, ...lower].join('L')}Z"/>`;
  }
  const groups = quantiles.map((q) => {
    let d = '';
    let dots = '';
    let open = false;
    slots.forEach((slot, i) => {
      const v = slot[q.key];
      if (v === undefined) {
        open = false;
        return;
      }
      const x = xOf(i);
      const y = yOf(v);
      d += `${open ? 'L' : 'M'}${num(x)} ${num(y)}`;
      open = true;
      dots += `<circle cx="${num(x)}" cy="${num(y)}" r="${slots.length > 40 ? 1.4 : 2.4}" fill="${q.color}"><title>${time(slot.start)} · ${q.name} ${formatMs(v)}</title></circle>`;
    });
    const dash = q.name === 'p99' ? ' stroke-dasharray="4 3"' : '';
    const path = `<path d="${d}" fill="none" stroke-width="${q.name === 'p95' ? 2.4 : 1.6}"${dash} stroke-linejoin="round" stroke-linecap="round"/>`;
    return seriesGroup({ name: q.name, color: q.color }, path + dots, 'stroke');
  });
  const svg = svgChart(
    'latency-over-time',
    'p50, p95 and p99 latency of successful calls per time slot',
    f,
    quantiles.length,
    yGrid(f, top, step, (v) => formatMs(v)) + band + groups.join('') + timeAxis(f, slots, time),
  );
  return svg + legend([...quantiles].reverse());
}

/** Runs of consecutive slots that have both p50 and p99 (the band is drawn per run). */
function runs(slots: readonly TimeSlot[]): number[][] {
  const found: number[][] = [];
  let current: number[] = [];
  slots.forEach((s, i) => {
    if (s.p50Ms !== undefined && s.p99Ms !== undefined) current.push(i);
    else if (current.length > 0) {
      found.push(current);
      current = [];
    }
  });
  if (current.length > 0) found.push(current);
  return found;
}
