/**
 * `switchyard-llm/usage`: a usage ledger fed by router events. Calls, errors by kind, tokens,
 * cost and latency quantiles by target, model, alias, provider, tag and (opt-in) user or key,
 * in time buckets with bounded memory; an SLA view with error-budget burn rates; CSV and JSON;
 * a self-contained HTML report with charts (`renderUsageReport`).
 *
 * @example
 * ```ts
 * import { UsageLedger, usageToCsv } from 'switchyard-llm/usage';
 * const ledger = new UsageLedger();
 * const detach = ledger.attach(router);
 * console.log(usageToCsv(ledger.query({ by: ['model'] }), ['model']));
 * ```
 */
export { usageToCsv, usageToJson } from './export.js';
export {
  type BurnRate,
  type BurnWindow,
  DEFAULT_BURN_WINDOWS,
  OVERFLOW_KEY,
  type SlaQuery,
  type SlaRow,
  USAGE_DIMENSIONS,
  type UsageDimension,
  UsageLedger,
  type UsageLedgerOptions,
  type UsageLedgerStats,
  type UsageQuery,
  type UsageRetention,
  type UsageRow,
} from './ledger.js';
export { renderUsageReport, type UsageReportOptions } from './report/render-report.js';
export { LatencySketch, SKETCH_RELATIVE_ACCURACY } from './sketch.js';
