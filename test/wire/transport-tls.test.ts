/**
 * Outbound TLS: an adapter with `tls: { minVersion: 'TLSv1.3' }` refuses a real local HTTPS
 * server that only speaks TLS 1.2 (no request reaches it) and works against a TLS 1.3 one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnthropicAdapter } from '../../adapters/anthropic/index.js';
import { CohereAdapter } from '../../adapters/cohere/index.js';
import { OpenAIAdapter } from '../../adapters/openai/index.js';
import { createFastFetch } from '../../modules/adapter-kit/index.js';
import {
  type Adapter,
  type AdapterRequest,
  type AdapterResponse,
  isSwitchyardError,
  systemClock,
} from '../../src/index.js';
import { makeCertificates, type TestCertificates } from '../helpers/certificates.js';
import { message as anthropicMessage } from './anthropic-server.js';
import { chatReply } from './cohere-server.js';
import { completionResponse } from './openai-server.js';
import type { Responder } from './scripted-server.js';

const KEY = 'sk-tls-test-0123456789';

interface Upstream {
  readonly url: string;
  requests: number;
  reply: Responder;
  close(): Promise<void>;
}

let dir: string;
let certs: TestCertificates;
let modern: Upstream;
let legacy: Upstream;

async function upstream(maxVersion: 'TLSv1.2' | 'TLSv1.3'): Promise<Upstream> {
  const state = { requests: 0, reply: completionResponse({ content: 'hi' }) };
  const server: Server = createServer(
    { cert: certs.serverCert, key: certs.serverKey, minVersion: 'TLSv1.2', maxVersion },
    (req, res) => {
      state.requests++;
      req.resume();
      req.on(
        'end',
        () => void state.reply(req as never, res, { closed: Promise.resolve(), isClosed: () => false }),
      );
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(state, {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gw-jwt-transport-tls-'));
  certs = makeCertificates(dir);
  [modern, legacy] = await Promise.all([upstream('TLSv1.3'), upstream('TLSv1.2')]);
});
afterAll(async () => {
  await Promise.all([modern.close(), legacy.close()]);
  rmSync(dir, { recursive: true, force: true });
});

type Tls = { minVersion?: 'TLSv1.2' | 'TLSv1.3'; ca?: string };
const CASES: ReadonlyArray<{
  name: string;
  make: (url: string, tls: Tls) => Adapter & { close?: () => Promise<void> };
  reply: Responder;
}> = [
  {
    name: 'openai',
    make: (url, tls) => new OpenAIAdapter({ apiKey: KEY, baseURL: `${url}/v1`, tls }),
    reply: completionResponse({ content: 'hi' }),
  },
  {
    name: 'anthropic',
    make: (url, tls) => new AnthropicAdapter({ apiKey: KEY, baseURL: url, tls }),
    reply: anthropicMessage({ content: [{ type: 'text', text: 'hi' }] }),
  },
  {
    name: 'cohere',
    make: (url, tls) => new CohereAdapter({ apiKey: KEY, baseURL: url, tls }),
    reply: chatReply({ text: 'hi' }),
  },
];

const request: AdapterRequest = {
  model: 'm-1',
  messages: [{ role: 'user', content: 'hi' }],
  maxOutputTokens: 8,
};
const text = (r: AdapterResponse) => r.content.map((p) => (p.type === 'text' ? p.text : '')).join('');
const call = () => ({
  signal: new AbortController().signal,
  target: 't1',
  clock: systemClock,
  deadline: Number.POSITIVE_INFINITY,
});

describe.each(CASES)('$name adapter: tls.minVersion', ({ make, reply }) => {
  it("'TLSv1.3' works against a TLS 1.3 server and refuses a TLS 1.2-only one before any request", async () => {
    modern.reply = reply;
    legacy.reply = reply;
    const strict = { minVersion: 'TLSv1.3' as const, ca: certs.ca };
    const onModern = make(modern.url, strict);
    const onLegacy = make(legacy.url, strict);
    const lenient = make(legacy.url, { ca: certs.ca });
    try {
      const answer = await onModern.complete(request, call());
      expect(text(answer)).toBe('hi');

      const before = legacy.requests;
      const error = await onLegacy.complete(request, call()).catch((e: unknown) => e);
      expect(isSwitchyardError(error) && error.kind).toBe('connection');
      expect(legacy.requests).toBe(before); // the handshake failed: nothing was sent

      // Without the minimum the same server is fine: the refusal came from the option.
      expect(text(await lenient.complete(request, call()))).toBe('hi');
      expect(legacy.requests).toBe(before + 1);
    } finally {
      await Promise.all([onModern, onLegacy, lenient].map((a) => a.close?.()));
    }
  });
});

describe('createFastFetch tls', () => {
  it('passes minVersion and ca to the undici Agent', async () => {
    modern.reply = completionResponse({ content: 'hi' });
    legacy.reply = modern.reply;
    const strict = createFastFetch({ tls: { minVersion: 'TLSv1.3', ca: certs.ca } });
    const untrusted = createFastFetch({ tls: { ca: certs.otherCa } });
    try {
      expect((await strict(`${modern.url}/x`, { method: 'POST', body: '{}' })).status).toBe(200);
      const refused = await strict(`${legacy.url}/x`, { method: 'POST', body: '{}' }).catch(
        (e: unknown) => e,
      );
      expect(refused).toBeInstanceOf(TypeError);
      expect((refused as { cause?: { code?: string } }).cause?.code).toBe(
        'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION',
      );
      const unverified = await untrusted(`${modern.url}/x`, { method: 'POST', body: '{}' }).catch(
        (e: unknown) => e,
      );
      expect((unverified as { cause?: { code?: string } }).cause?.code).toMatch(/CERT|UNABLE/);
    } finally {
      await Promise.all([strict.close(), untrusted.close()]);
    }
  });

  it('bad tls options are config errors naming the field; tls with a custom fetch is refused', () => {
    expect(() => createFastFetch({ tls: { minVersion: 'TLSv1.1' as never } })).toThrow(
      "createFastFetch: tls.minVersion: expected 'TLSv1.2' or 'TLSv1.3'",
    );
    expect(() => new OpenAIAdapter({ apiKey: KEY, tls: { ca: 'not a pem' } })).toThrow(
      /^OpenAIAdapter: tls\.ca: expected PEM certificates/,
    );
    expect(
      () => new AnthropicAdapter({ apiKey: KEY, tls: { minVersion: 'TLSv1.3' }, fetch: globalThis.fetch }),
    ).toThrow(/^AnthropicAdapter: tls: applies to the adapter's own transport/);
    expect(() => new CohereAdapter({ apiKey: KEY, tls: 'TLSv1.3' as never })).toThrow(
      'CohereAdapter: tls: expected an object',
    );
  });
});
