import type { SlaRow } from '../ledger.js';
import { keyName } from './bar-charts.js';
import { escapeHtml, formatCount, formatMs, formatPercent, formatSpan } from './format.js';

/** A horizontal meter (0…1) with a class for its colour. */
function meter(ratio: number, cls: string): string {
  const width = Math.max(0, Math.min(1, ratio)) * 100;
  return `<span class="meter"><span class="fill ${cls}" style="width:${width.toFixed(1)}%"></span></span>`;
}

function pill(textContent: string, cls: 'ok' | 'warn' | 'bad' | 'muted'): string {
  return `<span class="pill ${cls}">${escapeHtml(textContent)}</span>`;
}

/**
 * The SLA rows of one dimension as an HTML table: availability against the objective, p95
 * against the latency objective, the error budget left, and each burn-rate pair (long / short
 * window) with its threshold, alerting pairs in bold red.
 */
export function slaTable(
  title: string,
  rows: readonly SlaRow[],
  objective: { availability: number; p95Ms?: number },
): string {
  if (rows.length === 0) return '';
  const windows = rows[0]?.burnRates ?? [];
  const head = [
    escapeHtml(title),
    'Calls',
    `Availability <small>objective ${escapeHtml(formatPercent(objective.availability, 3))}</small>`,
    `p95 <small>${objective.p95Ms === undefined ? 'no objective' : `objective ${escapeHtml(formatMs(objective.p95Ms))}`}</small>`,
    'Error budget left',
    ...windows.map(
      (w) =>
        `Burn ${formatSpan(w.longMs)} / ${formatSpan(w.shortMs)} <small>alert at ${w.threshold}×</small>`,
    ),
    'Status',
  ];
  const body = rows.map((r) => {
    const availabilityCls = r.availabilityMet ? 'ok' : 'bad';
    const budget = r.errorBudgetRemaining;
    const budgetCls = budget > 0.5 ? 'ok' : budget > 0 ? 'warn' : 'bad';
    const status = r.alerting
      ? pill('burning', 'bad')
      : !r.availabilityMet || !r.latencyMet
        ? pill('objective missed', 'warn')
        : pill('ok', 'ok');
    const cells = [
      `<th scope="row">${escapeHtml(keyName(r.key))}</th>`,
      `<td class="num">${formatCount(r.calls)}</td>`,
      `<td><span class="stack">${meter(r.availability, availabilityCls)}<span class="num ${availabilityCls}">${formatPercent(r.availability)}</span></span></td>`,
      `<td class="num ${r.latencyMet ? '' : 'bad'}">${formatMs(r.p95Ms)}</td>`,
      `<td><span class="stack">${meter(budget, budgetCls)}<span class="num ${budgetCls}">${budget < 0 ? '−' : ''}${formatPercent(Math.abs(budget), 0)}</span></span></td>`,
      ...r.burnRates.map(
        (b) =>
          `<td class="num ${b.alerting ? 'bad' : b.longRate >= 1 || b.shortRate >= 1 ? 'warn' : ''}">${b.alerting ? '<strong>' : ''}${b.longRate.toFixed(1)}× / ${b.shortRate.toFixed(1)}×${b.alerting ? '</strong>' : ''}</td>`,
      ),
      `<td>${status}</td>`,
    ];
    return `<tr>${cells.join('')}</tr>`;
  });
  // Fixed widths: the target and alias tables line up column by column.
  const widths = head.map((_, i) => (i === 0 ? 19 : i === 1 ? 6 : i === head.length - 1 ? 13 : undefined));
  return `<table class="sla"><thead><tr>${head
    .map(
      (h, i) => `<th scope="col"${widths[i] === undefined ? '' : ` style="width:${widths[i]}%"`}>${h}</th>`,
    )
    .join('')}</tr></thead><tbody>${body.join('')}</tbody></table>`;
}
