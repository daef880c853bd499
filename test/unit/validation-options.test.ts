/**
 * Router options: a key the router does not know is a mistake (most often a typo) and fails
 * with a `config` error naming the closest known key, at the top level, in each target and in
 * the nested option objects. The options the router is gaining (middleware, queue, restore)
 * are known and checked.
 */
import { describe, expect, it } from 'vitest';
import { Router } from '../../index.js';
import { MockAdapter } from '../../src/testing/index.js';
import { closestKey, editDistance } from '../../src/validation/context.js';
import { validateMiddleware } from '../../src/validation/validate.js';
import { constructionError } from '../helpers/calls.js';

const adapter = new MockAdapter(() => ({ text: 'ok' }));
const target = { id: 'a', adapter, model: 'm' };

describe('unknown option keys', () => {
  it.each([
    [
      { targets: [target], stratgy: 'random' },
      "invalid router options: unknown option 'stratgy' (did you mean 'strategy'?)",
    ],
    [{ targets: [target], timeout: 5000 }, "unknown option 'timeout' (did you mean 'timeoutMs'?)"],
    [{ targets: [target], Retry: {} }, "unknown option 'Retry' (did you mean 'retry'?)"],
    [{ targets: [{ ...target, wieght: 2 }] }, "targets[0]: unknown option 'wieght' (did you mean 'weight'?)"],
    [
      { targets: [target, { ...target, id: 'b', maxConcurency: 2 }] },
      "targets[1]: unknown option 'maxConcurency' (did you mean 'maxConcurrency'?)",
    ],
    [
      { targets: [{ ...target, price: { inputPerMTok: 1, outputPerMTok: 2, cachedInputPerMtok: 0.1 } }] },
      "targets[0].price: unknown option 'cachedInputPerMtok' (did you mean 'cachedInputPerMTok'?)",
    ],
    [
      { targets: [target], retry: { maxAttempt: 2 } },
      "retry: unknown option 'maxAttempt' (did you mean 'maxAttempts'?)",
    ],
    [
      { targets: [target], breaker: { cooldown: 5 } },
      "breaker: unknown option 'cooldown' (did you mean 'cooldownMs'?)",
    ],
    [
      { targets: [target], queue: { maxWait: 5 } },
      "queue: unknown option 'maxWait' (did you mean 'maxWaitMs'?)",
    ],
    [
      { targets: [target], zzz: 1 },
      "unknown option 'zzz' (known: targets, strategy, strategies, retry, timeoutMs",
    ],
  ])('%j fails with a config error naming the closest known key', (options, expected) => {
    const error = constructionError(options);
    expect(error.kind).toBe('config');
    expect(error.message).toContain(expected);
  });

  it('lists every unknown key and every bad field in one message', () => {
    const error = constructionError({ targets: [{ ...target, wieght: 2, weight: -1 }], stratgy: 'x' });
    expect(error.message).toContain("unknown option 'stratgy'");
    expect(error.message).toContain("targets[0]: unknown option 'wieght'");
    expect(error.message).toContain('targets[0].weight: expected a positive number');
  });

  it('suggests only a likely typo', () => {
    expect(editDistance('stratgy', 'strategy')).toBe(1);
    expect(editDistance('wieght', 'weight')).toBe(1); // a transposition is one edit
    expect(closestKey('timeout', ['targets', 'timeoutMs'])).toBe('timeoutMs');
    expect(closestKey('zzz', ['targets', 'strategy'])).toBeUndefined();
    expect(closestKey('retries', ['retry', 'random'])).toBeUndefined();
  });
});

describe('every known option is accepted', () => {
  it('clock, random, store, strategies, middleware, queue and restore', () => {
    const router = new Router({
      targets: [
        { ...target, weight: 2, price: { inputPerMTok: 1, outputPerMTok: 2 }, metadata: { tier: 1 } },
      ],
      strategy: 'round-robin',
      strategies: Router.strategies,
      retry: { maxAttempts: 2, baseDelayMs: 0, maxDelayMs: 10, maxRetryAfterMs: 100 },
      timeoutMs: 1000,
      streamIdleTimeoutMs: 500,
      breaker: { failureThreshold: 2, cooldownMs: 10, maxCooldownMs: 100, waitForRecovery: true },
      clock: { now: () => 0, setTimeout: () => 0, clearTimeout: () => {} },
      random: Math.random,
      store: { target: () => ({}) as never },
      includeContentInEvents: false,
      validateRequests: true,
      middleware: [{ name: 'log', wrapCall: (_ctx: unknown, next: () => Promise<unknown>) => next() }],
      queue: { maxWaitMs: Infinity },
      restore: { ...new Router({ targets: [target] }).snapshot(), targets: {} },
    } as never);
    expect(router.strategyName).toBe('round-robin');
    expect(
      () => new Router({ targets: [target], queue: { maxWaitMs: 0 }, middleware: [] } as never),
    ).not.toThrow();
  });
});

describe('the options the router is gaining', () => {
  it.each([
    [{ queue: { maxWaitMs: -1 } }, 'queue.maxWaitMs: expected a number ≥ 0 or Infinity'],
    [{ queue: { maxWaitMs: Number.NaN } }, 'queue.maxWaitMs: expected a number ≥ 0 or Infinity'],
    [{ queue: { maxWaitMs: -Infinity } }, 'queue.maxWaitMs: expected a number ≥ 0 or Infinity'],
    [{ queue: { maxWaitMs: '5' } }, 'queue.maxWaitMs: expected a number ≥ 0 or Infinity'],
    [{ queue: 5 }, 'queue: expected { maxWaitMs? }'],
    [{ middleware: {} }, 'middleware: expected an array of middleware'],
    [{ middleware: [null] }, 'middleware[0]: expected a middleware object'],
    [{ middleware: [{}] }, 'middleware[0].name: expected a non-empty string'],
    [{ middleware: [{ name: 'a' }, { name: '' }] }, 'middleware[1].name: expected a non-empty string'],
    [{ middleware: [{ name: 'a', wrapCall: 'x' }] }, 'middleware[0].wrapCall: expected a function'],
    [{ restore: 5 }, 'restore: expected a snapshot object'],
    [{ restore: null }, 'restore: expected a snapshot object'],
    [{ clock: { now: () => 0 } }, 'clock: expected a Clock'],
    [{ random: 0.5 }, 'random: expected a function'],
    [{ store: {} }, 'store: expected a StateStore'],
    [{ strategies: {} }, 'strategies: expected a StrategyRegistry'],
  ])('%j fails with a config error naming the field', (extra, expected) => {
    const error = constructionError({ targets: [target], ...extra });
    expect(error.kind).toBe('config');
    expect(error.message).toContain(expected);
  });
});

describe('validateMiddleware (for middleware added after construction)', () => {
  it('applies the same rule as the middleware option', () => {
    expect(() => validateMiddleware({ name: 'log', wrapAttempt: () => undefined })).not.toThrow();
    for (const [middleware, expected] of [
      [{}, 'invalid middleware: name: expected a non-empty string'],
      [{ name: 'x', transformRequest: 1 }, 'invalid middleware: transformRequest: expected a function'],
      [null, 'invalid middleware: (root): expected a middleware object'],
    ] as const) {
      let thrown: any;
      try {
        validateMiddleware(middleware);
      } catch (error) {
        thrown = error;
      }
      expect(thrown?.kind).toBe('config');
      expect(thrown?.message).toContain(expected);
    }
  });
});
