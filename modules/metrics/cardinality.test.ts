/**
 * Cardinality is bounded by construction: 100,000 calls, each with its own tag, through a
 * Router with the collector attached. The series count stays under a bound computed from the
 * configuration, and the heap does not grow with the calls.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Router } from '../../index.js';
import { MockAdapter } from '../../src/testing/index.js';
import { collectMetrics } from './index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

const CALLS = 100_000;
const BATCH = 500;
const MAX_TAGS = 10;

describe('bounded cardinality', () => {
  it(`${CALLS} calls with distinct tags: series bounded, heap growth small`, async () => {
    const adapter = new MockAdapter(() => ({ text: 'ok' }), { recordCalls: false });
    const router = new Router({
      targets: [
        { id: 'a', adapter, model: 'm1', aliases: ['fast'] },
        { id: 'b', adapter, model: 'm2', aliases: ['fast'] },
      ],
      strategy: 'round-robin',
    });
    const collector = collectMetrics(router, {
      labels: ['target', 'provider', 'model', 'alias', 'tag'],
      maxTagValues: MAX_TAGS,
    });
    const messages = [{ role: 'user' as const, content: 'hi' }];
    const run = async (from: number, to: number) => {
      for (let start = from; start < to; start += BATCH) {
        const calls: Promise<unknown>[] = [];
        for (let i = start; i < Math.min(to, start + BATCH); i++) {
          calls.push(router.complete({ messages, model: 'fast', tags: [`user-${i}`, `req-${i}`] }));
        }
        await Promise.all(calls);
      }
    };

    await run(0, 2_000); // warm up: JIT, the first series and every tag slot
    const before = heapAfterGc();
    const t0 = performance.now();
    await run(2_000, CALLS);
    const elapsed = performance.now() - t0;
    const growth = heapAfterGc() - before;

    const metrics = await collector.registry.getMetricsAsJSON();
    const seriesCount = metrics.reduce((n, m) => n + m.values.length, 0);
    const tags = new Set(
      metrics.flatMap((m) => m.values.map((v) => v.labels.tag)).filter((t) => t !== undefined),
    );
    // 2 targets × (10 tags + other) per label set; histograms add (buckets + 3) lines per series.
    expect(tags.size).toBe(MAX_TAGS + 1);
    expect(tags.has('other')).toBe(true);
    expect(seriesCount).toBeLessThan(2 * (MAX_TAGS + 1) * 60);
    expect(await collector.registry.metrics()).not.toMatch(/req-5\d{4}/);
    expect(growth).toBeLessThan(8 * 1024 * 1024);
    console.log(
      `cardinality: ${CALLS} calls in ${(elapsed / 1000).toFixed(1)} s, ${seriesCount} series lines, heap growth ${(growth / 1024).toFixed(0)} KiB`,
    );
    collector.close();
  }, 60_000);
});
