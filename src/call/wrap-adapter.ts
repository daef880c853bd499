import { errorFromAbort } from '../errors/http.js';
import { isSwitchyardError, SwitchyardError } from '../errors/switchyard-error.js';
import type { Adapter, AdapterCallOptions } from '../types/adapter.js';
import type { AttemptContext, Middleware } from '../types/middleware.js';
import type { AdapterRequest } from '../types/request.js';
import type { AdapterResponse } from '../types/response.js';
import type { AdapterStreamPart } from '../types/stream.js';
import type { TargetView } from '../types/target.js';
import { ChainBlame, runAttemptChain, runAttemptStreamChain } from './middleware-chain.js';
import { typedAdapterException } from './upstream-error.js';

let wrappedCalls = 0;

/**
 * An adapter whose calls run through the attempt-level hooks (`wrapAttempt`,
 * `wrapAttemptStream`) of `middleware`, the first outermost — without a router, as the AI SDK's
 * `wrapLanguageModel` does for one model. Call-level hooks (`transformRequest`, `wrapCall`,
 * `wrapStream`) need a router and are refused.
 *
 * @throws {SwitchyardError} `config` when a middleware has a call-level hook or no name.
 * @example
 * ```ts
 * const traced = wrapAdapter(new OpenAIAdapter(), [{ name: 'trace', wrapAttempt: (ctx, next) => als.run(ctx.requestId, next) }]);
 * new Router({ targets: [{ id: 'gpt', adapter: traced, model: 'gpt-4o-mini' }] });
 * ```
 */
export function wrapAdapter(adapter: Adapter, middleware: Middleware | readonly Middleware[]): Adapter {
  const list = Array.isArray(middleware) ? (middleware as readonly Middleware[]) : [middleware as Middleware];
  list.forEach((mw, i) => {
    if (typeof mw?.name !== 'string' || mw.name === '') {
      throw new SwitchyardError('config', `middleware[${i}].name: expected a non-empty string`, {
        retryable: false,
      });
    }
    for (const hook of ['transformRequest', 'wrapCall', 'wrapStream'] as const) {
      if (mw[hook] !== undefined) {
        throw new SwitchyardError(
          'config',
          `middleware '${mw.name}'.${hook}: wrapAdapter runs attempt-level hooks only (wrapAttempt, wrapAttemptStream); register it on a Router`,
          { retryable: false },
        );
      }
    }
  });
  const attempt = list.filter((mw) => mw.wrapAttempt !== undefined);
  const streamed = list.filter((mw) => mw.wrapAttemptStream !== undefined);
  const wrapped: Adapter = {
    provider: adapter.provider,
    capabilities: adapter.capabilities,
    complete(request: AdapterRequest, options: AdapterCallOptions): Promise<AdapterResponse> {
      const blame = new ChainBlame();
      return runAttemptChain(
        attempt,
        contextFor(adapter, request, options, false),
        (req) =>
          Promise.resolve()
            .then(() => adapter.complete(req, options))
            .catch((thrown: unknown) => {
              throw typed(thrown, adapter.provider, options);
            }),
        blame,
      ).catch((thrown: unknown) => {
        throw blame.typed(thrown, 'wrapAttempt');
      });
    },
    stream(request: AdapterRequest, options: AdapterCallOptions): AsyncIterable<AdapterStreamPart> {
      return runAttemptStreamChain(streamed, contextFor(adapter, request, options, true), (req) =>
        typedStream(() => adapter.stream(req, options), adapter.provider, options),
      );
    },
  };
  if (adapter.priceFor) wrapped.priceFor = (model) => adapter.priceFor!(model);
  if (adapter.close) wrapped.close = () => adapter.close!();
  return wrapped;
}

function contextFor(
  adapter: Adapter,
  request: AdapterRequest,
  options: AdapterCallOptions,
  stream: boolean,
): AttemptContext {
  const target: TargetView = {
    id: options.target,
    index: 0,
    model: request.model,
    provider: adapter.provider,
    weight: 1,
    priority: 0,
    inFlight: 0,
    price: adapter.priceFor?.(request.model),
    contextWindow: adapter.capabilities.contextWindow,
    capabilities: adapter.capabilities,
    config: { id: options.target, adapter, model: request.model },
  };
  // The provider options are already resolved for the target: they stay on `adapterRequest`.
  const { model, providerOptions: _resolved, ...settings } = request;
  return {
    requestId: `adapter-${++wrappedCalls}`,
    request: { ...settings, model },
    stream,
    signal: options.signal,
    deadline: options.deadline,
    state: new Map(),
    target,
    attempt: 1,
    adapterRequest: request,
  };
}

function typed(thrown: unknown, provider: string, options: AdapterCallOptions): SwitchyardError {
  if (isSwitchyardError(thrown)) return thrown;
  if (options.signal.aborted) return errorFromAbort(options.signal, options.target);
  return typedAdapterException(thrown, provider, options.target);
}

async function* typedStream(
  open: () => AsyncIterable<AdapterStreamPart>,
  provider: string,
  options: AdapterCallOptions,
): AsyncIterable<AdapterStreamPart> {
  try {
    yield* open();
  } catch (thrown) {
    throw typed(thrown, provider, options);
  }
}
