/**
 * The body of a {@link TransportResponse}: bytes read through async iteration, which is how the
 * `openai`, `@anthropic-ai/sdk` and `cohere-ai` SDKs read a body that offers
 * `Symbol.asyncIterator`. That path builds no web streams. The WHATWG `ReadableStream` methods
 * are there too, for code that wants them: the first call converts the body once (slower).
 */

/** Where the bytes come from: an iterator whose `return()` hangs up the connection. */
export type BodySource = AsyncIterable<Uint8Array>;

/** A response body: async-iterable bytes, with the WHATWG `ReadableStream` methods on demand. */
export class ResponseBody implements AsyncIterable<Uint8Array> {
  readonly #source: BodySource;
  #web: ReadableStream<Uint8Array> | undefined;
  /** Set by every method that reads or cancels the body. */
  #disturbed = false;

  constructor(source: BodySource) {
    this.#source = source;
  }

  /** The bytes as they arrive. Leaving the loop early (`break`, an exception) closes the connection. */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    this.#disturbed = true;
    if (this.#web) return (this.#web as unknown as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
    return this.#source[Symbol.asyncIterator]();
  }

  /** Whether the body was read (iterated, converted to a reader or cancelled). */
  get used(): boolean {
    return this.#disturbed;
  }

  /** Like `ReadableStream.locked`. */
  get locked(): boolean {
    return this.#web?.locked ?? false;
  }

  /** Stops reading and closes the connection. */
  async cancel(reason?: unknown): Promise<void> {
    this.#disturbed = true;
    if (this.#web) return this.#web.cancel(reason);
    await this.#source[Symbol.asyncIterator]().return?.();
  }

  /** Like `ReadableStream.getReader()` (converts the body to a web stream). */
  getReader(): ReadableStreamDefaultReader<Uint8Array> {
    this.#disturbed = true;
    return this.toWeb().getReader();
  }

  /** Like `ReadableStream.pipeThrough()` (converts the body to a web stream). */
  pipeThrough<T>(
    transform: ReadableWritablePair<T, Uint8Array>,
    options?: StreamPipeOptions,
  ): ReadableStream<T> {
    this.#disturbed = true;
    return this.toWeb().pipeThrough(transform, options);
  }

  /** Like `ReadableStream.pipeTo()` (converts the body to a web stream). */
  pipeTo(destination: WritableStream<Uint8Array>, options?: StreamPipeOptions): Promise<void> {
    this.#disturbed = true;
    return this.toWeb().pipeTo(destination, options);
  }

  /** Like `ReadableStream.tee()` (converts the body to a web stream). */
  tee(): [ReadableStream<Uint8Array>, ReadableStream<Uint8Array>] {
    this.#disturbed = true;
    return this.toWeb().tee();
  }

  /** The body as a WHATWG `ReadableStream` (made once; iterate the body instead when you can). */
  toWeb(): ReadableStream<Uint8Array> {
    if (this.#web === undefined) {
      const iterator = this.#source[Symbol.asyncIterator]();
      this.#web = new ReadableStream<Uint8Array>(
        {
          async pull(controller) {
            const next = await iterator.next();
            if (next.done) controller.close();
            else controller.enqueue(next.value);
          },
          async cancel() {
            await iterator.return?.();
          },
        },
        { highWaterMark: 0 },
      );
    }
    return this.#web;
  }

  /** All bytes, once. */
  async bytes(): Promise<Uint8Array> {
    const chunks: Uint8Array[] = [];
    for await (const chunk of this) chunks.push(chunk);
    return chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks);
  }
}
