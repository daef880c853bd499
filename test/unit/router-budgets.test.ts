import { describe, expect, it } from 'vitest';
import {
  type BudgetReservation,
  type BudgetStateHandle,
  type BudgetThresholdEvent,
  MemoryStateStore,
  Router,
  type RouterOptions,
  type StateStore,
} from '../../index.js';
import { MockAdapter, VirtualClock } from '../../src/testing/index.js';
import { ask, constructionError, first, rejectionOf } from '../helpers/calls.js';

/** $1 per output token, input free: an attempt with `maxOutputTokens: 1` reserves exactly $1. */
const DOLLAR_PER_TOKEN = { inputPerMTok: 0, outputPerMTok: 1_000_000 };
const ONE_TOKEN = { inputTokens: 0, outputTokens: 1 };
const DAY = 86_400_000;

function budgeted(options: Partial<RouterOptions> & Pick<RouterOptions, 'budgets'>, adapter = okAfter(100)) {
  const clock = new VirtualClock();
  const store = new MemoryStateStore();
  const router = new Router({
    targets: [{ id: 'a', adapter, model: 'm', price: DOLLAR_PER_TOKEN }],
    clock,
    store,
    breaker: false,
    ...options,
  });
  const thresholds: BudgetThresholdEvent[] = [];
  router.on('budget:threshold', (e) => thresholds.push(e));
  return { clock, store, router, adapter, thresholds };
}

function okAfter(delayMs: number, usage = ONE_TOKEN): MockAdapter {
  return new MockAdapter(() => ({ text: 'ok', delayMs, usage }));
}

describe('budgets', () => {
  it('admits at most what the budget covers when 50 calls race for a budget that fits 10', async () => {
    const { clock, router, adapter, store } = budgeted({ budgets: [{ limitUsd: 10, period: 'total' }] });
    const calls = Array.from({ length: 50 }, (_, i) =>
      (i % 2 === 0 ? router.complete(ask('x', { maxOutputTokens: 1 })) : collect(router, 1)).then(
        () => 'ok',
        (e) => e.kind as string,
      ),
    );
    const outcomes = await clock.run(Promise.all(calls));
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(10);
    expect(outcomes.filter((o) => o === 'budget_exceeded')).toHaveLength(40);
    expect(adapter.callCount).toBe(10);
    expect(store.budget('router/total').read('total')).toEqual({
      periodKey: 'total',
      spentUsd: 10,
      reservedUsd: 0,
    });
    // Spent to the cent: the next call is refused before any adapter call.
    const error = await rejectionOf(clock.run(router.complete(ask('x', { maxOutputTokens: 1 }))));
    expect(error.kind).toBe('budget_exceeded');
    expect(adapter.callCount).toBe(10);
  });

  it('holds with a shared store that answers asynchronously', async () => {
    const store = asyncStore(new MemoryStateStore());
    const { clock, router, adapter } = budgeted({ store, budgets: [{ limitUsd: 10, period: 'total' }] });
    const calls = Array.from({ length: 50 }, () =>
      router.complete(ask('x', { maxOutputTokens: 1 })).then(
        () => 'ok',
        (e) => e.kind as string,
      ),
    );
    const outcomes = await clock.run(Promise.all(calls));
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(10);
    expect(adapter.callCount).toBe(10);
  });

  it('frees the unused part of a reservation once the call settles', async () => {
    // Each call reserves $4 (maxOutputTokens 4) and spends $1: two fit a $5 budget one after the other.
    const { clock, router, store } = budgeted({ budgets: [{ id: 'b', limitUsd: 5, period: 'total' }] });
    for (let i = 0; i < 2; i++) await clock.run(router.complete(ask('x', { maxOutputTokens: 4 })));
    expect(store.budget('b').read('total')).toMatchObject({ spentUsd: 2, reservedUsd: 0 });
    const error = await rejectionOf(clock.run(router.complete(ask('x', { maxOutputTokens: 4 }))));
    expect(error.budget).toMatchObject({ spentUsd: 2, reservedUsd: 0, requiredUsd: 4 });
    expect(router.budgets()).toEqual([
      { id: 'b', scope: {}, period: 'total', periodKey: 'total', limitUsd: 5, spentUsd: 2, reservedUsd: 0 },
    ]);
    expect(new Router({ targets: [{ id: 'a', adapter: okAfter(1), model: 'm' }] }).budgets()).toEqual([]);
  });

  it('fails with budget_exceeded naming the scope, limit and spend, not counted against the target', async () => {
    const { clock, router } = budgeted({
      budgets: [{ scope: { tag: 'team-a' }, limitUsd: 1.5, period: 'day', timeZone: 'UTC' }],
    });
    const failures: string[] = [];
    router.on('attempt:failure', (e) => failures.push(e.error.kind));
    await clock.run(router.complete(ask('x', { maxOutputTokens: 1, tags: ['team-a'] })));
    await clock.advance(3_600_000); // 01:00 UTC
    const error = await rejectionOf(
      clock.run(router.complete(ask('x', { maxOutputTokens: 1, tags: ['team-a'] }))),
    );
    expect(error.kind).toBe('budget_exceeded');
    expect(error.retryable).toBe(false);
    expect(error.target).toBe('a');
    expect(error.retryAfterMs).toBe(DAY - 3_600_000 - 100);
    expect(error.budget).toEqual({
      id: 'tag=team-a/day',
      scope: { tag: 'team-a' },
      period: 'day',
      periodKey: '1970-01-01',
      limitUsd: 1.5,
      spentUsd: 1,
      reservedUsd: 0,
      requiredUsd: 1,
    });
    expect(error.message).toContain('budget "tag=team-a/day" cannot cover this call on target "a"');
    expect(error.attempts).toEqual([]);
    expect(failures).toEqual([]);
    expect(router.health()[0]).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
    // A call outside the scope is not limited.
    await clock.run(router.complete(ask('x', { maxOutputTokens: 5 })));
  });

  it('falls back to a cheaper target the budget covers, never to one it does not', async () => {
    const pricey = okAfter(10);
    const cheap = okAfter(10);
    const clock = new VirtualClock();
    const router = new Router({
      targets: [
        { id: 'pricey', adapter: pricey, model: 'm', price: { inputPerMTok: 0, outputPerMTok: 10_000_000 } },
        { id: 'cheap', adapter: cheap, model: 'm', price: DOLLAR_PER_TOKEN },
      ],
      strategy: first,
      clock,
      budgets: [{ limitUsd: 5, period: 'total' }],
    });
    const fallbacks: string[] = [];
    router.on('fallback', (e) => fallbacks.push(`${e.from}->${e.to}:${e.errorKind}`));
    const thresholds: number[] = [];
    router.on('budget:threshold', (e) => thresholds.push(e.threshold));
    const res = await clock.run(router.complete(ask('x', { maxOutputTokens: 1 })));
    expect(res.target).toBe('cheap');
    expect(res.attempts).toEqual([
      expect.objectContaining({ target: 'cheap', attempt: 1, outcome: 'success' }),
    ]);
    expect(pricey.callCount).toBe(0);
    expect(fallbacks).toEqual(['pricey->cheap:budget_exceeded']);
    expect(thresholds).toEqual([]); // the budget still covered the call: no refusal alarm
  });

  it('reserves in every covering budget or none, and matches tag, user, key and alias', async () => {
    const { clock, router, store } = budgeted({
      targets: [{ id: 'a', adapter: okAfter(1), model: 'm', aliases: ['fast'], price: DOLLAR_PER_TOKEN }],
      budgets: [
        { id: 'user', scope: { user: 'u1' }, limitUsd: 100, period: 'total' },
        { id: 'key', scope: { key: 'k1', alias: 'fast' }, limitUsd: 2, period: 'total' },
      ],
    });
    const req = (n: number, metadata: Record<string, string>, model?: string) =>
      ask('x', { maxOutputTokens: n, metadata, ...(model ? { model } : {}) });
    await clock.run(router.complete(req(2, { user: 'u1', key: 'k1' }, 'fast')));
    expect(store.budget('user').read('total').spentUsd).toBe(1);
    expect(store.budget('key').read('total').spentUsd).toBe(1);
    const error = await rejectionOf(clock.run(router.complete(req(3, { user: 'u1', key: 'k1' }, 'fast'))));
    expect(error.budget.id).toBe('key');
    // The user budget's reservation was released when the key budget refused.
    expect(store.budget('user').read('total')).toMatchObject({ spentUsd: 1, reservedUsd: 0 });
    // Without the alias the key budget does not cover the call.
    await clock.run(router.complete(req(3, { user: 'u1', key: 'k1' })));
    expect(store.budget('user').read('total').spentUsd).toBe(2);
    expect(store.budget('key').read('total').spentUsd).toBe(1);
  });

  it('fires budget:threshold at 50, 80 and 100% once per period, and starts again in the next period', async () => {
    const { clock, router, thresholds } = budgeted({
      budgets: [{ limitUsd: 10, period: 'day', timeZone: 'UTC' }],
    });
    const spend = async () => {
      for (let i = 0; i < 10; i++) await clock.run(router.complete(ask('x', { maxOutputTokens: 1 })));
    };
    await spend();
    expect(thresholds.map((t) => [t.threshold, t.spentUsd, t.reason, t.periodKey])).toEqual([
      [0.5, 5, 'spend', '1970-01-01'],
      [0.8, 8, 'spend', '1970-01-01'],
      [1, 10, 'spend', '1970-01-01'],
    ]);
    expect(thresholds[0]).toMatchObject({ budget: 'router/day', scope: {}, period: 'day', limitUsd: 10 });
    await rejectionOf(clock.run(router.complete(ask('x', { maxOutputTokens: 1 }))));
    expect(thresholds).toHaveLength(3);
    await clock.advanceTo(DAY);
    await spend();
    expect(thresholds.slice(3).map((t) => [t.threshold, t.periodKey])).toEqual([
      [0.5, '1970-01-02'],
      [0.8, '1970-01-02'],
      [1, '1970-01-02'],
    ]);
  });

  it('fires 100% when it first refuses a call, even before the spend reaches it', async () => {
    const { clock, router, thresholds } = budgeted({ budgets: [{ limitUsd: 10, period: 'total' }] });
    await rejectionOf(clock.run(router.complete(ask('x', { maxOutputTokens: 11 }))));
    expect(thresholds.map((t) => [t.threshold, t.reason, t.spentUsd])).toEqual([
      [0.5, 'refusal', 0],
      [0.8, 'refusal', 0],
      [1, 'refusal', 0],
    ]);
  });

  it('settles a failure before content at zero, a broken stream at its streamed text, unknown usage at the estimate', async () => {
    let outcome: 'fail' | 'broken' | 'unknown' = 'fail';
    const adapter = new MockAdapter(() =>
      outcome === 'fail'
        ? { error: { status: 400 } }
        : outcome === 'broken'
          ? { stream: ['abcd', 'efgh'], error: { status: 500 } }
          : { text: 'ok', usage: { inputTokens: 0, outputTokens: 0, unknown: true } },
    );
    const { clock, router, store } = budgeted(
      { budgets: [{ id: 'b', limitUsd: 100, period: 'total' }] },
      adapter,
    );
    await rejectionOf(clock.run(router.complete(ask('x', { maxOutputTokens: 5 }))));
    expect(store.budget('b').read('total')).toMatchObject({ spentUsd: 0, reservedUsd: 0 });
    outcome = 'broken';
    await rejectionOf(clock.run(collect(router, 5)));
    expect(store.budget('b').read('total')).toMatchObject({ spentUsd: 2, reservedUsd: 0 }); // 8 chars ≈ 2 tokens
    outcome = 'unknown';
    await clock.run(router.complete(ask('x', { maxOutputTokens: 5 })));
    expect(store.budget('b').read('total')).toMatchObject({ spentUsd: 3, reservedUsd: 0 }); // 'ok' ≈ 1 token
  });

  it('is shared by routers over one store', async () => {
    const store = new MemoryStateStore();
    const clock = new VirtualClock();
    const make = () =>
      new Router({
        targets: [{ id: 'a', adapter: okAfter(1), model: 'm', price: DOLLAR_PER_TOKEN }],
        clock,
        store,
        budgets: [{ limitUsd: 3, period: 'total' }],
      });
    const [r1, r2] = [make(), make()];
    await clock.run(r1.complete(ask('x', { maxOutputTokens: 2 })));
    await clock.run(r2.complete(ask('x', { maxOutputTokens: 2 })));
    const error = await rejectionOf(clock.run(r1.complete(ask('x', { maxOutputTokens: 2 }))));
    expect(error.budget.spentUsd).toBe(2);
  });

  it("holds each reservation until the call's deadline plus holdMarginMs, and settles that very hold", async () => {
    const base = new MemoryStateStore();
    const seen: { holdMs: number; settled: string[]; released: string[]; issued: string[] } = {
      holdMs: 0,
      settled: [],
      released: [],
      issued: [],
    };
    const store: StateStore = {
      target: (id, policy) => base.target(id, policy),
      budget: (id) => {
        const inner = base.budget(id);
        return {
          reserve: (k, a, l, n, h) => {
            seen.holdMs = h;
            const answer = inner.reserve(k, a, l, n, h) as BudgetReservation; // the memory store answers at once
            if (answer.hold !== undefined) seen.issued.push(answer.hold.id);
            return answer;
          },
          settle: (k, hold, a) => {
            seen.settled.push(hold.id);
            return inner.settle(k, hold, a);
          },
          release: (k, hold) => {
            seen.released.push(hold.id);
            return inner.release(k, hold);
          },
          read: (k) => inner.read(k),
        };
      },
    };
    const { clock, router } = budgeted({
      store,
      timeoutMs: 5_000,
      budgets: [{ limitUsd: 100, period: 'total', holdMarginMs: 1_500 }],
    });
    await clock.run(router.complete(ask('x', { maxOutputTokens: 5 })));
    expect(seen.holdMs).toBe(6_500);
    expect(seen.settled).toEqual(seen.issued);
    expect(seen.issued).toHaveLength(1);
    expect(router.budgets()[0]).toMatchObject({ reservedUsd: 0 });
  });

  it('keeps serving when the store cannot answer (fail-open)', async () => {
    const base = new MemoryStateStore();
    const broken: StateStore = {
      target: (id, policy) => base.target(id, policy),
      budget: () => ({
        reserve: () => Promise.reject(new Error('store down')),
        settle: () => Promise.reject(new Error('store down')),
        release: () => Promise.reject(new Error('store down')),
        read: (periodKey) => ({ periodKey, spentUsd: 0, reservedUsd: 0 }),
      }),
    };
    const { clock, router } = budgeted({ store: broken, budgets: [{ limitUsd: 1, period: 'total' }] });
    const res = await clock.run(router.complete(ask('x', { maxOutputTokens: 5 })));
    expect(res.text).toBe('ok');
  });

  it('refuses invalid budget options at construction, naming the field', () => {
    const targets = [{ id: 'a', adapter: okAfter(1), model: 'm', price: DOLLAR_PER_TOKEN }];
    const message = (budgets: unknown, extra: object = {}) =>
      constructionError({ targets, budgets, ...extra }).message as string;
    expect(message([{ limitUsd: -1, period: 'day' }])).toContain('budgets[0].limitUsd');
    expect(message([{ limitUsd: 1, period: 'week' }])).toContain(
      "budgets[0].period: expected 'day', 'month' or 'total'",
    );
    expect(message([{ limitUsd: 1, period: 'day', timeZone: 'Mars/Olympus' }])).toContain(
      'budgets[0].timeZone',
    );
    expect(message([{ limitUsd: 1, period: 'day', scope: { team: 'a' } }])).toContain(
      "budgets[0].scope: unknown option 'team'",
    );
    expect(message([{ limitUsd: 1, period: 'day', thresholds: [0.5, -1] }])).toContain(
      'budgets[0].thresholds',
    );
    expect(
      message([
        { limitUsd: 1, period: 'day' },
        { limitUsd: 2, period: 'day' },
      ]),
    ).toContain('budgets[1]: a budget with id "router/day" already exists');
    expect(
      constructionError({
        targets: [{ id: 'free', adapter: new MockAdapter([]), model: 'm' }],
        budgets: [{ limitUsd: 1, period: 'day' }],
      }).message,
    ).toContain('target(s) "free" have no price');
    const store: StateStore = { target: (id, p) => new MemoryStateStore().target(id, p) };
    expect(message([{ limitUsd: 1, period: 'day' }], { store })).toContain(
      'the state store has no budget() operation',
    );
    expect(constructionError({ targets, budgets: [{ limitUsd: 1, period: 'day' }], store }).kind).toBe(
      'config',
    );
  });
});

/** Streams one call to its end (throws what the stream throws). */
async function collect(router: Router, maxOutputTokens: number, text = 'x'): Promise<void> {
  for await (const _ of router.stream(ask(text, { maxOutputTokens }))) {
    // drain
  }
}

/** A store whose budget operations answer after a microtask hop, like a remote one. */
function asyncStore(base: MemoryStateStore): StateStore {
  return {
    target: (id, policy) => base.target(id, policy),
    budget: (id): BudgetStateHandle => {
      const inner = base.budget(id);
      return {
        reserve: (k, a, l, n, h) => Promise.resolve().then(() => inner.reserve(k, a, l, n, h)),
        settle: (k, r, a) => Promise.resolve().then(() => inner.settle(k, r, a)),
        release: (k, r) => Promise.resolve().then(() => inner.release(k, r)),
        read: (k) => inner.read(k),
      };
    },
  };
}

describe('budgets added at run time', () => {
  function unbudgeted() {
    const clock = new VirtualClock();
    const store = new MemoryStateStore();
    const adapter = okAfter(10);
    const router = new Router({
      targets: [{ id: 'a', adapter, model: 'm', price: DOLLAR_PER_TOKEN }],
      clock,
      store,
      breaker: false,
    });
    return { clock, store, router, adapter };
  }
  const asKey = (key: string) => ask('x', { maxOutputTokens: 1, metadata: { key } });

  it('a router built without budgets enforces one set later, per key, and forgets it when removed', async () => {
    const { clock, router, adapter } = unbudgeted();
    router.setBudget({ id: 'key:k1', scope: { key: 'k1' }, limitUsd: 2, period: 'total' });
    await clock.run(router.complete(asKey('k1')));
    await clock.run(router.complete(asKey('k1')));
    expect((await rejectionOf(clock.run(router.complete(asKey('k1'))))).kind).toBe('budget_exceeded');
    // Another key is not covered.
    await clock.run(router.complete(asKey('k2')));
    expect(adapter.callCount).toBe(3);
    expect(router.budgets().map((b) => [b.id, b.spentUsd])).toEqual([['key:k1', 2]]);
    expect(router.removeBudget('key:k1')).toBe(true);
    expect(router.removeBudget('key:k1')).toBe(false);
    await clock.run(router.complete(asKey('k1')));
    expect(router.budgets()).toEqual([]);
  });

  it('replacing a budget keeps its spend: a higher limit lets the key go on from where it was', async () => {
    const { clock, router } = unbudgeted();
    router.setBudget({ id: 'key:k1', scope: { key: 'k1' }, limitUsd: 1, period: 'total' });
    await clock.run(router.complete(asKey('k1')));
    expect((await rejectionOf(clock.run(router.complete(asKey('k1'))))).kind).toBe('budget_exceeded');
    router.setBudget({ id: 'key:k1', scope: { key: 'k1' }, limitUsd: 2, period: 'total' });
    await clock.run(router.complete(asKey('k1')));
    expect(router.budgets()).toMatchObject([{ id: 'key:k1', limitUsd: 2, spentUsd: 2 }]);
  });

  it('thousands of key budgets each cover only their own key', async () => {
    const { clock, router } = unbudgeted();
    for (let i = 0; i < 5_000; i++) {
      router.setBudget({ id: `key:k${i}`, scope: { key: `k${i}` }, limitUsd: 1, period: 'total' });
    }
    await clock.run(router.complete(asKey('k4999')));
    const spent = router.budgets().filter((b) => b.spentUsd > 0);
    expect(spent.map((b) => b.id)).toEqual(['key:k4999']);
  });

  it('an invalid budget, a store without budgets or an unpriced target is a config error naming the field', () => {
    const { router } = unbudgeted();
    const invalid = (() => {
      try {
        router.setBudget({ limitUsd: -1, period: 'total' });
      } catch (e) {
        return e as { kind: string; message: string };
      }
    })();
    expect(invalid?.kind).toBe('config');
    expect(invalid?.message).toBe('invalid budget: limitUsd: expected a number ≥ 0');
    const unpriced = new Router({ targets: [{ id: 'a', adapter: okAfter(1), model: 'm' }] });
    expect(() => unpriced.setBudget({ limitUsd: 1, period: 'total' })).toThrow(
      /setBudget: target\(s\) "a" have no price/,
    );
    const noBudgets: StateStore = { target: (id, policy) => new MemoryStateStore().target(id, policy) };
    const plain = new Router({
      targets: [{ id: 'a', adapter: okAfter(1), model: 'm', price: DOLLAR_PER_TOKEN }],
      store: noBudgets,
    });
    expect(() => plain.setBudget({ limitUsd: 1, period: 'total' })).toThrow(/no budget\(\) operation/);
  });
});
