import type {
  AttemptFailureEvent,
  AttemptSuccessEvent,
  FallbackEvent,
  RequestFailureEvent,
  RequestStartEvent,
  RequestSuccessEvent,
  RetryEvent,
  Router,
  RouterEventName,
  RouterEvents,
  StreamFirstTokenEvent,
  TargetEjectedEvent,
} from '../../src/index.js';
import type { CallsInFlight } from './calls.js';
import { CappedValues } from './capped-values.js';
import type { MetricSet } from './metric-definitions.js';
import type { MetricLabel } from './options.js';
import type { PendingSeries } from './pending.js';
import { type SeriesLabelCache, type SeriesLabels, type SuccessSlots, withLabels } from './series-labels.js';
import type { TargetLabels } from './target-labels.js';

/** What {@link listen} needs. */
export interface ListenContext {
  readonly router: Router;
  readonly labels: ReadonlySet<MetricLabel>;
  readonly maxTagValues: number;
  readonly metrics: MetricSet;
  readonly series: PendingSeries;
  readonly seriesLabels: SeriesLabelCache;
  readonly targets: TargetLabels;
  readonly calls: CallsInFlight;
  /** Told about a listener that threw, which then does not reach the call. */
  readonly report: (error: unknown) => void;
}

/**
 * Adds the collector's listeners to `ctx.router`: each event counts into the pending series,
 * with no closure, key string or label object built per event once its series exist.
 * @returns a function that removes them again.
 */
export function listen(ctx: ListenContext): () => void {
  const { router, metrics, series, seriesLabels, targets, calls, report } = ctx;
  const { requests, attempts, retries, fallbacks, requestDuration, attemptDuration, ttft, tokens, cost } =
    metrics;
  const aliasValues = new CappedValues(ctx.maxTagValues);
  const byTarget = ctx.labels.has('target');

  /** The series of a successful call and its attempt, made once per series labels. */
  function successSlots(entry: SeriesLabels): SuccessSlots {
    if (entry.success === undefined) {
      entry.success = {
        request: series.countSlot(requests, withLabels(entry, 'outcome', 'success', 'error_kind', '')),
        requestDuration: series.histogramSlot(requestDuration, withLabels(entry, 'outcome', 'success')),
        attempt: series.countSlot(attempts, withLabels(entry, 'outcome', 'success', 'error_kind', '')),
        attemptDuration: series.histogramSlot(attemptDuration, withLabels(entry, 'outcome', 'success')),
        input: series.countSlot(tokens, withLabels(entry, 'type', 'input')),
        output: series.countSlot(tokens, withLabels(entry, 'type', 'output')),
        cachedInput: series.countSlot(tokens, withLabels(entry, 'type', 'cached_input')),
        reasoning: series.countSlot(tokens, withLabels(entry, 'type', 'reasoning')),
        cost: series.countSlot(cost, entry.labels),
      };
    }
    return entry.success;
  }

  const handlers: { [E in RouterEventName]?: RouterEvents[E] } = {
    'request:start': (e: RequestStartEvent) => {
      calls.start(e.requestId, {
        alias: e.model === undefined ? '' : aliasValues.value(e.model),
        lastTarget: '',
      });
    },
    'attempt:success': (e: AttemptSuccessEvent) => {
      const slots = successSlots(seriesLabels.of(e.requestId, e.tags, e.target));
      series.addIn(slots.attempt);
      series.observeIn(slots.attemptDuration, e.durationMs);
      const u = e.usage;
      series.addIn(slots.input, u.inputTokens);
      series.addIn(slots.output, u.outputTokens);
      series.addIn(slots.cachedInput, u.cachedInputTokens);
      series.addIn(slots.reasoning, u.reasoningTokens);
      series.addIn(slots.cost, e.costUsd);
    },
    'attempt:failure': (e: AttemptFailureEvent) => {
      const entry = seriesLabels.of(e.requestId, e.tags, e.target);
      series.add(attempts, withLabels(entry, 'outcome', 'failure', 'error_kind', e.error.kind));
      series.observe(attemptDuration, withLabels(entry, 'outcome', 'failure'), e.durationMs);
      const call = calls.get(e.requestId);
      if (call !== undefined) call.lastTarget = e.target;
    },
    retry: (e: RetryEvent) => {
      const target = calls.get(e.requestId)?.lastTarget;
      series.add(
        retries,
        withLabels(seriesLabels.of(e.requestId, e.tags, target || undefined), 'error_kind', e.errorKind),
      );
    },
    fallback: (e: FallbackEvent) => {
      const entry = seriesLabels.of(e.requestId, e.tags, e.from);
      series.add(
        fallbacks,
        byTarget
          ? withLabels(entry, 'error_kind', e.errorKind, 'to', e.to)
          : withLabels(entry, 'error_kind', e.errorKind),
      );
    },
    'stream:first-token': (e: StreamFirstTokenEvent) => {
      series.observe(ttft, seriesLabels.of(e.requestId, e.tags, e.target).labels, e.ttftMs);
    },
    'request:success': (e: RequestSuccessEvent) => {
      const slots = successSlots(seriesLabels.of(e.requestId, e.tags, e.target));
      series.addIn(slots.request);
      series.observeIn(slots.requestDuration, e.latencyMs);
      calls.end(e.requestId);
    },
    'request:failure': (e: RequestFailureEvent) => {
      const target = e.error.target ?? e.attempts[e.attempts.length - 1]?.target;
      const entry = seriesLabels.of(e.requestId, e.tags, target);
      series.add(requests, withLabels(entry, 'outcome', 'failure', 'error_kind', e.error.kind));
      series.observe(requestDuration, withLabels(entry, 'outcome', 'failure'), e.latencyMs);
      calls.end(e.requestId);
    },
    'target:ejected': (e: TargetEjectedEvent) => {
      series.add(metrics.ejections, { ...targets.of(e.target), error_kind: e.errorKind }); // rare: not cached
    },
  };

  // Every listener is guarded: a bug or a bad payload goes to report, never into the call.
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
  return () => {
    for (const [event, listener] of added) router.off(event, listener as never);
    added.length = 0;
  };
}
