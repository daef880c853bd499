import type { RouterStream } from '../../index.js';
import { EventReader } from './event-reader.js';
import { resolveSSEOptions, type SSEOptions } from './options.js';
import { errorHeaders, report } from './report.js';
import { sseEncoderFor } from './sse-encoder.js';

/**
 * Answers a router stream as a web `Response` of server-sent events, for servers built on the
 * Fetch API: Hono, Next.js route handlers, Bun, Deno, Cloudflare-style handlers.
 *
 * Resolves after the router's first event, so the status can tell how the call went (the
 * gateway's rule): a call that fails before any content gets a plain JSON error answer with its
 * status (429 with `retry-after`, 502, 503, 504, …: see {@link errorAnswerFor}); once content
 * has flowed, the status is 200 and a failure ends the stream with a final error event
 * (OpenAI: `data: {"error": …}` and no `[DONE]`; UI message stream: an `error` part).
 *
 * The body is pull-based: the next router event is read only when the server asks for more
 * bytes, so a slow client holds the stream back. When the server cancels the body (the client
 * left) or `options.signal` aborts, the router call is cancelled (its attempt aborted).
 *
 * Bad options are a `config` error, thrown at once (and the stream is cancelled).
 *
 * @example
 * ```ts
 * // Next.js app/api/chat/route.ts (Hono: `app.post('/chat', (c) => toSSEResponse(…, { signal: c.req.raw.signal }))`)
 * export async function POST(req: Request): Promise<Response> {
 *   const { messages } = await req.json();
 *   return toSSEResponse(router.stream({ model: 'chat', messages }), { signal: req.signal });
 * }
 * ```
 */
export function toSSEResponse(stream: RouterStream, options?: SSEOptions): Promise<Response> {
  const reader = new EventReader(stream);
  let o: ReturnType<typeof resolveSSEOptions>;
  try {
    o = resolveSSEOptions(options, 'toSSEResponse');
  } catch (error) {
    reader.cancel();
    throw error;
  }
  return respond(reader, o);
}

async function respond(reader: EventReader, o: ReturnType<typeof resolveSSEOptions>): Promise<Response> {
  const sse = sseEncoderFor(o);
  const signal = o.signal;
  let closeBody: (() => void) | undefined;
  const onAbort = () => {
    reader.cancel();
    closeBody?.();
  };
  const detach = () => signal?.removeEventListener('abort', onAbort);
  if (signal?.aborted) reader.cancel();
  else signal?.addEventListener('abort', onAbort, { once: true });

  let first: IteratorResult<unknown>;
  let text: string;
  try {
    const result = await reader.next();
    first = result;
    text = result.done ? '' : sse.event(result.value);
  } catch (error) {
    detach();
    if (!reader.cancelled) report(o.onError, error);
    reader.cancel(); // when an encoder hook threw, the call is still running
    const answer = sse.errorAnswer(error);
    return new Response(JSON.stringify(answer.body), {
      status: answer.status,
      headers: errorHeaders(answer, o.headers),
    });
  }
  if (first.done && reader.cancelled) {
    // The client left before the first event: nobody reads this answer.
    detach();
    return new Response(null, { status: 499, headers: o.headers });
  }

  const bytes = new TextEncoder();
  let ended = first.done === true; // an empty stream: just the end
  if (ended) text += sse.end();
  let closed = false;
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        closeBody = () => {
          if (closed) return;
          closed = true;
          detach();
          controller.close();
        };
      },
      async pull(controller) {
        try {
          while (text === '' && !ended) {
            const next = await reader.next();
            if (closed) return;
            if (next.done) {
              ended = true;
              if (!reader.cancelled) text = sse.end();
            } else {
              text = sse.event(next.value);
            }
          }
          if (text !== '') controller.enqueue(bytes.encode(text));
          text = '';
          if (ended) closeBody?.();
        } catch (error) {
          if (closed || reader.cancelled) return;
          report(o.onError, error);
          reader.cancel(); // a failed encoder hook: stop the call; a failed call: nothing to stop
          controller.enqueue(bytes.encode(sse.error(error)));
          closeBody?.();
        }
      },
      cancel() {
        closed = true;
        detach();
        reader.cancel();
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(body, { status: 200, headers: sse.headers });
}
