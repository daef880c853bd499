import { afterEach, describe, expect, it } from 'vitest';
import { Router } from '../../index.js';
import { MockAdapter, VirtualClock } from '../../src/testing/index.js';
import type { AlertRule } from './index.js';
import { AlertManager, fingerprint } from './index.js';
import { recordingSink } from './testkit/receiver.js';
import type { Alert } from './types.js';

const messages = [{ role: 'user' as const, content: 'hi' }];
const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

/** A router of two targets (alias `chat`); `fail` decides per target whether calls fail with `status`. */
function setup(rules: AlertRule[], extra: Partial<ConstructorParameters<typeof AlertManager>[0]> = {}) {
  const clock = new VirtualClock(1_000_000);
  const failing = new Set<string>();
  let status = 500;
  const adapter = new MockAdapter((_req, info) =>
    failing.has(info.target)
      ? { error: { status } }
      : { text: 'ok', usage: { inputTokens: 1, outputTokens: 1 } },
  );
  const router = new Router({
    targets: [
      { id: 'a', adapter, model: 'm', aliases: ['chat'] },
      { id: 'b', adapter, model: 'm', aliases: ['chat'] },
    ],
    strategy: 'round-robin',
    clock,
    retry: { maxAttempts: 1 },
    breaker: false,
  });
  const sink = recordingSink();
  const alerts = new AlertManager({
    rules,
    sinks: { rec: sink },
    clock,
    intervalMs: 10_000,
    groupWindowMs: 0,
    ...extra,
  });
  alerts.attach(router);
  closers.push(() => alerts.close());
  const events: { name: string; alert: Alert }[] = [];
  for (const name of ['alert:pending', 'alert:firing', 'alert:resolved'] as const) {
    alerts.on(name, (alert) => events.push({ name, alert }));
  }
  const calls = async (n: number) => {
    for (let i = 0; i < n; i++) await clock.run(router.complete({ messages }).catch(() => undefined));
  };
  return {
    clock,
    router,
    alerts,
    sink,
    events,
    calls,
    fail: (t: string, s = 500) => {
      failing.add(t);
      status = s;
    },
    heal: (t: string) => failing.delete(t),
  };
}

const errorRate: AlertRule = {
  name: 'errors',
  type: 'error_rate',
  severity: 'critical',
  windowMs: 60_000,
  threshold: 0.3,
  minCalls: 4,
  forMs: 20_000,
  keepFiringForMs: 20_000,
};

describe('AlertManager lifecycle', () => {
  it('goes pending, fires after forMs, and resolves after the clear condition held for keepFiringForMs', async () => {
    const t = setup([errorRate]);
    t.fail('a');
    await t.calls(10); // a fails 5 of its 5 attempts
    await t.clock.advance(10_000); // evaluation 1: pending
    expect(t.events.map((e) => e.name)).toEqual(['alert:pending']);
    expect(t.sink.sent).toHaveLength(0);
    await t.calls(10);
    await t.clock.advance(10_000); // 10 s pending
    expect(t.sink.sent).toHaveLength(0);
    await t.calls(10);
    await t.clock.advance(10_000); // 20 s: firing
    expect(t.events.map((e) => e.name)).toEqual(['alert:pending', 'alert:firing']);
    await t.alerts.flush();
    expect(t.sink.sent).toHaveLength(1);
    const n = t.sink.sent[0]!;
    expect(n.status).toBe('firing');
    expect(n.alerts[0]!.labels).toEqual({ target: 'a' });
    expect(n.alerts[0]!.value).toBe(1);
    expect(n.alerts[0]!.fingerprint).toBe(fingerprint('errors', { target: 'a' }));
    t.heal('a');
    // Healthy calls: the 60 s window still holds failures for a while, then clears; resolve waits 20 s more.
    // At 80 s the 60 s window (slots ending after 20 s) holds 5 failures of 30 attempts (16.7% ≤ 24%): clear from then.
    for (let i = 0; i < 5; i++) {
      await t.calls(10);
      await t.clock.advance(10_000);
    }
    expect(t.events.at(-1)?.name).toBe('alert:firing'); // 80 s: clear, but not for 20 s yet
    await t.calls(10);
    await t.clock.advance(10_000);
    expect(t.events.at(-1)?.name).toBe('alert:firing');
    await t.calls(10);
    await t.clock.advance(10_000); // 100 s: clear for 20 s
    await t.alerts.flush();
    expect(t.events.at(-1)?.name).toBe('alert:resolved');
    expect(t.sink.sent.map((s) => s.status)).toEqual(['firing', 'resolved']);
    expect(t.sink.sent[1]!.alerts[0]!.endsAt).toBeGreaterThan(t.sink.sent[1]!.alerts[0]!.startsAt);
  });

  it('drops a pending alert silently when the condition stops before forMs', async () => {
    const t = setup([{ ...errorRate, forMs: 60_000, windowMs: 10_000 }]);
    t.fail('a');
    await t.calls(10);
    await t.clock.advance(10_000);
    t.heal('a');
    await t.calls(10);
    await t.clock.advance(10_000);
    await t.calls(10);
    await t.clock.advance(60_000);
    await t.alerts.flush();
    expect(t.events.map((e) => e.name)).toEqual(['alert:pending']);
    expect(t.sink.sent).toHaveLength(0);
    expect(t.alerts.alerts()).toEqual([]);
  });

  it('does not fire below minCalls', async () => {
    const t = setup([{ ...errorRate, forMs: 0, minCalls: 20 }]);
    t.fail('a');
    await t.calls(10);
    await t.clock.advance(10_000);
    expect(t.events).toHaveLength(0);
  });

  it('hysteresis: a rate between the clear threshold and the threshold keeps it firing', async () => {
    // threshold 0.3, clear at 0.3 × 0.8 = 0.24; a fails 1 in 4 calls (0.25) after firing.
    const t = setup([{ ...errorRate, forMs: 0, keepFiringForMs: 0, windowMs: 10_000 }]);
    t.fail('a');
    await t.calls(10);
    await t.clock.advance(10_000);
    expect(t.events.map((e) => e.name)).toEqual(['alert:pending', 'alert:firing']);
    t.heal('a');
    for (let round = 0; round < 3; round++) {
      // 8 calls → 4 on a; one of them fails: 25%
      t.fail('a');
      await t.calls(2); // a fails once (a, b)
      t.heal('a');
      await t.calls(6);
      await t.clock.advance(10_000);
    }
    expect(t.events.map((e) => e.name)).toEqual(['alert:pending', 'alert:firing']);
    await t.calls(8);
    await t.clock.advance(10_000);
    expect(t.events.at(-1)?.name).toBe('alert:resolved');
  });

  it('groups the alerts of one rule within the group window into one notification', async () => {
    const t = setup([{ ...errorRate, forMs: 0 }], { groupWindowMs: 30_000 });
    t.fail('a');
    await t.calls(10);
    await t.clock.advance(10_000); // a fires, window opens
    t.fail('b');
    await t.calls(10);
    await t.clock.advance(10_000); // b fires within the window
    expect(t.sink.sent).toHaveLength(0);
    await t.clock.advance(10_000);
    expect(t.sink.sent).toHaveLength(0);
    await t.clock.advance(10_000); // 40 s: the window opened at 10 s ends
    expect(t.sink.sent).toHaveLength(1);
    expect(t.sink.sent[0]!.alerts.map((a) => a.labels.target).sort()).toEqual(['a', 'b']);
  });

  it('repeats a long-firing alert after the repeat interval, and only then', async () => {
    const t = setup([{ ...errorRate, forMs: 0, windowMs: 10_000 }], { repeatIntervalMs: 60_000 });
    t.fail('a');
    for (let i = 0; i < 7; i++) {
      await t.calls(10);
      await t.clock.advance(10_000);
    }
    await t.alerts.flush();
    expect(t.sink.sent.map((n) => n.repeat)).toEqual([false, true]);
  });

  it('inhibition: a critical suppresses the warning about the same target', async () => {
    const warn: AlertRule = {
      ...errorRate,
      name: 'errors-warn',
      severity: 'warning',
      threshold: 0.1,
      forMs: 0,
    };
    const crit: AlertRule = {
      ...errorRate,
      name: 'errors-crit',
      severity: 'critical',
      threshold: 0.5,
      forMs: 0,
    };
    const t = setup([warn, crit]);
    t.fail('a');
    await t.calls(10);
    await t.clock.advance(10_000);
    await t.alerts.flush();
    expect(
      t.alerts
        .alerts()
        .map((a) => a.rule)
        .sort(),
    ).toEqual(['errors-crit', 'errors-warn']);
    expect(t.sink.sent.map((n) => n.rule)).toEqual(['errors-crit']);
  });

  it('silences mute notifications until they expire; unsilence ends one early', async () => {
    const t = setup([{ ...errorRate, forMs: 0, windowMs: 10_000 }]);
    const s = t.alerts.silence({ matchers: { target: 'a' }, durationMs: 25_000, comment: 'maintenance' });
    expect(t.alerts.silences().map((x) => x.id)).toEqual([s.id]);
    t.fail('a');
    await t.calls(10);
    await t.clock.advance(10_000);
    await t.calls(10);
    await t.clock.advance(10_000);
    await t.alerts.flush();
    expect(t.sink.sent).toHaveLength(0);
    await t.calls(10);
    await t.clock.advance(10_000); // 30 s: silence over
    await t.alerts.flush();
    expect(t.sink.sent).toHaveLength(1);
    const s2 = t.alerts.silence({ matchers: { rule: 'errors' }, durationMs: 1_000_000 });
    expect(t.alerts.unsilence(s2.id)).toBe(true);
    expect(t.alerts.unsilence('nope')).toBe(false);
    expect(() => t.alerts.silence({ matchers: { a: 'b' }, durationMs: 0 })).toThrow(/silence.durationMs/);
  });

  it('routes by severity, and a rule with its own sinks goes only there', async () => {
    const clock = new VirtualClock(0);
    const crit = recordingSink();
    const info = recordingSink();
    const alerts = new AlertManager({
      rules: [
        { name: 'b1', type: 'budget', severity: 'info', threshold: 0.5, forMs: 0 },
        { name: 'b2', type: 'budget', severity: 'critical', threshold: 1, forMs: 0, sinks: ['info'] },
      ],
      sinks: { crit, info },
      routes: { critical: ['crit'], info: ['info'] },
      clock,
      groupWindowMs: 0,
    });
    closers.push(() => alerts.close());
    alerts.onBudgetThreshold({
      budget: 'team',
      scope: { tag: 'research' },
      period: 'day',
      periodKey: '2026-12-02',
      limitUsd: 10,
      spentUsd: 10.5,
      threshold: 1,
    });
    await clock.advance(10_000);
    await alerts.flush();
    expect(info.sent.map((n) => n.rule).sort()).toEqual(['b1', 'b2']);
    expect(crit.sent).toHaveLength(0);
    expect(info.sent[0]!.alerts[0]!.labels).toMatchObject({ budget: 'team', period: 'day', tag: 'research' });
  });
});

describe('AlertManager edges', () => {
  it('attach twice is a config error; detach stops counting; close leaves no timer', async () => {
    const t = setup([{ ...errorRate, forMs: 0 }]);
    expect(() => t.alerts.attach(t.router)).toThrow(/alerts: attach: already attached/);
    await t.alerts.close();
    expect(t.clock.pendingTimers).toBe(0);
    t.fail('a');
    await t.calls(10);
    expect(t.events).toHaveLength(0);
    t.alerts.evaluate(); // closed: does nothing
    expect(t.events).toHaveLength(0);
  });

  it('a malformed budget event is an error event, not an exception', async () => {
    const clock = new VirtualClock(0);
    const alerts = new AlertManager({ rules: [], clock });
    closers.push(() => alerts.close());
    const errors: string[] = [];
    alerts.on('error', (e) => errors.push(e.message));
    alerts.onBudgetThreshold({ budget: 1 } as never);
    expect(errors).toEqual(['ignored a malformed budget event']);
  });
});

describe('fingerprint', () => {
  it('is stable, independent of label order, and differs per rule and labels', () => {
    const a = fingerprint('r', { target: 'x', alias: 'y' });
    expect(a).toBe(fingerprint('r', { alias: 'y', target: 'x' }));
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(a).not.toBe(fingerprint('r2', { target: 'x', alias: 'y' }));
    expect(a).not.toBe(fingerprint('r', { target: 'z', alias: 'y' }));
    // Pinned: a change here would re-open every incident after an upgrade.
    expect(fingerprint('errors', { target: 'a' })).toMatchInlineSnapshot(
      `"4fcfa01714aa8c4720f00c57358a1504"`,
    );
  });
});
