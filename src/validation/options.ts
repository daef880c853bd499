/**
 * The check of router options: every field and duplicate target ids.
 */
import {
  type CheckContext,
  checkJson,
  isFiniteNumber,
  isNonEmptyString,
  isObject,
  isRecord,
} from './context.js';

function expect(c: CheckContext, ok: boolean, message: string): void {
  if (!ok) c.issue(message);
}

const positiveInt = (c: CheckContext, v: unknown) =>
  expect(c, isFiniteNumber(v) && Number.isInteger(v) && v > 0, 'expected a positive integer');
const positive = (c: CheckContext, v: unknown) =>
  expect(c, isFiniteNumber(v) && v > 0, 'expected a positive number');
const nonNegative = (c: CheckContext, v: unknown) =>
  expect(c, isFiniteNumber(v) && v >= 0, 'expected a number ≥ 0');
const nonEmptyString = (c: CheckContext, v: unknown) =>
  expect(c, isNonEmptyString(v), 'expected a non-empty string');
const boolean = (c: CheckContext, v: unknown) => expect(c, typeof v === 'boolean', 'expected a boolean');
const isFunction = (v: unknown): boolean => typeof v === 'function';

function record(c: CheckContext, v: unknown): void {
  expect(c, isRecord(v), 'expected an object');
}

/** A plain object of JSON values (provider options are sent in the request body). */
function jsonRecord(c: CheckContext, v: unknown): void {
  if (!isRecord(v)) {
    c.issue('expected an object');
    return;
  }
  checkJson(c, v);
}

function adapter(c: CheckContext, v: unknown): void {
  const ok =
    isObject(v) &&
    isFunction(c.read(v, 'complete')) &&
    isFunction(c.read(v, 'stream')) &&
    typeof c.read(v, 'capabilities') === 'object';
  expect(c, ok, 'expected an Adapter (an object with complete(), stream() and capabilities)');
}

function price(c: CheckContext, v: unknown): void {
  if (!isObject(v)) {
    c.issue('expected { inputPerMTok, outputPerMTok } in USD per million tokens');
    return;
  }
  c.required(v, 'inputPerMTok', nonNegative);
  c.required(v, 'outputPerMTok', nonNegative);
  c.optional(v, 'cachedInputPerMTok', nonNegative);
  c.optional(v, 'cacheWritePerMTok', nonNegative);
}

/** Checks one target; answers its id when it has a valid one. */
function target(c: CheckContext, t: unknown): string | undefined {
  if (!isObject(t)) {
    c.issue('expected a target object { id, adapter, model }');
    return undefined;
  }
  const id = c.read(t, 'id');
  c.at('id', id, nonEmptyString);
  c.required(t, 'adapter', adapter);
  c.required(t, 'model', nonEmptyString);
  c.optional(t, 'weight', positive);
  c.optional(t, 'priority', (c, v) => expect(c, isFiniteNumber(v), 'expected a number'));
  c.optional(t, 'aliases', (c, v) => {
    if (!Array.isArray(v)) {
      c.issue('expected an array of strings');
      return;
    }
    for (let i = 0; i < v.length; i++) c.at(i, v[i], nonEmptyString);
  });
  c.optional(t, 'maxConcurrency', positiveInt);
  c.optional(t, 'requestsPerMinute', positiveInt);
  c.optional(t, 'price', price);
  c.optional(t, 'contextWindow', positiveInt);
  c.optional(t, 'maxOutputTokens', positiveInt);
  c.optional(t, 'providerOptions', jsonRecord);
  c.optional(t, 'metadata', record);
  return isNonEmptyString(id) ? id : undefined;
}

function targets(c: CheckContext, v: unknown): void {
  if (!Array.isArray(v)) {
    c.issue('expected an array of targets');
    return;
  }
  if (v.length === 0) {
    c.issue('expected at least one target');
    return;
  }
  const seen = new Map<string, number>();
  for (let i = 0; i < v.length; i++) {
    c.path.push(i);
    const id = target(c, v[i]);
    if (id !== undefined) {
      const first = seen.get(id);
      if (first === undefined) seen.set(id, i);
      else c.at('id', id, (c) => c.issue(`duplicate id '${id}' (also targets[${first}].id)`));
    }
    c.path.pop();
  }
}

function strategy(c: CheckContext, v: unknown): void {
  if (typeof v === 'string') {
    expect(c, v !== '', 'expected a non-empty string');
    return;
  }
  const ok = typeof v === 'function' || (isObject(v) && isFunction(c.read(v, 'pick')));
  expect(c, ok, 'expected a strategy name, a Strategy object with pick(), or a factory function');
}

function retry(c: CheckContext, v: unknown): void {
  if (!isObject(v)) {
    c.issue('expected { maxAttempts?, baseDelayMs?, maxDelayMs?, maxRetryAfterMs? }');
    return;
  }
  c.optional(v, 'maxAttempts', positiveInt);
  c.optional(v, 'baseDelayMs', nonNegative);
  c.optional(v, 'maxDelayMs', nonNegative);
  c.optional(v, 'maxRetryAfterMs', nonNegative);
}

function breaker(c: CheckContext, v: unknown): void {
  if (v === false) return;
  if (!isObject(v)) {
    c.issue('expected false or { failureThreshold?, cooldownMs?, maxCooldownMs?, waitForRecovery? }');
    return;
  }
  c.optional(v, 'failureThreshold', positiveInt);
  c.optional(v, 'cooldownMs', positive);
  c.optional(v, 'maxCooldownMs', positive);
  c.optional(v, 'waitForRecovery', boolean);
}

/** Checks router options (see the module comment). */
export function checkRouterOptions(c: CheckContext, options: unknown): void {
  if (!isObject(options)) {
    c.issue('expected a router options object');
    return;
  }
  c.required(options, 'targets', targets);
  c.optional(options, 'strategy', strategy);
  c.optional(options, 'retry', retry);
  c.optional(options, 'timeoutMs', positive);
  c.optional(options, 'streamIdleTimeoutMs', positive);
  c.optional(options, 'breaker', breaker);
  c.optional(options, 'includeContentInEvents', boolean);
  c.optional(options, 'validateRequests', boolean);
}
