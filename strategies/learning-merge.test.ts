import { describe, expect, it } from 'vitest';
import {
  createSeededRandom,
  type JsonValue,
  type StrategyFactory,
  SwitchyardError,
  type TargetView,
} from '../src/index.js';
import { adaptive } from './adaptive.js';
import { intelligent } from './intelligent.js';
import { fakeContext, fakeInit, fakeOutcome, fakeTargets, ManualClock } from './testing.js';

/**
 * One instance: its own strategy (from `make`) and clock over targets a, b, c; latency and
 * failure per target.
 */
function instanceOf(make: () => StrategyFactory, seed = 7) {
  const targets = fakeTargets(3);
  const clock = new ManualClock(1_000_000);
  const strategy = make()(fakeInit(targets, { clock }));
  const random = createSeededRandom(seed);
  const noise = createSeededRandom(seed + 1);
  const latency = [1_000, 1_000, 1_000];
  const failure = [0, 0, 0];
  /** `n` sequential calls `gapMs` apart; how many went to each target. */
  const run = (n: number, gapMs = 100, candidates: readonly TargetView[] = targets) => {
    const hits = [0, 0, 0];
    for (let k = 0; k < n; k++) {
      const t = strategy.pick(candidates, fakeContext({ now: clock.now(), random }));
      hits[t.index]!++;
      const fails = noise() < failure[t.index]!;
      const ms = fails ? 20 : latency[t.index]! * (0.9 + 0.2 * noise());
      const startedAt = clock.now();
      strategy.observe!(
        fakeOutcome(
          t,
          fails ? { latencyMs: ms, errorKind: 'server', startedAt } : { latencyMs: ms, startedAt },
        ),
      );
      clock.advance(gapMs);
    }
    return hits;
  };
  const scores = () =>
    Object.fromEntries(
      strategy.describe!(targets, fakeContext({ now: clock.now() })).map((s) => [s.target, s.score]),
    );
  return { targets, clock, strategy, latency, failure, run, scores };
}

type Shared = { version: number; targets: Record<string, number[]> };

/** Two shared states with the same targets and values within float rounding. */
function expectClose(actual: Shared, expected: Shared): void {
  expect(actual.version).toBe(expected.version);
  expect(Object.keys(actual.targets).sort()).toEqual(Object.keys(expected.targets).sort());
  for (const [id, values] of Object.entries(expected.targets)) {
    values.forEach((v, k) => {
      expect(actual.targets[id]![k]).toBeCloseTo(v, 9);
    });
  }
}

/** What differs per strategy: its factory, and a shared row with the right length whose third value is -3. */
const STRATEGIES = [
  { name: 'adaptive', make: () => adaptive(), badRow: [1, 2, -3, 4, 5, 6, 0] },
  { name: 'intelligent', make: () => intelligent(), badRow: [1, 2, -3, 4, 0] },
] as const;

describe.each(STRATEGIES)('$name share and merge', ({ name, make, badRow }) => {
  const instance = (seed?: number) => instanceOf(make, seed);

  it('a fresh instance learns from a peer that b fails, and keeps off it', () => {
    const peer = instance(1);
    peer.failure[1] = 1;
    peer.run(60);
    const shared = peer.strategy.share!();
    for (let seed = 20; seed < 30; seed++) {
      const merged = instance(seed);
      const control = instance(seed);
      merged.failure[1] = 1;
      control.failure[1] = 1;
      merged.strategy.merge!([{ state: shared, ageMs: 0 }]);
      const scores = merged.scores();
      expect(scores.b).toBeLessThan(scores.a! - 1);
      expect(scores.b).toBeLessThan(scores.c! - 1);
      // Without the merge it tries every untried target first, b included.
      expect(merged.run(3)[1]).toBe(0);
      expect(control.run(3)[1]).toBeGreaterThanOrEqual(1);
    }
  });

  it('an instance that saw b fast learns that b became slow at a peer', () => {
    const local = instance(3);
    const peer = instance(4);
    local.run(90);
    peer.run(90);
    const before = local.scores();
    expect(Math.abs(before.b! - before.a!)).toBeLessThan(0.5);
    peer.latency[1] = 6_000;
    peer.run(60, 100, [peer.targets[1]!]);
    local.clock.time = peer.clock.time;
    local.strategy.merge!([{ state: peer.strategy.share!(), ageMs: 0 }]);
    const after = local.scores();
    expect(after.b).toBeLessThan(after.a! - 1);
    expect(local.run(20)[1]).toBeLessThanOrEqual(1);
  });

  it('never erases its own evidence, shares only its own, and replaces the previous merge', () => {
    const local = instance(5);
    local.failure[0] = 1; // local saw a fail
    local.run(60);
    const peer = instance(6);
    peer.failure[1] = 1;
    peer.run(60);
    const own = local.strategy.share!() as Shared;
    const alone = local.scores();
    const peerState = peer.strategy.share!();
    local.strategy.merge!([{ state: peerState, ageMs: 0 }]);
    const once = local.scores();
    expect(once.b).toBeLessThan(alone.b!);
    // What it shares is still only its own (no echo of the peer's b), unchanged by the merge.
    expectClose(local.strategy.share!() as Shared, own);
    // Its own failures of a still count after the merge (the peer saw a answer well).
    expect(once.a).toBeLessThan(once.c!);
    // The same peer merged again replaces its contribution rather than adding it twice.
    local.strategy.merge!([{ state: peerState, ageMs: 0 }]);
    expect(local.scores()).toEqual(once);
    // With the peer gone, only its own evidence is left: the scores are those before any merge.
    local.strategy.merge!([]);
    const back = local.scores();
    for (const id of ['a', 'b', 'c']) expect(back[id]).toBeCloseTo(alone[id]!, 9);
  });

  it('own outcomes after a merge push the peers’ evidence out like older own evidence', () => {
    const local = instance(7);
    local.run(30);
    const peer = instance(8);
    peer.failure[1] = 1;
    peer.run(60);
    local.strategy.merge!([{ state: peer.strategy.share!(), ageMs: 0 }]);
    const own = local.strategy.share!() as Shared;
    local.run(30);
    // Own evidence keeps growing on its own terms; the peer part is aged alongside (never shared).
    const later = local.strategy.share!() as Shared;
    expect(later.targets.a![0]).toBeGreaterThan(0);
    expect(Object.keys(later.targets).sort()).toEqual(Object.keys(own.targets).sort());
  });

  it('ages a peer by ageMs: old news counts for little', () => {
    const peer = instance(9);
    peer.failure[1] = 1;
    peer.run(60);
    const fresh = instance(10);
    const old = instance(10);
    fresh.strategy.merge!([{ state: peer.strategy.share!(), ageMs: 0 }]);
    old.strategy.merge!([{ state: peer.strategy.share!(), ageMs: 200_000 }]); // 10 half-lives
    expect(fresh.scores().b).toBeLessThan(old.scores().b! - 1);
  });

  it('a malformed peer is a config error naming the field, and nothing changes; another version is ignored', () => {
    const local = instance(11);
    local.run(30);
    const before = local.scores();
    const peer = instance(12);
    peer.failure[1] = 1;
    peer.run(30);
    const good = peer.strategy.share!();
    const bad: JsonValue = { version: 1, targets: { b: badRow } };
    let error: unknown;
    try {
      local.strategy.merge!([
        { state: good, ageMs: 0 },
        { state: bad, ageMs: 0 },
      ]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SwitchyardError);
    expect((error as SwitchyardError).kind).toBe('config');
    expect((error as SwitchyardError).message).toBe(
      `${name}: peers[1].state.targets["b"][2]: expected a finite number >= 0, got -3`,
    );
    expect(local.scores()).toEqual(before);
    expect(() => local.strategy.merge!([{ state: 'x', ageMs: 0 }])).toThrow(
      'peers[0].state: expected an object',
    );
    local.strategy.merge!([{ state: { version: 99, anything: true }, ageMs: 0 }]);
    expect(local.scores()).toEqual(before);
  });
});

describe('adaptive share and merge: restore', () => {
  const instance = (seed?: number) => instanceOf(adaptive, seed);

  it('a restore drops the peers’ part: the restored state is all its own', () => {
    const local = instance(13);
    local.run(30);
    const peer = instance(14);
    peer.failure[1] = 1;
    peer.run(30);
    local.strategy.merge!([{ state: peer.strategy.share!(), ageMs: 0 }]);
    local.strategy.restore!(local.strategy.snapshot!());
    expect(Object.keys((local.strategy.share!() as Shared).targets).sort()).toEqual(['a', 'b', 'c']);
  });
});

describe('intelligent share and merge: the models', () => {
  const instance = (seed?: number) => instanceOf(intelligent, seed);

  it('a merge never changes the models: with the peers gone, the predictions are exactly those alone', () => {
    const local = instance(13);
    local.run(30);
    const alone = local.scores();
    const snapshot = JSON.stringify(local.strategy.snapshot!());
    const peer = instance(14);
    peer.failure[0] = 1;
    peer.run(30);
    local.strategy.merge!([{ state: peer.strategy.share!(), ageMs: 0 }]);
    expect(local.scores().a).toBeLessThan(alone.a!);
    expect(JSON.stringify(local.strategy.snapshot!())).toBe(snapshot);
    local.strategy.merge!([]);
    expect(local.scores()).toEqual(alone);
  });
});
