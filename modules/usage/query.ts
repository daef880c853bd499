import type { Tier } from './buckets.js';
import { type Cell, mergeInto, newCell } from './cells.js';
import { SEP, SINGLE, USAGE_DIMENSIONS, type UsageDimension } from './dimensions.js';
import { configError } from './options.js';

/** Options of {@link UsageLedger.query}. */
export interface UsageQuery {
  /** Dimensions to group by; `tag` can only be used alone (a call has several tags). @default [] (one total row) */
  readonly by?: readonly UsageDimension[];
  /** Only buckets starting at or after this clock time. @default everything kept */
  readonly since?: number;
  /** Only buckets starting before this clock time. @default now, current bucket included */
  readonly until?: number;
  /** Only calls whose dimensions have these values. */
  readonly where?: Partial<Readonly<Record<UsageDimension, string>>>;
}

/** One row of {@link UsageLedger.query}. Latencies are of successful calls, in ms. */
export interface UsageRow {
  /** The value of each `by` dimension. */
  readonly key: Readonly<Partial<Record<UsageDimension, string>>>;
  /** Calls (each call once, whatever its attempts). */
  readonly calls: number;
  readonly successes: number;
  readonly failures: number;
  /** Failures by error kind. */
  readonly errors: Readonly<Record<string, number>>;
  /** `successes / calls`. */
  readonly availability: number;
  /** Successful calls answered without a provider attempt (a middleware cache hit): not billed. */
  readonly unbilled: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cachedInputTokens: number;
  readonly reasoningTokens: number;
  readonly totalTokens: number;
  /** USD of the calls with a known price. */
  readonly costUsd: number;
  /** Successful calls whose cost is known. */
  readonly pricedCalls: number;
  /** Calls whose usage the provider did not report and that were billed from an estimate. */
  readonly estimatedCalls: number;
  /** Whether any of the row's tokens or cost are estimated. */
  readonly estimated: boolean;
  readonly p50Ms: number | undefined;
  readonly p95Ms: number | undefined;
  readonly p99Ms: number | undefined;
  readonly meanMs: number | undefined;
}

type Groups = Map<string, { key: Record<string, string>; cell: Cell }>;

/**
 * The rows of `query` over the buckets of `tiers`, of which `dims` are recorded: see
 * {@link UsageLedger.query}.
 * @throws {SwitchyardError} `config` when the query is invalid (the message names the field).
 */
export function queryTiers(
  tiers: readonly Tier[],
  dims: ReadonlySet<UsageDimension>,
  query: UsageQuery,
): UsageRow[] {
  const by = query.by ?? [];
  for (const d of by) {
    if (!USAGE_DIMENSIONS.includes(d)) throw configError(`query.by: unknown dimension '${String(d)}'`);
    if (!dims.has(d)) throw configError(`query.by: dimension '${d}' is not recorded (see dimensions)`);
  }
  const byTag = by.includes('tag');
  if (byTag && by.length > 1) throw configError('query.by: tag can only be used alone');
  const where = query.where ?? {};
  if (byTag && Object.keys(where).length > 0) throw configError('query.where: not supported with by tag');
  const since = query.since ?? Number.NEGATIVE_INFINITY;
  const until = query.until ?? Number.POSITIVE_INFINITY;
  const groups: Groups = new Map();
  for (const tier of tiers) {
    for (const bucket of tier.buckets.values()) {
      if (bucket.start < since || bucket.start >= until) continue;
      if (byTag) {
        for (const [tag, cell] of bucket.tags) group(groups, tag, { tag }, cell);
        continue;
      }
      for (const cell of bucket.cells.values()) {
        if (!matches(cell, where)) continue;
        const key: Record<string, string> = {};
        for (const d of by) key[d] = cell.dims[SINGLE.indexOf(d)]!;
        group(groups, by.map((d) => key[d]).join(SEP), key, cell);
      }
    }
  }
  return [...groups.values()].map(({ key, cell }) => rowOf(key, cell)).sort((a, b) => b.costUsd - a.costUsd);
}

function matches(cell: Cell, where: Partial<Readonly<Record<UsageDimension, string>>>): boolean {
  for (const [d, value] of Object.entries(where)) {
    const i = SINGLE.indexOf(d as UsageDimension);
    if (i < 0) throw configError(`query.where: unknown or multi-valued dimension '${d}'`);
    if (cell.dims[i] !== value) return false;
  }
  return true;
}

function group(groups: Groups, id: string, key: Record<string, string>, cell: Cell): void {
  let found = groups.get(id);
  if (found === undefined) {
    found = { key, cell: newCell([]) };
    groups.set(id, found);
  }
  mergeInto(found.cell, cell);
}

function rowOf(key: Record<string, string>, cell: Cell): UsageRow {
  const latency = cell.latency;
  return {
    key,
    calls: cell.calls,
    successes: cell.successes,
    failures: cell.calls - cell.successes,
    errors: Object.fromEntries(cell.errors ?? []),
    availability: cell.calls === 0 ? 1 : cell.successes / cell.calls,
    unbilled: cell.unbilled,
    inputTokens: cell.input,
    outputTokens: cell.output,
    cachedInputTokens: cell.cached,
    reasoningTokens: cell.reasoning,
    totalTokens: cell.total,
    costUsd: cell.cost,
    pricedCalls: cell.priced,
    estimatedCalls: cell.estimated,
    estimated: cell.estimated > 0,
    p50Ms: latency.quantile(0.5),
    p95Ms: latency.quantile(0.95),
    p99Ms: latency.quantile(0.99),
    meanMs: latency.count === 0 ? undefined : latency.sum / latency.count,
  };
}
