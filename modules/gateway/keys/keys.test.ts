import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Router } from '../../../index.js';
import { MockAdapter, VirtualClock } from '../../../src/testing/index.js';
import { virtualKeyAuth } from './auth.js';
import { FileKeyStore } from './file-store.js';
import { MemoryKeyStore } from './memory-store.js';
import { hashSecret, KEY_PREFIX, newSecret, sameHash } from './secret.js';
import { VirtualKeys } from './virtual-keys.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gw-keys-'));
  dirs.push(dir);
  return dir;
}

const request = (token?: string) => ({
  method: 'POST',
  path: '/v1/chat/completions',
  headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
});

function pricedRouter(clock = new VirtualClock()): Router {
  return new Router({
    targets: [
      {
        id: 't',
        model: 'm',
        aliases: ['chat'],
        adapter: new MockAdapter(() => ({ text: 'ok' })),
        price: { inputPerMTok: 1, outputPerMTok: 1 },
      },
    ],
    clock,
  });
}

describe('secrets', () => {
  it('are sk-sy- and 256 random bits in base64url, different each time', () => {
    const a = newSecret();
    const b = newSecret();
    expect(a.startsWith(KEY_PREFIX)).toBe(true);
    expect(Buffer.from(a.slice(KEY_PREFIX.length), 'base64url')).toHaveLength(32);
    expect(a).toMatch(/^sk-sy-[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
  });

  it('hashes compare only when equal, and never match a non-hash', () => {
    expect(sameHash(hashSecret('x'), hashSecret('x'))).toBe(true);
    expect(sameHash(hashSecret('x'), hashSecret('y'))).toBe(false);
    expect(sameHash('abc', hashSecret('x'))).toBe(false);
  });
});

describe('VirtualKeys', () => {
  it('creates a key whose secret is returned once and stored only as its hash', async () => {
    const store = new MemoryKeyStore();
    const keys = new VirtualKeys(store);
    const { key, secret } = await keys.create({
      name: 'search',
      rpm: 10,
      metadata: { user: 'ana', team: 'search' },
    });
    expect(key.id).toMatch(/^key_/);
    expect(key.status).toBe('active');
    expect(key.hint).toBe(`sk-sy-…${secret.slice(-4)}`);
    expect(JSON.stringify(key)).not.toContain(secret);
    expect(JSON.stringify(key)).not.toContain(hashSecret(secret)); // the view has no hash either
    const record = store.get(key.id)!;
    expect(record.hash).toBe(hashSecret(secret));
    expect(JSON.stringify(store.list())).not.toContain(secret);
  });

  it('lets the key in as a principal carrying its id, user, team, tags, models and limits', async () => {
    const keys = new VirtualKeys(new MemoryKeyStore());
    const { key, secret } = await keys.create({
      name: 'a',
      models: ['chat'],
      rpm: 5,
      tpm: 1000,
      metadata: { user: 'ana', team: 'search', tags: ['env:prod'] },
    });
    const principal = await keys.authenticate(request(secret));
    expect(principal).toEqual({
      id: key.id,
      key: key.id,
      user: 'ana',
      team: 'search',
      tags: ['env:prod', 'team:search'],
      allowedModels: ['chat'],
      limits: { requestsPerMinute: 5, tokensPerMinute: 1000 },
    });
    // x-api-key works too (Anthropic-style clients).
    expect(await keys.authenticate({ ...request(), headers: { 'x-api-key': secret } })).toMatchObject({
      id: key.id,
    });
  });

  it('refuses unknown, wrong, revoked and missing keys alike', async () => {
    const keys = new VirtualKeys(new MemoryKeyStore());
    const { key, secret } = await keys.create({ name: 'a' });
    expect(await keys.authenticate(request())).toBeUndefined();
    expect(await keys.authenticate(request(`${secret.slice(0, -1)}x`))).toBeUndefined();
    expect(await keys.authenticate(request('sk-sy-unknown'))).toBeUndefined();
    await keys.revoke(key.id);
    expect(await keys.authenticate(request(secret))).toBeUndefined();
    expect((await keys.get(key.id))?.status).toBe('revoked');
  });

  it('rotation: the new secret works, the old one stops at once or after the grace period', async () => {
    const clock = new VirtualClock(Date.parse('2026-12-02T00:00:00Z'));
    const keys = new VirtualKeys(new MemoryKeyStore(), { clock });
    const { key, secret: old } = await keys.create({ name: 'a' });
    const first = (await keys.rotate(key.id))!;
    expect(first.secret).not.toBe(old);
    expect(await keys.authenticate(request(old))).toBeUndefined();
    expect(await keys.authenticate(request(first.secret))).toMatchObject({ id: key.id });

    const second = (await keys.rotate(key.id, { graceMs: 60_000 }))!;
    expect(second.key.previousValidUntil).toBe('2026-12-02T00:01:00.000Z');
    expect(await keys.authenticate(request(first.secret))).toMatchObject({ id: key.id });
    expect(await keys.authenticate(request(second.secret))).toMatchObject({ id: key.id });
    await clock.advance(60_000);
    expect(await keys.authenticate(request(first.secret))).toBeUndefined();
    expect(await keys.authenticate(request(second.secret))).toMatchObject({ id: key.id });
  });

  it('keeps each key budget in the router: set on create and change, removed on revoke', async () => {
    const router = pricedRouter();
    const keys = new VirtualKeys(new MemoryKeyStore(), { router });
    const { key } = await keys.create({ name: 'a', budget: { limitUsd: 5, period: 'month' } });
    expect(router.budgets()).toMatchObject([
      { id: `key:${key.id}`, scope: { key: key.id }, limitUsd: 5, period: 'month' },
    ]);
    await keys.update(key.id, { budget: { limitUsd: 7, period: 'day' } });
    expect(router.budgets()).toMatchObject([{ id: `key:${key.id}`, limitUsd: 7, period: 'day' }]);
    await keys.update(key.id, { budget: null });
    expect(router.budgets()).toEqual([]);
    await keys.update(key.id, { budget: { limitUsd: 1, period: 'total' } });
    await keys.revoke(key.id);
    expect(router.budgets()).toEqual([]);
    await router.close();
  });

  it('applies the budgets of stored keys on first use (a restart)', async () => {
    const store = new MemoryKeyStore();
    const before = new VirtualKeys(store, { router: pricedRouter() });
    const { key, secret } = await before.create({ name: 'a', budget: { limitUsd: 3, period: 'day' } });
    const router = pricedRouter();
    const after = new VirtualKeys(store, { router });
    expect(router.budgets()).toEqual([]);
    await after.authenticate(request(secret));
    expect(router.budgets()).toMatchObject([{ id: `key:${key.id}`, limitUsd: 3 }]);
  });

  it('refuses bad settings with an invalid_request error naming the field', async () => {
    const keys = new VirtualKeys(new MemoryKeyStore());
    await expect(keys.create({ name: 'a', rpm: 0 })).rejects.toThrow(/'rpm'/);
    await expect(keys.create({ name: 'a', budget: { limitUsd: -1, period: 'day' } })).rejects.toThrow(
      /budget\.limitUsd/,
    );
    await expect(keys.create({ name: '' })).rejects.toThrow(/'name'/);
    // A budget without a router cannot be enforced: refused, nothing stored.
    await expect(keys.create({ name: 'a', budget: { limitUsd: 1, period: 'day' } })).rejects.toMatchObject({
      kind: 'config',
    });
    expect(await keys.list()).toEqual([]);
    const { key } = await keys.create({ name: 'a' });
    await keys.revoke(key.id);
    await expect(keys.update(key.id, { rpm: 3 })).rejects.toMatchObject({ kind: 'invalid_request' });
    await expect(keys.rotate(key.id)).rejects.toMatchObject({ kind: 'invalid_request' });
  });
});

/** A memory key store that counts its hash lookups. */
function countingStore() {
  let finds = 0;
  const inner = new MemoryKeyStore();
  const store = {
    get: (id: string) => inner.get(id),
    list: () => inner.list(),
    put: (r: Parameters<MemoryKeyStore['put']>[0]) => inner.put(r),
    findByHash: async (hash: string) => {
      finds++;
      return inner.findByHash(hash);
    },
  };
  return { store, finds: () => finds };
}

describe('virtualKeyAuth', () => {
  it('takes the same steps for unknown and revoked keys (both compare a hash in constant time)', async () => {
    const { store, finds } = countingStore();
    const keys = new VirtualKeys(store);
    const { key, secret } = await keys.create({ name: 'a' });
    await keys.revoke(key.id);
    const auth = virtualKeyAuth(store);
    expect(await auth(request(secret))).toBeUndefined();
    expect(await auth(request(newSecret()))).toBeUndefined();
    expect(finds()).toBe(2); // one lookup each, answered the same way
  });

  it("looks up only tokens with VirtualKeys' prefix: a JWT costs no store lookup", async () => {
    const { store, finds } = countingStore();
    const keys = new VirtualKeys(store);
    const { secret } = await keys.create({ name: 'a' });
    const jwtLike = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln';
    expect(await keys.authenticate(request(jwtLike))).toBeUndefined();
    expect(finds()).toBe(0);
    expect((await keys.authenticate(request(secret)))?.key).toBeDefined();
    expect(finds()).toBe(1);
    // Without a prefix (a store of one's own), every token is looked up.
    expect(await virtualKeyAuth(store)(request(jwtLike))).toBeUndefined();
    expect(finds()).toBe(2);
  });
});

describe('FileKeyStore', () => {
  it('keeps hashes only, mode 0600, written atomically, and reads them back', async () => {
    const dir = tempDir();
    const path = join(dir, 'keys.json');
    const keys = new VirtualKeys(new FileKeyStore(path));
    const { key, secret } = await keys.create({ name: 'a', rpm: 3, metadata: { user: 'ana' } });
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain(secret);
    expect(text).toContain(hashSecret(secret));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['keys.json']); // no temporary file left behind
    const reopened = new VirtualKeys(new FileKeyStore(path));
    expect(await reopened.authenticate(request(secret))).toMatchObject({ id: key.id, user: 'ana' });
  });

  it('a missing file is an empty store; a corrupt one is a config error naming the field', () => {
    const dir = tempDir();
    expect(new FileKeyStore(join(dir, 'none.json')).list()).toEqual([]);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ version: 1, keys: [{ id: 'key_a', hash: 'nope' }] }));
    expect(() => new FileKeyStore(bad)).toThrow(/keys\[0\]\.hash/);
    writeFileSync(bad, '{');
    expect(() => new FileKeyStore(bad)).toThrow(/not valid JSON/);
  });

  it('reload() picks up what another process wrote', async () => {
    const path = join(tempDir(), 'keys.json');
    const serving = new FileKeyStore(path);
    const cli = new VirtualKeys(new FileKeyStore(path));
    const { secret } = await cli.create({ name: 'from-cli' });
    const auth = virtualKeyAuth(serving);
    expect(await auth(request(secret))).toBeUndefined();
    serving.reload();
    expect(await auth(request(secret))).toMatchObject({ key: expect.stringMatching(/^key_/) });
  });
});

describe('VirtualKeys.reload', () => {
  it('re-reads a key file changed by another process and re-applies budgets', async () => {
    const path = join(tempDir(), 'keys.json');
    const router = pricedRouter();
    const serving = new VirtualKeys(new FileKeyStore(path), { router });
    await serving.ready();
    const cli = new VirtualKeys(new FileKeyStore(path), { storeBudgetsOnly: true });
    const { key, secret } = await cli.create({ name: 'a', budget: { limitUsd: 4, period: 'day' } });
    expect(await serving.authenticate(request(secret))).toBeUndefined();
    await serving.reload();
    expect(await serving.authenticate(request(secret))).toMatchObject({ id: key.id });
    expect(router.budgets()).toMatchObject([{ id: `key:${key.id}`, limitUsd: 4 }]);
    await cli.revoke(key.id);
    await serving.reload();
    expect(await serving.authenticate(request(secret))).toBeUndefined();
    expect(router.budgets()).toEqual([]);
    await router.close();
  });
});
