/**
 * A scriptable HTTP server on 127.0.0.1 for wire-level adapter tests: tests queue one responder
 * per expected request (JSON, raw text, server-sent events, a hang, a reset) and assert on the
 * exact requests received. Protocol helpers (a provider's bodies and events) build on it.
 * `node:http` is loaded by {@link ScriptedServer.start}, not by importing this module.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the server received it. */
export interface RecordedRequest {
  readonly method: string;
  /** Path and query, e.g. `/v1/chat/completions`. */
  readonly url: string;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Raw body text. */
  readonly raw: string;
  /** Parsed JSON body, or `undefined` when the body is not JSON. */
  readonly body: unknown;
}

/** Writes the response for one request. `closed` resolves when the client disconnects early. */
export type Responder = (
  req: RecordedRequest,
  res: ServerResponse,
  ctx: { readonly closed: Promise<void>; readonly isClosed: () => boolean },
) => void | Promise<void>;

/**
 * The server. Start one with {@link ScriptedServer.start} (or `new` + {@link ScriptedServer.listen}),
 * queue responders with {@link ScriptedServer.enqueue}, point the adapter at
 * {@link ScriptedServer.url}, and {@link ScriptedServer.close} it at the end.
 *
 * @example
 * ```ts
 * const server = await ScriptedServer.start();
 * server.enqueue(json(429, { error: { message: 'slow down' } }, { 'retry-after': '2' }));
 * // ... call the adapter with baseURL: server.url ...
 * expect(server.requests).toHaveLength(1);
 * await server.close();
 * ```
 */
export class ScriptedServer {
  /** Every request received since the last {@link reset}, in order. */
  readonly requests: RecordedRequest[] = [];
  /** Number of requests whose client went away before the response ended. */
  disconnects = 0;
  #queue: Responder[] = [];
  #fallback: Responder = json(500, { error: { message: 'no responder queued' } });
  #server: Server | undefined;
  #port = 0;
  #disconnectWaiters: Array<() => void> = [];

  /** Starts a server on 127.0.0.1 with a random free port. */
  static async start<T extends ScriptedServer>(this: new () => T): Promise<T> {
    const server = new this();
    await server.listen();
    return server;
  }

  /** Listens on 127.0.0.1 with a random free port (what {@link ScriptedServer.start} does). */
  async listen(): Promise<void> {
    const { createServer } = await import('node:http');
    const server = createServer();
    server.on('request', (req, res) => void this.#handle(req, res));
    this.#server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.#port = (server.address() as AddressInfo).port;
  }

  /** `http://127.0.0.1:<port>` */
  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Queues responders, one per coming request, in order. */
  enqueue(...responders: Responder[]): this {
    this.#queue.push(...responders);
    return this;
  }

  /** The responder used when the queue is empty. */
  setDefault(responder: Responder): this {
    this.#fallback = responder;
    return this;
  }

  /** Resolves once `count` client disconnects have been seen in total. */
  waitForDisconnects(count = 1): Promise<void> {
    if (this.disconnects >= count) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => (this.disconnects >= count ? resolve() : this.#disconnectWaiters.push(check));
      this.#disconnectWaiters.push(check);
    });
  }

  /** The last request received. */
  get last(): RecordedRequest {
    const r = this.requests.at(-1);
    if (!r) throw new Error('no request received');
    return r;
  }

  /** Clears recorded requests, disconnects and queued responders. */
  reset(): void {
    this.requests.length = 0;
    this.#queue = [];
    this.disconnects = 0;
  }

  /** Closes every connection and the server. */
  async close(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = undefined;
    }
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      raw,
      body,
    };
    this.requests.push(recorded);
    req.socket.setNoDelay(true);
    let closedFlag = false;
    const closed = new Promise<void>((resolve) => {
      res.on('close', () => {
        if (!res.writableFinished) {
          closedFlag = true;
          this.disconnects++;
          const waiters = this.#disconnectWaiters;
          this.#disconnectWaiters = [];
          for (const w of waiters) w();
        }
        resolve();
      });
    });
    const responder = this.#queue.shift() ?? this.#fallback;
    try {
      await responder(recorded, res, { closed, isClosed: () => closedFlag });
    } catch (error) {
      if (!res.headersSent) res.writeHead(599);
      res.end(String(error));
    }
  }
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Responds with a JSON body (after `delayMs`, when given). */
export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  delayMs = 0,
): Responder {
  return async (_req, res) => {
    if (delayMs) await wait(delayMs);
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
}

/** Responds with a raw body (for malformed JSON and other oddities). */
export function raw(status: number, body: string, headers: Record<string, string> = {}): Responder {
  return (_req, res) => {
    res.writeHead(status, headers);
    res.end(body);
  };
}

/** Options of {@link sse}. */
export interface SseOptions {
  /** Split the whole body into pieces of this many bytes, each written separately. @default whole events */
  readonly chunkBytes?: number;
  /** Pause between writes, so the client sees them as separate reads. @default 0 */
  readonly gapMs?: number;
  /** Use CRLF line endings. @default false */
  readonly crlf?: boolean;
  /** Destroy the socket after writing this many events (a cut stream). */
  readonly cutAfterEvents?: number;
  /** Stop writing (but keep the connection open) after this many events. */
  readonly stallAfterEvents?: number;
  /** Extra headers. */
  readonly headers?: Record<string, string>;
  /** Status code. @default 200 */
  readonly status?: number;
}

/**
 * Streams server-sent events. Each entry is one event's text without the trailing blank line,
 * e.g. `data: {...}`, `event: message_start\ndata: {...}`, or a comment such as `: keep-alive`.
 */
export function sse(events: readonly string[], options: SseOptions = {}): Responder {
  return async (_req, res, ctx) => {
    const nl = options.crlf ? '\r\n' : '\n';
    res.writeHead(options.status ?? 200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      ...options.headers,
    });
    res.flushHeaders();
    const limit = options.cutAfterEvents ?? options.stallAfterEvents ?? events.length;
    const texts = events.slice(0, limit).map((e) => e.split('\n').join(nl) + nl + nl);
    const pieces: Buffer[] = [];
    if (options.chunkBytes) {
      const body = Buffer.from(texts.join(''), 'utf8');
      for (let i = 0; i < body.length; i += options.chunkBytes)
        pieces.push(body.subarray(i, i + options.chunkBytes));
    } else {
      for (const text of texts) pieces.push(Buffer.from(text, 'utf8'));
    }
    for (const piece of pieces) {
      if (ctx.isClosed()) return;
      res.write(piece);
      if (options.gapMs) await wait(options.gapMs);
    }
    if (options.cutAfterEvents !== undefined) {
      res.socket?.destroy();
      return;
    }
    if (options.stallAfterEvents !== undefined) {
      await ctx.closed; // hold the connection open until the client gives up
      return;
    }
    res.end();
  };
}

/** Holds the request open without answering until the client disconnects. */
export function hang(): Responder {
  return async (_req, _res, ctx) => {
    await ctx.closed;
  };
}

/** Destroys the connection without any response (a connection reset). */
export function resetConnection(): Responder {
  return (_req, res) => {
    res.socket?.destroy();
  };
}
