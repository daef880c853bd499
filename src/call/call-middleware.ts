import { SwitchyardError } from '../errors/switchyard-error.js';
import type { RouterStreamController } from '../router-stream.js';
import type { CallContext, Middleware } from '../types/middleware.js';
import type { CompletionRequest } from '../types/request.js';
import type { CompletionResponse } from '../types/response.js';
import type { StreamEvent } from '../types/stream.js';
import type { CallContextImpl } from './contexts.js';
import { callHook, callStreamHook, middlewareError, onceOnly } from './middleware-chain.js';

/** Runs `request` through the `transformRequest` hooks of `chain` (each has one), outermost first. */
export async function transformRequest(
  chain: readonly Middleware[],
  request: CompletionRequest,
  ctx: CallContextImpl,
): Promise<CompletionRequest> {
  let current = request;
  for (const mw of chain) {
    const input = current;
    const before = input === ctx.request ? ctx : ctx.withRequest(input);
    current = await callHook(mw, 'transformRequest', () => mw.transformRequest!(input, before));
    if (typeof current !== 'object' || current === null) {
      throw new SwitchyardError(
        'config',
        `middleware '${mw.name}' returned no request from transformRequest`,
        {
          retryable: false,
        },
      );
    }
  }
  return current;
}

/** Runs a completion call through the `wrapCall` hooks of `chain` (outermost first) down to `inner`. */
export function runCallChain(
  chain: readonly Middleware[],
  ctx: CallContext,
  inner: () => Promise<CompletionResponse>,
): Promise<CompletionResponse> {
  return callFrom(chain, 0, ctx, inner);
}

/**
 * The chain from hook `i` down. A module-level function rather than a closure made per call:
 * V8 optimizes the call path far better this way (a recursive closure per call cost about
 * 0.7 µs per call for one pass-through hook; see docs/decisions/0008-middleware-costs.md).
 */
function callFrom(
  chain: readonly Middleware[],
  i: number,
  ctx: CallContext,
  inner: () => Promise<CompletionResponse>,
): Promise<CompletionResponse> {
  if (i === chain.length) return inner();
  const mw = chain[i]!;
  let passed: Promise<CompletionResponse> | undefined;
  let result: Promise<CompletionResponse>;
  try {
    result = mw.wrapCall!(ctx, () => {
      passed = callFrom(chain, i + 1, ctx, inner);
      return passed;
    });
  } catch (thrown) {
    return Promise.reject(middlewareError(mw, 'wrapCall', thrown));
  }
  // A hook that hands back what `next` returned adds nothing that could throw.
  if (result === passed) return result;
  return Promise.resolve(result).then(undefined, (thrown: unknown) => {
    throw middlewareError(mw, 'wrapCall', thrown);
  });
}

/** The stream chain from hook `i` down (a module-level function, as {@link callFrom}). */
function streamFrom(
  chain: readonly Middleware[],
  i: number,
  ctx: CallContext,
  inner: () => AsyncIterable<StreamEvent>,
): AsyncIterable<StreamEvent> {
  if (i === chain.length) return inner();
  const mw = chain[i]!;
  let passed: AsyncIterable<StreamEvent> | undefined;
  const next = () => {
    if (passed !== undefined) throw onceOnly(mw, 'wrapStream');
    passed = streamFrom(chain, i + 1, ctx, inner);
    return passed;
  };
  return callStreamHook(
    mw,
    'wrapStream',
    () => mw.wrapStream!(ctx, next),
    () => passed,
  );
}

/**
 * Runs a streamed call through the `wrapStream` hooks of `chain` down to `inner` (the router's
 * own stream, started on first call), and pushes what comes out into `sink`. Resolves with the
 * response of the last `finish` event.
 */
export async function pumpStreamChain(
  chain: readonly Middleware[],
  ctx: CallContext,
  inner: () => AsyncIterable<StreamEvent>,
  sink: RouterStreamController,
): Promise<CompletionResponse> {
  let response: CompletionResponse | undefined;
  for await (const event of streamFrom(chain, 0, ctx, inner)) {
    if (event.type === 'finish') response = event.response;
    else sink.push(event);
  }
  if (response === undefined) {
    throw new SwitchyardError(
      'config',
      `the stream middleware (${chain.map((m) => `'${m.name}'`).join(', ')}) ended the stream without a finish event`,
      { retryable: false },
    );
  }
  sink.push({ type: 'finish', finishReason: response.finishReason, usage: response.usage, response });
  return response;
}
