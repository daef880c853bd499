import { escapeHtml, num } from './format.js';

/** One series of a chart: its name (shown in the legend) and colour. */
export interface Series {
  readonly name: string;
  readonly color: string;
}

/** Plot area of a chart, in viewBox units. */
export interface Frame {
  readonly width: number;
  readonly height: number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

/** Inner width and height of `f`. */
export const plotWidth = (f: Frame) => f.width - f.left - f.right;
export const plotHeight = (f: Frame) => f.height - f.top - f.bottom;

/**
 * An `<svg>` chart that scales to its container: `data-chart` names it, `data-series` says how
 * many series (`<g class="series">`) it draws, for the checks of the page.
 */
export function svgChart(name: string, label: string, f: Frame, series: number, body: string): string {
  return (
    `<svg class="chart" data-chart="${escapeHtml(name)}" data-series="${series}" role="img" ` +
    `aria-label="${escapeHtml(label)}" viewBox="0 0 ${f.width} ${f.height}" width="100%" ` +
    `preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">${body}</svg>`
  );
}

/** A series group: everything drawn for one series, filled or stroked in its colour. */
export function seriesGroup(s: Series, body: string, paint: 'fill' | 'stroke' = 'fill'): string {
  return `<g class="series" data-series-name="${escapeHtml(s.name)}" ${paint}="${s.color}">${body}</g>`;
}

/** A rectangle with a hover tooltip. */
export function rect(x: number, y: number, w: number, h: number, tip: string, extra = ''): string {
  return `<rect x="${num(x)}" y="${num(y)}" width="${num(Math.max(0, w))}" height="${num(Math.max(0, h))}"${extra}><title>${escapeHtml(tip)}</title></rect>`;
}

/** Text at (x, y); `anchor` start, middle or end. The text is escaped. */
export function text(x: number, y: number, content: string, cls: string, anchor = 'start'): string {
  return `<text x="${num(x)}" y="${num(y)}" class="${cls}" text-anchor="${anchor}">${escapeHtml(content)}</text>`;
}

/**
 * Horizontal grid lines with value labels on the left, from 0 to `max` every `step`
 * (`max` a multiple of `step`).
 */
export function yGrid(f: Frame, max: number, step: number, label: (v: number) => string): string {
  const h = plotHeight(f);
  let out = '';
  for (let v = 0; v <= max + step / 1e6; v += step) {
    const y = f.top + h - (v / max) * h;
    out += `<line class="gridline" x1="${f.left}" x2="${f.width - f.right}" y1="${num(y)}" y2="${num(y)}"/>`;
    out += text(f.left - 8, y + 4, label(v), 'tick', 'end');
  }
  return out;
}

/** Vertical grid lines with value labels below, from 0 to `max` every `step`. */
export function xGrid(f: Frame, max: number, step: number, label: (v: number) => string): string {
  const w = plotWidth(f);
  let out = '';
  for (let v = 0; v <= max + step / 1e6; v += step) {
    const x = f.left + (v / max) * w;
    out += `<line class="gridline" x1="${num(x)}" x2="${num(x)}" y1="${f.top}" y2="${f.height - f.bottom}"/>`;
    const anchor = v === 0 ? 'start' : v + step > max + step / 1e6 ? 'end' : 'middle';
    out += text(x, f.height - f.bottom + 16, label(v), 'tick', anchor);
  }
  return out;
}

/** The legend of a chart, as HTML. */
export function legend(series: readonly Series[]): string {
  return `<ul class="legend">${series
    .map((s) => `<li><span class="swatch" style="background:${s.color}"></span>${escapeHtml(s.name)}</li>`)
    .join('')}</ul>`;
}

/** `name` cut to `max` characters with an ellipsis. */
export function clip(name: string, max: number): string {
  return name.length <= max ? name : `${name.slice(0, max - 1)}…`;
}

/** The placeholder shown instead of a chart without data. */
export function empty(message: string): string {
  return `<div class="empty">${escapeHtml(message)}</div>`;
}
