/** What the call path increments, per target and evaluation tick. */
export interface Tick {
  /** Successful calls answered by this target (their answering attempt). */
  successes: number;
  /** Failed attempts. */
  failures: number;
  /** Failed attempts of kind `rate_limited` (429). */
  rateLimited: number;
  /** Fallbacks away from this target. */
  fallbacks: number;
  /** Failed calls whose last attempt was on this target. */
  failedCalls: number;
}

/** Sums over a window, with the derived attempt and call counts. */
export interface Counts extends Tick {
  /** Attempts: successes + failed attempts (every attempt either answers or fails). */
  attempts: number;
  /** Calls that ended here: successes + failed calls. */
  calls: number;
}

/** A closed tick: its counts and the clock time it closed. */
interface Slot {
  readonly end: number;
  readonly counts: Tick;
}

const zeroTick = (): Tick => ({ successes: 0, failures: 0, rateLimited: 0, fallbacks: 0, failedCalls: 0 });
const zero = (): Counts => ({ ...zeroTick(), attempts: 0, calls: 0 });

function addFields(into: Counts, c: Tick): void {
  into.successes += c.successes;
  into.failures += c.failures;
  into.rateLimited += c.rateLimited;
  into.fallbacks += c.fallbacks;
  into.failedCalls += c.failedCalls;
}

/** Adds a tick, deriving its attempts and calls. */
function add(into: Counts, c: Tick): void {
  addFields(into, c);
  into.attempts += c.successes + c.failures;
  into.calls += c.successes + c.failedCalls;
}

function addCounts(into: Counts, c: Counts): void {
  addFields(into, c);
  into.attempts += c.attempts;
  into.calls += c.calls;
}

/**
 * The counters of one target. The call path only increments a field of `current` (no clock
 * read, no allocation); the evaluation timer closes the tick with {@link TargetCounters.close},
 * which keeps it as a slot for window sums.
 */
export class TargetCounters {
  current: Tick = zeroTick();
  readonly #slots: Slot[] = [];

  constructor(
    readonly id: string,
    readonly aliases: readonly string[],
  ) {}

  /** Closes the current tick at `now` and drops slots older than `keepMs`. */
  close(now: number, keepMs: number): void {
    this.#slots.push({ end: now, counts: this.current });
    this.current = zeroTick();
    while (this.#slots.length > 0 && (this.#slots[0] as Slot).end <= now - keepMs) this.#slots.shift();
  }

  /** Sum of the closed ticks that ended in `(now - windowMs, now]`. */
  sum(now: number, windowMs: number, into: Counts = zero()): Counts {
    for (let i = this.#slots.length - 1; i >= 0; i--) {
      const slot = this.#slots[i] as Slot;
      if (slot.end <= now - windowMs) break;
      add(into, slot.counts);
    }
    return into;
  }
}

/** Pseudo-target under which calls that failed before any attempt (`no_target`) count. */
export const NO_TARGET = '(none)';

/** Per-target counters of a router, plus the alias membership and ejection state of its targets. */
export class CounterBoard {
  readonly #byId = new Map<string, TargetCounters>();
  /** Targets currently ejected, with the clock time they were ejected. */
  readonly ejected = new Map<string, number>();

  constructor(targets: readonly { id: string; aliases: readonly string[] }[]) {
    for (const t of targets) this.#byId.set(t.id, new TargetCounters(t.id, t.aliases));
    this.#byId.set(NO_TARGET, new TargetCounters(NO_TARGET, []));
  }

  /** The counters of `target` (those of {@link NO_TARGET} for an unknown id). */
  of(target: string | undefined): TargetCounters {
    return this.#byId.get(target ?? NO_TARGET) ?? (this.#byId.get(NO_TARGET) as TargetCounters);
  }

  /** Every target's counters, {@link NO_TARGET} last. */
  all(): IterableIterator<TargetCounters> {
    return this.#byId.values();
  }

  /** Target ids (without {@link NO_TARGET}). */
  targetIds(): string[] {
    return [...this.#byId.keys()].filter((id) => id !== NO_TARGET);
  }

  /** Every alias and its targets. */
  aliases(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const t of this.#byId.values()) {
      for (const a of t.aliases) {
        const list = out.get(a) ?? [];
        list.push(t.id);
        out.set(a, list);
      }
    }
    return out;
  }

  /** Closes the current tick of every target. */
  close(now: number, keepMs: number): void {
    for (const t of this.#byId.values()) t.close(now, keepMs);
  }

  /**
   * Window sums by scope: one entry per target, per alias (sum of its targets), or one `all`
   * entry; keyed by the label value.
   */
  sums(scope: 'target' | 'alias' | 'all', now: number, windowMs: number): Map<string, Counts> {
    const out = new Map<string, Counts>();
    if (scope === 'all') {
      const total = zero();
      for (const t of this.#byId.values()) t.sum(now, windowMs, total);
      out.set('all', total);
    } else if (scope === 'target') {
      for (const t of this.#byId.values()) if (t.id !== NO_TARGET) out.set(t.id, t.sum(now, windowMs));
    } else {
      for (const t of this.#byId.values()) {
        if (t.aliases.length === 0) continue;
        const s = t.sum(now, windowMs);
        for (const a of t.aliases) {
          const into = out.get(a) ?? zero();
          addCounts(into, s);
          out.set(a, into);
        }
      }
    }
    return out;
  }
}
