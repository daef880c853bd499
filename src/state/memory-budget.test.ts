import { describe, expect, it } from 'vitest';
import { MemoryBudgetState } from './memory-budget.js';

describe('MemoryBudgetState.restore', () => {
  it('raises the spend of the period to at least the restored amount, never lowers it', () => {
    const b = new MemoryBudgetState();
    expect(b.restore('2026-12-02', 0.4)).toEqual({ periodKey: '2026-12-02', spentUsd: 0.4, reservedUsd: 0 });
    expect(b.restore('2026-12-02', 0.1).spentUsd).toBe(0.4);
    expect(b.reserve('2026-12-02', 0.5, 1).reserved).toBe(true);
    expect(b.reserve('2026-12-02', 0.2, 1).reserved).toBe(false); // 0.4 + 0.5 + 0.2 > 1
    expect(b.restore('2026-12-02', 0.45)).toEqual({
      periodKey: '2026-12-02',
      spentUsd: 0.45,
      reservedUsd: 0.5,
    });
  });

  it('ignores an older period and starts a newer one from the restored spend', () => {
    const b = new MemoryBudgetState();
    b.settle('2026-12-02', 0, 0); // nothing: no period yet
    b.reserve('2026-12-02', 0.3, 1);
    b.settle('2026-12-02', 0.3, 0.3);
    expect(b.restore('2026-12-01', 0.9)).toEqual({ periodKey: '2026-12-01', spentUsd: 0, reservedUsd: 0 });
    expect(b.read('2026-12-02').spentUsd).toBe(0.3);
    expect(b.restore('2026-12-03', 0.2).spentUsd).toBe(0.2);
    expect(b.read('2026-12-02').spentUsd).toBe(0); // the current period is now the 3rd
  });
});
