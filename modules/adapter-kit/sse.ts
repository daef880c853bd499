/**
 * A small server-sent events parser (the WHATWG "event stream interpretation") over response
 * body bytes, for adapters that read a streaming body themselves instead of through a vendor
 * SDK's own (slower) SSE machinery. Only Node built-ins, no web streams: the bytes come from any async
 * iterable of `Uint8Array` (the fast transport's body, or a WHATWG `ReadableStream` in Node 20+).
 *
 * Supported: UTF-8 decoding that keeps multi-byte characters split across chunks, a leading BOM,
 * `\n`, `\r\n` and `\r` line ends (also split across chunks), `event:` and `data:` fields
 * (several `data:` lines joined with `\n`), comments, and dispatch at a blank line. `id:` and
 * `retry:` are ignored (no reconnection here). An event that the stream ends before its blank
 * line is not dispatched, as the spec says.
 */
import { StringDecoder } from 'node:string_decoder';

/** One dispatched event. */
export interface SseEvent {
  /** The `event:` field; absent when the event had none (the spec's default type `message`). */
  readonly event?: string;
  /** The `data:` lines joined with `\n`. */
  readonly data: string;
}

const LF = 10;
const COLON = 58;
const SPACE = 32;
const BOM = 0xfeff;

/**
 * Incremental SSE parser: {@link SseParser.feed} bytes as they arrive, then take the events that
 * became complete with {@link SseParser.next} until it returns `undefined`.
 *
 * @example
 * ```ts
 * const parser = new SseParser();
 * for await (const bytes of response.body) {
 *   parser.feed(bytes);
 *   for (let event = parser.next(); event; event = parser.next()) handle(event.data);
 * }
 * ```
 */
export class SseParser {
  // Keeps characters split across chunks; about 4× cheaper per chunk than TextDecoder here.
  readonly #decoder = new StringDecoder('utf8');
  /** Whether any text was decoded yet (a BOM is only dropped at the very start). */
  #started = false;
  /** Decoded text not parsed yet, from {@link #pos}. */
  #text = '';
  #pos = 0;
  /** Index of the next `\r` at or after {@link #pos}; -1 when there is none in {@link #text}. */
  #nextCR = -1;
  /** The start of a line that the text so far ended in the middle of. */
  #partial = '';
  /** The last text ended with `\r`: a `\n` at the start of the next one ends nothing. */
  #skipLF = false;
  #data = '';
  #dataLines = 0;
  #event = '';

  /** Adds the next bytes of the body. Events they complete are read with {@link next}. */
  feed(bytes: Uint8Array): void {
    let text = this.#decoder.write(bytes);
    if (!this.#started && text.length > 0) {
      this.#started = true;
      if (text.charCodeAt(0) === BOM) text = text.slice(1);
    }
    if (this.#pos < this.#text.length) {
      // Events of the previous bytes were not all taken: keep them ahead of the new text.
      this.#text = this.#text.slice(this.#pos) + text;
    } else {
      this.#text = text;
    }
    this.#pos = 0;
    this.#nextCR = this.#text.indexOf('\r');
    if (this.#skipLF && this.#text.length > 0) {
      this.#skipLF = false;
      if (this.#text.charCodeAt(0) === LF) this.#pos = 1;
    }
  }

  /** The next complete event, or `undefined` when the bytes fed so far complete no other one. */
  next(): SseEvent | undefined {
    const text = this.#text;
    for (;;) {
      const start = this.#pos;
      if (start >= text.length) return undefined;
      let end = text.indexOf('\n', start);
      let cr = this.#nextCR;
      if (cr !== -1 && cr < start) {
        cr = text.indexOf('\r', start);
        this.#nextCR = cr;
      }
      let after: number;
      if (cr !== -1 && (end === -1 || cr < end)) {
        end = cr;
        if (cr + 1 < text.length) {
          after = text.charCodeAt(cr + 1) === LF ? cr + 2 : cr + 1;
        } else {
          after = cr + 1;
          this.#skipLF = true; // a `\r\n` split between two feeds
        }
      } else if (end !== -1) {
        after = end + 1;
      } else {
        // No line end yet: keep the start of the line for the next feed.
        this.#partial += start === 0 ? text : text.slice(start);
        this.#pos = text.length;
        return undefined;
      }
      this.#pos = after;
      let line = text.slice(start, end);
      if (this.#partial !== '') {
        line = this.#partial + line;
        this.#partial = '';
      }
      const event = this.#line(line);
      if (event !== undefined) return event;
    }
  }

  /** Handles one line; returns the event a blank line dispatches. */
  #line(line: string): SseEvent | undefined {
    if (line.length === 0) return this.#dispatch();
    if (line.charCodeAt(0) === COLON) return undefined; // a comment
    const colon = line.indexOf(':');
    let field: string;
    let value: string;
    if (colon === -1) {
      field = line;
      value = '';
    } else {
      field = line.slice(0, colon);
      const from = line.charCodeAt(colon + 1) === SPACE ? colon + 2 : colon + 1;
      value = line.slice(from);
    }
    if (field === 'data') {
      this.#data = this.#dataLines === 0 ? value : `${this.#data}\n${value}`;
      this.#dataLines++;
    } else if (field === 'event') {
      this.#event = value;
    }
    return undefined;
  }

  #dispatch(): SseEvent | undefined {
    const event = this.#event;
    this.#event = '';
    // No data line: nothing to dispatch (the spec's "data buffer is empty" case).
    if (this.#dataLines === 0) return undefined;
    const data = this.#data;
    this.#data = '';
    this.#dataLines = 0;
    return event === '' ? { data } : { event, data };
  }
}

/**
 * The events of an SSE body, as they arrive. Leaving the loop early (`break`, an exception)
 * calls `return()` on the body's iterator, which closes the connection.
 *
 * @example
 * ```ts
 * for await (const { event, data } of readSse(response.body)) console.log(event, data);
 * ```
 */
export async function* readSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent, void, undefined> {
  const parser = new SseParser();
  for await (const bytes of body) {
    parser.feed(bytes);
    for (let event = parser.next(); event !== undefined; event = parser.next()) yield event;
  }
}

/** A `ReadableStream` without `Symbol.asyncIterator` (older runtimes), read through a reader. */
interface ReaderSource {
  getReader(): ReadableStreamDefaultReader<Uint8Array>;
}

/**
 * The byte iterator of a response body: its own async iterator when it has one (the fast
 * transport's body, a WHATWG `ReadableStream` in Node 20+), else one over `getReader()`.
 * Its `return()` stops reading and closes the connection.
 */
export function bodyIterator(body: AsyncIterable<Uint8Array> | ReaderSource): AsyncIterator<Uint8Array> {
  if (Symbol.asyncIterator in body) return body[Symbol.asyncIterator]();
  const reader = body.getReader();
  return {
    async next() {
      const step = await reader.read();
      return step.done ? { done: true, value: undefined } : { done: false, value: step.value };
    },
    async return() {
      await reader.cancel();
      return { done: true, value: undefined };
    },
  };
}

/**
 * Reads what is left of a body whose last event was already handled, so that its keep-alive
 * connection can be reused, for at most `graceMs`; a body still open by then is closed (hung up).
 * Never rejects. Resolves `true` when the body ended within the grace time.
 *
 * @example
 * ```ts
 * // after the terminal event: let the connection go back to the pool
 * await drainBody(iterator, 1000);
 * ```
 */
export async function drainBody(body: AsyncIterator<Uint8Array>, graceMs: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(resolve, graceMs, 'late');
  });
  try {
    for (;;) {
      const step = await Promise.race([body.next(), late]);
      if (step === 'late') break;
      if (step.done) return true;
    }
  } catch {
    return false; // the body failed: nothing left to reuse or close
  } finally {
    clearTimeout(timer);
  }
  await body.return?.().catch(() => undefined);
  return false;
}

/**
 * An error the provider sent inside a 200 stream (an `event: error`, or an `error` object in a
 * data line), thrown by an adapter's stream reader so that its error mapper can type it like an
 * HTTP error, from `body`.
 *
 * @example
 * ```ts
 * if (sse.event === 'error') throw new StreamErrorEvent(JSON.parse(sse.data));
 * ```
 */
export class StreamErrorEvent extends Error {
  /** What the provider sent: the parsed data when it was JSON, else the raw text. */
  readonly body: unknown;
  constructor(body: unknown) {
    super('error event in the stream');
    this.name = 'StreamErrorEvent';
    this.body = body;
  }
}
