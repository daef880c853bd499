/**
 * Virtual keys through the gateway over real sockets: the admin API, the key check, model
 * allow-lists, per-key rpm/tpm with OpenAI's headers, budgets, and the auth events.
 */

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { Router, SwitchyardError } from '../../index.js';
import { MockAdapter, VirtualClock } from '../../src/testing/index.js';
import { AuditLog } from '../audit/index.js';
import { collectMetrics } from '../metrics/index.js';
import { auditGatewayEvents } from './audit.js';
import type { GatewayEvent } from './auth-events.js';
import { createGateway } from './gateway.js';
import { MemoryKeyStore } from './keys/memory-store.js';
import { VirtualKeys } from './keys/virtual-keys.js';
import type { GatewayOptions } from './options.js';
import { chatBody, JSON_HEADERS, send, startGateway, type TestGateway } from './test-helpers.js';

const ADMIN = 'admin-key-0123456789abcdef';
const USAGE = { inputTokens: 6, outputTokens: 4 };
let current: TestGateway | undefined;
const cleanups: (() => void)[] = [];

afterEach(async () => {
  await current?.close();
  current = undefined;
  for (const c of cleanups.splice(0)) c();
});

interface Setup {
  gw: TestGateway;
  keys: VirtualKeys;
  events: GatewayEvent[];
  clock: VirtualClock;
  admin(method: string, path: string, body?: unknown, key?: string): ReturnType<typeof send>;
  chat(secret: string | undefined, extra?: Record<string, unknown>): ReturnType<typeof send>;
}

async function setup(options: GatewayOptions = {}, target = {}): Promise<Setup> {
  const clock = new VirtualClock(Date.parse('2026-12-02T10:00:00Z'));
  const keys = new VirtualKeys(new MemoryKeyStore(), { clock });
  const events: GatewayEvent[] = [];
  current = await startGateway(
    (request) => ({
      text: 'Hello',
      usage: { ...USAGE, outputTokens: request.maxOutputTokens ?? USAGE.outputTokens },
    }),
    { keys, adminKey: ADMIN, clock, onEvent: (e) => events.push(e), ...options },
    target,
  );
  const port = current.port;
  return {
    gw: current,
    keys,
    events,
    clock,
    admin: (method, path, body, key = ADMIN) =>
      send(port, method, path, body === undefined ? undefined : JSON.stringify(body), {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : JSON_HEADERS),
      }),
    chat: (secret, extra = {}) =>
      send(port, 'POST', '/v1/chat/completions', chatBody(extra), {
        ...JSON_HEADERS,
        ...(secret === undefined ? {} : { authorization: `Bearer ${secret}` }),
      }),
  };
}

describe('admin API', () => {
  it('creates, lists, reads, changes, rotates and revokes keys; the secret is shown once', async () => {
    const { admin, chat, events } = await setup();
    const created = await admin('POST', '/admin/keys', {
      name: 'search',
      models: ['fast'],
      rpm: 100,
      metadata: { user: 'ana', team: 'search' },
    });
    expect(created.status).toBe(201);
    const key = created.json() as Record<string, unknown> & { id: string; secret: string };
    expect(key.secret).toMatch(/^sk-sy-[A-Za-z0-9_-]{43}$/);
    expect(key).toMatchObject({ name: 'search', status: 'active', models: ['fast'], rpm: 100 });
    expect(key).not.toHaveProperty('hash');
    expect((await chat(key.secret)).status).toBe(200);

    const list = await admin('GET', '/admin/keys');
    expect(list.status).toBe(200);
    expect(list.text).not.toContain(key.secret);
    expect(list.text).not.toContain('"hash"');
    expect(list.json()).toMatchObject({
      object: 'list',
      data: [{ id: key.id, hint: `sk-sy-…${key.secret.slice(-4)}` }],
    });
    const one = await admin('GET', `/admin/keys/${key.id}`);
    expect(one.json()).toMatchObject({ id: key.id, metadata: { user: 'ana', team: 'search' } });
    expect(one.text).not.toContain('secret');

    const patched = await admin('PATCH', `/admin/keys/${key.id}`, { rpm: null, tpm: 5000, models: null });
    expect(patched.status).toBe(200);
    expect(patched.json()).toMatchObject({ tpm: 5000 });
    expect(patched.json()).not.toHaveProperty('rpm');
    expect(patched.json()).not.toHaveProperty('models');

    const rotated = await admin('POST', `/admin/keys/${key.id}/rotate`);
    expect(rotated.status).toBe(200);
    const fresh = (rotated.json() as { secret: string }).secret;
    expect(fresh).not.toBe(key.secret);
    expect((await chat(key.secret)).status).toBe(401);
    expect((await chat(fresh)).status).toBe(200);

    const revoked = await admin('DELETE', `/admin/keys/${key.id}`);
    expect(revoked.json()).toMatchObject({ id: key.id, status: 'revoked' });
    expect((await chat(fresh)).status).toBe(401);
    expect((await admin('PATCH', `/admin/keys/${key.id}`, { rpm: 1 })).status).toBe(409);

    const calls = events.filter((e) => e.type === 'admin:call');
    expect(calls.map((e) => [e.action, e.status])).toEqual([
      ['create', 201],
      ['list', 200],
      ['get', 200],
      ['update', 200],
      ['rotate', 200],
      ['revoke', 200],
      ['update', 409],
    ]);
    expect(calls.every((e) => e.keyId === key.id || e.action === 'list')).toBe(true);
    expect(JSON.stringify(events)).not.toContain(key.secret);
    expect(JSON.stringify(events)).not.toContain(fresh);
  });

  it('a rotation with a grace period keeps the old secret working until it ends', async () => {
    const { admin, chat, clock } = await setup();
    const key = (await admin('POST', '/admin/keys', { name: 'a' })).json() as { id: string; secret: string };
    const rotated = await admin('POST', `/admin/keys/${key.id}/rotate`, { graceMs: 30_000 });
    expect(rotated.json()).toMatchObject({ previousValidUntil: '2026-12-02T10:00:30.000Z' });
    expect((await chat(key.secret)).status).toBe(200);
    await clock.advance(30_000);
    expect((await chat(key.secret)).status).toBe(401);
  });

  it('refuses calls without the admin key (401, an admin_denied event), virtual keys included', async () => {
    const { admin, events, keys } = await setup();
    const { secret } = await keys.create({ name: 'a' });
    for (const token of ['wrong-admin-key-0123456789', secret]) {
      const answer = await admin('GET', '/admin/keys', undefined, token);
      expect(answer.status).toBe(401);
      expect(answer.headers['www-authenticate']).toBe('Bearer');
      expect(answer.json().error).toMatchObject({ type: 'authentication_error', code: 'invalid_api_key' });
    }
    const noKey = await send(current!.port, 'GET', '/admin/keys');
    expect(noKey.status).toBe(401);
    expect(events.filter((e) => e.type === 'auth:failure').map((e) => e.reason)).toEqual([
      'admin_denied',
      'admin_denied',
      'admin_denied',
    ]);
  });

  it('validates bodies with 400s naming the field, and answers 404/405/415 as JSON', async () => {
    const { admin } = await setup();
    const cases: [unknown, string][] = [
      [{}, 'name'],
      [{ name: 'a', rpm: 0 }, 'rpm'],
      [{ name: 'a', rpm: 1.5 }, 'rpm'],
      [{ name: 'a', models: [] }, 'models'],
      [{ name: 'a', models: ['ok', 3] }, 'models[1]'],
      [{ name: 'a', budget: { limitUsd: 5, period: 'week' } }, 'budget.period'],
      [{ name: 'a', metadata: { tags: ['bad tag'] } }, 'metadata.tags[0]'],
      [{ name: 'a', metadata: { owner: 'x' } }, 'metadata.owner'],
      [{ name: 'a', rmp: 5 }, 'rmp'],
      [[], 'body'],
    ];
    for (const [body, param] of cases) {
      const answer = await admin('POST', '/admin/keys', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.json().error).toMatchObject({ type: 'invalid_request_error', param });
    }
    const notJson = await send(current!.port, 'POST', '/admin/keys', '{', {
      authorization: `Bearer ${ADMIN}`,
      ...JSON_HEADERS,
    });
    expect(notJson.json().error).toMatchObject({ code: 'invalid_json' });
    const text = await send(current!.port, 'POST', '/admin/keys', 'name=a', {
      authorization: `Bearer ${ADMIN}`,
    });
    expect(text.status).toBe(415);
    expect((await admin('GET', '/admin/keys/key_nope')).status).toBe(404);
    expect((await admin('GET', '/admin/keys/..%2Fetc')).status).toBe(404);
    expect((await admin('GET', '/admin/other')).status).toBe(404);
    const put = await admin('PUT', '/admin/keys');
    expect(put.status).toBe(405);
    expect(put.headers.allow).toBe('GET, POST');
    // A budget the router cannot enforce (the mock target has no price) is refused, naming it.
    const budget = await admin('POST', '/admin/keys', { name: 'a', budget: { limitUsd: 5, period: 'day' } });
    expect(budget.status).toBe(400);
    expect(budget.json().error?.param).toBe('budget');
    expect((await admin('GET', '/admin/keys')).json()).toMatchObject({ data: [] });
  });

  it('without adminKey there is no admin API (404), and adminKey without keys is a config error', async () => {
    const keys = new VirtualKeys(new MemoryKeyStore());
    current = await startGateway(() => ({ text: 'x' }), { keys });
    expect(
      (await send(current.port, 'GET', '/admin/keys', undefined, { authorization: `Bearer ${ADMIN}` }))
        .status,
    ).toBe(404);
    expect(() => createGateway(current!.router, { adminKey: ADMIN })).toThrow(/adminKey/);
    expect(() => createGateway(current!.router, { keys, adminKey: 'short' })).toThrow(/adminKey/);
    expect(() => createGateway(current!.router, { store: {} as never })).toThrow(/store/);
  });
});

describe('virtual keys on /v1', () => {
  it('never tells unknown, revoked and wrong keys apart; the events say why', async () => {
    const { chat, keys, events } = await setup();
    const { key, secret } = await keys.create({ name: 'a' });
    const { secret: revokedSecret, key: revokedKey } = await keys.create({ name: 'b' });
    await keys.revoke(revokedKey.id);
    const answers = await Promise.all([
      chat('sk-sy-doesnotexist'),
      chat(revokedSecret),
      chat(`${secret.slice(0, -2)}xx`),
    ]);
    for (const a of answers) {
      expect(a.status).toBe(401);
      expect(a.text).toBe(answers[0]!.text);
      expect(a.headers['www-authenticate']).toBe('Bearer');
    }
    expect((await chat(undefined)).status).toBe(401);
    expect((await chat(secret)).status).toBe(200);
    const reasons = events.filter((e) => e.type === 'auth:failure').map((e) => e.reason);
    expect(reasons).toEqual(['unknown_or_revoked', 'unknown_or_revoked', 'unknown_or_revoked', 'missing']);
    expect(JSON.stringify(events)).not.toContain(revokedSecret);
    expect(key.id).toMatch(/^key_/);
  });

  it('passes the key id, user and team into the call metadata and tags', async () => {
    const { chat, keys, gw } = await setup();
    const starts: { metadata?: unknown; tags?: readonly string[] }[] = [];
    gw.router.on('request:start', (e) => starts.push(e));
    const { key, secret } = await keys.create({
      name: 'a',
      metadata: { user: 'ana', team: 'search', tags: ['env:prod'] },
    });
    expect((await chat(secret)).status).toBe(200);
    expect(starts[0]?.metadata).toEqual({ principal: key.id, key: key.id, user: 'ana', team: 'search' });
    expect(starts[0]?.tags).toEqual(['env:prod', 'team:search']);
  });

  it('answers 403 for a model the key may not call, whether it exists or not', async () => {
    const { chat, keys, events, gw } = await setup();
    const { key, secret } = await keys.create({ name: 'a', models: ['mock-model'] });
    const alias = await chat(secret, { model: 'fast' });
    const unknown = await chat(secret, { model: 'no-such-model' });
    for (const a of [alias, unknown]) {
      expect(a.status).toBe(403);
      expect(a.json().error).toMatchObject({
        type: 'permission_error',
        code: 'model_not_allowed',
        param: 'model',
      });
    }
    expect(alias.text).toBe(unknown.text);
    expect((await chat(secret, { model: 'mock-model' })).status).toBe(200);
    expect(gw.adapter.calls).toHaveLength(1);
    expect(events.filter((e) => e.type === 'auth:failure')).toMatchObject([
      { reason: 'model_not_allowed', status: 403, key: key.id },
      { reason: 'model_not_allowed', status: 403, key: key.id },
    ]);
  });

  it('rpm: the limit, then 429 with retry-after and OpenAI headers; a minute later it admits again', async () => {
    const { chat, keys, clock, events, gw } = await setup();
    const { key, secret } = await keys.create({ name: 'a', rpm: 2 });
    const first = await chat(secret);
    expect(first.status).toBe(200);
    expect(first.headers).toMatchObject({
      'x-ratelimit-limit-requests': '2',
      'x-ratelimit-remaining-requests': '1',
      'x-ratelimit-reset-requests': '1m0s',
    });
    expect(first.headers['x-ratelimit-limit-tokens']).toBeUndefined();
    await clock.advance(15_000);
    expect((await chat(secret)).headers['x-ratelimit-remaining-requests']).toBe('0');
    const refused = await chat(secret);
    expect(refused.status).toBe(429);
    expect(refused.json().error).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded' });
    expect(refused.headers['retry-after']).toBe('45');
    expect(refused.headers).toMatchObject({
      'x-ratelimit-limit-requests': '2',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': '45s',
    });
    expect(gw.adapter.calls).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({
      type: 'auth:failure',
      reason: 'rate_limited',
      status: 429,
      key: key.id,
    });
    // GET /v1/models shows the state without counting.
    const models = await send(gw.port, 'GET', '/v1/models', undefined, { authorization: `Bearer ${secret}` });
    expect(models.headers['x-ratelimit-remaining-requests']).toBe('0');
    await clock.advance(45_000);
    expect((await chat(secret)).status).toBe(200);
  });

  it('tpm: counts the estimate, corrects it to the real usage, refuses once used up', async () => {
    const { chat, keys, gw } = await setup();
    const { secret } = await keys.create({ name: 'a', tpm: 300 });
    // The mock answers with usage 6 in + max_tokens (or 4) out; "Hello" is 2 tokens by the estimate.
    const first = await chat(secret, { max_tokens: 100 });
    expect(first.status).toBe(200);
    expect(first.headers).toMatchObject({
      'x-ratelimit-limit-tokens': '300',
      'x-ratelimit-remaining-tokens': '198', // 2 + 100 counted at admission
    });
    const models = () => send(gw.port, 'GET', '/v1/models', undefined, { authorization: `Bearer ${secret}` });
    expect((await models()).headers['x-ratelimit-remaining-tokens']).toBe(String(300 - 106)); // corrected
    // Streams are corrected from their finish event too; the default output estimate is 256.
    const stream = await chat(secret, { stream: true });
    expect(stream.status).toBe(200);
    expect(stream.headers['x-ratelimit-remaining-tokens']).toBe('0'); // 106 + 258 while it runs
    expect((await models()).headers['x-ratelimit-remaining-tokens']).toBe(String(300 - 106 - 10));
    // A call is admitted while use < limit (it may overshoot by its own size), then refused.
    expect((await chat(secret, { max_tokens: 1000 })).status).toBe(200);
    const refused = await chat(secret, { max_tokens: 1 });
    expect(refused.status).toBe(429);
    expect(refused.json().error).toMatchObject({ type: 'tokens', code: 'rate_limit_exceeded' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused.headers['x-ratelimit-remaining-tokens']).toBe('0');
  });

  it('a refused token take gives the request slot back', async () => {
    const { chat, keys } = await setup();
    const { secret } = await keys.create({ name: 'a', rpm: 5, tpm: 10 });
    expect((await chat(secret, { max_tokens: 100 })).status).toBe(200); // admitted: 0 < 10
    const refused = await chat(secret, { max_tokens: 1 });
    expect(refused.status).toBe(429);
    expect(refused.headers['x-ratelimit-remaining-requests']).toBe('4');
  });

  it('a per-key budget: once spent, calls get 429 insufficient_quota', async () => {
    const router = new Router({
      targets: [
        {
          id: 't',
          model: 'm',
          aliases: ['fast'],
          adapter: new MockAdapter(() => ({ text: 'ok', usage: { inputTokens: 5, outputTokens: 5 } })),
          price: { inputPerMTok: 1_000_000, outputPerMTok: 1_000_000 }, // $1 per token
        },
      ],
    });
    const keys = new VirtualKeys(new MemoryKeyStore(), { router });
    const gateway = createGateway(router, { port: 0, keys });
    const { port } = await gateway.start();
    cleanups.push(() => void gateway.stop().then(() => router.close()));
    const { secret } = await keys.create({ name: 'a', budget: { limitUsd: 30, period: 'day' } });
    const chat = (maxTokens: number) =>
      send(port, 'POST', '/v1/chat/completions', chatBody({ max_tokens: maxTokens }), {
        ...JSON_HEADERS,
        authorization: `Bearer ${secret}`,
      });
    expect((await chat(5)).status).toBe(200); // reserves $7 (2 in + 5 out), spends $10
    const refused = await chat(50); // would need $52 of the $20 left
    expect(refused.status).toBe(429);
    expect(refused.json().error).toMatchObject({ type: 'insufficient_quota', code: 'budget_exceeded' });
  });

  it("a hook's thrown reason becomes the event's reason; the answer stays generic", async () => {
    const events: GatewayEvent[] = [];
    current = await startGateway(() => ({ text: 'x' }), {
      authenticate: (r) => {
        if (r.headers.authorization === 'Bearer forbidden') {
          throw new SwitchyardError('auth', 'jwt: audience not allowed', { status: 403 });
        }
        throw new SwitchyardError('auth', 'jwt: expired', { status: 401 });
      },
      onEvent: (e) => events.push(e),
    });
    const expired = await send(current.port, 'POST', '/v1/chat/completions', chatBody(), {
      ...JSON_HEADERS,
      authorization: 'Bearer eyJhbGciOi.secret-token.sig',
    });
    expect(expired.status).toBe(401);
    expect(expired.headers['www-authenticate']).toBe('Bearer');
    expect(expired.text).not.toContain('expired');
    const forbidden = await send(current.port, 'POST', '/v1/chat/completions', chatBody(), {
      ...JSON_HEADERS,
      authorization: 'Bearer forbidden',
    });
    expect(forbidden.status).toBe(403);
    expect(events.map((e) => e.type === 'auth:failure' && [e.reason, e.status])).toEqual([
      ['jwt: expired', 401],
      ['jwt: audience not allowed', 403],
    ]);
    expect(JSON.stringify(events)).not.toContain('secret-token');
    expect(current.gateway.stats()).toEqual({
      authFailures: { 'jwt: expired': 1, 'jwt: audience not allowed': 1 },
      authFailuresTotal: 2,
      adminCalls: {},
    });
  });

  it('counts failures in stats() and on /metrics, and a throwing listener reaches onError only', async () => {
    const errors: unknown[] = [];
    const clock = new VirtualClock();
    const keys = new VirtualKeys(new MemoryKeyStore(), { clock });
    current = await startGateway(() => ({ text: 'x' }), {
      keys,
      adminKey: ADMIN,
      onEvent: () => {
        throw new Error('listener broke');
      },
      onError: (e) => errors.push(e),
    });
    const metrics = collectMetrics(current.router);
    cleanups.push(() => metrics.close());
    await current.close();
    current = await startGateway(() => ({ text: 'x' }), { keys, adminKey: ADMIN, metrics });
    await send(current.port, 'POST', '/v1/chat/completions', chatBody(), JSON_HEADERS);
    await send(current.port, 'POST', '/v1/chat/completions', chatBody(), {
      ...JSON_HEADERS,
      authorization: 'Bearer x',
    });
    await send(current.port, 'GET', '/admin/keys', undefined, { authorization: `Bearer ${ADMIN}` });
    expect(current.gateway.stats()).toEqual({
      authFailures: { missing: 1, unknown_or_revoked: 1 },
      authFailuresTotal: 2,
      adminCalls: { list: 1 },
    });
    const text = (await send(current.port, 'GET', '/metrics')).text;
    expect(text).toContain('switchyard_gateway_auth_failures_total{reason="missing"} 1');
    expect(text).toContain('switchyard_gateway_auth_failures_total{reason="unknown_or_revoked"} 1');
    expect(text).toContain('switchyard_gateway_admin_calls_total{action="list"} 1');
    expect(errors).toEqual([]);
  });

  it('the audit trail records auth failures, admin calls and key changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-keys-audit-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const log = AuditLog.open({ path: join(dir, 'audit.jsonl') });
    const { admin, chat } = await setup({ onEvent: auditGatewayEvents(log) });
    const key = (await admin('POST', '/admin/keys', { name: 'a' })).json() as { id: string; secret: string };
    await chat('sk-sy-nobody');
    await admin('DELETE', `/admin/keys/${key.id}`);
    const entries = readFileSync(join(dir, 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(entries.map((e) => [e.type, e.data.keyId ?? e.data.reason])).toEqual([
      ['admin.call', key.id],
      ['key.added', key.id],
      ['auth.failure', 'unknown_or_revoked'],
      ['admin.call', key.id],
      ['key.revoked', key.id],
    ]);
    expect(JSON.stringify(entries)).not.toContain(key.secret);
    log.close();
  });
});

describe('the openai SDK with virtual keys', () => {
  it('sees 401, 403 and 429 with the rate-limit headers', async () => {
    const { keys, gw } = await setup();
    const { secret } = await keys.create({ name: 'a', rpm: 1, models: ['fast'] });
    const client = (apiKey: string) =>
      new OpenAI({ apiKey, baseURL: `${gw.url}/v1`, maxRetries: 0, timeout: 10_000 });
    const ask = (apiKey: string, model = 'fast') =>
      client(apiKey).chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi' }] });

    await expect(ask('sk-sy-wrong')).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(ask(secret, 'mock-model')).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError);
    const { data, response } = await client(secret)
      .chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'Hi' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('Hello');
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    const error = await ask(secret).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const limited = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(limited.code).toBe('rate_limit_exceeded');
    expect(limited.headers?.get('retry-after')).toBe('60');
    expect(limited.headers?.get('x-ratelimit-limit-requests')).toBe('1');
    expect(limited.headers?.get('x-ratelimit-reset-requests')).toBe('1m0s');
  });
});
