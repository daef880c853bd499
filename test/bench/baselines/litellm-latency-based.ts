/**
 * LiteLLM's `latency-based-routing` strategy (`litellm/router_strategy/lowest_latency.py`,
 * `LowestLatencyLoggingHandler`) re-implemented as a Switchyard `Strategy` for the lab.
 *
 * Two versions, by `version`:
 *
 * `'current'` (`litellm-latency-based`): LiteLLM as of 2026, read from BerriAI/litellm `main`,
 * `tests/test_litellm/router_strategy/test_lowest_latency.py` in its version with
 * `ttft_percentile` and the `time_to_first_token_seconds` list (the tests that pin the window
 * slide, the zero-token fallback, the TTFT ranking and the zero score of a deployment without
 * samples). The indexed copy of the source file itself was older, so the test file is the spec:
 * - sample = response seconds ÷ completion tokens; raw seconds when the response has no
 *   completion tokens (`safe_divide_seconds` falls back to the elapsed time);
 * - a true sliding window of the last `max_latency_list_size` (10) samples per deployment;
 * - streams also record the raw time to first token, in seconds, in a list of its own (same
 *   window); stream picks rank on that list: its mean, or its `ttft_percentile` when set;
 * - a deployment without samples (in the list used) scores 0, so it is tried first;
 * - a timeout appends a 1000 s penalty sample; other failures are ignored;
 * - pick: lowest score, uniformly at random within `lowest_latency_buffer` × best (default 0).
 *
 * `'v1'` (`litellm-latency-based-v1`): LiteLLM v1.51 to early 2026, from
 * `litellm/router_strategy/lowest_latency.py` at commit 015b9454 (the version in the lab before
 * issue #21): once the list of 10 is full it keeps its first 9 entries and overwrites the last
 * (`latency[: size - 1] + [new]`); TTFT is divided by completion tokens; a response without
 * completion tokens raises in the division and records nothing; an untried deployment gets an
 * int `[0]` entry, skipped by the sum but counted in the length.
 *
 * In both, the 1000 s sample comes only from a provider timeout: an attempt that itself ran for
 * `timeoutMs` (LiteLLM's per-request `timeout`; the lab sets it to its 60 s deadline). An attempt
 * that the router's whole-call deadline cut short, because it started late in the call, records
 * nothing (LiteLLM would not see a timeout there).
 * Not modelled: the TPM/RPM pre-filter (no limits are configured in the lab) and the 1-hour TTL.
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
  /** Which LiteLLM (see the file's comment). @default 'current' */
  readonly version?: 'current' | 'v1';
  /** LiteLLM `lowest_latency_buffer`: pick at random within best × (1 + buffer). @default 0 */
  readonly buffer?: number;
  /** LiteLLM `max_latency_list_size`. @default 10 */
  readonly listSize?: number;
  /** LiteLLM `ttft_percentile` (current only), in (0, 1]: rank streams on this percentile of TTFT. @default the mean */
  readonly ttftPercentile?: number;
  /** LiteLLM's per-request `timeout`: only an attempt that ran this long is a timeout sample. @default 60000 */
  readonly timeoutMs?: number;
}

/** Penalty sample of a timeout (LiteLLM appends `1000.0`). */
const TIMEOUT_PENALTY = 1000;

/** One deployment's samples; `NaN` stands for v1's initial int `0` (counted in the length, not the sum). */
interface Samples {
  latency: number[];
  ttft: number[];
}

/** Factory of a LiteLLM latency-based baseline, `litellm-latency-based` (or `-v1`) in the lab. */
export function litellmLatencyBased(options: LitellmLatencyOptions = {}): StrategyFactory {
  const p = options.ttftPercentile;
  if (p !== undefined && !(p > 0 && p <= 1)) {
    throw new RangeError(`litellm-latency-based: ttftPercentile: expected a number in (0, 1], got ${p}`);
  }
  return (init: StrategyInit) => new LitellmLatencyBased(init, options);
}

class LitellmLatencyBased implements Strategy {
  readonly name: string;
  readonly #v1: boolean;
  readonly #buffer: number;
  readonly #size: number;
  readonly #percentile: number | undefined;
  readonly #timeoutMs: number;
  readonly #samples: Array<Samples | undefined>;
  /** Scratch: candidates with their score, reused between picks. */
  #scored: Array<{ target: TargetView; score: number }> = [];

  constructor(init: StrategyInit, options: LitellmLatencyOptions) {
    this.#v1 = options.version === 'v1';
    this.name = this.#v1 ? 'litellm-latency-based-v1' : 'litellm-latency-based';
    this.#buffer = options.buffer ?? 0;
    this.#size = options.listSize ?? 10;
    this.#percentile = options.ttftPercentile;
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#samples = new Array(init.targets.length).fill(undefined);
  }

  pick(candidates: readonly TargetView[], context: PickContext): TargetView {
    const scored = this.#score(candidates, context.stream);
    let lowest = Number.POSITIVE_INFINITY;
    for (const s of scored) if (s.score < lowest) lowest = s.score;
    const limit = lowest + this.#buffer * lowest;
    let count = 0;
    for (const s of scored) if (s.score <= limit) scored[count++] = s;
    return scored[Math.floor(context.random() * count)]!.target;
  }

  observe(outcome: AttemptOutcome): void {
    const samples = this.#entry(outcome.target.index);
    if (!outcome.ok) {
      // A provider timeout only: not an attempt cut short by the whole-call deadline.
      if (outcome.errorKind === 'timeout' && outcome.latencyMs >= this.#timeoutMs) {
        this.#append(samples.latency, TIMEOUT_PENALTY);
      }
      return;
    }
    const tokens = outcome.usage?.outputTokens ?? 0;
    const seconds = outcome.latencyMs / 1000;
    const ttft = outcome.stream && outcome.ttftMs !== undefined ? outcome.ttftMs / 1000 : undefined;
    if (this.#v1) {
      if (tokens <= 0) return; // v1 divides by completion_tokens: a 0 raises and the sample is lost
      this.#append(samples.latency, seconds / tokens);
      if (ttft !== undefined) this.#append(samples.ttft, ttft / tokens);
      return;
    }
    this.#append(samples.latency, tokens > 0 ? seconds / tokens : seconds);
    if (ttft !== undefined) this.#append(samples.ttft, ttft);
  }

  /** Score = mean seconds per output token (streams: TTFT seconds); lower is better. */
  describe(candidates: readonly TargetView[], context: PickContext): readonly CandidateScore[] {
    return this.#score(candidates, context.stream).map((s) => ({
      target: s.target.id,
      score: s.score,
      note:
        context.stream && !this.#v1
          ? 'TTFT s (LiteLLM window); lower is better'
          : 'mean s/token of LiteLLM window; lower is better',
    }));
  }

  #score(candidates: readonly TargetView[], stream: boolean): Array<{ target: TargetView; score: number }> {
    const scored = this.#scored;
    scored.length = 0;
    for (const target of candidates) {
      const samples = this.#entry(target.index);
      scored.push({
        target,
        score: this.#v1 ? v1Score(samples, stream) : this.#currentScore(samples, stream),
      });
    }
    return scored;
  }

  #currentScore(samples: Samples, stream: boolean): number {
    const list = stream ? samples.ttft : samples.latency;
    if (list.length === 0) return 0;
    if (stream && this.#percentile !== undefined) return percentileOf(list, this.#percentile);
    let total = 0;
    for (const v of list) total += v;
    return total / list.length;
  }

  #entry(index: number): Samples {
    let samples = this.#samples[index];
    if (samples === undefined) {
      samples = { latency: this.#v1 ? [Number.NaN] : [], ttft: [] };
      this.#samples[index] = samples;
    }
    return samples;
  }

  #append(list: number[], value: number): void {
    if (list.length < this.#size) list.push(value);
    else if (this.#v1) list[this.#size - 1] = value;
    else {
      list.shift();
      list.push(value);
    }
  }
}

/** v1: streams average the TTFT list when it has samples, divided by the latency list's length. */
function v1Score(samples: Samples, stream: boolean): number {
  const list = stream && samples.ttft.length > 0 ? samples.ttft : samples.latency;
  let total = 0;
  for (const v of list) if (!Number.isNaN(v)) total += v;
  return total / samples.latency.length;
}

/** The `q`-quantile of `values`, interpolating between ranks (`statistics.quantiles`-like, inclusive). */
function percentileOf(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}
