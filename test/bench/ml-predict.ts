/**
 * Prediction cost of each `switchyard-llm/ml` family as the `intelligent` strategy would pay it:
 * 8 targets × 3 quantities (latency, output tokens, failure) of trained models, 6 features
 * (the strategy's built-in ones). Reports the median ns per (request, target) (3 predictions),
 * per prediction, per observation, and the ms of one fit on a full window of 1000 rows.
 */
import { measure } from 'mitata';
import { createSeededRandom } from '../../index.js';
import {
  createModel,
  type MlPredictor,
  MODEL_FAMILIES,
  type ModelFamily,
  type TrainingRow,
} from '../../modules/ml/index.js';

export interface MlPredictRow {
  /** A family, or `reference` (a plain 6-term dot product per prediction, to read the others against on a noisy machine). */
  readonly family: ModelFamily | 'reference';
  /** Median ns to predict the 3 quantities of one target. */
  readonly perTargetNs: number;
  /** The same ÷ 3. */
  readonly perPredictionNs: number;
  /** Median ns of one `observe` (a background refit may start; its slices are not counted). */
  readonly observeNs: number;
  /** Median ms of one `fit` on 1000 rows. */
  readonly fitMs: number;
  /** The budget per (request, target), ns. */
  readonly budgetNs: number;
}

const DIMENSION = 6;
const TARGETS = 8;
const QUANTITIES = ['latency', 'outputTokens', 'failure'] as const;
const BUDGET_NS: Readonly<Record<ModelFamily, number>> = {
  linear: 300,
  svr: 1000,
  forest: 5000,
  boosting: 5000,
  mlp: 3000,
  ensemble: Number.NaN,
  hybrid: Number.NaN,
};

/** Synthetic history of one target: `[1, inputK, outputK, stream, inFlight, structured]`. */
function history(target: number, quantity: (typeof QUANTITIES)[number], n: number): TrainingRow[] {
  const random = createSeededRandom(1000 * target + QUANTITIES.indexOf(quantity));
  return Array.from({ length: n }, () => {
    const f = [
      1,
      8 * random(),
      random(),
      random() < 0.5 ? 1 : 0,
      Math.floor(6 * random()),
      random() < 0.2 ? 1 : 0,
    ];
    const slow = f[1]! > 4 + target / 4 ? 1 : 0;
    const value =
      quantity === 'failure'
        ? random() < 0.02 + 0.3 * slow
          ? 1
          : 0
        : quantity === 'latency'
          ? 300 + 100 * target + 80 * f[1]! + 2000 * f[2]! + 900 * slow * f[3]! + 50 * f[4]! + 200 * random()
          : 200 + 500 * f[5]! + 300 * random();
    return { features: f, value };
  });
}

function options(family: ModelFamily, quantity: (typeof QUANTITIES)[number]): object {
  const failure = quantity === 'failure';
  switch (family) {
    case 'boosting':
    case 'mlp':
      return failure ? { loss: 'log' } : {};
    case 'forest':
    case 'svr':
      return failure ? { range: [0, 1] } : {};
    default:
      return {};
  }
}

/** The 24 trained models of one family. */
function trained(family: ModelFamily, rows = 1000): MlPredictor[] {
  const models: MlPredictor[] = [];
  for (let t = 0; t < TARGETS; t++) {
    for (const q of QUANTITIES) {
      const model = createModel(family, DIMENSION, options(family, q) as never);
      model.fit(history(t, q, rows));
      models.push(model);
    }
  }
  return models;
}

export async function mlPredictRows(quick = false): Promise<MlPredictRow[]> {
  const random = createSeededRandom(7);
  const requests = Array.from({ length: 64 }, () => ({
    values: Float64Array.of(1, 8 * random(), random(), random() < 0.5 ? 1 : 0, Math.floor(6 * random()), 0),
  }));
  const out: MlPredictRow[] = [];
  const cpu = quick ? 100e6 : 300e6;
  {
    const weights = Array.from({ length: TARGETS * QUANTITIES.length }, (_, k) =>
      Float64Array.of(k, 1, 2, 3, 4, 5),
    );
    let tick = 0;
    let sink = 0;
    const request = () => {
      const x = requests[tick++ & 63]!.values;
      for (let k = 0; k < weights.length; k++) {
        const w = weights[k]!;
        let s = 0;
        for (let j = 0; j < DIMENSION; j++) s += w[j]! * x[j]!;
        sink += s;
      }
    };
    const perRequest = await measure(request, { min_cpu_time: cpu });
    if (Number.isNaN(sink)) throw new Error('NaN');
    out.push({
      family: 'reference',
      perTargetNs: perRequest.p50 / TARGETS,
      perPredictionNs: perRequest.p50 / (TARGETS * QUANTITIES.length),
      observeNs: Number.NaN,
      fitMs: Number.NaN,
      budgetNs: Number.NaN,
    });
  }
  for (const family of MODEL_FAMILIES) {
    const models = trained(family);
    let tick = 0;
    let sink = 0;
    // One request: 8 targets × 3 quantities.
    const request = () => {
      const x = requests[tick++ & 63]!;
      for (let k = 0; k < models.length; k++) sink += models[k]!.predict(x);
    };
    for (let i = 0; i < 2000; i++) request();
    const perRequest = await measure(request, { min_cpu_time: cpu });
    const rows = history(0, 'latency', 512);
    // No background refit while observe is timed (the hybrid's refits are its residual model's).
    const frozen = { refitEvery: 1e9, minRows: 1e9 };
    const feed = createModel(
      family,
      DIMENSION,
      (family === 'hybrid' ? { residual: frozen } : frozen) as never,
    );
    feed.fit(rows);
    let r = 0;
    const observe = () => {
      const row = rows[r++ & 511]!;
      feed.observe({ values: Float64Array.from(row.features) }, { value: row.value });
    };
    const observed = await measure(observe, { min_cpu_time: cpu / 3 });
    const fits: number[] = [];
    const fitRows = history(1, 'latency', 1000);
    for (let i = 0; i < 3; i++) {
      const model = createModel(family, DIMENSION, { seed: i + 1 } as never);
      const started = performance.now();
      model.fit(fitRows);
      fits.push(performance.now() - started);
    }
    fits.sort((a, b) => a - b);
    if (Number.isNaN(sink)) throw new Error('NaN prediction');
    out.push({
      family,
      perTargetNs: perRequest.p50 / TARGETS,
      perPredictionNs: perRequest.p50 / (TARGETS * QUANTITIES.length),
      observeNs: observed.p50,
      fitMs: fits[1]!,
      budgetNs: BUDGET_NS[family],
    });
  }
  return out;
}
