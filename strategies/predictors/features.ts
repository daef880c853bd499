import {
  type CompletionRequest,
  estimateInputTokens,
  type PredictionFeatures,
  SwitchyardError,
} from '../../src/index.js';

/** Position of each built-in feature in {@link RequestFeatures.values}. */
export const FEATURE = Object.freeze({
  /** Always 1: the intercept. */
  bias: 0,
  /** Estimated input tokens ÷ 1000 (`estimateInputTokens`: characters ÷ 4). */
  inputKTok: 1,
  /** Output tokens ÷ 1000: the request's cap for the output model, the expected count for latency. */
  outputKTok: 2,
  /** 1 for a stream, 0 otherwise. */
  stream: 3,
  /** Attempts in flight on the target (others than this one). */
  inFlight: 4,
  /** 1 when the request offers tools or asks for JSON, 0 otherwise. */
  structured: 5,
});

/** Number of built-in features; tag features follow them. */
export const BASE_FEATURES = 6;

/** Most tags {@link RequestFeatures} accepts, so that models stay small (d ≤ 14). */
export const MAX_TAG_FEATURES = 8;

/**
 * The feature vector of the `intelligent` strategy, built once per pick into one preallocated
 * `Float64Array` and updated in place per candidate (only `outputKTok` and `inFlight` change).
 *
 * Order: `[bias, inputKTok, outputKTok, stream, inFlight, structured, ...tags]`, where each tag
 * of `tags` adds a 0/1 feature that is 1 when the request carries that tag. Scaled so that every
 * value is of order 1, which keeps the ridge prior equally gentle on all coefficients.
 *
 * @example
 * ```ts
 * const f = new RequestFeatures(['batch']);
 * f.setRequest(request, false);
 * f.values; // Float64Array [1, 0.25, 0, 0, 0, 0, 1]
 * ```
 */
export class RequestFeatures implements PredictionFeatures {
  readonly values: Float64Array;
  /** Clock time of the pick or outcome these features describe (set by the strategy). */
  now: number | undefined = undefined;
  readonly #tags: readonly string[];
  /** One-entry cache: retries and `describe` re-read the same request. */
  #lastRequest: CompletionRequest | undefined;
  #lastInputTokens = 0;

  constructor(tags: readonly string[] = []) {
    if (tags.length > MAX_TAG_FEATURES) {
      throw new SwitchyardError(
        'config',
        `features: tags: expected at most ${MAX_TAG_FEATURES} tags, got ${tags.length}`,
      );
    }
    this.#tags = [...tags];
    this.values = new Float64Array(BASE_FEATURES + tags.length);
  }

  /** Number of features d. */
  get dimension(): number {
    return this.values.length;
  }

  /**
   * Fills the request's features and returns its estimated input tokens. `outputKTok` is set to
   * the request's `maxOutputTokens` ÷ 1000 (0 when unset) and `inFlight` to 0.
   */
  setRequest(request: CompletionRequest, stream: boolean): number {
    const v = this.values;
    const inputTokens = this.inputTokensOf(request);
    v[FEATURE.bias] = 1;
    v[FEATURE.inputKTok] = inputTokens / 1000;
    v[FEATURE.outputKTok] = (request.maxOutputTokens ?? 0) / 1000;
    v[FEATURE.stream] = stream ? 1 : 0;
    v[FEATURE.inFlight] = 0;
    v[FEATURE.structured] =
      (request.tools !== undefined && request.tools.length > 0) || request.responseFormat?.type === 'json'
        ? 1
        : 0;
    const tags = this.#tags;
    if (tags.length > 0) {
      const own = request.tags;
      for (let i = 0; i < tags.length; i++) v[BASE_FEATURES + i] = own?.includes(tags[i]!) ? 1 : 0;
    }
    return inputTokens;
  }

  /** Sets the output tokens (count, not thousands). */
  setOutputTokens(tokens: number): void {
    this.values[FEATURE.outputKTok] = tokens / 1000;
  }

  /** Sets the target's attempts in flight. */
  setInFlight(inFlight: number): void {
    this.values[FEATURE.inFlight] = inFlight;
  }

  /** `estimateInputTokens(request)`, remembered for the last request seen. */
  inputTokensOf(request: CompletionRequest): number {
    if (request !== this.#lastRequest) {
      this.#lastRequest = request;
      this.#lastInputTokens = estimateInputTokens(request);
    }
    return this.#lastInputTokens;
  }
}
