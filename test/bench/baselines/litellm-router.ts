/**
 * LiteLLM's router around its strategies, as far as it decides which deployments a strategy may
 * pick: the deployment cooldown of `litellm/router_utils/cooldown_handlers.py`
 * (`_is_cooldown_required`, `_should_cooldown_deployment`, `_set_cooldown_deployments`) with the
 * defaults of `litellm/constants.py`, as of 2026 (the version with
 * `DEFAULT_FAILURE_THRESHOLD_MINIMUM_REQUESTS`, from the fix of LiteLLM issue #17418), for a model
 * group of several deployments and no `allowed_fails` policy:
 * - a deployment in cooldown is removed from the healthy list before the strategy runs;
 * - a failure of status 429 cools its deployment down at once;
 * - a failure of a non-retryable status (401, 404) cools it down at once;
 * - a 408 timeout or a 5xx cools it down when more than
 *   50% (`DEFAULT_FAILURE_THRESHOLD_PERCENT`) of at least 5
 *   (`DEFAULT_FAILURE_THRESHOLD_MINIMUM_REQUESTS`) requests to it in the current minute failed;
 *   other 4xx and connection errors never;
 * - a cooldown lasts `DEFAULT_COOLDOWN_TIME_SECONDS` = 5 s, after which the deployment is
 *   healthy again: no half-open probe, no growing cooldown.
 * The lab runs the LiteLLM baselines behind this wrapper with the Switchyard circuit breaker off
 * and no backoff between attempts (LiteLLM's retries re-run routing without a sleep when other
 * deployments are available). What stays Switchyard's: a retry never goes back to a target the
 * call already tried (LiteLLM's may, unless it is cooling down), and a 429's Retry-After blocks
 * its target for that long (LiteLLM uses its 5 s cooldown). When every candidate is cooling
 * down, LiteLLM fails the attempt with "no deployments available"; here the strategy gets them
 * all (it is never asked to pick among none).
 */
import type {
  AttemptOutcome,
  CandidateScore,
  ErrorKind,
  FirstTokenOutcome,
  PickContext,
  Strategy,
  StrategyFactory,
  StrategyInit,
  TargetView,
} from '../../../src/index.js';

/** Options of {@link litellmRouter}. */
export interface LitellmRouterOptions {
  /** `DEFAULT_COOLDOWN_TIME_SECONDS`, in ms. @default 5000 */
  readonly cooldownMs?: number;
  /** `DEFAULT_FAILURE_THRESHOLD_PERCENT`. @default 0.5 */
  readonly failureThreshold?: number;
  /** `DEFAULT_FAILURE_THRESHOLD_MINIMUM_REQUESTS`. @default 5 */
  readonly minimumRequests?: number;
}

const MINUTE_MS = 60_000;

/** Error kinds LiteLLM cools down at once: 429, and 401 and 404 (which `_should_retry` refuses). */
const AT_ONCE: ReadonlySet<ErrorKind> = new Set<ErrorKind>(['rate_limited', 'auth', 'not_found']);
/**
 * Error kinds that cool down by the failure-rate rule: 408 timeouts and 5xx. Connection errors
 * never cool down (`_is_cooldown_required` skips `APIConnectionError`), nor do other 4xx.
 */
const BY_RATE: ReadonlySet<ErrorKind> = new Set<ErrorKind>(['timeout', 'server', 'stream_interrupted']);

/** Per target: cooldown end and the current minute's counts. */
interface Health {
  cooldownUntil: number;
  minute: number;
  successes: number;
  failures: number;
}

/** Wraps a strategy factory in LiteLLM's cooldown (see the file's comment). */
export function litellmRouter(inner: StrategyFactory, options: LitellmRouterOptions = {}): StrategyFactory {
  return (init: StrategyInit) => new LitellmRouter(inner(init), init, options);
}

class LitellmRouter implements Strategy {
  readonly name: string;
  readonly #inner: Strategy;
  readonly #cooldownMs: number;
  readonly #threshold: number;
  readonly #minimum: number;
  readonly #health: Health[];
  readonly #healthy: TargetView[] = [];

  constructor(inner: Strategy, init: StrategyInit, options: LitellmRouterOptions) {
    this.#inner = inner;
    this.name = inner.name;
    this.#cooldownMs = options.cooldownMs ?? 5_000;
    this.#threshold = options.failureThreshold ?? 0.5;
    this.#minimum = options.minimumRequests ?? 5;
    this.#health = init.targets.map(() => ({ cooldownUntil: 0, minute: -1, successes: 0, failures: 0 }));
  }

  pick(candidates: readonly TargetView[], context: PickContext): TargetView {
    return this.#inner.pick(this.#filter(candidates, context.now), context);
  }

  observe(outcome: AttemptOutcome): void {
    const h = this.#health[outcome.target.index];
    if (h !== undefined) {
      // LiteLLM counts successes and failures per calendar minute, when each attempt ends.
      const now = outcome.startedAt + outcome.latencyMs;
      const minute = Math.floor(now / MINUTE_MS);
      if (minute !== h.minute) {
        h.minute = minute;
        h.successes = 0;
        h.failures = 0;
      }
      if (outcome.ok) h.successes++;
      else {
        h.failures++;
        if (this.#shouldCoolDown(outcome.errorKind, h))
          h.cooldownUntil = Math.max(h.cooldownUntil, now + this.#cooldownMs);
      }
    }
    this.#inner.observe?.(outcome);
  }

  observeFirstToken(event: FirstTokenOutcome): void {
    this.#inner.observeFirstToken?.(event);
  }

  describe(candidates: readonly TargetView[], context: PickContext): readonly CandidateScore[] {
    return this.#inner.describe?.(this.#filter(candidates, context.now), context) ?? [];
  }

  /** Whether the target of `index` is cooling down at `now`. */
  coolingDown(index: number, now: number): boolean {
    return (this.#health[index]?.cooldownUntil ?? 0) > now;
  }

  #shouldCoolDown(kind: ErrorKind | undefined, h: Health): boolean {
    if (kind === undefined) return false;
    if (AT_ONCE.has(kind)) return true;
    if (!BY_RATE.has(kind)) return false;
    const total = h.successes + h.failures;
    return total >= this.#minimum && h.failures / total > this.#threshold;
  }

  /** The candidates not cooling down; all of them when every one is. */
  #filter(candidates: readonly TargetView[], now: number): readonly TargetView[] {
    const healthy = this.#healthy;
    healthy.length = 0;
    for (const c of candidates) if (!this.coolingDown(c.index, now)) healthy.push(c);
    return healthy.length === 0 ? candidates : healthy;
  }
}
