/**
 * Gateway virtual keys: an admin creates a key over the admin API (its secret shown once), a
 * client calls with it through the official `openai` SDK and reads the rate-limit headers, goes
 * over its requests per minute (429 with retry-after), calls a model it may not (403), then the
 * admin rotates and revokes it (401). Auth failures and admin calls are events: here they go to
 * the console and to a tamper-evident audit log. Mock upstream: no network beyond 127.0.0.1.
 *
 * Run: npx tsx examples/gateway-keys.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { Router } from 'switchyard-llm';
import { AuditLog, verifyAuditLog } from 'switchyard-llm/audit';
import { auditGatewayEvents, createGateway, FileKeyStore, VirtualKeys } from 'switchyard-llm/gateway';
import { MockAdapter } from 'switchyard-llm/testing';

const ADMIN_KEY = 'admin-example-key-0123456789';

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-gateway-keys-'));
  const router = new Router({
    targets: [
      {
        id: 'primary',
        model: 'acme-small',
        aliases: ['chat'],
        adapter: new MockAdapter(() => ({
          text: 'Hello from the gateway.',
          usage: { inputTokens: 5, outputTokens: 5 },
        })),
        price: { inputPerMTok: 0.15, outputPerMTok: 0.6 }, // lets keys carry a budget
      },
      {
        id: 'big',
        model: 'acme-large',
        adapter: new MockAdapter(() => ({ text: 'big' })),
        price: { inputPerMTok: 2.5, outputPerMTok: 10 },
      },
    ],
  });
  const keys = new VirtualKeys(new FileKeyStore(join(dir, 'keys.json')), { router });
  const audit = AuditLog.open({ path: join(dir, 'audit.jsonl') });
  const toAudit = auditGatewayEvents(audit);
  const gateway = createGateway(router, {
    port: 0,
    keys,
    adminKey: ADMIN_KEY,
    onEvent: (event) => {
      toAudit(event);
      if (event.type === 'auth:failure') console.log(`event: auth:failure ${event.reason} (${event.status})`);
    },
  });
  const { url } = await gateway.start();

  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${ADMIN_KEY}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));

  const created = await admin('POST', '/admin/keys', {
    name: 'search-service',
    models: ['chat'],
    rpm: 2,
    budget: { limitUsd: 5, period: 'month' },
    metadata: { user: 'ana', team: 'search' },
  });
  if (created.status !== 201) throw new Error(`create failed: ${JSON.stringify(created.body)}`);
  const id = created.body.id as string;
  const secret = created.body.secret as string;
  console.log(`created: ${created.status} ${id} ${String(created.body.hint)} (secret shown once)`);

  const client = new OpenAI({ apiKey: secret, baseURL: `${url}/v1`, maxRetries: 0 });
  const ask = (model = 'chat') =>
    client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi' }] });
  const { data, response } = await ask().withResponse();
  console.log(`completion: ${data.choices[0]?.message.content}`);
  console.log(
    `headers: limit ${response.headers.get('x-ratelimit-limit-requests')}, remaining ${response.headers.get('x-ratelimit-remaining-requests')}, reset ${response.headers.get('x-ratelimit-reset-requests')}`,
  );
  await ask();
  const limited = await ask().catch((e: unknown) => e);
  if (limited instanceof OpenAI.RateLimitError) {
    console.log(
      `third call: ${limited.status} ${limited.code}, retry-after ${limited.headers?.get('retry-after')}s`,
    );
  }
  const denied = await ask('acme-large').catch((e: unknown) => e);
  if (denied instanceof OpenAI.APIError) console.log(`other model: ${denied.status} ${denied.code}`);

  const rotated = await admin('POST', `/admin/keys/${id}/rotate`);
  const oldKey = await ask().catch((e: unknown) => e);
  if (oldKey instanceof OpenAI.APIError) console.log(`old secret after rotation: ${oldKey.status}`);
  await admin('DELETE', `/admin/keys/${id}`);
  const revoked = await new OpenAI({
    apiKey: rotated.body.secret as string,
    baseURL: `${url}/v1`,
    maxRetries: 0,
  }).chat.completions
    .create({ model: 'chat', messages: [{ role: 'user', content: 'Hi' }] })
    .catch((e: unknown) => e);
  if (revoked instanceof OpenAI.APIError) console.log(`revoked key: ${revoked.status}`);

  console.log(
    'listed:',
    ((await admin('GET', '/admin/keys')).body.data as { status: string }[]).map((k) => k.status).join(', '),
  );
  console.log('stats:', JSON.stringify(gateway.stats().authFailures));
  const check = verifyAuditLog([audit.path]);
  console.log(`audit: ${check.ok ? 'chain ok' : 'BROKEN'}, ${check.ok ? check.entries : 0} entries`);

  await gateway.stop();
  await router.close();
  audit.close();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
