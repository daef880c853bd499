import { describe, expect, it } from 'vitest';
import { MemoryBudgetState } from './memory-budget.js';

describe('MemoryBudgetState.restore', () => {
  it('raises the spend of the period to at least the restored amount, never lowers it', () => {
    const b = new MemoryBudgetState();
    expect(b.restore('2026-12-02', 0.4)).toEqual({ periodKey: '2026-12-02', spentUsd: 0.4, reservedUsd: 0 });
    expect(b.restore('2026-12-02', 0.1).spentUsd).toBe(0.4);
    expect(b.reserve('2026-12-02', 0.5, 1, 0, 1000).reserved).toBe(true);
    expect(b.reserve('2026-12-02', 0.2, 1, 0, 1000).reserved).toBe(false); // 0.4 + 0.5 + 0.2 > 1
    expect(b.restore('2026-12-02', 0.45)).toEqual({
      periodKey: '2026-12-02',
      spentUsd: 0.45,
      reservedUsd: 0.5,
    });
  });

  it('ignores an older period and starts a newer one from the restored spend', () => {
    const b = new MemoryBudgetState();
    b.settle('2026-12-02', { id: 'none', amountUsd: 0, expiresAt: 0 }, 0); // nothing: no period yet
    const { hold } = b.reserve('2026-12-02', 0.3, 1, 0, 1000);
    b.settle('2026-12-02', hold!, 0.3);
    expect(b.restore('2026-12-01', 0.9)).toEqual({ periodKey: '2026-12-01', spentUsd: 0, reservedUsd: 0 });
    expect(b.read('2026-12-02').spentUsd).toBe(0.3);
    expect(b.restore('2026-12-03', 0.2).spentUsd).toBe(0.2);
    expect(b.read('2026-12-02').spentUsd).toBe(0); // the current period is now the 3rd
  });
});

describe('MemoryBudgetState holds', () => {
  it('a hold lapses at its expiry: its amount is free again, and a late settlement only adds spend', () => {
    const b = new MemoryBudgetState();
    const first = b.reserve('total', 0.6, 1, 1000, 500);
    expect(first).toMatchObject({ reserved: true, hold: { amountUsd: 0.6, expiresAt: 1500 } });
    expect(b.reserve('total', 0.6, 1, 1499, 500).reserved).toBe(false);
    const second = b.reserve('total', 0.6, 1, 1500, 500); // the first lapsed and was swept
    expect(second.reserved).toBe(true);
    expect(second.totals.reservedUsd).toBeCloseTo(0.6, 12);
    // The late settlement of the lapsed hold releases nothing more; its spend counts.
    expect(b.settle('total', first.hold!, 0.1)).toEqual({
      periodKey: 'total',
      spentUsd: 0.1,
      reservedUsd: 0.6,
    });
    expect(b.release('total', second.hold!)).toEqual({ periodKey: 'total', spentUsd: 0.1, reservedUsd: 0 });
    expect(b.release('total', second.hold!).reservedUsd).toBe(0); // twice: nothing more
  });

  it('settling one hold releases only its own amount, whatever the other holds', () => {
    const b = new MemoryBudgetState();
    const a = b.reserve('total', 0.2, 1, 0, 1000).hold!;
    const c = b.reserve('total', 0.3, 1, 0, 1000).hold!;
    expect(a.id).not.toBe(c.id);
    expect(b.settle('total', c, 0.25)).toEqual({ periodKey: 'total', spentUsd: 0.25, reservedUsd: 0.2 });
  });
});
