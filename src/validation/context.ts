/**
 * The small toolkit the request and option checks are written with: a path to name fields by,
 * a list of issues, JSON-safety, unknown keys. Nothing here runs at import time.
 */

/** Most issues listed in one error message. */
const MAX_ISSUES = 20;
/** Deepest nesting the JSON check follows (JSON.stringify itself overflows the stack far deeper). */
const MAX_DEPTH = 256;

/** `['targets', 1, 'weight']` → `targets[1].weight`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/**
 * Where a check is (`path`, kept exact even when a read throws, so that the caller can name the
 * field that could not be read) and what it found wrong.
 */
export class CheckContext {
  readonly path: PropertyKey[] = [];
  readonly issues: string[] = [];
  #dropped = 0;

  /** Records `path: message` (or `message` alone at the root when `bare`). */
  issue(message: string, bare = false): void {
    if (this.issues.length >= MAX_ISSUES) {
      this.#dropped++;
      return;
    }
    const where = formatPath(this.path);
    this.issues.push(where === '' ? (bare ? message : `(root): ${message}`) : `${where}: ${message}`);
  }

  /** The issues, one per clause. */
  summary(): string {
    const text = this.issues.join('; ');
    return this.#dropped === 0 ? text : `${text}; … and ${this.#dropped} more`;
  }

  /** Reads `object[key]` with `key` on the path (it stays there if the read throws). */
  read(object: object, key: PropertyKey): unknown {
    this.path.push(key);
    const value = (object as Record<PropertyKey, unknown>)[key];
    this.path.pop();
    return value;
  }

  /** Runs `check(value)` with `key` on the path. */
  at<T>(key: PropertyKey, value: T, check: (c: CheckContext, value: T) => void): void {
    this.path.push(key);
    check(this, value);
    this.path.pop();
  }

  /** Reads `object[key]` and, unless it is `undefined`, checks it with `key` on the path. */
  optional(object: object, key: string, check: (c: CheckContext, value: unknown) => void): void {
    this.path.push(key);
    const value = (object as Record<string, unknown>)[key];
    if (value !== undefined) check(this, value);
    this.path.pop();
  }

  /** Reads `object[key]` and checks it (even when it is `undefined`) with `key` on the path. */
  required(object: object, key: string, check: (c: CheckContext, value: unknown) => void): void {
    this.path.push(key);
    check(this, (object as Record<string, unknown>)[key]);
    this.path.pop();
  }
}

/** A non-null object that is not an array. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A plain object (`{}` or `Object.create(null)`), as a record of options must be. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
export const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** Records `message` at the context's path unless `ok`. */
export function expect(c: CheckContext, ok: boolean, message: string): void {
  if (!ok) c.issue(message);
}

// Field checks shared by the request and option checks: one rule, one message each.
export const positiveInt = (c: CheckContext, v: unknown): void =>
  expect(c, isFiniteNumber(v) && Number.isInteger(v) && v > 0, 'expected a positive integer');
export const positive = (c: CheckContext, v: unknown): void =>
  expect(c, isFiniteNumber(v) && v > 0, 'expected a positive number');
export const nonNegative = (c: CheckContext, v: unknown): void =>
  expect(c, isFiniteNumber(v) && v >= 0, 'expected a number ≥ 0');
export const finite = (c: CheckContext, v: unknown): void =>
  expect(c, isFiniteNumber(v), 'expected a number');
export const nonEmptyString = (c: CheckContext, v: unknown): void =>
  expect(c, isNonEmptyString(v), 'expected a non-empty string');

/** A plain object of JSON values (metadata, provider options, a JSON schema). */
export function jsonRecord(c: CheckContext, v: unknown): void {
  if (!isRecord(v)) {
    c.issue('expected an object');
    return;
  }
  checkJson(c, v);
}

/** Checks that `value` serialises to JSON as it is: no cycle, no BigInt, function or symbol. */
export function checkJson(c: CheckContext, value: unknown, ancestors: object[] = []): void {
  switch (typeof value) {
    case 'bigint':
      c.issue('expected a JSON value, got a BigInt');
      return;
    case 'function':
      c.issue('expected a JSON value, got a function');
      return;
    case 'symbol':
      c.issue('expected a JSON value, got a symbol');
      return;
    case 'object': {
      if (value === null) return;
      if (ancestors.includes(value)) {
        c.issue('circular reference');
        return;
      }
      // Dates and the like serialise through toJSON; byte arrays are data, not structure.
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function' || ArrayBuffer.isView(value)) return;
      if (ancestors.length >= MAX_DEPTH) {
        c.issue(`nested more than ${MAX_DEPTH} levels deep`);
        return;
      }
      ancestors.push(value);
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          c.path.push(i);
          checkJson(c, value[i], ancestors);
          c.path.pop();
        }
      } else {
        for (const key of Object.keys(value)) {
          c.path.push(key);
          checkJson(c, (value as Record<string, unknown>)[key], ancestors);
          c.path.pop();
        }
      }
      ancestors.pop();
      return;
    }
    default:
      return;
  }
}

/** Deepest nesting the fast path follows; deeper values (and cycles) go to the full check. */
const FAST_DEPTH = 32;

/**
 * Whether `value` is JSON made of plain objects, arrays and primitives, for the fast path: no
 * BigInt, function or symbol, and nesting under {@link FAST_DEPTH} levels, which also stops a
 * cycle without tracking the objects seen (so nothing is allocated). `false` only sends the
 * request to the full check, which decides.
 */
export function isJsonSafe(value: unknown, depth = 0): boolean {
  switch (typeof value) {
    case 'bigint':
    case 'function':
    case 'symbol':
      return false;
    case 'object': {
      if (value === null) return true;
      if (depth >= FAST_DEPTH) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!isJsonSafe(value[i], depth + 1)) return false;
        return true;
      }
      // Plain objects only: dates, byte arrays, class instances go to the full check.
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key in value) {
        if (!isJsonSafe((value as Record<string, unknown>)[key], depth + 1)) return false;
      }
      return true;
    }
    default:
      return true;
  }
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const rows: number[][] = [];
  for (let i = 0; i <= s.length; i++) {
    const row = [i];
    for (let j = 1; j <= t.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) {
        d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      }
      row.push(d);
    }
    rows.push(row);
  }
  return rows[s.length]![t.length]!;
}

/** The known key closest to `key`, when it is close enough to be a likely typo. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(key, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (best === undefined) return undefined;
  const allowed = Math.max(2, Math.floor(Math.max(key.length, best.length) / 3));
  const prefix = key.length >= 4 && best.toLowerCase().startsWith(key.toLowerCase());
  return bestDistance <= allowed || prefix ? best : undefined;
}

/** Records every own key of `object` that is not in `known`, naming the closest known key. */
export function checkKnownKeys(c: CheckContext, object: object, known: readonly string[]): void {
  for (const key of Object.keys(object)) {
    if (known.includes(key)) continue;
    const near = closestKey(key, known);
    c.issue(
      near === undefined
        ? `unknown option '${key}' (known: ${known.join(', ')})`
        : `unknown option '${key}' (did you mean '${near}'?)`,
      true,
    );
  }
}
