/**
 * What a model predicts when it cannot: before its first fit, and instead of a non-finite
 * prediction (a feature vector with NaN, of the wrong length, a diverged model). It is the
 * prior until data arrives, then a running mean of the observed values that follows drift
 * (the newest 1% weighs the same as the rest, once past 100 observations). `count` is how many
 * non-finite predictions it replaced.
 */
export class Fallback {
  #value: number;
  #seen = 0;
  /** Predictions replaced by the fallback because the model gave NaN or ±Infinity. */
  count = 0;

  constructor(prior: number) {
    this.#value = prior;
  }

  /** The current fallback value. */
  get value(): number {
    return this.#value;
  }

  /** Learns from one observed value (finite, checked by the caller). */
  observe(value: number): void {
    this.#seen++;
    this.#value += Math.max(1 / this.#seen, 0.01) * (value - this.#value);
  }

  /** The fallback value, counted as a replaced prediction. */
  use(): number {
    this.count++;
    return this.#value;
  }

  /** State for JSON. */
  toJSON(): { value: number; seen: number } {
    return { value: this.#value, seen: this.#seen };
  }

  /** Restores {@link toJSON}'s state. */
  load(value: number, seen: number): void {
    this.#value = value;
    this.#seen = seen;
  }
}
