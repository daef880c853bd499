import { describe, expect, it } from 'vitest';
import { Router } from '../../index.js';
import { MockAdapter, VirtualClock } from '../../src/testing/index.js';
import { ask, first, recordEvents, rejectionOf, targetsOf } from '../helpers/calls.js';

function twoTargets(
  clock: VirtualClock,
  aHandler: ConstructorParameters<typeof MockAdapter>[0],
  breaker = {},
) {
  const a = new MockAdapter(aHandler);
  const b = new MockAdapter(() => ({ text: 'b' }));
  const router = new Router({
    targets: targetsOf({ a, b }),
    strategy: first,
    retry: { maxAttempts: 2 },
    breaker: { failureThreshold: 3, cooldownMs: 1000, maxCooldownMs: 2500, ...breaker },
    clock,
  });
  return { a, b, router };
}

describe('circuit breaker', () => {
  it('ejects a target after N consecutive failures and skips it during the cooldown', async () => {
    const clock = new VirtualClock();
    const { a, router } = twoTargets(clock, () => ({ error: { status: 503 } }));
    const events = recordEvents(router);
    for (let i = 0; i < 3; i++) await clock.run(router.complete(ask()));
    expect(a.callCount).toBe(3);
    const ejected = events.find(([n]) => n === 'target:ejected')?.[1];
    expect(ejected).toMatchObject({
      target: 'a',
      cooldownMs: 1000,
      until: 1000,
      consecutiveFailures: 3,
      ejections: 1,
    });
    expect(router.health()[0]).toMatchObject({ state: 'open', openUntil: 1000 });
    for (let i = 0; i < 5; i++) expect((await clock.run(router.complete(ask()))).attempts).toHaveLength(1);
    expect(a.callCount).toBe(3);
  });

  it('a success resets the consecutive count', async () => {
    const clock = new VirtualClock();
    const { router } = twoTargets(clock, [
      { error: { status: 503 } },
      { error: { status: 503 } },
      { text: 'ok' },
      { error: { status: 503 } },
      { error: { status: 503 } },
    ]);
    const events = recordEvents(router);
    for (let i = 0; i < 5; i++) await clock.run(router.complete(ask()));
    expect(events.some(([n]) => n === 'target:ejected')).toBe(false);
  });

  it('client errors (invalid_request, aborted) never count against health', async () => {
    const clock = new VirtualClock();
    const { router } = twoTargets(clock, () => ({ error: { status: 400 } }));
    for (let i = 0; i < 10; i++) await rejectionOf(clock.run(router.complete(ask())));
    expect(router.health()[0]).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
  });

  it('after the cooldown lets exactly one probe through under 100 concurrent callers', async () => {
    const clock = new VirtualClock();
    let probeCalls = 0;
    const { a, router } = twoTargets(clock, (_req, info) => {
      if (info.call <= 3) return { error: { status: 503 } };
      probeCalls++;
      return { text: 'probe ok', delayMs: 50 };
    });
    const events = recordEvents(router);
    for (let i = 0; i < 3; i++) await clock.run(router.complete(ask()));
    await clock.advance(1000);
    expect(router.health()[0]!.state).toBe('half-open');
    const results = await clock.run(Promise.all(Array.from({ length: 100 }, () => router.complete(ask()))));
    expect(probeCalls).toBe(1);
    expect(a.callCount).toBe(4);
    expect(results.filter((r) => r.target === 'a')).toHaveLength(1);
    expect(results.filter((r) => r.target === 'b')).toHaveLength(99);
    expect(events.find(([n]) => n === 'target:restored')?.[1]).toMatchObject({ target: 'a', downMs: 1050 });
    expect(router.health()[0]!.state).toBe('closed');
  });

  it('a failed probe re-ejects with a longer cooldown (base × k, capped)', async () => {
    const clock = new VirtualClock();
    const { router } = twoTargets(clock, () => ({ error: { status: 503 } }));
    const events = recordEvents(router);
    for (let i = 0; i < 3; i++) await clock.run(router.complete(ask()));
    for (const wait of [1000, 2000, 2500, 2500]) {
      await clock.advance(wait);
      await clock.run(router.complete(ask())); // the probe fails and falls back to b
    }
    const cooldowns = events.filter(([n]) => n === 'target:ejected').map(([, e]) => e.cooldownMs);
    expect(cooldowns).toEqual([1000, 2000, 2500, 2500, 2500]);
  });

  it('a probe that the caller aborts does not count: the next call probes again', async () => {
    const clock = new VirtualClock();
    const { a, router } = twoTargets(clock, (_r, info) =>
      info.call <= 3 ? { error: { status: 503 } } : { text: 'slow probe', delayMs: 1000 },
    );
    for (let i = 0; i < 3; i++) await clock.run(router.complete(ask()));
    await clock.advance(1000);
    const controller = new AbortController();
    const probe = router.complete(ask('x', { signal: controller.signal }));
    await clock.advance(10);
    controller.abort();
    expect((await rejectionOf(probe)).kind).toBe('aborted');
    expect(router.health()[0]!.state).toBe('half-open');
    const next = await clock.run(router.complete(ask()));
    expect(next.target).toBe('a');
    expect(a.callCount).toBe(5);
  });

  it('fails fast with no_target and nextAvailableAt when every target is ejected', async () => {
    const clock = new VirtualClock();
    const a = new MockAdapter(() => ({ error: { status: 503 } }));
    const router = new Router({
      targets: [{ id: 'a', adapter: a, model: 'm' }],
      retry: { maxAttempts: 1 },
      breaker: { failureThreshold: 2, cooldownMs: 5000 },
      clock,
    });
    await rejectionOf(clock.run(router.complete(ask())));
    await rejectionOf(clock.run(router.complete(ask())));
    const error = await rejectionOf(clock.run(router.complete(ask())));
    expect(error.kind).toBe('no_target');
    expect(error.nextAvailableAt).toBe(5000);
    expect(a.callCount).toBe(2);
    expect(clock.now()).toBe(0);
  });

  it('opt-in: waits for the earliest recovery within the deadline', async () => {
    const clock = new VirtualClock();
    const a = new MockAdapter((_r, info) =>
      info.call <= 2 ? { error: { status: 503 } } : { text: 'recovered' },
    );
    const router = new Router({
      targets: [{ id: 'a', adapter: a, model: 'm' }],
      retry: { maxAttempts: 1 },
      breaker: { failureThreshold: 2, cooldownMs: 5000, waitForRecovery: true },
      clock,
      timeoutMs: 10_000,
    });
    await rejectionOf(clock.run(router.complete(ask())));
    await rejectionOf(clock.run(router.complete(ask())));
    const res = await clock.run(router.complete(ask()));
    expect(res.text).toBe('recovered');
    expect(clock.now()).toBe(5000);
  });

  it('opt-in wait does not wait past the deadline', async () => {
    const clock = new VirtualClock();
    const a = new MockAdapter(() => ({ error: { status: 503 } }));
    const router = new Router({
      targets: [{ id: 'a', adapter: a, model: 'm' }],
      retry: { maxAttempts: 1 },
      breaker: { failureThreshold: 1, cooldownMs: 5000, waitForRecovery: true },
      clock,
      timeoutMs: 2000,
    });
    await rejectionOf(clock.run(router.complete(ask())));
    const error = await rejectionOf(clock.run(router.complete(ask())));
    expect(error.kind).toBe('no_target');
    expect(clock.now()).toBe(0);
  });

  it('a failure of an attempt started before the ejection does not extend or shorten the cooldown', async () => {
    const clock = new VirtualClock();
    const a = new MockAdapter((_r, info) =>
      info.call === 1 ? { error: { status: 503 }, delayMs: 300 } : { error: { status: 503 }, delayMs: 10 },
    );
    const router = new Router({
      targets: [{ id: 'a', adapter: a, model: 'm' }],
      retry: { maxAttempts: 1 },
      breaker: { failureThreshold: 2, cooldownMs: 1000 },
      clock,
    });
    const slow = router.complete(ask());
    await clock.advance(1);
    const fast1 = router.complete(ask());
    const fast2Error = await rejectionOf(clock.run(fast1));
    expect(fast2Error.kind).toBe('server');
    const fast2 = router.complete(ask()); // second failure at t=~11 → ejected until ~1011
    await rejectionOf(clock.run(fast2));
    const until = router.health()[0]!.openUntil;
    await rejectionOf(clock.run(slow)); // fails at t=300, while ejected
    expect(router.health()[0]!.openUntil).toBe(until);
  });

  it('can be disabled', async () => {
    const clock = new VirtualClock();
    const a = new MockAdapter(() => ({ error: { status: 503 } }));
    const router = new Router({
      targets: [{ id: 'a', adapter: a, model: 'm' }],
      retry: { maxAttempts: 1 },
      breaker: false,
      clock,
    });
    for (let i = 0; i < 20; i++) await rejectionOf(clock.run(router.complete(ask())));
    expect(a.callCount).toBe(20);
  });
});

describe('breaker bookkeeping', () => {
  it('a failed probe counts as one more consecutive failure in target:ejected', async () => {
    const clock = new VirtualClock();
    const a = new MockAdapter(() => ({ error: { status: 503 } }));
    const router = new Router({
      targets: [
        { id: 'a', adapter: a, model: 'm' },
        { id: 'b', adapter: new MockAdapter(() => ({ text: 'b' })), model: 'm' },
      ],
      strategy: { name: 'first', pick: (c) => c[0]! },
      breaker: { failureThreshold: 2, cooldownMs: 100 },
      clock,
    });
    const events = recordEvents(router);
    for (let i = 0; i < 2; i++) await clock.run(router.complete(ask()));
    await clock.advance(100);
    await clock.run(router.complete(ask()));
    expect(events.filter(([n]) => n === 'target:ejected').map(([, e]) => e.consecutiveFailures)).toEqual([
      2, 3,
    ]);
  });
});
