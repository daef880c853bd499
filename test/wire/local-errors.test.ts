/**
 * An adapter's own failures are not upstream failures. A request that cannot be mapped or sent as
 * JSON (a BigInt, a circular object or a throwing getter in providerOptions, a toJSON that throws)
 * fails with `invalid_request` naming the field, before any request reaches the server. A
 * response the provider got wrong is `server`; an exception of the adapter's own response mapping
 * (simulated here by a mocked mapper) is a `config` error that says it is a bug, and the router
 * neither retries it nor falls back.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AnthropicAdapter } from '../../adapters/anthropic/index.js';
import { CohereAdapter } from '../../adapters/cohere/index.js';
import { OpenAIAdapter } from '../../adapters/openai/index.js';
import { Router } from '../../index.js';
import type { Adapter, AdapterRequest, AdapterStreamPart } from '../../src/index.js';
import * as anthropic from './anthropic-server.js';
import * as cohere from './cohere-server.js';
import * as openai from './openai-server.js';
import { json, type Responder, ScriptedServer } from './scripted-server.js';

/** Turns the mocked mappers below into a bug while set. */
const bug = vi.hoisted(() => ({ on: false }));
const boom = () => {
  throw new TypeError("Cannot read properties of undefined (reading 'tokens')");
};
// The mappers the adapters call for a whole response and for a stream's usage.
vi.mock('../../adapters/openai/response.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../adapters/openai/response.js')>();
  return {
    ...original,
    fromWireCompletion: (...args: Parameters<typeof original.fromWireCompletion>) =>
      bug.on ? boom() : original.fromWireCompletion(...args),
    mapUsage: (...args: Parameters<typeof original.mapUsage>) =>
      bug.on ? boom() : original.mapUsage(...args),
  };
});
vi.mock('../../adapters/anthropic/response.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../adapters/anthropic/response.js')>();
  return {
    ...original,
    mapResponse: (...args: Parameters<typeof original.mapResponse>) =>
      bug.on ? boom() : original.mapResponse(...args),
    usageOf: (...args: Parameters<typeof original.usageOf>) => (bug.on ? boom() : original.usageOf(...args)),
  };
});
vi.mock('../../adapters/cohere/response.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../adapters/cohere/response.js')>();
  return {
    ...original,
    fromCohereResponse: (...args: Parameters<typeof original.fromCohereResponse>) =>
      bug.on ? boom() : original.fromCohereResponse(...args),
    mapUsage: (...args: Parameters<typeof original.mapUsage>) =>
      bug.on ? boom() : original.mapUsage(...args),
  };
});

const KEY = 'sk-local-errors-0123456789';

interface Protocol {
  readonly make: (url: string) => Adapter;
  readonly label: string;
  /** A well-formed answer. */
  readonly reply: () => Responder;
  /** A well-formed stream. */
  readonly stream: () => Responder;
  /** A 200 response the mapping cannot read, and what the error says about it. */
  readonly malformedReply: () => Responder;
  /** A stream whose first event lacks what the mapping reads. */
  readonly malformedStream: () => Responder;
}

const protocols: Record<string, Protocol> = {
  openai: {
    make: (url) => new OpenAIAdapter({ apiKey: KEY, baseURL: `${url}/v1` }),
    label: 'the OpenAI adapter',
    reply: () => openai.completionResponse(),
    stream: () => openai.streamChunks(openai.textChunks(['Hel', 'lo'])),
    malformedReply: () =>
      json(200, openai.completion({ extra: { choices: [{ message: { tool_calls: 5 } }] } })),
    malformedStream: () => openai.streamChunks([[1, 2]]),
  },
  anthropic: {
    make: (url) => new AnthropicAdapter({ apiKey: KEY, baseURL: url }),
    label: 'the Anthropic adapter',
    reply: () => anthropic.message(),
    stream: () => anthropic.stream(anthropic.textEvents(['Hel', 'lo'])),
    malformedReply: () => json(200, { ...anthropic.messageJson(), content: 5 }),
    malformedStream: () => anthropic.stream([anthropic.event('message_start', { type: 'message_start' })]),
  },
  cohere: {
    make: (url) => new CohereAdapter({ apiKey: KEY, baseURL: url }),
    label: 'the Cohere adapter',
    reply: () => cohere.chatReply({ text: 'Hello' }),
    stream: () => cohere.chatStream(cohere.textStream(['Hel', 'lo'])),
    malformedReply: () => json(200, { ...cohere.chatResponse({ text: 'x' }), message: { content: 5 } }),
    malformedStream: () =>
      cohere.chatStream([cohere.ev.messageStart(), { type: 'tool-call-delta', index: 7, delta: {} }]),
  },
};

const options = () => ({
  signal: new AbortController().signal,
  target: 't1',
  clock: { now: () => Date.now() } as never,
  deadline: Number.POSITIVE_INFINITY,
});

const request = (providerOptions?: Record<string, unknown>): AdapterRequest => ({
  model: 'm',
  maxOutputTokens: 16,
  messages: [{ role: 'user', content: 'hi' }],
  ...(providerOptions ? { providerOptions } : {}),
});

async function completeError(adapter: Adapter, req: AdapterRequest): Promise<any> {
  return adapter.complete(req, options()).then(
    () => expect.unreachable('the call succeeded'),
    (e: unknown) => e,
  );
}

async function streamError(adapter: Adapter, req: AdapterRequest): Promise<any> {
  const parts: AdapterStreamPart[] = [];
  try {
    for await (const part of adapter.stream(req, options())) parts.push(part);
  } catch (error) {
    return error;
  }
  return expect.unreachable('the stream succeeded');
}

/** providerOptions that cannot be sent, and what the error must name. */
function badOptions(): Array<[string, () => Record<string, unknown>, RegExp]> {
  const circular: Record<string, unknown> = { a: 1 };
  circular.self = circular;
  const getter = {};
  Object.defineProperty(getter, 'secretSauce', {
    enumerable: true,
    get() {
      throw new Error('getter exploded');
    },
  });
  const nestedGetter = { inner: {} };
  Object.defineProperty(nestedGetter.inner, 'deep', {
    enumerable: true,
    get() {
      throw new Error('getter exploded');
    },
  });
  return [
    ['a BigInt', () => ({ metadata: { count: 10n } }), /'metadata\.count' is a BigInt/],
    ['a circular object', () => ({ extra: circular }), /'extra\.self' is a circular reference/],
    ['a throwing getter', () => getter, /'providerOptions\.secretSauce' threw Error when read/],
    [
      'a nested throwing getter',
      () => ({ nested: nestedGetter }),
      /'nested\.inner\.deep' threw Error when read/,
    ],
    [
      'a throwing toJSON',
      () => ({
        when: {
          toJSON: () => {
            throw new RangeError('no');
          },
        },
      }),
      /'when' threw RangeError when converted to JSON/,
    ],
  ];
}

describe('local errors of the adapters', () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await ScriptedServer.start();
  });
  afterEach(() => {
    bug.on = false;
    server.reset();
  });
  afterAll(() => server.close());

  for (const [name, protocol] of Object.entries(protocols)) {
    describe(name, () => {
      it.each(badOptions())(
        'a request with %s in providerOptions: invalid_request naming it, nothing sent',
        async (_what, make, names) => {
          const adapter = protocol.make(server.url);
          for (const call of [completeError, streamError]) {
            const error = await call(adapter, request(make()));
            expect(error).toMatchObject({ kind: 'invalid_request', retryable: false, target: 't1' });
            expect(error.message).toMatch(names);
            expect(error.message).not.toContain('getter exploded'); // the field is named, not the user's text
          }
          expect(server.requests).toHaveLength(0);
          // The adapter is fine afterwards.
          server.enqueue(protocol.reply());
          expect((await adapter.complete(request(), options())).content).not.toHaveLength(0);
        },
      );

      it('a malformed response is a server error, for complete() and stream()', async () => {
        const adapter = protocol.make(server.url);
        server.enqueue(protocol.malformedReply(), protocol.malformedStream());
        const fromComplete = await completeError(adapter, request());
        expect(fromComplete).toMatchObject({ kind: 'server', target: 't1' });
        expect(fromComplete.message).toMatch(/malformed/);
        const fromStream = await streamError(adapter, request());
        expect(fromStream).toMatchObject({ kind: 'server', target: 't1' });
        expect(fromStream.message).toMatch(/malformed/);
      });

      it('an exception of the response mapping is a config error that says it is a bug', async () => {
        const adapter = protocol.make(server.url);
        bug.on = true;
        server.enqueue(protocol.reply(), protocol.stream());
        for (const error of [
          await completeError(adapter, request()),
          await streamError(adapter, request()),
        ]) {
          expect(error).toMatchObject({ kind: 'config', retryable: false, target: 't1' });
          expect(error.message).toContain(`bug in ${protocol.label}`);
          expect(error.message).toContain('TypeError');
        }
      });

      it('under the router: a mapping bug or a bad request is neither retried nor falls back', async () => {
        const adapter = protocol.make(server.url);
        const router = new Router({
          targets: [
            { id: 'a', adapter, model: 'm', priority: 0 },
            { id: 'b', adapter, model: 'm', priority: 1 },
          ],
          strategy: 'priority',
          retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
          breaker: false,
        });
        bug.on = true;
        server.setDefault(protocol.reply());
        const bugError = await router.complete({ messages: [{ role: 'user', content: 'hi' }] }).then(
          () => expect.unreachable('the call succeeded'),
          (e: unknown) => e as any,
        );
        expect(bugError.kind).toBe('config');
        expect(server.requests).toHaveLength(1);
        bug.on = false;
        server.reset();
        const badError = await router
          .complete({
            messages: [{ role: 'user', content: 'hi' }],
            providerOptions: { [adapter.provider]: { metadata: { count: 10n } } },
          })
          .then(
            () => expect.unreachable('the call succeeded'),
            (e: unknown) => e as any,
          );
        expect(badError.kind).toBe('invalid_request');
        expect(server.requests).toHaveLength(0);
        await router.close();
      });
    });
  }
});
