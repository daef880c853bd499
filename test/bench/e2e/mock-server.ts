/**
 * A small OpenAI Chat Completions mock for the end-to-end bench, run in its own process:
 * `POST /v1/chat/completions` answers JSON, or SSE when `stream: true` (a role chunk, one chunk
 * per content delta, a finish chunk, a usage chunk with `stream_options.include_usage`, then
 * `[DONE]`, each written separately like a provider flushing per token). `GET /__stats` counts
 * the completions requests, so the bench can prove there were no hidden retries.
 *
 * Env: `PORT` (default 0: any free port). Sends `{ port }` over IPC when listening.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerText, DEFAULT_DELTAS, DELTAS_HEADER, WORDS } from './protocol.js';

let requests = 0;

const usage = (deltas: number) => ({ prompt_tokens: 2, completion_tokens: deltas, total_tokens: deltas + 2 });

function completionBody(model: string, deltas: number): string {
  return JSON.stringify({
    id: 'chatcmpl-mock',
    object: 'chat.completion',
    created: 1_764_000_000,
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: answerText(deltas), refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: usage(deltas),
    service_tier: 'default',
    system_fingerprint: 'fp_mock',
  });
}

function streamEvents(model: string, deltas: number, includeUsage: boolean): string[] {
  const head = `{"id":"chatcmpl-mock","object":"chat.completion.chunk","created":1764000000,"model":${JSON.stringify(model)},"system_fingerprint":"fp_mock","choices":`;
  const events = [
    `data: ${head}[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]}\n\n`,
  ];
  for (let i = 0; i < deltas; i++) {
    const piece = JSON.stringify(WORDS[i % WORDS.length]);
    events.push(
      `data: ${head}[{"index":0,"delta":{"content":${piece}},"logprobs":null,"finish_reason":null}]}\n\n`,
    );
  }
  events.push(`data: ${head}[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}\n\n`);
  if (includeUsage) events.push(`data: ${head}[],"usage":${JSON.stringify(usage(deltas))}}\n\n`);
  events.push('data: [DONE]\n\n');
  return events;
}

// Answers are the same for every call of a shape: build each once.
const cache = new Map<string, string | string[]>();

function cached<T extends string | string[]>(key: string, build: () => T): T {
  let value = cache.get(key) as T | undefined;
  if (value === undefined) {
    value = build();
    cache.set(key, value);
  }
  return value;
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return chunks.length === 1
    ? (chunks[0] as Buffer).toString('utf8')
    : Buffer.concat(chunks).toString('utf8');
}

const server = createServer({ noDelay: true, keepAlive: true }, async (req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'GET' && path === '/__stats') return send(res, 200, JSON.stringify({ requests }));
  const raw = await readBody(req);
  if (req.method !== 'POST' || (path !== '/v1/chat/completions' && path !== '/chat/completions')) {
    return send(res, 404, JSON.stringify({ error: { message: `no route ${req.method} ${path}` } }));
  }
  requests++;
  let body: { model?: unknown; stream?: unknown; stream_options?: { include_usage?: unknown } };
  try {
    body = JSON.parse(raw);
  } catch {
    return send(
      res,
      400,
      JSON.stringify({ error: { message: 'invalid JSON body', type: 'invalid_request_error' } }),
    );
  }
  const model = typeof body.model === 'string' ? body.model : 'mock-model';
  const header = req.headers[DELTAS_HEADER];
  const deltas = typeof header === 'string' ? Number(header) : DEFAULT_DELTAS;
  if (body.stream !== true) {
    return send(
      res,
      200,
      cached(`json:${model}:${deltas}`, () => completionBody(model, deltas)),
    );
  }
  const includeUsage = body.stream_options?.include_usage === true;
  const events = cached(`sse:${model}:${deltas}:${includeUsage}`, () =>
    streamEvents(model, deltas, includeUsage),
  );
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  for (const event of events) res.write(event);
  res.end();
});
// Keep pooled client connections for the whole run.
server.keepAliveTimeout = 120_000;
server.headersTimeout = 125_000;
server.requestTimeout = 0;

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.send?.({ port });
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}
