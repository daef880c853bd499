import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Adapter, Router } from '../../index.js';
import { MockAdapter, VirtualClock } from '../../src/testing/index.js';
import { ROUTER_EVENTS } from '../../test/helpers/calls.js';
import { AuditLog, auditRouter } from '../audit/index.js';
import { KeySet, KeyVault, keyedAdapter } from './index.js';

// Canary keys that match no generic key pattern: only explicit scrubbing keeps them out.
const BAD = 'canaryKEYbad7f3e9b1c2d4a';
const LIMITED = 'canaryKEYlimited5e6f7a8b';
const GOOD = 'canaryKEYgood0a1b2c3d4e5';
const CANARIES = [BAD, LIMITED, GOOD, 'canaryKEY'];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keys-audit-keyed-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A provider that behaves by key, and (badly) echoes the key in its error messages. */
function provider(apiKey: string): Adapter {
  return new MockAdapter(
    () => {
      if (apiKey === BAD) return { error: { status: 401, message: `Incorrect API key provided: ${apiKey}` } };
      if (apiKey === LIMITED)
        return { error: { status: 429, retryAfterMs: 30_000, message: `rate limit for key ${apiKey}` } };
      return { text: 'ok', delayMs: 5 };
    },
    { provider: 'openai' },
  );
}

describe('keyedAdapter', () => {
  it('serves with the healthy key, disables the 401 key, cools the 429 key, and never leaks a key', async () => {
    const clock = new VirtualClock();
    const auditPath = join(dir, 'audit.jsonl');
    const log = AuditLog.open({ path: auditPath, now: () => clock.now() });
    const vaultEvents: unknown[] = [];
    const vault = await KeyVault.open({
      path: join(dir, 'vault.json'),
      masterKey: { key: randomBytes(32) },
      audit: log,
    });
    vault.on((e) => vaultEvents.push(e));
    for (const [id, secret] of [
      ['bad', BAD],
      ['limited', LIMITED],
      ['good', GOOD],
    ] as const) {
      await vault.add({ provider: 'openai', secret, id });
    }
    const keys = vault.keySet('openai', { now: () => clock.now() });
    const keyEvents: unknown[] = [];
    keys.on('key:disabled', (e) => keyEvents.push(e));
    keys.on('key:cooldown', (e) => keyEvents.push(e));
    const made: string[] = [];
    const adapter = keyedAdapter(keys, (apiKey) => {
      made.push(apiKey);
      return provider(apiKey);
    });
    const router = new Router({
      targets: [
        { id: 'gpt', adapter, model: 'gpt-x' },
        { id: 'backup', adapter: new MockAdapter(() => ({ text: 'backup' })), model: 'm' },
      ],
      strategy: 'priority',
      breaker: false,
      clock,
    });
    auditRouter(log, router);
    const seen: unknown[] = [];
    for (const name of ROUTER_EVENTS) router.on(name, (payload: unknown) => seen.push([name, payload]));
    const errors: unknown[] = [];
    const served: string[] = [];
    for (let i = 0; i < 6; i++) {
      try {
        if (i % 2 === 0) {
          served.push(
            (await clock.run(router.complete({ messages: [{ role: 'user', content: 'hi' }] }))).target,
          );
        } else {
          const stream = router.stream({ messages: [{ role: 'user', content: 'hi' }] });
          const consume = async () => {
            for await (const _ of stream) void _;
            return (await stream.response).target;
          };
          served.push(await clock.run(consume()));
        }
      } catch (error) {
        errors.push(error);
      }
    }
    await vault.settled(); // the disable() the key set asked for

    // Behaviour: every call was served; after the first two, by the good key on 'gpt'.
    expect(errors).toEqual([]);
    expect(served.slice(2)).toEqual(['gpt', 'gpt', 'gpt', 'gpt']);
    expect(keyEvents).toEqual([
      { set: 'openai', keyId: 'bad', status: 401, reason: 'auth' },
      expect.objectContaining({ set: 'openai', keyId: 'limited', cooldownMs: 30_000 }),
    ]);
    expect(vault.get('bad')).toMatchObject({ status: 'disabled', statusReason: 'auth' });
    expect(keys.stats().find((s) => s.id === 'good')?.successes).toBeGreaterThanOrEqual(4);
    const failures = seen.filter((e) => (e as [string])[0] === 'attempt:failure') as Array<
      [string, { error: Error }]
    >;
    expect(failures.map(([, e]) => e.error.message).join('\n')).toMatch(
      /Incorrect API key provided: \[redacted\]/,
    );
    expect(new Set(made)).toEqual(new Set([BAD, LIMITED, GOOD])); // one adapter per key

    // Canary: no key text in any error, event, snapshot, stats, audit line or vault file.
    const surfaces = [
      ...errors.map((e) => inspect(e, { depth: 8 })),
      ...seen.map((e) => inspect(e, { depth: 8 })),
      ...seen.map((e) => JSON.stringify(e)),
      ...failures.map(([, e]) => inspect(e.error.cause, { depth: 8 })),
      JSON.stringify(keyEvents),
      JSON.stringify(vaultEvents),
      JSON.stringify(router.snapshot()),
      inspect(router.snapshot(), { depth: 10 }),
      JSON.stringify(keys),
      inspect(keys, { depth: 10 }),
      inspect(adapter, { depth: 3 }),
      JSON.stringify(vault),
      inspect(vault, { depth: 10 }),
      readFileSync(auditPath, 'utf8'),
      readFileSync(join(dir, 'vault.json'), 'utf8'),
    ];
    for (const text of surfaces) for (const canary of CANARIES) expect(text).not.toContain(canary);
    expect(readFileSync(auditPath, 'utf8')).toMatch(/"type":"key.disabled".*"keyId":"bad"/);
    await router.close();
    log.close();
  });

  it('follows key rotation: a new adapter for the new secret, the old one closed', async () => {
    const vault = await KeyVault.open({ path: join(dir, 'vault.json'), masterKey: { key: randomBytes(32) } });
    await vault.add({ provider: 'p', secret: GOOD, id: 'k' });
    const keys = vault.keySet('p');
    const closed: string[] = [];
    const adapter = keyedAdapter(keys, (apiKey) => {
      const mock = new MockAdapter(() => ({ text: apiKey === GOOD ? 'old' : 'new' }));
      return Object.assign(mock, { close: async () => void closed.push(apiKey) });
    });
    const router = new Router({ targets: [{ id: 't', adapter, model: 'm' }] });
    expect((await router.complete({ messages: [{ role: 'user', content: 'x' }] })).text).toBe('old');
    await vault.rotate('k', `${GOOD}-2`);
    expect((await router.complete({ messages: [{ role: 'user', content: 'x' }] })).text).toBe('new');
    await new Promise((r) => setImmediate(r));
    expect(closed).toEqual([GOOD]);
    await router.close();
    expect(closed).toEqual([GOOD, `${GOOD}-2`]);
  });

  it('fails over to another target when every key is out, with a keyless error', async () => {
    const keys = new KeySet({ keys: [{ id: 'only', secret: BAD }] });
    const adapter = keyedAdapter(keys, provider);
    const router = new Router({
      targets: [
        { id: 'gpt', adapter, model: 'gpt-x' },
        { id: 'backup', adapter: new MockAdapter(() => ({ text: 'backup' })), model: 'm' },
      ],
      strategy: 'priority',
      breaker: false,
    });
    const failures: string[] = [];
    router.on('attempt:failure', (e) => failures.push(e.error.message));
    const ask = { messages: [{ role: 'user' as const, content: 'x' }] };
    expect((await router.complete(ask)).target).toBe('backup');
    expect((await router.complete(ask)).target).toBe('backup');
    expect(failures[1]).toBe("KeySet 'keys': no usable key (all disabled or none set)");
    expect(failures.join('\n')).not.toContain(BAD);
    await router.close();
  });

  it('needs provider and capabilities when the set has no usable key', () => {
    const empty = new KeySet({ keys: [] });
    expect(() => keyedAdapter(empty, provider)).toThrow(
      expect.objectContaining({ kind: 'config', message: expect.stringMatching(/options\.provider/) }),
    );
    const adapter = keyedAdapter(empty, provider, {
      provider: 'openai',
      capabilities: { streaming: true, tools: true, json: 'schema', images: true },
    });
    expect(adapter.provider).toBe('openai');
  });
});
