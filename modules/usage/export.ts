import type { UsageDimension, UsageRow } from './ledger.js';

const COLUMNS = [
  'calls',
  'successes',
  'failures',
  'availability',
  'unbilled',
  'inputTokens',
  'outputTokens',
  'cachedInputTokens',
  'reasoningTokens',
  'totalTokens',
  'costUsd',
  'pricedCalls',
  'estimatedCalls',
  'estimated',
  'p50Ms',
  'p95Ms',
  'p99Ms',
  'meanMs',
] as const;

function cell(value: unknown): string {
  const text = value === undefined ? '' : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Rows of {@link UsageLedger.query} as CSV (RFC 4180, `\n` line ends): one column per key
 * dimension (in `by` order, taken from the first row when not given), then the counts, tokens,
 * cost, `estimated`, latency quantiles, and `errors` as `kind:count` pairs joined by `;`.
 * Missing quantiles are empty cells.
 */
export function usageToCsv(rows: readonly UsageRow[], by?: readonly UsageDimension[]): string {
  const dims = by ?? (Object.keys(rows[0]?.key ?? {}) as UsageDimension[]);
  const lines = [[...dims, ...COLUMNS, 'errors'].join(',')];
  for (const row of rows) {
    const errors = Object.entries(row.errors)
      .map(([kind, n]) => `${kind}:${n}`)
      .join(';');
    lines.push([...dims.map((d) => row.key[d]), ...COLUMNS.map((c) => row[c]), errors].map(cell).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** Rows of {@link UsageLedger.query} as JSON text (`undefined` quantiles become `null`). */
export function usageToJson(rows: readonly UsageRow[]): string {
  return JSON.stringify(rows, (_key, value: unknown) => (value === undefined ? null : value), 2);
}
