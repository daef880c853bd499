import type {
  Clock,
  Price,
  RequestFailureEvent,
  RequestStartEvent,
  RequestSuccessEvent,
  Router,
} from '../../src/index.js';
import { failureOutcome, successOutcome } from './billing.js';
import { BucketTiers } from './buckets.js';
import { addTo, type Outcome } from './cells.js';
import { NONE, type UsageDimension } from './dimensions.js';
import { cellOf, KeyCaps } from './keys.js';
import { readOptions, type UsageLedgerOptions } from './options.js';
import { queryTiers, type UsageQuery, type UsageRow } from './query.js';
import { type SlaQuery, type SlaRow, slaRows } from './sla.js';

export { OVERFLOW_KEY, USAGE_DIMENSIONS, type UsageDimension } from './dimensions.js';
export type { UsageLedgerOptions, UsageRetention } from './options.js';
export type { UsageQuery, UsageRow } from './query.js';
export { type BurnRate, type BurnWindow, DEFAULT_BURN_WINDOWS, type SlaQuery, type SlaRow } from './sla.js';

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

/** What the ledger keeps of a call between its start and its end. */
interface Pending {
  readonly alias: string;
  /** `request.metadata.user` / `.key`, when those dimensions are on. */
  readonly user: string;
  readonly key: string;
}

const MAX_PENDING = 100_000;

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
  readonly #dims: ReadonlySet<UsageDimension>;
  readonly #onError: (error: unknown) => void;
  readonly #byUser: boolean;
  readonly #byKey: boolean;
  readonly #buckets: BucketTiers;
  readonly #keys: KeyCaps;
  readonly #byTag: boolean;
  readonly #pending = new Map<string, Pending>();
  /**
   * The latest started call, kept out of `#pending` (and in fields, not an object) while it is
   * the only one in flight: calls made one after another then touch no map and allocate
   * nothing; `#pending` holds the others.
   */
  #currentId: string | undefined;
  #currentAlias: string = NONE;
  #currentUser: string = NONE;
  #currentKey: string = NONE;

  constructor(options: UsageLedgerOptions = {}) {
    const settings = readOptions(options);
    this.#clock = settings.clock;
    this.#buckets = new BucketTiers(settings);
    this.#dims = settings.dims;
    this.#keys = new KeyCaps(settings.dims, settings.maxKeys);
    this.#onError = settings.onError;
    this.#byUser = settings.dims.has('user');
    this.#byKey = settings.dims.has('key');
    this.#byTag = settings.dims.has('tag');
  }

  /**
   * Starts recording `router`'s calls: listens to `request:start`, `request:success` and
   * `request:failure` (no middleware). Returns a function that removes the listeners.
   */
  attach(router: Router): () => void {
    const targets = new Map<string, { model: string; provider: string; price: Price | undefined }>();
    for (const t of router.targets)
      targets.set(t.id, { model: t.model, provider: t.provider, price: t.price });
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
    this.#buckets.maintain(this.#clock.now());
    return queryTiers(this.#buckets.tiers, this.#dims, query);
  }

  /**
   * Service-level view per target or alias over the last `windowMs`: availability (successful ÷
   * all calls), p95 latency of successful calls against the objective, the error budget left,
   * and multi-window burn rates (error ratio ÷ `1 - availability`), alerting when both windows
   * of a pair burn at or above its threshold. A target is the one that answered, or for a failed
   * call the last one tried.
   */
  sla(query: SlaQuery): SlaRow[] {
    return slaRows(query, this.#clock, (q) => this.query(q));
  }

  /** Memory figures: buckets, cells, latency buckets, distinct keys, pending calls. */
  stats(): UsageLedgerStats {
    const { buckets, cells, sketchBuckets } = this.#buckets.stats();
    return {
      buckets,
      cells,
      sketchBuckets,
      keys: this.#keys.counts(),
      pending: this.#pending.size + (this.#currentId === undefined ? 0 : 1),
    };
  }

  /** Forgets everything recorded. */
  clear(): void {
    this.#buckets.clear();
    this.#keys.clear();
    this.#pending.clear();
    this.#currentId = undefined;
  }

  #report(error: unknown): void {
    try {
      this.#onError(error);
    } catch {
      // onError itself failed: nothing more to do without throwing into the call.
    }
  }

  #onStart(e: RequestStartEvent): void {
    if (this.#currentId !== undefined) {
      // Another call is in flight: it moves to the map.
      if (this.#pending.size + 1 >= MAX_PENDING) {
        // A call whose end never came (should not happen): drop the oldest.
        const oldest = this.#pending.keys().next().value;
        if (oldest !== undefined) this.#pending.delete(oldest);
      }
      this.#pending.set(this.#currentId, {
        alias: this.#currentAlias,
        user: this.#currentUser,
        key: this.#currentKey,
      });
    }
    this.#currentId = e.requestId;
    this.#currentAlias = e.model ?? NONE;
    this.#currentUser = this.#byUser ? metadataString(e.metadata, 'user') : NONE;
    this.#currentKey = this.#byKey ? metadataString(e.metadata, 'key') : NONE;
  }

  #onSuccess(
    e: RequestSuccessEvent,
    targets: ReadonlyMap<string, { model: string; provider: string; price: Price | undefined }>,
  ): void {
    const pending = this.#take(e.requestId);
    const target = targets.get(e.target);
    const o = successOutcome(e, target?.price);
    this.#record(e.target, e.model, target?.provider ?? NONE, pending, e.tags, o);
  }

  #onFailure(
    e: RequestFailureEvent,
    targets: ReadonlyMap<string, { model: string; provider: string; price: Price | undefined }>,
  ): void {
    const pending = this.#take(e.requestId);
    const last = e.attempts.at(-1)?.target;
    const target = last === undefined ? undefined : targets.get(last);
    const o = failureOutcome(e);
    this.#record(last ?? NONE, target?.model ?? NONE, target?.provider ?? NONE, pending, e.tags, o);
  }

  /**
   * Ends the pending call `requestId`: `true` when it was the latest one, whose values are then
   * in `#currentAlias`/`#currentUser`/`#currentKey`; else its entry of `#pending`, if any.
   */
  #take(requestId: string): Pending | true | undefined {
    if (requestId === this.#currentId) {
      this.#currentId = undefined;
      return true;
    }
    if (this.#pending.size === 0) return undefined;
    const pending = this.#pending.get(requestId);
    this.#pending.delete(requestId);
    return pending;
  }

  #record(
    target: string,
    model: string,
    provider: string,
    pending: Pending | true | undefined,
    tags: readonly string[] | undefined,
    outcome: Outcome,
  ): void {
    const bucket = this.#buckets.bucketAt(this.#clock.now());
    const key =
      pending === true
        ? this.#keys.cellKey(target, model, this.#currentAlias, provider, this.#currentUser, this.#currentKey)
        : this.#keys.cellKey(
            target,
            model,
            pending?.alias ?? NONE,
            provider,
            pending?.user ?? NONE,
            pending?.key ?? NONE,
          );
    addTo(cellOf(key, bucket, bucket.cells), outcome);
    if (this.#byTag && tags !== undefined) {
      if (tags.length === 1 && typeof tags[0] === 'string') {
        addTo(cellOf(this.#keys.tagKey(tags[0]), bucket, bucket.tags), outcome);
      } else {
        for (const tag of new Set(tags)) addTo(cellOf(this.#keys.tagKey(tag), bucket, bucket.tags), outcome);
      }
    }
  }
}

/** `metadata[field]` when it is a string, else the placeholder for a missing value. */
function metadataString(metadata: Readonly<Record<string, unknown>> | undefined, field: string): string {
  const value = metadata?.[field];
  return typeof value === 'string' ? value : NONE;
}
