import type { Dataset } from './data.js';
import { meanAndScale } from './data.js';
import { type JsonObject, type ModelReader, plain } from './json.js';

/**
 * Per-feature standardisation `(x − mean) / scale`, fitted on training data (weighted), for the
 * families that need features of order 1 (MLP, SVR). A constant feature (the bias) gets scale 1.
 */
export class Standardizer {
  constructor(
    readonly mean: Float64Array,
    readonly scale: Float64Array,
  ) {}

  /** Fits the means and scales of `data`'s features. */
  static fit(data: Dataset): Standardizer {
    const mean = new Float64Array(data.d);
    const scale = new Float64Array(data.d);
    for (let j = 0; j < data.d; j++) {
      const [m, s] = meanAndScale(data.x, data.w, data.d, j);
      mean[j] = m;
      scale[j] = s;
    }
    return new Standardizer(mean, scale);
  }

  /** Writes the standardised `x[offset..offset+d)` into `out`. */
  apply(x: ArrayLike<number>, out: Float64Array, offset = 0): void {
    const mean = this.mean;
    const scale = this.scale;
    for (let j = 0; j < mean.length; j++) out[j] = (x[offset + j]! - mean[j]!) / scale[j]!;
  }

  /** All rows of `data`, standardised, row-major. */
  applyAll(data: Dataset): Float64Array {
    const out = new Float64Array(data.n * data.d);
    for (let i = 0; i < data.n; i++)
      this.apply(data.x, out.subarray(i * data.d, (i + 1) * data.d), i * data.d);
    return out;
  }

  toJSON(): JsonObject {
    return { mean: plain(this.mean), scale: plain(this.scale) };
  }

  /** Reads {@link toJSON}'s output at `path`. */
  static read(reader: ModelReader, json: JsonObject, path: string, dimension: number): Standardizer {
    const mean = reader.numbers(json.mean, `${path}.mean`, dimension);
    const scale = reader.numbers(json.scale, `${path}.scale`, dimension);
    for (let j = 0; j < dimension; j++)
      if (!(scale[j]! > 0)) reader.fail(`${path}.scale[${j}]`, 'a number > 0', scale[j]);
    return new Standardizer(mean, scale);
  }
}
