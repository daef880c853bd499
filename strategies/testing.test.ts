import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSeededRandom, makeUsage } from '../src/index.js';
import * as entry from './index.js';
import { responseTime } from './response-time.js';
import { fakeContext, fakeInit, fakeOutcome, fakeRequest, fakeTargets, ManualClock } from './testing.js';

describe('strategy testing fakes', () => {
  it('are exported by the strategies entry', () => {
    for (const name of [
      'fakeTargets',
      'fakeInit',
      'fakeContext',
      'fakeOutcome',
      'fakeRequest',
      'ManualClock',
    ]) {
      expect(entry, name).toHaveProperty(name);
    }
  });

  it('import nothing but the core public face', () => {
    const source = readFileSync(new URL('./testing.ts', import.meta.url), 'utf8');
    const from = [...source.matchAll(/^(?:import|export)\b[^;]*?from '([^']+)';$/gm)].map((m) => m[1]);
    expect(from).toEqual(['../src/index.js']);
  });

  it('the module example: a latency-aware strategy picks the quick target', () => {
    const targets = fakeTargets(2);
    const clock = new ManualClock();
    const strategy = responseTime()(fakeInit(targets, { clock }));
    strategy.observe?.(fakeOutcome(targets[0]!, { latencyMs: 900 }));
    strategy.observe?.(fakeOutcome(targets[1]!, { latencyMs: 100 }));
    clock.advance(1_000);
    expect(strategy.pick(targets, fakeContext({ now: clock.now() })).id).toBe('b');
  });

  it('fakeTargets: ids by position unless given, index = position, adapters that throw', () => {
    const [a, b] = fakeTargets([{ id: 'x', weight: 5 }, { inFlight: 2 }]);
    expect([a!.id, a!.index, a!.weight, a!.priority]).toEqual(['x', 0, 5, 0]);
    expect([b!.id, b!.index, b!.inFlight, b!.model]).toEqual(['b', 1, 2, 'model-b']);
    expect(() => a!.config.adapter.complete({} as never, {} as never)).toThrow(/must not be called/);
  });

  it('ManualClock moves only by hand and has no timers', () => {
    const clock = new ManualClock(1_000);
    clock.advance(250);
    expect(clock.now()).toBe(1_250);
    expect(() => clock.setTimeout()).toThrow(/not supported/);
    expect(() => clock.clearTimeout()).not.toThrow();
  });

  it('fakeContext and fakeOutcome take the request, stream flag and attempt limits', () => {
    const request = { messages: [{ role: 'user' as const, content: 'long' }], maxOutputTokens: 10 };
    const random = createSeededRandom(3);
    const ctx = fakeContext({ now: 5, random, request, stream: true, attempt: 2, maxAttempts: 3 });
    expect(ctx).toMatchObject({ now: 5, request, stream: true, attempt: 2, maxAttempts: 3 });
    expect(ctx.random).toBe(random);
    expect(fakeContext()).not.toHaveProperty('maxAttempts');
    const [a] = fakeTargets(1);
    const failed = fakeOutcome(a!, { latencyMs: 20, errorKind: 'server', startedAt: 7 });
    expect(failed).toMatchObject({ ok: false, errorKind: 'server', startedAt: 7, request: fakeRequest });
    const ok = { ...fakeOutcome(a!, { latencyMs: 20, request, stream: true }), usage: makeUsage(1, 2) };
    expect(ok).toMatchObject({ ok: true, stream: true, request });
    expect(ok).not.toHaveProperty('errorKind');
  });
});
