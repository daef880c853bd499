import type { Clock, TimerHandle } from '../types/clock.js';

/** An entry of a {@link DeadlineQueue}: the queue links entries through these fields. */
export interface DeadlineEntry {
  readonly deadline: number;
  /** @internal */ prevDeadline: DeadlineEntry | undefined;
  /** @internal */ nextDeadline: DeadlineEntry | undefined;
  /** @internal */ queued: boolean;
  /** Called once when the deadline has passed. */
  expire(): void;
}

/**
 * Deadlines of many calls served by one timer. Calls made with the router's default timeout
 * have non-decreasing deadlines, so they are kept in arrival order in a doubly linked list:
 * adding and removing are O(1) and allocate nothing, where a timer per call costs a Node
 * `Timeout` object, a closure and two timer-list operations. An entry whose deadline is earlier
 * than the last one (a per-request `timeoutMs`) is refused and gets its own timer instead.
 */
export class DeadlineQueue {
  readonly #clock: Clock;
  #head: DeadlineEntry | undefined;
  #tail: DeadlineEntry | undefined;
  #timer: TimerHandle | undefined;
  /** When `#timer` fires. */
  #dueAt = 0;
  /** The timer is unref'd and waits for the next entry (the queue is empty). */
  #idle = false;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Adds `entry` unless its deadline is earlier than the last one's; returns whether it did. */
  add(entry: DeadlineEntry): boolean {
    const tail = this.#tail;
    if (tail !== undefined && entry.deadline < tail.deadline) return false;
    entry.prevDeadline = tail;
    entry.nextDeadline = undefined;
    entry.queued = true;
    if (tail === undefined) this.#head = entry;
    else tail.nextDeadline = entry;
    this.#tail = entry;
    if (this.#timer === undefined) this.#arm();
    else if (this.#idle) {
      this.#idle = false;
      if (entry.deadline < this.#dueAt) {
        // The timer left from the last busy period is due after this entry (a shorter
        // per-request timeout than the last call's): replace it.
        this.#clock.clearTimeout(this.#timer);
        this.#arm();
      } else {
        // It is due before this entry (or with it): it then re-arms.
        this.#clock.ref?.(this.#timer);
      }
    }
    return true;
  }

  /** Removes `entry` (a no-op if it is not queued). */
  remove(entry: DeadlineEntry): void {
    if (!entry.queued) return;
    entry.queued = false;
    const { prevDeadline: prev, nextDeadline: next } = entry;
    if (prev === undefined) this.#head = next;
    else prev.nextDeadline = next;
    if (next === undefined) this.#tail = prev;
    else next.prevDeadline = prev;
    entry.prevDeadline = undefined;
    entry.nextDeadline = undefined;
    // An empty queue must not keep the process alive. Where the clock can, the timer is only
    // unref'd and reused by the next entry: sequential calls then cost no timer operations.
    if (this.#head === undefined && this.#timer !== undefined) {
      if (this.#clock.unref !== undefined && this.#clock.ref !== undefined) {
        this.#clock.unref(this.#timer);
        this.#idle = true;
      } else {
        this.#clock.clearTimeout(this.#timer);
        this.#timer = undefined;
      }
    }
  }

  /** Number of queued entries (walks the list: for tests). */
  get size(): number {
    let n = 0;
    for (let e = this.#head; e !== undefined; e = e.nextDeadline) n++;
    return n;
  }

  #arm(): void {
    const head = this.#head;
    if (head === undefined) return;
    this.#dueAt = head.deadline;
    this.#timer = this.#clock.setTimeout(() => this.#fire(), Math.max(0, head.deadline - this.#clock.now()));
  }

  #fire(): void {
    this.#timer = undefined;
    this.#idle = false;
    const now = this.#clock.now();
    for (let head = this.#head; head !== undefined && head.deadline <= now; head = this.#head) {
      this.remove(head);
      head.expire();
    }
    if (this.#timer === undefined) this.#arm();
  }
}
