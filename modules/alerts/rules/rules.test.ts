import { afterEach, describe, expect, it } from 'vitest';
import { Router } from '../../../index.js';
import { MockAdapter, VirtualClock } from '../../../src/testing/index.js';
import { UsageLedger } from '../../usage/index.js';
import { AlertManager, type AlertRule } from '../index.js';
import { recordingSink } from '../testkit/receiver.js';
import type { Alert } from '../types.js';

const messages = [{ role: 'user' as const, content: 'hi' }];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

interface Script {
  /** Per target: 'ok', an HTTP status to fail with, or a latency in ms (answers after it). */
  [target: string]: 'ok' | number | { delayMs: number };
}

function setup(rules: AlertRule[], opts: { ledger?: boolean; breaker?: boolean; maxAttempts?: number } = {}) {
  const clock = new VirtualClock(1_700_000_000_000);
  const script: Script = { a: 'ok', b: 'ok', c: 'ok' };
  const adapter = new MockAdapter((_req, info) => {
    const s = script[info.target];
    if (typeof s === 'number') return { error: { status: s } };
    if (typeof s === 'object')
      return { text: 'ok', delayMs: s.delayMs, usage: { inputTokens: 1000, outputTokens: 1000 } };
    return { text: 'ok', usage: { inputTokens: 1000, outputTokens: 1000 } };
  });
  const price = { inputPerMTok: 1000, outputPerMTok: 1000 };
  const router = new Router({
    targets: [
      { id: 'a', adapter, model: 'm', aliases: ['chat'], price },
      { id: 'b', adapter, model: 'm', aliases: ['chat'], price },
      { id: 'c', adapter, model: 'm', aliases: ['solo'], price },
    ],
    strategy: 'round-robin',
    clock,
    retry: { maxAttempts: opts.maxAttempts ?? 1, baseDelayMs: 1 },
    breaker: opts.breaker ? { failureThreshold: 3, cooldownMs: 600_000 } : false,
  });
  const ledger = opts.ledger ? new UsageLedger({ clock, bucketMs: 10_000 }) : undefined;
  if (ledger) ledger.attach(router);
  const sink = recordingSink();
  const alerts = new AlertManager({
    rules,
    sinks: { rec: sink },
    clock,
    groupWindowMs: 0,
    ...(ledger ? { ledger } : {}),
  });
  alerts.attach(router);
  closers.push(() => alerts.close());
  const firing: Alert[] = [];
  alerts.on('alert:firing', (a) => firing.push(a));
  const call = async (model?: string) =>
    clock.run(router.complete({ messages, ...(model ? { model } : {}) }).catch(() => undefined));
  const calls = async (n: number, model?: string) => {
    for (let i = 0; i < n; i++) await call(model);
  };
  return { clock, router, alerts, sink, script, firing, calls, ledger };
}

const base = { severity: 'warning' as const, forMs: 0 };

describe('rules', () => {
  it('target_ejected and alias_unavailable follow the breaker', async () => {
    const t = setup(
      [
        { ...base, name: 'ejected', type: 'target_ejected' },
        { ...base, name: 'alias-down', type: 'alias_unavailable', severity: 'critical' },
      ],
      { breaker: true },
    );
    t.script.c = 503;
    await t.calls(3, 'solo');
    await t.clock.advance(10_000);
    expect(t.firing.map((a) => [a.rule, a.labels])).toEqual([
      ['ejected', { target: 'c' }],
      ['alias-down', { alias: 'solo' }],
    ]);
    // chat still has a and b: only a is ejected
    t.script.a = 503;
    t.script.b = 'ok';
    await t.calls(6, 'chat');
    await t.clock.advance(10_000);
    expect(t.firing.map((a) => a.labels.target ?? a.labels.alias)).toEqual(['c', 'solo', 'a']);
  });

  it('no_success fires when calls are made and none succeeds, not when idle', async () => {
    const t = setup([{ ...base, name: 'dead', type: 'no_success', windowMs: 30_000, scope: 'all' }]);
    await t.clock.advance(40_000);
    expect(t.firing).toHaveLength(0); // idle: no alert
    t.script.a = 500;
    t.script.b = 500;
    t.script.c = 500;
    await t.calls(3);
    await t.clock.advance(10_000);
    expect(t.firing.map((a) => a.summary)).toEqual([
      'no successful call on the router for 30 s (3 attempts)',
    ]);
  });

  it('rate_limit_share counts 429s among attempts; fallback_rate counts fallbacks away from a target', async () => {
    const t = setup(
      [
        { ...base, name: '429', type: 'rate_limit_share', windowMs: 60_000, threshold: 0.4, minCalls: 3 },
        { ...base, name: 'fallbacks', type: 'fallback_rate', windowMs: 60_000, threshold: 0.4, minCalls: 3 },
        {
          ...base,
          name: 'fallbacks-all',
          type: 'fallback_rate',
          scope: 'all',
          windowMs: 60_000,
          threshold: 0.2,
          minCalls: 3,
        },
      ],
      { maxAttempts: 2 },
    );
    t.script.a = 429;
    await t.calls(8, 'chat');
    await t.clock.advance(10_000);
    const got = t.firing.map((a) => `${a.rule}:${a.labels.target ?? 'all'}:${a.value.toFixed(2)}`).sort();
    // a got 4 calls of its own plus retries/fallbacks from none: every attempt on a is a 429 and falls back to b.
    expect(got).toContain('429:a:1.00');
    expect(got).toContain('fallbacks:a:1.00');
    expect(got.some((g) => g.startsWith('fallbacks-all:all:'))).toBe(true);
    expect(got.some((g) => g.includes(':b:'))).toBe(false);
  });

  it('latency_p95 reads the ledger and fires above the objective', async () => {
    const t = setup(
      [{ ...base, name: 'slow', type: 'latency_p95', windowMs: 60_000, objectiveMs: 500, minCalls: 3 }],
      {
        ledger: true,
      },
    );
    t.script.a = { delayMs: 2_000 };
    await t.calls(12);
    await t.clock.advance(10_000);
    expect(t.firing.map((a) => a.labels.target)).toEqual(['a']);
    expect(t.firing[0]!.value).toBeGreaterThan(1_900);
    expect(t.firing[0]!.unit).toBe('ms');
  });

  it('burn_rate fires when both windows burn above the threshold', async () => {
    const t = setup(
      [
        {
          ...base,
          name: 'burn',
          type: 'burn_rate',
          availability: 0.99,
          windows: [{ longMs: 60_000, shortMs: 20_000, threshold: 10 }],
        },
      ],
      { ledger: true },
    );
    t.script.b = 500; // b: 100% errors = 100× the 1% budget
    await t.calls(12);
    await t.clock.advance(10_000);
    expect(t.firing.map((a) => [a.labels.target, Math.round(a.value)])).toEqual([['b', 100]]);
  });

  it('cost_per_hour fires above the limit, in total and by target', async () => {
    const t = setup(
      [
        { ...base, name: 'cost', type: 'cost_per_hour', limitUsd: 10 },
        { ...base, name: 'cost-c', type: 'cost_per_hour', limitUsd: 3, by: 'target' },
      ],
      { ledger: true },
    );
    await t.calls(9); // 9 calls × $2
    await t.clock.advance(10_000);
    expect(t.firing.map((a) => `${a.rule}:${a.labels.target ?? ''}:${a.value}`).sort()).toEqual([
      'cost-c:a:6',
      'cost-c:b:6',
      'cost-c:c:6',
      'cost::18',
    ]);
  });

  it('budget rules fire at their share and resolve when a new period starts', async () => {
    const t = setup([
      { ...base, name: 'b80', type: 'budget', threshold: 0.8, keepFiringForMs: 0 },
      { ...base, name: 'b100', type: 'budget', threshold: 1, severity: 'critical' },
    ]);
    const resolved: Alert[] = [];
    t.alerts.on('alert:resolved', (a) => resolved.push(a));
    const ev = { budget: 'team', scope: { user: 'u1' }, period: 'month' as const, limitUsd: 100 };
    t.alerts.onBudgetThreshold({ ...ev, periodKey: '2026-11', spentUsd: 85, threshold: 0.8 });
    await t.clock.advance(10_000);
    expect(t.firing.map((a) => a.rule)).toEqual(['b80']);
    expect(t.firing[0]!.labels).toEqual({ budget: 'team', period: 'month', user: 'u1' });
    t.alerts.onBudgetThreshold({ ...ev, periodKey: '2026-12', spentUsd: 50, threshold: 0.5 });
    await t.clock.advance(10_000);
    expect(resolved.map((a) => a.rule)).toEqual(['b80']);
  });

  it('a rule that throws is an error event, and the others still run', async () => {
    const t = setup(
      [
        { ...base, name: 'slow', type: 'latency_p95', windowMs: 60_000, objectiveMs: 1 },
        { ...base, name: 'b', type: 'budget', threshold: 0.5 },
      ],
      { ledger: true },
    );
    const errors: { source: string; message: string }[] = [];
    t.alerts.on('error', (e) => errors.push(e));
    (t.ledger as UsageLedger).query = () => {
      throw new Error('ledger broke');
    };
    t.alerts.onBudgetThreshold({
      budget: 'x',
      scope: {},
      period: 'total',
      periodKey: 'all',
      limitUsd: 1,
      spentUsd: 1,
      threshold: 1,
    });
    await t.clock.advance(10_000);
    expect(errors).toEqual([{ source: 'rule slow', message: 'ledger broke' }]);
    expect(t.firing.map((a) => a.rule)).toEqual(['b']);
  });
});
