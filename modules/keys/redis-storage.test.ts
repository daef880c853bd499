import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REDIS_SERVER, type RedisServer, startRedis } from '../../test/helpers/redis-server.js';
import { KeyVault, redisVaultStorage } from './index.js';

const MASTER = randomBytes(32);
const OTHER = randomBytes(32);
const SECRET = 'sk-canary-redis-0123456789abcdef';

const failure = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error as { kind: string; message: string };
  }
  throw new Error('expected a rejection');
};

describe.skipIf(REDIS_SERVER === undefined)('KeyVault over redisVaultStorage', () => {
  let redis: RedisServer;
  let a: ReturnType<typeof createClient>;
  let b: ReturnType<typeof createClient>;
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
    key = `test:vault:${++n}`;
  });

  /** A vault on `key` through client `a` (or `b`: a second connection, like a second process). */
  const open = (client = a, masterKey: { key: Buffer } = { key: MASTER }) =>
    KeyVault.open({ storage: redisVaultStorage(client, { key }), masterKey });
  const stored = async () => (await a.hGet(key, 'doc')) ?? '';

  it('round-trips keys through Redis, encrypted: no secret in the stored value', async () => {
    const vault = await open();
    expect(vault.path).toBe(`redis:${key}`);
    const k1 = await vault.add({ provider: 'openai', secret: SECRET, label: 'prod' });
    const k2 = await vault.add({ provider: 'anthropic', secret: `${SECRET}-2` });
    expect(await a.type(key)).toBe('hash');
    const raw = await stored();
    expect(JSON.parse(raw)).toMatchObject({ format: 'switchyard-key-vault', records: [{}, {}] });
    for (const s of [SECRET, `${SECRET}-2`, 'canary', Buffer.from(SECRET).toString('base64').slice(0, 12)])
      expect(raw).not.toContain(s);
    expect(JSON.stringify(await a.hGetAll(key))).not.toContain('canary');
    const again = await open(b);
    expect(again.reveal(k1.id)).toBe(SECRET);
    expect(again.reveal(k2.id)).toBe(`${SECRET}-2`);
    expect(again.get(k1.id)).toMatchObject({ label: 'prod', status: 'active' });
  });

  it('rotates the master key over Redis: the old key no longer opens it, the new one does', async () => {
    const vault = await open();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++)
      ids.push((await vault.add({ provider: 'p', secret: `sk-r-${i}-abcdefgh` })).id);
    const before = JSON.parse(await stored()) as { records: Array<{ dataKey: unknown; secret: unknown }> };
    await vault.rotateMasterKey({ key: OTHER });
    const after = JSON.parse(await stored()) as typeof before;
    for (let i = 0; i < 4; i++) {
      expect(after.records[i]!.dataKey).not.toEqual(before.records[i]!.dataKey);
      expect(after.records[i]!.secret).toEqual(before.records[i]!.secret);
    }
    expect((await failure(open(b))).message).toMatch(/master key does not open 'redis:test:vault:\d+'/);
    const reopened = await open(b, { key: OTHER });
    expect(ids.map((id) => reopened.reveal(id))).toEqual(ids.map((_, i) => `sk-r-${i}-abcdefgh`));
  });

  it('a second vault writing concurrently does not lose the first one’s records', async () => {
    const one = await open(a);
    const two = await open(b); // opened before one's writes: its copy is stale
    const k1 = await one.add({ provider: 'p', secret: 'sk-one-0000000000', id: 'one' });
    const k2 = await two.add({ provider: 'p', secret: 'sk-two-0000000000', id: 'two' }); // conflict → re-read → re-apply
    expect(two.list().map((k) => k.id)).toEqual(['one', 'two']);
    // Interleaved bursts from both: every add lands exactly once.
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => [
        one.add({ provider: 'p', secret: `sk-a-${i}-xxxxxxxx`, id: `a${i}` }),
        two.add({ provider: 'p', secret: `sk-b-${i}-xxxxxxxx`, id: `b${i}` }),
      ]).flat(),
    );
    const fresh = await open();
    expect(fresh.list()).toHaveLength(22);
    expect(fresh.reveal(k1.id)).toBe('sk-one-0000000000');
    expect(fresh.reveal(k2.id)).toBe('sk-two-0000000000');
    expect(fresh.reveal('b9')).toBe('sk-b-9-xxxxxxxx');
    // A change made on a stale copy re-applies on the current state (it does not resurrect it).
    await one.revoke('a0');
    await two.disable('a1', 'leak');
    const last = await open();
    expect(last.get('a0').status).toBe('revoked');
    expect(last.get('a1').status).toBe('disabled');
    // reload() shows the other writer's changes.
    await one.reload();
    expect(one.get('a1').status).toBe('disabled');
  });

  it('a change after another process re-keyed the vault is a clear error, nothing overwritten', async () => {
    const one = await open(a);
    const two = await open(b);
    await one.add({ provider: 'p', secret: SECRET, id: 'k' });
    await one.rotateMasterKey({ key: OTHER });
    const error = await failure(two.add({ provider: 'p', secret: SECRET, id: 'k2' }));
    expect(error).toMatchObject({ kind: 'config' });
    expect(error.message).toMatch(/re-keyed by another process .*reopen it with the new master key/);
    expect((await open(a, { key: OTHER })).list().map((k) => k.id)).toEqual(['k']);
  });

  it('a Redis value that is not a vault is a clear config error and is never overwritten', async () => {
    await a.set(key, `OPENAI_API_KEY=${SECRET}`);
    const error = await failure(open());
    expect(error).toMatchObject({
      kind: 'config',
      message: `key vault: 'redis:${key}' is not a Switchyard key vault`,
    });
    expect(await a.get(key)).toBe(`OPENAI_API_KEY=${SECRET}`);
    key = `test:vault:${++n}`;
    await a.hSet(key, { doc: JSON.stringify({ hello: SECRET }), ver: '1' });
    const notOurs = await failure(open());
    expect(notOurs.message).toBe(`key vault: 'redis:${key}' is not a Switchyard key vault`);
    key = `test:vault:${++n}`;
    await a.hSet(key, { name: 'something else' });
    expect((await failure(open())).message).toMatch(/is not a Switchyard key vault/);
    expect(await a.hGetAll(key)).toEqual({ name: 'something else' });
    expect(
      (
        await failure(
          KeyVault.open({
            storage: redisVaultStorage(a, { key: 'absent' }),
            masterKey: { key: MASTER },
            create: false,
          }),
        )
      ).message,
    ).toMatch(/'redis:absent' does not exist/);
  });

  it('checks its options with config errors naming the field', async () => {
    expect(() => redisVaultStorage({} as never)).toThrow(/client must be a connected node-redis client/);
    expect(() => redisVaultStorage(a, { key: '' })).toThrow(
      expect.objectContaining({ kind: 'config', message: expect.stringMatching(/options.key/) }),
    );
    const both = await failure(
      KeyVault.open({ path: '/tmp/x', storage: redisVaultStorage(a), masterKey: { key: MASTER } }),
    );
    expect(both).toMatchObject({
      kind: 'config',
      message: expect.stringMatching(/options.path or options.storage/),
    });
    const bad = await failure(KeyVault.open({ storage: {} as never, masterKey: { key: MASTER } }));
    expect(bad.message).toMatch(/options.storage must be a VaultStorage/);
  });
});
