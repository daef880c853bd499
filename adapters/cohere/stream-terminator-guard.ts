/**
 * Works around a `cohere-ai` SSE parser bug: it ends the stream, silently, at the first line that
 * *contains* `[DONE]` anywhere, so a reply or tool argument with the text "[DONE]" would be cut
 * short. Cohere never sends a `[DONE]` terminator, and inside event JSON the text can only sit in a
 * string, where `[DONE\u005d` decodes to the same characters. So every `[DONE]` of an event-stream
 * body is rewritten to that escape before the SDK sees it (see `sdk-fetch.ts`).
 */

const MARKER = new TextEncoder().encode('[DONE]');
const ESCAPED = new TextEncoder().encode('[DONE\\u005d');
const OPEN_BRACKET = MARKER[0]!;

/**
 * Replaces every `[DONE]` with `[DONE\u005d` in a byte stream, also across chunk boundaries (a
 * trailing partial `[DONE` is held back until the next chunk decides it). Chunks without `[` pass
 * through untouched.
 */
class TerminatorEscaper {
  #carry: Uint8Array | undefined;

  push(chunk: Uint8Array, emit: (piece: Uint8Array) => void): void {
    const data = this.#carry === undefined ? chunk : concat(this.#carry, chunk);
    this.#carry = undefined;
    if (data.indexOf(OPEN_BRACKET) === -1) {
      emit(data);
      return;
    }
    let start = 0;
    for (let i = data.indexOf(OPEN_BRACKET); i !== -1 && i + MARKER.length <= data.length; ) {
      if (markerPrefixLength(data, i) === MARKER.length) {
        if (i > start) emit(data.subarray(start, i));
        emit(ESCAPED.slice()); // a fresh copy: consumers may take ownership of chunks
        start = i + MARKER.length;
        i = data.indexOf(OPEN_BRACKET, start);
      } else {
        i = data.indexOf(OPEN_BRACKET, i + 1);
      }
    }
    const end = partialMarkerStart(data, start);
    if (end > start) emit(data.subarray(start, end));
    if (end < data.length) this.#carry = data.slice(end);
  }

  flush(emit: (piece: Uint8Array) => void): void {
    if (this.#carry !== undefined) emit(this.#carry);
    this.#carry = undefined;
  }
}

/** The escaping as a web `TransformStream` (for bodies that are WHATWG streams). */
export function escapeStreamTerminator(): TransformStream<Uint8Array, Uint8Array> {
  const escaper = new TerminatorEscaper();
  return new TransformStream<Uint8Array, Uint8Array>({
    transform: (chunk, controller) => escaper.push(chunk, (piece) => controller.enqueue(piece)),
    flush: (controller) => escaper.flush((piece) => controller.enqueue(piece)),
  });
}

/** The escaping over an async iterable of chunks (the fast transport's bodies: no web streams). */
export async function* escapeTerminatorInChunks(
  source: AsyncIterable<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  const escaper = new TerminatorEscaper();
  const out: Uint8Array[] = [];
  const emit = (piece: Uint8Array) => {
    out.push(piece);
  };
  for await (const chunk of source) {
    escaper.push(chunk, emit);
    if (out.length > 0) yield out.length === 1 ? out.pop()! : Buffer.concat(out.splice(0));
  }
  escaper.flush(emit);
  if (out.length > 0) yield Buffer.concat(out.splice(0));
}

/** How many bytes of the marker match at `at` (stopping at the end of `data`). */
function markerPrefixLength(data: Uint8Array, at: number): number {
  let n = 0;
  while (n < MARKER.length && at + n < data.length && data[at + n] === MARKER[n]) n++;
  return n;
}

/** Where a trailing, incomplete marker begins, or `data.length` when the data ends otherwise. */
function partialMarkerStart(data: Uint8Array, from: number): number {
  for (let k = Math.max(from, data.length - (MARKER.length - 1)); k < data.length; k++) {
    if (markerPrefixLength(data, k) === data.length - k) return k;
  }
  return data.length;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
