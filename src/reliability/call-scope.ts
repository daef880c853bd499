import { SwitchyardError } from '../errors/switchyard-error.js';
import type { Clock, TimerHandle } from '../types/clock.js';

const noop = () => {};

/**
 * The lifetime of one call: one abort signal that fires on the caller's abort (reason: an
 * `aborted` error) or at the deadline (reason: a `timeout` error). {@link dispose} removes the
 * listener from the caller's signal and the timer, so nothing outlives the call.
 */
export class CallScope {
  readonly #controller = new AbortController();
  /** Aborts on caller abort or deadline. */
  readonly signal: AbortSignal = this.#controller.signal;
  /** Absolute deadline on the clock (`Infinity` for none). */
  readonly deadline: number;
  readonly #clock: Clock;
  readonly #callerSignal: AbortSignal | undefined;
  #timer: TimerHandle | undefined;
  #abortedPromise: Promise<never> | undefined;

  constructor(clock: Clock, timeoutMs: number, callerSignal: AbortSignal | undefined) {
    this.#clock = clock;
    this.deadline = clock.now() + timeoutMs;
    this.#callerSignal = callerSignal;
    if (callerSignal) callerSignal.addEventListener('abort', this.#onCallerAbort, { once: true });
    if (Number.isFinite(timeoutMs)) {
      this.#timer = clock.setTimeout(
        () =>
          this.#controller.abort(
            new SwitchyardError('timeout', `the call exceeded its deadline of ${timeoutMs} ms`, {
              retryable: true,
            }),
          ),
        timeoutMs,
      );
    }
  }

  #onCallerAbort = (): void => {
    this.#controller.abort(
      new SwitchyardError('aborted', 'the caller aborted the call', {
        cause: this.#callerSignal?.reason,
        retryable: false,
      }),
    );
  };

  /** Aborts the scope with `reason` (e.g. a consumer that stopped reading a stream). */
  abort(reason: SwitchyardError): void {
    this.#controller.abort(reason);
  }

  /**
   * Settles like `promise`, or rejects with the abort reason as soon as the scope aborts, even
   * if `promise` never settles (an adapter that ignores its signal cannot hold the call past its
   * deadline).
   */
  race<T>(promise: Promise<T>): Promise<T> {
    if (this.signal.aborted) {
      promise.catch(noop);
      return Promise.reject(this.signal.reason);
    }
    if (this.#abortedPromise === undefined) {
      this.#abortedPromise = new Promise<never>((_, reject) => {
        this.signal.addEventListener('abort', () => reject(this.signal.reason), { once: true });
      });
      this.#abortedPromise.catch(noop);
    }
    return Promise.race([promise, this.#abortedPromise]);
  }

  /** Clock time left before the deadline. */
  remaining(): number {
    return this.deadline - this.#clock.now();
  }

  /** Releases the timer and the listener on the caller's signal. Idempotent. */
  dispose(): void {
    if (this.#timer !== undefined) {
      this.#clock.clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    this.#callerSignal?.removeEventListener('abort', this.#onCallerAbort);
  }
}
