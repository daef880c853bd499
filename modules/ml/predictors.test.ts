import { describe, expect, it } from 'vitest';
import { DecayingMean, ManualClock, OnlineRidge, type PredictorSpec } from '../../strategies/index.js';
import { familyPredictors } from './predictors.js';
import { ManualScheduler } from './scheduler.js';

const clock = new ManualClock();
const spec = (quantity: PredictorSpec['quantity'], dimension = 6): PredictorSpec =>
  ({ quantity, target: { id: 't' }, dimension, clock }) as unknown as PredictorSpec;

describe('familyPredictors', () => {
  it('gives latency and output tokens to the family and leaves failure to the default', () => {
    const factory = familyPredictors('forest', { options: { trees: 5 } });
    const latency = factory(spec('latency')) as { family?: string; dimension?: number };
    expect(latency.family).toBe('forest');
    expect(latency.dimension).toBe(6);
    expect((factory(spec('outputTokens')) as { family?: string }).family).toBe('forest');
    expect(factory(spec('failure'))).toBeInstanceOf(DecayingMean);
  });

  it('is the strategy’s own defaults for linear', () => {
    const factory = familyPredictors('linear');
    expect(factory(spec('latency'))).toBeInstanceOf(OnlineRidge);
    expect(factory(spec('failure'))).toBeInstanceOf(DecayingMean);
  });

  it('gives the hybrid the strategy’s own linear model: with its residual weight at 0 it predicts what defaultPredictors() does', () => {
    const scheduler = new ManualScheduler();
    const hybrid = familyPredictors('hybrid', { runtime: () => ({ scheduler }) });
    const linear = familyPredictors('linear');
    for (const quantity of ['latency', 'outputTokens'] as const) {
      const h = hybrid(spec(quantity, 3));
      const l = linear(spec(quantity, 3));
      expect((h as { family?: string }).family).toBe('hybrid');
      for (let i = 0; i < 25; i++) {
        const x = { values: Float64Array.of(1, i % 5, (i * 7) % 3), now: 1000 * i };
        const y = { value: 100 + 20 * (i % 5) + 3 * ((i * 7) % 3) };
        expect(h.predict(x)).toBe(l.predict(x));
        h.observe(x, y);
        l.observe(x, y);
        clock.advance(1000);
      }
    }
  });

  it('predicts failure with the family when asked, as a probability, and learns online on the given scheduler', () => {
    const scheduler = new ManualScheduler();
    const factory = familyPredictors('boosting', {
      quantities: ['failure'],
      options: { trees: 10, minRows: 20, sliceMs: 0 },
      runtime: () => ({ scheduler }),
    });
    const failure = factory(spec('failure', 2));
    expect((failure as { family?: string }).family).toBe('boosting');
    expect(factory(spec('latency', 2))).toBeInstanceOf(OnlineRidge);
    // Fails when the second feature is above 0.5.
    for (let i = 0; i < 60; i++) {
      const x = (i % 10) / 10;
      failure.observe({ values: Float64Array.of(1, x) }, { value: x > 0.5 ? 1 : 0 });
    }
    expect(scheduler.runAll()).toBeGreaterThan(1);
    const high = failure.predict({ values: Float64Array.of(1, 0.9) });
    const low = failure.predict({ values: Float64Array.of(1, 0.1) });
    expect(high).toBeGreaterThan(0.7);
    expect(high).toBeLessThanOrEqual(1);
    expect(low).toBeLessThan(0.3);
    expect(low).toBeGreaterThanOrEqual(0);
  });

  it('fails with a config error for an unknown family or a bad option when the models are built', () => {
    expect(() => familyPredictors('tree' as never)(spec('latency'))).toThrow(/family/);
    expect(() => familyPredictors('forest', { options: { trees: 0 } })(spec('latency'))).toThrow(/trees/);
  });
});
