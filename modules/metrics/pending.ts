import type { Counter, Histogram } from 'prom-client';

/** Label values of one series, as prom-client takes them. Built once per series and reused. */
export type Labels = Record<string, string>;

/** Increments of one counter series not yet applied to prom-client. */
export interface CountSlot {
  readonly labels: Labels;
  n: number;
}

/** Observations of one histogram series not yet applied to prom-client: per-bucket (non-cumulative) counts. */
export interface HistogramSlot {
  readonly histogram: Histogram;
  readonly labels: Labels;
  /** Whether the series was observed once in prom-client (which creates it). */
  created: boolean;
  readonly buckets: Float64Array;
  sum: number;
  count: number;
}

/** The shape of a series inside a prom-client 15 `Histogram` (what `observe` and `zero` maintain). */
interface PromHistogramEntry {
  labels: Labels;
  bucketValues: Record<number, number>;
  sum: number;
  count: number;
}

/**
 * Counts and observations per series, kept here on each event and pushed into prom-client when
 * the registry is collected: an event costs a few additions instead of prom-client's per-call
 * label hashing. Every hot loop of the collector is in this class.
 */
export class PendingSeries {
  /** Increments not yet applied, per counter and series. */
  readonly #counts = new Map<Counter, Map<Labels, CountSlot>>();
  /** Observations not yet applied, per histogram and series. */
  readonly #observed = new Map<Histogram, Map<Labels, HistogramSlot>>();

  /** @param buckets the histograms' upper bounds in seconds, strictly increasing (the array the histograms were given). */
  constructor(readonly buckets: number[]) {}

  /** Starts keeping increments for `counter`. */
  addCounter(counter: Counter): void {
    this.#counts.set(counter, new Map());
  }

  /** Starts keeping observations for `histogram`. */
  addHistogram(histogram: Histogram): void {
    this.#observed.set(histogram, new Map());
  }

  /** The pending count of `c` for `labels`, made once per series. */
  countSlot(c: Counter, labels: Labels): CountSlot {
    let slots = this.#counts.get(c);
    if (slots === undefined) {
      slots = new Map(); // after close(): counted nowhere
    }
    let slot = slots.get(labels);
    if (slot === undefined) {
      slot = { labels, n: 0 };
      slots.set(labels, slot);
    }
    return slot;
  }

  /** The pending observations of `h` for `labels`, made once per series. */
  histogramSlot(h: Histogram, labels: Labels): HistogramSlot {
    let slots = this.#observed.get(h);
    if (slots === undefined) {
      slots = new Map(); // after close(): observed nowhere
    }
    let slot = slots.get(labels);
    if (slot === undefined) {
      slot = {
        histogram: h,
        labels,
        created: false,
        buckets: new Float64Array(this.buckets.length),
        sum: 0,
        count: 0,
      };
      slots.set(labels, slot);
    }
    return slot;
  }

  /** Counts `n` into `slot`; applied to the counter when the registry is collected (cheaper per call). */
  addIn(slot: CountSlot, n: number | undefined = 1): void {
    if (n === undefined || !Number.isFinite(n) || n <= 0) return;
    slot.n += n;
  }

  /** Counts `n` into the series of `c` for `labels`. */
  add(c: Counter, labels: Labels, n: number | undefined = 1): void {
    this.addIn(this.countSlot(c, labels), n);
  }

  /** Observes `ms` (in seconds) into `slot`; applied to the histogram when the registry is collected. */
  observeIn(slot: HistogramSlot, ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    const s = ms / 1000;
    if (!slot.created) {
      // The first observation creates the series in prom-client, as before; later ones wait for a scrape.
      slot.created = true;
      slot.histogram.observe(slot.labels, s);
      return;
    }
    slot.sum += s;
    slot.count++;
    const counts = slot.buckets;
    const buckets = this.buckets;
    for (let i = 0; i < buckets.length; i++) {
      if (s <= (buckets[i] as number)) {
        counts[i] = (counts[i] as number) + 1;
        break;
      }
    }
  }

  /** Observes `ms` (in seconds) into the series of `h` for `labels`. */
  observe(h: Histogram, labels: Labels, ms: number): void {
    this.observeIn(this.histogramSlot(h, labels), ms);
  }

  /** Applies the pending increments of `counter` to it (from its `collect`). */
  flushCounter(counter: Counter): void {
    const slots = this.#counts.get(counter);
    if (slots === undefined) return;
    for (const slot of slots.values()) {
      if (slot.n === 0) continue;
      const n = slot.n;
      slot.n = 0;
      counter.inc(slot.labels, n);
    }
  }

  /**
   * Adds the pending observations of `histogram` to it (from its `collect`), exactly as the same
   * `observe` calls would have (prom-client has no public bulk observe): a series is created
   * with `zero()` when the histogram does not hold it yet (first observation, or after a reset),
   * then its sum, count and bucket counts are increased.
   */
  flushHistogram(histogram: Histogram): void {
    const slots = this.#observed.get(histogram);
    if (slots === undefined) return;
    const buckets = this.buckets;
    const internal = histogram as unknown as { hashMap: Record<string, PromHistogramEntry> };
    let held: Map<Labels, PromHistogramEntry> | undefined;
    const index = () => {
      held = new Map();
      for (const entry of Object.values(internal.hashMap)) held.set(entry.labels, entry);
      return held;
    };
    for (const slot of slots.values()) {
      if (slot.count === 0) continue;
      let entry = (held ?? index()).get(slot.labels);
      if (entry === undefined) {
        histogram.zero(slot.labels);
        entry = index().get(slot.labels);
        if (entry === undefined) throw new Error('collectMetrics: histogram series not found after zero()');
      }
      entry.sum += slot.sum;
      entry.count += slot.count;
      for (let i = 0; i < buckets.length; i++) {
        const n = slot.buckets[i] as number;
        if (n === 0) continue;
        const bound = buckets[i] as number;
        entry.bucketValues[bound] = (entry.bucketValues[bound] ?? 0) + n;
        slot.buckets[i] = 0;
      }
      slot.sum = 0;
      slot.count = 0;
    }
  }

  /** Drops every pending count and observation (on close): later events count nowhere. */
  clear(): void {
    this.#counts.clear();
    this.#observed.clear();
  }
}
