/**
 * `switchyard-llm/metrics`: Prometheus metrics of a Router, from its events, on prom-client
 * (an optional peer dependency: `npm install prom-client`).
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { collectMetrics } from 'switchyard-llm/metrics';
 * const metrics = collectMetrics(router);
 * createServer(metrics.metricsHandler()).listen(9464, '127.0.0.1');
 * ```
 */
export { collectMetrics, type MetricsCollector } from './collect-metrics.js';
export {
  DEFAULT_LATENCY_BUCKETS,
  DEFAULT_METRIC_LABELS,
  METRIC_LABELS,
  type MetricLabel,
  type MetricsOptions,
  OTHER_LABEL_VALUE,
} from './options.js';
