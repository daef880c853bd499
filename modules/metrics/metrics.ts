import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, Gauge, Histogram, type Metric, Registry } from 'prom-client';
import {
  type AttemptFailureEvent,
  type AttemptSuccessEvent,
  type FallbackEvent,
  type RequestFailureEvent,
  type RequestStartEvent,
  type RequestSuccessEvent,
  type RetryEvent,
  type Router,
  type RouterEventName,
  type RouterEvents,
  type StreamFirstTokenEvent,
  SwitchyardError,
  type TargetEjectedEvent,
} from '../../src/index.js';
import {
  METRIC_LABELS,
  type MetricLabel,
  type MetricsOptions,
  OTHER_LABEL_VALUE,
  validateOptions,
} from './options.js';

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

type Labels = Record<string, string>;

/** Increments of one counter series not yet applied to prom-client. */
interface CountSlot {
  readonly labels: Labels;
  n: number;
}

/** Observations of one histogram series not yet applied to prom-client: per-bucket (non-cumulative) counts. */
interface HistogramSlot {
  readonly histogram: Histogram;
  readonly labels: Labels;
  /** Whether the series was observed once in prom-client (which creates it). */
  created: boolean;
  readonly buckets: Float64Array;
  sum: number;
  count: number;
}

/** Every series a successful call and its successful attempt count into. */
interface SuccessSlots {
  readonly request: CountSlot;
  readonly requestDuration: HistogramSlot;
  readonly attempt: CountSlot;
  readonly attemptDuration: HistogramSlot;
  readonly input: CountSlot;
  readonly output: CountSlot;
  readonly cachedInput: CountSlot;
  readonly reasoning: CountSlot;
  readonly cost: CountSlot;
}

/** The shape of a series inside a prom-client 15 `Histogram` (what `observe` and `zero` maintain). */
interface PromHistogramEntry {
  labels: Labels;
  bucketValues: Record<number, number>;
  sum: number;
  count: number;
}

/**
 * Adds the pending observations of `slots` to `histogram`, exactly as the same `observe` calls
 * would have (prom-client has no public bulk observe): a series is created with `zero()` when
 * the histogram does not hold it yet (first observation, or after a reset), then its sum, count
 * and bucket counts are increased.
 */
function flushHistogram(
  histogram: Histogram,
  slots: Iterable<HistogramSlot>,
  buckets: readonly number[],
): void {
  const internal = histogram as unknown as { hashMap: Record<string, PromHistogramEntry> };
  let held: Map<Labels, PromHistogramEntry> | undefined;
  const index = () => {
    held = new Map();
    for (const entry of Object.values(internal.hashMap)) held.set(entry.labels, entry);
    return held;
  };
  for (const slot of slots) {
    if (slot.count === 0) continue;
    let entry = (held ?? index()).get(slot.labels);
    if (entry === undefined) {
      histogram.zero(slot.labels);
      entry = index().get(slot.labels);
      if (entry === undefined) throw new Error('collectMetrics: histogram series not found after zero()');
    }
    entry.sum += slot.sum;
    entry.count += slot.count;
    for (let i = 0; i < buckets.length; i++) {
      const n = slot.buckets[i] as number;
      if (n === 0) continue;
      const bound = buckets[i] as number;
      entry.bucketValues[bound] = (entry.bucketValues[bound] ?? 0) + n;
      slot.buckets[i] = 0;
    }
    slot.sum = 0;
    slot.count = 0;
  }
}

/** Keeps at most `max` distinct values of a label; later new ones become `other`. */
class CappedValues {
  readonly #seen = new Set<string>();
  constructor(readonly max: number) {}

  value(raw: string): string {
    if (this.#seen.has(raw)) return raw;
    if (this.#seen.size >= this.max) return OTHER_LABEL_VALUE;
    this.#seen.add(raw);
    return raw;
  }
}

/** What the collector remembers of a call in flight (dropped when it ends). */
interface CallState {
  alias: string;
  /** Target of the last failed attempt: where a retry goes. */
  lastTarget: string;
}

/** Calls remembered at most: far above any real concurrency; the oldest are dropped beyond it. */
const MAX_TRACKED_CALLS = 100_000;

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
 *   or when the registry already holds a metric of the same name (use another `prefix` or registry).
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
  const { prefix, labels: enabled, buckets, maxTagValues } = validateOptions(options);
  const registry = options.registry ?? new Registry();
  const onError = options.onError;
  const report = (error: unknown): void => {
    try {
      onError?.(error);
    } catch {
      // the error hook itself failed: nothing left to tell
    }
  };

  const on = (label: MetricLabel) => enabled.has(label);
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
      for (const m of created) registry.removeSingleMetric((m as unknown as { name: string }).name);
      throw new SwitchyardError(
        'config',
        `collectMetrics: registry: cannot register ${prefix}${name} (${error instanceof Error ? error.message : String(error)}); use another prefix or registry`,
        { retryable: false, cause: error },
      );
    }
  }
  /** Increments not yet applied, per counter and series: applied at collect time. */
  const pending = new Map<Counter, Map<Labels, CountSlot>>();
  const counter = (name: string, help: string, labelNames: string[]) => {
    const c = register(
      () =>
        new Counter({
          name: prefix + name,
          help,
          labelNames,
          registers: [registry],
          collect() {
            const slots = pending.get(this);
            if (slots === undefined) return;
            try {
              for (const slot of slots.values()) {
                if (slot.n === 0) continue;
                const n = slot.n;
                slot.n = 0;
                this.inc(slot.labels, n);
              }
            } catch (error) {
              report(error);
            }
          },
        }),
      name,
    );
    pending.set(c, new Map());
    return c;
  };
  /** Observations not yet applied, per histogram and series: applied at collect time. */
  const observed = new Map<Histogram, Map<Labels, HistogramSlot>>();
  const histogram = (name: string, help: string, labelNames: string[]) => {
    const h = register(
      () =>
        new Histogram({
          name: prefix + name,
          help,
          labelNames,
          buckets,
          registers: [registry],
          collect() {
            const slots = observed.get(this);
            if (slots === undefined) return;
            try {
              flushHistogram(this, slots.values(), buckets);
            } catch (error) {
              report(error);
            }
          },
        }),
      name,
    );
    observed.set(h, new Map());
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
  const targetLabels = (id: string): Labels => {
    const view = targetIndex().get(id);
    const out: Labels = {};
    if (on('target')) out.target = id;
    if (on('provider')) out.provider = view?.provider ?? '';
    if (on('model')) out.model = view?.model ?? '';
    return out;
  };
  register(
    () =>
      new Gauge({
        name: `${prefix}in_flight`,
        help: 'Attempts in flight per target, read at scrape time.',
        labelNames: names(perTarget),
        registers: [registry],
        collect() {
          try {
            this.reset();
            for (const h of router.health()) this.inc(targetLabels(h.id), h.inFlight);
          } catch (error) {
            report(error);
          }
        },
      }),
    'in_flight',
  );
  const STATES = ['closed', 'half-open', 'open'] as const;
  register(
    () =>
      new Gauge({
        name: `${prefix}target_state`,
        help: 'Circuit-breaker state of each target: 1 for the current state (closed, half-open, open), 0 for the others.',
        labelNames: [...new Set(['target', ...names(perTarget)]), 'state'],
        registers: [registry],
        collect() {
          try {
            this.reset();
            for (const h of router.health()) {
              const base = { ...targetLabels(h.id), target: h.id };
              for (const state of STATES) this.set({ ...base, state }, h.state === state ? 1 : 0);
            }
          } catch (error) {
            report(error);
          }
        },
      }),
    'target_state',
  );

  let index: Map<string, { provider: string; model: string }> | undefined;
  function targetIndex(): Map<string, { provider: string; model: string }> {
    if (index === undefined) {
      index = new Map(router.targets.map((t) => [t.id, { provider: t.provider, model: t.model }]));
    }
    return index;
  }

  const tagValues = new CappedValues(maxTagValues);
  const aliasValues = new CappedValues(maxTagValues);
  /** Calls in flight but the latest one, which stays out of the map while it is alone in flight. */
  const calls = new Map<string, CallState>();
  let currentId: string | undefined;
  let current: CallState | undefined;
  const callOf = (requestId: string): CallState | undefined =>
    requestId === currentId ? current : calls.size === 0 ? undefined : calls.get(requestId);

  /**
   * Label objects are built once per distinct combination and reused, so a call allocates none;
   * their number is bounded like the series themselves.
   */
  interface SeriesLabels {
    readonly labels: Labels;
    readonly derived: Map<string, Labels>;
    /** The series a successful call touches, found once (see {@link successSlots}). */
    success?: SuccessSlots;
  }
  /** Series labels by target, then alias, then tag: no key is built per call. */
  const seriesLabels = new Map<string, Map<string, Map<string, SeriesLabels>>>();

  /** Label values of a call on `target` (empty strings when unknown). */
  function labelsOf(
    requestId: string,
    tags: readonly string[] | undefined,
    target: string | undefined,
  ): SeriesLabels {
    const alias = on('alias') ? (callOf(requestId)?.alias ?? '') : '';
    const tag =
      on('tag') && tags !== undefined && tags.length > 0
        ? tagValues.value(tags.length === 1 && typeof tags[0] === 'string' ? tags[0] : tags.join(','))
        : '';
    // `undefined` and '' are different keys: an unknown target vs a target id '' (as before).
    const targetKey = target === undefined ? '\u0000' : target;
    let byAlias = seriesLabels.get(targetKey);
    if (byAlias === undefined) {
      byAlias = new Map();
      seriesLabels.set(targetKey, byAlias);
    }
    let byTag = byAlias.get(alias);
    if (byTag === undefined) {
      byTag = new Map();
      byAlias.set(alias, byTag);
    }
    let entry = byTag.get(tag);
    if (entry === undefined) {
      const labels: Labels = target === undefined ? {} : targetLabels(target);
      if (target === undefined) {
        if (on('target')) labels.target = '';
        if (on('provider')) labels.provider = '';
        if (on('model')) labels.model = '';
      }
      if (on('alias')) labels.alias = alias;
      if (on('tag')) labels.tag = tag;
      entry = { labels, derived: new Map() };
      byTag.set(tag, entry);
    }
    return entry;
  }

  /** `entry`'s labels plus one or two fixed ones, built once. */
  function withLabels(
    entry: SeriesLabels,
    name: string,
    value: string,
    name2?: string,
    value2?: string,
  ): Labels {
    const key = name2 === undefined ? `${name}=${value}` : `${name}=${value},${name2}=${value2}`;
    let labels = entry.derived.get(key);
    if (labels === undefined) {
      labels = { ...entry.labels, [name]: value };
      if (name2 !== undefined) labels[name2] = value2 ?? '';
      entry.derived.set(key, labels);
    }
    return labels;
  }

  /** The pending count of `c` for `labels`, made once per series. */
  const countSlot = (c: Counter, labels: Labels): CountSlot => {
    let slots = pending.get(c);
    if (slots === undefined) {
      slots = new Map(); // after close(): counted nowhere
    }
    let slot = slots.get(labels);
    if (slot === undefined) {
      slot = { labels, n: 0 };
      slots.set(labels, slot);
    }
    return slot;
  };
  /** The pending observations of `h` for `labels`, made once per series. */
  const histogramSlot = (h: Histogram, labels: Labels): HistogramSlot => {
    let slots = observed.get(h);
    if (slots === undefined) {
      slots = new Map(); // after close(): observed nowhere
    }
    let slot = slots.get(labels);
    if (slot === undefined) {
      slot = {
        histogram: h,
        labels,
        created: false,
        buckets: new Float64Array(buckets.length),
        sum: 0,
        count: 0,
      };
      slots.set(labels, slot);
    }
    return slot;
  };
  /** Observes `ms` (in seconds) into `slot`; applied to the histogram when the registry is collected. */
  const observeIn = (slot: HistogramSlot, ms: number) => {
    if (!Number.isFinite(ms) || ms < 0) return;
    const s = ms / 1000;
    if (!slot.created) {
      // The first observation creates the series in prom-client, as before; later ones wait for a scrape.
      slot.created = true;
      slot.histogram.observe(slot.labels, s);
      return;
    }
    slot.sum += s;
    slot.count++;
    const counts = slot.buckets;
    for (let i = 0; i < buckets.length; i++) {
      if (s <= (buckets[i] as number)) {
        counts[i] = (counts[i] as number) + 1;
        break;
      }
    }
  };
  const observe = (h: Histogram, labels: Labels, ms: number) => observeIn(histogramSlot(h, labels), ms);
  /** Counts `n` into `slot`; applied to the counter when the registry is collected (cheaper per call). */
  const addIn = (slot: CountSlot, n: number | undefined = 1) => {
    if (n === undefined || !Number.isFinite(n) || n <= 0) return;
    slot.n += n;
  };
  const add = (c: Counter, labels: Labels, n: number | undefined = 1) => addIn(countSlot(c, labels), n);

  /** The series of a successful call and its attempt, made once per series labels. */
  function successSlots(entry: SeriesLabels): SuccessSlots {
    if (entry.success === undefined) {
      entry.success = {
        request: countSlot(requests, withLabels(entry, 'outcome', 'success', 'error_kind', '')),
        requestDuration: histogramSlot(requestDuration, withLabels(entry, 'outcome', 'success')),
        attempt: countSlot(attempts, withLabels(entry, 'outcome', 'success', 'error_kind', '')),
        attemptDuration: histogramSlot(attemptDuration, withLabels(entry, 'outcome', 'success')),
        input: countSlot(tokens, withLabels(entry, 'type', 'input')),
        output: countSlot(tokens, withLabels(entry, 'type', 'output')),
        cachedInput: countSlot(tokens, withLabels(entry, 'type', 'cached_input')),
        reasoning: countSlot(tokens, withLabels(entry, 'type', 'reasoning')),
        cost: countSlot(cost, entry.labels),
      };
    }
    return entry.success;
  }

  function endCall(requestId: string): void {
    if (requestId === currentId) {
      currentId = undefined;
      current = undefined;
    } else if (calls.size > 0) {
      calls.delete(requestId);
    }
  }

  const handlers: { [E in RouterEventName]?: RouterEvents[E] } = {
    'request:start': (e: RequestStartEvent) => {
      if (currentId !== undefined) {
        // Another call is in flight: it moves to the map.
        if (calls.size + 1 >= MAX_TRACKED_CALLS) {
          const oldest = calls.keys().next().value;
          if (oldest !== undefined) calls.delete(oldest);
        }
        calls.set(currentId, current as CallState);
      }
      currentId = e.requestId;
      current = {
        alias: e.model === undefined ? '' : aliasValues.value(e.model),
        lastTarget: '',
      };
    },
    'attempt:success': (e: AttemptSuccessEvent) => {
      const slots = successSlots(labelsOf(e.requestId, e.tags, e.target));
      addIn(slots.attempt);
      observeIn(slots.attemptDuration, e.durationMs);
      const u = e.usage;
      addIn(slots.input, u.inputTokens);
      addIn(slots.output, u.outputTokens);
      addIn(slots.cachedInput, u.cachedInputTokens);
      addIn(slots.reasoning, u.reasoningTokens);
      addIn(slots.cost, e.costUsd);
    },
    'attempt:failure': (e: AttemptFailureEvent) => {
      const entry = labelsOf(e.requestId, e.tags, e.target);
      add(attempts, withLabels(entry, 'outcome', 'failure', 'error_kind', e.error.kind));
      observe(attemptDuration, withLabels(entry, 'outcome', 'failure'), e.durationMs);
      const call = callOf(e.requestId);
      if (call !== undefined) call.lastTarget = e.target;
    },
    retry: (e: RetryEvent) => {
      const target = callOf(e.requestId)?.lastTarget;
      add(retries, withLabels(labelsOf(e.requestId, e.tags, target || undefined), 'error_kind', e.errorKind));
    },
    fallback: (e: FallbackEvent) => {
      const entry = labelsOf(e.requestId, e.tags, e.from);
      add(
        fallbacks,
        on('target')
          ? withLabels(entry, 'error_kind', e.errorKind, 'to', e.to)
          : withLabels(entry, 'error_kind', e.errorKind),
      );
    },
    'stream:first-token': (e: StreamFirstTokenEvent) => {
      observe(ttft, labelsOf(e.requestId, e.tags, e.target).labels, e.ttftMs);
    },
    'request:success': (e: RequestSuccessEvent) => {
      const slots = successSlots(labelsOf(e.requestId, e.tags, e.target));
      addIn(slots.request);
      observeIn(slots.requestDuration, e.latencyMs);
      endCall(e.requestId);
    },
    'request:failure': (e: RequestFailureEvent) => {
      const target = e.error.target ?? e.attempts[e.attempts.length - 1]?.target;
      const entry = labelsOf(e.requestId, e.tags, target);
      add(requests, withLabels(entry, 'outcome', 'failure', 'error_kind', e.error.kind));
      observe(requestDuration, withLabels(entry, 'outcome', 'failure'), e.latencyMs);
      endCall(e.requestId);
    },
    'target:ejected': (e: TargetEjectedEvent) => {
      add(ejections, { ...targetLabels(e.target), error_kind: e.errorKind }); // rare: not cached
    },
  };

  // Every listener is guarded: a bug or a bad payload goes to onError, never into the call.
  const added: Array<[RouterEventName, (event: never) => void]> = [];
  for (const [event, handler] of Object.entries(handlers) as Array<
    [RouterEventName, (event: never) => void]
  >) {
    const listener = (payload: never) => {
      try {
        handler(payload);
      } catch (error) {
        report(error);
      }
    };
    router.on(event, listener as never);
    added.push([event, listener]);
  }

  let closed = false;
  const collector: MetricsCollector = {
    registry,
    metrics: () => registry.metrics(),
    metricsHandler() {
      return (_req, res) => {
        registry.metrics().then(
          (body) => {
            res.writeHead(200, { 'Content-Type': registry.contentType });
            res.end(body);
          },
          (error: unknown) => {
            report(error);
            try {
              res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
              res.end('metrics collection failed\n');
            } catch (inner) {
              report(inner);
            }
          },
        );
      };
    },
    close() {
      if (closed) return;
      closed = true;
      for (const [event, listener] of added) router.off(event, listener as never);
      added.length = 0;
      calls.clear();
      currentId = undefined;
      current = undefined;
      pending.clear();
      observed.clear();
      seriesLabels.clear();
      for (const m of created) registry.removeSingleMetric((m as unknown as { name: string }).name);
    },
  };
  return collector;
}
