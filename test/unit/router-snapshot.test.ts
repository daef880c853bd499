import { describe, expect, it } from 'vitest';
import {
  type Admission,
  type JsonValue,
  MemoryStateStore,
  Router,
  type RouterSnapshot,
  type StateStore,
  type Strategy,
  type TargetStateHandle,
} from '../../index.js';
import { createSeededRandom, MockAdapter, VirtualClock } from '../../src/testing/index.js';
import { ask, rejectionOf } from '../helpers/calls.js';

/** A strategy that counts picks per target id and can snapshot the counts. */
function countingStrategy(): Strategy & { counts: Map<string, number> } {
  const counts = new Map<string, number>();
  return {
    name: 'counting',
    counts,
    pick(candidates) {
      const best = [...candidates].sort((a, b) => (counts.get(a.id) ?? 0) - (counts.get(b.id) ?? 0))[0]!;
      counts.set(best.id, (counts.get(best.id) ?? 0) + 1);
      return best;
    },
    snapshot: () => Object.fromEntries(counts),
    restore(snapshot: JsonValue) {
      for (const [id, n] of Object.entries(snapshot as Record<string, number>)) counts.set(id, n);
    },
  };
}

describe('router.snapshot() / restore()', () => {
  it('brings back breakers, Retry-After blocks and rate windows, by target id, through JSON', async () => {
    const clock = new VirtualClock(1_000_000);
    const failing = new MockAdapter(() => ({ error: { status: 503 } }));
    const limited = new MockAdapter(() => ({ error: { status: 429, retryAfterMs: 30_000 } }));
    const ok = new MockAdapter(() => ({ text: 'ok' }));
    const targets = [
      { id: 'down', adapter: failing, model: 'm' },
      { id: 'limited', adapter: limited, model: 'm' },
      { id: 'ok', adapter: ok, model: 'm', requestsPerMinute: 5 },
    ];
    const options = {
      targets,
      clock,
      strategy: 'priority',
      breaker: { failureThreshold: 1 },
      retry: { maxAttempts: 3 },
    };
    const first = new Router(options);
    await clock.run(first.complete(ask()));
    const snapshot = JSON.parse(JSON.stringify(first.snapshot())) as RouterSnapshot;
    expect(snapshot.format).toBe('switchyard.router-snapshot');
    expect(snapshot.targets.ok!.rateStamps).toEqual([1_000_000]);

    // A new router over targets in another order, with one target the snapshot does not know.
    const second = new Router({
      ...options,
      targets: [targets[2]!, targets[0]!, { id: 'new', adapter: ok, model: 'm' }, targets[1]!],
      restore: snapshot,
    });
    const health = Object.fromEntries(second.health().map((h) => [h.id, h]));
    expect(health.down!.state).toBe('open');
    expect(health.down!.openUntil).toBe(first.health()[0]!.openUntil);
    expect(health.limited!.blockedUntil).toBe(1_030_000);
    expect(health.new!.state).toBe('closed');
    expect(second.snapshot().targets.ok!.rateStamps).toEqual([1_000_000]);
    expect(second.snapshot().counters.calls).toBe(1);
  });

  it('restores strategy state by strategy name, and ignores unknown targets', async () => {
    const adapter = new MockAdapter(() => ({ text: 'ok' }));
    const targets = [
      { id: 'a', adapter, model: 'm' },
      { id: 'b', adapter, model: 'm' },
    ];
    const original = countingStrategy();
    const first = new Router({ targets, strategy: original });
    for (let i = 0; i < 3; i++) await first.complete(ask());
    const snapshot = first.snapshot();
    expect(snapshot.strategies.counting).toEqual({ a: 2, b: 1 });
    const restored = countingStrategy();
    const second = new Router({ targets, strategy: restored });
    await second.restore(snapshot);
    expect((await second.complete(ask())).target).toBe('b');
    expect((await first.complete(ask())).target).toBe('b');

    const withGhost = { ...snapshot, targets: { ...snapshot.targets, ghost: snapshot.targets.a! } };
    await expect(
      new Router({ targets, strategy: countingStrategy() }).restore(withGhost),
    ).resolves.toBeUndefined();
  });

  it('refuses a malformed or newer snapshot with a config error naming the field', async () => {
    const router = new Router({
      targets: [{ id: 'a', adapter: new MockAdapter(() => ({ text: 'ok' })), model: 'm' }],
    });
    const good = router.snapshot();
    const cases: Array<[unknown, string]> = [
      [null, 'snapshot: expected an object, got null'],
      [{ ...good, format: 'x' }, "snapshot.format: expected 'switchyard.router-snapshot', got 'x'"],
      [
        { ...good, version: 99 },
        'snapshot.version: 99 is newer than this version of switchyard-llm reads (2)',
      ],
      [
        { ...good, targets: { a: { ...good.targets.a!, blockedUntil: 'soon' } } },
        'snapshot.targets["a"].blockedUntil: expected a finite number, got \'soon\'',
      ],
      [
        {
          ...good,
          targets: { a: { ...good.targets.a!, breaker: { ...good.targets.a!.breaker, state: 'ajar' } } },
        },
        "snapshot.targets[\"a\"].breaker.state: expected 'closed' or 'open', got 'ajar'",
      ],
    ];
    for (const [snapshot, message] of cases) {
      const error = await rejectionOf(router.restore(snapshot as RouterSnapshot));
      expect(error.kind).toBe('config');
      expect(error.message).toBe(message);
    }
    expect(
      () => new Router({ targets: router.targets.map((t) => t.config), restore: {} as RouterSnapshot }),
    ).toThrow(/snapshot.format/);
  });
});

/** A store that answers every write and claim asynchronously, as a shared store would. */
class AsyncStore implements StateStore {
  readonly #inner = new MemoryStateStore();
  refuse = false;

  target(id: string, policy: Parameters<StateStore['target']>[1]): TargetStateHandle {
    const inner = this.#inner.target(id, policy);
    return {
      readyAt: (now) => inner.readyAt(now),
      blockedUntil: () => inner.blockedUntil(),
      acquire: async (now) =>
        this.refuse ? ({ admitted: false, retryAt: now } satisfies Admission) : inner.acquire(now),
      recordSuccess: async (now, probe) => inner.recordSuccess(now, probe),
      recordFailure: async (now, failure) => inner.recordFailure(now, failure),
      read: () => inner.read(),
      restore: async (snapshot) => inner.restore(snapshot),
    };
  }
}

describe('a state store that answers asynchronously', () => {
  it('routes, ejects and restores as the in-memory one does', async () => {
    const clock = new VirtualClock();
    const store = new AsyncStore();
    const failing = new MockAdapter(() => ({ error: { status: 500 } }));
    const ok = new MockAdapter(() => ({ text: 'ok' }));
    const router = new Router({
      targets: [
        { id: 'bad', adapter: failing, model: 'm' },
        { id: 'good', adapter: ok, model: 'm' },
      ],
      strategy: 'priority',
      breaker: { failureThreshold: 2 },
      store,
      clock,
    });
    const ejected: string[] = [];
    router.on('target:ejected', (e) => ejected.push(e.target));
    for (let i = 0; i < 3; i++) expect((await clock.run(router.complete(ask()))).target).toBe('good');
    expect(ejected).toEqual(['bad']);
    expect(failing.callCount).toBe(2);
    await router.restore(router.snapshot());
  });

  it('a store that keeps refusing claims ends the call with no_target', async () => {
    const store = new AsyncStore();
    store.refuse = true;
    const router = new Router({
      targets: [{ id: 'a', adapter: new MockAdapter(() => ({ text: 'ok' })), model: 'm' }],
      store,
    });
    const error = await rejectionOf(router.complete(ask()));
    expect(error.kind).toBe('no_target');
    expect(error.message).toContain('refused 16 claims');
    expect(router.health()[0]!.inFlight).toBe(0);
  });
});

describe('a restored learning router', () => {
  /** Targets whose latency and failures depend only on the target and the prompt (deterministic). */
  function lab() {
    const profile: Record<string, { ms: number; failEvery: number }> = {
      fast: { ms: 120, failEvery: 7 },
      steady: { ms: 300, failEvery: 0 },
      slow: { ms: 900, failEvery: 0 },
    };
    return Object.entries(profile).map(([id, p]) => ({
      id,
      model: 'm',
      price: { inputPerMTok: id === 'slow' ? 0.1 : 1, outputPerMTok: id === 'slow' ? 0.4 : 4 },
      adapter: new MockAdapter((req) => {
        const n = Number(String(req.messages[0]!.content).slice(5));
        const delayMs = p.ms + ((n * 37) % 50);
        return p.failEvery > 0 && n % p.failEvery === 0
          ? { error: { status: 503 }, delayMs }
          : { text: 'ok', delayMs };
      }),
    }));
  }

  async function run(router: Router, clock: VirtualClock, from: number, count: number): Promise<string[]> {
    const picked: string[] = [];
    for (let n = from; n < from + count; n++) {
      const res = await clock.run(router.complete(ask(`call ${n}`.replace(' ', ''))).catch((e) => e));
      picked.push(res.target ?? 'error');
    }
    return picked;
  }

  for (const strategy of ['adaptive', 'intelligent', 'response-time']) {
    it(`${strategy}: routes the next calls as the original does (and unlike a fresh router)`, async () => {
      const clockA = new VirtualClock(0);
      let randomA = createSeededRandom(1);
      const original = new Router({ targets: lab(), strategy, clock: clockA, random: () => randomA() });
      await run(original, clockA, 0, 300);
      const snapshot = JSON.parse(JSON.stringify(original.snapshot())) as RouterSnapshot;
      expect(Object.keys(snapshot.strategies)).toEqual([strategy]);

      randomA = createSeededRandom(99);
      const clockB = new VirtualClock(clockA.now());
      const restored = new Router({
        targets: lab(),
        strategy,
        clock: clockB,
        random: createSeededRandom(99),
        restore: snapshot,
      });
      const clockC = new VirtualClock(clockA.now());
      const fresh = new Router({
        targets: lab(),
        strategy,
        clock: clockC,
        random: createSeededRandom(99),
      });

      const next = await run(original, clockA, 300, 100);
      expect(await run(restored, clockB, 300, 100)).toEqual(next);
      expect(await run(fresh, clockC, 300, 100)).not.toEqual(next);
    });
  }
});
