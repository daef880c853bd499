import { describe, expect, it } from 'vitest';
import { isOnTime, ON_TIME_RATIO } from './on-time.js';

describe('isOnTime', () => {
  it('is within twice the expected latency; never before anything is expected', () => {
    expect(ON_TIME_RATIO).toBe(2);
    expect(isOnTime(2_000, 1_000)).toBe(true);
    expect(isOnTime(2_001, 1_000)).toBe(false);
    expect(isOnTime(0, 0)).toBe(false);
  });
});
