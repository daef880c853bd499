import { SwitchyardError } from '../errors/switchyard-error.js';
import type { AbortSignalLike } from '../types/abort.js';
import type { Clock, TimerHandle } from '../types/clock.js';
import { AbortLatch } from './abort-latch.js';
import type { DeadlineEntry, DeadlineQueue } from './deadline-queue.js';

/**
 * The lifetime of one call: it aborts on the caller's abort (reason: an `aborted` error) or at
 * the deadline (reason: a `timeout` error). {@link dispose} removes the listener from the
 * caller's signal and the timer, so nothing outlives the call.
 *
 * The scope is itself an {@link AbortSignalLike} (adapters get it as `cancellation`); the
 * `AbortSignal` handed to adapters as `signal` is created on first access only, since Node 20
 * gives every `AbortSignal` a hidden class of its own.
 */
export class CallScope extends AbortLatch implements DeadlineEntry {
  /** Absolute deadline on the clock (`Infinity` for none). */
  readonly deadline: number;
  /** @internal */ prevDeadline: DeadlineEntry | undefined = undefined;
  /** @internal */ nextDeadline: DeadlineEntry | undefined = undefined;
  /** @internal */ queued = false;
  readonly #timeoutMs: number;
  readonly #queue: DeadlineQueue | undefined;
  readonly #clock: Clock;
  readonly #callerSignal: AbortSignalLike | undefined;
  #controller: AbortController | undefined;
  #timer: TimerHandle | undefined;
  /** Rejects the promise last returned by {@link race} (one racer per scope: hedged attempts each get a {@link child}). */
  #rejectRace: ((reason: unknown) => void) | undefined;
  /** Scopes made by {@link child} and not yet disposed: they abort with this one. */
  #children: Set<CallScope> | undefined;
  #parent: CallScope | undefined;

  /**
   * @param queue shared deadline queue; the scope gets its own timer when the queue refuses it
   * (a deadline earlier than the last queued one).
   */
  constructor(
    clock: Clock,
    timeoutMs: number,
    callerSignal: AbortSignalLike | undefined,
    queue?: DeadlineQueue,
    parent?: CallScope,
  ) {
    super();
    this.#clock = clock;
    this.deadline = parent === undefined ? clock.now() + timeoutMs : parent.deadline;
    this.#timeoutMs = timeoutMs;
    this.#callerSignal = callerSignal;
    if (callerSignal) callerSignal.addEventListener('abort', this, ONCE);
    if (Number.isFinite(timeoutMs) && !(queue?.add(this) ?? false)) {
      this.#timer = clock.setTimeout(() => this.expire(), timeoutMs);
    }
    this.#queue = queue;
    if (parent !== undefined) {
      this.#parent = parent;
      if (parent.reason !== undefined) super.abort(parent.reason);
      else {
        parent.#children ??= new Set();
        parent.#children.add(this);
      }
    }
  }

  /**
   * A scope inside this one, for one of several attempts that run at once (hedging): same
   * deadline, aborted with this scope's reason, while aborting it leaves this scope running.
   * {@link dispose} it when its attempt is over.
   */
  child(): CallScope {
    return new CallScope(this.#clock, Number.POSITIVE_INFINITY, undefined, undefined, this);
  }

  /** The abort reason: an `aborted` or `timeout` {@link SwitchyardError}, once aborted. */
  override get reason(): SwitchyardError | undefined {
    return super.reason as SwitchyardError | undefined;
  }

  /** A signal that aborts with the scope (created on first access). */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.aborted) this.#controller.abort(this.reason);
    }
    return this.#controller.signal;
  }

  /** The caller's signal fired (the scope is its own listener object: no closure per call). */
  handleEvent(): void {
    this.abort(
      new SwitchyardError('aborted', 'the caller aborted the call', {
        cause: this.#callerSignal?.reason,
        retryable: false,
      }),
    );
  }

  /** The deadline has passed: abort with a `timeout` error. */
  expire(): void {
    this.#timer = undefined;
    this.abort(
      new SwitchyardError('timeout', `the call exceeded its deadline of ${this.#timeoutMs} ms`, {
        retryable: true,
      }),
    );
  }

  /** Aborts the scope with `reason` (e.g. a consumer that stopped reading a stream). First reason wins. */
  override abort(reason: SwitchyardError): void {
    if (this.aborted) return;
    super.abort(reason);
    this.#controller?.abort(reason);
    const reject = this.#rejectRace;
    this.#rejectRace = undefined;
    reject?.(reason);
    const children = this.#children;
    if (children !== undefined) {
      this.#children = undefined;
      for (const child of children) child.abort(reason);
    }
  }

  /**
   * Settles like `promise`, or rejects with the abort reason as soon as the scope aborts, even
   * if `promise` never settles (an adapter that ignores its signal cannot hold the call past its
   * deadline). A rejection of `promise` after that is absorbed.
   */
  race<T>(promise: Promise<T>): Promise<T> {
    if (this.aborted) {
      promise.catch(noop);
      return Promise.reject(this.reason);
    }
    // Once `promise` has settled, `#rejectRace` may still point at its racer until the next
    // race: rejecting a settled promise does nothing, and this saves two closures per race.
    return new Promise<T>((resolve, reject) => {
      this.#rejectRace = reject;
      promise.then(resolve, reject);
    });
  }

  /** Releases the timer and the listener on the caller's signal (or the link to its parent). Idempotent. */
  dispose(): void {
    this.#rejectRace = undefined;
    const parent = this.#parent;
    if (parent !== undefined) parent.#children?.delete(this);
    this.#queue?.remove(this);
    if (this.#timer !== undefined) {
      this.#clock.clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    this.#callerSignal?.removeEventListener('abort', this);
  }
}

function noop(): void {}

/** Listener options shared by every call (read, never kept, by addEventListener). */
const ONCE: AddEventListenerOptions = Object.freeze({ once: true });
