/**
 * Reading and writing strategy snapshots (`Strategy.snapshot` / `Strategy.restore`): numbers that
 * JSON cannot hold, and checks whose errors name the field. Internal to `strategies/`.
 */
import { type JsonValue, SwitchyardError } from '../src/index.js';

/** The snapshot format every strategy and model here writes and reads. */
export const SNAPSHOT_VERSION = 1;

/** A JSON object as written by a snapshot. */
export type JsonObject = { [key: string]: JsonValue };

/**
 * A number as JSON: finite numbers as they are; `-0`, `Infinity`, `-Infinity` and `NaN`, which
 * `JSON.stringify` would turn into `0` or `null`, as those strings.
 */
export function encodeNumber(value: number): number | string {
  if (Number.isFinite(value) && !Object.is(value, -0)) return value;
  return Object.is(value, -0) ? '-0' : String(value);
}

/** `values[from..to)` as JSON numbers (see {@link encodeNumber}). */
export function encodeNumbers(values: ArrayLike<number>, from = 0, to = values.length): (number | string)[] {
  const out: (number | string)[] = [];
  for (let i = from; i < to; i++) out.push(encodeNumber(values[i]!));
  return out;
}

/** The numbers a field accepts. */
export type NumberKind =
  /** Any finite number. */
  | 'finite'
  /** A finite number ≥ 0. */
  | 'nonNegative'
  /** A whole number ≥ 0. */
  | 'count'
  /** A clock time: a finite number, or `-Infinity` for "never". */
  | 'time';

const EXPECTED: Readonly<Record<NumberKind, string>> = {
  finite: 'a finite number',
  nonNegative: 'a finite number >= 0',
  count: 'a whole number >= 0',
  time: 'a clock time in ms (a finite number, or "-Infinity" for never)',
};

const SPECIALS: Readonly<Record<string, number>> = {
  '-0': -0,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
  NaN: Number.NaN,
};

/** A short rendering of a value for an error message. */
function shown(value: unknown): string {
  if (value === undefined) return 'undefined';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The path of a target's entry: `snapshot.targets["a"]`. */
export function targetPath(id: string): string {
  return `snapshot.targets[${JSON.stringify(id)}]`;
}

/**
 * Reads a snapshot for one owner (a strategy's or a model's name): every check throws
 * `SwitchyardError('config', '<owner>: <path>: expected …, got …')`.
 */
export class SnapshotReader {
  constructor(readonly owner: string) {}

  /** Throws the `config` error for `path`. */
  fail(path: string, expected: string, got: unknown): never {
    throw new SwitchyardError('config', `${this.owner}: ${path}: expected ${expected}, got ${shown(got)}`);
  }

  /** `value` as an object (not an array, not null). */
  object(value: JsonValue | undefined, path: string): JsonObject {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      this.fail(path, 'an object', value);
    return value as JsonObject;
  }

  /** The root object of a snapshot, after checking its `version`. */
  root(snapshot: JsonValue): JsonObject {
    const root = this.object(snapshot, 'snapshot');
    const version = root.version;
    if (version !== SNAPSHOT_VERSION) {
      this.fail(
        'snapshot.version',
        `${SNAPSHOT_VERSION} (the snapshot format this version of ${this.owner} reads; start fresh or restore it with the version that wrote it)`,
        version,
      );
    }
    return root;
  }

  /** A number of `kind` (the strings of {@link encodeNumber} included where `kind` allows them). */
  number(value: JsonValue | undefined, path: string, kind: NumberKind): number {
    const n = typeof value === 'number' ? value : typeof value === 'string' ? SPECIALS[value] : undefined;
    const ok =
      n !== undefined &&
      (Number.isFinite(n) || (kind === 'time' && n === Number.NEGATIVE_INFINITY)) &&
      (kind === 'finite' || kind === 'time' || n >= 0) &&
      (kind !== 'count' || Number.isInteger(n));
    if (!ok) this.fail(path, EXPECTED[kind], value);
    return n!;
  }

  /** An array of exactly `length` numbers of `kind`. */
  numbers(value: JsonValue | undefined, path: string, length: number, kind: NumberKind): number[] {
    if (!Array.isArray(value) || value.length !== length) {
      this.fail(path, `an array of ${length} numbers`, value);
    }
    return (value as readonly JsonValue[]).map((v, i) => this.number(v, `${path}[${i}]`, kind));
  }

  /** An array of numbers of `kind`, of any length. */
  list(value: JsonValue | undefined, path: string, kind: NumberKind): number[] {
    if (!Array.isArray(value)) this.fail(path, 'an array of numbers', value);
    return (value as readonly JsonValue[]).map((v, i) => this.number(v, `${path}[${i}]`, kind));
  }

  /** An array of strings, of any length. */
  strings(value: JsonValue | undefined, path: string): string[] {
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
      this.fail(path, 'an array of strings', value);
    }
    return [...(value as readonly string[])];
  }

  /** A boolean. */
  boolean(value: JsonValue | undefined, path: string): boolean {
    if (typeof value !== 'boolean') this.fail(path, 'true or false', value);
    return value as boolean;
  }

  /**
   * Runs `restore` (a model's own `restore`, whose errors name its fields as `<Model>:
   * snapshot.<field>: …`) and rethrows its `config` errors under `path`: `<owner>:
   * <path>.<field>: …`.
   */
  nested<T>(path: string, restore: () => T): T {
    try {
      return restore();
    } catch (error) {
      if (!(error instanceof SwitchyardError) || error.kind !== 'config') throw error;
      const match = /^[^:]+: snapshot(.*)$/s.exec(error.message);
      const message =
        match === null ? `${this.owner}: ${path}: ${error.message}` : `${this.owner}: ${path}${match[1]!}`;
      throw new SwitchyardError('config', message, { cause: error });
    }
  }
}

/**
 * The index of each target id, for restoring by id: `snapshot.targets` entries whose id is not
 * here are ignored.
 */
export function indexById(targets: readonly { readonly id: string }[]): ReadonlyMap<string, number> {
  return new Map(targets.map((t, i) => [t.id, i]));
}
