import type { AttemptOutcome, CompletionRequest, JsonValue, TargetView } from '../../src/index.js';
import { OnlineRidge } from './online-ridge.js';

/** Streamed successes a target needs before its first tokens are expected (and can be late). */
const MIN_SAMPLES = 5;
/**
 * Memory of each target's model, per streamed success (about 50). Short, so that a target whose
 * first tokens got slower relative to its whole answers is followed within a minute of streams.
 */
const FORGETTING = 0.98;
/** Pull of the coefficients toward 0 (a share of 1), in observations: the model needs data, not a prior. */
const RIDGE = 1;

function newModel(): OnlineRidge {
  return new OnlineRidge(3, { forgetting: FORGETTING, ridge: RIDGE });
}

/**
 * When a stream's first token is due. Per target, a small online ridge regression of
 * `ln(time to first token ÷ latency)` on `[1, input kTok, output cap kTok]`, learned from the
 * streamed successes it has served: long prompts spend more of an answer before the first token
 * (prefill), long outputs less. A strategy multiplies the latency it expects of an attempt by
 * {@link share} to know when the first token should arrive; a stream still silent well after
 * that is early news of a slowdown (see `OverdueTracker.picked`).
 *
 * A share, not an absolute time, so the expectation moves with the strategy's own estimate of the
 * target (a target already known to be slow is not called late again). O(1) per call (3
 * features), O(targets) memory.
 * @internal
 */
export class FirstTokenShare {
  readonly #models: OnlineRidge[];
  readonly #features = { values: new Float64Array(3) };

  constructor(targetCount: number) {
    this.#models = Array.from({ length: targetCount }, newModel);
  }

  /** Target `index`'s model as JSON (`OnlineRidge.snapshot`), for a strategy's snapshot. */
  snapshotOf(index: number): JsonValue {
    return this.#models[index]!.snapshot();
  }

  /**
   * A model restored from what {@link snapshotOf} wrote, for {@link setModel}.
   * @throws {SwitchyardError} `config` from `OnlineRidge.restore` when `snapshot` is malformed.
   */
  modelFrom(snapshot: JsonValue): OnlineRidge {
    const model = newModel();
    model.restore(snapshot);
    return model;
  }

  /** Makes `model` target `index`'s model, or a fresh one when undefined. */
  setModel(index: number, model: OnlineRidge | undefined): void {
    this.#models[index] = model ?? newModel();
  }

  /** Learns from an outcome (only streamed successes that report a first token teach it). */
  observe(outcome: AttemptOutcome, inputTokens: number): void {
    const ttft = outcome.ttftMs;
    if (!outcome.ok || !outcome.stream || ttft === undefined || !(ttft > 0) || !(outcome.latencyMs >= ttft)) {
      return;
    }
    this.#models[outcome.target.index]?.observe(this.#set(inputTokens, outcome.request, outcome.target), {
      value: Math.log(ttft / outcome.latencyMs),
    });
  }

  /**
   * Expected share (in (0, 1]) of an attempt of `request` (a prompt of `inputTokens`) on `target`
   * that passes before the first token; 0 while the target has served fewer than 5 streams.
   */
  share(target: TargetView, request: CompletionRequest, inputTokens: number): number {
    const model = this.#models[target.index];
    if (model === undefined || model.samples < MIN_SAMPLES) return 0;
    return Math.min(1, Math.exp(model.predict(this.#set(inputTokens, request, target))));
  }

  /** The features: [1, input kTok, output cap kTok] (the request's cap, else the target's, else 0). */
  #set(inputTokens: number, request: CompletionRequest, target: TargetView): { values: Float64Array } {
    const x = this.#features.values;
    x[0] = 1;
    x[1] = inputTokens / 1000;
    x[2] = (request.maxOutputTokens ?? target.config.maxOutputTokens ?? 0) / 1000;
    return this.#features;
  }
}
