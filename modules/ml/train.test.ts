import { describe, expect, it } from 'vitest';
import { Router } from '../../index.js';
import { MockAdapter } from '../../src/testing/index.js';
import { defaultPredictors, intelligent, ManualClock, type PredictorSpec } from '../../strategies/index.js';
import { expectConfigError } from './contract.js';
import { historyRows } from './test-data.js';
import { historyFeatures, TrainedPredictors, trainPredictors } from './train.js';

const clock = new ManualClock();
const spec = (target: string, quantity: PredictorSpec['quantity'], dimension = 6): PredictorSpec =>
  ({ quantity, target: { id: target }, dimension, clock }) as unknown as PredictorSpec;

describe('trainPredictors', () => {
  const rows = historyRows(1200, 1);

  it('trains one model per (target, quantity) with the intelligent strategy’s features', () => {
    const trained = trainPredictors(rows, { family: 'boosting', options: { trees: 20 } });
    expect([...trained.models.keys()].sort()).toEqual(['loaded', 'slow-long']);
    const latency = trained.model('slow-long', 'latency')!;
    expect(latency.family).toBe('boosting');
    const short = Float64Array.from(
      historyFeatures({ ...rows[0]!, inputTokens: 1000, outputTokens: 100 }, 'latency', []),
    );
    const long = Float64Array.from(
      historyFeatures({ ...rows[0]!, inputTokens: 5000, outputTokens: 100 }, 'latency', []),
    );
    expect(latency.predict({ values: long }) - latency.predict({ values: short })).toBeGreaterThan(2000);
    const failure = trained.model('loaded', 'failure')!;
    const calm = Float64Array.from(historyFeatures({ ...rows[1]!, inFlight: 1 }, 'failure', []));
    const busy = Float64Array.from(historyFeatures({ ...rows[1]!, inFlight: 6 }, 'failure', []));
    expect(failure.predict({ values: busy })).toBeGreaterThan(0.25);
    expect(failure.predict({ values: calm })).toBeLessThan(0.15);
  });

  it('gives intelligent a trained copy per target and the defaults elsewhere; keeps learning online', () => {
    const trained = trainPredictors(rows, { family: 'forest', options: { trees: 10 } });
    const factory = trained.factory();
    const model = factory(spec('slow-long', 'latency'));
    const x = { values: Float64Array.of(1, 4, 0.1, 0, 0, 0) };
    expect(model.predict(x)).toBe(trained.model('slow-long', 'latency')!.predict(x));
    const again = factory(spec('slow-long', 'latency'));
    model.observe(x, { value: 1e6 });
    expect(again.samples).toBe(model.samples - 1); // independent copies
    const unknown = factory(spec('new-target', 'latency'));
    expect(unknown.constructor).toBe(defaultPredictors()(spec('new-target', 'latency')).constructor);
  });

  it('routes with intelligent({ predictors }) from a model file', async () => {
    const trained = trainPredictors(rows, { family: 'mlp', options: { maxEpochs: 20 } });
    const file = JSON.parse(JSON.stringify(trained.toJSON()));
    const predictors = TrainedPredictors.fromJSON(file).factory();
    const adapter = new MockAdapter(() => ({ text: 'ok', usage: { inputTokens: 5, outputTokens: 5 } }));
    const router = new Router({
      targets: [
        { id: 'slow-long', adapter, model: 'm' },
        { id: 'loaded', adapter, model: 'm' },
      ],
      strategy: intelligent({ predictors }),
      breaker: false,
    });
    for (let i = 0; i < 5; i++)
      expect((await router.complete({ messages: [{ role: 'user', content: 'hi' }] })).text).toBe('ok');
    router.close();
  });

  it('fails clearly on a feature count that differs from the strategy’s, and on bad files', () => {
    const trained = trainPredictors(rows, { family: 'linear', tags: ['batch'] });
    expectConfigError(
      () => trained.factory()(spec('loaded', 'latency', 6)),
      /TrainedPredictors: dimension: trained on 7 features/,
    );
    expect(trained.factory()(spec('loaded', 'latency', 7)).samples).toBeGreaterThan(0);
    expectConfigError(
      () => trainPredictors([], { family: 'linear' }),
      /trainPredictors: rows: expected at least one/,
    );
    expectConfigError(() => trainPredictors(rows, { family: 'tree' as never }), /createModel: family/);
    expectConfigError(
      () => TrainedPredictors.fromJSON({ format: 'x' }),
      /json\.format: expected "switchyard-ml-predictors"/,
    );
    const json = trained.toJSON() as { models: Record<string, Record<string, unknown>> };
    json.models.loaded!.latency = { format: 'switchyard-ml', family: 'linear', version: 9 };
    expectConfigError(() => TrainedPredictors.fromJSON(json as never), /json\.version: expected 1/);
  });
});
