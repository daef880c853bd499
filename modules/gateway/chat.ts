import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import {
  type AbortSignalLike,
  type CompletionRequest,
  isSwitchyardError,
  type Router,
  type StreamEvent,
  type Usage,
} from '../../index.js';
import { ChunkEncoder } from '../streams/index.js';
import type { Principal } from './auth.js';
import { answerForError, type ErrorAnswer, errorAnswer } from './errors.js';
import type { RoutingHints } from './hints.js';
import { sendError, sendJson } from './http-io.js';
import type { ChatRequest } from './openai-request.js';
import { chatCompletionToOpenAI } from './openai-response.js';
import type { ResolvedGatewayOptions } from './options.js';
import { SseBatch } from './sse-batch.js';

/** What the chat route needs of the gateway around it. */
export interface CallContext {
  readonly router: Router;
  readonly options: ResolvedGatewayOptions;
  /** Aborted when the client leaves or the shutdown grace period ends. */
  readonly signal: AbortSignalLike;
  /** Headers every answer of this request carries (e.g. `connection: close` while shutting down). */
  readonly headers: () => Record<string, string>;
}

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
};

// Ids need to be unique, not secret: a random per-process prefix and a counter (a random id per
// request cost ~6% of the gateway's CPU under load).
const ID_PREFIX = `chatcmpl-${randomBytes(9).toString('base64url')}`;
let idCounter = 0;

function completionId(options: ResolvedGatewayOptions): string {
  return options.generateId?.() ?? `${ID_PREFIX}${(++idCounter).toString(36)}`;
}

function principalMetadata(principal: Principal): Record<string, string> {
  const metadata: Record<string, string> = { principal: principal.id };
  if (principal.user !== undefined) metadata.user = principal.user;
  if (principal.key !== undefined) metadata.key = principal.key;
  if (principal.team !== undefined) metadata.team = principal.team;
  return metadata;
}

/** The router request: the mapped body plus the routing hints, the principal and the signal. */
export function routerRequest(
  chat: ChatRequest,
  hints: RoutingHints,
  principal: Principal | undefined,
  signal: AbortSignalLike,
): CompletionRequest {
  // A copy, then fields added one by one: no intermediate objects on the common call without
  // hints or principal. Not `{ ...chat.request, signal }`: in V8 11 (Node 20) a spread followed by
  // more properties makes a new hidden class on every call.
  const request: { -readonly [K in keyof CompletionRequest]: CompletionRequest[K] } = Object.assign(
    {},
    chat.request,
  );
  request.signal = signal;
  if (hints.strategy !== undefined) request.strategy = hints.strategy;
  if (hints.timeoutMs !== undefined) request.timeoutMs = hints.timeoutMs;
  const tags = tagsOf(principal?.tags, hints.tags);
  if (tags !== undefined) request.tags = tags;
  if (principal !== undefined) request.metadata = principalMetadata(principal);
  return request;
}

/** The principal's tags then the hints' tags; `undefined` when there are none. */
function tagsOf(
  fromPrincipal: readonly string[] | undefined,
  fromHints: readonly string[] | undefined,
): string[] | undefined {
  const a = fromPrincipal?.length ?? 0;
  const b = fromHints?.length ?? 0;
  if (a + b === 0) return undefined;
  return [...(fromPrincipal ?? []), ...(fromHints ?? [])];
}

/** The `code` of the abort reason the gateway gives calls it cancels at shutdown. */
export const SHUTDOWN_CODE = 'gateway_shutdown';

function failure(ctx: CallContext, error: unknown): ErrorAnswer {
  const reason: unknown = ctx.signal.aborted ? ctx.signal.reason : undefined;
  if (isSwitchyardError(reason) && reason.code === SHUTDOWN_CODE) {
    return errorAnswer(503, reason.message, 'service_unavailable', SHUTDOWN_CODE, null, 1);
  }
  const answer = answerForError(error, ctx.options.clock.now());
  if (answer.status >= 500 && answer.status !== 502 && answer.status !== 503 && answer.status !== 504) {
    ctx.options.onError(error);
  }
  return answer;
}

/** Answers a non-streamed call with a `chat.completion`; resolves to its usage (`undefined` when it failed). */
export async function completeChat(
  ctx: CallContext,
  res: ServerResponse,
  request: CompletionRequest,
): Promise<Usage | undefined> {
  try {
    const response = await ctx.router.complete(request);
    const body = chatCompletionToOpenAI(
      response,
      completionId(ctx.options),
      Math.floor(ctx.options.clock.now() / 1000),
    );
    sendJson(res, 200, body, { ...ctx.headers(), 'x-switchyard-request-id': response.requestId });
    return response.usage;
  } catch (error) {
    sendError(res, failure(ctx, error), ctx.headers());
    return undefined;
  }
}

/**
 * Answers a streamed call with OpenAI's server-sent events: one `data: {chunk}` per chunk, a
 * usage chunk when asked, then `data: [DONE]`. The status is decided by the first event: a call
 * that fails before any content gets a normal error answer (429, 502, …); one that fails after
 * gets a last `data: {"error": …}` event and no `[DONE]` (what OpenAI's SDKs raise as an error).
 * Resolves to the usage of the `finish` event (`undefined` when the stream did not finish).
 */
export async function streamChat(
  ctx: CallContext,
  res: ServerResponse,
  chat: ChatRequest,
  request: CompletionRequest,
): Promise<Usage | undefined> {
  const iterator = ctx.router.stream(request)[Symbol.asyncIterator]();
  let next: IteratorResult<StreamEvent>;
  let usage: Usage | undefined;
  try {
    next = await iterator.next();
  } catch (error) {
    sendError(res, failure(ctx, error), ctx.headers());
    return undefined;
  }
  if (res.destroyed) {
    await iterator.return?.();
    return undefined;
  }
  res.writeHead(200, { ...SSE_HEADERS, ...ctx.headers() });
  const id = completionId(ctx.options);
  const created = Math.floor(ctx.options.clock.now() / 1000);
  const encoder = new ChunkEncoder({
    id,
    created,
    model: chat.request.model,
    includeUsage: chat.includeUsage,
  });
  // A text delta after the first chunk is the same JSON every time but for its text: pre-serialised.
  const [textHead, textTail] = textDeltaFrame(id, created, chat.request.model, chat.includeUsage);
  const batch = new SseBatch(res);
  let started = false;
  try {
    while (!next.done) {
      const event = next.value;
      if (event.type === 'text-delta' && started && event.delta !== '') {
        const full = batch.add(`${textHead}${JSON.stringify(event.delta)}${textTail}`);
        if (full !== undefined) await full; // wait for drain only when the buffer is full
      } else {
        if (event.type === 'finish') usage = event.usage;
        for (const chunk of encoder.encode(event)) {
          started = true;
          const full = batch.add(`data: ${JSON.stringify(chunk)}\n\n`);
          if (full !== undefined) await full;
        }
      }
      if (res.destroyed) {
        await iterator.return?.();
        return usage;
      }
      next = await iterator.next();
    }
    batch.end('data: [DONE]\n\n');
  } catch (error) {
    batch.end(`data: ${JSON.stringify(failure(ctx, error).body)}\n\n`);
  }
  return usage;
}

/**
 * The SSE frame of a text-delta chunk that is not the stream's first, split around the
 * JSON-encoded text: byte for byte what `JSON.stringify` makes of the {@link ChunkEncoder}'s chunk.
 */
export function textDeltaFrame(
  id: string,
  created: number,
  model: string,
  includeUsage: boolean,
): readonly [string, string] {
  return [
    `data: {"id":${JSON.stringify(id)},"object":"chat.completion.chunk","created":${JSON.stringify(created)},"model":${JSON.stringify(model)},"choices":[{"index":0,"delta":{"content":`,
    `},"logprobs":null,"finish_reason":null}]${includeUsage ? ',"usage":null' : ''}}\n\n`,
  ];
}
