import { AttemptOptions, adapterRequestFor } from '../adapter-call.js';
import { countsAgainstHealth, fallsBack } from '../errors/error-kind.js';
import { sanitizeError } from '../errors/redact.js';
import { isSwitchyardError, SwitchyardError } from '../errors/switchyard-error.js';
import { costOf } from '../pricing.js';
import type { CallScope } from '../reliability/call-scope.js';
import type { Ejection } from '../reliability/circuit-breaker.js';
import type { TargetRuntime } from '../target-runtime.js';
import type { AdapterCallOptions } from '../types/adapter.js';
import type { AttemptContext } from '../types/middleware.js';
import type { AdapterRequest } from '../types/request.js';
import type { AdapterResponse, CompletionResponse, Warning } from '../types/response.js';
import type { AdapterStreamPart } from '../types/stream.js';
import { textOf, toolCallsOf } from '../util/content.js';
import { ignore, isPromiseLike } from '../util/promise.js';
import { estimateUsage } from '../util/usage.js';
import { checkedResponse } from './adapter-output.js';
import { failedAttemptCost, lostHedgeCost } from './attempt-cost.js';
import type { Call, CallRuntime } from './call.js';
import { attemptFields } from './call-events.js';
import { consumeStream } from './consume-stream.js';
import { type HedgeLane, hedgedFailure } from './hedge-lane.js';
import { ChainBlame, runAttemptChain, runAttemptStreamChain } from './middleware-chain.js';
import { tellFirstToken, tellOutcome } from './strategy-hooks.js';
import type { Claim } from './target-gate.js';
import { settleTokens } from './token-quota.js';
import { adapterError } from './upstream-error.js';

const NO_WARNINGS: readonly Warning[] = Object.freeze([]);

/**
 * Runs one attempt on a claimed target: the adapter call (through the attempt middleware), then
 * the outcome's bookkeeping — target state, strategy, events — and the response. The claim's
 * concurrency slot is released when the adapter's work really ends, which may be after the
 * router gave up on it (an adapter slow to honour its abort signal keeps its slot until then).
 */
export class AttemptRunner {
  readonly #rt: CallRuntime;

  constructor(rt: CallRuntime) {
    this.#rt = rt;
  }

  /**
   * Runs attempt `attempt` of `call` on the claimed target, started at clock time `startedAt`;
   * `lane` when it is one of the attempts of a hedged round (its own scope, and a commit that
   * only the first attempt with content wins).
   */
  async run(
    call: Call,
    claim: Claim,
    attempt: number,
    startedAt: number,
    lane?: HedgeLane,
  ): Promise<CompletionResponse> {
    const rt = this.#rt;
    const target = claim.target;
    const scope = lane === undefined ? call.scope : lane.scope;
    // The claim counted this attempt already.
    const inFlightAtStart = target.inFlight - 1;
    if (rt.events.has('attempt:start')) rt.events.emit('attempt:start', attemptFields(call, target, attempt));
    let result: AdapterResponse;
    let ttftMs: number | undefined;
    let work: Promise<AdapterResponse> | undefined;
    let blame: ChainBlame | undefined;
    try {
      if (scope.aborted) throw scope.reason; // never start an adapter call for a call that ended
      const request = readAdapterRequest(target, call);
      const options = new AttemptOptions(scope, target.id, rt.clock, target.reportRateLimit);
      if (call.sink === undefined) {
        blame = rt.attemptMiddleware.length === 0 ? undefined : new ChainBlame();
        work = this.#complete(call, scope, target, request, options, attempt, blame);
        result = await scope.race(work);
      } else {
        result = await this.#stream(call, scope, lane, claim, request, options, attempt, startedAt, (ms) => {
          ttftMs = ms;
        });
      }
      result = checkedResponse(result, target.provider, target.id);
      // A hedged attempt answers only if no other attempt of its round produced content first.
      if (lane !== undefined && !lane.commit()) throw scope.reason ?? lane.lostError();
    } catch (thrown) {
      const error = toAttemptError(
        blame === undefined ? thrown : blame.typed(thrown, 'wrapAttempt'),
        target,
        scope,
      );
      this.#failed(call, claim, attempt, startedAt, inFlightAtStart, error, lane);
      throw error;
    } finally {
      rt.gate.releaseAfter(claim, work, scope.aborted);
    }
    const now = rt.clock.now();
    const durationMs = now - startedAt;
    const downMs = rt.gate.recordSuccess(claim, now);
    if (isPromiseLike(downMs)) downMs.then((ms) => this.#restored(target, ms), ignore);
    else this.#restored(target, downMs);
    const costUsd = target.price === undefined ? undefined : costOf(result.usage, target.price);
    target.latency?.record(call.stream, call.stream ? (ttftMs ?? durationMs) : durationMs);
    // The outcome record is built only for a strategy that observes outcomes.
    if (call.strategy.observe !== undefined)
      tellOutcome(call.strategy, {
        target,
        request: call.request,
        stream: call.stream,
        ok: true,
        startedAt,
        inFlightAtStart,
        attempt,
        maxAttempts: rt.retry.maxAttempts,
        latencyMs: durationMs,
        ttftMs,
        usage: result.usage,
        costUsd,
      });
    call.attempts.push(
      lane?.hedge === true
        ? { attempt, target: target.id, outcome: 'success', durationMs, hedge: true }
        : { attempt, target: target.id, outcome: 'success', durationMs },
    );
    if (rt.events.has('attempt:success')) {
      rt.events.emit('attempt:success', {
        requestId: call.id,
        stream: call.stream,
        tags: call.request.tags,
        attempt,
        target: target.id,
        model: target.model,
        provider: target.provider,
        durationMs,
        ttftMs,
        usage: result.usage,
        costUsd,
      });
    }
    const response: CompletionResponse = {
      text: textOf(result.content),
      content: result.content,
      toolCalls: toolCallsOf(result.content),
      finishReason: result.finishReason,
      rawFinishReason: result.rawFinishReason,
      usage: result.usage,
      requestId: call.id,
      target: target.id,
      model: result.modelId ?? target.model,
      attempts: call.attempts,
      latencyMs: now - call.startedAt,
      // Hedges that lost are part of what the call cost.
      costUsd: call.hedgeCostUsd === 0 || costUsd === undefined ? costUsd : costUsd + call.hedgeCostUsd,
      responseId: result.responseId,
      warnings: result.warnings ?? NO_WARNINGS,
      providerMetadata: result.providerMetadata,
    };
    if (claim.hold !== undefined) {
      const billed = result.usage.unknown
        ? costOf(estimateUsage(call.request, response), target.price!)
        : costUsd;
      rt.budgets!.settle(claim.hold, billed ?? 0);
    }
    if (claim.tokens !== undefined) {
      const usage = result.usage.unknown ? estimateUsage(call.request, response) : result.usage;
      settleTokens(target, claim.tokens, now, usage);
    }
    call.sink?.push({ type: 'finish', finishReason: response.finishReason, usage: response.usage, response });
    return response;
  }

  /** The adapter's completion, through the `wrapAttempt` middleware. */
  #complete(
    call: Call,
    scope: CallScope,
    target: TargetRuntime,
    request: AdapterRequest,
    options: AdapterCallOptions,
    attempt: number,
    blame: ChainBlame | undefined,
  ): Promise<AdapterResponse> {
    const rt = this.#rt;
    if (blame === undefined) return callAdapter(target, request, options);
    const ctx = attemptContext(call, target, attempt, request);
    return runAttemptChain(
      rt.attemptMiddleware,
      ctx,
      (req) => {
        if (scope.aborted) return Promise.reject(scope.reason);
        return callAdapter(target, req, options).catch((thrown: unknown) => {
          throw adapterError(thrown, target, scope);
        });
      },
      blame,
    );
  }

  #restored(target: TargetRuntime, downMs: number): void {
    if (downMs >= 0 && this.#rt.events.has('target:restored')) {
      this.#rt.events.emit('target:restored', { target: target.id, downMs });
    }
  }

  #ejected(target: TargetRuntime, error: SwitchyardError, ejection: Ejection | undefined): void {
    if (ejection !== undefined && this.#rt.events.has('target:ejected')) {
      this.#rt.events.emit('target:ejected', { target: target.id, errorKind: error.kind, ...ejection });
    }
  }

  /** The adapter's stream (through `wrapAttemptStream` middleware), read into the call's stream. */
  #stream(
    call: Call,
    scope: CallScope,
    lane: HedgeLane | undefined,
    claim: Claim,
    request: AdapterRequest,
    options: AttemptOptions,
    attempt: number,
    startedAt: number,
    onTtft: (ms: number) => void,
  ): Promise<AdapterResponse> {
    const rt = this.#rt;
    const target = claim.target;
    const firstTokenTimeoutMs =
      call.request.firstTokenTimeoutMs ?? target.config.firstTokenTimeoutMs ?? rt.firstTokenTimeoutMs;
    const interTokenTimeoutMs =
      call.request.interTokenTimeoutMs ?? target.config.interTokenTimeoutMs ?? rt.interTokenTimeoutMs;
    // With a stall timeout, the attempt gets a scope of its own (aborted with the call's) so that
    // a stall aborts only it; a child scope, not a linked AbortController, makes no AbortSignal
    // unless the adapter reads `signal`.
    const attemptScope =
      rt.idleTimeoutMs > 0 || firstTokenTimeoutMs > 0 || interTokenTimeoutMs > 0 ? scope.child() : undefined;
    const streamOptions: AdapterCallOptions = attemptScope
      ? new AttemptOptions(attemptScope, options.target, options.clock, options.reportRateLimit)
      : options;
    let source: AsyncIterable<AdapterStreamPart>;
    if (rt.attemptStreamMiddleware.length === 0) {
      source = target.adapter.stream(request, streamOptions);
    } else {
      const ctx = attemptContext(call, target, attempt, request);
      source = runAttemptStreamChain(rt.attemptStreamMiddleware, ctx, (req) =>
        mapErrors(target.adapter.stream(req, streamOptions), target, scope),
      );
    }
    const consumed = consumeStream(source, {
      scope,
      sink: call.sink!,
      clock: rt.clock,
      idleTimeoutMs: rt.idleTimeoutMs,
      firstTokenTimeoutMs,
      interTokenTimeoutMs,
      onStall: attemptScope ? (reason) => attemptScope.abort(reason) : undefined,
      target: target.id,
      provider: target.provider,
      toError: (thrown) => adapterError(thrown, target, scope),
      onClosed: () => rt.gate.release(claim),
      onOpened: () => {
        claim.running = true;
      },
      onFirstContent: (at) => {
        // The stream commits here: a hedged attempt that lost the race sends nothing.
        if (lane !== undefined && !lane.commit()) throw scope.reason ?? lane.lostError();
        const ttftMs = at - startedAt;
        onTtft(ttftMs);
        tellFirstToken(call.strategy, { target, request: call.request, startedAt, ttftMs, attempt });
        if (rt.events.has('stream:first-token')) {
          rt.events.emit('stream:first-token', {
            requestId: call.id,
            stream: true,
            tags: call.request.tags,
            attempt,
            target: target.id,
            ttftMs: at - call.startedAt,
          });
        }
      },
    });
    return attemptScope === undefined ? consumed : consumed.finally(() => attemptScope.dispose());
  }

  #failed(
    call: Call,
    claim: Claim,
    attempt: number,
    startedAt: number,
    inFlightAtStart: number,
    error: SwitchyardError,
    lane: HedgeLane | undefined,
  ): void {
    const rt = this.#rt;
    const target = claim.target;
    const now = rt.clock.now();
    const durationMs = now - startedAt;
    const lost = lane?.lost === true;
    // A hedge that lost was cancelled by the router: its estimated cost is in the call's cost.
    const lostCostUsd = lost ? lostHedgeCost(target, call) : undefined;
    if (claim.hold !== undefined) {
      rt.budgets!.settle(claim.hold, lostCostUsd ?? failedAttemptCost(target, call, error));
    }
    if (claim.tokens !== undefined) settleTokens(target, claim.tokens, now, undefined);
    const blockForMs = error.kind === 'rate_limited' ? error.retryAfterMs : undefined;
    const ejection = rt.gate.recordFailure(claim, now, countsAgainstHealth(error.kind), blockForMs);
    if (isPromiseLike(ejection)) ejection.then((e) => this.#ejected(target, error, e), ignore);
    else this.#ejected(target, error, ejection);
    tellOutcome(call.strategy, {
      target,
      request: call.request,
      stream: call.stream,
      ok: false,
      errorKind: error.kind,
      startedAt,
      inFlightAtStart,
      attempt,
      maxAttempts: rt.retry.maxAttempts,
      latencyMs: durationMs,
    });
    call.attempts.push(
      lane === undefined
        ? { attempt, target: target.id, outcome: 'failure', errorKind: error.kind, durationMs }
        : hedgedFailure(attempt, target.id, error, durationMs, lane, lostCostUsd),
    );
    if (rt.events.has('attempt:failure')) {
      const willRetry =
        !lost && fallsBack(error.kind) && !call.scope.aborted && attempt < rt.retry.maxAttempts;
      const fields = Object.assign(attemptFields(call, target, attempt), { durationMs, error, willRetry });
      rt.events.emit('attempt:failure', lost ? Object.assign(fields, { lostHedge: true }) : fields);
    }
  }
}

/** The adapter request for `target`; a request that cannot be read is the caller's `invalid_request`. */
function readAdapterRequest(target: TargetRuntime, call: Call): AdapterRequest {
  try {
    return adapterRequestFor(target, call.request);
  } catch (thrown) {
    throw new SwitchyardError('invalid_request', 'the request could not be read', {
      retryable: false,
      target: target.id,
      cause: sanitizeError(thrown),
    });
  }
}

function attemptContext(
  call: Call,
  target: TargetRuntime,
  attempt: number,
  adapterRequest: AdapterRequest,
): AttemptContext {
  return call.context!.forAttempt(target, attempt, adapterRequest);
}

/** What an attempt failed with: the abort reason when the call was aborted, else a typed error. */
function toAttemptError(thrown: unknown, target: TargetRuntime, scope: CallScope): SwitchyardError {
  const reason = scope.reason;
  if (reason !== undefined && !(isSwitchyardError(thrown) && thrown.kind === 'stream_interrupted')) {
    // Whatever the adapter threw, an aborted scope means the caller's abort or the deadline.
    return reason.target === target.id ? reason : reason.with({ target: target.id });
  }
  const error = isSwitchyardError(thrown) ? thrown : adapterError(thrown, target, scope);
  return error.target === undefined ? error.with({ target: target.id }) : error;
}

/** The adapter's completion as a promise (a synchronous throw becomes a rejection). */
function callAdapter(
  target: TargetRuntime,
  request: AdapterRequest,
  options: AdapterCallOptions,
): Promise<AdapterResponse> {
  try {
    return Promise.resolve(target.adapter.complete(request, options));
  } catch (thrown) {
    return Promise.reject(thrown);
  }
}

/** The adapter's stream with its raw exceptions turned into typed errors (for stream middleware). */
async function* mapErrors(
  source: AsyncIterable<AdapterStreamPart>,
  target: TargetRuntime,
  scope: CallScope,
): AsyncIterable<AdapterStreamPart> {
  try {
    yield* source;
  } catch (thrown) {
    throw isSwitchyardError(thrown) ? thrown : adapterError(thrown, target, scope);
  }
}
