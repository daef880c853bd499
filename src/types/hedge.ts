/**
 * Hedged requests (`RouterOptions.hedge`, a route's `hedge`, a request's `hedge`): when an
 * attempt has produced nothing after a delay — no answer for a completion, no first content for
 * a stream — the router sends the same call to the strategy's next-best target that is not
 * already running it, and keeps whichever produces content first; the other attempt is
 * cancelled. It trades some extra spend for a shorter tail, as gRPC's hedging policy does.
 *
 * Hedges count as attempts (`retry.maxAttempts`) and their estimated cost is counted in the
 * call's `costUsd` and budgets. A cancelled hedge never counts against its target's health.
 *
 * @example
 * ```ts
 * new Router({ targets, retry: { maxAttempts: 3 }, hedge: { delayMs: 'p95', maxHedges: 1 } });
 * await router.complete({ messages, hedge: { delayMs: 800 } }); // per call
 * await router.complete({ messages, hedge: false }); // off for this call
 * ```
 */
export interface HedgeOptions {
  /**
   * How long an attempt may go without an answer (completions) or first content (streams)
   * before a hedge is sent: a fixed number of ms, or `'p95'` for the 95th percentile that the
   * router has learned for the attempt's target (answer time of completions, time to first
   * content of streams), with {@link initialDelayMs} until it has {@link minSamples} samples.
   */
  readonly delayMs: number | 'p95';
  /**
   * Most extra attempts a call may send as hedges, in all. Each hedge is an attempt of
   * `retry.maxAttempts`, so `maxHedges` must stay below it. @default 1
   */
  readonly maxHedges?: number;
  /** The delay of `'p95'` mode while the target has fewer than {@link minSamples} samples. @default 1000 */
  readonly initialDelayMs?: number;
  /** Samples a target needs before its learned p95 is used (`'p95'` mode). @default 20 */
  readonly minSamples?: number;
}
