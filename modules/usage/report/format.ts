/** Escapes `text` for HTML text and quoted attribute values (`& < > " '`). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** A count, compact: 950, 12.3k, 4.5M. */
export function formatCount(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${trim(n / 1e9)}B`;
  if (abs >= 1e6) return `${trim(n / 1e6)}M`;
  if (abs >= 1e4) return `${trim(n / 1e3)}k`;
  return Number.isInteger(n) ? n.toLocaleString('en-US') : trim(n);
}

/** One decimal, without a trailing `.0`. */
function trim(n: number): string {
  return n.toFixed(1).replace(/\.0$/, '');
}

/** A duration in ms, with a unit that suits it: 850 ms, 1.24 s, 2.5 min. */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms === 0) return '0';
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** USD with precision that shows small amounts: $12.35, $0.0042, $0. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  const abs = Math.abs(usd);
  if (abs >= 100) return `$${usd.toLocaleString('en-US', { maximumFractionDigits: 0 })}`;
  if (abs >= 1) return `$${usd.toFixed(2)}`;
  if (abs >= 0.01) return `$${usd.toFixed(3)}`;
  return `$${usd.toPrecision(2)}`;
}

/** A ratio as a percentage: 99.95%, 100%. */
export function formatPercent(ratio: number, digits = 2): string {
  const text = (ratio * 100).toFixed(digits);
  return `${digits > 0 ? text.replace(/\.?0+$/, '') : text}%`;
}

/** A number for an SVG attribute: at most two decimals. */
export function num(n: number): string {
  return String(Math.round(n * 100) / 100);
}

/**
 * A "nice" axis step for values up to `max` with about `ticks` ticks: 1, 2, 2.5 or 5 × 10^k.
 * Returns 1 when `max` is not positive.
 */
export function niceStep(max: number, ticks = 4): number {
  if (!(max > 0) || !Number.isFinite(max)) return 1;
  const raw = max / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

/** A whole duration, short: 30s, 5m, 1h, 2d (the largest unit it is a multiple of). */
export function formatSpan(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Math.round(ms / 1000)}s`;
}

/** A slot length in words: "1-minute", "15-minute", "1-hour", "1-day". */
export function formatSlot(ms: number): string {
  const short = formatSpan(ms);
  const unit = { d: 'day', h: 'hour', m: 'minute', s: 'second' }[short.slice(-1)] ?? '';
  return `${short.slice(0, -1)}-${unit}`;
}
