/**
 * Key vault and audit trail: three provider keys stored encrypted (AES-256-GCM envelope
 * encryption, master key from an environment variable), served through one target by a key
 * set — the key the provider refuses (401) is disabled, the rate-limited one (429) rests, the
 * good one serves — then a master key rotation, and a hash-chained audit log that shows a
 * tampered line. A mock provider stands in for the real one: no API keys, no network.
 *
 * Run: npx tsx examples/keys.ts
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Adapter, Router } from 'switchyard-llm';
import { AuditLog, auditRouter, verifyAuditLog } from 'switchyard-llm/audit';
import { KeyVault, keyedAdapter } from 'switchyard-llm/keys';
import { MockAdapter } from 'switchyard-llm/testing';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-keys-example-'));
try {
  // In production the master key comes from your secret manager; here we make one.
  process.env.EXAMPLE_MASTER_KEY = randomBytes(32).toString('hex');
  const audit = AuditLog.open({ path: join(dir, 'audit.jsonl') });
  const vault = await KeyVault.open({
    path: join(dir, 'vault.json'),
    masterKey: { env: 'EXAMPLE_MASTER_KEY' },
    audit,
  });
  await vault.add({ provider: 'openai', id: 'revoked-upstream', secret: 'example-key-refused-000' });
  await vault.add({ provider: 'openai', id: 'busy', secret: 'example-key-limited-111' });
  await vault.add({ provider: 'openai', id: 'healthy', secret: 'example-key-healthy-222' });

  // A stand-in for `new OpenAIAdapter({ apiKey })` that behaves by key.
  const fakeOpenAI = (apiKey: string): Adapter =>
    new MockAdapter(
      () =>
        apiKey.includes('refused')
          ? { error: { status: 401, message: 'Incorrect API key provided' } }
          : apiKey.includes('limited')
            ? { error: { status: 429, retryAfterMs: 60_000 } }
            : { text: 'hello', delayMs: 2 },
      { provider: 'openai' },
    );

  const keys = vault.keySet('openai');
  keys.on('key:disabled', (e) => console.log(`key ${e.keyId} disabled (HTTP ${e.status})`));
  keys.on('key:cooldown', (e) => console.log(`key ${e.keyId} rests ${e.cooldownMs / 1000} s`));
  const router = new Router({
    targets: [{ id: 'gpt', adapter: keyedAdapter(keys, fakeOpenAI), model: 'gpt-4o-mini' }],
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
    breaker: false,
  });
  auditRouter(audit, router);

  // The call that meets the refused key fails over to another target (here there is none, so it
  // fails); the adapter never retries by itself. From then on the other keys serve.
  for (let i = 1; i <= 5; i++) {
    const result = await router.complete({ messages: [{ role: 'user', content: 'hi' }] }).then(
      (r) => `ok after ${r.attempts.length} attempt(s)`,
      (e: Error) => `failed: ${e.message}`,
    );
    console.log(`call ${i}: ${result}`);
  }
  await vault.settled();
  for (const s of keys.stats())
    console.log(`usage ${s.id}: ${s.calls} calls, ${s.successes} ok, state ${s.state}`);
  console.log(
    `vault: ${vault
      .list()
      .map((k) => `${k.id}=${k.status}`)
      .join(', ')}`,
  );

  await vault.rotateMasterKey({ key: randomBytes(32) });
  console.log(
    `master key rotated; healthy key still reads back: ${vault.reveal('healthy') === 'example-key-healthy-222'}`,
  );
  const vaultText = readFileSync(join(dir, 'vault.json'), 'utf8');
  console.log(`vault file holds a key in clear: ${vaultText.includes('example-key')}`);
  await router.close();
  audit.close();

  const log = join(dir, 'audit.jsonl');
  const lines = readFileSync(log, 'utf8').trimEnd().split('\n');
  console.log(`audit: ${lines.map((l) => (JSON.parse(l) as { type: string }).type).join(', ')}`);
  const intact = verifyAuditLog(log);
  console.log(`audit verified: ${intact.ok} (${intact.entries} entries)`);
  // Someone edits the third line to hide which key was disabled.
  lines[2] = (lines[2] ?? '').replace('"healthy"', '"busy"').replace('"revoked-upstream"', '"busy"');
  writeFileSync(log, `${lines.join('\n')}\n`);
  const tampered = verifyAuditLog(log);
  console.log(tampered.ok ? 'tampering missed!' : `tampered: line ${tampered.line}: ${tampered.reason}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
