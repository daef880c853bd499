import { SwitchyardError } from '../../../src/index.js';
import type { BurnWindow, UsageLedger, UsageRow } from '../ledger.js';
import { costBars, latencyByTarget, tokensByModel } from './bar-charts.js';
import { escapeHtml, formatCount, formatMs, formatPercent, formatSlot, formatUsd } from './format.js';
import { card, page } from './page.js';
import { autoStep, type ReportData, readReport } from './report-data.js';
import { slaTable } from './sla-table.js';
import { callsChart, latencyTimeChart } from './time-charts.js';

/** Options of {@link renderUsageReport}. */
export interface UsageReportOptions {
  /** Heading and `<title>` of the page. @default 'Switchyard usage' */
  readonly title?: string;
  /** End of the reported window, in the ledger's clock ms. @default Date.now() */
  readonly until?: number;
  /** Length of the window. @default 3_600_000 (one hour) */
  readonly windowMs?: number;
  /**
   * Length of a time slot of the charts over time; best a multiple of the ledger's `bucketMs`.
   * @default the smallest of 1, 2, 5, 10, 15, 30 min, 1, 2, 3 h, whole days giving ≤ 72 slots
   */
  readonly stepMs?: number;
  /** SLA objective of the SLA tables and the latency chart. @default { availability: 0.99 } */
  readonly objective?: { readonly availability: number; readonly p95Ms?: number };
  /** Burn-rate window pairs of the SLA tables. @default DEFAULT_BURN_WINDOWS */
  readonly burnWindows?: readonly BurnWindow[];
  /** IANA time zone of the times shown. @default 'UTC' */
  readonly timeZone?: string;
}

function configError(field: string, problem: string): SwitchyardError {
  return new SwitchyardError('config', `renderUsageReport: ${field}: ${problem}`, { retryable: false });
}

function positive(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw configError(field, `expected a positive number, got ${String(value)}`);
  }
  return value;
}

/** The checked options, defaults applied. */
function settings(options: UsageReportOptions) {
  if (typeof options !== 'object' || options === null) throw configError('options', 'expected an object');
  const title = options.title ?? 'Switchyard usage';
  if (typeof title !== 'string') throw configError('title', 'expected a string');
  const until = options.until ?? Date.now();
  if (typeof until !== 'number' || !Number.isFinite(until))
    throw configError('until', 'expected a finite number');
  const windowMs = positive(options.windowMs, 'windowMs') ?? 3_600_000;
  const stepMs = positive(options.stepMs, 'stepMs') ?? autoStep(windowMs);
  if (!Number.isInteger(stepMs)) throw configError('stepMs', `expected a whole number of ms, got ${stepMs}`);
  if (windowMs / stepMs > 500)
    throw configError('stepMs', `gives ${Math.ceil(windowMs / stepMs)} slots; at most 500`);
  const objective = options.objective ?? { availability: 0.99 };
  const timeZone = options.timeZone ?? 'UTC';
  let time: Intl.DateTimeFormat;
  let day: Intl.DateTimeFormat;
  try {
    time = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    day = new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric', month: 'short', year: 'numeric' });
  } catch {
    throw configError('timeZone', `unknown time zone ${JSON.stringify(timeZone)}`);
  }
  return { title, until, windowMs, stepMs, objective, burnWindows: options.burnWindows, timeZone, time, day };
}

/** One headline figure. */
function kpi(label: string, value: string, sub: string, cls = ''): string {
  return `<div class="kpi ${cls}"><div class="label">${escapeHtml(label)}</div><div class="value">${escapeHtml(value)}</div><div class="sub">${escapeHtml(sub)}</div></div>`;
}

function headline(data: ReportData, objective: { availability: number; p95Ms?: number }): string {
  const t = data.total;
  if (t === undefined) return '';
  const kinds = data.errorKinds.slice(0, 2).map((k) => `${formatCount(t.errors[k] ?? 0)} ${k}`);
  return `<section class="kpis">${[
    kpi('Calls', formatCount(t.calls), `${formatCount(t.successes)} successful`),
    kpi(
      'Availability',
      formatPercent(t.availability),
      `objective ${formatPercent(objective.availability, 3)}`,
      t.availability >= objective.availability ? 'ok' : 'bad',
    ),
    kpi(
      'p95 latency',
      formatMs(t.p95Ms),
      `p50 ${formatMs(t.p50Ms)} · p99 ${formatMs(t.p99Ms)}`,
      objective.p95Ms === undefined || t.p95Ms === undefined ? '' : t.p95Ms <= objective.p95Ms ? 'ok' : 'bad',
    ),
    kpi(
      'Cost',
      formatUsd(t.costUsd),
      t.estimatedCalls > 0
        ? `${formatCount(t.estimatedCalls)} calls estimated`
        : `${formatCount(t.pricedCalls)} priced calls`,
    ),
    kpi(
      'Tokens',
      formatCount(t.totalTokens),
      `${formatCount(t.inputTokens)} in · ${formatCount(t.outputTokens)} out`,
    ),
    kpi(
      'Failed calls',
      formatCount(t.failures),
      kinds.length === 0 ? 'none' : kinds.join(' · '),
      t.failures === 0 ? 'ok' : '',
    ),
  ].join('')}</section>`;
}

/**
 * Renders what `ledger` recorded over a window as one self-contained HTML page: headline
 * figures; calls and errors over time; latency (p50/p95/p99) over time and per target; cost per
 * model and per alias; tokens per model; SLA tables per target and alias (availability, p95 against
 * the objective, error budget, burn rates). Charts are inline SVG drawn here (no script, no
 * chart library, nothing fetched: the page sets a Content-Security-Policy that forbids it), and
 * every recorded name is HTML-escaped.
 *
 * The SLA tables are over the `windowMs` ending at the ledger's clock (see
 * {@link UsageLedger.sla}); the other figures over the slots ending at `until`. Charts of a
 * dimension the ledger does not record are left out.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('usage.html', renderUsageReport(ledger, { windowMs: 6 * 3_600_000, objective: { availability: 0.995, p95Ms: 2_000 } }));
 * ```
 * @throws {SwitchyardError} `config` when an option is invalid (the message names it).
 */
export function renderUsageReport(ledger: UsageLedger, options: UsageReportOptions = {}): string {
  const s = settings(options);
  const data = readReport(ledger, s);
  const time = (ms: number) => s.time.format(ms);
  const range = `${s.day.format(data.since)} ${time(data.since)}–${time(data.until)} ${s.timeZone}`;
  const step = formatSlot(data.stepMs);
  const title = escapeHtml(s.title);
  const body: string[] = [headline(data, s.objective)];
  body.push(
    card(
      'Calls and errors',
      `Calls per ${escapeHtml(step)} slot: successful, and failed by the kind of their final error.`,
      callsChart(data.timeline, data.errorKinds, time),
      'calls',
    ),
  );
  body.push(
    `<div class="grid">${card(
      'Latency over time',
      'p50, p95 and p99 of successful calls (retries and fallbacks included).',
      latencyTimeChart(data.timeline, time),
      'latency-time',
    )}${card(
      'Latency per target',
      'p50, p95 and p99 of successful calls by the target that answered.',
      latencyByTarget(data.targets, s.objective.p95Ms),
      'latency-target',
    )}</div>`,
  );
  const spend: string[] = [];
  if (data.models !== undefined) {
    spend.push(
      costCard('model', data.models, 'USD of calls to targets with a price, and share of the total.'),
    );
  }
  if (data.aliases !== undefined) {
    spend.push(costCard('alias', data.aliases, 'USD by the model name the caller asked for.'));
  }
  if (data.models !== undefined) {
    spend.push(
      card(
        'Tokens per model',
        'Input (its cached part apart) and output tokens.',
        tokensByModel(data.models),
        'tokens',
      ),
    );
  }
  if (data.tags !== undefined) {
    spend.push(costCard('tag', data.tags, 'USD by request tag (a call with several tags counts in each).'));
  }
  if (spend.length > 0) body.push(`<div class="grid">${spend.join('')}</div>`);
  const objectiveText = `availability ${formatPercent(s.objective.availability, 3)}${s.objective.p95Ms === undefined ? '' : `, p95 ≤ ${formatMs(s.objective.p95Ms)}`}`;
  const tables = [
    slaTable('Target', data.sla.target, s.objective),
    data.sla.alias ? slaTable('Alias', data.sla.alias, s.objective) : '',
  ]
    .filter((t) => t !== '')
    .join('');
  body.push(
    card(
      'Service levels',
      `Over the window against the objective (${escapeHtml(objectiveText)}). Burn rate: error ratio ÷ error budget, over a long and a short window; both at the threshold alert.`,
      tables === '' ? '<div class="empty">No calls in this window</div>' : tables,
      'sla',
    ),
  );
  return page(
    title,
    escapeHtml(`${range} · ${formatCount(data.total?.calls ?? 0)} calls`),
    body.join('\n'),
    'Rendered by switchyard-llm/usage (renderUsageReport) from a UsageLedger. Latency quantiles come from the ledger’s sketches (1% relative error).',
  );
}

/** The card of the cost chart by `dimension`: "Cost per <dimension>", chart `cost-by-<dimension>`. */
function costCard(
  dimension: 'model' | 'alias' | 'tag',
  rows: readonly UsageRow[],
  description: string,
): string {
  const title = `Cost per ${dimension}`;
  return card(
    title,
    description,
    costBars(`cost-by-${dimension}`, title, rows, dimension),
    `cost-${dimension}`,
  );
}
