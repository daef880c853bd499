import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog, verifyAuditLog } from '../audit/index.js';
import { KeyVault, type KeyVaultOptions, type VaultEvent } from './index.js';

const SECRET = 'sk-canary-0123456789abcdefVAULT';
const MASTER = randomBytes(32);
const OTHER = randomBytes(32);
const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keys-audit-vault-'));
  path = join(dir, 'vault.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const open = (extra: Partial<KeyVaultOptions> = {}) =>
  KeyVault.open({ path, masterKey: { key: MASTER }, ...extra });
type RawSealed = { iv: string; ct: string; tag: string };
type RawRecord = { [field: string]: unknown; secret: RawSealed; dataKey: RawSealed };
type RawVault = { [field: string]: unknown; master: unknown; records: RawRecord[] };
const readVault = () => JSON.parse(readFileSync(path, 'utf8')) as RawVault;
const writeVault = (file: unknown) => writeFileSync(path, JSON.stringify(file));
const failure = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error as { kind: string; message: string };
  }
  throw new Error('expected a rejection');
};

async function vaultWithOneKey() {
  const vault = await open();
  const key = await vault.add({ provider: 'openai', secret: SECRET, label: 'prod' });
  return { vault, key };
}

describe('KeyVault', () => {
  it('stores keys encrypted, reads them back after reopening, and writes 0600 atomically', async () => {
    const { key } = await vaultWithOneKey();
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(Buffer.from(SECRET).toString('base64').slice(0, 12));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['vault.json']); // no temp file left behind
    const again = await open();
    expect(again.reveal(key.id)).toBe(SECRET);
    expect(again.list('openai')).toEqual([
      expect.objectContaining({ id: key.id, status: 'active', revision: 1, label: 'prod' }),
    ]);
    const record = readVault().records[0]!;
    expect(Buffer.from(record.secret.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(record.secret.tag, 'base64')).toHaveLength(16);
  });

  it('uses a fresh IV and data key for every record', async () => {
    const vault = await open();
    await vault.add({ provider: 'openai', secret: SECRET });
    await vault.add({ provider: 'openai', secret: SECRET });
    const [a, b] = readVault().records;
    expect(a!.secret.iv).not.toBe(b!.secret.iv);
    expect(a!.secret.ct).not.toBe(b!.secret.ct);
    expect(a!.dataKey.ct).not.toBe(b!.dataKey.ct);
  });

  for (const [part, field] of [
    ['ciphertext', 'ct'],
    ['tag', 'tag'],
    ['IV', 'iv'],
  ] as const) {
    for (const layer of ['secret', 'dataKey'] as const) {
      it(`a tampered ${layer} ${part} is a clear config error, never garbage`, async () => {
        const { key } = await vaultWithOneKey();
        const file = readVault();
        const bytes = Buffer.from(file.records[0]![layer][field], 'base64');
        bytes[0] = (bytes[0] ?? 0) ^ 0x01;
        file.records[0]![layer][field] = bytes.toString('base64');
        writeVault(file);
        const error = await failure(open());
        expect(error.kind).toBe('config');
        expect(error.message).toMatch(
          new RegExp(`record '${key.id}' failed authentication: its ciphertext, tag, IV or AAD`),
        );
        expect(error.message).not.toContain(SECRET);
      });
    }
  }

  it('binds the AAD: a ciphertext moved to another record, or a changed revision, fails', async () => {
    const vault = await open();
    const a = await vault.add({ provider: 'openai', secret: SECRET });
    await vault.add({ provider: 'openai', secret: 'sk-other-key-0000000000' });
    const file = readVault();
    const [ra, rb] = file.records;
    writeVault({ ...file, records: [{ ...rb, dataKey: ra!.dataKey, secret: ra!.secret }, ra] });
    expect((await failure(open())).message).toMatch(/failed authentication/);
    writeVault({ ...file, records: [{ ...ra, revision: 2 }, rb] });
    expect((await failure(open())).message).toMatch(new RegExp(`record '${a.id}' failed authentication`));
  });

  it('a wrong master key is a clear error', async () => {
    await vaultWithOneKey();
    const error = await failure(KeyVault.open({ path, masterKey: { key: OTHER } }));
    expect(error.kind).toBe('config');
    expect(error.message).toMatch(/the master key does not open .*wrong key or passphrase/);
  });

  it('a record or file from a future version is a clear error', async () => {
    await vaultWithOneKey();
    const file = readVault();
    writeVault({ ...file, records: [{ ...file.records[0], version: 2 }] });
    expect((await failure(open())).message).toMatch(
      /record '.*' .* has format version 2; this version of switchyard-llm reads up to 1/,
    );
    writeVault({ ...file, version: 3 });
    expect((await failure(open())).message).toMatch(/has format version 3/);
  });

  it('a file that is not a vault is a clear error that does not quote it', async () => {
    writeFileSync(path, `OPENAI_API_KEY=${SECRET}\n`);
    const error = await failure(open());
    expect(error).toMatchObject({
      kind: 'config',
      message: `key vault: '${path}' is not a Switchyard key vault`,
    });
    writeFileSync(path, JSON.stringify({ hello: SECRET }));
    expect((await failure(open())).message).toMatch(/is not a Switchyard key vault/);
    expect((await failure(open({ create: false, path: join(dir, 'missing.json') }))).message).toMatch(
      /does not exist/,
    );
  });

  it('rotates a key (new revision) and disables, enables and revokes with events', async () => {
    const events: VaultEvent[] = [];
    const { vault, key } = await vaultWithOneKey();
    vault.on((e) => events.push(e));
    await vault.rotate(key.id, 'sk-rotated-1111111111111');
    expect(vault.reveal(key.id)).toBe('sk-rotated-1111111111111');
    expect(vault.get(key.id).revision).toBe(2);
    await vault.disable(key.id, 'suspected leak');
    expect(vault.get(key.id)).toMatchObject({ status: 'disabled', statusReason: 'suspected leak' });
    await vault.enable(key.id);
    await vault.revoke(key.id);
    expect(readVault().records[0]).not.toHaveProperty('secret');
    expect(readVault().records[0]).not.toHaveProperty('dataKey');
    expect(() => vault.reveal(key.id)).toThrow(/revoked/);
    expect(events.map((e) => e.type)).toEqual(['key.rotated', 'key.disabled', 'key.enabled', 'key.revoked']);
    expect(JSON.stringify(events)).not.toMatch(/sk-/);
    expect((await open()).get(key.id).status).toBe('revoked');
  });

  it('rotates the master key: every record re-wrapped, the old key no longer opens the file', async () => {
    const vault = await open();
    const ids = [];
    for (let i = 0; i < 5; i++)
      ids.push((await vault.add({ provider: 'p', secret: `sk-key-${i}-abcdefghij` })).id);
    const before = readVault();
    // Reads keep working while the rotation runs.
    const rotation = vault.rotateMasterKey({ key: OTHER });
    expect(vault.reveal(ids[0]!)).toBe('sk-key-0-abcdefghij');
    await rotation;
    const after = readVault();
    for (let i = 0; i < 5; i++) {
      expect(after.records[i]!.dataKey.ct).not.toBe(before.records[i]!.dataKey.ct);
      expect(after.records[i]!.secret).toEqual(before.records[i]!.secret); // envelope: secrets untouched
    }
    expect(vault.reveal(ids[4]!)).toBe('sk-key-4-abcdefghij');
    expect((await failure(open())).message).toMatch(/master key does not open/);
    const reopened = await KeyVault.open({ path, masterKey: { key: OTHER } });
    expect(ids.map((id) => reopened.reveal(id))).toEqual(ids.map((_, i) => `sk-key-${i}-abcdefghij`));
  });

  it('derives the master key from a passphrase with scrypt, parameters stored in the file', async () => {
    const vault = await KeyVault.open({
      path,
      masterKey: { passphrase: 'correct horse battery', scrypt: FAST_SCRYPT },
    });
    const key = await vault.add({ provider: 'anthropic', secret: SECRET });
    expect(readVault().master).toMatchObject({
      kdf: 'scrypt',
      N: 1024,
      r: 8,
      p: 1,
      salt: expect.any(String),
    });
    const again = await KeyVault.open({ path, masterKey: { passphrase: 'correct horse battery' } });
    expect(again.reveal(key.id)).toBe(SECRET);
    const wrong = await failure(KeyVault.open({ path, masterKey: { passphrase: 'wrong horse battery' } }));
    expect(wrong.message).toMatch(/master key does not open/);
    expect(wrong.message).not.toContain('horse');
    expect((await failure(KeyVault.open({ path, masterKey: { key: MASTER } }))).message).toMatch(
      /created from a passphrase/,
    );
    // Rotating from a passphrase to a raw key.
    await again.rotateMasterKey({ key: MASTER });
    expect((await open()).reveal(key.id)).toBe(SECRET);
  });

  it('reads the master key from an environment variable or a file, with clear errors', async () => {
    process.env.KEYS_AUDIT_TEST_MASTER = MASTER.toString('hex');
    const fromEnv = await KeyVault.open({ path, masterKey: { env: 'KEYS_AUDIT_TEST_MASTER' } });
    const key = await fromEnv.add({ provider: 'p', secret: SECRET });
    const keyFile = join(dir, 'master.key');
    writeFileSync(keyFile, `${MASTER.toString('base64')}\n`);
    expect((await KeyVault.open({ path, masterKey: { file: keyFile } })).reveal(key.id)).toBe(SECRET);
    process.env.KEYS_AUDIT_TEST_MASTER = 'too-short';
    expect(
      (await failure(KeyVault.open({ path, masterKey: { env: 'KEYS_AUDIT_TEST_MASTER' } }))).message,
    ).toMatch(/environment variable KEYS_AUDIT_TEST_MASTER must hold a 32-byte key/);
    delete process.env.KEYS_AUDIT_TEST_MASTER;
    expect(
      (await failure(KeyVault.open({ path, masterKey: { env: 'KEYS_AUDIT_TEST_MASTER' } }))).message,
    ).toMatch(/is not set/);
    expect((await failure(KeyVault.open({ path, masterKey: { file: join(dir, 'nope') } }))).message).toMatch(
      /ENOENT/,
    );
    expect((await failure(KeyVault.open({ path, masterKey: { key: Buffer.alloc(16) } }))).message).toMatch(
      /32 bytes/,
    );
    expect((await failure(KeyVault.open({ path: '', masterKey: { key: MASTER } }))).kind).toBe('config');
  });

  it('writes its events to an audit log with no secret in it', async () => {
    const log = AuditLog.open({ path: join(dir, 'audit.jsonl') });
    const vault = await open({ audit: log });
    const key = await vault.add({ provider: 'openai', secret: SECRET });
    await vault.rotate(key.id, `${SECRET}-2`);
    await vault.disable(key.id, 'auth');
    await vault.revoke(key.id);
    await vault.rotateMasterKey({ key: OTHER });
    log.close();
    const text = readFileSync(join(dir, 'audit.jsonl'), 'utf8');
    expect(
      text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l).type),
    ).toEqual(['key.added', 'key.rotated', 'key.disabled', 'key.revoked', 'master_key.rotated']);
    expect(text).not.toContain('canary');
    expect(verifyAuditLog(join(dir, 'audit.jsonl')).ok).toBe(true);
  });

  it('serialises concurrent changes: 20 parallel adds all land', async () => {
    const vault = await open();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => vault.add({ provider: 'p', secret: `sk-par-${i}-xxxxxxxx` })),
    );
    expect((await open()).list()).toHaveLength(20);
  });

  it('refuses bad input with clear errors', async () => {
    const vault = await open();
    await expect(vault.add({ provider: 'bad provider!', secret: SECRET })).rejects.toThrow(
      /provider must be/,
    );
    await expect(vault.add({ provider: 'p', secret: '' })).rejects.toThrow(/secret must be/);
    await expect(vault.disable('nope')).rejects.toThrow(/no key 'nope'/);
    await vault.add({ provider: 'p', secret: SECRET, id: 'fixed' });
    await expect(vault.add({ provider: 'p', secret: SECRET, id: 'fixed' })).rejects.toThrow(/already exists/);
  });
});
