import type { Clock, TimerHandle } from '../types/clock.js';

interface Timer {
  readonly id: number;
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A {@link Clock} that moves only when told to, for tests and simulations without real sleeps.
 * Timers fire in time order (ties in creation order), and pending promise callbacks run between
 * timers, so async code driven by it behaves as it would in real time.
 *
 * @example
 * ```ts
 * const clock = new VirtualClock();
 * const router = new Router({ targets, clock });
 * const res = await clock.run(router.complete(req)); // fires timers until the call settles
 * ```
 */
export class VirtualClock implements Clock {
  #now: number;
  #seq = 0;
  #heap: Timer[] = [];
  readonly #cancelled = new Set<number>();
  readonly #live = new Set<number>();

  /** @param start the initial time in ms. @default 0 */
  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = ++this.#seq;
    this.#live.add(id);
    this.#push({ id, at: this.#now + Math.max(0, ms), seq: id, fn });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    if (typeof handle === 'number' && this.#live.delete(handle)) this.#cancelled.add(handle);
  }

  /** Number of timers not yet fired or cancelled. */
  get pendingTimers(): number {
    return this.#live.size;
  }

  /** Time of the next timer, or `undefined`. */
  nextTimerAt(): number | undefined {
    this.#dropCancelled();
    return this.#heap[0]?.at;
  }

  /** Moves time forward by `ms`, firing every timer due on the way (and letting promises settle between them). */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.#now + ms);
  }

  /** Moves time forward to `time`, firing every timer due on the way. */
  async advanceTo(time: number): Promise<void> {
    await flush();
    for (;;) {
      this.#dropCancelled();
      const next = this.#heap[0];
      if (next === undefined || next.at > time) break;
      this.#pop();
      this.#live.delete(next.id);
      this.#now = Math.max(this.#now, next.at);
      next.fn();
      await flush();
    }
    this.#now = Math.max(this.#now, time);
    await flush();
  }

  /**
   * Fires timers in order until `promise` settles, then settles like it. Rejects if the promise
   * is still pending when no timer is left (nothing could ever settle it) or after `maxMs` of
   * virtual time.
   */
  async run<T>(promise: Promise<T>, maxMs = 3_600_000): Promise<T> {
    let settled = false;
    const tracked = promise.then(
      (v) => {
        settled = true;
        return v;
      },
      (e) => {
        settled = true;
        throw e;
      },
    );
    tracked.catch(() => {});
    const limit = this.#now + maxMs;
    await flush();
    while (!settled) {
      const at = this.nextTimerAt();
      if (at === undefined)
        throw new Error('VirtualClock.run: the promise is pending and no timer is left to fire');
      if (at > limit)
        throw new Error(`VirtualClock.run: the promise is still pending after ${maxMs} ms of virtual time`);
      await this.advanceTo(at);
    }
    return tracked;
  }

  #dropCancelled(): void {
    while (this.#heap.length > 0 && this.#cancelled.has(this.#heap[0]!.id)) {
      this.#cancelled.delete(this.#pop().id);
    }
  }

  #less(a: Timer, b: Timer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  #push(timer: Timer): void {
    const heap = this.#heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  #pop(): Timer {
    const heap = this.#heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && this.#less(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && this.#less(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  }
}
