/**
 * Memory of a Router with the metrics collector and the usage ledger attached, over many calls,
 * each with tags of its own (`user-<i>`, `req-<i>`): labels and ledger keys are bounded by the
 * collector's `maxTagValues` and the ledger's `maxKeys`, so after warm-up (every slot taken) the
 * heap must not grow with the calls. Shared by the bounded CI test (modules/usage) and
 * `npm run bench` (1,000,000 calls).
 */
import { Router } from '../../index.js';
import { collectMetrics } from '../../modules/metrics/index.js';
import { UsageLedger } from '../../modules/usage/index.js';
import { MockAdapter } from '../../src/testing/index.js';

/** What {@link observedMemory} measured. */
export interface ObservedMemoryRow {
  readonly calls: number;
  readonly seconds: number;
  readonly heapBeforeMb: number;
  readonly heapAfterMb: number;
  readonly heapGrowthMb: number;
  readonly rssGrowthMb: number;
  /** Lines of the Prometheus exposition (series and histogram buckets). */
  readonly seriesLines: number;
  /** Distinct `tag` label values in the exposition (`other` included). */
  readonly metricTags: number;
  readonly ledgerCells: number;
  readonly ledgerTagKeys: number;
  readonly ledgerBuckets: number;
  /** Calls the ledger still holds as started (must be 0 once every call settled). */
  readonly ledgerPending: number;
  /** Calls the ledger counted (from its totals), to check that it saw every call. */
  readonly ledgerCalls: number;
}

/** Caps used: the collector's `maxTagValues` and the ledger's `maxKeys`. */
export const MAX_TAG_VALUES = 20;
export const MAX_LEDGER_KEYS = 100;
const CONCURRENCY = 64;
const messages = [{ role: 'user' as const, content: 'hello there' }];

/**
 * Runs `warmup` calls (JIT, every label slot and ledger key taken), collects garbage, runs
 * `calls` more, collects again, and reports the heap growth with what the collector and ledger
 * hold. One attempt in 50 fails (a 503) and is retried on the other target, so error series are
 * exercised too. `gc` must be a real full GC (`--expose-gc`).
 */
export async function observedMemory(options: {
  calls: number;
  warmup: number;
  gc: () => void;
}): Promise<ObservedMemoryRow> {
  const { calls, warmup, gc } = options;
  let n = 0;
  const adapter = new MockAdapter(
    () =>
      ++n % 100 < 2
        ? { error: { status: 503 } }
        : { text: 'ok', usage: { inputTokens: 12, outputTokens: 4 } },
    { recordCalls: false },
  );
  const router = new Router({
    targets: [
      { id: 'a', adapter, model: 'm1', aliases: ['chat'], price: { inputPerMTok: 1, outputPerMTok: 2 } },
      { id: 'b', adapter, model: 'm2', aliases: ['chat'], price: { inputPerMTok: 1, outputPerMTok: 2 } },
    ],
    strategy: 'round-robin',
    retry: { maxAttempts: 2, baseDelayMs: 0, maxDelayMs: 0 },
  });
  const collector = collectMetrics(router, {
    labels: ['target', 'provider', 'model', 'alias', 'tag'],
    maxTagValues: MAX_TAG_VALUES,
  });
  const ledger = new UsageLedger({
    dimensions: ['target', 'model', 'alias', 'provider', 'tag'],
    maxKeys: MAX_LEDGER_KEYS,
  });
  const detach = ledger.attach(router);

  const run = async (from: number, to: number): Promise<void> => {
    for (let start = from; start < to; start += CONCURRENCY) {
      const batch: Promise<unknown>[] = [];
      for (let i = start; i < Math.min(to, start + CONCURRENCY); i++) {
        batch.push(
          router
            .complete({ messages, model: 'chat', tags: [`user-${i}`, `req-${i}`] })
            .catch(() => undefined),
        );
      }
      await Promise.all(batch);
    }
  };
  const heap = (): NodeJS.MemoryUsage => {
    for (let i = 0; i < 3; i++) gc();
    return process.memoryUsage();
  };

  try {
    await run(0, warmup);
    // A scrape, as Prometheus would make, so that pending series are applied before measuring.
    await collector.metrics();
    const before = heap();
    const t0 = performance.now();
    await run(warmup, warmup + calls);
    const text = await collector.metrics();
    const seconds = (performance.now() - t0) / 1000;
    const after = heap();

    const lines = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    const metricTags = new Set(lines.flatMap((l) => /tag="([^"]*)"/.exec(l)?.[1] ?? []));
    const stats = ledger.stats();
    const totals = ledger.query({ by: [] });
    const mb = (b: number): number => b / 1024 / 1024;
    return {
      calls,
      seconds,
      heapBeforeMb: mb(before.heapUsed),
      heapAfterMb: mb(after.heapUsed),
      heapGrowthMb: mb(after.heapUsed - before.heapUsed),
      rssGrowthMb: mb(after.rss - before.rss),
      seriesLines: lines.length,
      metricTags: metricTags.size,
      ledgerCells: stats.cells,
      ledgerTagKeys: stats.keys.tag ?? 0,
      ledgerBuckets: stats.buckets,
      ledgerPending: stats.pending,
      ledgerCalls: totals.reduce((sum, row) => sum + row.calls, 0),
    };
  } finally {
    detach();
    collector.close();
    await router.close();
  }
}
