/**
 * The load test's upstream: an OpenAI Chat Completions mock on `node:http`, zero latency.
 * `POST /v1/chat/completions` answers JSON, or SSE when `stream: true` (a role chunk, one chunk
 * per content delta, a finish chunk, a usage chunk with `stream_options.include_usage`, then
 * `[DONE]`, each written separately like a provider flushing per token — the same shapes as the
 * anchors harness's mock-openai.mjs). `GET /__stats` counts completions, so a run can prove that
 * every call reached the upstream exactly once (no hidden retries).
 *
 * Loopback only. Used in-process by the CI smoke test and as a child process by `npm run loadtest`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EXPECTED_TEXT, WORDS } from './protocol.js';

/** A running mock. */
export interface MockUpstream {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** Completions requests answered so far. */
  readonly requests: number;
  readonly server: Server;
  close(): Promise<void>;
}

const USAGE = '{"prompt_tokens":9,"completion_tokens":8,"total_tokens":17}';

function completionBody(model: string): string {
  return JSON.stringify({
    id: 'chatcmpl-mock',
    object: 'chat.completion',
    created: 1_764_000_000,
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: EXPECTED_TEXT, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: JSON.parse(USAGE),
    system_fingerprint: 'fp_mock',
  });
}

function streamEvents(model: string, includeUsage: boolean): string[] {
  const head = `{"id":"chatcmpl-mock","object":"chat.completion.chunk","created":1764000000,"model":${JSON.stringify(model)},"system_fingerprint":"fp_mock","choices":`;
  const events = [
    `data: ${head}[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]}\n\n`,
  ];
  for (const word of WORDS) {
    events.push(
      `data: ${head}[{"index":0,"delta":{"content":${JSON.stringify(word)}},"logprobs":null,"finish_reason":null}]}\n\n`,
    );
  }
  events.push(`data: ${head}[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}\n\n`);
  if (includeUsage) events.push(`data: ${head}[],"usage":${USAGE}}\n\n`);
  events.push('data: [DONE]\n\n');
  return events;
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Starts the mock on 127.0.0.1 (`port` 0: a free port). */
export async function startMockUpstream(port = 0): Promise<MockUpstream> {
  let requests = 0;
  // Answers are the same for every call of a shape: build each once.
  const answers = new Map<string, string | string[]>();
  const answer = <T extends string | string[]>(key: string, build: () => T): T => {
    let value = answers.get(key) as T | undefined;
    if (value === undefined) {
      value = build();
      answers.set(key, value);
    }
    return value;
  };
  const server = createServer({ noDelay: true, keepAlive: true }, (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/__stats') return send(res, 200, JSON.stringify({ requests }));
    if (req.method === 'GET' && path === '/v1/models') {
      return send(
        res,
        200,
        '{"object":"list","data":[{"id":"gpt-4o-mini","object":"model","owned_by":"mock"}]}',
      );
    }
    void readBody(req).then(
      (raw) => {
        if (req.method !== 'POST' || (path !== '/v1/chat/completions' && path !== '/chat/completions')) {
          return send(
            res,
            404,
            JSON.stringify({ error: { message: 'no such route', type: 'invalid_request_error' } }),
          );
        }
        requests++;
        let body: { model?: unknown; stream?: unknown; stream_options?: { include_usage?: unknown } };
        try {
          body = JSON.parse(raw);
        } catch {
          return send(res, 400, '{"error":{"message":"invalid JSON body","type":"invalid_request_error"}}');
        }
        const model = typeof body.model === 'string' ? body.model : 'mock-model';
        if (body.stream !== true)
          return send(
            res,
            200,
            answer(`json:${model}`, () => completionBody(model)),
          );
        const usage = body.stream_options?.include_usage === true;
        const events = answer(`sse:${model}:${usage}`, () => streamEvents(model, usage));
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache',
        });
        for (const event of events) res.write(event);
        res.end();
      },
      () => res.destroy(),
    );
  });
  // Keep pooled client connections for the whole run.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  server.requestTimeout = 0;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${bound}`,
    get requests() {
      return requests;
    },
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
