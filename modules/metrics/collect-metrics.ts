import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { Router } from '../../src/index.js';
import { CallsInFlight } from './calls.js';
import { metricsHandler } from './http-handler.js';
import { listen } from './listeners.js';
import { defineMetrics, removeMetrics } from './metric-definitions.js';
import { type MetricsOptions, validateOptions } from './options.js';
import { PendingSeries } from './pending.js';
import { loadPromClient } from './prom-client.js';
import { SeriesLabelCache } from './series-labels.js';
import { TargetLabels } from './target-labels.js';

/** What {@link collectMetrics} returns. */
export interface MetricsCollector {
  /** The registry that holds the metrics. */
  readonly registry: Registry;
  /**
   * A `node:http` request handler that serves the registry in the Prometheus text format (the
   * content type comes from the registry). Any method and path; mount it where you like.
   */
  metricsHandler(): (req: IncomingMessage, res: ServerResponse) => void;
  /** The exposition text, as the handler serves it. */
  metrics(): Promise<string>;
  /** Removes every listener the collector added and its metrics from the registry. Idempotent. */
  close(): void;
}

/**
 * Prometheus metrics of a {@link Router}, from its events: calls, attempts, retries, fallbacks,
 * latencies, time to first token, tokens, cost, attempts in flight, breaker states and
 * ejections. Label cardinality is bounded by construction: only the labels in `labels` are
 * created, caller-supplied values (`alias`, `tag`) are capped at `maxTagValues`, and no
 * request id is ever a label.
 *
 * Metrics (with the default prefix):
 * - `switchyard_requests_total{outcome, error_kind}`: calls by final outcome (`success` |
 *   `failure`) and error kind (empty on success).
 * - `switchyard_attempts_total{outcome, error_kind}`, `switchyard_attempt_duration_seconds{outcome}`.
 * - `switchyard_retries_total{error_kind}` (target: the one retried),
 *   `switchyard_fallbacks_total{error_kind, to}` (target: the one that failed; `to` only with `target`).
 * - `switchyard_request_duration_seconds{outcome}`, `switchyard_time_to_first_token_seconds` (streams).
 * - `switchyard_tokens_total{type}`: `input` (cached included), `output` (reasoning included),
 *   `cached_input`, `reasoning`; from successful attempts.
 * - `switchyard_cost_usd_total`: from successful attempts whose price is known.
 * - `switchyard_in_flight`: attempts in flight per target, read from `router.health()` at scrape time.
 * - `switchyard_target_state{target, state}`: 1 for the breaker's current state (`closed`,
 *   `half-open`, `open`), 0 for the others; read at scrape time.
 * - `switchyard_target_ejections_total{error_kind}`.
 *
 * Failures of the collector itself never reach a call; they go to `onError`.
 *
 * @throws {SwitchyardError} `config` when an option is invalid (the message names the field),
 *   when the registry already holds a metric of the same name (use another `prefix` or registry),
 *   or when prom-client (an optional peer dependency) is not installed (the message says so).
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { collectMetrics } from 'switchyard-llm/metrics';
 * const metrics = collectMetrics(router, { labels: ['target', 'provider', 'model'] });
 * createServer(metrics.metricsHandler()).listen(9464);
 * ```
 */
export function collectMetrics(router: Router, options: MetricsOptions = {}): MetricsCollector {
  const prom = loadPromClient();
  const { prefix, labels, buckets, maxTagValues } = validateOptions(options, prom);
  const registry = options.registry ?? new prom.Registry();
  const onError = options.onError;
  const report = (error: unknown): void => {
    try {
      onError?.(error);
    } catch {
      // the error hook itself failed: nothing left to tell
    }
  };

  const series = new PendingSeries(buckets);
  const targets = new TargetLabels(router, labels);
  const metrics = defineMetrics({ prom, router, registry, prefix, labels, series, targets, report });
  const calls = new CallsInFlight();
  const seriesLabels = new SeriesLabelCache(labels, maxTagValues, targets, calls);
  const unlisten = listen({
    router,
    labels,
    maxTagValues,
    metrics,
    series,
    seriesLabels,
    targets,
    calls,
    report,
  });

  let closed = false;
  return {
    registry,
    metrics: () => registry.metrics(),
    metricsHandler: () => metricsHandler(registry, report),
    close() {
      if (closed) return;
      closed = true;
      unlisten();
      calls.clear();
      series.clear();
      seriesLabels.clear();
      removeMetrics(registry, metrics.created);
    },
  };
}
