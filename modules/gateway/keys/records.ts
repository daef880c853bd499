import { WireError } from '../wire-error.js';
import type { KeyBudget, KeyMetadata, KeyRecord } from './types.js';

/** What the admin API and the CLI may set on a key; `null` clears a field (unlimited, every model). */
export interface KeySettings {
  readonly name?: string;
  readonly models?: readonly string[] | null;
  readonly rpm?: number | null;
  readonly tpm?: number | null;
  readonly budget?: KeyBudget | null;
  readonly metadata?: KeyMetadata | null;
}

const FIELDS = new Set(['name', 'models', 'rpm', 'tpm', 'budget', 'metadata']);
const TAG = /^[A-Za-z0-9._:/=-]{1,64}$/;
const PERIODS = new Set(['day', 'month', 'total']);
/** Most models one key may list, and tags it may carry. */
const MAX_MODELS = 256;
const MAX_TAGS = 16;

function fail(param: string, expected: string): never {
  throw new WireError(`Invalid '${param}': expected ${expected}.`, param);
}

function hasControl(value: string): boolean {
  for (let i = 0; i < value.length; i++)
    if (value.charCodeAt(i) < 0x20 || value.charCodeAt(i) === 0x7f) return true;
  return false;
}

function text(value: unknown, param: string, max: number): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max || hasControl(value)) {
    fail(param, `a string of 1 to ${max} characters without control characters`);
  }
  return value;
}

function limit(value: unknown, param: string): number | null {
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    fail(param, 'a whole number of at least 1, or null for no limit');
  }
  return value;
}

function object(value: unknown, param: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(param, 'an object');
  return value as Record<string, unknown>;
}

function onlyKeys(value: Record<string, unknown>, allowed: readonly string[], param: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new WireError(`Unknown field '${param}${key}'.`, `${param}${key}`, 'unknown_parameter');
    }
  }
}

function budget(value: unknown): KeyBudget | null {
  if (value === null) return null;
  const b = object(value, 'budget');
  onlyKeys(b, ['limitUsd', 'period'], 'budget.');
  if (typeof b.limitUsd !== 'number' || !Number.isFinite(b.limitUsd) || b.limitUsd <= 0) {
    fail('budget.limitUsd', 'a positive number of USD');
  }
  if (typeof b.period !== 'string' || !PERIODS.has(b.period))
    fail('budget.period', "'day', 'month' or 'total'");
  return { limitUsd: b.limitUsd, period: b.period as KeyBudget['period'] };
}

function metadata(value: unknown): KeyMetadata | null {
  if (value === null) return null;
  const m = object(value, 'metadata');
  onlyKeys(m, ['user', 'team', 'tags'], 'metadata.');
  const out: { user?: string; team?: string; tags?: string[] } = {};
  if (m.user !== undefined) out.user = text(m.user, 'metadata.user', 256);
  if (m.team !== undefined) out.team = text(m.team, 'metadata.team', 64);
  if (m.tags !== undefined) {
    if (!Array.isArray(m.tags) || m.tags.length > MAX_TAGS)
      fail('metadata.tags', `an array of at most ${MAX_TAGS} tags`);
    out.tags = m.tags.map((t: unknown, i) => {
      if (typeof t !== 'string' || !TAG.test(t))
        fail(`metadata.tags[${i}]`, '1 to 64 letters, digits and . _ - : / =');
      return t;
    });
  }
  return out;
}

function models(value: unknown): readonly string[] | null {
  if (value === null) return null;
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_MODELS) {
    fail(
      'models',
      `a non-empty array of at most ${MAX_MODELS} model or alias names, or null for every model`,
    );
  }
  return value.map((m: unknown, i) => text(m, `models[${i}]`, 256));
}

/**
 * Reads the body of a key creation (`name` required) or change (every field optional): the
 * settings, checked. Unknown fields are refused, so a misspelt limit does not pass silently.
 *
 * @throws {WireError} naming the field.
 */
export function readKeySettings(body: unknown, creating: boolean): KeySettings {
  if (body === undefined && !creating) return {};
  const b = object(body, 'body');
  onlyKeys(b, [...FIELDS], '');
  if (creating && b.name === undefined) {
    throw new WireError("Missing required field 'name'.", 'name', 'missing_required_parameter');
  }
  const out: {
    -readonly [K in keyof KeySettings]: KeySettings[K];
  } = {};
  if (b.name !== undefined) out.name = text(b.name, 'name', 128);
  if (b.models !== undefined) out.models = models(b.models);
  if (b.rpm !== undefined) out.rpm = limit(b.rpm, 'rpm');
  if (b.tpm !== undefined) out.tpm = limit(b.tpm, 'tpm');
  if (b.budget !== undefined) out.budget = budget(b.budget);
  if (b.metadata !== undefined) out.metadata = metadata(b.metadata);
  return out;
}

/** `record` with `settings` applied (`null` removes a field). */
export function applySettings(record: KeyRecord, settings: KeySettings): KeyRecord {
  const next: Record<string, unknown> = { ...record };
  for (const [field, value] of Object.entries(settings)) {
    if (value === undefined) continue;
    if (value === null) delete next[field];
    else next[field] = value;
  }
  return next as unknown as KeyRecord;
}

/** Why a stored value is not a {@link KeyRecord} (the field, for the error), or `undefined`. */
export function checkRecord(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'expected an object';
  const r = value as Record<string, unknown>;
  if (typeof r.id !== 'string' || !r.id.startsWith('key_')) return 'id: expected "key_…"';
  if (typeof r.hash !== 'string' || !/^[0-9a-f]{64}$/.test(r.hash))
    return 'hash: expected a SHA-256 hex digest';
  for (const field of ['name', 'hint', 'createdAt'] as const) {
    if (typeof r[field] !== 'string') return `${field}: expected a string`;
  }
  try {
    const {
      id: _id,
      hash: _h,
      hint: _hi,
      createdAt: _c,
      rotatedAt: _r,
      revokedAt: _v,
      previous: _p,
      ...settings
    } = r;
    readKeySettings(settings, true);
  } catch (error) {
    return error instanceof WireError ? `${error.param}: ${error.message}` : 'invalid';
  }
  return undefined;
}
