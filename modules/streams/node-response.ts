import type { ServerResponse } from 'node:http';
import type { RouterStream } from '../../index.js';
import { EventReader } from './event-reader.js';
import { writeWithBackpressure } from './node-write.js';
import { type ResolvedSSEOptions, resolveSSEOptions, type SSEOptions } from './options.js';
import { errorHeaders, report } from './report.js';
import { sseEncoderFor } from './sse-encoder.js';

/**
 * Writes a router stream as server-sent events to a `node:http` response: Express's `res`,
 * Fastify's `reply.raw` (call `reply.hijack()` first), or a plain `node:http` handler's.
 *
 * The same rules as {@link toSSEResponse}: the status waits for the router's first event (a call
 * that fails before any content gets a JSON error answer with its status and `retry-after`;
 * after content, a final error event). Writes respect back-pressure (when `res.write` returns
 * false, the next event is read only after `drain`), and a response that closes before the end
 * (the client left) cancels the router call at once, even while waiting for a token.
 *
 * The promise resolves when the answer is written, or when the client left; it never rejects
 * (the call's failure goes to the error event and `options.onError`). Bad options are a
 * `config` error, thrown at once (and the stream is cancelled).
 *
 * @example
 * ```ts
 * app.post('/chat', async (req, res) => {
 *   await pipeToNodeResponse(router.stream({ model: 'chat', messages: req.body.messages }), res);
 * });
 * ```
 */
export function pipeToNodeResponse(
  stream: RouterStream,
  res: ServerResponse,
  options?: SSEOptions,
): Promise<void> {
  const reader = new EventReader(stream);
  let o: ResolvedSSEOptions;
  try {
    o = resolveSSEOptions(options, 'pipeToNodeResponse');
  } catch (error) {
    reader.cancel();
    throw error;
  }
  return pipe(reader, res, o);
}

async function pipe(reader: EventReader, res: ServerResponse, o: ResolvedSSEOptions): Promise<void> {
  const sse = sseEncoderFor(o);
  const gone = () => reader.cancel();
  res.on('close', gone);
  o.signal?.addEventListener('abort', gone, { once: true });
  if (res.destroyed || o.signal?.aborted) gone();
  try {
    await write(reader, res, o, sse);
  } catch (error) {
    // Only a throwing write can get here (the call's errors are answered in write).
    report(o.onError, error);
    reader.cancel();
    if (!res.destroyed) res.destroy();
  } finally {
    res.off('close', gone);
    o.signal?.removeEventListener('abort', gone);
  }
}

async function write(
  reader: EventReader,
  res: ServerResponse,
  o: ResolvedSSEOptions,
  sse: ReturnType<typeof sseEncoderFor>,
): Promise<void> {
  let next: IteratorResult<Parameters<typeof sse.event>[0]>;
  let text: string;
  try {
    next = await reader.next();
    text = next.done ? '' : sse.event(next.value);
  } catch (error) {
    if (reader.cancelled) return;
    report(o.onError, error);
    reader.cancel(); // when an encoder hook threw, the call is still running
    if (res.headersSent) {
      if (!res.destroyed) res.end(sse.error(error));
      return;
    }
    const answer = sse.errorAnswer(error);
    const body = JSON.stringify(answer.body);
    res.writeHead(answer.status, {
      ...errorHeaders(answer, o.headers),
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
    return;
  }
  if (reader.cancelled || res.destroyed) return;
  if (!res.headersSent) res.writeHead(200, sse.headers);
  try {
    while (!next.done) {
      if (text !== '') {
        const full = writeWithBackpressure(res, text);
        if (full !== undefined) await full; // wait for drain only when the buffer is full
      }
      if (reader.cancelled || res.destroyed) return;
      next = await reader.next();
      if (reader.cancelled) return;
      text = next.done ? '' : sse.event(next.value);
    }
    if (!res.destroyed) res.end(sse.end());
  } catch (error) {
    if (reader.cancelled || res.destroyed) return;
    report(o.onError, error);
    reader.cancel();
    res.end(sse.error(error));
  }
}
