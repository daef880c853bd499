import { type Clock, SwitchyardError, systemClock } from '../../src/index.js';
import { USAGE_DIMENSIONS, type UsageDimension } from './dimensions.js';

/** How long each resolution of time buckets is kept, in ms. */
export interface UsageRetention {
  /** Fine buckets (`bucketMs` long) older than this roll up into hour buckets. @default 6 h */
  readonly minute?: number;
  /** Hour buckets older than this roll up into day buckets. @default 7 days */
  readonly hour?: number;
  /** Day buckets older than this are dropped. @default 90 days */
  readonly day?: number;
}

/** Options of {@link UsageLedger}. */
export interface UsageLedgerOptions {
  /** Time source for buckets (use the router's clock). @default systemClock */
  readonly clock?: Clock;
  /** Length of the finest time bucket in ms; must divide one hour. @default 60_000 */
  readonly bucketMs?: number;
  /** How long each bucket resolution is kept. */
  readonly retention?: UsageRetention;
  /**
   * Dimensions recorded. `user` and `key` are opt-in (they read `request.metadata`).
   * @default ['target', 'model', 'alias', 'provider', 'tag']
   */
  readonly dimensions?: readonly UsageDimension[];
  /** Distinct values kept per dimension; later new values count under `'other'`. @default 100 */
  readonly maxKeys?: number;
  /** Receives the ledger's own failures; the ledger never throws into a call. @default ignore */
  readonly onError?: (error: unknown) => void;
}

/** {@link UsageLedgerOptions} checked, with their defaults filled in. */
export interface LedgerSettings {
  readonly clock: Clock;
  readonly bucketMs: number;
  /** How long fine, hour and day buckets are kept, in ms. */
  readonly keep: { readonly minute: number; readonly hour: number; readonly day: number };
  readonly dims: ReadonlySet<UsageDimension>;
  readonly maxKeys: number;
  readonly onError: (error: unknown) => void;
}

/** One hour in ms. */
export const HOUR = 3_600_000;
/** One day in ms. */
export const DAY = 86_400_000;

const OPTION_KEYS = new Set(['clock', 'bucketMs', 'retention', 'dimensions', 'maxKeys', 'onError']);

/** A `config` error of the ledger; `problem` names the option. */
export function configError(problem: string): SwitchyardError {
  return new SwitchyardError('config', `UsageLedger: ${problem}`, { retryable: false });
}

/** `value` when it is a positive finite number, `undefined` when absent; throws {@link configError} otherwise. */
export function positive(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw configError(`${name}: expected a positive number, got ${String(value)}`);
  }
  return value;
}

/**
 * Checks the ledger's options and fills in their defaults.
 * @throws {SwitchyardError} `config` when an option is invalid (the message names it).
 */
export function readOptions(options: UsageLedgerOptions): LedgerSettings {
  if (typeof options !== 'object' || options === null) throw configError('options: expected an object');
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw configError(`${key}: unknown option`);
  }
  const clock = options.clock ?? systemClock;
  if (typeof clock?.now !== 'function') throw configError('clock: expected a Clock with now()');
  const bucketMs = positive(options.bucketMs, 'bucketMs') ?? 60_000;
  if (!Number.isInteger(bucketMs) || HOUR % bucketMs !== 0) {
    throw configError(`bucketMs: expected a whole number of ms that divides one hour, got ${bucketMs}`);
  }
  const retention = options.retention ?? {};
  if (typeof retention !== 'object' || retention === null) throw configError('retention: expected an object');
  for (const key of Object.keys(retention)) {
    if (key !== 'minute' && key !== 'hour' && key !== 'day')
      throw configError(`retention.${key}: unknown field`);
  }
  const keep = {
    minute: positive(retention.minute, 'retention.minute') ?? 6 * HOUR,
    hour: positive(retention.hour, 'retention.hour') ?? 7 * DAY,
    day: positive(retention.day, 'retention.day') ?? 90 * DAY,
  };
  const dims = options.dimensions ?? ['target', 'model', 'alias', 'provider', 'tag'];
  if (!Array.isArray(dims)) throw configError('dimensions: expected an array');
  for (const d of dims) {
    if (!USAGE_DIMENSIONS.includes(d)) {
      throw configError(
        `dimensions: unknown dimension '${String(d)}' (known: ${USAGE_DIMENSIONS.join(', ')})`,
      );
    }
  }
  const maxKeys = positive(options.maxKeys, 'maxKeys') ?? 100;
  if (!Number.isInteger(maxKeys)) throw configError(`maxKeys: expected a whole number, got ${maxKeys}`);
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw configError('onError: expected a function');
  }
  return { clock, bucketMs, keep, dims: new Set(dims), maxKeys, onError: options.onError ?? (() => {}) };
}
