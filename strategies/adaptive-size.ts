import { type CompletionRequest, estimateInputTokens } from '../src/index.js';
import type { BandFactors } from './predictors/band-factors.js';
import type { OnlineRidge } from './predictors/online-ridge.js';

/**
 * The size of the request at hand, as `adaptive` reads it: the features of its shared baselines
 * (`[1, input kTok, max output kTok]`), its input tokens, and its prompt and output-cap bands.
 * Computed once per request into reused storage: a pick, a `describe` and the attempt's outcome
 * of the same request share it. Internal to `strategies/`.
 */
export class RequestSize {
  /** The baselines' features: [1, input kTok, max output kTok]. */
  readonly features = { values: new Float64Array(3) };
  /** Input tokens of the request. */
  input = 0;
  /** Prompt band of the request. */
  band = 0;
  /** Output-cap band of the request; -1 without output bands or without a cap. */
  outputBand = -1;
  /** The request sized last. */
  #request: CompletionRequest | undefined;
  readonly #promptBands: BandFactors;
  readonly #outputBands: BandFactors | undefined;

  constructor(promptBands: BandFactors, outputBands: BandFactors | undefined) {
    this.#promptBands = promptBands;
    this.#outputBands = outputBands;
  }

  /** Sizes `request` (nothing to do when it is the request sized last). */
  set(request: CompletionRequest): void {
    if (request === this.#request) return;
    this.#request = request;
    this.input = estimateInputTokens(request);
    const x = this.features.values;
    x[0] = 1;
    x[1] = this.input / 1000;
    x[2] = (request.maxOutputTokens ?? 0) / 1000;
    this.band = this.#promptBands.bandOf(this.input);
    const cap = request.maxOutputTokens;
    // Without a cap, the answer's length is anyone's guess: output bands neither apply nor learn.
    this.outputBand =
      this.#outputBands === undefined || cap === undefined ? -1 : this.#outputBands.bandOf(cap);
  }

  /** A baseline's prediction for this size (0 until it has data). */
  baseline(model: OnlineRidge): number {
    return model.samples > 0 ? model.predict(this.features) : 0;
  }
}
