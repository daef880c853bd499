import { describe, expect, it } from 'vitest';
import {
  type BudgetConfig,
  type BudgetStateHandle,
  MemoryStateStore,
  Router,
  type RouterOptions,
  type RouterSnapshot,
  type StateStore,
} from '../../index.js';
import { MockAdapter, VirtualClock } from '../../src/testing/index.js';
import { ask, rejectionOf } from '../helpers/calls.js';

/** Each call costs $0.10 (1000 input tokens at $100/MTok); a reservation holds $0.10 + 1 output token. */
const PRICE = { inputPerMTok: 100, outputPerMTok: 100 };
const USAGE = { inputTokens: 1000, outputTokens: 0 };

function world(budget: Partial<BudgetConfig> = {}, extra: Partial<RouterOptions> = {}) {
  const clock = new VirtualClock(Date.UTC(2026, 11, 2, 12));
  const adapter = new MockAdapter(() => ({ text: 'ok', usage: USAGE, delayMs: 100 }));
  const options: RouterOptions = {
    targets: [{ id: 'a', adapter, model: 'm', price: PRICE }],
    budgets: [{ id: 'all', limitUsd: 1, period: 'total', ...budget }],
    retry: { maxAttempts: 1 },
    clock,
    ...extra,
  };
  return { clock, adapter, options, router: new Router(options) };
}

/** `x` × 4000 characters: estimated at 1000 input tokens, as the mock reports. */
const call = () => ({ ...ask('x'.repeat(4000)), maxOutputTokens: 1 });

describe('router.snapshot() / restore(): budget spend', () => {
  it('carries spent and reserved, and restores both as spent (in-flight calls never settle in the new process)', async () => {
    const { clock, options, router } = world();
    for (let i = 0; i < 3; i++) await clock.run(router.complete(call()));
    const inFlight = router.complete(call()); // holds its reservation: the clock is not moved
    await Promise.resolve();
    const snapshot = JSON.parse(JSON.stringify(router.snapshot())) as RouterSnapshot;
    expect(snapshot.version).toBe(2);
    expect(snapshot.budgets!.all!.periodKey).toBe('total');
    expect(snapshot.budgets!.all!.spentUsd).toBeCloseTo(0.3, 10);
    expect(snapshot.budgets!.all!.reservedUsd).toBeCloseTo(0.1001, 10);
    await clock.run(inFlight);

    const next = new Router({ ...options, clock: new VirtualClock(clock.now()), restore: snapshot });
    const [status] = next.budgets();
    expect(status!.spentUsd).toBeCloseTo(0.4001, 10);
    expect(status!.reservedUsd).toBe(0);
    // What is left ($0.5999) fits five calls of $0.1001, not six: the budget is never overspent.
    const clockB = new VirtualClock(clock.now());
    const restored = new Router({ ...options, clock: clockB });
    await restored.restore(snapshot);
    const outcomes: string[] = [];
    for (let i = 0; i < 7; i++) {
      outcomes.push(
        await clockB.run(restored.complete(call())).then(
          () => 'ok',
          (e: { kind: string }) => e.kind,
        ),
      );
    }
    expect(outcomes).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'budget_exceeded', 'budget_exceeded']);
    expect(restored.budgets()[0]!.spentUsd).toBeLessThanOrEqual(1);
  });

  it('never lowers spend already counted, and leaves an ended period and unknown budgets alone', async () => {
    const { clock, options, router } = world({ period: 'day' });
    await clock.run(router.complete(call()));
    const snapshot = router.snapshot();
    expect(snapshot.budgets!.all!.periodKey).toBe('2026-12-02');

    // A router that has already spent more keeps its own figure.
    const busy = world({ period: 'day' });
    for (let i = 0; i < 3; i++) await busy.clock.run(busy.router.complete(call()));
    await busy.router.restore(snapshot);
    expect(busy.router.budgets()[0]!.spentUsd).toBeCloseTo(0.3, 10);

    // The next day, yesterday's spend is not brought back.
    const tomorrow = new VirtualClock(Date.UTC(2026, 11, 3, 1));
    const later = new Router({ ...options, clock: tomorrow, restore: snapshot });
    expect(later.budgets()[0]).toMatchObject({ periodKey: '2026-12-03', spentUsd: 0 });

    // A budget the snapshot does not know starts at zero.
    const other = new Router({
      ...options,
      budgets: [{ id: 'other', limitUsd: 1, period: 'day' }],
      restore: snapshot,
    });
    expect(other.budgets()[0]!.spentUsd).toBe(0);
  });

  it('counts thresholds the restored spend has reached as fired (a restart does not fire them again)', async () => {
    const { clock, options, router } = world();
    for (let i = 0; i < 6; i++) await clock.run(router.complete(call()));
    const snapshot = router.snapshot(); // $0.60: 50% fired
    const clockB = new VirtualClock(clock.now());
    const next = new Router({ ...options, clock: clockB, restore: snapshot });
    const fired: number[] = [];
    next.on('budget:threshold', (e) => fired.push(e.threshold));
    await clockB.run(next.complete(call())); // $0.70
    expect(fired).toEqual([]);
    await clockB.run(next.complete(call())); // $0.80 (a hair under, in floating point)
    await clockB.run(next.complete(call())); // $0.90
    expect(fired).toEqual([0.8]);
  });

  it('reads a version 1 snapshot (no budgets) and refuses malformed budget entries naming the field', async () => {
    const { options, router } = world();
    const current = router.snapshot();
    const { budgets: _, ...v1 } = { ...current, version: 1 };
    const restored = new Router({ ...options, restore: v1 as RouterSnapshot });
    expect(restored.budgets()[0]!.spentUsd).toBe(0);

    const cases: Array<[unknown, string]> = [
      [{ ...current, budgets: undefined }, 'snapshot.budgets: expected an object, got undefined'],
      [
        { ...current, budgets: { all: { periodKey: 7, spentUsd: 0, reservedUsd: 0 } } },
        'snapshot.budgets["all"].periodKey: expected a string, got 7',
      ],
      [
        { ...current, budgets: { all: { periodKey: 'total', spentUsd: -1, reservedUsd: 0 } } },
        'snapshot.budgets["all"].spentUsd: expected a number ≥ 0, got -1',
      ],
      [
        { ...current, budgets: { all: { periodKey: 'total', spentUsd: 1, reservedUsd: 'x' } } },
        'snapshot.budgets["all"].reservedUsd: expected a finite number, got \'x\'',
      ],
    ];
    for (const [snapshot, message] of cases) {
      const error = await rejectionOf(router.restore(snapshot as RouterSnapshot));
      expect(error.kind).toBe('config');
      expect(error.message).toBe(message);
    }
  });

  it('skips budgets of a store whose handle cannot restore', async () => {
    const memory = new MemoryStateStore();
    const store: StateStore = {
      target: (id, policy) => memory.target(id, policy),
      budget: (id) => {
        const inner = memory.budget(id);
        const handle: BudgetStateHandle = {
          reserve: (p, a, l, n, h) => inner.reserve(p, a, l, n, h),
          settle: (p, r, a) => inner.settle(p, r, a),
          release: (p, r) => inner.release(p, r),
          read: (p) => inner.read(p),
        };
        return handle;
      },
    };
    const { clock, options, router } = world();
    await clock.run(router.complete(call()));
    const next = new Router({ ...options, store });
    await expect(next.restore(router.snapshot())).resolves.toBeUndefined();
    expect(next.budgets()[0]!.spentUsd).toBe(0);
  });
});
