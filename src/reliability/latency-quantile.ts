/** Bucket growth: each bucket is 10% wider than the one before (quantiles within 10%). */
const GROWTH = 1.1;
const LOG_GROWTH = Math.log(GROWTH);
/** Buckets: [0, 1) ms, then [1.1^(i-1), 1.1^i) up to about an hour; longer samples go in the last. */
const BUCKETS = 162;
/** Once this many samples are held, every count is halved: older samples fade, memory stays fixed. */
const HALVE_AT = 512;

/**
 * A bounded, decaying latency quantile: a fixed-bucket log histogram (162 counts, 10% wide),
 * halved every {@link HALVE_AT} samples so that it follows a target that changes speed. What
 * `'p95'` hedge delays are read from. Process-local: not in the state store or snapshots.
 */
export class LatencyQuantile {
  readonly #counts = new Float64Array(BUCKETS);
  #total = 0;
  /** Samples recorded so far (not decayed): what `minSamples` is compared with. */
  samples = 0;

  /** Records one latency in ms. */
  record(ms: number): void {
    if (!(ms >= 0)) return;
    const i = ms < 1 ? 0 : Math.min(BUCKETS - 1, 1 + Math.floor(Math.log(ms) / LOG_GROWTH));
    this.#counts[i]! += 1;
    this.#total += 1;
    this.samples++;
    if (this.#total >= HALVE_AT) {
      for (let b = 0; b < BUCKETS; b++) this.#counts[b]! *= 0.5;
      this.#total *= 0.5;
    }
  }

  /**
   * The `q` quantile (0 < q ≤ 1) in ms: the upper edge of the bucket where it falls, so at most
   * 10% above the true value. `undefined` when nothing was recorded.
   */
  quantile(q: number): number | undefined {
    if (this.#total === 0) return undefined;
    const rank = q * this.#total;
    let seen = 0;
    for (let b = 0; b < BUCKETS; b++) {
      seen += this.#counts[b]!;
      if (seen >= rank) return b === 0 ? 1 : GROWTH ** b;
    }
    return GROWTH ** (BUCKETS - 1);
  }
}

/**
 * Learned latencies (a target's, or all targets' together): answer time of completions, time to
 * first content of streams. A target's also records into the router's pool, which stands in
 * for a target that has too few samples of its own.
 */
export class TargetLatency {
  readonly complete = new LatencyQuantile();
  readonly firstToken = new LatencyQuantile();
  /** All targets' latencies together (`undefined` for the pool itself). */
  readonly pool: TargetLatency | undefined;

  constructor(pool?: TargetLatency) {
    this.pool = pool;
  }

  /** The quantile that a hedge of a call of this kind waits on. */
  of(stream: boolean): LatencyQuantile {
    return stream ? this.firstToken : this.complete;
  }

  /** Records one latency of a call of this kind, here and in the pool. */
  record(stream: boolean, ms: number): void {
    this.of(stream).record(ms);
    this.pool?.of(stream).record(ms);
  }
}
