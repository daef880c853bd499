import type { AttemptOutcome } from '../../src/index.js';

/** Forgetting per success of the load regression: it rests on about the last 200 successes. */
const FORGETTING = 0.995;
/** Successes a target needs before its load limit is trusted. */
const MIN_SAMPLES = 10;
/** Least variance of the in-flight counts seen: without spread in load, its effect is unknown. */
const MIN_LOAD_VARIANCE = 1;

/**
 * How a target slows down with load: a running weighted least-squares fit of its latency per
 * unit of work on the attempts in flight when each attempt started (`inFlightAtStart`),
 * `perUnit = a + b × inFlight`, over about its last 200 successes. A unit of work is
 * `50 + output tokens + input tokens ÷ 100` (a first token, decode, and prefill about a hundred
 * times faster than decode), which takes most of the request size out of the latency.
 * {@link limit} is the load at which the fit says the target is `maxSlowdown` times slower than
 * when idle: `(maxSlowdown − 1) × a / b`. Load is known at once (unlike latencies, which arrive
 * only when the slow calls end), so a strategy that stops adding calls at the limit never builds
 * the queue that latency feedback would find too late. O(1) per call, O(targets) memory.
 * Internal to `strategies/` (the `cost` strategy uses it).
 */
export class LoadLimit {
  readonly #maxSlowdown: number;
  /** Discounted sums per target: weight, Σx, Σy, Σx², Σxy (x in flight, y latency per unit). */
  readonly #w: Float64Array;
  readonly #x: Float64Array;
  readonly #y: Float64Array;
  readonly #xx: Float64Array;
  readonly #xy: Float64Array;
  readonly #samples: Float64Array;

  /** `maxSlowdown` (> 1; Infinity: no limit): how much slower than idle a target may get. */
  constructor(targetCount: number, maxSlowdown: number) {
    this.#maxSlowdown = maxSlowdown;
    this.#w = new Float64Array(targetCount);
    this.#x = new Float64Array(targetCount);
    this.#y = new Float64Array(targetCount);
    this.#xx = new Float64Array(targetCount);
    this.#xy = new Float64Array(targetCount);
    this.#samples = new Float64Array(targetCount);
  }

  /** Learns a successful attempt (failures, answers without usage or without a load are ignored). */
  observe(outcome: AttemptOutcome): void {
    const usage = outcome.usage;
    const load = outcome.inFlightAtStart;
    if (!outcome.ok || usage === undefined || load === undefined || !(outcome.latencyMs > 0)) return;
    if (this.#maxSlowdown === Number.POSITIVE_INFINITY) return;
    const t = outcome.target.index;
    const y =
      outcome.latencyMs / (50 + Math.max(0, usage.outputTokens) + Math.max(0, usage.inputTokens) / 100);
    const x = Math.max(0, load);
    this.#w[t] = this.#w[t]! * FORGETTING + 1;
    this.#x[t] = this.#x[t]! * FORGETTING + x;
    this.#y[t] = this.#y[t]! * FORGETTING + y;
    this.#xx[t] = this.#xx[t]! * FORGETTING + x * x;
    this.#xy[t] = this.#xy[t]! * FORGETTING + x * y;
    this.#samples[t]! += 1;
  }

  /** In-flight attempts at which target `index` is `maxSlowdown` times slower than idle (Infinity: unknown or none). */
  limit(index: number): number {
    if (this.#samples[index]! < MIN_SAMPLES) return Number.POSITIVE_INFINITY;
    const w = this.#w[index]!;
    const mx = this.#x[index]! / w;
    const my = this.#y[index]! / w;
    const vx = this.#xx[index]! / w - mx * mx;
    if (!(vx >= MIN_LOAD_VARIANCE)) return Number.POSITIVE_INFINITY;
    const b = (this.#xy[index]! / w - mx * my) / vx;
    const a = my - b * mx;
    if (!(b > 0) || !(a > 0)) return Number.POSITIVE_INFINITY;
    return ((this.#maxSlowdown - 1) * a) / b;
  }
}
