import { describe, expect, it } from 'vitest';
import { createSeededRandom, StrategyRegistry, systemClock } from '../../index.js';
import { MockAdapter, VirtualClock } from '../../src/testing/index.js';
import { rejectionOf } from '../helpers/calls.js';

const opts = (clock = new VirtualClock(), signal = new AbortController().signal) => ({
  signal,
  target: 't',
  clock,
  deadline: Infinity,
});
const req = { model: 'm', messages: [{ role: 'user' as const, content: 'hello there' }] };

describe('MockAdapter', () => {
  it('answers text, tool calls and streams, and records calls', async () => {
    const mock = new MockAdapter([
      { text: 'hi' },
      { toolCalls: [{ toolName: 'f', input: { a: 1 } }] },
      { stream: ['a', 'b'] },
    ]);
    const r1 = await mock.complete(req, opts());
    expect(r1.content).toEqual([{ type: 'text', text: 'hi' }]);
    expect(r1.usage).toEqual({ inputTokens: 3, outputTokens: 1, totalTokens: 4 });
    const r2 = await mock.complete(req, opts());
    expect(r2.finishReason).toBe('tool-calls');
    expect(r2.content).toEqual([
      { type: 'tool-call', toolCallId: 'call_1', toolName: 'f', input: '{"a":1}' },
    ]);
    const parts = [];
    for await (const p of mock.stream(req, opts())) parts.push(p.type);
    expect(parts).toEqual(['response-metadata', 'text-delta', 'text-delta', 'finish']);
    expect(mock.calls.map((c) => [c.stream, c.result])).toEqual([
      [false, 'success'],
      [false, 'success'],
      [true, 'success'],
    ]);
  });

  it('streams tool calls as start, delta and complete call', async () => {
    const mock = new MockAdapter([{ toolCalls: [{ toolName: 'f', input: '{"x":2}', toolCallId: 'id9' }] }]);
    const parts: any[] = [];
    for await (const p of mock.stream(req, opts())) parts.push(p);
    expect(parts.map((p) => p.type)).toEqual([
      'response-metadata',
      'tool-input-start',
      'tool-input-delta',
      'tool-call',
      'finish',
    ]);
    expect(parts[3]).toMatchObject({ toolCallId: 'id9', input: '{"x":2}' });
  });

  it('maps error outcomes to typed errors and fails clearly when its script runs out', async () => {
    const mock = new MockAdapter([
      { error: { status: 429, retryAfterMs: 50 } },
      { error: { kind: 'connection', message: 'reset' } },
    ]);
    expect(await rejectionOf(mock.complete(req, opts()))).toMatchObject({
      kind: 'rate_limited',
      status: 429,
      retryAfterMs: 50,
      target: 't',
    });
    expect(await rejectionOf(mock.complete(req, opts()))).toMatchObject({ kind: 'connection' });
    const exhausted = await rejectionOf(mock.complete(req, opts()));
    expect(exhausted.kind).toBe('config');
    expect(exhausted.message).toContain('script has 2 outcomes');
    const repeat = new MockAdapter([{ text: 'again' }], { whenScriptEnds: 'repeat-last' });
    await repeat.complete(req, opts());
    expect((await repeat.complete(req, opts())).content).toEqual([{ type: 'text', text: 'again' }]);
  });

  it('honours delays on the given clock and the abort signal', async () => {
    const clock = new VirtualClock();
    const mock = new MockAdapter(() => ({ text: 'late', delayMs: 1000 }));
    const controller = new AbortController();
    const pending = mock.complete(req, opts(clock, controller.signal));
    await clock.advance(500);
    controller.abort();
    expect((await rejectionOf(pending)).kind).toBe('aborted');
    expect(mock.calls[0]!.result).toBe('aborted');
    expect((await rejectionOf(mock.complete(req, opts(clock, AbortSignal.abort())))).kind).toBe('aborted');
  });

  it('applies capabilities, provider and price options', () => {
    const mock = new MockAdapter(() => ({ text: '' }), {
      provider: 'x',
      capabilities: { tools: false },
      price: { inputPerMTok: 1, outputPerMTok: 2 },
    });
    expect(mock.provider).toBe('x');
    expect(mock.capabilities).toMatchObject({ tools: false, streaming: true });
    expect(mock.priceFor()).toEqual({ inputPerMTok: 1, outputPerMTok: 2 });
  });
});

describe('VirtualClock', () => {
  it('fires timers in time order, ties in creation order, and skips cancelled ones', async () => {
    const clock = new VirtualClock(100);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b'), 20);
    clock.setTimeout(() => fired.push('a'), 10);
    clock.setTimeout(() => fired.push('c'), 20);
    const cancelled = clock.setTimeout(() => fired.push('x'), 5);
    clock.clearTimeout(cancelled);
    clock.clearTimeout(12345);
    expect(clock.pendingTimers).toBe(3);
    await clock.advance(15);
    expect(fired).toEqual(['a']);
    expect(clock.now()).toBe(115);
    await clock.advance(100);
    expect(fired).toEqual(['a', 'b', 'c']);
    expect(clock.pendingTimers).toBe(0);
    expect(clock.nextTimerAt()).toBeUndefined();
  });

  it('run() reports a promise that nothing can settle', async () => {
    const clock = new VirtualClock();
    await expect(clock.run(new Promise(() => {}))).rejects.toThrow(/no timer is left/);
    clock.setTimeout(() => {}, 10_000);
    await expect(clock.run(new Promise(() => {}), 1000)).rejects.toThrow(/still pending after 1000 ms/);
  });
});

describe('seeded random and registry', () => {
  it('the same seed gives the same sequence in [0, 1)', () => {
    const a = createSeededRandom(42);
    const b = createSeededRandom(42);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(createSeededRandom(43)()).not.toBe(xs[0]);
  });

  it('registry rejects bad names, non-functions and duplicates; child registries fall back to the parent', () => {
    const parent = new StrategyRegistry();
    const f = () => ({ name: 'x', pick: (c: readonly any[]) => c[0] });
    parent.register('x', f);
    expect(() => parent.register('x', f)).toThrow(/already registered/);
    expect(() => parent.register('bad name', f)).toThrow(/strategy name 'bad name'/);
    expect(() => parent.register('y', 5 as never)).toThrow(/expected a factory/);
    const child = new StrategyRegistry(parent);
    child.register('z', f);
    expect(child.has('x')).toBe(true);
    expect(child.get('x')).toBe(f);
    expect(child.names()).toEqual(['x', 'z']);
    expect(child.unregister('z')).toBe(true);
    expect(child.has('z')).toBe(false);
  });

  it('systemClock timers do not keep the process alive and can be cleared', async () => {
    let fired = false;
    const t = systemClock.setTimeout(() => {
      fired = true;
    }, 5);
    systemClock.clearTimeout(t);
    await new Promise((r) => setTimeout(r, 15));
    expect(fired).toBe(false);
    expect(systemClock.now()).toBeGreaterThan(Date.parse('2020-01-01'));
  });
});

describe('systemClock timers', () => {
  it('never fire before now() reaches their due time', async () => {
    const early: number[] = [];
    await Promise.all(
      Array.from(
        { length: 30 },
        (_, i) =>
          new Promise<void>((resolve) => {
            const due = systemClock.now() + 2 + (i % 5);
            systemClock.setTimeout(
              () => {
                if (systemClock.now() < due) early.push(due - systemClock.now());
                resolve();
              },
              2 + (i % 5),
            );
          }),
      ),
    );
    expect(early).toEqual([]);
  });
});
