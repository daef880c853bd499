import {
  type CallContext,
  type Clock,
  type CompletionResponse,
  costOf,
  estimateInputTokens,
  type Middleware,
  type NextCall,
  type NextStream,
  type Price,
  type RequestFailureEvent,
  type RequestStartEvent,
  type RequestSuccessEvent,
  type Router,
  type StreamEvent,
} from '../../src/index.js';
import { NONE, OVERFLOW_KEY, SEP, SINGLE, USAGE_DIMENSIONS, type UsageDimension } from './dimensions.js';
import { configError, DAY, HOUR, positive, readOptions, type UsageLedgerOptions } from './options.js';
import { LatencySketch } from './sketch.js';

export { OVERFLOW_KEY, USAGE_DIMENSIONS, type UsageDimension } from './dimensions.js';
export type { UsageLedgerOptions, UsageRetention } from './options.js';

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

/** A burn-rate alert over a long and a short window (both must burn faster than `threshold`). */
export interface BurnWindow {
  readonly longMs: number;
  readonly shortMs: number;
  /** Burn rate at which the pair alerts. */
  readonly threshold: number;
}

/** Multi-window burn-rate pairs of the SRE workbook for a 30-day budget: page at 14.4×, ticket at 6×. */
export const DEFAULT_BURN_WINDOWS: readonly BurnWindow[] = [
  { longMs: 3_600_000, shortMs: 300_000, threshold: 14.4 },
  { longMs: 21_600_000, shortMs: 1_800_000, threshold: 6 },
];

/** Options of {@link UsageLedger.sla}. */
export interface SlaQuery {
  readonly by: 'target' | 'alias';
  /** The SLA window, ending now. */
  readonly windowMs: number;
  readonly objective: {
    /** Target availability in (0, 1), e.g. 0.999. */
    readonly availability: number;
    /** Target p95 latency of successful calls in ms. */
    readonly p95Ms?: number;
  };
  /** @default DEFAULT_BURN_WINDOWS */
  readonly burnWindows?: readonly BurnWindow[];
}

/** The burn rate of one {@link BurnWindow} pair. */
export interface BurnRate extends BurnWindow {
  /** Error ratio over the long window ÷ allowed error ratio (`1 - availability`). */
  readonly longRate: number;
  readonly shortRate: number;
  /** Both rates at or above the threshold. */
  readonly alerting: boolean;
}

/** One row of {@link UsageLedger.sla}. */
export interface SlaRow {
  readonly key: string;
  readonly calls: number;
  readonly successes: number;
  /** Successful ÷ all calls in the window (1 when there were none). */
  readonly availability: number;
  readonly availabilityMet: boolean;
  readonly p95Ms: number | undefined;
  /** `true` when no latency objective was given or there were no successful calls. */
  readonly latencyMet: boolean;
  /** Share of the window's error budget left (negative when overspent). */
  readonly errorBudgetRemaining: number;
  readonly burnRates: readonly BurnRate[];
  /** Any burn-rate pair alerting. */
  readonly alerting: boolean;
}

/** Memory figures of a ledger. */
export interface UsageLedgerStats {
  readonly buckets: number;
  readonly cells: number;
  /** Occupied latency buckets over every cell. */
  readonly sketchBuckets: number;
  /** Distinct kept values per dimension. */
  readonly keys: Readonly<Partial<Record<UsageDimension, number>>>;
  /** Calls started and not yet finished. */
  readonly pending: number;
}

interface Cell {
  readonly dims: readonly string[];
  calls: number;
  successes: number;
  errors: Map<string, number> | undefined;
  unbilled: number;
  input: number;
  output: number;
  cached: number;
  reasoning: number;
  total: number;
  cost: number;
  priced: number;
  estimated: number;
  readonly latency: LatencySketch;
}

interface Bucket {
  readonly start: number;
  readonly size: number;
  /** Cells by their single-valued dimensions. */
  readonly cells: Map<string, Cell>;
  /** Cells by tag (a call counts once under each of its tags). */
  readonly tags: Map<string, Cell>;
}

interface Tier {
  readonly size: number;
  readonly keep: number;
  readonly buckets: Map<number, Bucket>;
}

/** What the middleware learns of a call that the events do not carry. */
interface CallNotes {
  user?: string;
  key?: string;
  estimate?: { input: number; output: number };
}

interface Pending {
  readonly alias: string;
  notes?: CallNotes;
}

interface Outcome {
  ok: boolean;
  errorKind: string | undefined;
  latencyMs: number;
  unbilled: boolean;
  input: number;
  output: number;
  cached: number;
  reasoning: number;
  total: number;
  cost: number | undefined;
  estimated: boolean;
}

/** The admitted values of a call's dimensions and the id of their cell, memoized by raw values. */
interface CellKey {
  readonly dims: readonly string[];
  readonly id: string;
  /** The cell of `id` in `bucket`, the last bucket it was looked up in. */
  bucket: Bucket | undefined;
  cell: Cell | undefined;
}

/** A level of the memo of {@link CellKey}s: by target, model, alias, provider, user, then key. */
type CellKeyNode = Map<string, CellKeyNode | CellKey>;

/** Entries of the memo beyond which it starts over (it only saves work; values stay exact). */
const MAX_CELL_KEYS = 10_000;

/** Filled by each call's listener and read by `#record` at once: no object per call. */
const scratch: Outcome = {
  ok: true,
  errorKind: undefined,
  latencyMs: 0,
  unbilled: false,
  input: 0,
  output: 0,
  cached: 0,
  reasoning: 0,
  total: 0,
  cost: undefined,
  estimated: false,
};

const MAX_PENDING = 100_000;
const MAX_CELLS_PER_BUCKET = 10_000;

/**
 * Usage, cost, errors and latency of a router's calls, by target, model, alias, provider, tag,
 * and (opt-in) `request.metadata.user` / `.key`, in time buckets, with bounded memory:
 *
 * - fine buckets (`bucketMs`) roll up into hour buckets after `retention.minute`, hour buckets
 *   into day buckets after `retention.hour`, and day buckets expire after `retention.day`;
 * - each dimension keeps at most `maxKeys` distinct values; later ones count under `'other'`;
 * - latency is a mergeable log-bucketed histogram ({@link LatencySketch}, 1% relative error).
 *
 * Billing: a call is billed from its final usage (for a stream, the usage of its `finish`).
 * When the provider reported none (`usage.unknown`), input tokens are estimated from the prompt
 * (`estimateInputTokens`) and output tokens from the answer (characters ÷ 4), and the call is
 * counted in `estimatedCalls`. Cost is added only where the target has a price. A call answered
 * without any attempt (a middleware cache hit) is counted but not billed.
 *
 * The ledger never throws into a call: its own failures go to `onError`.
 *
 * @example
 * ```ts
 * const ledger = new UsageLedger({ dimensions: ['target', 'model', 'alias', 'tag', 'user'] });
 * const detach = ledger.attach(router);
 * // …
 * console.table(ledger.query({ by: ['model'], since: Date.now() - 3_600_000 }));
 * ```
 *
 * @throws {SwitchyardError} `config` at construction when an option is invalid (the message names it).
 */
export class UsageLedger {
  readonly #clock: Clock;
  readonly #bucketMs: number;
  readonly #tiers: readonly Tier[];
  readonly #dims: ReadonlySet<UsageDimension>;
  readonly #maxKeys: number;
  readonly #onError: (error: unknown) => void;
  readonly #keys = new Map<UsageDimension, Set<string>>();
  readonly #pending = new Map<string, Pending>();
  /**
   * The latest started call, kept out of `#pending` while it is the only one in flight (calls
   * made one after another then touch no map); `#pending` holds the others.
   */
  #currentId: string | undefined;
  #current: Pending | undefined;
  /** Admitted dimension values and cell id by raw values (a memo of `#admit`, see `#cellKey`). */
  #cellKeys: CellKeyNode = new Map();
  readonly #tagKeys = new Map<string, CellKey>();
  #cellKeyCount = 0;
  /** Notes of calls whose `request:start` has not been seen (only between wrapCall and events). */
  readonly #middlewares = new WeakMap<Router, { active: boolean }>();
  #nextMaintenance = Number.NEGATIVE_INFINITY;

  constructor(options: UsageLedgerOptions = {}) {
    const settings = readOptions(options);
    this.#clock = settings.clock;
    this.#bucketMs = settings.bucketMs;
    this.#tiers = [
      { size: settings.bucketMs, keep: settings.keep.minute, buckets: new Map() },
      { size: HOUR, keep: settings.keep.hour, buckets: new Map() },
      { size: DAY, keep: settings.keep.day, buckets: new Map() },
    ];
    this.#dims = settings.dims;
    this.#maxKeys = settings.maxKeys;
    this.#onError = settings.onError;
  }

  /**
   * Starts recording `router`'s calls: listens to `request:start`, `request:success` and
   * `request:failure`, and adds (once per router) a pass-through middleware that notes what
   * events do not carry: `request.metadata.user` / `.key` (only when those dimensions are on)
   * and, for answers without usage, the estimate of their tokens. Returns a function that
   * removes the listeners; the middleware then passes calls through untouched.
   */
  attach(router: Router): () => void {
    const targets = new Map<string, { model: string; provider: string; price: Price | undefined }>();
    for (const t of router.targets)
      targets.set(t.id, { model: t.model, provider: t.provider, price: t.price });
    let switchboard = this.#middlewares.get(router);
    if (switchboard === undefined) {
      switchboard = { active: true };
      this.#middlewares.set(router, switchboard);
      router.use(this.#middleware(switchboard));
    }
    const board = switchboard;
    board.active = true;
    const onStart = (e: RequestStartEvent) => {
      try {
        this.#onStart(e);
      } catch (error) {
        this.#report(error);
      }
    };
    const onSuccess = (e: RequestSuccessEvent) => {
      try {
        this.#onSuccess(e, targets);
      } catch (error) {
        this.#report(error);
      }
    };
    const onFailure = (e: RequestFailureEvent) => {
      try {
        this.#onFailure(e, targets);
      } catch (error) {
        this.#report(error);
      }
    };
    router.on('request:start', onStart);
    router.on('request:success', onSuccess);
    router.on('request:failure', onFailure);
    let attached = true;
    return () => {
      if (!attached) return;
      attached = false;
      board.active = false;
      router.off('request:start', onStart);
      router.off('request:success', onSuccess);
      router.off('request:failure', onFailure);
    };
  }

  /**
   * Rows of counts, tokens, cost and latency quantiles of the buckets starting in
   * `[since, until)`, grouped by `by` (one total row when `by` is empty), largest cost first.
   * Buckets are whole: a range is rounded out to the buckets it touches at their resolution.
   */
  query(query: UsageQuery = {}): UsageRow[] {
    this.#maintain(this.#clock.now());
    const by = query.by ?? [];
    for (const d of by) {
      if (!USAGE_DIMENSIONS.includes(d)) throw configError(`query.by: unknown dimension '${String(d)}'`);
      if (!this.#dims.has(d))
        throw configError(`query.by: dimension '${d}' is not recorded (see dimensions)`);
    }
    const byTag = by.includes('tag');
    if (byTag && by.length > 1) throw configError('query.by: tag can only be used alone');
    const where = query.where ?? {};
    if (byTag && Object.keys(where).length > 0) throw configError('query.where: not supported with by tag');
    const since = query.since ?? Number.NEGATIVE_INFINITY;
    const until = query.until ?? Number.POSITIVE_INFINITY;
    const groups = new Map<string, { key: Record<string, string>; cell: Cell }>();
    for (const tier of this.#tiers) {
      for (const bucket of tier.buckets.values()) {
        if (bucket.start < since || bucket.start >= until) continue;
        if (byTag) {
          for (const [tag, cell] of bucket.tags) this.#group(groups, tag, { tag }, cell);
          continue;
        }
        for (const cell of bucket.cells.values()) {
          if (!this.#matches(cell, where)) continue;
          const key: Record<string, string> = {};
          for (const d of by) key[d] = cell.dims[SINGLE.indexOf(d)]!;
          this.#group(groups, by.map((d) => key[d]).join(SEP), key, cell);
        }
      }
    }
    return [...groups.values()]
      .map(({ key, cell }) => rowOf(key, cell))
      .sort((a, b) => b.costUsd - a.costUsd);
  }

  /**
   * Service-level view per target or alias over the last `windowMs`: availability (successful ÷
   * all calls), p95 latency of successful calls against the objective, the error budget left,
   * and multi-window burn rates (error ratio ÷ `1 - availability`), alerting when both windows
   * of a pair burn at or above its threshold. A target is the one that answered, or for a failed
   * call the last one tried.
   */
  sla(query: SlaQuery): SlaRow[] {
    if (query.by !== 'target' && query.by !== 'alias')
      throw configError("sla.by: expected 'target' or 'alias'");
    positive(query.windowMs, 'sla.windowMs');
    const objective = query.objective?.availability;
    if (typeof objective !== 'number' || !(objective > 0 && objective < 1)) {
      throw configError('sla.objective.availability: expected a number in (0, 1)');
    }
    positive(query.objective.p95Ms, 'sla.objective.p95Ms');
    const windows = query.burnWindows ?? DEFAULT_BURN_WINDOWS;
    const now = this.#clock.now();
    const since = (ms: number) => now - ms + 1;
    const budget = 1 - objective;
    const rowsIn = (ms: number) =>
      new Map(this.query({ by: [query.by], since: since(ms) }).map((r) => [r.key[query.by]!, r]));
    const main = rowsIn(query.windowMs);
    const byWindow = new Map<number, Map<string, UsageRow>>();
    const windowRows = (ms: number) => {
      let rows = byWindow.get(ms);
      if (rows === undefined) {
        rows = rowsIn(ms);
        byWindow.set(ms, rows);
      }
      return rows;
    };
    const errorRatio = (row: UsageRow | undefined) => (row && row.calls > 0 ? row.failures / row.calls : 0);
    return [...main.entries()]
      .map(([key, row]) => {
        const burnRates = windows.map((w) => {
          const longRate = errorRatio(windowRows(w.longMs).get(key)) / budget;
          const shortRate = errorRatio(windowRows(w.shortMs).get(key)) / budget;
          return { ...w, longRate, shortRate, alerting: longRate >= w.threshold && shortRate >= w.threshold };
        });
        const p95 = row.p95Ms;
        return {
          key,
          calls: row.calls,
          successes: row.successes,
          availability: row.availability,
          availabilityMet: row.availability >= objective,
          p95Ms: p95,
          latencyMet:
            query.objective.p95Ms === undefined || p95 === undefined || p95 <= query.objective.p95Ms,
          errorBudgetRemaining: row.calls === 0 ? 1 : 1 - row.failures / row.calls / budget,
          burnRates,
          alerting: burnRates.some((b) => b.alerting),
        };
      })
      .sort((a, b) => a.key.localeCompare(b.key));
  }

  /** Memory figures: buckets, cells, latency buckets, distinct keys, pending calls. */
  stats(): UsageLedgerStats {
    let buckets = 0;
    let cells = 0;
    let sketchBuckets = 0;
    for (const tier of this.#tiers) {
      for (const bucket of tier.buckets.values()) {
        buckets++;
        for (const map of [bucket.cells, bucket.tags]) {
          for (const cell of map.values()) {
            cells++;
            sketchBuckets += cell.latency.buckets;
          }
        }
      }
    }
    const keys: Partial<Record<UsageDimension, number>> = {};
    for (const [d, set] of this.#keys) keys[d] = set.size;
    return {
      buckets,
      cells,
      sketchBuckets,
      keys,
      pending: this.#pending.size + (this.#currentId === undefined ? 0 : 1),
    };
  }

  /** Forgets everything recorded. */
  clear(): void {
    for (const tier of this.#tiers) tier.buckets.clear();
    this.#keys.clear();
    this.#pending.clear();
    this.#currentId = undefined;
    this.#current = undefined;
    this.#cellKeys.clear();
    this.#tagKeys.clear();
    this.#cellKeyCount = 0;
  }

  #report(error: unknown): void {
    try {
      this.#onError(error);
    } catch {
      // onError itself failed: nothing more to do without throwing into the call.
    }
  }

  #middleware(board: { active: boolean }): Middleware {
    const wantsMetadata = this.#dims.has('user') || this.#dims.has('key');
    const noteRequest = (ctx: CallContext): void => {
      if (!wantsMetadata) return;
      const metadata = ctx.request.metadata;
      const user = metadata?.user;
      const key = metadata?.key;
      this.#notes(ctx.requestId).user = typeof user === 'string' ? user : undefined;
      this.#notes(ctx.requestId).key = typeof key === 'string' ? key : undefined;
    };
    const noteResponse = (ctx: CallContext, response: CompletionResponse): void => {
      if (!response.usage.unknown) return;
      let output = response.text.length;
      for (const call of response.toolCalls) output += call.input.length + call.toolName.length;
      this.#notes(ctx.requestId).estimate = {
        input: estimateInputTokens(ctx.request),
        output: Math.ceil(output / 4),
      };
    };
    const guardRequest = (ctx: CallContext): void => {
      try {
        noteRequest(ctx);
      } catch (error) {
        this.#report(error);
      }
    };
    const guardResponse = (ctx: CallContext, response: CompletionResponse): void => {
      try {
        noteResponse(ctx, response);
      } catch (error) {
        this.#report(error);
      }
    };
    return {
      name: 'usage-ledger',
      // Not async: a call whose dimensions need no metadata costs one `then` here.
      wrapCall(ctx: CallContext, next: NextCall): Promise<CompletionResponse> {
        if (!board.active) return next();
        if (wantsMetadata) guardRequest(ctx);
        return next().then((response) => {
          guardResponse(ctx, response);
          return response;
        });
      },
      async *wrapStream(ctx: CallContext, next: NextStream): AsyncIterable<StreamEvent> {
        if (!board.active) {
          yield* next();
          return;
        }
        if (wantsMetadata) guardRequest(ctx);
        for await (const event of next()) {
          if (event.type === 'finish') guardResponse(ctx, event.response);
          yield event;
        }
      },
    };
  }

  #notes(requestId: string): CallNotes {
    const pending = requestId === this.#currentId ? this.#current : this.#pending.get(requestId);
    if (pending === undefined) return {}; // not started through an attached router: dropped
    pending.notes ??= {};
    return pending.notes;
  }

  #onStart(e: RequestStartEvent): void {
    if (this.#currentId !== undefined) {
      // Another call is in flight: it moves to the map.
      if (this.#pending.size + 1 >= MAX_PENDING) {
        // A call whose end never came (should not happen): drop the oldest.
        const oldest = this.#pending.keys().next().value;
        if (oldest !== undefined) this.#pending.delete(oldest);
      }
      this.#pending.set(this.#currentId, this.#current as Pending);
    }
    this.#currentId = e.requestId;
    this.#current = { alias: e.model ?? NONE };
  }

  #onSuccess(
    e: RequestSuccessEvent,
    targets: ReadonlyMap<string, { model: string; provider: string; price: Price | undefined }>,
  ): void {
    const pending = this.#take(e.requestId);
    const target = targets.get(e.target);
    const unbilled = e.attempts.length === 0;
    let usage = e.usage;
    let estimated = false;
    if (usage.unknown && !unbilled) {
      const guess = pending?.notes?.estimate ?? { input: 0, output: Math.ceil((e.text?.length ?? 0) / 4) };
      usage = {
        inputTokens: guess.input,
        outputTokens: guess.output,
        totalTokens: guess.input + guess.output,
      };
      estimated = true;
    }
    const price = target?.price;
    const cost = unbilled
      ? undefined
      : estimated
        ? price === undefined
          ? undefined
          : costOf(usage, price)
        : (e.costUsd ?? (price === undefined ? undefined : costOf(usage, price)));
    const o = scratch;
    o.ok = true;
    o.errorKind = undefined;
    o.latencyMs = e.latencyMs;
    o.unbilled = unbilled;
    o.input = unbilled ? 0 : usage.inputTokens;
    o.output = unbilled ? 0 : usage.outputTokens;
    o.cached = unbilled ? 0 : (usage.cachedInputTokens ?? 0);
    o.reasoning = unbilled ? 0 : (usage.reasoningTokens ?? 0);
    o.total = unbilled ? 0 : usage.totalTokens;
    o.cost = cost;
    o.estimated = estimated;
    this.#record(
      e.target,
      e.model,
      pending?.alias ?? NONE,
      target?.provider ?? NONE,
      pending?.notes,
      e.tags,
      o,
    );
  }

  #onFailure(
    e: RequestFailureEvent,
    targets: ReadonlyMap<string, { model: string; provider: string; price: Price | undefined }>,
  ): void {
    const pending = this.#take(e.requestId);
    const last = e.attempts.at(-1)?.target;
    const target = last === undefined ? undefined : targets.get(last);
    const o = scratch;
    o.ok = false;
    o.errorKind = e.error.kind;
    o.latencyMs = e.latencyMs;
    o.unbilled = false;
    o.input = 0;
    o.output = 0;
    o.cached = 0;
    o.reasoning = 0;
    o.total = 0;
    o.cost = undefined;
    o.estimated = false;
    this.#record(
      last ?? NONE,
      target?.model ?? NONE,
      pending?.alias ?? NONE,
      target?.provider ?? NONE,
      pending?.notes,
      e.tags,
      o,
    );
  }

  #take(requestId: string): Pending | undefined {
    if (requestId === this.#currentId) {
      const pending = this.#current;
      this.#currentId = undefined;
      this.#current = undefined;
      return pending;
    }
    if (this.#pending.size === 0) return undefined;
    const pending = this.#pending.get(requestId);
    this.#pending.delete(requestId);
    return pending;
  }

  #record(
    target: string,
    model: string,
    alias: string,
    provider: string,
    notes: CallNotes | undefined,
    tags: readonly string[] | undefined,
    outcome: Outcome,
  ): void {
    const now = this.#clock.now();
    this.#maintain(now);
    const tier = this.#tiers[0]!;
    const start = Math.floor(now / tier.size) * tier.size;
    const bucket = bucketIn(tier, start);
    const key = this.#cellKey(target, model, alias, provider, notes?.user ?? NONE, notes?.key ?? NONE);
    addTo(cellOf(key, bucket, bucket.cells), outcome);
    if (this.#dims.has('tag') && tags !== undefined) {
      if (tags.length === 1 && typeof tags[0] === 'string') {
        addTo(cellOf(this.#tagKey(tags[0]), bucket, bucket.tags), outcome);
      } else {
        for (const tag of new Set(tags)) addTo(cellOf(this.#tagKey(tag), bucket, bucket.tags), outcome);
      }
    }
  }

  /**
   * The admitted values of these raw dimension values and their cell id. `#admit` is stable (a
   * value once kept stays kept, one refused stays refused, until `clear()`), so its results are
   * memoized: a call seen before builds no array nor string.
   */
  #cellKey(
    target: string,
    model: string,
    alias: string,
    provider: string,
    user: string,
    key: string,
  ): CellKey {
    const root = this.#cellKeys;
    const leaf = this.#level(
      this.#level(this.#level(this.#level(this.#level(root, target), model), alias), provider),
      user,
    );
    let found = leaf.get(key) as CellKey | undefined;
    if (found === undefined) {
      const raw = [target, model, alias, provider, user, key];
      const dims = SINGLE.map((d, i) => (this.#dims.has(d) ? this.#admit(d, raw[i]!) : NONE));
      found = { dims, id: dims.join(SEP), bucket: undefined, cell: undefined };
      if (this.#cellKeyCount >= MAX_CELL_KEYS) this.#forgetKeys();
      else leaf.set(key, found);
      this.#cellKeyCount++;
    }
    return found;
  }

  #level(node: CellKeyNode, value: string): CellKeyNode {
    let next = node.get(value) as CellKeyNode | undefined;
    if (next === undefined) {
      next = new Map();
      node.set(value, next);
    }
    return next;
  }

  /** The admitted value of `tag` and its cell id, memoized like {@link UsageLedger.#cellKey}. */
  #tagKey(tag: string): CellKey {
    let found = this.#tagKeys.get(tag);
    if (found === undefined) {
      const dims = [this.#admit('tag', tag)];
      found = { dims, id: dims.join(SEP), bucket: undefined, cell: undefined };
      if (this.#cellKeyCount >= MAX_CELL_KEYS) this.#forgetKeys();
      else this.#tagKeys.set(tag, found);
      this.#cellKeyCount++;
    }
    return found;
  }

  /** Empties the memo of cell keys (it grew past {@link MAX_CELL_KEYS}). */
  #forgetKeys(): void {
    this.#cellKeys = new Map();
    this.#tagKeys.clear();
    this.#cellKeyCount = 0;
  }

  /** The value to record for `value` in dimension `d`: itself while there is room, else `other`. */
  #admit(d: UsageDimension, value: string): string {
    let kept = this.#keys.get(d);
    if (kept === undefined) {
      kept = new Set();
      this.#keys.set(d, kept);
    }
    if (kept.has(value)) return value;
    if (kept.size >= this.#maxKeys) return OVERFLOW_KEY;
    kept.add(value);
    return value;
  }

  #matches(cell: Cell, where: Partial<Readonly<Record<UsageDimension, string>>>): boolean {
    for (const [d, value] of Object.entries(where)) {
      const i = SINGLE.indexOf(d as UsageDimension);
      if (i < 0) throw configError(`query.where: unknown or multi-valued dimension '${d}'`);
      if (cell.dims[i] !== value) return false;
    }
    return true;
  }

  #group(
    groups: Map<string, { key: Record<string, string>; cell: Cell }>,
    id: string,
    key: Record<string, string>,
    cell: Cell,
  ): void {
    let group = groups.get(id);
    if (group === undefined) {
      group = { key, cell: newCell([]) };
      groups.set(id, group);
    }
    mergeInto(group.cell, cell);
  }

  /** Rolls buckets past their retention into the next resolution, or drops them. At most once per fine bucket. */
  #maintain(now: number): void {
    if (now < this.#nextMaintenance) return;
    this.#nextMaintenance = (Math.floor(now / this.#bucketMs) + 1) * this.#bucketMs;
    for (let i = 0; i < this.#tiers.length; i++) {
      const tier = this.#tiers[i]!;
      const coarser = this.#tiers[i + 1];
      for (const [start, bucket] of tier.buckets) {
        if (start + tier.size > now - tier.keep) continue;
        tier.buckets.delete(start);
        if (coarser === undefined) continue;
        const into = bucketIn(coarser, Math.floor(start / coarser.size) * coarser.size);
        for (const [id, cell] of bucket.cells) mergeInto(cellIn(into.cells, cell.dims, id), cell);
        for (const [id, cell] of bucket.tags) mergeInto(cellIn(into.tags, cell.dims, id), cell);
      }
    }
  }
}

function bucketIn(tier: Tier, start: number): Bucket {
  let bucket = tier.buckets.get(start);
  if (bucket === undefined) {
    bucket = { start, size: tier.size, cells: new Map(), tags: new Map() };
    tier.buckets.set(start, bucket);
  }
  return bucket;
}

/** The cell of `key` in `bucket` (its `cells` or `tags`), remembered for the next call in the same bucket. */
function cellOf(key: CellKey, bucket: Bucket, cells: Map<string, Cell>): Cell {
  if (key.bucket === bucket && key.cell !== undefined) return key.cell;
  const cell = cellIn(cells, key.dims, key.id);
  key.bucket = bucket;
  key.cell = cell;
  return cell;
}

function cellIn(
  cells: Map<string, Cell>,
  dims: readonly string[],
  id = dims.join(SEP),
  overflow = false,
): Cell {
  let cell = cells.get(id);
  if (cell === undefined) {
    if (!overflow && cells.size >= MAX_CELLS_PER_BUCKET) {
      const overflow = dims.map(() => OVERFLOW_KEY);
      const overflowId = overflow.join(SEP);
      if (id !== overflowId) return cellIn(cells, overflow, overflowId, true);
    }
    cell = newCell(dims);
    cells.set(id, cell);
  }
  return cell;
}

function newCell(dims: readonly string[]): Cell {
  return {
    dims,
    calls: 0,
    successes: 0,
    errors: undefined,
    unbilled: 0,
    input: 0,
    output: 0,
    cached: 0,
    reasoning: 0,
    total: 0,
    cost: 0,
    priced: 0,
    estimated: 0,
    latency: new LatencySketch(),
  };
}

function addTo(cell: Cell, o: Outcome): void {
  cell.calls++;
  if (o.ok) {
    cell.successes++;
    cell.latency.add(o.latencyMs);
  } else {
    cell.errors ??= new Map();
    const kind = o.errorKind ?? 'unknown';
    cell.errors.set(kind, (cell.errors.get(kind) ?? 0) + 1);
  }
  if (o.unbilled) cell.unbilled++;
  cell.input += o.input;
  cell.output += o.output;
  cell.cached += o.cached;
  cell.reasoning += o.reasoning;
  cell.total += o.total;
  if (o.cost !== undefined) {
    cell.cost += o.cost;
    cell.priced++;
  }
  if (o.estimated) cell.estimated++;
}

function mergeInto(into: Cell, from: Cell): void {
  into.calls += from.calls;
  into.successes += from.successes;
  if (from.errors !== undefined) {
    into.errors ??= new Map();
    for (const [kind, n] of from.errors) into.errors.set(kind, (into.errors.get(kind) ?? 0) + n);
  }
  into.unbilled += from.unbilled;
  into.input += from.input;
  into.output += from.output;
  into.cached += from.cached;
  into.reasoning += from.reasoning;
  into.total += from.total;
  into.cost += from.cost;
  into.priced += from.priced;
  into.estimated += from.estimated;
  into.latency.merge(from.latency);
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
