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

  // Every listener is guarded (its own try/catch, no wrapper call): a bug or a bad payload goes
  // to report, never into the call.
  const listeners: { [E in RouterEventName]?: RouterEvents[E] } = {
    'request:start': (e: RequestStartEvent) => {
      try {
        calls.start(e.requestId, e.model === undefined ? '' : aliasValues.value(e.model));
      } catch (error) {
        report(error);
      }
    },
    'attempt:success': (e: AttemptSuccessEvent) => {
      try {
        const slots = successSlots(seriesLabels.of(e.requestId, e.tags, e.target));
        series.addIn(slots.attempt);
        series.observeIn(slots.attemptDuration, e.durationMs);
        const u = e.usage;
        series.addIn(slots.input, u.inputTokens);
        series.addIn(slots.output, u.outputTokens);
        series.addIn(slots.cachedInput, u.cachedInputTokens);
        series.addIn(slots.reasoning, u.reasoningTokens);
        series.addIn(slots.cost, e.costUsd);
      } catch (error) {
        report(error);
      }
    },
    'attempt:failure': (e: AttemptFailureEvent) => {
      try {
        const entry = seriesLabels.of(e.requestId, e.tags, e.target);
        series.add(attempts, withLabels(entry, 'outcome', 'failure', 'error_kind', e.error.kind));
        series.observe(attemptDuration, withLabels(entry, 'outcome', 'failure'), e.durationMs);
        calls.setLastTarget(e.requestId, e.target);
      } catch (error) {
        report(error);
      }
    },
    retry: (e: RetryEvent) => {
      try {
        const target = calls.lastTarget(e.requestId);
        series.add(
          retries,
          withLabels(seriesLabels.of(e.requestId, e.tags, target || undefined), 'error_kind', e.errorKind),
        );
      } catch (error) {
        report(error);
      }
    },
    fallback: (e: FallbackEvent) => {
      try {
        const entry = seriesLabels.of(e.requestId, e.tags, e.from);
        series.add(
          fallbacks,
          byTarget
            ? withLabels(entry, 'error_kind', e.errorKind, 'to', e.to)
            : withLabels(entry, 'error_kind', e.errorKind),
        );
      } catch (error) {
        report(error);
      }
    },
    'stream:first-token': (e: StreamFirstTokenEvent) => {
      try {
        series.observe(ttft, seriesLabels.of(e.requestId, e.tags, e.target).labels, e.ttftMs);
      } catch (error) {
        report(error);
      }
    },
    'request:success': (e: RequestSuccessEvent) => {
      try {
        const slots = successSlots(seriesLabels.of(e.requestId, e.tags, e.target));
        series.addIn(slots.request);
        series.observeIn(slots.requestDuration, e.latencyMs);
        calls.end(e.requestId);
      } catch (error) {
        report(error);
      }
    },
    'request:failure': (e: RequestFailureEvent) => {
      try {
        const target = e.error.target ?? e.attempts[e.attempts.length - 1]?.target;
        const entry = seriesLabels.of(e.requestId, e.tags, target);
        series.add(requests, withLabels(entry, 'outcome', 'failure', 'error_kind', e.error.kind));
        series.observe(requestDuration, withLabels(entry, 'outcome', 'failure'), e.latencyMs);
        calls.end(e.requestId);
      } catch (error) {
        report(error);
      }
    },
    'target:ejected': (e: TargetEjectedEvent) => {
      try {
        series.add(metrics.ejections, { ...targets.of(e.target), error_kind: e.errorKind }); // rare: not cached
      } catch (error) {
        report(error);
      }
    },
  };

  const added: Array<[RouterEventName, (event: never) => void]> = [];
  for (const [event, listener] of Object.entries(listeners) as Array<
    [RouterEventName, (event: never) => void]
  >) {
    router.on(event, listener as never);
    added.push([event, listener]);
  }
  return () => {
    for (const [event, listener] of added) router.off(event, listener as never);
    added.length = 0;
  };
}
