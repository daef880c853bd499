import type { QuotaAdmission, QuotaStateHandle, QuotaUsage } from './store.js';

/** Slots of the rolling window: a take is counted in the slot of its time (1 s for a minute). */
const SLOTS = 60;

/**
 * A rolling-window quota in memory: the window is cut into {@link SLOTS} slots, each holding
 * the units taken in its span, so memory is fixed whatever the traffic and a correction finds
 * the slot of its take. A slot leaves the window whole, so the use is exact to one slot's span.
 * Each operation is one synchronous step, hence atomic.
 */
export class MemoryQuotaState implements QuotaStateHandle {
  readonly #slotMs: number;
  /** Start time of the span each slot holds (-Infinity: empty). */
  readonly #starts = new Float64Array(SLOTS).fill(Number.NEGATIVE_INFINITY);
  readonly #units = new Float64Array(SLOTS);

  constructor(windowMs: number) {
    this.#slotMs = windowMs / SLOTS;
  }

  take(now: number, amount: number, limit: number): QuotaAdmission {
    const usage = this.read(now);
    if (usage.used >= limit) {
      return {
        admitted: false,
        used: usage.used,
        resetAt: usage.resetAt,
        retryAt: this.#belowAt(now, limit),
      };
    }
    this.#add(now, amount);
    return { admitted: true, used: usage.used + amount, resetAt: this.read(now).resetAt, retryAt: now };
  }

  adjust(now: number, takenAt: number, delta: number): void {
    const start = this.#spanStart(takenAt);
    const i = this.#slotOf(start);
    if (this.#starts[i] !== start || start <= now - this.#windowMs()) return;
    this.#units[i] = Math.max(0, this.#units[i]! + delta);
  }

  read(now: number): QuotaUsage {
    const oldest = now - this.#windowMs();
    let used = 0;
    let resetAt = Number.POSITIVE_INFINITY;
    for (let i = 0; i < SLOTS; i++) {
      const start = this.#starts[i]!;
      if (start <= oldest || this.#units[i] === 0) continue;
      used += this.#units[i]!;
      resetAt = Math.min(resetAt, start + this.#windowMs());
    }
    return { used, resetAt: used === 0 ? now : resetAt };
  }

  /** When the use falls below `limit`: the slots leave oldest first. */
  #belowAt(now: number, limit: number): number {
    const oldest = now - this.#windowMs();
    const live: number[] = [];
    for (let i = 0; i < SLOTS; i++) {
      if (this.#starts[i]! > oldest && this.#units[i]! > 0) live.push(i);
    }
    live.sort((a, b) => this.#starts[a]! - this.#starts[b]!);
    let used = 0;
    for (const i of live) used += this.#units[i]!;
    for (const i of live) {
      used -= this.#units[i]!;
      if (used < limit) return this.#starts[i]! + this.#windowMs();
    }
    return now;
  }

  #add(now: number, amount: number): void {
    const start = this.#spanStart(now);
    const i = this.#slotOf(start);
    if (this.#starts[i] !== start) {
      this.#starts[i] = start;
      this.#units[i] = 0;
    }
    this.#units[i]! += amount;
  }

  #windowMs(): number {
    return this.#slotMs * SLOTS;
  }

  #spanStart(at: number): number {
    return Math.floor(at / this.#slotMs) * this.#slotMs;
  }

  #slotOf(spanStart: number): number {
    const n = Math.round(spanStart / this.#slotMs) % SLOTS;
    return n < 0 ? n + SLOTS : n;
  }
}
