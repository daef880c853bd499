/** Per-second buckets of one target's outcomes, kept for a fixed number of seconds. */

/** Latency samples kept per bucket (beyond it, later samples overwrite earlier ones in turn). */
const MAX_SAMPLES = 256;

/** Outcomes counted in one second. */
export interface Bucket {
  /** Start of the second (clock time, ms, a multiple of 1000). */
  start: number;
  calls: number;
  errors: number;
  readonly errorsByKind: Map<string, number>;
  tokens: number;
  costUsd: number;
  readonly latencies: number[];
  latencyCount: number;
  readonly ttfts: number[];
  ttftCount: number;
}

function emptyBucket(start: number): Bucket {
  return {
    start,
    calls: 0,
    errors: 0,
    errorsByKind: new Map(),
    tokens: 0,
    costUsd: 0,
    latencies: [],
    latencyCount: 0,
    ttfts: [],
    ttftCount: 0,
  };
}

function addSample(samples: number[], count: number, value: number): void {
  if (samples.length < MAX_SAMPLES) samples.push(value);
  else samples[count % MAX_SAMPLES] = value;
}

/** A ring of per-second buckets covering the last `seconds` seconds. */
export class TargetWindow {
  readonly #ring: Bucket[];

  constructor(readonly seconds: number) {
    this.#ring = Array.from({ length: seconds }, () => emptyBucket(-1));
  }

  #slot(start: number): number {
    const n = Math.floor(start / 1000) % this.seconds;
    return n < 0 ? n + this.seconds : n;
  }

  /** The bucket of clock time `now`, reset if it held an older second. */
  at(now: number): Bucket {
    const start = Math.floor(now / 1000) * 1000;
    const i = this.#slot(start);
    let b = this.#ring[i]!;
    if (b.start !== start) {
      b = emptyBucket(start);
      this.#ring[i] = b;
    }
    return b;
  }

  success(
    now: number,
    durationMs: number,
    tokens: number,
    costUsd: number | undefined,
    ttftMs?: number,
  ): void {
    const b = this.at(now);
    b.calls++;
    b.tokens += tokens;
    if (costUsd !== undefined && Number.isFinite(costUsd)) b.costUsd += costUsd;
    addSample(b.latencies, b.latencyCount++, durationMs);
    if (ttftMs !== undefined) addSample(b.ttfts, b.ttftCount++, ttftMs);
  }

  failure(now: number, kind: string): void {
    const b = this.at(now);
    b.calls++;
    b.errors++;
    b.errorsByKind.set(kind, (b.errorsByKind.get(kind) ?? 0) + 1);
  }

  /**
   * The buckets of the `count` whole seconds before the current one, oldest first (a second
   * with no outcome is an empty bucket).
   */
  last(now: number, count: number): Bucket[] {
    const current = Math.floor(now / 1000) * 1000;
    const out: Bucket[] = [];
    for (let k = Math.min(count, this.seconds - 1); k >= 1; k--) {
      const start = current - k * 1000;
      const b = this.#ring[this.#slot(start)]!;
      out.push(b.start === start ? b : emptyBucket(start));
    }
    return out;
  }
}

/** The `q` quantile (0..1) of `values` (nearest rank), or `null` when there are none. */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}
