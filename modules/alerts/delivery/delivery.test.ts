import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/testing/index.js';
import { AlertEmitter, type AlertEvents } from '../events.js';
import type { AlertSink, Notification, Severity } from '../types.js';
import { SinkDispatcher } from './dispatcher.js';
import { DEFAULT_DELIVERY, type DeliveryOptions } from './options.js';
import { DeliveryQueue } from './queue.js';
import { parseRetryAfter, redact, SinkError } from './sink-error.js';

const note = (severity: Severity, rule = 'r'): Notification => ({
  status: 'firing',
  rule,
  severity,
  groupKey: rule,
  alerts: [],
  repeat: false,
  at: 0,
});

type Step = 'ok' | 'hang' | SinkError | Error;

/** A sink that follows `steps` (then succeeds), recording each attempt's time. */
function scriptedSink(steps: Step[]): AlertSink & { attempts: number[]; delivered: Notification[] } {
  const attempts: number[] = [];
  const delivered: Notification[] = [];
  let clock: VirtualClock | undefined;
  const sink = {
    kind: 'scripted',
    attempts,
    delivered,
    secrets: () => ['SECRET-TOKEN-XYZ'],
    bind(c: VirtualClock) {
      clock = c;
    },
    send(n: Notification) {
      attempts.push(clock?.now() ?? 0);
      const step = steps.shift() ?? 'ok';
      if (step === 'hang') return new Promise<void>(() => undefined);
      if (step !== 'ok') return Promise.reject(step);
      delivered.push(n);
      return Promise.resolve();
    },
  };
  return sink;
}

const closers: (() => void)[] = [];
afterEach(() => {
  for (const c of closers.splice(0)) c();
});

function dispatcher(steps: Step[], options: DeliveryOptions = {}) {
  const clock = new VirtualClock(0);
  const sink = scriptedSink(steps);
  (sink as unknown as { bind(c: VirtualClock): void }).bind(clock);
  const emitter = new AlertEmitter();
  const events: { name: keyof AlertEvents; payload: unknown }[] = [];
  for (const name of [
    'delivery:success',
    'delivery:retry',
    'delivery:failure',
    'delivery:dropped',
    'sink:breaker',
  ] as const) {
    emitter.on(name, ((payload: unknown) => void events.push({ name, payload })) as never);
  }
  const d = new SinkDispatcher('s', sink, { ...DEFAULT_DELIVERY, ...options }, clock, () => 0.5, emitter);
  closers.push(() => d.close());
  return { clock, sink, d, events, names: () => events.map((e) => e.name) };
}

describe('SinkDispatcher', () => {
  it('retries 5xx with exponential backoff, then succeeds', async () => {
    const t = dispatcher(
      [new SinkError('http', 'HTTP 500', true, 500), new SinkError('http', 'HTTP 502', true, 502)],
      {
        backoffMs: 1000,
      },
    );
    t.d.enqueue(note('warning'));
    await t.clock.advance(10_000);
    expect(t.sink.attempts).toEqual([0, 1000, 3000]);
    expect(t.names()).toEqual(['delivery:retry', 'delivery:retry', 'delivery:success']);
  });

  it('honours Retry-After on 429 instead of the backoff', async () => {
    const t = dispatcher([new SinkError('http', 'HTTP 429', true, 429, 7_000)]);
    t.d.enqueue(note('critical'));
    await t.clock.advance(20_000);
    expect(t.sink.attempts).toEqual([0, 7000]);
    expect(t.events[0]!.payload).toMatchObject({
      delayMs: 7000,
      fromRetryAfter: true,
      error: { status: 429 },
    });
  });

  it('does not retry a 4xx, and gives up after maxRetries', async () => {
    const t = dispatcher([new SinkError('http', 'HTTP 400', false, 400)]);
    t.d.enqueue(note('info'));
    await t.clock.advance(10_000);
    expect(t.sink.attempts).toEqual([0]);
    expect(t.names()).toEqual(['delivery:failure']);
    const u = dispatcher(
      Array.from({ length: 5 }, () => new SinkError('http', 'HTTP 503', true, 503)),
      { maxRetries: 2 },
    );
    u.d.enqueue(note('info'));
    await u.clock.advance(60_000);
    expect(u.sink.attempts).toHaveLength(3);
    expect(u.names()).toEqual(['delivery:retry', 'delivery:retry', 'delivery:failure']);
  });

  it('times out a hanging attempt and retries', async () => {
    const t = dispatcher(['hang'], { timeoutMs: 2_000, backoffMs: 500 });
    t.d.enqueue(note('critical'));
    await t.clock.advance(10_000);
    expect(t.sink.attempts).toEqual([0, 2500]);
    expect(t.events[0]!.payload).toMatchObject({ error: { kind: 'timeout' } });
    expect(t.sink.delivered).toHaveLength(1);
  });

  it('opens the breaker after repeated failed deliveries, pauses, then closes on a success', async () => {
    const fail = () => new SinkError('http', 'HTTP 500', true, 500);
    const t = dispatcher([fail(), fail()], { maxRetries: 0, breakerFailures: 2, breakerCooldownMs: 30_000 });
    t.d.enqueue(note('critical', 'one'));
    t.d.enqueue(note('critical', 'two'));
    t.d.enqueue(note('critical', 'three'));
    await t.clock.advance(1_000);
    expect(t.names()).toEqual(['delivery:failure', 'delivery:failure', 'sink:breaker']);
    expect(t.d.open).toBe(true);
    expect(t.sink.attempts).toEqual([0, 0]);
    await t.clock.advance(30_000);
    expect(t.sink.attempts).toEqual([0, 0, 30_000]);
    expect(t.d.open).toBe(false);
    expect(t.sink.delivered.map((n) => n.rule)).toEqual(['three']);
    expect(t.events.at(-1)).toEqual({
      name: 'sink:breaker',
      payload: { sink: 's', kind: 'scripted', state: 'closed' },
    });
  });

  it('redacts the sink secrets from error events', async () => {
    const t = dispatcher([new Error('failed posting to https://x/SECRET-TOKEN-XYZ')], { maxRetries: 0 });
    t.d.enqueue(note('info'));
    await t.clock.advance(1_000);
    expect(JSON.stringify(t.events)).not.toContain('SECRET-TOKEN-XYZ');
  });

  it('close drops what is queued with events and settles idle()', async () => {
    const t = dispatcher(['hang']);
    t.d.enqueue(note('warning', 'a'));
    t.d.enqueue(note('warning', 'b'));
    await t.clock.advance(1);
    const idle = t.d.idle();
    t.d.close();
    await idle;
    expect(
      t.events
        .filter((e) => e.name === 'delivery:dropped')
        .map((e) => (e.payload as { rule: string }).rule)
        .sort(),
    ).toEqual(['a', 'b']);
    expect(t.clock.pendingTimers).toBe(0);
  });
});

describe('DeliveryQueue', () => {
  it('drops the oldest info first, then warnings, never a critical', () => {
    const q = new DeliveryQueue(3);
    expect(q.push(note('info', 'i1'))).toBeUndefined();
    q.push(note('warning', 'w1'));
    q.push(note('info', 'i2'));
    expect(q.push(note('critical', 'c1'))?.rule).toBe('i1');
    expect(q.push(note('critical', 'c2'))?.rule).toBe('i2');
    expect(q.push(note('info', 'i3'))?.rule).toBe('i3'); // the newcomer is the least urgent
    expect(q.push(note('critical', 'c3'))?.rule).toBe('w1');
    expect(q.push(note('critical', 'c4'))).toBeUndefined(); // full of criticals: grows, drops none
    expect(q.drain().map((n) => n.rule)).toEqual(['c1', 'c2', 'c3', 'c4']);
  });

  it('overflow in a dispatcher emits delivery:dropped', async () => {
    const t = dispatcher(['hang'], { queueSize: 1, timeoutMs: 60_000 });
    t.d.enqueue(note('info', 'busy')); // being delivered (hangs)
    await t.clock.advance(1);
    t.d.enqueue(note('info', 'old'));
    t.d.enqueue(note('critical', 'crit'));
    expect(t.events).toEqual([
      {
        name: 'delivery:dropped',
        payload: {
          sink: 's',
          kind: 'scripted',
          rule: 'old',
          severity: 'info',
          status: 'firing',
          reason: 'queue_full',
        },
      },
    ]);
  });
});

describe('helpers', () => {
  it('parseRetryAfter reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(
      parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')),
    ).toBe(10_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });

  it('redact removes raw, URL-encoded and base64 forms', () => {
    const s = 'p@ss/word';
    expect(redact(`a ${s} b ${encodeURIComponent(s)} c ${Buffer.from(s).toString('base64')}`, [s])).toBe(
      'a [redacted] b [redacted] c [redacted]',
    );
  });
});
