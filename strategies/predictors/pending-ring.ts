import type { CompletionRequest } from '../../src/index.js';

/** Slots per target (a power of 2): attempts older than the newest this many are forgotten. */
const MAX_PENDING = 256;
/** Slots of a target's ring before it first grows (a power of 2). */
const INITIAL_CAPACITY = 16;

/**
 * The attempts sent to one target and not seen finish, oldest first, in a ring of parallel
 * arrays (no allocation per attempt). A settled attempt leaves a hole until the ones before it
 * settle too; the ring grows by doubling up to `MAX_PENDING`, then drops the oldest. Used by
 * `OverdueTracker`, one ring per target.
 * @internal
 */
export class PendingRing {
  /** The attempts' requests (undefined: a hole left by a settled attempt). */
  requests: (CompletionRequest | undefined)[] = new Array(INITIAL_CAPACITY);
  startedAt = new Float64Array(INITIAL_CAPACITY);
  expectedMs = new Float64Array(INITIAL_CAPACITY);
  /** For a stream still waiting for its first token, when that token is expected (ms); else 0. */
  firstTokenMs = new Float64Array(INITIAL_CAPACITY);
  /** Monotonic positions; a slot is `position & mask`. */
  head = 0;
  tail = 0;
  mask = INITIAL_CAPACITY - 1;
  /** Attempts still pending (slots between head and tail that are not holes). */
  live = 0;

  push(request: CompletionRequest, startedAt: number, expectedMs: number, firstTokenMs = 0): void {
    if (this.tail - this.head > this.mask) {
      if (this.mask + 1 < MAX_PENDING) this.#grow();
      else {
        // Bounded memory even if outcomes go missing: the oldest pending attempt is dropped.
        const slot = this.head & this.mask;
        if (this.requests[slot] !== undefined) this.live--;
        this.requests[slot] = undefined;
        this.head++;
        this.#skipHoles();
      }
    }
    const slot = this.tail & this.mask;
    this.requests[slot] = request;
    this.startedAt[slot] = startedAt;
    this.expectedMs[slot] = expectedMs;
    this.firstTokenMs[slot] = firstTokenMs;
    this.tail++;
    this.live++;
  }

  /** Removes the oldest attempt of `request` started by `startedAt`; returns its slot, or -1. */
  remove(request: CompletionRequest, startedAt: number): number {
    const slot = this.find(request, startedAt);
    if (slot < 0) return -1;
    this.requests[slot] = undefined;
    this.live--;
    this.#skipHoles();
    return slot;
  }

  /** Slot of the oldest pending attempt of `request` started by `startedAt`, or -1. */
  find(request: CompletionRequest, startedAt: number): number {
    for (let i = this.head; i < this.tail; i++) {
      const slot = i & this.mask;
      if (this.requests[slot] === request && this.startedAt[slot]! <= startedAt) return slot;
    }
    return -1;
  }

  #skipHoles(): void {
    while (this.head < this.tail && this.requests[this.head & this.mask] === undefined) this.head++;
  }

  #grow(): void {
    const capacity = (this.mask + 1) * 2;
    const requests: (CompletionRequest | undefined)[] = new Array(capacity);
    const startedAt = new Float64Array(capacity);
    const expectedMs = new Float64Array(capacity);
    const firstTokenMs = new Float64Array(capacity);
    let n = 0;
    for (let i = this.head; i < this.tail; i++, n++) {
      const slot = i & this.mask;
      requests[n] = this.requests[slot];
      startedAt[n] = this.startedAt[slot]!;
      expectedMs[n] = this.expectedMs[slot]!;
      firstTokenMs[n] = this.firstTokenMs[slot]!;
    }
    this.requests = requests;
    this.startedAt = startedAt;
    this.expectedMs = expectedMs;
    this.firstTokenMs = firstTokenMs;
    this.head = 0;
    this.tail = n;
    this.mask = capacity - 1;
  }
}
