import { isSwitchyardError, SwitchyardError } from '../errors/switchyard-error.js';
import type { AttemptContext, Middleware } from '../types/middleware.js';
import type { AdapterRequest } from '../types/request.js';
import type { AdapterResponse } from '../types/response.js';
import type { AdapterStreamPart } from '../types/stream.js';
import { userCodeError } from './strategy-hooks.js';

/** A middleware hook threw something other than a `SwitchyardError`: a `config` error naming it. */
export function middlewareError(middleware: Middleware, hook: string, thrown: unknown): SwitchyardError {
  return isSwitchyardError(thrown) ? thrown : userCodeError(`middleware '${middleware.name}'`, hook, thrown);
}

/** Runs `hook` of `middleware`, turning a synchronous throw into a rejected promise of a typed error. */
export function callHook<T>(middleware: Middleware, hook: string, run: () => T | Promise<T>): Promise<T> {
  let result: T | Promise<T>;
  try {
    result = run();
  } catch (thrown) {
    return Promise.reject(middlewareError(middleware, hook, thrown));
  }
  return Promise.resolve(result).then(undefined, (thrown: unknown) => {
    throw middlewareError(middleware, hook, thrown);
  });
}

/**
 * Which middleware a non-`SwitchyardError` rejection of an attempt chain came from: each hook's
 * promise reports its own rejection on a side branch (no extra step on the call's path), and
 * the first hook to reject with a value is the one that threw it (outer hooks that pass it on
 * come later).
 */
export class ChainBlame {
  #culprits: Map<unknown, Middleware> | undefined;

  /** Watches `promise`, the result of `middleware`'s hook. */
  watch<T>(middleware: Middleware, promise: Promise<T>): Promise<T> {
    promise.then(undefined, (thrown: unknown) => {
      if (isSwitchyardError(thrown)) return;
      this.#culprits ??= new Map();
      if (!this.#culprits.has(thrown)) this.#culprits.set(thrown, middleware);
    });
    return promise;
  }

  /** `thrown` as the `config` error naming the hook that threw it, when a hook did. */
  typed(thrown: unknown, hook: string): unknown {
    const culprit = isSwitchyardError(thrown) ? undefined : this.#culprits?.get(thrown);
    return culprit === undefined ? thrown : middlewareError(culprit, hook, thrown);
  }
}

/**
 * Runs an attempt through the `wrapAttempt` hooks of `chain` (outermost first) down to
 * `terminal`, the adapter call, which rejects only with `SwitchyardError`s. A non-typed error
 * that comes out is a hook's own: `blame.typed(error, 'wrapAttempt')` names it.
 */
export function runAttemptChain(
  chain: readonly Middleware[],
  ctx: AttemptContext,
  terminal: (request: AdapterRequest) => Promise<AdapterResponse>,
  blame: ChainBlame,
): Promise<AdapterResponse> {
  return attemptFrom(chain, 0, ctx, ctx.adapterRequest, terminal, blame);
}

/**
 * The chain from hook `i` down, with `request`. A module-level function rather than a closure
 * made per attempt, which V8 optimizes far better (see docs/decisions/0008-middleware-costs.md).
 */
function attemptFrom(
  chain: readonly Middleware[],
  i: number,
  ctx: AttemptContext,
  request: AdapterRequest,
  terminal: (request: AdapterRequest) => Promise<AdapterResponse>,
  blame: ChainBlame,
): Promise<AdapterResponse> {
  if (i === chain.length) return terminal(request);
  const mw = chain[i]!;
  let inner: Promise<AdapterResponse> | undefined;
  let result: Promise<AdapterResponse>;
  try {
    result = mw.wrapAttempt!(ctx, (next?: AdapterRequest) => {
      inner = attemptFrom(chain, i + 1, ctx, next ?? request, terminal, blame);
      return inner;
    });
  } catch (thrown) {
    return Promise.reject(middlewareError(mw, 'wrapAttempt', thrown));
  }
  // A hook that hands back what `next` returned adds nothing that could throw: no need to watch it.
  if (result === inner) return result;
  return blame.watch(mw, result instanceof Promise ? result : Promise.resolve(result));
}

/**
 * Runs a streamed attempt through the `wrapAttemptStream` hooks of `chain` down to `terminal`.
 * Each hook's `next` may be called once; any non-`SwitchyardError` a hook's iterable throws is
 * that hook's own.
 */
export function runAttemptStreamChain(
  chain: readonly Middleware[],
  ctx: AttemptContext,
  terminal: (request: AdapterRequest) => AsyncIterable<AdapterStreamPart>,
): AsyncIterable<AdapterStreamPart> {
  return attemptStreamFrom(chain, 0, ctx, ctx.adapterRequest, terminal);
}

/** The streamed attempt chain from hook `i` down (a module-level function, as {@link attemptFrom}). */
function attemptStreamFrom(
  chain: readonly Middleware[],
  i: number,
  ctx: AttemptContext,
  request: AdapterRequest,
  terminal: (request: AdapterRequest) => AsyncIterable<AdapterStreamPart>,
): AsyncIterable<AdapterStreamPart> {
  if (i === chain.length) return startedNow(terminal(request));
  const mw = chain[i]!;
  let inner: AsyncIterable<AdapterStreamPart> | undefined;
  const next = (override?: AdapterRequest) => {
    if (inner !== undefined) throw onceOnly(mw, 'wrapAttemptStream');
    inner = attemptStreamFrom(chain, i + 1, ctx, override ?? request, terminal);
    return inner;
  };
  return callStreamHook(
    mw,
    'wrapAttemptStream',
    () => mw.wrapAttemptStream!(ctx, next),
    () => inner,
  );
}

/**
 * `source` with its first `next()` already called, here and now: the adapter starts its request
 * inside the async context of the hook that called `next` (an AsyncLocalStorage value or span
 * set there is seen by the adapter's fetch), not in the context of whoever reads the parts.
 */
function startedNow<T>(source: AsyncIterable<T>): AsyncIterable<T> {
  const iterator = source[Symbol.asyncIterator]();
  let first: Promise<IteratorResult<T>> | undefined = iterator.next();
  first.catch(() => {}); // read by the first next() below
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => {
        const pending = first;
        first = undefined;
        return pending ?? iterator.next();
      },
      return: (value?: unknown) =>
        iterator.return?.(value) ?? Promise.resolve({ done: true as const, value: value as T }),
    }),
  };
}

/** The error for a stream hook that called `next` twice (it would duplicate output). */
export function onceOnly(middleware: Middleware, hook: string): SwitchyardError {
  return new SwitchyardError(
    'config',
    `middleware '${middleware.name}' called next() twice in ${hook}: a stream is never started again`,
    { retryable: false },
  );
}

/**
 * Calls a stream hook now and returns what the caller reads: the hook's iterable with whatever
 * its iteration throws typed as that hook's error, or the hook's result itself when it is what
 * `next` returned (`passedOn()`): nothing of the hook's own can fail then, and the stream costs
 * no extra step per part. A synchronous throw of the hook is typed and thrown here.
 */
export function callStreamHook<T>(
  middleware: Middleware,
  hook: string,
  run: () => AsyncIterable<T>,
  passedOn: () => AsyncIterable<T> | undefined,
): AsyncIterable<T> {
  let source: AsyncIterable<T>;
  try {
    source = run();
  } catch (thrown) {
    throw middlewareError(middleware, hook, thrown);
  }
  if (source === passedOn()) return source;
  return {
    async *[Symbol.asyncIterator]() {
      try {
        yield* source;
      } catch (thrown) {
        throw middlewareError(middleware, hook, thrown);
      }
    },
  };
}
