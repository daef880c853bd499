/**
 * The adapter conformance suite: the wire-level checks the built-in adapters pass, runnable
 * against any adapter and a {@link ScriptedServer} that speaks its provider's format. It takes
 * the test runner's functions as a parameter (vitest's, or any with the same shape), so the kit
 * depends on no test framework; assertions use `node:assert`.
 */
import { deepStrictEqual, fail, ok, strictEqual } from 'node:assert/strict';
import { inspect } from 'node:util';
import {
  type Adapter,
  type AdapterCallOptions,
  type AdapterRequest,
  type ErrorKind,
  kindFromHttpStatus,
  SwitchyardError,
  systemClock,
} from '../../../src/index.js';
import {
  asError,
  collect,
  leaks,
  randomKey,
  STATUSES,
  TEXT_PIECES,
  textOf,
  UNICODE_PIECES,
  UPSTREAM,
} from './checks.js';
import { hang, json, raw, resetConnection, ScriptedServer, sse } from './scripted-server.js';
import type { ConformanceCheck, ConformanceOptions } from './types.js';

/**
 * Registers the adapter conformance suite with your test runner: the checks every built-in
 * adapter passes, against a {@link ScriptedServer} that speaks your provider's wire format.
 *
 * - `complete` / `stream`: a plain answer, and a streamed one that ends with exactly one `finish`.
 * - `http-errors`: 400–504 map to the kind of `kindFromHttpStatus` (or `statusKinds`), with
 *   `status` and `target` set, for `complete()` and `stream()`, and the adapter never retries.
 * - `retry-after`: `retry-after` in seconds and as an HTTP date, and `retry-after-ms`.
 * - stream hazards: an error event before any content and one after content, a connection cut
 *   after content (`connection`), a stream that ends without its finish (`connection`), SSE
 *   keep-alive comments between events, and multi-byte UTF-8 split at every byte (CRLF too).
 * - `malformed-responses` (`server`) and `connection-failures` (reset, refused: `connection`).
 * - `abort`: an aborted signal fails at once without a request; aborting while waiting for the
 *   headers or in the middle of a stream rejects promptly and hangs up; the reason the router
 *   puts in the signal (e.g. a `timeout` at its deadline) is what the call rejects with.
 * - `secrets`: an error body (and an in-stream error) that echoes the configured key, or another
 *   key-shaped string, in every field and in headers leaks it nowhere in the error: message,
 *   code, stack, each cause level, `JSON.stringify`, `util.inspect`.
 * - `local-request-errors`: a BigInt in `providerOptions` fails with `invalid_request` and
 *   nothing is sent.
 *
 * @example
 * ```ts
 * import { describe, it, beforeAll, afterAll } from 'vitest';
 * import { runAdapterConformance } from 'switchyard-llm/adapter-kit';
 *
 * runAdapterConformance({
 *   name: 'AcmeAdapter',
 *   runner: { describe, it, beforeAll, afterAll },
 *   createAdapter: ({ baseURL, apiKey }) => new AcmeAdapter({ baseURL, apiKey }),
 *   wire: {
 *     completion: (text) => ({ output: text, done: true }),
 *     stream: (pieces) => [...pieces.map((p) => `data: ${JSON.stringify({ delta: p })}`), 'data: {"done":true}'],
 *     error: (status, message, code) => ({ error: { message, code } }),
 *   },
 * });
 * ```
 */
export function runAdapterConformance(options: ConformanceOptions): void {
  const { runner, wire } = options;
  const model = options.model ?? 'conformance-model';
  const timeoutMs = options.timeoutMs ?? 30_000;
  const skipped = new Set(options.skip ?? []);
  const apiKey = randomKey('sk-');
  const server = new ScriptedServer();
  const target = 'conformance-target';
  const request: AdapterRequest = { model, maxOutputTokens: 64, messages: [{ role: 'user', content: 'hi' }] };

  const createAdapter = (baseURL = server.url) => options.createAdapter({ baseURL, apiKey });
  const callOptions = (signal: AbortSignal = new AbortController().signal): AdapterCallOptions => ({
    signal,
    target,
    clock: systemClock,
    deadline: Number.POSITIVE_INFINITY,
  });
  /** Registers a check; it gets a new adapter, closed afterwards. */
  const check = (name: ConformanceCheck, title: string, body: (adapter: Adapter) => Promise<void>) => {
    if (skipped.has(name)) return;
    runner.it(
      `${name}: ${title}`,
      async () => {
        server.reset();
        const adapter = createAdapter();
        try {
          await body(adapter);
        } finally {
          await adapter.close?.();
        }
      },
      timeoutMs,
    );
  };
  const completeError = async (a: Adapter, signal?: AbortSignal): Promise<SwitchyardError> => {
    const outcome = await a.complete(request, callOptions(signal)).then(
      () => undefined,
      (error: unknown) => ({ error }),
    );
    if (!outcome) fail('complete() resolved; expected it to reject');
    return asError(outcome.error, 'complete()');
  };
  const streamOutcome = (a: Adapter, signal?: AbortSignal) => collect(a.stream(request, callOptions(signal)));
  const kindFor = (status: number): ErrorKind => options.statusKinds?.[status] ?? kindFromHttpStatus(status);
  const events = wire.stream(TEXT_PIECES);
  const finishEvents = wire.finishEvents ?? 1;
  // The first event that carries text: errors and cuts "after content" come right after it.
  const firstText = events.findIndex((e) => e.includes(JSON.stringify(TEXT_PIECES[0]).slice(1, -1)));

  runner.describe(`${options.name} conformance`, () => {
    runner.beforeAll(() => server.listen(), timeoutMs);
    runner.afterAll(() => server.close());

    check('complete', 'a plain answer', async (adapter) => {
      server.enqueue(json(200, wire.completion('Hello there')));
      const response = await adapter.complete(request, callOptions());
      const text = response.content.map((p) => (p.type === 'text' ? p.text : '')).join('');
      strictEqual(text, 'Hello there');
      strictEqual(server.requests.length, 1);
      ok(server.last.raw.includes(model), 'the request names the model');
    });

    check('stream', 'text deltas, then exactly one finish, last', async (adapter) => {
      server.enqueue(sse(events));
      const { parts, error } = await streamOutcome(adapter);
      strictEqual(error, undefined, `the stream failed: ${inspect(error)}`);
      strictEqual(textOf(parts), TEXT_PIECES.join(''));
      strictEqual(parts.filter((p) => p.type === 'finish').length, 1, 'one finish');
      strictEqual(parts.at(-1)?.type, 'finish', 'finish comes last');
    });

    check(
      'http-errors',
      'each status maps to its kind, for complete() and stream(), without retries',
      async (adapter) => {
        for (const status of STATUSES) {
          for (const via of ['complete', 'stream'] as const) {
            server.reset();
            server.enqueue(json(status, wire.error(status, `problem ${status}`, 'conformance_code')));
            const error =
              via === 'complete'
                ? await completeError(adapter)
                : asError((await streamOutcome(adapter)).error, 'stream()');
            const where = `${via}() on HTTP ${status}`;
            strictEqual(error.kind, kindFor(status), `${where}: kind`);
            strictEqual(error.status, status, `${where}: status`);
            strictEqual(error.target, target, `${where}: target`);
            ok(
              error.message.includes(`problem ${status}`),
              `${where}: the provider's message is in ${error.message}`,
            );
            strictEqual(server.requests.length, 1, `${where}: one request (adapters never retry)`);
          }
        }
      },
    );

    check('retry-after', 'seconds, an HTTP date, and retry-after-ms', async (adapter) => {
      const cases: Array<[Record<string, string>, (ms: number | undefined) => boolean, string]> = [
        [{ 'retry-after': '2' }, (ms) => ms === 2000, '2000'],
        [
          { 'retry-after': new Date(Date.now() + 3000).toUTCString() },
          (ms) => ms !== undefined && ms >= 1000 && ms <= 4000,
          'about 3000',
        ],
        [{ 'retry-after-ms': '1500' }, (ms) => ms === 1500, '1500'],
      ];
      for (const [headers, good, expected] of cases) {
        server.enqueue(json(429, wire.error(429, 'slow down', 'rate_limit'), headers));
        const error = await completeError(adapter);
        strictEqual(error.kind, kindFor(429));
        ok(
          good(error.retryAfterMs),
          `retryAfterMs for ${JSON.stringify(headers)}: ${error.retryAfterMs}, expected ${expected}`,
        );
      }
    });

    const { streamError } = wire;
    if (streamError) {
      check(
        'stream-error-before-content',
        'an error event first: an upstream kind, no content',
        async (adapter) => {
          server.enqueue(sse([streamError('overloaded', 'overloaded_error')]));
          const { parts, error } = await streamOutcome(adapter);
          const e = asError(error, 'stream()');
          ok(UPSTREAM.includes(e.kind), `kind ${e.kind} is an upstream kind`);
          strictEqual(textOf(parts), '');
          strictEqual(e.target, target);
        },
      );
      check(
        'stream-error-mid-stream',
        'an error event after content: the content, then an upstream kind',
        async (adapter) => {
          ok(firstText >= 0, 'wire.stream() puts each piece in an event of its own');
          server.enqueue(
            sse([...events.slice(0, firstText + 1), streamError('overloaded', 'overloaded_error')]),
          );
          const { parts, error } = await streamOutcome(adapter);
          const e = asError(error, 'stream()');
          ok(UPSTREAM.includes(e.kind), `kind ${e.kind} is an upstream kind`);
          strictEqual(textOf(parts), TEXT_PIECES[0]);
        },
      );
    }

    check('stream-cut', 'a connection cut after content: connection', async (adapter) => {
      server.enqueue(sse(events, { cutAfterEvents: firstText + 1, gapMs: 5 }));
      const { parts, error } = await streamOutcome(adapter);
      strictEqual(asError(error, 'stream()').kind, 'connection');
      strictEqual(textOf(parts), TEXT_PIECES[0]);
    });

    check(
      'stream-without-finish',
      'a body that ends cleanly without its finish: connection',
      async (adapter) => {
        server.enqueue(sse(events.slice(0, events.length - finishEvents)));
        const { parts, error } = await streamOutcome(adapter);
        strictEqual(asError(error, 'stream()').kind, 'connection');
        strictEqual(parts.filter((p) => p.type === 'finish').length, 0, 'no finish');
      },
    );

    check('keep-alive-comments', 'SSE comments between events change nothing', async (adapter) => {
      server.enqueue(sse([': keep-alive', ...events.flatMap((e) => [e, ': keep-alive'])]));
      const { parts, error } = await streamOutcome(adapter);
      strictEqual(error, undefined, `the stream failed: ${inspect(error)}`);
      strictEqual(textOf(parts), TEXT_PIECES.join(''));
      strictEqual(parts.at(-1)?.type, 'finish');
    });

    check(
      'split-utf8',
      'a body split at every byte keeps multi-byte characters (LF and CRLF)',
      async (adapter) => {
        for (const crlf of [false, true]) {
          server.enqueue(sse(wire.stream(UNICODE_PIECES), { chunkBytes: 1, crlf }));
          const { parts, error } = await streamOutcome(adapter);
          strictEqual(error, undefined, `the stream failed: ${inspect(error)}`);
          strictEqual(textOf(parts), UNICODE_PIECES.join(''));
        }
      },
    );

    check(
      'malformed-responses',
      'malformed JSON in a 200 answer or stream event: server',
      async (adapter) => {
        server.enqueue(raw(200, '{"id": "x", ', { 'content-type': 'application/json' }));
        strictEqual((await completeError(adapter)).kind, 'server');
        const broken = events.map((e, i) => (i === firstText ? e.slice(0, -3) : e));
        server.enqueue(sse(broken));
        strictEqual(asError((await streamOutcome(adapter)).error, 'stream()').kind, 'server');
      },
    );

    check('connection-failures', 'a reset and a refused connection: connection', async (adapter) => {
      server.enqueue(resetConnection());
      strictEqual((await completeError(adapter)).kind, 'connection');
      server.enqueue(resetConnection());
      strictEqual(asError((await streamOutcome(adapter)).error, 'stream()').kind, 'connection');
      const refused = createAdapter('http://127.0.0.1:9');
      try {
        strictEqual((await completeError(refused)).kind, 'connection');
      } finally {
        await refused.close?.();
      }
    });

    check(
      'abort',
      'aborted before, while waiting, mid-stream, and with the router reason',
      async (adapter) => {
        strictEqual((await completeError(adapter, AbortSignal.abort())).kind, 'aborted');
        strictEqual(
          asError((await streamOutcome(adapter, AbortSignal.abort())).error, 'stream()').kind,
          'aborted',
        );
        strictEqual(server.requests.length, 0, 'nothing is sent for an aborted signal');

        const waiting = new AbortController();
        server.enqueue(hang());
        const pending = completeError(adapter, waiting.signal);
        while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 2));
        const started = performance.now();
        waiting.abort();
        strictEqual((await pending).kind, 'aborted');
        ok(performance.now() - started < 1000, 'rejects promptly');
        await server.waitForDisconnects(1);

        const midStream = new AbortController();
        server.enqueue(sse(events, { stallAfterEvents: firstText + 1 }));
        const reading = streamOutcome(adapter, midStream.signal);
        while (server.requests.length < 2) await new Promise((r) => setTimeout(r, 2));
        await new Promise((r) => setTimeout(r, 20));
        midStream.abort();
        strictEqual(asError((await reading).error, 'stream()').kind, 'aborted');
        await server.waitForDisconnects(2);

        const deadline = new AbortController();
        server.enqueue(hang());
        const timedOut = completeError(adapter, deadline.signal);
        while (server.requests.length < 3) await new Promise((r) => setTimeout(r, 2));
        deadline.abort(new SwitchyardError('timeout', 'deadline exceeded'));
        const e = await timedOut;
        strictEqual(e.kind, 'timeout', 'the reason the router put in the signal');
        strictEqual(e.target, target);
      },
    );

    check('secrets', 'a provider that echoes a key leaks it nowhere in the error', async (adapter) => {
      for (const secret of [apiKey, randomKey('sk-proj-')]) {
        const headers = {
          'x-request-id': secret,
          'request-id': secret,
          'www-authenticate': `Bearer ${secret}`,
        };
        const found: string[] = [];
        for (const status of [401, 500]) {
          server.enqueue(json(status, wire.error(status, `invalid key ${secret}`, secret), headers));
          found.push(
            ...leaks(await completeError(adapter), secret).map((w) => `complete() HTTP ${status}: ${w}`),
          );
          server.enqueue(json(status, wire.error(status, `invalid key ${secret}`, secret), headers));
          const { error } = await streamOutcome(adapter);
          found.push(
            ...leaks(asError(error, 'stream()'), secret).map((w) => `stream() HTTP ${status}: ${w}`),
          );
        }
        if (streamError) {
          for (const [when, script] of [
            ['before content', [streamError(`key ${secret}`, secret)]],
            ['after content', [...events.slice(0, firstText + 1), streamError(`key ${secret}`, secret)]],
          ] as const) {
            server.enqueue(sse(script));
            const { error } = await streamOutcome(adapter);
            found.push(...leaks(asError(error, 'stream()'), secret).map((w) => `stream error ${when}: ${w}`));
          }
        }
        deepStrictEqual(
          found,
          [],
          `the ${secret === apiKey ? 'configured key' : 'key-shaped string'} leaked`,
        );
      }
      ok(JSON.stringify(server.requests.map((r) => r.headers)).includes(apiKey), 'the key was sent');
    });

    check(
      'local-request-errors',
      'a BigInt in providerOptions: invalid_request, nothing sent',
      async (adapter) => {
        const bad: AdapterRequest = { ...request, providerOptions: { conformance: { count: 10n } } };
        const fromComplete = await adapter.complete(bad, callOptions()).then(
          () => undefined,
          (error: unknown) => error,
        );
        strictEqual(asError(fromComplete, 'complete()').kind, 'invalid_request');
        const { error } = await collect(adapter.stream(bad, callOptions()));
        strictEqual(asError(error, 'stream()').kind, 'invalid_request');
        strictEqual(server.requests.length, 0, 'nothing is sent');
      },
    );
  });
}
