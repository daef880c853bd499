import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  AbortLatch,
  type AbortSignalLike,
  type CompletionRequest,
  isSwitchyardError,
  type Router,
  SwitchyardError,
  type Usage,
} from '../../index.js';
import { type MessagesRequest, messagesRequestFromAnthropic } from './anthropic-request.js';
import { anthropicErrorBody, messageFromResponse, sendAnthropicError } from './anthropic-response.js';
import { AnthropicStreamEncoder } from './anthropic-stream.js';
import type { Principal } from './auth.js';
import { routerRequest, SHUTDOWN_CODE } from './chat.js';
import { authFailure, modelNotAllowed } from './enforce.js';
import { answerForError, type ErrorAnswer, errorAnswer } from './errors.js';
import { readHints } from './hints.js';
import { sendJson, write } from './http-io.js';
import { readJsonBody } from './json-body.js';
import { tokenEstimate } from './limits.js';
import type { ResolvedGatewayOptions } from './options.js';

/** What the Messages route needs of the gateway's handler. */
export interface MessagesContext {
  readonly options: ResolvedGatewayOptions;
  /** The router serving new calls now, and the model names it knows. */
  readonly current: () => { readonly router: Router; readonly known: ReadonlySet<string> };
  /** Registers a call in flight (graceful shutdown); the returned function unregisters it. */
  readonly track: (controller: AbortLatch) => () => void;
  /** Headers every answer carries (e.g. `connection: close` while shutting down). */
  readonly headers: () => Record<string, string>;
}

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
};

// Unique, not secret: a random per-process prefix and a counter.
const ID_PREFIX = `msg_${randomBytes(9).toString('base64url')}`;
let idCounter = 0;

function messageId(options: ResolvedGatewayOptions): string {
  const id = options.generateId?.();
  return id === undefined ? `${ID_PREFIX}${(++idCounter).toString(36)}` : `msg_${id}`;
}

function failure(ctx: MessagesContext, signal: AbortSignalLike, error: unknown): ErrorAnswer {
  const reason: unknown = signal.aborted ? signal.reason : undefined;
  if (isSwitchyardError(reason) && reason.code === SHUTDOWN_CODE) {
    return errorAnswer(503, reason.message, 'service_unavailable', SHUTDOWN_CODE, null, 1);
  }
  const answer = answerForError(error, ctx.options.clock.now());
  if (answer.status >= 500 && answer.status !== 502 && answer.status !== 503 && answer.status !== 504) {
    ctx.options.onError(error);
  }
  return answer;
}

async function complete(
  ctx: MessagesContext,
  res: ServerResponse,
  router: Router,
  call: CompletionRequest,
  model: string,
  signal: AbortSignalLike,
): Promise<Usage | undefined> {
  try {
    const response = await router.complete(call);
    sendJson(res, 200, messageFromResponse(response, messageId(ctx.options), model), {
      ...ctx.headers(),
      'x-switchyard-request-id': response.requestId,
    });
    return response.usage;
  } catch (error) {
    sendAnthropicError(res, failure(ctx, signal, error), ctx.headers());
    return undefined;
  }
}

/**
 * A streamed call: the status is decided by the first event (a call that fails before any content
 * gets a normal error answer: 429, 502, …); after that, a failure is an `error` event.
 */
async function stream(
  ctx: MessagesContext,
  res: ServerResponse,
  router: Router,
  call: CompletionRequest,
  model: string,
  signal: AbortSignalLike,
): Promise<Usage | undefined> {
  const iterator = router.stream(call)[Symbol.asyncIterator]();
  let next: Awaited<ReturnType<typeof iterator.next>>;
  let usage: Usage | undefined;
  try {
    next = await iterator.next();
  } catch (error) {
    sendAnthropicError(res, failure(ctx, signal, error), ctx.headers());
    return undefined;
  }
  if (res.destroyed) {
    await iterator.return?.();
    return undefined;
  }
  res.writeHead(200, { ...SSE_HEADERS, ...ctx.headers() });
  const encoder = new AnthropicStreamEncoder(messageId(ctx.options), model);
  try {
    while (!next.done) {
      if (next.value.type === 'finish') usage = next.value.usage;
      const text = encoder.encode(next.value);
      if (text !== '') {
        const full = write(res, text);
        if (full !== undefined) await full;
      }
      if (res.destroyed) {
        await iterator.return?.();
        return usage;
      }
      next = await iterator.next();
    }
    if (!res.destroyed) res.end();
  } catch (error) {
    if (!res.destroyed) res.end(encoder.error(anthropicErrorBody(failure(ctx, signal, error))));
  }
  return usage;
}

/**
 * `POST /v1/messages`: Anthropic's Messages API over the router, after the gateway's
 * authentication (the caller is `principal`), with the same model allow-list, per-principal
 * limits, routing hints, disconnect and shutdown handling as `/v1/chat/completions`. Errors are
 * Anthropic's error JSON with the matching status.
 */
export async function serveMessages(
  req: IncomingMessage,
  res: ServerResponse,
  principal: Principal | undefined,
  ctx: MessagesContext,
): Promise<void> {
  const { options } = ctx;
  const body = await readJsonBody(req, options.maxBodyBytes);
  if (!body.ok) {
    sendAnthropicError(
      res,
      body.answer,
      body.close ? { ...ctx.headers(), connection: 'close' } : ctx.headers(),
    );
    return;
  }
  let messages: MessagesRequest;
  let hints: ReturnType<typeof readHints>;
  try {
    messages = messagesRequestFromAnthropic(body.value);
    hints = readHints(req.headers, options.strategies, options.maxCallTimeoutMs);
  } catch (error) {
    sendAnthropicError(res, answerForError(error, options.clock.now()), ctx.headers());
    return;
  }
  const model = messages.request.model;
  if (principal?.allowedModels !== undefined && !principal.allowedModels.includes(model)) {
    authFailure(options, req, 'model_not_allowed', 403, principal);
    sendAnthropicError(res, modelNotAllowed(), ctx.headers());
    return;
  }
  let settle: ((usage: Usage | undefined) => void) | undefined;
  if (options.limiter.limited(principal)) {
    const admission = await options.limiter.admit(principal, tokenEstimate(messages.request));
    for (const [name, value] of Object.entries(admission.headers)) res.setHeader(name, value);
    if (!admission.admitted) {
      authFailure(options, req, 'rate_limited', 429, principal);
      sendAnthropicError(res, admission.answer, ctx.headers());
      return;
    }
    settle = admission.settle;
  }
  // One router for the whole call, taken with no await before `track` (see the chat route).
  const { router, known } = ctx.current();
  if (!known.has(model)) {
    settle?.(undefined);
    sendAnthropicError(
      res,
      errorAnswer(
        404,
        'The model does not exist or you do not have access to it; GET /v1/models lists the models.',
        'invalid_request_error',
        'model_not_found',
        'model',
      ),
      ctx.headers(),
    );
    return;
  }
  const controller = new AbortLatch();
  const untrack = ctx.track(controller);
  const onClose = () => {
    if (!res.writableFinished) {
      controller.abort(new SwitchyardError('aborted', 'the client closed the connection before the answer'));
    }
  };
  res.on('close', onClose);
  try {
    let call = routerRequest(
      { request: messages.request, stream: messages.stream, includeUsage: false },
      hints,
      principal,
      controller,
    );
    if (messages.userId !== undefined) {
      call = { ...call, metadata: { ...call.metadata, endUser: messages.userId } };
    }
    const usage = await (messages.stream
      ? stream(ctx, res, router, call, model, controller)
      : complete(ctx, res, router, call, model, controller));
    settle?.(usage);
  } finally {
    res.off('close', onClose);
    untrack();
  }
}
