import {
  type ResolvedUtilityWeights,
  resolveUtilityWeights,
  SwitchyardError,
  type UtilityWeights,
} from '../src/index.js';
import { checkNonNegative } from './checks.js';

/** Options of {@link adaptive}. */
export interface AdaptiveOptions {
  /**
   * What a call's outcome is worth: penalties for latency, failure and cost.
   * @default DEFAULT_UTILITY_WEIGHTS (1 per second, 10 per failure, 1000 per USD)
   */
  readonly weights?: UtilityWeights;
  /**
   * Discount per observation of a target in (0, 1]: each new outcome multiplies the weight of
   * the target's older ones by it (per unit of its own weight), so its estimate rests on at most
   * about `1 / (1 − discount)` recent outcomes (20 at 0.95) whatever the traffic. Off by default:
   * memory is in clock time (`halfLifeMs`). A discount also lets the late outcomes of a slow spike
   * push out the fresh ones, so it slows the return to a target after a spike.
   * @default 1 (off)
   * @example adaptive({ discount: 0.95 }) // also forget by count: about the last 20 outcomes
   */
  readonly discount?: number;
  /**
   * Half-life of what is known about a target, in ms of clock time. Outcomes lose half their
   * weight every `halfLifeMs`, counted from when their attempt *started* (an outcome describes
   * the target as it was then: a call that ran through a 30 s spike arrives already aged by
   * 30 s), and so does the slowdown read from attempts still in flight, counted from the
   * target's last pick. While a target gets no traffic its estimate fades back toward the
   * average of all targets and its uncertainty grows, so a target that was bad (or down) is
   * sampled again and a recovery is noticed.
   * Longer memories trade noise for speed at seeing a provider get better (slower on gradual
   * recoveries and on a provider that gets faster).
   * @default 20_000
   * @example adaptive({ halfLifeMs: 60_000 }) // steadier estimates, slower to see a recovery
   */
  readonly halfLifeMs?: number;
  /**
   * Scale of the posterior spread when sampling: 1 is plain Thompson sampling, 0 is greedy on
   * the estimate, above 1 explores more. Half by default: untried targets, revisits, overdue
   * attempts and fading knowledge already explore (docs/decisions/0014).
   * @default 0.5
   */
  readonly exploration?: number;
  /**
   * Expected growth of a call's latency per other attempt in flight on the same target: the
   * latency part of a candidate's utility is multiplied by `1 + loadPenalty × inFlight` (and
   * observed latencies are divided by the factor they ran under), so concurrent calls spread
   * instead of herding onto the current favourite. Set it above the true growth to spread load
   * more: a call added to a busy target also slows the calls already there. 0 ignores load.
   * @default 0.04
   * @example adaptive({ loadPenalty: 0.1 }) // spread concurrent calls more
   */
  readonly loadPenalty?: number;
  /**
   * Reads slowdowns from attempts still in flight (see `InFlightTracker`): when attempts are
   * pending on a target but none finishes for `lateAfter` times the gap expected from its usual
   * latency, its latency part is scaled up by how late they are, before the slow outcomes
   * arrive. An answer on time (within twice the usual latency) lets go of the attempts picked
   * before it, so attempts still hanging from a spike that has ended do not keep the target
   * away. 0 turns it off.
   * @default 3
   */
  readonly lateAfter?: number;
  /**
   * Reads slowdowns from each attempt still in flight, against the latency expected for it when
   * it was picked (the shared baseline × the target's speed ratio, × load): when more than
   * `overdueAfter` of a target's pending attempts should have finished by now and none has, its
   * latency part is scaled by the slowdown that explains the silence (see `OverdueTracker`).
   * A stream is judged first by its first token (reported through `observeFirstToken`), due at
   * the share of the attempt that the target's streams spend before their first token (learned
   * per target from the prompt and output cap, after 5 streams): a slowdown shows within about
   * three times-to-first-token, not after a whole answer. 0 turns it off.
   * @default 3
   */
  readonly overdueAfter?: number;
  /**
   * A candidate not picked for this long is picked once (a probe). Sampling alone never tries a
   * target whose known cost is far above the others' (prices are not sampled), so without it
   * such a target would never be checked again. A candidate whose cost penalty for the request
   * alone is worse than the best candidate's expected utility is not probed (it cannot win this
   * call whatever its speed). 0 turns probing off.
   * @default 30_000
   */
  readonly revisitMs?: number;
  /**
   * Prompt lengths (input tokens, ascending) at which a new band starts. Besides its overall
   * speed ratio, a target learns a factor per band, so a target that is quick on short prompts
   * and slow on long ones (a fast first token, a slow prefill) is told apart by the prompt at
   * hand. A band's factor leans toward 1 by as much as the target's bands have been seen to agree
   * (see the strategy's description). `[]` learns one ratio per target.
   * @default [512, 2048, 8192, 32768] (five bands)
   */
  readonly bandEdges?: readonly number[];
  /**
   * Output caps (`maxOutputTokens`, ascending) at which a new output band starts. With edges, a
   * target also learns a speed factor per output band, multiplied with its prompt band's, so a
   * target that starts fast but writes slowly is told apart by the answer at hand. Requests
   * without `maxOutputTokens` neither use nor teach it. Off by default: where answer lengths
   * decide little, the extra factors cost a little learning speed. Turn it on when providers
   * differ in decode speed (one fast at prefill, another at decode) and your requests set caps
   * that follow the answers they expect.
   * @default [] (off)
   * @example [512, 2048] // answers capped under 512, 512–2047 and 2048+ tokens
   */
  readonly outputBandEdges?: readonly number[];
}

/** {@link AdaptiveOptions} checked, with their defaults filled in: what a strategy instance runs on. */
export interface AdaptiveSettings {
  readonly weights: ResolvedUtilityWeights;
  readonly discount: number;
  /** `ln 2 / halfLifeMs`: the decay rate of learned state per ms of clock time. */
  readonly ln2PerMs: number;
  readonly exploration: number;
  readonly loadPenalty: number;
  readonly lateAfter: number;
  readonly overdueAfter: number;
  readonly revisitMs: number;
  readonly bandEdges: readonly number[];
  readonly outputBandEdges: readonly number[];
}

/** Default {@link AdaptiveOptions.bandEdges}: powers of 4 from 512 input tokens. */
const DEFAULT_BAND_EDGES: readonly number[] = [512, 2048, 8192, 32_768];

/**
 * Checks `options` and fills in their defaults.
 * @throws SwitchyardError `config` naming the field (`adaptive: discount: expected …`); see
 * {@link adaptive} for the rules.
 */
export function resolveAdaptiveOptions(options: AdaptiveOptions): AdaptiveSettings {
  let weights: ResolvedUtilityWeights;
  try {
    weights = resolveUtilityWeights(options.weights);
  } catch (error) {
    throw new SwitchyardError('config', `adaptive: weights: ${(error as Error).message}`);
  }
  // Why the defaults of discount, halfLifeMs, loadPenalty and outputBandEdges: docs/decisions/0001–0004.
  const discount = options.discount ?? 1;
  if (!(discount > 0 && discount <= 1)) {
    throw new SwitchyardError(
      'config',
      `adaptive: discount: expected a number in (0, 1], got ${String(discount)}`,
    );
  }
  const halfLifeMs = options.halfLifeMs ?? 20_000;
  if (!(halfLifeMs > 0 && Number.isFinite(halfLifeMs))) {
    throw new SwitchyardError(
      'config',
      `adaptive: halfLifeMs: expected a finite number of ms > 0, got ${String(halfLifeMs)}`,
    );
  }
  const exploration = checkNonNegative('adaptive', 'exploration', options.exploration ?? 0.5);
  const loadPenalty = checkNonNegative('adaptive', 'loadPenalty', options.loadPenalty ?? 0.04);
  const lateAfter = checkNonNegative('adaptive', 'lateAfter', options.lateAfter ?? 3);
  const overdueAfter = checkNonNegative('adaptive', 'overdueAfter', options.overdueAfter ?? 3);
  const revisitMs = checkNonNegative('adaptive', 'revisitMs', options.revisitMs ?? 30_000);
  const bandEdges = checkBandEdges('bandEdges', options.bandEdges ?? DEFAULT_BAND_EDGES);
  const outputBandEdges = checkBandEdges('outputBandEdges', options.outputBandEdges ?? []);
  return {
    weights,
    discount,
    ln2PerMs: Math.LN2 / halfLifeMs,
    exploration,
    loadPenalty,
    lateAfter,
    overdueAfter,
    revisitMs,
    bandEdges,
    outputBandEdges,
  };
}

/** Checks a list of band edges (ascending finite token counts > 0) and returns a copy. */
function checkBandEdges(field: string, edges: readonly number[]): readonly number[] {
  for (let i = 0; i < edges.length; i++) {
    const edge = edges[i]!;
    if (!(edge > 0 && Number.isFinite(edge)) || (i > 0 && !(edge > edges[i - 1]!))) {
      throw new SwitchyardError(
        'config',
        `adaptive: ${field}[${i}]: expected ascending finite numbers of tokens > 0, got ${String(edge)}`,
      );
    }
  }
  return [...edges];
}
