/**
 * A tiny local server that speaks three LLM wire protocols on 127.0.0.1, so that examples run
 * without API keys: OpenAI chat completions (`POST /v1/chat/completions`), Anthropic messages
 * (`POST /v1/messages`) and Cohere v2 chat (`POST /v2/chat`), each as JSON or as SSE when the
 * body says `stream: true`. `failFirst` makes the first N requests of a protocol answer 429 with
 * `retry-after: 3`, to show fallback (long enough that the first calls, which load each vendor SDK,
 * finish inside it even on a busy machine).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Protocol = 'openai' | 'anthropic' | 'cohere';

export interface MockProviders {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Requests served, by protocol. */
  readonly served: Record<Protocol, number>;
  close(): Promise<void>;
}

const words = (protocol: Protocol) => ['Hello', ' from', ` the ${protocol}`, ' protocol', '!'];

function sse(res: ServerResponse, events: Array<[string | undefined, unknown]>): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const [name, data] of events) {
    res.write(
      `${name ? `event: ${name}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`,
    );
  }
  res.end();
}

function openai(res: ServerResponse, body: { model: string; stream?: boolean }): void {
  const usage = { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 };
  if (!body.stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id: 'chatcmpl-mock',
        object: 'chat.completion',
        created: 0,
        model: body.model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: words('openai').join('') },
            finish_reason: 'stop',
          },
        ],
        usage,
      }),
    );
    return;
  }
  const chunk = (delta: object, finish: string | null = null, extra: object = {}) => ({
    id: 'chatcmpl-mock',
    object: 'chat.completion.chunk',
    created: 0,
    model: body.model,
    choices: [{ index: 0, delta, finish_reason: finish }],
    ...extra,
  });
  sse(res, [
    [undefined, chunk({ role: 'assistant', content: '' })],
    ...words('openai').map((w): [undefined, unknown] => [undefined, chunk({ content: w })]),
    [undefined, chunk({}, 'stop')],
    [undefined, { ...chunk({}), choices: [], usage }],
    [undefined, '[DONE]'],
  ]);
}

function anthropic(res: ServerResponse, body: { model: string; stream?: boolean }): void {
  const message = {
    id: 'msg_mock',
    type: 'message',
    role: 'assistant',
    model: body.model,
    stop_sequence: null,
  };
  if (!body.stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        ...message,
        content: [{ type: 'text', text: words('anthropic').join('') }],
        stop_reason: 'end_turn',
        usage: { input_tokens: 12, output_tokens: 5 },
      }),
    );
    return;
  }
  sse(res, [
    [
      'message_start',
      {
        type: 'message_start',
        message: {
          ...message,
          content: [],
          stop_reason: null,
          usage: { input_tokens: 12, output_tokens: 1 },
        },
      },
    ],
    [
      'content_block_start',
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    ],
    ...words('anthropic').map((w): [string, unknown] => [
      'content_block_delta',
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: w } },
    ]),
    ['content_block_stop', { type: 'content_block_stop', index: 0 }],
    [
      'message_delta',
      {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { output_tokens: 5 },
      },
    ],
    ['message_stop', { type: 'message_stop' }],
  ]);
}

function cohere(res: ServerResponse, body: { stream?: boolean }): void {
  const usage = {
    billed_units: { input_tokens: 12, output_tokens: 5 },
    tokens: { input_tokens: 12, output_tokens: 5 },
  };
  if (!body.stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id: 'cohere-mock',
        finish_reason: 'COMPLETE',
        message: { role: 'assistant', content: [{ type: 'text', text: words('cohere').join('') }] },
        usage,
      }),
    );
    return;
  }
  sse(res, [
    [
      'message-start',
      { type: 'message-start', id: 'cohere-mock', delta: { message: { role: 'assistant', content: [] } } },
    ],
    [
      'content-start',
      { type: 'content-start', index: 0, delta: { message: { content: { type: 'text', text: '' } } } },
    ],
    ...words('cohere').map((w): [string, unknown] => [
      'content-delta',
      { type: 'content-delta', index: 0, delta: { message: { content: { text: w } } } },
    ]),
    ['content-end', { type: 'content-end', index: 0 }],
    ['message-end', { type: 'message-end', delta: { finish_reason: 'COMPLETE', usage } }],
  ]);
}

const ROUTES: Record<string, Protocol> = {
  '/v1/chat/completions': 'openai',
  '/v1/messages': 'anthropic',
  '/v2/chat': 'cohere',
};

/** Starts the mock server on a free port of 127.0.0.1. */
export async function startMockProviders(
  options: { failFirst?: Partial<Record<Protocol, number>> } = {},
): Promise<MockProviders> {
  const served: Record<Protocol, number> = { openai: 0, anthropic: 0, cohere: 0 };
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const protocol = ROUTES[(req.url ?? '').split('?')[0]!];
    if (!protocol || req.method !== 'POST') {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { message: 'not found' } }));
      return;
    }
    served[protocol]++;
    if (served[protocol] <= (options.failFirst?.[protocol] ?? 0)) {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3' });
      res.end(JSON.stringify({ error: { type: 'rate_limit_error', message: 'mock rate limit' } }));
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (protocol === 'openai') openai(res, body);
    else if (protocol === 'anthropic') anthropic(res, body);
    else cohere(res, body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    served,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
