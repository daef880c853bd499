import type { CallScope } from '../reliability/call-scope.js';
import type { AttemptContext, CallContext } from '../types/middleware.js';
import type { AdapterRequest, CompletionRequest } from '../types/request.js';
import type { TargetView } from '../types/target.js';

/**
 * The {@link CallContext} of one call. Its `signal` and `state` are made on first read: an
 * `AbortSignal` costs about a microsecond, which middleware that never reads it should not pay.
 */
export class CallContextImpl implements CallContext {
  readonly requestId: string;
  readonly request: CompletionRequest;
  readonly stream: boolean;
  readonly deadline: number;
  readonly #scope: CallScope;
  #state: Map<string | symbol, unknown> | undefined;

  constructor(
    requestId: string,
    request: CompletionRequest,
    stream: boolean,
    scope: CallScope,
    state?: Map<string | symbol, unknown>,
  ) {
    this.requestId = requestId;
    this.request = request;
    this.stream = stream;
    this.deadline = scope.deadline;
    this.#scope = scope;
    this.#state = state;
  }

  get signal(): AbortSignal {
    return this.#scope.signal;
  }

  /** Made on first read, like `signal`. */
  get state(): Map<string | symbol, unknown> {
    this.#state ??= new Map();
    return this.#state;
  }

  /** The same call's context with another request (what a later middleware sees). */
  withRequest(request: CompletionRequest): CallContextImpl {
    return new CallContextImpl(this.requestId, request, this.stream, this.#scope, this.state);
  }

  /** The context of one attempt of this call. */
  forAttempt(target: TargetView, attempt: number, adapterRequest: AdapterRequest): AttemptContext {
    return new AttemptContextImpl(this, target, attempt, adapterRequest);
  }
}

class AttemptContextImpl implements AttemptContext {
  readonly requestId: string;
  readonly request: CompletionRequest;
  readonly stream: boolean;
  readonly deadline: number;
  readonly target: TargetView;
  readonly attempt: number;
  readonly adapterRequest: AdapterRequest;
  readonly #call: CallContext;

  constructor(call: CallContext, target: TargetView, attempt: number, adapterRequest: AdapterRequest) {
    this.requestId = call.requestId;
    this.request = call.request;
    this.stream = call.stream;
    this.deadline = call.deadline;
    this.target = target;
    this.attempt = attempt;
    this.adapterRequest = adapterRequest;
    this.#call = call;
  }

  get signal(): AbortSignal {
    return this.#call.signal;
  }

  get state(): Map<string | symbol, unknown> {
    return this.#call.state;
  }
}
