/** One run of the lab (scenario × strategy × seed) and what a worker sends back for it. */
import { callMetrics, simulate } from '../../../modules/lab/index.js';
import { labScenarios } from '../scenarios/index.js';
import { WARM_UP_MS } from './aggregate.js';
import { labRouter, labStrategy } from './lab-strategies.js';
import { profileNamed } from './profiles.js';

export interface Job {
  readonly id: number;
  readonly scenario: number;
  readonly strategy: string;
  readonly seed: number;
  /** Name of the weight profile (see profiles.ts). @default 'balanced' */
  readonly profile?: string;
}

/** The figures of one run that the report needs (small enough to post between threads). */
export interface RunSummary {
  readonly id: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly errorRate: number;
  readonly firstAttemptErrorRate: number;
  readonly costPer1k: number;
  readonly utility: number;
  /** Mean utility of the calls that arrived after the first {@link WARM_UP_MS}. */
  readonly utilityAfterWarmUp: number;
  /** `undefined`: the scenario has no degradation; `null`: traffic never left. */
  readonly leaveRequests: number | null | undefined;
  /** `undefined`: no recovery (or no traffic before); `null`: traffic never came back. */
  readonly returnSeconds: number | null | undefined;
  /** Attempts that started on a target while the router had it ejected. */
  readonly attemptsWhileEjected: number;
  /** Healthy providers that got no attempt in the last quarter of the run. */
  readonly starved: number;
  /** Attempt share per provider, in provider order. */
  readonly shares: readonly number[];
}

/** Runs one job. */
export async function runJob(job: Job): Promise<RunSummary> {
  const scenario = labScenarios[job.scenario]!;
  const weights = profileNamed(job.profile).weights;
  const result = await simulate({
    providers: scenario.providers,
    workload: scenario.workload,
    router: labRouter(job.strategy, scenario.router),
    strategy: labStrategy(job.strategy),
    seed: job.seed,
    weights,
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
    utilityAfterWarmUp: callMetrics(
      result.calls.filter((c) => c.at >= WARM_UP_MS),
      weights,
    ).utility,
    leaveRequests: d === undefined ? undefined : d.requestsToLeave,
    returnSeconds: recovers ? d.secondsToReturn : undefined,
    attemptsWhileEjected: result.providers.reduce((n, p) => n + p.attemptsWhileEjected, 0),
    starved: result.providers.filter((p) => p.starved).length,
    shares: result.providers.map((p) => p.share),
  };
}
