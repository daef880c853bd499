import { describe, expect, it } from 'vitest';
import {
  type AttemptEntry,
  type CallRecord,
  callMetrics,
  type DegradationEvent,
  detectionMetrics,
  percentile,
  regretOf,
} from '../../modules/lab/index.js';
import { DEFAULT_UTILITY_WEIGHTS } from '../../src/index.js';

const call = (latencyMs: number, ok = true, costUsd = 0, firstAttemptOk = ok): CallRecord => ({
  index: 0,
  at: 0,
  stream: false,
  inputTokens: 1,
  outputTokens: 1,
  ok,
  latencyMs,
  costUsd,
  attempts: 1,
  firstAttemptOk,
});

describe('percentile', () => {
  it('interpolates linearly between the closest ranks', () => {
    const sorted = [10, 20, 30, 40, 50];
    expect(percentile(sorted, 0)).toBe(10);
    expect(percentile(sorted, 0.5)).toBe(30);
    expect(percentile(sorted, 0.95)).toBeCloseTo(48, 9);
    expect(percentile(sorted, 1)).toBe(50);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBeNaN();
  });
});

describe('callMetrics', () => {
  it('computes latency percentiles, error rates, cost per 1k and mean utility', () => {
    const calls = [
      call(1000, true, 0.001),
      call(2000, true, 0.003),
      call(3000, false, 0, false),
      call(4000, true, 0, false),
    ];
    const m = callMetrics(calls);
    expect(m.calls).toBe(4);
    expect(m.p50Ms).toBe(2500);
    expect(m.meanLatencyMs).toBe(2500);
    expect(m.errorRate).toBe(0.25);
    expect(m.firstAttemptErrorRate).toBe(0.5);
    expect(m.costPer1k).toBeCloseTo(1, 9);
    // −(1 + 1) − (2 + 3) − (3 + 10) − 4 = −24 over 4 calls.
    expect(m.utility).toBeCloseTo(-6, 9);
    expect(callMetrics(calls, { ...DEFAULT_UTILITY_WEIGHTS, error: 0 }).utility).toBeCloseTo(-3.5, 9);
    expect(callMetrics([]).errorRate).toBe(0);
  });
});

describe('regretOf', () => {
  it('is the share of the random-to-oracle gap left on the table', () => {
    expect(regretOf(-10, -10, -20)).toBe(0);
    expect(regretOf(-20, -10, -20)).toBe(1);
    expect(regretOf(-12.5, -10, -20)).toBe(0.25);
    expect(regretOf(-9, -10, -20)).toBe(-0.1);
    expect(regretOf(-9, -10, -10)).toBeNull();
  });
});

describe('detectionMetrics', () => {
  /** Attempts one per second; provider of each from a pattern string (digits). */
  const attempts = (pattern: string, start = 0): AttemptEntry[] =>
    [...pattern].map((ch, i) => ({ startedAt: (start + i) * 1000, provider: Number(ch) }));
  const event: DegradationEvent = { provider: 'b', index: 1, state: 'degraded', from: 10_000, until: 20_000 };

  it('counts requests until the share of the last window falls under the threshold, and time to return', () => {
    // 10 s half on provider 1; then 3 more to it, then none; recovery at 20 s; back at 23 s.
    const log = attempts(`${'01'.repeat(5)}1101000000${'0'.repeat(3)}1111111`);
    const d = detectionMetrics(log, event, { window: 5, leaveShare: 0.2, returnFraction: 0.5 });
    expect(d.shareBefore).toBe(0.5);
    // The last 5 attempts hold no hit first at t = 18 s; 3 attempts went to it since 10 s.
    expect(d.requestsToLeave).toBe(3);
    // Back to ≥ 25% of the last 5 (2 hits) at t = 24 s: 4 s after recovery.
    expect(d.secondsToReturn).toBe(4);
  });

  it('reports null when traffic never leaves or never returns, or nothing came before', () => {
    const stays = detectionMetrics(attempts('1'.repeat(30)), event, { window: 5 });
    expect(stays.requestsToLeave).toBeNull();
    expect(stays.secondsToReturn).toBe(0);
    const never = detectionMetrics(attempts(`${'1'.repeat(10)}${'0'.repeat(20)}`), event, { window: 5 });
    expect(never.requestsToLeave).toBe(0);
    expect(never.secondsToReturn).toBeNull();
    const noBefore = detectionMetrics(attempts('0'.repeat(30), 10), event);
    expect(noBefore.shareBefore).toBeNull();
    expect(noBefore.secondsToReturn).toBeNull();
    const forever = detectionMetrics(attempts('1'.repeat(30)), { ...event, until: Number.POSITIVE_INFINITY });
    expect(forever.secondsToReturn).toBeNull();
  });
});
