/**
 * The small toolkit the request and option checks are written with: a path to name fields by
 * and a list of issues. Nothing here runs at import time.
 */

/** Most issues listed in one error message. */
const MAX_ISSUES = 20;

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
 * Where a check is (`path`) and what it found wrong.
 */
export class CheckContext {
  readonly path: PropertyKey[] = [];
  readonly issues: string[] = [];
  #dropped = 0;

  /** Records `path: message`. */
  issue(message: string): void {
    if (this.issues.length >= MAX_ISSUES) {
      this.#dropped++;
      return;
    }
    const where = formatPath(this.path);
    this.issues.push(`${where || '(root)'}: ${message}`);
  }

  /** The issues, one per clause. */
  summary(): string {
    const text = this.issues.join('; ');
    return this.#dropped === 0 ? text : `${text}; … and ${this.#dropped} more`;
  }

  /** Reads `object[key]` with `key` on the path. */
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
