/**
 * collectMetrics batches histogram observations and counter increments per series and applies
 * them at scrape time: what a scrape shows must equal what observing each value directly shows.
 */
import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { Router } from '../../index.js';
import { MockAdapter } from '../../src/testing/index.js';
import { collectMetrics } from './index.js';

const messages = [{ role: 'user' as const, content: 'hi' }];
// Sub-millisecond buckets, so that in-process calls spread over several of them.
const buckets = [0.000_005, 0.000_01, 0.000_02, 0.000_05, 0.000_1, 0.000_2, 0.000_5, 0.001];

function router(): Router {
  const adapter = new MockAdapter(() => ({ text: 'ok' }), { recordCalls: false });
  return new Router({
    targets: Array.from({ length: 3 }, (_, i) => ({ id: `t${i}`, adapter, model: 'm', aliases: ['chat'] })),
    strategy: 'round-robin',
  });
}

describe('collectMetrics batching', () => {
  it('scrapes the same histogram and counters as direct observations, across scrapes and a reset', async () => {
    const r = router();
    const collector = collectMetrics(r, { buckets, labels: ['target'] });
    const reference = new Registry();
    const direct = new Histogram({
      name: 'switchyard_request_duration_seconds',
      help: 'x',
      labelNames: ['target', 'outcome'],
      buckets,
      registers: [reference],
    });
    r.on('request:success', (e) =>
      direct.observe({ target: e.target, outcome: 'success' }, e.latencyMs / 1000),
    );
    const scrape = async (registry: Registry) => {
      const m = (await registry.getMetricsAsJSON()).find(
        (x) => x.name === 'switchyard_request_duration_seconds',
      );
      return m?.values ?? [];
    };
    /** Same series and counts; sums equal up to float rounding (the two add in different orders). */
    const same = async () => {
      const [got, want] = [await scrape(collector.registry), await scrape(reference)];
      expect(got.map((v) => ({ ...v, value: 0 }))).toEqual(want.map((v) => ({ ...v, value: 0 })));
      for (const [i, v] of got.entries()) expect(v.value).toBeCloseTo(want[i]!.value, 12);
    };
    for (const batch of [7, 1, 40]) {
      for (let i = 0; i < batch; i++) await r.complete({ messages, model: 'chat' });
      await same();
    }
    collector.registry.resetMetrics();
    direct.reset();
    for (let i = 0; i < 10; i++) await r.complete({ messages, model: 'chat' });
    await same();
    const requests = (await collector.registry.getMetricsAsJSON()).find(
      (x) => x.name === 'switchyard_requests_total',
    );
    expect(requests?.values.reduce((n, v) => n + v.value, 0)).toBe(10);
    collector.close();
  });

  it('keeps calls in flight together apart (their alias)', async () => {
    const r = router();
    const collector = collectMetrics(r, { labels: ['alias'] });
    await Promise.all(Array.from({ length: 20 }, () => r.complete({ messages, model: 'chat' })));
    const requests = (await collector.registry.getMetricsAsJSON()).find(
      (x) => x.name === 'switchyard_requests_total',
    );
    expect(requests?.values).toEqual([
      expect.objectContaining({ labels: { alias: 'chat', outcome: 'success', error_kind: '' }, value: 20 }),
    ]);
    collector.close();
  });
});
