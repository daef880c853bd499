/**
 * A provider that echoes a key back must not leak it. Every protocol's error bodies get a canary
 * in every field (message, code, type, param, ids, response headers), for HTTP errors of plain
 * and streaming calls, for error events inside a stream (before and after content), and for
 * malformed data that quotes it. The canary is either the adapter's configured key or a
 * key-shaped string that is not configured. It must appear nowhere: not in the error's message,
 * code or stack, not at any level of its cause chain (message, stack, own fields), not in
 * `JSON.stringify`, `util.inspect`, nor in the router's failure events.
 */
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnthropicAdapter } from '../../adapters/anthropic/index.js';
import { CohereAdapter } from '../../adapters/cohere/index.js';
import { OpenAIAdapter } from '../../adapters/openai/index.js';
import { type Adapter, Router } from '../../index.js';
import { recordEvents } from '../helpers/calls.js';
import * as anthropic from './anthropic-server.js';
import * as cohere from './cohere-server.js';
import * as openai from './openai-server.js';
import { json, type Responder, raw, ScriptedServer, sse } from './scripted-server.js';

/** The key every adapter is configured with. */
const CONFIGURED = 'sk-canary-CONFKEY-0123456789abcdef';
/** A key-shaped string the adapter does not know (another account's key, say). */
const OTHER = 'sk-proj-OTHERKEY-fedcba9876543210';

/** How one protocol answers with the canary `k` everywhere. */
interface Protocol {
  readonly make: (url: string) => Adapter;
  /** An HTTP error whose body and headers carry `k` in every field. */
  readonly httpError: (status: number, k: string) => Responder;
  /** A stream whose first event is an error that carries `k` (none for Cohere). */
  readonly streamErrorBefore?: (k: string) => Responder;
  /** A stream that sends content, then an error event that carries `k` (none for Cohere). */
  readonly streamErrorAfter?: (k: string) => Responder;
  /** A stream whose first event's data is `k` itself (not JSON). */
  readonly malformedBefore: (k: string) => Responder;
  /** A stream that sends content, then an event whose data is `k` itself. */
  readonly malformedAfter: (k: string) => Responder;
}

const echoHeaders = (k: string) => ({
  'x-request-id': k,
  'request-id': k,
  'retry-after': '0',
  'www-authenticate': `Bearer ${k}`,
  'x-echo': k,
});

const protocols: Record<string, Protocol> = {
  openai: {
    make: (url) => new OpenAIAdapter({ apiKey: CONFIGURED, baseURL: `${url}/v1` }),
    httpError: (status, k) =>
      json(
        status,
        { error: { message: `Incorrect API key provided: ${k}`, type: k, param: k, code: k }, [k]: k },
        echoHeaders(k),
      ),
    streamErrorBefore: (k) =>
      openai.streamChunks([{ error: { message: k, type: k, param: k, code: k } }], { done: false }),
    streamErrorAfter: (k) =>
      openai.streamChunks(
        [
          openai.chunk({ delta: { role: 'assistant', content: 'Hel' } }),
          { error: { message: `key ${k}`, type: k, param: k, code: k } },
        ],
        { done: false },
      ),
    malformedBefore: (k) => sse([`data: ${k}`]),
    malformedAfter: (k) => sse([openai.dataEvent(openai.chunk({ delta: { content: 'Hel' } })), `data: ${k}`]),
  },
  anthropic: {
    make: (url) => new AnthropicAdapter({ apiKey: CONFIGURED, baseURL: url }),
    httpError: (status, k) =>
      json(
        status,
        { type: 'error', error: { type: k, message: `invalid x-api-key ${k}`, param: k }, request_id: k },
        echoHeaders(k),
      ),
    streamErrorBefore: (k) => anthropic.stream([anthropic.streamError(k, k)]),
    streamErrorAfter: (k) =>
      anthropic.stream([
        anthropic.messageStart(),
        anthropic.textStart(0),
        anthropic.textDelta(0, 'Hel'),
        anthropic.streamError(k, `overloaded ${k}`),
      ]),
    malformedBefore: (k) => anthropic.stream([`event: message_start\ndata: ${k}`]),
    malformedAfter: (k) =>
      anthropic.stream([
        anthropic.messageStart(),
        anthropic.textStart(0),
        anthropic.textDelta(0, 'Hel'),
        `event: content_block_delta\ndata: ${k}`,
      ]),
  },
  cohere: {
    make: (url) => new CohereAdapter({ apiKey: CONFIGURED, baseURL: url }),
    httpError: (status, k) =>
      json(status, { id: k, message: `invalid api token ${k}`, code: k }, echoHeaders(k)),
    malformedBefore: (k) => sse([`event: message-start\ndata: ${k}`]),
    malformedAfter: (k) =>
      cohere.chatStream([
        cohere.ev.messageStart(),
        cohere.ev.text('Hel'),
        `event: content-delta\ndata: ${k}`,
      ]),
  },
};

/** Every piece of 10 characters of a canary: a partly redacted key counts as a leak too. */
function fragments(secret: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 10 <= secret.length; i++) out.push(secret.slice(i, i + 10));
  return out;
}

/** Everything of an error a user could print, log or serialise, labelled. */
function surfaces(error: unknown): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const e = error as Error & { code?: unknown };
  out.push(['message', String(e.message)], ['code', String(e.code)], ['stack', String(e.stack)]);
  out.push(['JSON.stringify', JSON.stringify(error)], ['inspect', inspect(error, { depth: 10 })]);
  let cause: unknown = e.cause;
  for (let level = 1; cause !== undefined && level <= 20; level++) {
    if (typeof cause !== 'object' || cause === null) {
      out.push([`cause ${level}`, String(cause)]);
      break;
    }
    const c = cause as Error;
    out.push([`cause ${level} message`, String(c.message)], [`cause ${level} stack`, String(c.stack)]);
    for (const [field, value] of Object.entries(c)) {
      out.push([`cause ${level} .${field}`, inspect(value, { depth: 10 })]);
    }
    cause = c.cause;
  }
  return out;
}

function expectNoLeak(error: unknown, events: ReadonlyArray<[string, unknown]>, canary: string): void {
  const places = surfaces(error);
  for (const [name, payload] of events) {
    if (name === 'attempt:failure' || name === 'request:failure') {
      places.push([`event ${name}`, inspect(payload, { depth: 10 })]);
    }
  }
  expect(events.some(([name]) => name === 'attempt:failure')).toBe(true);
  expect(events.some(([name]) => name === 'request:failure')).toBe(true);
  const leaks: string[] = [];
  for (const [where, text] of places) {
    for (const piece of [canary, ...fragments(canary)]) {
      if (text.includes(piece)) {
        leaks.push(
          `${where}: ${text.slice(Math.max(0, text.indexOf(piece) - 60), text.indexOf(piece) + 60)}`,
        );
        break;
      }
    }
  }
  expect(leaks).toEqual([]);
}

describe('secrets never leak through errors or events', () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await ScriptedServer.start();
  });
  afterAll(() => server.close());

  function routerFor(protocol: Protocol): { router: Router; events: Array<[string, unknown]> } {
    const router = new Router({
      targets: [{ id: 't', adapter: protocol.make(server.url), model: 'm', maxOutputTokens: 16 }],
      retry: { maxAttempts: 1 },
      breaker: false,
    });
    return { router, events: recordEvents(router) };
  }

  async function completeFailure(protocol: Protocol, responder: Responder) {
    server.reset();
    server.enqueue(responder);
    const { router, events } = routerFor(protocol);
    const error = await router.complete({ messages: [{ role: 'user', content: 'hi' }] }).then(
      () => expect.unreachable('the call succeeded'),
      (e: unknown) => e,
    );
    return { error, events };
  }

  async function streamFailure(protocol: Protocol, responder: Responder) {
    server.reset();
    server.enqueue(responder);
    const { router, events } = routerFor(protocol);
    const stream = router.stream({ messages: [{ role: 'user', content: 'hi' }] });
    let error: unknown;
    try {
      for await (const _ of stream) {
        // drain
      }
      expect.unreachable('the stream succeeded');
    } catch (e) {
      error = e;
    }
    return { error, events };
  }

  const canaries: Array<[string, string]> = [
    ['the configured key', CONFIGURED],
    ['a key-shaped string', OTHER],
  ];

  for (const [name, protocol] of Object.entries(protocols)) {
    describe(name, () => {
      it.each(canaries)('HTTP errors of complete() (401, 429, 500) that echo %s', async (_label, canary) => {
        for (const status of [401, 429, 500]) {
          const { error, events } = await completeFailure(protocol, protocol.httpError(status, canary));
          expect((error as { status?: number }).status).toBe(status);
          expectNoLeak(error, events, canary);
        }
        // It was really sent, so that the test would see an echo of it.
        expect(JSON.stringify(server.last.headers)).toContain(CONFIGURED);
      });

      it.each(canaries)('HTTP errors of stream() that echo %s', async (_label, canary) => {
        for (const status of [400, 401]) {
          const { error, events } = await streamFailure(protocol, protocol.httpError(status, canary));
          expectNoLeak(error, events, canary);
        }
      });

      it.each(canaries)(
        'a non-JSON error body and a malformed 200 body that quote %s',
        async (_l, canary) => {
          for (const responder of [
            raw(401, `bad key ${canary}`, { 'content-type': 'text/plain' }),
            raw(200, canary, { 'content-type': 'application/json' }),
            raw(200, `{"id": "${canary}", `, { 'content-type': 'application/json' }),
          ]) {
            const { error, events } = await completeFailure(protocol, responder);
            expectNoLeak(error, events, canary);
          }
        },
      );

      it.each(canaries)(
        'malformed stream data that quotes %s, before and after content',
        async (_l, canary) => {
          for (const responder of [protocol.malformedBefore(canary), protocol.malformedAfter(canary)]) {
            const { error, events } = await streamFailure(protocol, responder);
            expect((error as { kind?: string }).kind).toMatch(/^(server|stream_interrupted)$/);
            expectNoLeak(error, events, canary);
          }
        },
      );

      const { streamErrorBefore, streamErrorAfter } = protocol;
      if (streamErrorBefore && streamErrorAfter) {
        it.each(canaries)(
          'error events inside a stream that echo %s, before and after content',
          async (_l, canary) => {
            const before = await streamFailure(protocol, streamErrorBefore(canary));
            expect((before.error as { kind?: string }).kind).not.toBe('stream_interrupted');
            expectNoLeak(before.error, before.events, canary);
            const after = await streamFailure(protocol, streamErrorAfter(canary));
            expect((after.error as { kind?: string }).kind).toBe('stream_interrupted');
            expectNoLeak(after.error, after.events, canary);
          },
        );
      }
    });
  }
});
