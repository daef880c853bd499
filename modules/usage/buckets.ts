import { type Cell, cellIn, mergeInto } from './cells.js';
import { DAY, HOUR, type LedgerSettings } from './options.js';

/** The cells of one time bucket. */
export interface Bucket {
  readonly start: number;
  readonly size: number;
  /** Cells by their single-valued dimensions. */
  readonly cells: Map<string, Cell>;
  /** Cells by tag (a call counts once under each of its tags). */
  readonly tags: Map<string, Cell>;
}

/** The buckets of one resolution, kept `keep` ms. */
export interface Tier {
  readonly size: number;
  readonly keep: number;
  readonly buckets: Map<number, Bucket>;
}

/**
 * The time buckets of a ledger at three resolutions: fine buckets (`bucketMs`) roll up into hour
 * buckets after `keep.minute`, hour buckets into day buckets after `keep.hour`, and day buckets
 * expire after `keep.day`.
 */
export class BucketTiers {
  /** Fine, hour and day tiers, in that order. */
  readonly tiers: readonly Tier[];
  readonly #bucketMs: number;
  #nextMaintenance = Number.NEGATIVE_INFINITY;
  /** The fine bucket last returned by `bucketAt` (until maintenance runs or `clear()`). */
  #current: Bucket | undefined;

  constructor(settings: Pick<LedgerSettings, 'bucketMs' | 'keep'>) {
    this.#bucketMs = settings.bucketMs;
    this.tiers = [
      { size: settings.bucketMs, keep: settings.keep.minute, buckets: new Map() },
      { size: HOUR, keep: settings.keep.hour, buckets: new Map() },
      { size: DAY, keep: settings.keep.day, buckets: new Map() },
    ];
  }

  /** The fine bucket of clock time `now`, after rolling up what is past its retention. */
  bucketAt(now: number): Bucket {
    this.maintain(now);
    const current = this.#current;
    if (current !== undefined && now >= current.start && now < current.start + current.size) return current;
    const tier = this.tiers[0]!;
    this.#current = bucketIn(tier, Math.floor(now / tier.size) * tier.size);
    return this.#current;
  }

  /** Rolls buckets past their retention into the next resolution, or drops them. At most once per fine bucket. */
  maintain(now: number): void {
    if (now < this.#nextMaintenance) return;
    this.#nextMaintenance = (Math.floor(now / this.#bucketMs) + 1) * this.#bucketMs;
    this.#current = undefined;
    for (let i = 0; i < this.tiers.length; i++) {
      const tier = this.tiers[i]!;
      const coarser = this.tiers[i + 1];
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

  /** Buckets, cells and occupied latency buckets over every tier. */
  stats(): { buckets: number; cells: number; sketchBuckets: number } {
    let buckets = 0;
    let cells = 0;
    let sketchBuckets = 0;
    for (const tier of this.tiers) {
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
    return { buckets, cells, sketchBuckets };
  }

  /** Drops every bucket. */
  clear(): void {
    this.#current = undefined;
    for (const tier of this.tiers) tier.buckets.clear();
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
