import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REDIS_SERVER, type RedisServer, startRedis } from '../../test/helpers/redis-server.js';
import { KeyVault, redisVaultStorage } from '../keys/index.js';
import { entryHash } from './chain.js';
import { type AuditEntry, type AuditRedisClient, RedisAuditLog, verifyAuditStream } from './index.js';

type Client = ReturnType<typeof createClient>;

describe.skipIf(REDIS_SERVER === undefined)('RedisAuditLog', () => {
  let redis: RedisServer;
  let a: Client;
  let b: Client;
  let key = '';
  let n = 0;

  beforeAll(async () => {
    redis = await startRedis();
    a = createClient({ url: redis.url });
    b = createClient({ url: redis.url });
    await a.connect();
    await b.connect();
  }, 30_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await redis?.stop();
  });
  beforeEach(() => {
    key = `test:audit:${++n}`;
  });

  /** Stream entries as [id, entry]. */
  const read = async (): Promise<Array<[string, AuditEntry]>> =>
    (await a.xRange(key, '-', '+')).map((m) => [m.id, JSON.parse(m.message.entry ?? '') as AuditEntry]);

  async function writeFive(): Promise<Array<[string, AuditEntry]>> {
    const log = new RedisAuditLog(a, { key });
    await log.record('key.added', { keyId: 'k1', provider: 'openai' });
    await log.record('key.rotated', { keyId: 'k1', revision: 2 });
    await log.record('key.disabled', { keyId: 'k1', reason: 'auth' });
    await log.record('config.reload', { targets: 3 });
    await log.record('admin.call', { route: '/admin/breakers', actor: 'ops' });
    return read();
  }

  /** Rewrites the stream with the same ids (as an attacker with write access could). */
  async function rewrite(entries: Array<[string, AuditEntry | string]>): Promise<void> {
    await a.del(key);
    for (const [id, e] of entries)
      await a.xAdd(key, id, { entry: typeof e === 'string' ? e : JSON.stringify(e) });
  }

  it('keeps one valid chain when two writers on two connections interleave', async () => {
    let evals = 0;
    const counting: AuditRedisClient = {
      sendCommand: (args) => {
        if (args[0] === 'EVAL') evals++;
        return b.sendCommand(args);
      },
    };
    const one = new RedisAuditLog(a, { key });
    const two = new RedisAuditLog(counting, { key });
    const written = await Promise.all(
      Array.from({ length: 20 }, (_, i) => [
        one.record('admin.call', { writer: 'one', n: i }),
        two.record('admin.call', { writer: 'two', n: i }),
      ]).flat(),
    );
    expect(evals).toBeGreaterThan(20); // the second writer lost races and re-chained
    const entries = await read();
    expect(entries).toHaveLength(40);
    expect(entries.map(([, e]) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    for (const writer of ['one', 'two'])
      expect(entries.filter(([, e]) => e.data.writer === writer).map(([, e]) => e.data.n)).toEqual(
        Array.from({ length: 20 }, (_, i) => i),
      );
    expect(new Set(written.map((e) => e.hash)).size).toBe(40);
    const result = await verifyAuditStream(a, key);
    expect(result).toEqual({ ok: true, entries: 40, lastHash: entries[39]![1].hash });
    expect(await a.hGet(`${key}:head`, 'hash')).toBe(entries[39]![1].hash);
    // A fresh writer continues the chain.
    await new RedisAuditLog(b, { key }).record('config.reload', {});
    expect(await verifyAuditStream(b, key, { pageSize: 7 })).toMatchObject({ ok: true, entries: 41 });
  });

  it('names the first bad entry of an edited stream, even with its hash recomputed', async () => {
    const entries = await writeFive();
    const edited = entries.map(([id, e]): [string, AuditEntry] => [id, { ...e }]);
    edited[2]![1] = { ...edited[2]![1], data: { keyId: 'k1', reason: 'manual' } };
    await rewrite(edited);
    expect(await verifyAuditStream(a, key)).toMatchObject({
      ok: false,
      entries: 2,
      id: entries[2]![0],
      reason: expect.stringMatching(/edited/),
    });
    // An edit that also recomputes the edited entry's hash breaks the link of the next one.
    const { hash: _old, ...body } = { ...entries[1]![1], data: { keyId: 'k9', revision: 2 } };
    await rewrite(entries.map(([id, e], i) => [id, i === 1 ? { ...body, hash: entryHash(body) } : e]));
    expect(await verifyAuditStream(a, key)).toMatchObject({
      ok: false,
      entries: 2,
      id: entries[2]![0],
      reason: expect.stringMatching(/out of chain/),
    });
    await rewrite(entries.map(([id, e], i) => [id, i === 3 ? 'hello' : e]));
    expect(await verifyAuditStream(a, key)).toMatchObject({
      ok: false,
      id: entries[3]![0],
      reason: expect.stringMatching(/not JSON/),
    });
  });

  it('detects a removed entry, a removed first entry and a removed tail', async () => {
    const entries = await writeFive();
    await a.xDel(key, entries[1]![0]);
    expect(await verifyAuditStream(a, key)).toMatchObject({
      ok: false,
      id: entries[2]![0],
      reason: expect.stringMatching(/removed or reordered/),
    });
    await rewrite(entries.slice(1));
    expect(await verifyAuditStream(a, key)).toMatchObject({ ok: false, entries: 0, id: entries[1]![0] });
    await rewrite(entries.slice(0, 4));
    expect(await verifyAuditStream(a, key)).toMatchObject({
      ok: false,
      entries: 4,
      id: entries[3]![0],
      reason: expect.stringMatching(/truncated/),
    });
    await a.del(`${key}:head`);
    expect(await verifyAuditStream(a, key)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/head key is missing/),
    });
    await expect(new RedisAuditLog(a, { key }).record('config.reload')).rejects.toThrow(
      /has entries but its head .* is missing/,
    );
  });

  it('refuses secrets and prompt text (nothing written) and redacts key-like strings', async () => {
    const log = new RedisAuditLog(a, { key });
    await expect(log.record('key.added', { apiKey: 'sk-abcdefghijklmnop' })).rejects.toMatchObject({
      kind: 'invalid_request',
      message: expect.stringMatching(/field 'apiKey' looks like a secret/),
    });
    await expect(log.record('admin.call', { prompt: 'hi' })).rejects.toThrow(/prompt text/);
    await expect(log.record('nope' as never)).rejects.toThrow(/unknown event type/);
    expect(await a.exists(key)).toBe(0);
    const entry = await log.record('auth.failure', { detail: 'bad key sk-abcdefghijklmnop' });
    expect(entry.data.detail).toBe('bad key [redacted]');
    expect(JSON.stringify(await a.xRange(key, '-', '+'))).not.toContain('sk-abcdefghijklmnop');
  });

  it('takes the key vault’s events (async sink) with no secret in the stream', async () => {
    const errors: unknown[] = [];
    const log = new RedisAuditLog(a, { key });
    const vault = await KeyVault.open({
      storage: redisVaultStorage(b, { key: `${key}:vault` }),
      masterKey: { key: randomBytes(32) },
      audit: log,
      onError: (e) => errors.push(e),
    });
    const k = await vault.add({ provider: 'openai', secret: 'sk-canary-audit-stream-000' });
    await vault.rotate(k.id, 'sk-canary-audit-stream-111');
    await vault.revoke(k.id);
    await log.settled();
    expect((await read()).map(([, e]) => e.type)).toEqual(['key.added', 'key.rotated', 'key.revoked']);
    expect(JSON.stringify(await a.xRange(key, '-', '+'))).not.toContain('canary');
    expect(await verifyAuditStream(a, key)).toMatchObject({ ok: true, entries: 3 });
    // A failing async sink goes to the vault's onError, never into the vault call.
    await a.set(`${key}:broken`, 'x');
    const broken = new RedisAuditLog(a, { key: `${key}:broken` });
    const other = await KeyVault.open({
      storage: redisVaultStorage(b, { key: `${key}:vault2` }),
      masterKey: { key: randomBytes(32) },
      audit: broken,
      onError: (e) => errors.push(e),
    });
    await other.add({ provider: 'p', secret: 'sk-canary-audit-stream-222' });
    await broken.settled();
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toMatch(/is not a Switchyard audit stream/);
  });

  it('checks its options with config errors naming the field', () => {
    expect(() => new RedisAuditLog({} as never)).toThrow(/client must be a connected node-redis client/);
    expect(() => new RedisAuditLog(a, { key: '' })).toThrow(
      expect.objectContaining({ kind: 'config', message: expect.stringMatching(/options.key/) }),
    );
    expect(() => new RedisAuditLog(a, { key: 'x', headKey: 'x' })).toThrow(/options.headKey/);
    expect(() => new RedisAuditLog(a, { maxAttempts: 0 })).toThrow(/options.maxAttempts/);
  });
});
