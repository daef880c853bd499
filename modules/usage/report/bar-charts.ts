import type { UsageRow } from '../ledger.js';
import { escapeHtml, formatCount, formatMs, formatUsd, niceStep, num } from './format.js';
import { COLORS } from './palette.js';
import {
  clip,
  empty,
  type Frame,
  legend,
  plotWidth,
  rect,
  type Series,
  seriesGroup,
  svgChart,
  text,
  xGrid,
} from './svg.js';

/** Height of one row: its name above, its bar below. */
const ROW = 46;
const BAR = 16;

/** Width of a chart in a half-width card (viewBox units ≈ CSS pixels at 1280 px). */
export const HALF_WIDTH = 540;

/** A frame for `rows` rows of horizontal bars. */
function rowsFrame(rows: number, width: number): Frame {
  return { width, height: rows * ROW + 34, left: 10, right: 14, top: 6, bottom: 28 };
}

/** Top of the bar of row `i`. */
const barY = (f: Frame, i: number) => f.top + i * ROW + 20;

/** The name of row `i` above its bar (clipped; the full name in a tooltip), and text on the right. */
function rowLabel(f: Frame, i: number, name: string, right: string): string {
  const y = f.top + i * ROW + 14;
  return (
    `<text x="${num(f.left)}" y="${num(y)}" class="label">${escapeHtml(clip(name, 40))}<title>${escapeHtml(name)}</title></text>` +
    text(f.width - f.right, y, right, 'value', 'end')
  );
}

/** The display name of a dimension value (`-` is "none"). */
export function keyName(value: string | undefined): string {
  return value === undefined || value === '-' ? '(none)' : value;
}

/** A scale top (a multiple of a nice step) for values up to `max`. */
function scale(max: number, ticks: number): { top: number; step: number } {
  const step = niceStep(max, ticks);
  return { top: Math.max(step, Math.ceil(max / step) * step), step };
}

/**
 * p50, p95 and p99 latency of successful calls per target, as overlaid bars (p99 lightest and
 * longest, p50 darkest), with the p95 objective as a dashed line when one is set.
 */
export function latencyByTarget(
  rows: readonly UsageRow[],
  objectiveMs: number | undefined,
  width = HALF_WIDTH,
): string {
  const shown = rows.filter((r) => r.p99Ms !== undefined).slice(0, 12);
  if (shown.length === 0) return empty('No successful calls in this window');
  const names = shown.map((r) => keyName(r.key.target));
  const f = rowsFrame(shown.length, width);
  const { top, step } = scale(Math.max(objectiveMs ?? 0, ...shown.map((r) => r.p99Ms ?? 0)), 4);
  const w = plotWidth(f);
  const quantiles = [
    { key: 'p99Ms', name: 'p99', color: COLORS.p99 },
    { key: 'p95Ms', name: 'p95', color: COLORS.p95 },
    { key: 'p50Ms', name: 'p50', color: COLORS.p50 },
  ] as const;
  const groups = quantiles.map((q, qi) => {
    const inset = qi * 2.5; // each shorter quantile a little thinner: all three stay visible
    const body = shown
      .map((r, i) => {
        const v = r[q.key] ?? 0;
        return rect(
          f.left,
          barY(f, i) + inset,
          (v / top) * w,
          BAR - 2 * inset,
          `${names[i]} · ${q.name} ${formatMs(v)}`,
          ' rx="3"',
        );
      })
      .join('');
    return seriesGroup(q, body);
  });
  const labels = shown
    .map((r, i) =>
      rowLabel(
        f,
        i,
        names[i] as string,
        `${formatMs(r.p50Ms)} · ${formatMs(r.p95Ms)} · ${formatMs(r.p99Ms)}`,
      ),
    )
    .join('');
  let objective = '';
  if (objectiveMs !== undefined) {
    const x = f.left + (objectiveMs / top) * w;
    objective = `<line class="objective" x1="${num(x)}" x2="${num(x)}" y1="${f.top + 16}" y2="${f.height - f.bottom}" stroke="${COLORS.objective}"><title>p95 objective ${escapeHtml(formatMs(objectiveMs))}</title></line>`;
  }
  const svg = svgChart(
    'latency-by-target',
    'p50, p95 and p99 latency of successful calls per target',
    f,
    quantiles.length,
    xGrid(f, top, step, (v) => formatMs(v)) + labels + groups.join('') + objective,
  );
  const items: Series[] = [...quantiles].reverse();
  const key =
    objectiveMs === undefined
      ? items
      : [...items, { name: `p95 objective ${formatMs(objectiveMs)}`, color: COLORS.objective }];
  return svg + legend(key);
}

/** One value per row as horizontal bars, largest first (at most 12), the value on the right. */
export function valueBars(
  name: string,
  label: string,
  rows: ReadonlyArray<{ name: string; value: number; tip: string; note?: string }>,
  color: string,
  format: (v: number) => string,
  width = HALF_WIDTH,
): string {
  const shown = rows
    .filter((r) => r.value > 0)
    .sort((a, b) => b.value - a.value)
    .slice(0, 12);
  if (shown.length === 0) return empty('Nothing to show in this window');
  const f = rowsFrame(shown.length, width);
  const { top, step } = scale(shown[0]?.value ?? 1, 4);
  const w = plotWidth(f);
  const body = shown
    .map((r, i) => rect(f.left, barY(f, i), (r.value / top) * w, BAR, r.tip, ' rx="3"'))
    .join('');
  const labels = shown.map((r, i) => rowLabel(f, i, r.name, `${format(r.value)}${r.note ?? ''}`)).join('');
  const series: Series = { name: label, color };
  return svgChart(name, label, f, 1, xGrid(f, top, step, format) + labels + seriesGroup(series, body));
}

/** Cost per row (model, alias or tag), largest first. */
export function costBars(
  name: string,
  label: string,
  rows: readonly UsageRow[],
  dimension: 'model' | 'alias' | 'tag',
): string {
  const total = rows.reduce((sum, r) => sum + r.costUsd, 0);
  return valueBars(
    name,
    label,
    rows.map((r) => {
      const key = keyName(r.key[dimension]);
      return {
        name: key,
        value: r.costUsd,
        note: total > 0 ? ` · ${Math.round((r.costUsd / total) * 100)}%` : '',
        tip: `${key} · ${formatUsd(r.costUsd)} over ${formatCount(r.pricedCalls)} priced calls${r.estimated ? ' (some estimated)' : ''}`,
      };
    }),
    COLORS.cost,
    formatUsd,
  );
}

/** Tokens per model as stacked bars: input (not cached), cached input, output. */
export function tokensByModel(rows: readonly UsageRow[], width = HALF_WIDTH): string {
  const shown = rows
    .filter((r) => r.totalTokens > 0)
    .sort((a, b) => b.totalTokens - a.totalTokens)
    .slice(0, 12);
  if (shown.length === 0) return empty('No tokens in this window');
  const names = shown.map((r) => keyName(r.key.model));
  const f = rowsFrame(shown.length, width);
  const { top, step } = scale(Math.max(...shown.map((r) => r.inputTokens + r.outputTokens)), 4);
  const w = plotWidth(f);
  const parts: ReadonlyArray<Series & { value: (r: UsageRow) => number }> = [
    { name: 'input', color: COLORS.input, value: (r) => r.inputTokens - r.cachedInputTokens },
    { name: 'cached input', color: COLORS.cached, value: (r) => r.cachedInputTokens },
    { name: 'output', color: COLORS.output, value: (r) => r.outputTokens },
  ];
  const offsets = shown.map(() => 0);
  const groups = parts.map((p) =>
    seriesGroup(
      p,
      shown
        .map((r, i) => {
          const v = p.value(r);
          const x0 = offsets[i] as number;
          offsets[i] = x0 + v;
          if (v <= 0) return '';
          return rect(
            f.left + (x0 / top) * w,
            barY(f, i),
            (v / top) * w,
            BAR,
            `${names[i]} · ${p.name}: ${formatCount(v)} tokens`,
          );
        })
        .join(''),
    ),
  );
  const labels = shown
    .map((r, i) =>
      rowLabel(
        f,
        i,
        names[i] as string,
        `${formatCount(r.inputTokens)} in · ${formatCount(r.outputTokens)} out`,
      ),
    )
    .join('');
  const svg = svgChart(
    'tokens-by-model',
    'Tokens per model: input, cached input and output',
    f,
    parts.length,
    xGrid(f, top, step, formatCount) + labels + groups.join(''),
  );
  return svg + legend(parts);
}
