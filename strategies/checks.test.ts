import { describe, expect, it } from 'vitest';
import { isSwitchyardError } from '../src/index.js';
import { checkNonNegative } from './checks.js';
import { leastBusy } from './least-busy.js';
import { fakeTargets } from './testing.js';

describe('checkNonNegative', () => {
  it('returns finite numbers >= 0 and rejects the rest with a config error naming strategy and field', () => {
    expect(checkNonNegative('x', 'lateAfter', 0)).toBe(0);
    expect(checkNonNegative('x', 'lateAfter', 2.5)).toBe(2.5);
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      let error: unknown;
      try {
        checkNonNegative('x', 'lateAfter', bad);
      } catch (e) {
        error = e;
      }
      expect(isSwitchyardError(error) && error.kind).toBe('config');
      expect((error as Error).message).toBe(
        `x: lateAfter: expected a finite number >= 0, got ${String(bad)}`,
      );
    }
  });
});

describe('leastBusy', () => {
  it('picks the candidate with the fewest attempts in flight, the first of equals', () => {
    const targets = fakeTargets([{ inFlight: 3 }, { inFlight: 1 }, { inFlight: 1 }]);
    expect(leastBusy(targets).id).toBe('b');
    expect(leastBusy([targets[0]!]).id).toBe('a');
  });
});
