/**
 * One routing run of the ML comparison: a scenario, a strategy (a lab strategy by name, or
 * `intelligent:<family>`) and a seed, with the same figures as the routing lab's runs, plus the
 * real time the strategy spent in `pick`.
 */
import type { Strategy, StrategyFactory } from '../../../index.js';
import { callMetrics, type LabStrategy, simulate } from '../../../modules/lab/index.js';
import { intelligent } from '../../../strategies/index.js';
import { WARM_UP_MS } from '../routing/aggregate.js';
import type { RunSummary } from '../routing/job.js';
import { labRouter, labStrategy } from '../routing/lab-strategies.js';
import { labScenarios } from '../scenarios/index.js';
import { familyOf, labPredictors } from './setup.js';

/** One routing run to do. */
export interface RouteJob {
  readonly kind: 'route';
  readonly id: number;
  /** Index into `labScenarios`. */
  readonly scenario: number;
  readonly strategy: string;
  readonly seed: number;
}

/** A routing run's figures: the lab's, and pick time. */
export interface RouteSummary extends RunSummary {
  readonly picks: number;
  /** Real time spent in the strategy's `pick`, summed, in ms (not deterministic). */
  readonly pickMs: number;
}

/** Wraps a strategy factory so that every `pick` is timed into `sink`. */
export function timedStrategy(
  factory: StrategyFactory,
  sink: { picks: number; ms: number },
): StrategyFactory {
  return (init) => {
    const inner: Strategy = factory(init);
    const strategy: Strategy = {
      name: inner.name,
      pick(candidates, context) {
        const start = performance.now();
        try {
          return inner.pick(candidates, context);
        } finally {
          sink.ms += performance.now() - start;
          sink.picks++;
        }
      },
      ...(inner.observe === undefined ? {} : { observe: (o) => inner.observe!(o) }),
      ...(inner.observeFirstToken === undefined
        ? {}
        : { observeFirstToken: (e) => inner.observeFirstToken!(e) }),
      ...(inner.describe === undefined ? {} : { describe: (c, x) => inner.describe!(c, x) }),
    };
    return strategy;
  };
}

/** What `simulate` takes for `name`, timed when it is a plain strategy factory. */
function strategyFor(
  name: string,
  sink: { picks: number; ms: number },
): string | StrategyFactory | LabStrategy {
  const family = familyOf(name);
  if (family !== undefined) return timedStrategy(intelligent({ predictors: labPredictors(family) }), sink);
  return labStrategy(name);
}

/** Runs one job (balanced weights, the lab's defaults). */
export async function runRoute(job: RouteJob): Promise<RouteSummary> {
  const scenario = labScenarios[job.scenario]!;
  const sink = { picks: 0, ms: 0 };
  const result = await simulate({
    providers: scenario.providers,
    workload: scenario.workload,
    router: labRouter(job.strategy, scenario.router),
    strategy: strategyFor(job.strategy, sink),
    seed: job.seed,
  });
  const m = result.metrics;
  const d = result.detection[0];
  const recovers = d !== undefined && Number.isFinite(d.event.until) && (d.shareBefore ?? 0) > 0;
  return {
    id: job.id,
    p50Ms: m.p50Ms,
    p95Ms: m.p95Ms,
    p99Ms: m.p99Ms,
    errorRate: m.errorRate,
    firstAttemptErrorRate: m.firstAttemptErrorRate,
    costPer1k: m.costPer1k,
    utility: m.utility,
    utilityAfterWarmUp: callMetrics(result.calls.filter((c) => c.at >= WARM_UP_MS)).utility,
    leaveRequests: d === undefined ? undefined : d.requestsToLeave,
    returnSeconds: recovers ? d.secondsToReturn : undefined,
    attemptsWhileEjected: result.providers.reduce((n, p) => n + p.attemptsWhileEjected, 0),
    starved: result.providers.filter((p) => p.starved).length,
    shares: result.providers.map((p) => p.share),
    picks: sink.picks,
    pickMs: sink.ms,
  };
}
