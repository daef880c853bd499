import { type JsonValue, SwitchyardError } from '../../src/index.js';

/** The `format` field of every model JSON this module writes. */
export const MODEL_FORMAT = 'switchyard-ml';

/** The model JSON version this module writes and reads. */
export const MODEL_VERSION = 1;

/** The model families of `switchyard-llm/ml`. */
export type ModelFamily = 'linear' | 'forest' | 'boosting' | 'mlp' | 'svr' | 'ensemble' | 'hybrid';

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/**
 * What every model's `toJSON()` returns: the family and format version (checked on load), the
 * feature count, the serialisable options and what the model learned (`null` before a fit).
 */
export interface ModelJson extends JsonObject {
  readonly format: typeof MODEL_FORMAT;
  readonly family: ModelFamily;
  readonly version: typeof MODEL_VERSION;
  readonly dimension: number;
  readonly samples: number;
  readonly fits: number;
  readonly options: JsonObject;
  readonly model: JsonValue;
}

/** A short rendering of a value for an error message. */
function shown(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Reads model JSON for one owner: every check throws
 * `SwitchyardError('config', '<owner>: <path>: expected …, got …')`.
 */
export class ModelReader {
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

  /**
   * The envelope of a model JSON of `family` (any family when `family` is undefined): checks
   * `format`, `family`, `version` and `dimension` (against `dimension` when given).
   */
  envelope(json: JsonValue, family: ModelFamily | undefined, dimension?: number): ModelJson {
    const root = this.object(json, 'json');
    if (root.format !== MODEL_FORMAT) {
      this.fail(
        'json.format',
        `"${MODEL_FORMAT}" (a model written by switchyard-llm/ml toJSON())`,
        root.format,
      );
    }
    if (family !== undefined && root.family !== family) this.fail('json.family', `"${family}"`, root.family);
    if (root.version !== MODEL_VERSION) {
      this.fail('json.version', `${MODEL_VERSION} (the model format this version reads)`, root.version);
    }
    const d = this.integer(root.dimension, 'json.dimension', 1);
    if (dimension !== undefined && d !== dimension) this.fail('json.dimension', String(dimension), d);
    this.integer(root.samples, 'json.samples', 0);
    this.integer(root.fits, 'json.fits', 0);
    this.object(root.options, 'json.options');
    return root as ModelJson;
  }

  /** A finite number (≥ `min` when given). */
  number(value: JsonValue | undefined, path: string, min?: number): number {
    if (typeof value !== 'number' || !Number.isFinite(value) || (min !== undefined && value < min)) {
      this.fail(path, min === undefined ? 'a finite number' : `a finite number >= ${min}`, value);
    }
    return value;
  }

  /** A whole number ≥ `min`. */
  integer(value: JsonValue | undefined, path: string, min: number): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
      this.fail(path, `a whole number >= ${min}`, value);
    }
    return value;
  }

  /** An array of finite numbers (of `length` when given). */
  numbers(value: JsonValue | undefined, path: string, length?: number): Float64Array {
    if (!Array.isArray(value) || (length !== undefined && value.length !== length)) {
      this.fail(path, length === undefined ? 'an array of numbers' : `an array of ${length} numbers`, value);
    }
    const out = new Float64Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = this.number(value[i], `${path}[${i}]`);
    return out;
  }

  /** An array of whole numbers in [`min`, `max`]. */
  integers(value: JsonValue | undefined, path: string, min: number, max: number): Int32Array {
    if (!Array.isArray(value)) this.fail(path, 'an array of whole numbers', value);
    const out = new Int32Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
        this.fail(`${path}[${i}]`, `a whole number in [${min}, ${max}]`, v);
      }
      out[i] = v;
    }
    return out;
  }
}

/** `values` as a plain array of numbers, for JSON. */
export function plain(values: ArrayLike<number>): number[] {
  return Array.from(values);
}
