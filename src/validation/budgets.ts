/** The check of the router's `budgets` option. */
import {
  type CheckContext,
  checkKnownKeys,
  expect,
  isFiniteNumber,
  isObject,
  nonEmptyString,
  nonNegative,
  positiveInt,
} from './context.js';

const BUDGET_KEYS = [
  'id',
  'scope',
  'limitUsd',
  'period',
  'timeZone',
  'reserveOutputTokens',
  'thresholds',
  'holdMarginMs',
];
const SCOPE_KEYS = ['tag', 'user', 'key', 'alias'];
const PERIODS = ['day', 'month', 'total'];

/** Checks `budgets`: an array of budget configs. */
export function budgets(c: CheckContext, v: unknown): void {
  if (!Array.isArray(v)) {
    c.issue('expected an array of budgets { scope?, limitUsd, period, … }');
    return;
  }
  for (let i = 0; i < v.length; i++) c.at(i, v[i], budget);
}

/** Checks one budget config. */
export function budget(c: CheckContext, b: unknown): void {
  if (!isObject(b)) {
    c.issue('expected a budget { scope?, limitUsd, period, timeZone?, … }');
    return;
  }
  checkKnownKeys(c, b, BUDGET_KEYS);
  c.optional(b, 'id', nonEmptyString);
  c.optional(b, 'scope', scope);
  c.required(b, 'limitUsd', nonNegative);
  c.required(b, 'period', (c, p) =>
    expect(c, typeof p === 'string' && PERIODS.includes(p), "expected 'day', 'month' or 'total'"),
  );
  c.optional(b, 'timeZone', timeZone);
  c.optional(b, 'reserveOutputTokens', positiveInt);
  c.optional(b, 'holdMarginMs', nonNegative);
  c.optional(b, 'thresholds', (c, t) =>
    expect(
      c,
      Array.isArray(t) && t.every((x) => isFiniteNumber(x) && x > 0),
      'expected an array of fractions of the limit > 0 (e.g. [0.5, 0.8, 1])',
    ),
  );
}

function scope(c: CheckContext, s: unknown): void {
  if (!isObject(s)) {
    c.issue('expected { tag?, user?, key?, alias? }');
    return;
  }
  checkKnownKeys(c, s, SCOPE_KEYS);
  for (const key of SCOPE_KEYS) c.optional(s, key, nonEmptyString);
}

function timeZone(c: CheckContext, z: unknown): void {
  let known = typeof z === 'string' && z.length > 0;
  if (known) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: z as string });
    } catch {
      known = false;
    }
  }
  expect(c, known, "expected an IANA time zone such as 'UTC' or 'Europe/Paris'");
}
