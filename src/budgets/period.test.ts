import { describe, expect, it } from 'vitest';
import { BudgetCalendar } from './period.js';

const at = (iso: string) => Date.parse(iso);

describe('BudgetCalendar', () => {
  it('keys days and months in the budget time zone', () => {
    const ny = new BudgetCalendar('day', 'America/New_York');
    // 03:00 UTC on the 2nd is still the 1st in New York (UTC-5 in December).
    expect(ny.keyAt(at('2026-12-02T03:00:00Z'))).toBe('2026-12-01');
    expect(ny.keyAt(at('2026-12-02T05:00:00Z'))).toBe('2026-12-02');
    expect(new BudgetCalendar('day', 'UTC').keyAt(at('2026-12-02T03:00:00Z'))).toBe('2026-12-02');
    const tokyo = new BudgetCalendar('month', 'Asia/Tokyo');
    expect(tokyo.keyAt(at('2026-11-30T16:00:00Z'))).toBe('2026-12'); // 01:00 on 1 December in Tokyo
    expect(new BudgetCalendar('total', 'UTC').keyAt(0)).toBe('total');
  });

  it('tells how long until the next period starts', () => {
    expect(new BudgetCalendar('day', 'UTC').msUntilNext(at('2026-12-02T23:00:00Z'))).toBe(3_600_000);
    expect(new BudgetCalendar('day', 'America/New_York').msUntilNext(at('2026-12-02T03:00:00Z'))).toBe(
      2 * 3_600_000,
    );
    expect(new BudgetCalendar('month', 'UTC').msUntilNext(at('2026-12-31T12:00:00Z'))).toBe(12 * 3_600_000);
    expect(new BudgetCalendar('total', 'UTC').msUntilNext(0)).toBeUndefined();
  });

  it('refuses a time zone the runtime does not know', () => {
    expect(() => new BudgetCalendar('day', 'Mars/Olympus')).toThrow(RangeError);
  });
});
