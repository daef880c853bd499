import type { BudgetPeriod } from '../types/budget.js';

/** The calendar of one budget: which period an instant belongs to and when the next one starts. */
export class BudgetCalendar {
  readonly #period: BudgetPeriod;
  readonly #format: Intl.DateTimeFormat | undefined;

  /** Throws `RangeError` for a time zone the runtime does not know. */
  constructor(period: BudgetPeriod, timeZone: string) {
    this.#period = period;
    this.#format =
      period === 'total'
        ? undefined
        : new Intl.DateTimeFormat('en-US', {
            timeZone,
            hourCycle: 'h23',
            year: 'numeric',
            month: '2-digit',
            day: '2-digit',
            hour: '2-digit',
            minute: '2-digit',
            second: '2-digit',
          });
  }

  /** The key of the period containing clock time `now` (ms since the epoch): `2026-12-02`, `2026-12` or `total`. */
  keyAt(now: number): string {
    if (this.#format === undefined) return 'total';
    const p = this.#parts(now);
    const month = `${p.year}-${pad(p.month)}`;
    return this.#period === 'month' ? month : `${month}-${pad(p.day)}`;
  }

  /** Milliseconds from `now` until the next period starts (`undefined` for `total`). */
  msUntilNext(now: number): number | undefined {
    if (this.#format === undefined) return undefined;
    const p = this.#parts(now);
    // The zone's offset now, applied to the next local midnight (a DST change that night shifts it by at most an hour).
    const localNow = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    const offset = localNow - Math.floor(now / 1000) * 1000;
    const nextLocal =
      this.#period === 'month' ? Date.UTC(p.year, p.month, 1) : Date.UTC(p.year, p.month - 1, p.day + 1);
    return Math.max(0, nextLocal - offset - now);
  }

  #parts(now: number): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number> {
    const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
    for (const part of this.#format!.formatToParts(now)) {
      if (part.type in out) out[part.type as keyof typeof out] = Number(part.value);
    }
    return out;
  }
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
