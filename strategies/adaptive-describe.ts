import type { CandidateScore, PickContext, TargetView } from '../src/index.js';
import type { AdaptiveSettings } from './adaptive-options.js';
import type { RequestSize } from './adaptive-size.js';
import { type AdaptiveState, PRIOR_WEIGHT, RATIO_PRIOR_VARIANCE } from './adaptive-state.js';

/**
 * The scores of `adaptive`'s `describe`: per candidate, the expected utility of this request on
 * it (baseline latency × its speed ratio × load factor, plus the baseline failure part and its
 * failure advantage, minus cost), which is what a pick samples around, with a note that spells it
 * out. Higher is better; untried targets score +Infinity. `size` is set to the request.
 * Internal to `strategies/`.
 */
// The posterior arithmetic below repeats the pick's (`Adaptive.#choose` in adaptive.ts) on
// purpose: the pick keeps it inline for the pick budget
// (docs/decisions/0005-inline-posterior-on-the-pick-path.md). Keep both in step (tests compare
// describe and picks).
export function describeAdaptive(
  state: AdaptiveState,
  size: RequestSize,
  candidates: readonly TargetView[],
  context: PickContext,
): readonly CandidateScore[] {
  const { loadPenalty, ln2PerMs } = state.settings;
  size.set(context.request);
  const baseLatency = size.baseline(state.baseLatency);
  const baseRest = size.baseline(state.baseRest);
  const band = size.band;
  const outputBand = size.outputBand;
  const outputBands = outputBand < 0 ? undefined : state.outputBands;
  // The speed prior: a typical target (ratio 1) with the spread of all ratios seen.
  const ratioSecond = (Math.max(state.ratioSpread.variance, RATIO_PRIOR_VARIANCE) + 1) * PRIOR_WEIGHT;
  const restMean = state.restPrior.mean * PRIOR_WEIGHT;
  const restSecond = state.restPrior.second * PRIOR_WEIGHT;
  return candidates.map((c) => {
    const t = c.index;
    if (state.observed[t] === 0) {
      return {
        target: c.id,
        score: Number.POSITIVE_INFINITY,
        note: 'untried: tried first; higher is better',
      };
    }
    const elapsed = context.now - state.stamp[t]!;
    const keep = elapsed > 0 ? Math.exp(-elapsed * ln2PerMs) : 1;
    const speedN = state.speedN[t]! * keep + PRIOR_WEIGHT;
    const ratio = (state.ratio[t]! * keep + PRIOR_WEIGHT) / speedN;
    const ratioVariance = Math.max((state.ratioSquares[t]! * keep + ratioSecond) / speedN - ratio * ratio, 0);
    const n = state.n[t]! * keep + PRIOR_WEIGHT;
    const advantage = (state.rest[t]! * keep + restMean) / n;
    const restVariance = Math.max((state.restSquares[t]! * keep + restSecond) / n - advantage ** 2, 0);
    const promptRatio = ratio * state.promptBands.shape(t, band);
    const bandRatio =
      outputBands === undefined ? promptRatio : promptRatio * outputBands.shape(t, outputBand);
    const latency = Math.min(baseLatency * bandRatio, 0);
    const rest = baseRest + advantage;
    const spread = Math.sqrt((baseLatency * baseLatency * ratioVariance) / speedN + restVariance / n);
    const load = (1 + loadPenalty * c.inFlight) * state.slowdown(t, context.now);
    const cost = state.costOf(c, context.request, size.input);
    const headroom = state.headroomPenalty(c, context.request, size.input, context.now);
    return {
      target: c.id,
      score: latency * load + rest - cost - headroom,
      note:
        `latency ${latency.toFixed(3)} (speed ×${bandRatio.toFixed(2)} of the baseline in ${bandName(state.settings, band, outputBand)}, ×${ratio.toFixed(2)} overall) × load ${load.toFixed(2)} + failure ${rest.toFixed(3)} − cost ${cost.toFixed(3)}` +
        `${headroom > 0 ? ` − rate limit ${headroom.toFixed(3)}` : ''}, ` +
        `± ${spread.toFixed(3)} over ${(n - PRIOR_WEIGHT).toFixed(1)} recent outcomes; ` +
        'higher is better (picks sample the posterior)',
    };
  });
}

/**
 * A request's bands, for notes: `prompts of 512–2048 tokens`, with output bands
 * `prompts of 512–2048 tokens and answers capped at 512–2048 tokens` (`outputBand` -1: none).
 */
function bandName(settings: AdaptiveSettings, band: number, outputBand: number): string {
  const prompts = rangeName(settings.bandEdges, band, 'of');
  const name = prompts === undefined ? 'all prompts' : `prompts ${prompts}`;
  if (outputBand < 0) return name;
  return `${name} and answers capped ${rangeName(settings.outputBandEdges, outputBand, 'at')}`;
}

/**
 * The sizes of band `band` of `edges` in words (`under 512 tokens`, `of 512–2048 tokens`, `of
 * 32768+ tokens` with `preposition` "of"), or undefined without edges.
 */
function rangeName(edges: readonly number[], band: number, preposition: string): string | undefined {
  if (edges.length === 0) return undefined;
  if (band === 0) return `under ${edges[0]} tokens`;
  if (band === edges.length) return `${preposition} ${edges[band - 1]}+ tokens`;
  return `${preposition} ${edges[band - 1]}–${edges[band]} tokens`;
}
