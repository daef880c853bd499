import type { Clock, RandomSource, TimerHandle } from '../../../index.js';
import type { AlertEmitter, DeliveryEventBase } from '../events.js';
import type { AlertSink, Notification } from '../types.js';
import type { DeliverySettings } from './options.js';
import { DeliveryQueue } from './queue.js';
import { describeError, isRetryable, SinkError } from './sink-error.js';

/**
 * Delivers one sink's notifications, one at a time, off the call path: a bounded queue, a
 * timeout per attempt, retries with backoff on retryable failures (honouring Retry-After), and a
 * breaker that pauses the sink after repeated failed deliveries. Every outcome is an event;
 * nothing is thrown to the caller of {@link SinkDispatcher.enqueue}.
 */
export class SinkDispatcher {
  readonly #queue: DeliveryQueue;
  #busy = false;
  #closed = false;
  #failuresInRow = 0;
  #openUntil: number | undefined;
  readonly #timers = new Set<TimerHandle>();
  readonly #wakers = new Set<() => void>();
  readonly #idle: (() => void)[] = [];
  #inFlight: AbortController | undefined;

  constructor(
    readonly name: string,
    readonly sink: AlertSink,
    readonly settings: DeliverySettings,
    readonly clock: Clock,
    readonly random: RandomSource,
    readonly events: AlertEmitter,
  ) {
    this.#queue = new DeliveryQueue(settings.queueSize);
  }

  /** Notifications waiting (not counting one being delivered). */
  get queued(): number {
    return this.#queue.length;
  }

  /** Whether the breaker is open. */
  get open(): boolean {
    return this.#openUntil !== undefined;
  }

  /** Queues `n` for delivery. Never throws. */
  enqueue(n: Notification): void {
    if (this.#closed) {
      this.#emitDropped(n, 'closed');
      return;
    }
    const evicted = this.#queue.push(n);
    if (evicted !== undefined) this.#emitDropped(evicted, 'queue_full');
    this.#pump();
  }

  /** Resolves once the queue is empty and nothing is being delivered. */
  idle(): Promise<void> {
    if (!this.#busy && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Stops: aborts the delivery in flight, cancels waits and drops what is queued (with events). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#inFlight?.abort();
    for (const t of this.#timers) this.clock.clearTimeout(t);
    this.#timers.clear();
    for (const wake of this.#wakers) wake();
    this.#wakers.clear();
    for (const n of this.#queue.drain()) this.#emitDropped(n, 'closed');
    this.#settleIdle();
  }

  #pump(): void {
    if (this.#busy || this.#closed) return;
    this.#busy = true;
    void this.#run().finally(() => {
      this.#busy = false;
      this.#settleIdle();
    });
  }

  #settleIdle(): void {
    if (this.#busy || (this.#queue.length > 0 && !this.#closed)) return;
    for (const resolve of this.#idle.splice(0)) resolve();
  }

  async #run(): Promise<void> {
    while (!this.#closed) {
      if (this.#openUntil !== undefined) {
        const wait = this.#openUntil - this.clock.now();
        if (wait > 0) await this.#wait(wait);
        if (this.#closed) return;
      }
      const n = this.#queue.shift();
      if (n === undefined) return;
      try {
        await this.#deliver(n);
      } catch (error) {
        this.events.emit('error', {
          source: `sink ${this.name}`,
          message: describeError(error, this.sink.secrets()).message,
        });
      }
    }
  }

  async #deliver(n: Notification): Promise<void> {
    const base = this.#base(n);
    const s = this.settings;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#attempt(n);
        this.events.emit('delivery:success', { ...base, attempts: attempt });
        this.#failuresInRow = 0;
        if (this.#openUntil !== undefined) {
          this.#openUntil = undefined;
          this.events.emit('sink:breaker', { sink: this.name, kind: this.sink.kind, state: 'closed' });
        }
        return;
      } catch (error) {
        if (this.#closed) {
          this.#emitDropped(n, 'closed');
          return;
        }
        const info = describeError(error, this.sink.secrets());
        if (!isRetryable(error) || attempt > s.maxRetries) {
          this.events.emit('delivery:failure', { ...base, attempts: attempt, error: info });
          this.#failed();
          return;
        }
        const retryAfter = error instanceof SinkError ? error.retryAfterMs : undefined;
        const backoff =
          Math.min(s.maxBackoffMs, s.backoffMs * 2 ** (attempt - 1)) * (0.8 + 0.4 * this.random());
        const delayMs = Math.round(
          retryAfter === undefined ? backoff : Math.min(retryAfter, s.maxRetryAfterMs),
        );
        this.events.emit('delivery:retry', {
          ...base,
          attempt,
          delayMs,
          fromRetryAfter: retryAfter !== undefined,
          error: info,
        });
        await this.#wait(delayMs);
        if (this.#closed) {
          this.#emitDropped(n, 'closed');
          return;
        }
      }
    }
  }

  /** One attempt, bounded by the timeout even when the sink ignores its signal. */
  #attempt(n: Notification): Promise<void> {
    const controller = new AbortController();
    this.#inFlight = controller;
    return new Promise<void>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        this.#timers.delete(timer);
        controller.abort();
      }, this.settings.timeoutMs);
      this.#timers.add(timer);
      this.clock.unref?.(timer);
      const done = () => {
        this.clock.clearTimeout(timer);
        this.#timers.delete(timer);
        controller.signal.removeEventListener('abort', onAbort);
        if (this.#inFlight === controller) this.#inFlight = undefined;
      };
      const onAbort = () => {
        done();
        reject(
          new SinkError(
            'timeout',
            this.#closed ? 'closed' : `no answer within ${this.settings.timeoutMs} ms`,
            true,
          ),
        );
      };
      controller.signal.addEventListener('abort', onAbort);
      let sending: Promise<void>;
      try {
        sending = this.sink.send(n, controller.signal);
      } catch (error) {
        done();
        reject(error);
        return;
      }
      sending.then(
        () => {
          if (controller.signal.aborted) return;
          done();
          resolve();
        },
        (error: unknown) => {
          if (controller.signal.aborted) return;
          done();
          reject(error);
        },
      );
    });
  }

  #failed(): void {
    this.#failuresInRow++;
    if (this.#failuresInRow < this.settings.breakerFailures) return;
    const wasOpen = this.#openUntil !== undefined;
    this.#openUntil = this.clock.now() + this.settings.breakerCooldownMs;
    if (!wasOpen) this.events.emit('sink:breaker', { sink: this.name, kind: this.sink.kind, state: 'open' });
  }

  #wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        this.#wakers.delete(wake);
        this.#timers.delete(timer);
        resolve();
      };
      const timer = this.clock.setTimeout(wake, ms);
      this.clock.unref?.(timer);
      this.#timers.add(timer);
      this.#wakers.add(wake);
    });
  }

  #base(n: Notification): DeliveryEventBase {
    return { sink: this.name, kind: this.sink.kind, rule: n.rule, severity: n.severity, status: n.status };
  }

  #emitDropped(n: Notification, reason: 'queue_full' | 'closed'): void {
    this.events.emit('delivery:dropped', { ...this.#base(n), reason });
  }
}
