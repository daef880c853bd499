import type { Notification, Severity } from '../types.js';

const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/**
 * A bounded FIFO of notifications. When full, a new notification evicts the oldest of the least
 * urgent severity present (info first, then warning); a critical is never evicted, so a queue
 * of criticals may grow past its bound rather than lose one.
 */
export class DeliveryQueue {
  readonly #items: Notification[] = [];

  constructor(readonly capacity: number) {}

  get length(): number {
    return this.#items.length;
  }

  /** Adds `n`; returns what was evicted to make room (possibly `n` itself), if anything. */
  push(n: Notification): Notification | undefined {
    if (this.#items.length < this.capacity) {
      this.#items.push(n);
      return undefined;
    }
    // Oldest item of the lowest severity, among the queue and the newcomer.
    let victim = -1;
    let rank = RANK[n.severity];
    for (let i = 0; i < this.#items.length; i++) {
      const r = RANK[(this.#items[i] as Notification).severity];
      if (r < rank) {
        rank = r;
        victim = i;
      }
    }
    if (victim === -1) {
      if (n.severity === 'critical') {
        this.#items.push(n); // never drop a critical
        return undefined;
      }
      return n;
    }
    const [evicted] = this.#items.splice(victim, 1);
    this.#items.push(n);
    return evicted;
  }

  shift(): Notification | undefined {
    return this.#items.shift();
  }

  /** Puts `n` back at the head (a delivery that will be tried again). */
  unshift(n: Notification): void {
    this.#items.unshift(n);
  }

  /** Removes and returns everything. */
  drain(): Notification[] {
    return this.#items.splice(0);
  }
}
