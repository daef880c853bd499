/** The check of the router's `routes` option (conditional routing). */
import {
  type CheckContext,
  checkKnownKeys,
  expect,
  isObject,
  nonEmptyString,
  nonNegative,
} from './context.js';
import { hedgeFits, hedgeShape } from './hedge.js';

const RULE_KEYS = ['name', 'when', 'targets', 'strategy', 'hedge'];
const CONDITION_KEYS = [
  'tags',
  'model',
  'user',
  'key',
  'metadata',
  'minInputTokens',
  'maxInputTokens',
  'hasTools',
  'hasImages',
  'stream',
];

/**
 * Checks `routes`: an array of rules `{ name?, when, targets?, strategy?, hedge? }`; a rule's
 * hedge against the router's `timeoutMs` and `retry.maxAttempts` (its target count is checked
 * when the rules are built).
 */
export function routes(c: CheckContext, v: unknown, timeoutMs?: unknown, maxAttempts?: unknown): void {
  if (!Array.isArray(v)) {
    c.issue('expected an array of routes { when, targets?, strategy?, hedge? }');
    return;
  }
  for (let i = 0; i < v.length; i++) c.at(i, v[i], (c, r) => rule(c, r, timeoutMs, maxAttempts));
}

function rule(c: CheckContext, r: unknown, timeoutMs: unknown, maxAttempts: unknown): void {
  if (!isObject(r)) {
    c.issue('expected a route { name?, when, targets?, strategy?, hedge? }');
    return;
  }
  checkKnownKeys(c, r, RULE_KEYS);
  c.optional(r, 'name', nonEmptyString);
  c.required(r, 'when', condition);
  c.optional(r, 'targets', nonEmptyStrings);
  c.optional(r, 'strategy', nonEmptyString);
  c.optional(r, 'hedge', (c, h) => {
    const before = c.issues.length;
    hedgeShape(c, h, true);
    if (c.issues.length === before) hedgeFits(c, h, timeoutMs, maxAttempts);
  });
  expect(
    c,
    r.targets !== undefined || r.strategy !== undefined || r.hedge !== undefined,
    'a route needs `targets`, `strategy`, `hedge` or a combination',
  );
}

function condition(c: CheckContext, w: unknown): void {
  if (!isObject(w)) {
    c.issue('expected a condition { tags?, model?, user?, key?, metadata?, minInputTokens?, … }');
    return;
  }
  checkKnownKeys(c, w, CONDITION_KEYS);
  for (const key of ['tags', 'model', 'user', 'key']) c.optional(w, key, nonEmptyStrings);
  c.optional(w, 'metadata', (c, m) => {
    if (!isObject(m)) {
      c.issue('expected an object of field → string, number or boolean');
      return;
    }
    for (const [field, value] of Object.entries(m)) {
      c.at(field, value, (c, x) =>
        expect(c, ['string', 'number', 'boolean'].includes(typeof x), 'expected a string, number or boolean'),
      );
    }
  });
  c.optional(w, 'minInputTokens', nonNegative);
  c.optional(w, 'maxInputTokens', nonNegative);
  for (const key of ['hasTools', 'hasImages', 'stream']) {
    c.optional(w, key, (c, b) => expect(c, typeof b === 'boolean', 'expected a boolean'));
  }
}

function nonEmptyStrings(c: CheckContext, v: unknown): void {
  if (!Array.isArray(v) || v.length === 0) {
    c.issue('expected a non-empty array of strings');
    return;
  }
  for (let i = 0; i < v.length; i++) c.at(i, v[i], nonEmptyString);
}
