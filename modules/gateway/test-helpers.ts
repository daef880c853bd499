/**
 * Test helpers of the gateway's tests (not exported): a router over a MockAdapter behind a
 * gateway on a free loopback port, and a raw HTTP request helper.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import {
  type Adapter,
  type AdapterCallOptions,
  type AdapterStreamPart,
  Router,
  type TargetConfig,
} from '../../index.js';
import { MockAdapter, type MockHandler, type MockOutcome } from '../../src/testing/index.js';
import { createGateway, type Gateway } from './gateway.js';
import type { GatewayOptions } from './options.js';

/** A started gateway with its router and mock upstream. */
export interface TestGateway {
  readonly gateway: Gateway;
  readonly router: Router;
  readonly adapter: MockAdapter;
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Starts a gateway over one mock target `mock-1` (model `mock-model`, alias `fast`). */
export async function startGateway(
  handler: MockHandler | readonly MockOutcome[],
  options: GatewayOptions = {},
  target: Partial<TargetConfig> = {},
): Promise<TestGateway> {
  const adapter = new MockAdapter(handler, { whenScriptEnds: 'repeat-last' });
  const router = new Router({
    targets: [{ id: 'mock-1', model: 'mock-model', aliases: ['fast'], adapter, ...target }],
    retry: { maxAttempts: 1 },
  });
  const gateway = createGateway(router, { port: 0, ...options });
  const { url, port } = await gateway.start();
  return {
    gateway,
    router,
    adapter,
    url,
    port,
    async close() {
      await gateway.stop();
      await router.close();
    },
  };
}

/** An answer of {@link send}. */
export interface RawAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  json(): { error?: { message: string; type: string; param: string | null; code: string | null } } & Record<
    string,
    unknown
  >;
}

/** Sends one HTTP request on a fresh connection and reads the whole answer. */
export function send(
  port: number,
  method: string,
  path: string,
  body?: string | Buffer,
  headers: Record<string, string | number> = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method, path, headers: { connection: 'close', ...headers }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A chat-completions request body. */
export function chatBody(extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ model: 'fast', messages: [{ role: 'user', content: 'Hello' }], ...extra });
}

/** JSON headers. */
export const JSON_HEADERS = { 'content-type': 'application/json' } as const;

/** POSTs a chat-completions request (`chatBody(extra)`, JSON headers) to the gateway on `port`. */
export function postChat(port: number, extra: Record<string, unknown> = {}): Promise<RawAnswer> {
  return send(port, 'POST', '/v1/chat/completions', chatBody(extra), JSON_HEADERS);
}

/**
 * An upstream that streams `deltas` at once and then hangs until its call is aborted; `aborted`
 * resolves with the abort reason when (and only when) the adapter sees the abort.
 */
export function hangingStream(deltas: readonly string[]): {
  adapter: Adapter;
  aborted: Promise<unknown>;
  started: Promise<void>;
} {
  let onAbort!: (reason: unknown) => void;
  let onStart!: () => void;
  const aborted = new Promise<unknown>((resolve) => (onAbort = resolve));
  const started = new Promise<void>((resolve) => (onStart = resolve));
  const adapter: Adapter = {
    provider: 'hanging',
    capabilities: { streaming: true, tools: true, json: 'schema', images: true },
    complete: () => Promise.reject(new Error('not used')),
    async *stream(_request, options: AdapterCallOptions): AsyncGenerator<AdapterStreamPart> {
      onStart();
      for (const delta of deltas) yield { type: 'text-delta', delta };
      await new Promise<void>((_resolve, reject) => {
        const signal = options.signal;
        const fail = () => {
          onAbort(signal.reason);
          reject(signal.reason);
        };
        if (signal.aborted) fail();
        else signal.addEventListener('abort', fail, { once: true });
      });
    },
  };
  return { adapter, aborted, started };
}
