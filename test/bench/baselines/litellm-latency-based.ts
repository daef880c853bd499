/**
 * A faithful re-implementation of LiteLLM's `latency-based-routing` strategy, as a Switchyard
 * `Strategy`, for the routing-quality lab.
 *
 * Source read: BerriAI/litellm, `litellm/router_strategy/lowest_latency.py`,
 * class `LowestLatencyLoggingHandler` (`async_log_success_event`, `async_log_failure_event`,
 * `_get_available_deployments`). What we match:
 * - Sample = response seconds ÷ completion tokens (latency per output token). For streams it
 *   also records TTFT ÷ completion tokens in a separate list.
 * - `max_latency_list_size` = 10. Once a list is full LiteLLM keeps its first 9 entries and
 *   overwrites the 10th (`latency[: size - 1] + [new]`), so it is not a sliding window: only
 *   the last slot ever changes. We keep that behaviour (see `window: 'litellm'`).
 * - A deployment seen for the first time gets a `[0]` entry (an int, skipped by the sum but
 *   counted in the length), so untried deployments score 0 and are picked first.
 * - Stream requests average the TTFT list when it has samples, but divide by the length of the
 *   latency list (as the source does).
 * - Failures: only timeouts are recorded, as a 1000 s penalty sample; other errors are ignored.
 * - Pick: sort by mean, keep those within `lowest_latency_buffer × best` of the best (default
 *   buffer 0), and choose uniformly at random among them (`random.choice`).
 * Not modelled: LiteLLM's TPM/RPM pre-filter (no limits are configured in the lab) and the
 * 1-hour cache TTL (runs are shorter).
 */
import type {
  AttemptOutcome,
  CandidateScore,
  PickContext,
  Strategy,
  StrategyFactory,
  StrategyInit,
  TargetView,
} from '../../../src/index.js';

/** Options of {@link litellmLatencyBased}. */
export interface LitellmLatencyOptions {
  /** LiteLLM `lowest_latency_buffer`: pick at random within best × (1 + buffer). @default 0 */
  readonly buffer?: number;
  /** LiteLLM `max_latency_list_size`. @default 10 */
  readonly listSize?: number;
  /** `litellm`: keep the first size−1 samples and overwrite the last (as the source); `sliding`: a true sliding window. @default 'litellm' */
  readonly window?: 'litellm' | 'sliding';
}

/** Penalty sample of a timeout, in seconds per token (LiteLLM appends `1000.0`). */
const TIMEOUT_PENALTY = 1000;

/** One deployment's samples; `NaN` stands for LiteLLM's initial int `0` (counted in the length, not the sum). */
interface Samples {
  latency: number[];
  ttft: number[];
}

/** Factory of the LiteLLM latency-based baseline, registered in the lab as `litellm-latency-based`. */
export function litellmLatencyBased(options: LitellmLatencyOptions = {}): StrategyFactory {
  return (init: StrategyInit) => new LitellmLatencyBased(init, options);
}

class LitellmLatencyBased implements Strategy {
  readonly name = 'litellm-latency-based';
  readonly #buffer: number;
  readonly #size: number;
  readonly #sliding: boolean;
  readonly #samples: Array<Samples | undefined>;
  /** Scratch: candidates with their mean, reused between picks. */
  #scored: Array<{ target: TargetView; mean: number }> = [];

  constructor(init: StrategyInit, options: LitellmLatencyOptions) {
    this.#buffer = options.buffer ?? 0;
    this.#size = options.listSize ?? 10;
    this.#sliding = options.window === 'sliding';
    this.#samples = new Array(init.targets.length).fill(undefined);
  }

  pick(candidates: readonly TargetView[], context: PickContext): TargetView {
    const scored = this.#score(candidates, context.stream);
    let lowest = Number.POSITIVE_INFINITY;
    for (const s of scored) if (s.mean < lowest) lowest = s.mean;
    const limit = lowest + this.#buffer * lowest;
    let count = 0;
    for (const s of scored) if (s.mean <= limit) scored[count++] = s;
    return scored[Math.floor(context.random() * count)]!.target;
  }

  observe(outcome: AttemptOutcome): void {
    const samples = this.#entry(outcome.target.index);
    if (!outcome.ok) {
      if (outcome.errorKind === 'timeout') this.#append(samples.latency, TIMEOUT_PENALTY);
      return;
    }
    const tokens = outcome.usage?.outputTokens ?? 0;
    // LiteLLM divides by completion_tokens; a 0 would raise there and the sample is lost.
    if (tokens <= 0) return;
    this.#append(samples.latency, outcome.latencyMs / 1000 / tokens);
    if (outcome.stream && outcome.ttftMs !== undefined)
      this.#append(samples.ttft, outcome.ttftMs / 1000 / tokens);
  }

  /** Score = mean seconds per output token (LiteLLM's average); lower is better. */
  describe(candidates: readonly TargetView[], context: PickContext): readonly CandidateScore[] {
    return this.#score(candidates, context.stream).map((s) => ({
      target: s.target.id,
      score: s.mean,
      note: 'mean s/token of LiteLLM window; lower is better',
    }));
  }

  #score(candidates: readonly TargetView[], stream: boolean): Array<{ target: TargetView; mean: number }> {
    const scored = this.#scored;
    scored.length = 0;
    for (const target of candidates) {
      const samples = this.#entry(target.index);
      const list = stream && samples.ttft.length > 0 ? samples.ttft : samples.latency;
      let total = 0;
      for (const v of list) if (!Number.isNaN(v)) total += v;
      scored.push({ target, mean: total / samples.latency.length });
    }
    return scored;
  }

  #entry(index: number): Samples {
    let samples = this.#samples[index];
    if (samples === undefined) {
      samples = { latency: [Number.NaN], ttft: [] };
      this.#samples[index] = samples;
    }
    return samples;
  }

  #append(list: number[], value: number): void {
    if (list.length < this.#size) list.push(value);
    else if (this.#sliding) {
      list.shift();
      list.push(value);
    } else list[this.#size - 1] = value;
  }
}
