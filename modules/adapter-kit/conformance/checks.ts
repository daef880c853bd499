/** What the conformance checks share: the statuses and pieces they script, and how they read results and look for leaks. */
import { ok } from 'node:assert/strict';
import { inspect } from 'node:util';
import {
  type AdapterStreamPart,
  type ErrorKind,
  isSwitchyardError,
  type SwitchyardError,
} from '../../../src/index.js';

export const STATUSES = [400, 401, 403, 404, 408, 409, 422, 429, 500, 502, 503, 504] as const;
export const UPSTREAM: readonly ErrorKind[] = [
  'rate_limited',
  'timeout',
  'server',
  'connection',
  'auth',
  'invalid_request',
  'not_found',
];
export const UNICODE_PIECES = ['héllo', ' — 日本', '語 🚀', ' ✓'];
export const TEXT_PIECES = ['Hel', 'lo, ', 'world'];

/** The outcome of reading a stream: its parts, and what it threw (or `undefined`). */
export interface Collected {
  readonly parts: AdapterStreamPart[];
  readonly error: unknown;
}

export async function collect(stream: AsyncIterable<AdapterStreamPart>): Promise<Collected> {
  const parts: AdapterStreamPart[] = [];
  try {
    for await (const part of stream) parts.push(part);
    return { parts, error: undefined };
  } catch (error) {
    return { parts, error };
  }
}

export function textOf(parts: readonly AdapterStreamPart[]): string {
  return parts.map((p) => (p.type === 'text-delta' ? p.delta : '')).join('');
}

export function asError(value: unknown, what: string): SwitchyardError {
  ok(isSwitchyardError(value), `${what}: expected a SwitchyardError, got ${inspect(value, { depth: 2 })}`);
  return value as SwitchyardError;
}

/** Every piece of 10 characters of a secret: a partly redacted key is a leak too. */
export function fragments(secret: string): string[] {
  const out = [secret];
  for (let i = 0; i + 10 <= secret.length; i++) out.push(secret.slice(i, i + 10));
  return out;
}

/** Where a secret shows in an error: message, code, stack, each cause level, JSON, inspect. */
export function leaks(error: unknown, secret: string): string[] {
  const e = error as Error & { code?: unknown };
  const places: Array<[string, string]> = [
    ['message', String(e.message)],
    ['code', String(e.code)],
    ['stack', String(e.stack)],
    ['JSON.stringify', JSON.stringify(error) ?? ''],
    ['util.inspect', inspect(error, { depth: 10 })],
  ];
  let cause: unknown = e.cause;
  for (let level = 1; cause !== undefined && level <= 20; level++) {
    if (typeof cause !== 'object' || cause === null) {
      places.push([`cause ${level}`, String(cause)]);
      break;
    }
    const c = cause as Error;
    places.push([`cause ${level} message`, String(c.message)], [`cause ${level} stack`, String(c.stack)]);
    for (const [field, value] of Object.entries(c))
      places.push([`cause ${level} .${field}`, inspect(value, { depth: 10 })]);
    cause = c.cause;
  }
  const pieces = fragments(secret);
  return places.filter(([, text]) => pieces.some((p) => text.includes(p))).map(([where]) => where);
}

/**
 * A random key-shaped string (as `redactSecrets` recognises keys): random from its fourth
 * character on, so that no piece of it can turn up in an error by chance.
 */
export function randomKey(prefix: 'sk-' | 'sk-proj-'): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  return `${prefix}${hex}`;
}
