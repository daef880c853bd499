import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SwitchyardError } from '../../index.js';
import { KeySet } from './index.js';

const keys = [
  { id: 'a', secret: 'sk-canary-aaaaaaaaaaaa' },
  { id: 'b', secret: 'sk-canary-bbbbbbbbbbbb' },
  { id: 'c', secret: 'sk-canary-cccccccccccc' },
];

function set(pick: 'round-robin' | 'least-used' = 'round-robin') {
  let now = 0;
  const ks = new KeySet({ keys, name: 'openai', pick, cooldownMs: 1000, now: () => now });
  const events: Array<[string, unknown]> = [];
  ks.on('key:disabled', (e) => events.push(['disabled', e]));
  ks.on('key:cooldown', (e) => events.push(['cooldown', e]));
  ks.on('key:restored', (e) => events.push(['restored', e]));
  return { ks, events, advance: (ms: number) => (now += ms) };
}

const use = (ks: KeySet, error?: unknown) => {
  const lease = ks.acquire();
  ks.release(lease, error);
  return lease.id;
};

describe('KeySet', () => {
  it('round-robins over the usable keys and counts usage per key', () => {
    const { ks } = set();
    expect(Array.from({ length: 6 }, () => use(ks))).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
    expect(ks.stats().map((s) => [s.id, s.calls, s.successes])).toEqual([
      ['a', 2, 2],
      ['b', 2, 2],
      ['c', 2, 2],
    ]);
  });

  it('least-used picks the key with the fewest calls in flight, then the fewest calls', () => {
    const { ks } = set('least-used');
    const held = ks.acquire(); // a stays in flight
    expect(held.id).toBe('a');
    expect([use(ks), use(ks), use(ks), use(ks)]).toEqual(['b', 'c', 'b', 'c']);
    ks.release(held);
    expect(use(ks)).toBe('a');
  });

  it('disables a key on 401/403 with an event; the others keep serving', () => {
    const { ks, events } = set();
    expect(use(ks, new SwitchyardError('auth', 'bad key', { status: 401 }))).toBe('a');
    expect(events).toEqual([['disabled', { set: 'openai', keyId: 'a', status: 401, reason: 'auth' }]]);
    expect(Array.from({ length: 4 }, () => use(ks))).not.toContain('a');
    expect(ks.stats()[0]).toMatchObject({ id: 'a', state: 'disabled', authFailures: 1, failures: 1 });
    ks.enable('a');
    expect(Array.from({ length: 3 }, () => use(ks))).toContain('a');
  });

  it('cools a key down on 429 for its Retry-After (or cooldownMs), then restores it', () => {
    const { ks, events, advance } = set();
    use(ks, new SwitchyardError('rate_limited', '429', { retryAfterMs: 5000 })); // a
    use(ks, new SwitchyardError('rate_limited', '429')); // b, default 1000 ms
    expect(events.map((e) => e[1])).toEqual([
      { set: 'openai', keyId: 'a', until: 5000, cooldownMs: 5000 },
      { set: 'openai', keyId: 'b', until: 1000, cooldownMs: 1000 },
    ]);
    expect([use(ks), use(ks)]).toEqual(['c', 'c']);
    expect(ks.stats().map((s) => s.state)).toEqual(['cooling', 'cooling', 'active']);
    advance(1000);
    expect(new Set([use(ks), use(ks)])).toEqual(new Set(['b', 'c']));
    expect(events.at(-1)).toEqual(['restored', { set: 'openai', keyId: 'b' }]);
  });

  it('throws rate_limited with the shortest wait when all cool, auth when all are disabled', () => {
    const { ks, advance } = set();
    for (let i = 0; i < 3; i++)
      use(ks, new SwitchyardError('rate_limited', '429', { retryAfterMs: 2000 + i * 1000 }));
    advance(500);
    expect(() => ks.acquire()).toThrow(expect.objectContaining({ kind: 'rate_limited', retryAfterMs: 1500 }));
    const dead = new KeySet({ keys: [keys[0]!] });
    dead.release(dead.acquire(), new SwitchyardError('auth', 'no'));
    expect(() => dead.acquire()).toThrow(
      expect.objectContaining({
        kind: 'auth',
        message: "KeySet 'keys': no usable key (all disabled or none set)",
      }),
    );
  });

  it('other failures are counted but do not take the key out', () => {
    const { ks } = set();
    use(ks, new SwitchyardError('server', '503'));
    expect(ks.stats()[0]).toMatchObject({ state: 'active', failures: 1 });
  });

  it('keeps counts across setKeys, and a rotated secret comes back enabled', () => {
    const { ks } = set();
    use(ks, new SwitchyardError('auth', 'x'));
    ks.setKeys([{ id: 'a', secret: 'sk-canary-new-aaaaaaaa' }, keys[1]!]);
    expect(ks.stats()).toEqual([
      expect.objectContaining({ id: 'a', state: 'active', calls: 1, authFailures: 1 }),
      expect.objectContaining({ id: 'b', state: 'active' }),
    ]);
  });

  it('never shows a secret in stats, JSON, inspect or errors', () => {
    const { ks } = set();
    const lease = ks.acquire();
    const surfaces = [
      JSON.stringify(ks),
      inspect(ks, { depth: 10 }),
      JSON.stringify(lease),
      inspect(lease, { depth: 10 }),
    ];
    for (const text of surfaces) expect(text).not.toMatch(/sk-canary/);
    expect(lease.secret).toBe(keys[0]!.secret);
  });

  it('rejects bad options naming the field', () => {
    expect(() => new KeySet({ keys: [{ id: '', secret: 'x' }] })).toThrow(/keys\[0\]\.id/);
    expect(() => new KeySet({ keys: [{ id: 'a', secret: '' }] })).toThrow(/keys\[0\]\.secret/);
    expect(() => new KeySet({ keys: [keys[0]!, keys[0]!] })).toThrow(/appears twice/);
    expect(() => new KeySet({ keys, pick: 'random' as never })).toThrow(/options\.pick/);
    expect(() => new KeySet({ keys, cooldownMs: -1 })).toThrow(/options\.cooldownMs/);
    expect(() => new KeySet({ keys: 'x' as never })).toThrow(expect.objectContaining({ kind: 'config' }));
  });

  it('a throwing listener goes to the error event, not the caller', () => {
    const { ks } = set();
    const errors: unknown[] = [];
    ks.on('error', (e) => errors.push(e.error));
    ks.on('key:disabled', () => {
      throw new Error('listener bug');
    });
    expect(() => use(ks, new SwitchyardError('auth', 'x'))).not.toThrow();
    expect(String(errors[0])).toMatch(/listener bug/);
  });
});
