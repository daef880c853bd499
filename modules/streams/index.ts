/**
 * `switchyard-llm/streams`: answer a router stream from a web server. `toSSEResponse` makes a
 * web `Response` (Hono, Next.js route handlers, Bun, Deno); `pipeToNodeResponse` writes to a
 * `node:http` response (Express, Fastify, node:http). Both send OpenAI-style chunk events or the
 * AI SDK's UI message stream, with back-pressure, client disconnect → the router call is
 * cancelled, a status that says how the call went when it fails before any content, and a final
 * error event when it fails after. No dependency: the web helpers use only the Fetch API.
 *
 * @example
 * ```ts
 * import { pipeToNodeResponse, toSSEResponse } from 'switchyard-llm/streams';
 * // Hono / Next.js / Bun / Deno:
 * return toSSEResponse(router.stream(request), { format: 'ui-message', signal: req.signal });
 * // Express / Fastify (reply.hijack(); reply.raw) / node:http:
 * await pipeToNodeResponse(router.stream(request), res, { model: 'chat' });
 * ```
 */
export {
  type ErrorAnswer,
  errorAnswer,
  errorAnswerFor,
  GENERIC_ERROR_MESSAGE,
  type OpenAIErrorBody,
} from './error-answer.js';
export { EventReader } from './event-reader.js';
export { pipeToNodeResponse } from './node-response.js';
export { writeWithBackpressure } from './node-write.js';
export {
  ChunkEncoder,
  type ChunkEncoderOptions,
  type OpenAIChatChunk,
  type OpenAIToolCallDelta,
} from './openai-chunks.js';
export { type OpenAIFinishReason, type OpenAIUsage, openAIFinishReason, openAIUsage } from './openai-wire.js';
export { SSE_FORMATS, type SSEFormat, type SSEOptions } from './options.js';
export {
  createSSEEncoder,
  OPENAI_SSE_HEADERS,
  SSE_DONE,
  type SSEEncoder,
  UI_MESSAGE_SSE_HEADERS,
} from './sse-encoder.js';
export {
  UIMessageEncoder,
  type UIMessageEncoderOptions,
  type UIMessageStreamPart,
} from './ui-message.js';
export { toSSEResponse } from './web-response.js';
