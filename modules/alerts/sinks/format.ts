import type { Alert, Notification, Severity } from '../types.js';

/** `value` of `alert` in its unit, e.g. `42.0%`, `1250 ms`, `$3.20/h`, `15.1×`. */
export function formatValue(value: number, unit: string): string {
  switch (unit) {
    case 'ratio':
      return `${(value * 100).toFixed(1)}%`;
    case 'ms':
      return `${Math.round(value)} ms`;
    case 'usd/h':
      return `$${value.toFixed(2)}/h`;
    case 'x':
      return `${value.toFixed(1)}×`;
    case 'bool':
      return value >= 1 ? 'yes' : 'no';
    default:
      return `${Number.isInteger(value) ? value : value.toFixed(2)} ${unit}`;
  }
}

/** `1.2% (threshold 5.0%)`. */
export const valueVsThreshold = (a: Alert): string =>
  `${formatValue(a.value, a.unit)} (threshold ${formatValue(a.threshold, a.unit)})`;

/** Emoji of a severity or of a resolve. */
export function emojiOf(severity: Severity, resolved: boolean): string {
  if (resolved) return '✅';
  return severity === 'critical' ? '🔴' : severity === 'warning' ? '🟠' : '🔵';
}

/** Hex colour of a severity or of a resolve (Slack attachment bar). */
export function colourOf(severity: Severity, resolved: boolean): string {
  if (resolved) return '#2EB67D';
  return severity === 'critical' ? '#E01E5A' : severity === 'warning' ? '#ECB22E' : '#36C5F0';
}

/** `[CRITICAL] FIRING: rule (2 alerts)` / `[CRITICAL] RESOLVED: rule`. */
export function titleOf(n: Notification): string {
  const firing = n.alerts.filter((a) => a.state === 'firing').length;
  const head = `[${n.severity.toUpperCase()}] ${n.status === 'firing' ? 'FIRING' : 'RESOLVED'}: ${n.rule}`;
  const count = n.alerts.length > 1 ? ` (${n.status === 'firing' ? firing : n.alerts.length} alerts)` : '';
  return `${head}${count}${n.repeat ? ' (reminder)' : ''}`;
}

/** What the alert is about: `target openai-mini`, `alias fast`, or the rule's other labels. */
export function subjectOf(a: Alert): string {
  const parts = Object.entries(a.labels).map(([k, v]) => `${k} ${v}`);
  return parts.length === 0 ? 'router' : parts.join(', ');
}

/** ISO time of a clock value that looks like epoch ms, else the raw number in ms. */
export function timeOf(ms: number): string {
  return ms > 1e12 ? new Date(ms).toISOString() : `${Math.round(ms)} ms`;
}

/** Plain-text body: one paragraph per alert. */
export function plainText(n: Notification): string {
  const lines = [titleOf(n), ''];
  for (const a of n.alerts) {
    lines.push(`${a.state.toUpperCase()} ${a.summary}`);
    lines.push(`  about: ${subjectOf(a)}`);
    lines.push(`  value: ${valueVsThreshold(a)}`);
    lines.push(
      `  since: ${timeOf(a.startsAt)}${a.endsAt === undefined ? '' : `, resolved ${timeOf(a.endsAt)}`}`,
    );
    lines.push(`  fingerprint: ${a.fingerprint}`);
    for (const l of a.links) lines.push(`  ${l.title}: ${l.url}`);
    lines.push('');
  }
  return lines.join('\n');
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** `text` safe inside HTML. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
