/** collectMetrics through a real Router with mock adapters: values, labels, options, close. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { Router, type RouterEventName, SwitchyardError } from '../../index.js';
import { MockAdapter } from '../../src/testing/index.js';
import { collectMetrics, DEFAULT_LATENCY_BUCKETS, type MetricsOptions } from './index.js';

const messages = [{ role: 'user' as const, content: 'hi' }];

/** Value of one series of the registry (0 when absent). */
async function value(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  return (metric?.values ?? [])
    .filter((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want))
    .filter((v) => !('metricName' in v) || v.metricName === name || v.metricName === undefined)
    .reduce((sum, v) => sum + v.value, 0);
}

/** Series of one metric, as their label sets. */
async function series(registry: Registry, name: string): Promise<Array<Record<string, string | number>>> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  return (metric?.values ?? []).map((v) => v.labels as Record<string, string | number>);
}

function twoTargets() {
  return new Router({
    targets: [
      {
        id: 'down',
        adapter: new MockAdapter([{ error: { status: 503 } }], {
          provider: 'p1',
          whenScriptEnds: 'repeat-last',
        }),
        model: 'm1',
        aliases: ['fast'],
      },
      {
        id: 'up',
        adapter: new MockAdapter(
          () => ({
            text: 'ok',
            usage: { inputTokens: 10, outputTokens: 5, cachedInputTokens: 4, reasoningTokens: 2 },
          }),
          {
            provider: 'p2',
            price: { inputPerMTok: 1_000_000, outputPerMTok: 2_000_000 },
          },
        ),
        model: 'm2',
        aliases: ['fast'],
      },
    ],
    strategy: 'priority',
    retry: { maxAttempts: 2 },
    breaker: false,
  });
}

describe('collectMetrics', () => {
  it('counts calls, attempts, fallbacks, tokens and cost with target/provider/model/alias labels', async () => {
    const router = twoTargets();
    const { registry } = collectMetrics(router);
    for (let i = 0; i < 3; i++) await router.complete({ messages, model: 'fast' });

    expect(await value(registry, 'switchyard_requests_total', { outcome: 'success' })).toBe(3);
    expect(await series(registry, 'switchyard_requests_total')).toEqual([
      { target: 'up', provider: 'p2', model: 'm2', alias: 'fast', outcome: 'success', error_kind: '' },
    ]);
    expect(
      await value(registry, 'switchyard_attempts_total', {
        target: 'down',
        outcome: 'failure',
        error_kind: 'server',
      }),
    ).toBe(3);
    expect(await value(registry, 'switchyard_attempts_total', { target: 'up', outcome: 'success' })).toBe(3);
    expect(
      await value(registry, 'switchyard_fallbacks_total', { target: 'down', to: 'up', error_kind: 'server' }),
    ).toBe(3);
    expect(await value(registry, 'switchyard_tokens_total', { type: 'input' })).toBe(30);
    expect(await value(registry, 'switchyard_tokens_total', { type: 'output' })).toBe(15);
    expect(await value(registry, 'switchyard_tokens_total', { type: 'cached_input' })).toBe(12);
    expect(await value(registry, 'switchyard_tokens_total', { type: 'reasoning' })).toBe(6);
    expect(await value(registry, 'switchyard_cost_usd_total', { target: 'up' })).toBeGreaterThan(0);
    const text = await registry.metrics();
    expect(text).toMatch(/^switchyard_request_duration_seconds_count\{.*outcome="success"\} 3$/m);
    expect(text).toMatch(/^switchyard_attempt_duration_seconds_bucket\{.*le="300".*\} 3$/m);
    expect(text).toContain('# TYPE switchyard_in_flight gauge');
  });

  it('counts failures by error kind, retries on the retried target, and ejections; target_state from health()', async () => {
    const router = new Router({
      targets: [
        {
          id: 'only',
          adapter: new MockAdapter([{ error: { status: 429 } }], { whenScriptEnds: 'repeat-last' }),
          model: 'm',
        },
      ],
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
      breaker: { failureThreshold: 2, cooldownMs: 60_000 },
    });
    const { registry } = collectMetrics(router);
    await expect(router.complete({ messages })).rejects.toThrow();
    expect(
      await value(registry, 'switchyard_requests_total', {
        outcome: 'failure',
        error_kind: 'rate_limited',
        target: 'only',
      }),
    ).toBe(1);
    expect(
      await value(registry, 'switchyard_retries_total', { target: 'only', error_kind: 'rate_limited' }),
    ).toBe(1);
    expect(
      await value(registry, 'switchyard_target_ejections_total', {
        target: 'only',
        error_kind: 'rate_limited',
      }),
    ).toBe(1);
    expect(await value(registry, 'switchyard_target_state', { target: 'only', state: 'open' })).toBe(1);
    expect(await value(registry, 'switchyard_target_state', { target: 'only', state: 'closed' })).toBe(0);
    // The next call finds no target: a failure without attempts, counted with an empty target.
    await expect(router.complete({ messages })).rejects.toThrow();
    expect(await value(registry, 'switchyard_requests_total', { outcome: 'failure' })).toBe(2);
  });

  it("reports each budget's spend, reservations and limit, and refusals by kind", async () => {
    const router = new Router({
      targets: [
        {
          id: 'a',
          adapter: new MockAdapter(() => ({ text: 'ok', usage: { inputTokens: 0, outputTokens: 2 } })),
          model: 'm',
          price: { inputPerMTok: 0, outputPerMTok: 1_000_000 },
        },
      ],
      budgets: [{ id: 'team', scope: { tag: 'team' }, limitUsd: 3, period: 'total' }],
    });
    const { registry } = collectMetrics(router);
    await router.complete({ messages, tags: ['team'], maxOutputTokens: 2 });
    await expect(router.complete({ messages, tags: ['team'], maxOutputTokens: 2 })).rejects.toThrow(
      /budget "team"/,
    );
    expect(await value(registry, 'switchyard_budget_spent_usd', { budget: 'team', period: 'total' })).toBe(2);
    expect(await value(registry, 'switchyard_budget_reserved_usd', { budget: 'team' })).toBe(0);
    expect(await value(registry, 'switchyard_budget_limit_usd', { budget: 'team' })).toBe(3);
    expect(
      await value(registry, 'switchyard_requests_total', {
        outcome: 'failure',
        error_kind: 'budget_exceeded',
      }),
    ).toBe(1);
  });

  it('observes time to first token of streams', async () => {
    const router = new Router({
      targets: [{ id: 'a', adapter: new MockAdapter(() => ({ stream: ['o', 'k'] })), model: 'm' }],
    });
    const { registry } = collectMetrics(router);
    const stream = router.stream({ messages });
    for await (const _ of stream) {
      // drain
    }
    expect(await registry.metrics()).toMatch(
      /^switchyard_time_to_first_token_seconds_count\{target="a".*\} 1$/m,
    );
  });

  it('creates only the labels asked for; tags are opt-in and capped at maxTagValues', async () => {
    const router = new Router({
      targets: [{ id: 'a', adapter: new MockAdapter(() => ({ text: 'ok' })), model: 'm' }],
    });
    const plain = collectMetrics(router, { labels: ['provider'] });
    const tagged = collectMetrics(router, { prefix: 'tagged_', labels: ['target', 'tag'], maxTagValues: 2 });
    for (const tags of [['x'], ['y'], ['z'], ['w'], undefined]) await router.complete({ messages, tags });
    expect(await series(plain.registry, 'switchyard_requests_total')).toEqual([
      { provider: 'mock', outcome: 'success', error_kind: '' },
    ]);
    const byTag = (await series(tagged.registry, 'tagged_requests_total')).map((l) => l.tag).sort();
    expect(byTag).toEqual(['', 'other', 'x', 'y']);
    expect(await value(tagged.registry, 'tagged_requests_total', { tag: 'other' })).toBe(2);
  });

  it('close() removes every listener it added and its metrics', async () => {
    const router = twoTargets();
    const events: RouterEventName[] = [
      'request:start',
      'attempt:success',
      'attempt:failure',
      'retry',
      'fallback',
      'request:success',
      'request:failure',
      'stream:first-token',
      'target:ejected',
    ];
    const before = events.map((e) => router.listenerCount(e));
    const registry = new Registry();
    const collector = collectMetrics(router, { registry });
    expect(events.map((e) => router.listenerCount(e))).toEqual(before.map((n) => n + 1));
    collector.close();
    collector.close();
    expect(events.map((e) => router.listenerCount(e))).toEqual(before);
    expect(await registry.getMetricsAsJSON()).toEqual([]);
    // The registry can take a new collector.
    collectMetrics(router, { registry }).close();
  });

  it('never throws into a call: its own failures go to onError', async () => {
    const errors: unknown[] = [];
    const router = twoTargets();
    const listenerErrors: unknown[] = [];
    router.on('listener:error', (e) => listenerErrors.push(e));
    const collector = collectMetrics(router, {
      onError: (e) => {
        errors.push(e);
        throw new Error('the hook itself throws');
      },
    });
    // Break the registry under the collector: every inc() now throws.
    for (const m of await collector.registry.getMetricsAsJSON()) {
      const metric = collector.registry.getSingleMetric(m.name) as unknown as {
        inc?: () => void;
        observe?: () => void;
      };
      metric.inc = () => {
        throw new Error('boom');
      };
      metric.observe = metric.inc;
    }
    await expect(router.complete({ messages })).resolves.toMatchObject({ text: 'ok' });
    expect(errors.length).toBeGreaterThan(0);
    expect(listenerErrors).toEqual([]);
  });

  it('serves the registry over node:http with prom-client’s content type', async () => {
    const router = twoTargets();
    const collector = collectMetrics(router);
    await router.complete({ messages });
    const server = createServer(collector.metricsHandler());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(collector.registry.contentType);
      expect(await res.text()).toMatch(/^switchyard_requests_total\{.*\} 1$/m);
    } finally {
      server.close();
    }
  });

  it('answers 500 and tells onError when collection fails', async () => {
    const errors: unknown[] = [];
    const registry = new Registry();
    const collector = collectMetrics(twoTargets(), { registry, onError: (e) => errors.push(e) });
    registry.metrics = () => Promise.reject(new Error('scrape failed'));
    const server = createServer(collector.metricsHandler());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      expect(res.status).toBe(500);
      expect(errors).toHaveLength(1);
    } finally {
      server.close();
    }
  });

  it.each<[MetricsOptions, string]>([
    [{ prefix: '9bad' }, 'prefix'],
    [{ labels: ['target', 'requestId' as never] }, 'labels'],
    [{ buckets: [] }, 'buckets'],
    [{ buckets: [0.1, 0.1] }, 'buckets[1]'],
    [{ buckets: [1, 0.5] }, 'buckets[1]'],
    [{ buckets: [0, 1] }, 'buckets[0]'],
    [{ buckets: [1, Number.POSITIVE_INFINITY] }, 'buckets[1]'],
    [{ maxTagValues: 0 }, 'maxTagValues'],
    [{ maxTagValues: 1.5 }, 'maxTagValues'],
    [{ onError: 'log' as never }, 'onError'],
    [{ registry: {} as never }, 'registry'],
  ])('rejects %j with a config error naming %s', (options, field) => {
    const router = twoTargets();
    const error = (() => {
      try {
        collectMetrics(router, options);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SwitchyardError);
    expect(error).toMatchObject({ kind: 'config' });
    expect((error as Error).message).toContain(`collectMetrics: ${field}:`);
    expect(router.listenerCount('request:success')).toBe(0);
  });

  it('refuses a second collector on the same registry and prefix, leaving the first intact', async () => {
    const registry = new Registry();
    const router = twoTargets();
    collectMetrics(router, { registry });
    expect(() => collectMetrics(router, { registry })).toThrow(
      /collectMetrics: registry: cannot register switchyard_requests_total/,
    );
    expect(router.listenerCount('request:success')).toBe(1);
    expect((await registry.getMetricsAsJSON()).length).toBe(15);
  });

  it('uses LLM-sized default buckets, overridable', async () => {
    expect(DEFAULT_LATENCY_BUCKETS[0]).toBeLessThanOrEqual(0.05);
    expect(DEFAULT_LATENCY_BUCKETS.at(-1)).toBeGreaterThanOrEqual(120);
    const router = twoTargets();
    const { registry } = collectMetrics(router, { buckets: [0.5, 1] });
    await router.complete({ messages });
    const les = (await registry.metrics()).match(
      /^switchyard_request_duration_seconds_bucket\{.*le="([^"]+)"/gm,
    );
    expect(les?.map((l) => l.replace(/.*le="/, '').replace('"', ''))).toEqual(['0.5', '1', '+Inf']);
  });
});
