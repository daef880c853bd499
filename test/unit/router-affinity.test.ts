import { describe, expect, it } from 'vitest';
import { type CompletionRequest, type RouteEvent, Router, type RouterOptions } from '../../index.js';
import { MockAdapter, VirtualClock } from '../../src/testing/index.js';
import { ask, constructionError, rejectionOf } from '../helpers/calls.js';

/** Three targets a, b, c; `failing` ids answer 503 while they are in the set. */
function setup(affinity: RouterOptions['affinity'], extra: Partial<RouterOptions> = {}) {
  const clock = new VirtualClock();
  const failing = new Set<string>();
  const adapter = (id: string) =>
    new MockAdapter(() => (failing.has(id) ? { error: { status: 503 } } : { text: id, delayMs: 100 }));
  const router = new Router({
    targets: ['a', 'b', 'c'].map((id) => ({ id, adapter: adapter(id), model: 'm' })),
    strategy: 'round-robin',
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
    clock,
    affinity,
    ...extra,
  });
  const routes: RouteEvent[] = [];
  router.on('route', (e) => routes.push(e));
  const targetOf = async (request: CompletionRequest) => (await clock.run(router.complete(request))).target;
  return { router, clock, routes, failing, targetOf };
}

const session = (id: string, text = 'hi') => ask(text, { sessionId: id });

describe('session affinity', () => {
  it('sends every call of a session to the same target under round-robin', async () => {
    const { targetOf, routes } = setup({});
    const first = await targetOf(session('s1'));
    expect(routes.at(-1)?.affinity).toBe('miss');
    for (let i = 0; i < 50; i++) {
      expect(await targetOf(session('s1', `turn ${i}`))).toBe(first);
      expect(routes.at(-1)).toMatchObject({ affinity: 'hit', picked: first, strategy: 'round-robin' });
    }
    // Without a session the strategy alone decides: round-robin moves on.
    const plain = new Set<string>();
    for (let i = 0; i < 3; i++) plain.add(await targetOf(ask('hi')));
    expect(plain.size).toBe(3);
    expect(routes.at(-1)?.affinity).toBeUndefined();
  });

  it('applies to streams too', async () => {
    const { router, clock, targetOf } = setup({});
    const home = await targetOf(session('s1'));
    for (let i = 0; i < 3; i++) {
      expect((await clock.run(router.stream(session('s1')).response)).target).toBe(home);
    }
  });

  it('spreads different sessions by the strategy', async () => {
    const { targetOf } = setup({});
    const count = new Map<string, number>();
    for (let i = 0; i < 30; i++) {
      const t = await targetOf(session(`s${i}`));
      count.set(t, (count.get(t) ?? 0) + 1);
    }
    expect([...count.values()]).toEqual([10, 10, 10]);
    // and each keeps its target
    for (let i = 0; i < 30; i += 7) {
      expect(await targetOf(session(`s${i}`))).toBe(await targetOf(session(`s${i}`)));
    }
  });

  it('moves a session whose target fails, and keeps it on the new target', async () => {
    const { targetOf, routes, failing } = setup({}, { breaker: false });
    const home = await targetOf(session('s1'));
    failing.add(home);
    const moved = await targetOf(session('s1'));
    expect(moved).not.toBe(home);
    expect(routes.filter((r) => r.requestId === routes.at(-1)!.requestId).map((r) => r.affinity)).toEqual([
      'hit',
      undefined, // the fallback's pick is the strategy's; it re-maps the session
    ]);
    failing.delete(home);
    for (let i = 0; i < 5; i++) expect(await targetOf(session('s1'))).toBe(moved);
  });

  it('moves a session whose target is ejected (unavailable), and keeps it there after recovery', async () => {
    const { targetOf, routes, failing, clock } = setup(
      {},
      { breaker: { failureThreshold: 1, cooldownMs: 1000 } },
    );
    const homes = [];
    for (const id of ['s1', 's2', 's3', 's4']) homes.push(await targetOf(session(id)));
    expect(homes[3]).toBe(homes[0]); // round-robin over three targets
    const home = homes[0]!;
    failing.add(home);
    expect(await targetOf(session('s4'))).not.toBe(home); // fails on home: home is ejected
    failing.delete(home);
    const moved = await targetOf(session('s1'));
    expect(routes.at(-1)?.affinity).toBe('unavailable');
    expect(moved).not.toBe(home);
    await clock.advance(5000); // home recovers; the session stays where it moved
    for (let i = 0; i < 3; i++) expect(await targetOf(session('s1'))).toBe(moved);
    expect(routes.at(-1)?.affinity).toBe('hit');
  });

  it('spills a session off an overloaded target, then returns when the load drops', async () => {
    const { router, clock, routes, targetOf } = setup({ loadFactor: 1.25 });
    const home = await targetOf(session('s1'));
    const burst = Array.from({ length: 6 }, () => router.complete(session('s1')));
    const targets = (await clock.run(Promise.all(burst))).map((r) => r.target);
    const outcomes = routes.slice(-6).map((r) => r.affinity);
    expect(outcomes[0]).toBe('hit');
    expect(outcomes).toContain('overloaded');
    expect(targets.filter((t) => t === home).length).toBeLessThan(6);
    expect(new Set(targets).size).toBeGreaterThan(1);
    // Load gone: the session is still home's.
    expect(await targetOf(session('s1'))).toBe(home);
    expect(routes.at(-1)?.affinity).toBe('hit');
  });

  it('forgets the least recently used session beyond maxSessions', async () => {
    const { targetOf, routes } = setup({ maxSessions: 2 });
    await targetOf(session('s1'));
    await targetOf(session('s2'));
    await targetOf(session('s1')); // s1 is now the most recently used
    expect(routes.at(-1)?.affinity).toBe('hit');
    await targetOf(session('s3')); // forgets s2
    await targetOf(session('s1'));
    expect(routes.at(-1)?.affinity).toBe('hit');
    await targetOf(session('s2'));
    expect(routes.at(-1)?.affinity).toBe('miss');
  });

  it('groups calls with the same long prompt prefix in prefix mode only', async () => {
    const system = 'You are a careful assistant. '.repeat(100); // 2900 characters
    const withSystem = (q: string, id?: string): CompletionRequest => ({
      messages: [
        { role: 'system', content: system },
        { role: 'user', content: q },
      ],
      ...(id === undefined ? {} : { sessionId: id }),
    });
    const prefix = setup({ by: 'session-or-prefix', prefixChars: 2048 });
    const home = await prefix.targetOf(withSystem('first question'));
    expect(prefix.routes.at(-1)?.affinity).toBe('miss');
    for (let i = 0; i < 5; i++) expect(await prefix.targetOf(withSystem(`question ${i}`))).toBe(home);
    expect(prefix.routes.at(-1)?.affinity).toBe('hit');
    // Another prefix is another key; a short prompt has none.
    const other = await prefix.targetOf(ask('x'.repeat(3000)));
    expect(prefix.routes.at(-1)?.affinity).toBe('miss');
    expect(other).not.toBe(home);
    await prefix.targetOf(ask('short'));
    expect(prefix.routes.at(-1)?.affinity).toBeUndefined();
    // A sessionId wins over the prefix.
    await prefix.targetOf(withSystem('q', 'sess'));
    expect(prefix.routes.at(-1)?.affinity).toBe('miss');

    const session_ = setup({ by: 'session' });
    const seen = new Set<string>();
    for (let i = 0; i < 3; i++) seen.add(await session_.targetOf(withSystem(`question ${i}`)));
    expect(seen.size).toBe(3);
    expect(session_.routes.at(-1)?.affinity).toBeUndefined();
  });

  it('keeps sessions apart per model alias', async () => {
    const clock = new VirtualClock();
    const echo = (id: string) => new MockAdapter(() => ({ text: id }));
    const router = new Router({
      targets: [
        { id: 'a', adapter: echo('a'), model: 'm', aliases: ['x'] },
        { id: 'b', adapter: echo('b'), model: 'm', aliases: ['x', 'y'] },
        { id: 'c', adapter: echo('c'), model: 'n', aliases: ['y'] },
      ],
      clock,
      affinity: {},
    });
    const t = async (model: string) =>
      (await clock.run(router.complete(ask('hi', { sessionId: 's', model })))).target;
    const x = await t('x');
    const y = await t('y');
    const routes: RouteEvent[] = [];
    router.on('route', (e) => routes.push(e));
    expect(await t('x')).toBe(x);
    expect(await t('y')).toBe(y);
    expect(routes.map((r) => r.affinity)).toEqual(['hit', 'hit']);
  });
});

describe('affinity validation', () => {
  const two = [
    { id: 'a', adapter: new MockAdapter(() => ({ text: 'a' })), model: 'm' },
    { id: 'b', adapter: new MockAdapter(() => ({ text: 'b' })), model: 'm' },
  ];
  it.each([
    [{ loadFactor: 0.5 }, 'affinity.loadFactor: expected a number ≥ 1'],
    [{ maxSessions: 0 }, 'affinity.maxSessions: expected a positive integer'],
    [{ prefixChars: 1.5 }, 'affinity.prefixChars: expected a positive integer'],
    [{ by: 'user' }, "affinity.by: expected 'session' or 'session-or-prefix'"],
    [{ maxSession: 5 }, "affinity: unknown option 'maxSession' (did you mean 'maxSessions'?)"],
    ['on', 'affinity: expected { by?'],
  ])('rejects affinity %j with a config error naming the field', (affinity, message) => {
    const error = constructionError({ targets: two, affinity });
    expect(error.kind).toBe('config');
    expect(error.message).toContain(message);
  });

  it('rejects affinity on a router with a single target', () => {
    const error = constructionError({ targets: two.slice(0, 1), affinity: {} });
    expect(error.kind).toBe('config');
    expect(error.message).toContain('affinity: needs at least two targets');
  });

  it.each([
    ['', 'sessionId'],
    ['x'.repeat(257), 'sessionId'],
    [42, 'sessionId'],
  ])('rejects sessionId %j as invalid_request', async (sessionId, field) => {
    const router = new Router({ targets: two, affinity: {} });
    const error = await rejectionOf(router.complete(ask('hi', { sessionId: sessionId as string })));
    expect(error.kind).toBe('invalid_request');
    expect(error.message).toContain(field);
    await router.close();
  });

  it('accepts a 256-character sessionId, and sessionId without affinity (ignored)', async () => {
    const router = new Router({ targets: two });
    const response = await router.complete(ask('hi', { sessionId: 'x'.repeat(256) }));
    expect(['a', 'b']).toContain(response.target);
    await router.close();
  });
});
