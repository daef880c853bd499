import { describe, expect, it } from 'vitest';
import { createSeededRandom, SwitchyardError } from '../src/index.js';
import { responseTime } from './response-time.js';
import { fakeContext, fakeInit, fakeOutcome, fakeTargets, ManualClock } from './testing.js';

/** One instance over targets a, b, c with its own clock; `observe(i, ms)` teaches it one outcome. */
function instance() {
  const targets = fakeTargets(3);
  const clock = new ManualClock(1_000_000);
  const strategy = responseTime({ decayMs: 10_000 })(fakeInit(targets, { clock }));
  const observe = (i: number, latencyMs: number) =>
    strategy.observe!(fakeOutcome(targets[i]!, { latencyMs, startedAt: clock.now() }));
  const costs = () =>
    Object.fromEntries(
      strategy.describe!(targets, fakeContext({ now: clock.now() })).map((s) => [s.target, s.score]),
    );
  return { targets, clock, strategy, observe, costs };
}

describe('response-time share and merge', () => {
  it('a peer that saw b slow makes b cost as much here, and picks keep off it', () => {
    const peer = instance();
    peer.observe(1, 2_000);
    const local = instance();
    for (const i of [0, 1, 2]) local.observe(i, 100);
    local.strategy.merge!([{ state: peer.strategy.share!(), ageMs: 0 }]);
    expect(local.costs()).toEqual({ a: 100, b: 2_000, c: 100 });
    const random = createSeededRandom(3);
    for (let k = 0; k < 50; k++) {
      expect(local.strategy.pick(local.targets, fakeContext({ now: local.clock.now(), random })).id).not.toBe(
        'b',
      );
    }
  });

  it('keeps its own costs: shares them unchanged, worse own news wins, merge([]) is alone again', () => {
    const local = instance();
    local.observe(0, 3_000);
    local.observe(1, 100);
    const own = local.strategy.share!();
    const alone = local.costs();
    const peer = instance();
    peer.observe(0, 50); // better news of a does not hide the local 3 s
    peer.observe(1, 900);
    local.strategy.merge!([{ state: peer.strategy.share!(), ageMs: 0 }]);
    expect(local.costs()).toEqual({ a: 3_000, b: 900, c: 0 });
    expect(local.strategy.share!()).toEqual(own);
    local.strategy.merge!([]);
    expect(local.costs()).toEqual(alone);
  });

  it('ages a peer by ageMs and then with time; a malformed peer is a config error and changes nothing', () => {
    const peer = instance();
    peer.observe(1, 2_000);
    const local = instance();
    local.strategy.merge!([{ state: peer.strategy.share!(), ageMs: 10_000 }]);
    expect(local.costs().b).toBeCloseTo(2_000 / Math.E, 6);
    local.clock.advance(10_000);
    expect(local.costs().b).toBeCloseTo(2_000 / Math.E ** 2, 6);
    const before = local.costs();
    expect(() => local.strategy.merge!([{ state: { version: 1, targets: { b: -1 } }, ageMs: 0 }])).toThrow(
      SwitchyardError,
    );
    expect(() => local.strategy.merge!([{ state: { version: 1, targets: { b: 'x' } }, ageMs: 0 }])).toThrow(
      'response-time: peers[0].state.targets["b"]: expected a finite number >= 0, got "x"',
    );
    expect(local.costs()).toEqual(before);
    local.strategy.merge!([{ state: { version: 2, whatever: true }, ageMs: 0 }]);
    expect(local.costs()).toEqual({ a: 0, b: 0, c: 0 });
  });
});
