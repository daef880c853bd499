/**
 * The check of router options: every field, unknown keys (with the closest known key), duplicate
 * target ids. A read that throws propagates with the path left on the context.
 */
import { budgets } from './budgets.js';
import {
  type CheckContext,
  checkKnownKeys,
  expect,
  finite,
  isNonEmptyString,
  isObject,
  isRecord,
  jsonRecord,
  nonEmptyString,
  nonNegative,
  positive,
  positiveInt,
} from './context.js';
import { hedgeFits, hedgeShape } from './hedge.js';
import { routes } from './routes.js';

const OPTION_KEYS = [
  'targets',
  'strategy',
  'strategies',
  'retry',
  'timeoutMs',
  'streamIdleTimeoutMs',
  'firstTokenTimeoutMs',
  'interTokenTimeoutMs',
  'breaker',
  'clock',
  'random',
  'store',
  'includeContentInEvents',
  'validateRequests',
  'middleware',
  'queue',
  'restore',
  'budgets',
  'routes',
  'affinity',
  'hedge',
];
const TARGET_KEYS = [
  'id',
  'adapter',
  'model',
  'weight',
  'priority',
  'aliases',
  'maxConcurrency',
  'requestsPerMinute',
  'tokensPerMinute',
  'price',
  'contextWindow',
  'maxOutputTokens',
  'firstTokenTimeoutMs',
  'interTokenTimeoutMs',
  'providerOptions',
  'metadata',
];
const PRICE_KEYS = ['inputPerMTok', 'outputPerMTok', 'cachedInputPerMTok', 'cacheWritePerMTok'];
const RETRY_KEYS = ['maxAttempts', 'baseDelayMs', 'maxDelayMs', 'maxRetryAfterMs'];
const BREAKER_KEYS = ['failureThreshold', 'cooldownMs', 'maxCooldownMs', 'waitForRecovery'];
const QUEUE_KEYS = ['maxWaitMs'];
const AFFINITY_KEYS = ['by', 'prefixChars', 'maxSessions', 'loadFactor'];
const MIDDLEWARE_HOOKS = ['transformRequest', 'wrapCall', 'wrapStream', 'wrapAttempt', 'wrapAttemptStream'];

const boolean = (c: CheckContext, v: unknown) => expect(c, typeof v === 'boolean', 'expected a boolean');
const isFunction = (v: unknown): boolean => typeof v === 'function';

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
  checkKnownKeys(c, v, PRICE_KEYS);
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
  checkKnownKeys(c, t, TARGET_KEYS);
  const id = c.read(t, 'id');
  c.at('id', id, nonEmptyString);
  c.required(t, 'adapter', adapter);
  c.required(t, 'model', nonEmptyString);
  c.optional(t, 'weight', positive);
  c.optional(t, 'priority', finite);
  c.optional(t, 'aliases', (c, v) => {
    if (!Array.isArray(v)) {
      c.issue('expected an array of strings');
      return;
    }
    for (let i = 0; i < v.length; i++) c.at(i, v[i], nonEmptyString);
  });
  c.optional(t, 'maxConcurrency', positiveInt);
  c.optional(t, 'requestsPerMinute', positiveInt);
  c.optional(t, 'tokensPerMinute', positiveInt);
  c.optional(t, 'price', price);
  c.optional(t, 'contextWindow', positiveInt);
  c.optional(t, 'maxOutputTokens', positiveInt);
  c.optional(t, 'firstTokenTimeoutMs', positive);
  c.optional(t, 'interTokenTimeoutMs', positive);
  c.optional(t, 'providerOptions', jsonRecord);
  c.optional(t, 'metadata', (c, v) => expect(c, isRecord(v), 'expected an object'));
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
  checkKnownKeys(c, v, RETRY_KEYS);
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
  checkKnownKeys(c, v, BREAKER_KEYS);
  c.optional(v, 'failureThreshold', positiveInt);
  c.optional(v, 'cooldownMs', positive);
  c.optional(v, 'maxCooldownMs', positive);
  c.optional(v, 'waitForRecovery', boolean);
}

function queue(c: CheckContext, v: unknown): void {
  if (!isObject(v)) {
    c.issue('expected { maxWaitMs? }');
    return;
  }
  checkKnownKeys(c, v, QUEUE_KEYS);
  c.optional(v, 'maxWaitMs', (c, ms) =>
    expect(
      c,
      typeof ms === 'number' && ms >= 0 && (Number.isFinite(ms) || ms === Infinity),
      'expected a number ≥ 0 or Infinity',
    ),
  );
}

function affinity(c: CheckContext, v: unknown, targetCount: number): void {
  if (!isObject(v)) {
    c.issue('expected { by?, prefixChars?, maxSessions?, loadFactor? }');
    return;
  }
  checkKnownKeys(c, v, AFFINITY_KEYS);
  c.optional(v, 'by', (c, by) =>
    expect(c, by === 'session' || by === 'session-or-prefix', "expected 'session' or 'session-or-prefix'"),
  );
  c.optional(v, 'prefixChars', positiveInt);
  c.optional(v, 'maxSessions', positiveInt);
  c.optional(v, 'loadFactor', (c, f) =>
    expect(c, typeof f === 'number' && Number.isFinite(f) && f >= 1, 'expected a number ≥ 1'),
  );
  if (targetCount === 1) {
    c.issue('needs at least two targets (with one target every call goes to it anyway)');
  }
}

function middleware(c: CheckContext, v: unknown): void {
  if (!Array.isArray(v)) {
    c.issue('expected an array of middleware');
    return;
  }
  for (let i = 0; i < v.length; i++) c.at(i, v[i], checkMiddleware);
}

/** Checks one middleware: an object with a non-empty `name` and functions for the hooks it has. */
export function checkMiddleware(c: CheckContext, m: unknown): void {
  if (!isObject(m)) {
    c.issue('expected a middleware object { name, …hooks }');
    return;
  }
  c.required(m, 'name', nonEmptyString);
  for (const hook of MIDDLEWARE_HOOKS) {
    c.optional(m, hook, (c, f) => expect(c, isFunction(f), 'expected a function'));
  }
}

function hasMethods(v: unknown, c: CheckContext, names: readonly string[]): boolean {
  if (!isObject(v)) return false;
  for (const name of names) if (!isFunction(c.read(v, name))) return false;
  return true;
}

/** Checks router options (see the module comment). */
export function checkRouterOptions(c: CheckContext, options: unknown): void {
  if (!isObject(options)) {
    c.issue('expected a router options object');
    return;
  }
  checkKnownKeys(c, options, OPTION_KEYS);
  c.required(options, 'targets', targets);
  c.optional(options, 'strategy', strategy);
  c.optional(options, 'strategies', (c, v) =>
    expect(c, hasMethods(v, c, ['get', 'names']), 'expected a StrategyRegistry'),
  );
  c.optional(options, 'retry', retry);
  c.optional(options, 'timeoutMs', positive);
  c.optional(options, 'streamIdleTimeoutMs', positive);
  c.optional(options, 'firstTokenTimeoutMs', positive);
  c.optional(options, 'interTokenTimeoutMs', positive);
  c.optional(options, 'breaker', breaker);
  c.optional(options, 'clock', (c, v) =>
    expect(
      c,
      hasMethods(v, c, ['now', 'setTimeout', 'clearTimeout']),
      'expected a Clock (an object with now(), setTimeout() and clearTimeout())',
    ),
  );
  c.optional(options, 'random', (c, v) =>
    expect(c, isFunction(v), 'expected a function returning numbers in [0, 1)'),
  );
  c.optional(options, 'store', (c, v) =>
    expect(c, hasMethods(v, c, ['target']), 'expected a StateStore (an object with target())'),
  );
  c.optional(options, 'includeContentInEvents', boolean);
  c.optional(options, 'validateRequests', boolean);
  c.optional(options, 'middleware', middleware);
  c.optional(options, 'queue', queue);
  c.optional(options, 'restore', (c, v) => expect(c, isObject(v), 'expected a snapshot object'));
  c.optional(options, 'budgets', budgets);
  // Hedges are checked against the deadline and the attempt budget (both read, and checked, above).
  const timeoutMs = c.read(options, 'timeoutMs');
  let maxAttempts: unknown;
  c.optional(options, 'retry', (c, r) => {
    if (isObject(r)) maxAttempts = c.read(r, 'maxAttempts');
  });
  c.optional(options, 'routes', (c, v) => routes(c, v, timeoutMs, maxAttempts));
  const list = c.read(options, 'targets');
  c.optional(options, 'affinity', (c, v) => affinity(c, v, Array.isArray(list) ? list.length : 0));
  c.optional(options, 'hedge', (c, v) => {
    const before = c.issues.length;
    hedgeShape(c, v, false);
    if (c.issues.length !== before) return;
    hedgeFits(c, v, timeoutMs, maxAttempts);
    if (Array.isArray(list) && list.length === 1) {
      c.issue('needs at least two targets (a hedge goes to another target than the attempt it hedges)');
    }
  });
}
