import {
  type AttemptOutcome,
  type CandidateScore,
  type CompletionRequest,
  estimateInputTokens,
  type PickContext,
  type Price,
  type Strategy,
  type StrategyFactory,
  type StrategyInit,
  SwitchyardError,
  type TargetView,
} from '../src/index.js';
import { nextAtOrAfter } from './cursor.js';
import { LoadLimit } from './predictors/load-limit.js';

/** Options of {@link cost}. */
export interface CostOptions {
  /**
   * What to do with candidates that have no price (neither the target nor its adapter knows one).
   * - `skip`: pick among priced candidates only; when none of the candidates is priced, take
   *   them in round-robin order so that load still spreads.
   * - `free`: treat them as costing nothing (self-hosted models), so they win.
   * @default 'skip'
   */
  readonly unpriced?: 'skip' | 'free';
  /**
   * Output tokens expected when neither the request nor the target sets `maxOutputTokens` and
   * the target has no observed responses yet.
   * @default 256
   */
  readonly defaultOutputTokens?: number;
  /**
   * Weight of each new response in the per-target running means (output tokens, cached share of
   * the input): 0.1 remembers about the last 10 responses.
   * @default 0.1
   */
  readonly smoothing?: number;
  /**
   * Relative difference under which two expected costs count as a tie, broken by load (fewer in
   * flight). Candidates with the same prices also tie whatever their running means of output
   * tokens (those differ by noise): replicas at one price share the load instead of piling onto
   * the one whose recent answers happened to be shorter.
   * @default 0.02
   */
  readonly tieTolerance?: number;
  /**
   * How much slower than when idle a target may get under load. Each target learns how its
   * latency per unit of work (first token, decode, prefill) grows with the attempts in flight
   * when an attempt starts; a candidate with as many attempts in flight as make it `maxSlowdown`
   * times slower loses to any candidate that is not at its limit, whatever its price. So the
   * cheapest target takes traffic up to the load it can carry and the rest spills to the next
   * cheapest, instead of queueing until calls time out. `Infinity` turns it off (price alone).
   * @default 1.5
   */
  readonly maxSlowdown?: number;
}

/**
 * Cheapest expected cost for this request's token mix.
 *
 * For each candidate, expected cost in USD = `input × inputPrice' + output × outputPrice`, where:
 * - `input` is `estimateInputTokens(request)` (characters ÷ 4 of prompt and tool schemas), the
 *   same for every candidate, computed once per request;
 * - `inputPrice'` blends the input and cached-input prices by the share of input tokens the
 *   target served from its prompt cache (a running mean of `usage.cachedInputTokens ÷
 *   inputTokens`, 0 until a response reports it);
 * - `output` is the request's `maxOutputTokens` (else the target's) capped by a running mean of
 *   the output tokens the target actually produced: a cap is an upper bound, and most responses
 *   stop well before it. Without a cap it is the running mean, or `defaultOutputTokens`.
 *
 * So a target with cheap input but expensive output wins short answers to long prompts and loses
 * long answers. The router offers only healthy candidates that can serve the request (context
 * window, tools, JSON, images), so the cheapest candidate meets the request's constraints.
 * Ties (costs within `tieTolerance`, 2% by default, or the same prices) go to fewer in flight, then
 * lower index. A candidate at its load limit (as many attempts in flight as make it `maxSlowdown`
 * times slower than idle, learned from its outcomes) loses to one that is not, so that price
 * alone does not keep piling calls onto it. O(candidates) per pick.
 *
 * @example
 * ```ts
 * new Router({ targets, strategy: 'cost' });
 * registry.register('cheap', cost({ unpriced: 'free', defaultOutputTokens: 512 }));
 * ```
 * @throws SwitchyardError `config` when `unpriced` is not `skip` or `free`, `defaultOutputTokens`
 * is negative or not finite, `smoothing` is not in (0, 1], `tieTolerance` is negative or not finite,
 * or `maxSlowdown` is not above 1.
 */
export function cost(options: CostOptions = {}): StrategyFactory {
  const unpriced = options.unpriced ?? 'skip';
  if (unpriced !== 'skip' && unpriced !== 'free') {
    throw new SwitchyardError('config', `cost: unpriced: expected 'skip' or 'free', got ${String(unpriced)}`);
  }
  const defaultOutputTokens = options.defaultOutputTokens ?? 256;
  if (!(defaultOutputTokens >= 0 && Number.isFinite(defaultOutputTokens))) {
    throw new SwitchyardError(
      'config',
      `cost: defaultOutputTokens: expected a finite number >= 0, got ${String(defaultOutputTokens)}`,
    );
  }
  const smoothing = options.smoothing ?? 0.1;
  if (!(smoothing > 0 && smoothing <= 1)) {
    throw new SwitchyardError(
      'config',
      `cost: smoothing: expected a number in (0, 1], got ${String(smoothing)}`,
    );
  }
  const tieTolerance = options.tieTolerance ?? 0.02;
  if (!(tieTolerance >= 0 && Number.isFinite(tieTolerance))) {
    throw new SwitchyardError(
      'config',
      `cost: tieTolerance: expected a finite number >= 0, got ${String(tieTolerance)}`,
    );
  }
  const maxSlowdown = options.maxSlowdown ?? 1.5;
  if (!(maxSlowdown > 1)) {
    throw new SwitchyardError(
      'config',
      `cost: maxSlowdown: expected a number > 1 (Infinity: off), got ${String(maxSlowdown)}`,
    );
  }
  const settings: Settings = {
    skipUnpriced: unpriced === 'skip',
    defaultOutputTokens,
    smoothing,
    tieTolerance,
    maxSlowdown,
  };
  return (init: StrategyInit): Strategy => new Cost(settings, init.targets.length);
}

interface Settings {
  readonly skipUnpriced: boolean;
  readonly defaultOutputTokens: number;
  readonly smoothing: number;
  readonly tieTolerance: number;
  readonly maxSlowdown: number;
}

class Cost implements Strategy {
  readonly name = 'cost';
  readonly #settings: Settings;
  /** Running mean of output tokens per response, by target index. */
  readonly #outputTokens: Float64Array;
  /** Running mean of the cached share of input tokens, by target index. */
  readonly #cachedShare: Float64Array;
  /** Bit 1: output mean set; bit 2: cached share set. */
  readonly #seen: Uint8Array;
  /** Round-robin cursor used when no candidate is priced. */
  #cursor = 0;
  /** One-entry cache of the input estimate: retries and `describe` re-read the same request. */
  #lastRequest: CompletionRequest | undefined;
  #lastInputTokens = 0;
  /** How much load each target carries before it is `maxSlowdown` times slower than idle. */
  readonly #load: LoadLimit;

  constructor(settings: Settings, targetCount: number) {
    this.#settings = settings;
    this.#load = new LoadLimit(targetCount, settings.maxSlowdown);
    this.#outputTokens = new Float64Array(targetCount);
    this.#cachedShare = new Float64Array(targetCount);
    this.#seen = new Uint8Array(targetCount);
  }

  pick(candidates: readonly TargetView[], context: PickContext): TargetView {
    const request = context.request;
    const input = this.#inputTokens(request);
    let best: TargetView | undefined;
    let bestCost = Number.POSITIVE_INFINITY;
    let bestSaturated = false;
    for (let i = 0; i < candidates.length; i++) {
      const c = candidates[i]!;
      const expected = this.#expectedCost(c, request, input);
      if (Number.isNaN(expected)) continue;
      const saturated = this.#saturated(c);
      if (
        best === undefined ||
        (saturated === bestSaturated ? this.#beats(c, expected, best, bestCost) : !saturated)
      ) {
        best = c;
        bestCost = expected;
        bestSaturated = saturated;
      }
    }
    return best ?? this.#roundRobin(candidates);
  }

  observe(outcome: AttemptOutcome): void {
    this.#load.observe(outcome);
    const usage = outcome.usage;
    if (!outcome.ok || usage === undefined) return;
    const i = outcome.target.index;
    const a = this.#settings.smoothing;
    const seen = this.#seen[i]!;
    const out = Math.max(0, usage.outputTokens);
    this.#outputTokens[i] = seen & 1 ? this.#outputTokens[i]! * (1 - a) + out * a : out;
    let flags = seen | 1;
    if (usage.cachedInputTokens !== undefined && usage.inputTokens > 0) {
      const share = Math.min(1, Math.max(0, usage.cachedInputTokens / usage.inputTokens));
      this.#cachedShare[i] = seen & 2 ? this.#cachedShare[i]! * (1 - a) + share * a : share;
      flags |= 2;
    }
    this.#seen[i] = flags;
  }

  /** Score = expected cost in USD (Infinity: no price, skipped). Lower is better. */
  describe(candidates: readonly TargetView[], context: PickContext): readonly CandidateScore[] {
    const request = context.request;
    const input = this.#inputTokens(request);
    return candidates.map((c) => {
      const expected = this.#expectedCost(c, request, input);
      if (Number.isNaN(expected)) {
        return { target: c.id, score: Number.POSITIVE_INFINITY, note: 'no price: skipped; lower is better' };
      }
      const output = this.#expectedOutput(c, request);
      const cached = this.#cachedShare[c.index]!;
      const slow = this.#saturated(c)
        ? `; at its load limit (${this.#load.limit(c.index).toFixed(0)} in flight): loses to any target that is not`
        : '';
      return {
        target: c.id,
        score: expected,
        note:
          (c.price === undefined
            ? 'no price: counted as free'
            : `${input} in (${(cached * 100).toFixed(0)}% cached) + ${output.toFixed(0)} out tokens; USD`) +
          `${slow}; lower is better`,
      };
    });
  }

  /** Expected cost in USD, or NaN when the target has no price and unpriced ones are skipped. */
  #expectedCost(target: TargetView, request: CompletionRequest, input: number): number {
    const price = target.price;
    if (price === undefined) return this.#settings.skipUnpriced ? Number.NaN : 0;
    const share = this.#cachedShare[target.index]!;
    const inputPrice =
      price.inputPerMTok * (1 - share) + (price.cachedInputPerMTok ?? price.inputPerMTok) * share;
    return (input * inputPrice + this.#expectedOutput(target, request) * price.outputPerMTok) / 1_000_000;
  }

  /** The request's (or target's) output cap, capped again by the observed mean. */
  #expectedOutput(target: TargetView, request: CompletionRequest): number {
    const cap = request.maxOutputTokens ?? target.config.maxOutputTokens;
    const observed = (this.#seen[target.index]! & 1) === 1;
    const mean = this.#outputTokens[target.index]!;
    if (cap === undefined) return observed ? mean : this.#settings.defaultOutputTokens;
    return observed ? Math.min(cap, mean) : cap;
  }

  /** Whether `target` carries the load at which it is `maxSlowdown` times slower than idle. */
  #saturated(target: TargetView): boolean {
    return target.inFlight >= this.#load.limit(target.index);
  }

  #beats(a: TargetView, aCost: number, b: TargetView, bCost: number): boolean {
    const gap = aCost - bCost;
    const tie =
      Math.abs(gap) <= this.#settings.tieTolerance * Math.max(aCost, bCost) || samePrices(a.price, b.price);
    if (!tie) return gap < 0;
    if (a.inFlight !== b.inFlight) return a.inFlight < b.inFlight;
    return a.index < b.index;
  }

  /** First candidate at or after the cursor by index, wrapping around, as `round-robin` does. */
  #roundRobin(candidates: readonly TargetView[]): TargetView {
    const chosen = nextAtOrAfter(candidates, this.#cursor);
    this.#cursor = chosen.index + 1;
    return chosen;
  }

  #inputTokens(request: CompletionRequest): number {
    if (request !== this.#lastRequest) {
      this.#lastRequest = request;
      this.#lastInputTokens = estimateInputTokens(request);
    }
    return this.#lastInputTokens;
  }
}

/** Whether two targets have the same prices (both priced): their costs differ only by noise. */
function samePrices(a: Price | undefined, b: Price | undefined): boolean {
  return (
    a !== undefined &&
    b !== undefined &&
    a.inputPerMTok === b.inputPerMTok &&
    a.outputPerMTok === b.outputPerMTok &&
    (a.cachedInputPerMTok ?? a.inputPerMTok) === (b.cachedInputPerMTok ?? b.inputPerMTok)
  );
}
