import type { Counter, Histogram, Metric, Registry } from 'prom-client';
import { type BudgetStatus, type Router, SwitchyardError } from '../../src/index.js';
import { METRIC_LABELS, type MetricLabel } from './options.js';
import type { PendingSeries } from './pending.js';
import type { PromClientModule } from './prom-client.js';
import type { TargetLabels } from './target-labels.js';

/** The metrics the listeners count into (the scrape-time gauges need no listener). */
export interface MetricSet {
  readonly requests: Counter;
  readonly attempts: Counter;
  readonly retries: Counter;
  readonly fallbacks: Counter;
  readonly requestDuration: Histogram;
  readonly attemptDuration: Histogram;
  readonly ttft: Histogram;
  readonly tokens: Counter;
  readonly cost: Counter;
  readonly ejections: Counter;
  /** Every metric registered, gauges included, in registration order. */
  readonly created: readonly Metric[];
}

/** What {@link defineMetrics} needs. */
export interface MetricsContext {
  /** The loaded prom-client, whose classes make the metrics. */
  readonly prom: PromClientModule;
  readonly router: Router;
  readonly registry: Registry;
  readonly prefix: string;
  readonly labels: ReadonlySet<MetricLabel>;
  readonly series: PendingSeries;
  readonly targets: TargetLabels;
  /** Told about a failure inside a `collect`, which then does not fail the scrape. */
  readonly report: (error: unknown) => void;
}

/** Removes `metrics` from `registry`. */
export function removeMetrics(registry: Registry, metrics: readonly Metric[]): void {
  for (const m of metrics) registry.removeSingleMetric((m as unknown as { name: string }).name);
}

/** The breaker states `target_state` has a series for. */
const STATES = ['closed', 'half-open', 'open'] as const;

/**
 * Registers the collector's metrics in `ctx.registry`: the counters and histograms the
 * listeners count into (through `ctx.series`, applied at collect time), then the gauges read
 * from the router at scrape time.
 * @throws {SwitchyardError} `config` when the registry already holds a metric of the same
 *   name; the metrics registered before it are removed again.
 */
export function defineMetrics(ctx: MetricsContext): MetricSet {
  const { prom, router, registry, prefix, series, targets, report } = ctx;
  const on = (label: MetricLabel) => ctx.labels.has(label);
  /** Enabled call labels among `allowed`, plus the fixed ones. */
  const names = (allowed: readonly MetricLabel[], fixed: readonly string[] = []): string[] => [
    ...METRIC_LABELS.filter((l) => allowed.includes(l) && on(l)),
    ...fixed,
  ];
  const all = METRIC_LABELS;
  const perTarget: readonly MetricLabel[] = ['target', 'provider', 'model'];

  const created: Metric[] = [];
  function register<M extends Metric>(metric: () => M, name: string): M {
    try {
      const m = metric();
      created.push(m);
      return m;
    } catch (error) {
      removeMetrics(registry, created);
      throw new SwitchyardError(
        'config',
        `collectMetrics: registry: cannot register ${prefix}${name} (${error instanceof Error ? error.message : String(error)}); use another prefix or registry`,
        { retryable: false, cause: error },
      );
    }
  }
  const counter = (name: string, help: string, labelNames: string[]) => {
    const c = register(
      () =>
        new prom.Counter({
          name: prefix + name,
          help,
          labelNames,
          registers: [registry],
          collect() {
            try {
              series.flushCounter(this);
            } catch (error) {
              report(error);
            }
          },
        }),
      name,
    );
    series.addCounter(c);
    return c;
  };
  const histogram = (name: string, help: string, labelNames: string[]) => {
    const h = register(
      () =>
        new prom.Histogram({
          name: prefix + name,
          help,
          labelNames,
          buckets: series.buckets,
          registers: [registry],
          collect() {
            try {
              series.flushHistogram(this);
            } catch (error) {
              report(error);
            }
          },
        }),
      name,
    );
    series.addHistogram(h);
    return h;
  };

  const requests = counter(
    'requests_total',
    'Calls by final outcome and error kind.',
    names(all, ['outcome', 'error_kind']),
  );
  const attempts = counter(
    'attempts_total',
    'Upstream attempts by outcome and error kind.',
    names(all, ['outcome', 'error_kind']),
  );
  const retries = counter(
    'retries_total',
    'Retries of an already-tried target, by the error kind that caused them.',
    names(all, ['error_kind']),
  );
  const fallbacks = counter(
    'fallbacks_total',
    'Fallbacks to another target; target is the one that failed.',
    names(all, on('target') ? ['error_kind', 'to'] : ['error_kind']),
  );
  const requestDuration = histogram(
    'request_duration_seconds',
    'Wall time of calls, retries included.',
    names(all, ['outcome']),
  );
  const attemptDuration = histogram(
    'attempt_duration_seconds',
    'Duration of upstream attempts.',
    names(all, ['outcome']),
  );
  const ttft = histogram(
    'time_to_first_token_seconds',
    'Time from the start of a stream to its first content.',
    names(all),
  );
  const tokens = counter(
    'tokens_total',
    'Tokens of successful attempts by type: input (cached included), output (reasoning included), cached_input, reasoning.',
    names(all, ['type']),
  );
  const cost = counter(
    'cost_usd_total',
    'Cost in USD of successful attempts whose price is known.',
    names(all),
  );
  const ejections = counter(
    'target_ejections_total',
    'Circuit-breaker ejections of a target.',
    names(perTarget, ['error_kind']),
  );

  // Scrape-time gauges, read from the router itself: they cannot drift from it.
  register(
    () =>
      new prom.Gauge({
        name: `${prefix}in_flight`,
        help: 'Attempts in flight per target, read at scrape time.',
        labelNames: names(perTarget),
        registers: [registry],
        collect() {
          try {
            this.reset();
            for (const h of router.health()) this.inc(targets.of(h.id), h.inFlight);
          } catch (error) {
            report(error);
          }
        },
      }),
    'in_flight',
  );
  register(
    () =>
      new prom.Gauge({
        name: `${prefix}target_state`,
        help: 'Circuit-breaker state of each target: 1 for the current state (closed, half-open, open), 0 for the others.',
        labelNames: [...new Set(['target', ...names(perTarget)]), 'state'],
        registers: [registry],
        collect() {
          try {
            this.reset();
            for (const h of router.health()) {
              const base = { ...targets.of(h.id), target: h.id };
              for (const state of STATES) this.set({ ...base, state }, h.state === state ? 1 : 0);
            }
          } catch (error) {
            report(error);
          }
        },
      }),
    'target_state',
  );
  const budgetGauge = (name: string, help: string, read: (b: BudgetStatus) => number) =>
    register(
      () =>
        new prom.Gauge({
          name: `${prefix}${name}`,
          help,
          labelNames: ['budget', 'period'],
          registers: [registry],
          collect() {
            try {
              this.reset();
              for (const b of router.budgets()) this.set({ budget: b.id, period: b.period }, read(b));
            } catch (error) {
              report(error);
            }
          },
        }),
      name,
    );
  budgetGauge(
    'budget_spent_usd',
    'Settled spend of each budget in its current period, in USD.',
    (b) => b.spentUsd,
  );
  budgetGauge(
    'budget_reserved_usd',
    'Spend each budget holds for attempts in flight, in USD.',
    (b) => b.reservedUsd,
  );
  budgetGauge('budget_limit_usd', "Each budget's limit per period, in USD.", (b) => b.limitUsd);

  return {
    requests,
    attempts,
    retries,
    fallbacks,
    requestDuration,
    attemptDuration,
    ttft,
    tokens,
    cost,
    ejections,
    created,
  };
}
