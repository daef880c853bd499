import type { StreamEvent } from '../../index.js';
import { type ErrorAnswer, errorAnswerFor } from './error-answer.js';
import { ChunkEncoder } from './openai-chunks.js';
import { type ResolvedSSEOptions, resolveSSEOptions, type SSEFormat, type SSEOptions } from './options.js';
import { UIMessageEncoder } from './ui-message.js';

/** Headers of an OpenAI-style event stream. */
export const OPENAI_SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
};

/**
 * Headers of an AI SDK UI message stream (the `ai` package's `UI_MESSAGE_STREAM_HEADERS` without
 * `connection: keep-alive`, which HTTP/2 forbids and node:http sets by itself).
 */
export const UI_MESSAGE_SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  'x-vercel-ai-ui-message-stream': 'v1',
  'x-accel-buffering': 'no',
};

/** The last event of a stream that ended well (both formats). */
export const SSE_DONE = 'data: [DONE]\n\n';

/**
 * Turns router stream events into server-sent-event text in one format. What
 * {@link toSSEResponse} and {@link pipeToNodeResponse} use; for servers that neither fits (a
 * WebSocket, uWebSockets.js), write its strings yourself.
 */
export interface SSEEncoder {
  /** The format it writes. */
  readonly format: SSEFormat;
  /** Response headers: the format's SSE headers with the caller's on top. */
  readonly headers: Readonly<Record<string, string>>;
  /** The SSE text of one router event (may be empty: an event the format has no part for). */
  event(event: StreamEvent): string;
  /** The SSE text that ends a stream that finished: `data: [DONE]`. */
  end(): string;
  /**
   * The SSE text that ends a stream that failed after it began: OpenAI's `data: {"error": …}`
   * without `[DONE]` (what OpenAI's SDKs raise as an error), or the UI stream's `error` part
   * then `[DONE]` (as the AI SDK ends a failed stream).
   */
  error(error: unknown): string;
  /** The HTTP answer (status, OpenAI-style JSON body, `retry-after`) to a call that failed before its first event. */
  errorAnswer(error: unknown): ErrorAnswer;
}

const frame = (value: unknown): string => `data: ${JSON.stringify(value)}\n\n`;

function newId(): string {
  return `chatcmpl-${globalThis.crypto.randomUUID().replaceAll('-', '')}`;
}

/** An {@link SSEEncoder} for resolved options (one per stream: encoders keep state). */
export function sseEncoderFor(o: ResolvedSSEOptions): SSEEncoder {
  const now = () => o.clock.now();
  const answer = (error: unknown): ErrorAnswer => {
    const base = errorAnswerFor(error, now());
    if (o.errorMessage === undefined) return base;
    return { ...base, body: { error: { ...base.body.error, message: o.errorMessage(error) } } };
  };
  if (o.format === 'openai') {
    const chunks = new ChunkEncoder({
      id: o.id ?? newId(),
      created: Math.floor(now() / 1000),
      model: o.model,
      includeUsage: o.includeUsage,
    });
    return {
      format: 'openai',
      headers: { ...OPENAI_SSE_HEADERS, ...o.headers },
      event: (event) => {
        let text = '';
        for (const chunk of chunks.encode(event)) text += frame(chunk);
        return text;
      },
      end: () => SSE_DONE,
      error: (error) => frame(answer(error).body),
      errorAnswer: answer,
    };
  }
  const parts = new UIMessageEncoder({
    ...(o.messageId === undefined ? {} : { messageId: o.messageId }),
    sendReasoning: o.sendReasoning,
    ...(o.messageMetadata === undefined ? {} : { messageMetadata: o.messageMetadata }),
  });
  return {
    format: 'ui-message',
    headers: { ...UI_MESSAGE_SSE_HEADERS, ...o.headers },
    event: (event) => {
      let text = '';
      for (const part of parts.encode(event)) text += frame(part);
      return text;
    },
    end: () => SSE_DONE,
    error: (error) => {
      let text = '';
      for (const part of parts.error(answer(error).body.error.message)) text += frame(part);
      return text + SSE_DONE;
    },
    errorAnswer: answer,
  };
}

/**
 * Makes an {@link SSEEncoder} for one stream. Bad options are a `config` error naming the field.
 *
 * @example
 * ```ts
 * const sse = createSSEEncoder({ format: 'ui-message' });
 * for await (const event of router.stream(request)) socket.send(sse.event(event));
 * socket.send(sse.end());
 * ```
 */
export function createSSEEncoder(options?: SSEOptions): SSEEncoder {
  return sseEncoderFor(resolveSSEOptions(options, 'createSSEEncoder'));
}
