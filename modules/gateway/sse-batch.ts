/**
 * The server-sent events of one streamed answer, written at most once per event-loop turn.
 * A provider's events usually arrive several to a socket read, and the router hands them on in
 * the same turn: joined, they leave in one `res.write` (one chunk of the chunked encoding, one
 * syscall) instead of one write — three buffers of the chunked encoding — per event.
 */
import type { ServerResponse } from 'node:http';

/** Text queued past this is written at once (a long burst does not wait for the turn's end). */
const MAX_QUEUED = 64 * 1024;

/** The frames of one SSE response, queued and written per turn, with back-pressure. */
export class SseBatch {
  readonly #res: ServerResponse;
  #text = '';
  #scheduled = false;

  constructor(res: ServerResponse) {
    this.#res = res;
  }

  /**
   * Queues `frame` (written at the end of this turn). Returns a promise that settles on `drain`
   * (or `close`) when the socket's buffer is full, so that the producer waits; else `undefined`.
   */
  add(frame: string): Promise<void> | undefined {
    this.#text += frame;
    if (this.#text.length >= MAX_QUEUED) this.flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(flushBatch, this);
    }
    return this.#res.writableNeedDrain && !this.#res.destroyed ? drained(this.#res) : undefined;
  }

  /** Writes what is queued now. */
  flush(): void {
    this.#scheduled = false;
    const text = this.#text;
    if (text === '') return;
    this.#text = '';
    if (!this.#res.destroyed) this.#res.write(text);
  }

  /** Ends the response with the queued frames and `last`. */
  end(last: string): void {
    const text = this.#text + last;
    this.#text = '';
    if (!this.#res.destroyed) this.#res.end(text);
  }
}

function flushBatch(batch: SseBatch): void {
  batch.flush();
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
