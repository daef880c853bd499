import { SwitchyardError } from '../../src/index.js';

/** The settings a default may give, with the check of each value (undefined: fine, else why not). */
const CHECKS: Readonly<Record<string, (value: unknown) => string | undefined>> = {
  maxOutputTokens: (v) => (isInt(v) && v > 0 ? undefined : 'expected a positive integer'),
  temperature: (v) => (isNumber(v) && v >= 0 ? undefined : 'expected a number ≥ 0'),
  topP: (v) => (isNumber(v) && v >= 0 && v <= 1 ? undefined : 'expected a number from 0 to 1'),
  topK: (v) => (isInt(v) && v > 0 ? undefined : 'expected a positive integer'),
  presencePenalty: (v) => (isNumber(v) ? undefined : 'expected a number'),
  frequencyPenalty: (v) => (isNumber(v) ? undefined : 'expected a number'),
  seed: (v) => (isInt(v) ? undefined : 'expected an integer'),
  stopSequences: (v) =>
    Array.isArray(v) && v.every((s) => typeof s === 'string') ? undefined : 'expected an array of strings',
  responseFormat: (v) =>
    isObject(v) && (v.type === 'text' || v.type === 'json')
      ? undefined
      : "expected { type: 'text' } or { type: 'json', schema? }",
};

/** Names of the settings a default may give, providerOptions aside. */
export const SETTING_KEYS: readonly string[] = Object.keys(CHECKS);

function isNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function isInt(v: unknown): v is number {
  return Number.isInteger(v);
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function configError(field: string, problem: string): SwitchyardError {
  return new SwitchyardError('config', `defaultSettings: ${field}: ${problem}`, { retryable: false });
}

/**
 * Checks one settings object and returns a frozen copy. `nested` says whether its
 * `providerOptions` are keyed by provider name or target id (request level) or flat (one target).
 */
export function checkSettings<T extends object>(value: unknown, field: string, nested: boolean): T {
  if (!isObject(value)) throw configError(field, 'expected an object of settings');
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    if (key === 'providerOptions') {
      out[key] = checkProviderOptions(v, `${field}.providerOptions`, nested);
      continue;
    }
    const check = CHECKS[key];
    if (check === undefined) {
      throw configError(
        `${field}.${key}`,
        `not a setting a default can give (one of ${[...SETTING_KEYS, 'providerOptions'].join(', ')})`,
      );
    }
    const problem = check(v);
    if (problem !== undefined) throw configError(`${field}.${key}`, problem);
    out[key] = Array.isArray(v) ? Object.freeze([...v]) : isObject(v) ? Object.freeze({ ...v }) : v;
  }
  return Object.freeze(out) as T;
}

function checkProviderOptions(
  value: unknown,
  field: string,
  nested: boolean,
): Readonly<Record<string, unknown>> {
  if (!isObject(value)) throw configError(field, 'expected an object');
  if (!nested) return Object.freeze({ ...value });
  const out: Record<string, Readonly<Record<string, unknown>>> = {};
  for (const [key, options] of Object.entries(value)) {
    if (!isObject(options)) {
      throw configError(
        `${field}.${key}`,
        'expected an object of options (keyed by provider name or target id)',
      );
    }
    out[key] = Object.freeze({ ...options });
  }
  return Object.freeze(out);
}

/** Checks a record of settings objects (`byModel`, `byTarget`). */
export function checkRecord<T extends object>(
  value: unknown,
  field: string,
  nested: boolean,
): Readonly<Record<string, T>> {
  if (!isObject(value)) throw configError(field, 'expected an object keyed by name');
  const out: Record<string, T> = {};
  for (const [key, settings] of Object.entries(value)) {
    if (key === '') throw configError(field, 'expected non-empty keys');
    out[key] = checkSettings<T>(settings, `${field}.${key}`, nested);
  }
  return Object.freeze(out);
}
