/**
 * A custom adapter built with the adapter kit (see docs/adapter-kit.md), for a made-up provider
 * "Acme": `POST /v1/generate` answers `{ "output": "..." }` or streams `data: {"delta": "..."}`
 * events that end with `data: {"done": true}`; errors are `{ "error": { "message", "code" } }`,
 * in HTTP error bodies and as stream events. It passes the conformance suite
 * (test/wire/conformance.test.ts).
 *
 *   npx tsx examples/custom-adapter.ts                 # a call and a stream to a scripted Acme
 *   npx tsx examples/custom-adapter.ts --conformance   # the conformance suite, under node:test
 */

import { pathToFileURL } from 'node:url';
import {
  type Adapter,
  type AdapterCallOptions,
  type AdapterRequest,
  type AdapterResponse,
  type AdapterStreamPart,
  makeUsage,
  messageText,
  SwitchyardError,
} from 'switchyard-llm';
import {
  errorFromAbort,
  errorFromException,
  errorFromHttpStatus,
  json,
  malformedResponse,
  readSse,
  requestMappingError,
  responseMappingError,
  runAdapterConformance,
  ScriptedServer,
  scrubSecrets,
  serializeRequestBody,
  sse,
} from 'switchyard-llm/adapter-kit';

type AcmeEvent = { delta?: string; done?: boolean; error?: { message?: string; code?: string } };

export class AcmeAdapter implements Adapter {
  readonly provider = 'acme';
  readonly capabilities = { streaming: true, tools: false, json: false, images: false } as const;
  readonly #options: { readonly apiKey: string; readonly baseURL: string };

  constructor(options: { apiKey: string; baseURL: string }) {
    this.#options = options;
  }

  async complete(request: AdapterRequest, options: AdapterCallOptions): Promise<AdapterResponse> {
    try {
      const response = await this.#send(request, options, false);
      const body = (await response.json()) as { output?: unknown } | null;
      if (typeof body?.output !== 'string') throw malformedResponse('no output', this.#local(options));
      try {
        return {
          content: [{ type: 'text', text: body.output }],
          finishReason: 'stop',
          usage: makeUsage(0, 0),
        };
      } catch (error) {
        throw responseMappingError(error, this.#local(options));
      }
    } catch (error) {
      throw this.#error(error, options);
    }
  }

  async *stream(request: AdapterRequest, options: AdapterCallOptions): AsyncIterable<AdapterStreamPart> {
    try {
      const response = await this.#send(request, options, true);
      if (!response.body) throw malformedResponse('no body', this.#local(options));
      for await (const { data } of readSse(response.body as unknown as AsyncIterable<Uint8Array>)) {
        const event = JSON.parse(data) as AcmeEvent;
        if (event.error) {
          throw new SwitchyardError('server', `server error in the stream: ${event.error.message}`, {
            code: event.error.code,
          });
        }
        if (event.done) {
          yield { type: 'finish', finishReason: 'stop', usage: makeUsage(0, 0) };
          return;
        }
        if (event.delta) yield { type: 'text-delta', delta: event.delta };
      }
      throw new SwitchyardError('connection', 'connection: the stream ended before its end event');
    } catch (error) {
      throw this.#error(error, options);
    }
  }

  /** Maps and serialises the request (failures: invalid_request, nothing sent), then sends it. */
  async #send(request: AdapterRequest, options: AdapterCallOptions, stream: boolean): Promise<Response> {
    let body: unknown;
    try {
      const prompt = request.messages.map(messageText).join('\n');
      body = { model: request.model, prompt, stream, ...request.providerOptions };
    } catch (error) {
      throw requestMappingError(error, request, this.#local(options));
    }
    const text = serializeRequestBody(body, this.#local(options));
    const response = await fetch(`${this.#options.baseURL}/v1/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.#options.apiKey}` },
      body: text,
      signal: options.signal,
    });
    if (!response.ok) {
      const error = (await response.json().catch(() => ({}))) as AcmeEvent;
      throw errorFromHttpStatus(response.status, {
        message: error.error?.message,
        code: error.error?.code,
        headers: response.headers,
        target: options.target,
      });
    }
    return response;
  }

  #local(options: AdapterCallOptions) {
    return { target: options.target, adapter: 'the Acme adapter' };
  }

  /** The one exit of every failure: the abort reason, malformed JSON → server, secrets scrubbed. */
  #error(error: unknown, options: AdapterCallOptions): SwitchyardError {
    const { target, signal } = options;
    let mapped: SwitchyardError;
    if (signal.aborted) mapped = errorFromAbort(signal, target);
    else if (error instanceof SyntaxError) {
      mapped = new SwitchyardError(
        'server',
        `server error from '${target}': malformed JSON (${error.message})`,
        {
          target,
        },
      );
    } else mapped = errorFromException(error, { target }); // a SwitchyardError passes as it is
    if (mapped.target === undefined) mapped = mapped.with({ target });
    return scrubSecrets(mapped, [this.#options.apiKey]);
  }
}

const runAsScript = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;

if (runAsScript && process.argv.includes('--conformance')) {
  // The conformance suite under node:test (with vitest: `runner: { describe, it, beforeAll, afterAll }`).
  const test = await import('node:test');
  runAdapterConformance({
    name: 'AcmeAdapter',
    runner: {
      describe: (name, body) => void test.describe(name, body),
      it: (name, check, timeoutMs) => void test.it(name, { timeout: timeoutMs }, check),
      beforeAll: (setup) => test.before(setup),
      afterAll: (teardown) => test.after(teardown),
    },
    createAdapter: ({ baseURL, apiKey }) => new AcmeAdapter({ apiKey, baseURL }),
    wire: {
      completion: (text) => ({ output: text }),
      stream: (pieces) => [
        ...pieces.map((delta) => `data: ${JSON.stringify({ delta })}`),
        'data: {"done":true}',
      ],
      error: (_status, message, code) => ({ error: { message, code } }),
      streamError: (message, code) => `data: ${JSON.stringify({ error: { message, code } })}`,
    },
  });
} else if (runAsScript) {
  // A scripted Acme answers one call (after a 503, which the router retries) and one stream.
  const { Router } = await import('switchyard-llm');
  const acme = await ScriptedServer.start();
  acme.enqueue(
    json(503, { error: { message: 'overloaded', code: 'busy' } }),
    json(200, { output: 'Hello from Acme' }),
    sse(
      ['Streamed ', 'from ', 'Acme']
        .map((delta) => `data: ${JSON.stringify({ delta })}`)
        .concat('data: {"done":true}'),
    ),
  );
  const router = new Router({
    targets: [
      { id: 'acme', adapter: new AcmeAdapter({ apiKey: 'acme-key', baseURL: acme.url }), model: 'acme-1' },
    ],
    retry: { baseDelayMs: 1, maxDelayMs: 1 },
  });
  const answer = await router.complete({ messages: [{ role: 'user', content: 'hi' }] });
  console.log(
    `Acme answered: ${answer.text} (attempts: ${answer.attempts.map((a) => a.errorKind ?? a.outcome).join(', ')})`,
  );
  let streamed = '';
  for await (const event of router.stream({ messages: [{ role: 'user', content: 'hi' }] })) {
    if (event.type === 'text-delta') streamed += event.delta;
  }
  console.log(`Acme streamed: ${streamed}`);
  await router.close();
  await acme.close();
}
