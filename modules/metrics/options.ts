import type { Registry } from 'prom-client';
import { SwitchyardError } from '../../src/index.js';
import type { PromClientModule } from './prom-client.js';

/**
 * A label that {@link collectMetrics} may put on its series, besides the fixed ones (`outcome`,
 * `error_kind`, `type`, `state`, `to`), whose values are bounded by construction.
 *
 * - `target`, `provider`, `model`: the target id, its adapter's provider, its provider model id
 *   (bounded by the router's configuration).
 * - `alias`: the model the caller asked for (`request.model`); capped at `maxTagValues` values.
 * - `tag`: the caller's `tags`, joined with `,`; capped at `maxTagValues` values. Opt-in.
 */
export type MetricLabel = 'target' | 'provider' | 'model' | 'alias' | 'tag';

/** Every {@link MetricLabel}, in the order they appear on a series. */
export const METRIC_LABELS: readonly MetricLabel[] = ['target', 'provider', 'model', 'alias', 'tag'];

/** Labels on by default: all but `tag`. */
export const DEFAULT_METRIC_LABELS: readonly MetricLabel[] = ['target', 'provider', 'model', 'alias'];

/**
 * Default histogram buckets, in seconds: LLM latencies run from tens of milliseconds (a cached
 * or tiny answer, a first token) to minutes (long generations, retries with backoff).
 */
export const DEFAULT_LATENCY_BUCKETS: readonly number[] = [
  0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300,
];

/** Value a capped label takes once its distinct values are used up. */
export const OTHER_LABEL_VALUE = 'other';

/** Options of {@link collectMetrics}. */
export interface MetricsOptions {
  /** Registry to register the metrics in. @default a new `Registry` of its own (not prom-client's global one) */
  readonly registry?: Registry;
  /** Prefix of every metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`). @default 'switchyard_' */
  readonly prefix?: string;
  /**
   * Which of the optional labels to put on the series. Only these are ever created; `tag` is
   * opt-in. `switchyard_target_state` always has `target`.
   * @default ['target', 'provider', 'model', 'alias']
   */
  readonly labels?: readonly MetricLabel[];
  /** Histogram buckets in seconds, strictly increasing, finite and positive. @default {@link DEFAULT_LATENCY_BUCKETS} */
  readonly buckets?: readonly number[];
  /**
   * Distinct values kept for each caller-supplied label (`tag`, `alias`); later new values
   * are counted under `other`. A positive integer.
   * @default 20
   */
  readonly maxTagValues?: number;
  /** Told about the collector's own failures (a listener or a scrape that threw). Never throws into a call. @default ignore */
  readonly onError?: (error: unknown) => void;
}

/** The options of {@link collectMetrics} once checked, with their defaults applied. */
export interface ValidMetricsOptions {
  readonly prefix: string;
  readonly labels: ReadonlySet<MetricLabel>;
  /** A copy: later changes to the caller's array do not reach the histograms. */
  readonly buckets: number[];
  readonly maxTagValues: number;
}

/** A valid Prometheus metric name: the prefix must be one on its own. */
const PREFIX = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

function configError(field: string, problem: string): SwitchyardError {
  return new SwitchyardError('config', `collectMetrics: ${field}: ${problem}`, { retryable: false });
}

/**
 * Checks `options` and applies the defaults; `prom` is the loaded prom-client (for its `Registry`).
 * @throws {SwitchyardError} `config` naming the first invalid field.
 */
export function validateOptions(options: MetricsOptions, prom: PromClientModule): ValidMetricsOptions {
  const prefix = options.prefix ?? 'switchyard_';
  if (typeof prefix !== 'string' || !PREFIX.test(prefix)) {
    throw configError('prefix', `must match ${PREFIX.source}, got ${JSON.stringify(prefix)}`);
  }
  const labels = options.labels ?? DEFAULT_METRIC_LABELS;
  if (!Array.isArray(labels)) throw configError('labels', 'must be an array');
  for (const label of labels) {
    if (!METRIC_LABELS.includes(label)) {
      throw configError(
        'labels',
        `unknown label ${JSON.stringify(label)}; one of ${METRIC_LABELS.join(', ')}`,
      );
    }
  }
  const buckets = options.buckets ?? DEFAULT_LATENCY_BUCKETS;
  if (!Array.isArray(buckets) || buckets.length === 0)
    throw configError('buckets', 'must be a non-empty array');
  buckets.forEach((b, i) => {
    if (typeof b !== 'number' || !Number.isFinite(b) || b <= 0) {
      throw configError(`buckets[${i}]`, `must be a finite number > 0 (seconds), got ${String(b)}`);
    }
    if (i > 0 && b <= (buckets[i - 1] as number)) {
      throw configError(`buckets[${i}]`, `must be greater than buckets[${i - 1}] (strictly increasing)`);
    }
  });
  const maxTagValues = options.maxTagValues ?? 20;
  if (!Number.isInteger(maxTagValues) || maxTagValues < 1) {
    throw configError('maxTagValues', `must be a positive integer, got ${String(maxTagValues)}`);
  }
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw configError('onError', 'must be a function');
  }
  if (options.registry !== undefined && !(options.registry instanceof prom.Registry)) {
    throw configError('registry', 'must be a prom-client Registry');
  }
  return { prefix, labels: new Set(labels), buckets: [...buckets], maxTagValues };
}
