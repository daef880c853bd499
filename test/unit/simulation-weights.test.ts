import { describe, expect, it } from 'vitest';
import { isSwitchyardError, StrategyRegistry, utilityOf } from '../../index.js';
import {
  type CallRecord,
  callMetrics,
  oracle,
  type SimulatedProviderSpec,
  type SimulationOptions,
  simulate,
} from '../../modules/lab/index.js';
import { adaptive, intelligent } from '../../strategies/index.js';

/** A fast and dear provider and a slow and cheap one: which is best depends on the weights. */
const providers: SimulatedProviderSpec[] = [
  {
    id: 'fast',
    latency: { ttftMs: 200, prefillTokensPerSec: 20_000, decodeTokensPerSec: 150, sigma: 0.1 },
    price: { inputPerMTok: 10, outputPerMTok: 40 },
  },
  {
    id: 'cheap',
    latency: { ttftMs: 900, prefillTokensPerSec: 4_000, decodeTokensPerSec: 40, sigma: 0.1 },
    price: { inputPerMTok: 0.1, outputPerMTok: 0.4 },
  },
];

const run = (extra: Partial<SimulationOptions>): SimulationOptions => ({
  providers,
  workload: {
    durationMs: 30_000,
    ratePerSec: 5,
    inputTokens: { kind: 'fixed', value: 1_000 },
    outputTokens: { kind: 'fixed', value: 200 },
  },
  seed: 3,
  ...extra,
});

const LATENCY_FIRST = { costPerUsd: 0 };
const COST_FIRST = { costPerUsd: 100_000 };

const share = (result: Awaited<ReturnType<typeof simulate>>, id: string) =>
  result.providers.find((p) => p.id === id)!.share;

async function configError(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isSwitchyardError(error) && error.kind).toBe('config');
  return (error as Error).message;
}

describe('simulate({ weights }) passes the run weights to the strategy', () => {
  it('gives them to the oracle, which then picks what those weights favour', async () => {
    const fast = await simulate(run({ strategy: oracle(), weights: LATENCY_FIRST }));
    const cheap = await simulate(run({ strategy: oracle(), weights: COST_FIRST }));
    expect(share(fast, 'fast')).toBeGreaterThan(0.95);
    expect(share(cheap, 'cheap')).toBeGreaterThan(0.95);
    // The same as passing them twice.
    const twice = await simulate(
      run({ strategy: oracle({ weights: LATENCY_FIRST }), weights: LATENCY_FIRST }),
    );
    expect(twice.calls).toEqual(fast.calls);
  });

  it('gives them to adaptive and intelligent created by name, as if configured with them', async () => {
    for (const [name, make] of [
      ['adaptive', adaptive],
      ['intelligent', intelligent],
    ] as const) {
      const byName = await simulate(run({ strategy: name, weights: COST_FIRST }));
      const configured = await simulate(
        run({ strategy: make({ weights: COST_FIRST }), weights: COST_FIRST }),
      );
      const unconfigured = await simulate(run({ strategy: make(), weights: COST_FIRST }));
      expect(byName.calls).toEqual(configured.calls);
      // A factory without weights of its own is given the run's too.
      expect(unconfigured.calls).toEqual(configured.calls);
      const defaults = await simulate(run({ strategy: name }));
      expect(share(byName, 'cheap')).toBeGreaterThan(share(defaults, 'cheap'));
    }
  });

  it('looks names up in the run registry', async () => {
    const registry = new StrategyRegistry();
    registry.register('mine', adaptive());
    const byName = await simulate(
      run({ strategy: 'mine', weights: COST_FIRST, router: { strategies: registry } }),
    );
    const configured = await simulate(
      run({ strategy: adaptive({ weights: COST_FIRST }), weights: COST_FIRST }),
    );
    expect(byName.calls).toEqual(configured.calls);
  });

  it('fails with a config error when the strategy was given other weights than the run', async () => {
    expect(
      await configError(simulate(run({ strategy: oracle({ weights: COST_FIRST }), weights: LATENCY_FIRST }))),
    ).toMatch(
      /^simulate: weights: oracle optimises .*"costPerUsd":100000.* but the run scores with .*"costPerUsd":0/,
    );
    // No run weights: the metrics use the defaults, so an oracle with other weights disagrees too.
    await configError(simulate(run({ strategy: oracle({ weights: COST_FIRST }) })));
    const registry = new StrategyRegistry();
    registry.register('adaptive-cheap', adaptive({ weights: COST_FIRST }));
    expect(
      await configError(
        simulate(
          run({ strategy: 'adaptive-cheap', weights: LATENCY_FIRST, router: { strategies: registry } }),
        ),
      ),
    ).toMatch(/^simulate: weights: adaptive-cheap optimises /);
    await configError(simulate(run({ strategy: intelligent({ weights: COST_FIRST }) })));
  });

  it('fails with a config error naming a bad weight', async () => {
    expect(await configError(simulate(run({ weights: { error: -1 } })))).toMatch(
      /^simulate: weights: .*error/,
    );
  });
});

describe('callMetrics with partial weights', () => {
  const calls: CallRecord[] = [
    {
      index: 0,
      at: 0,
      stream: false,
      inputTokens: 10,
      outputTokens: 10,
      ok: true,
      latencyMs: 2000,
      costUsd: 0.01,
      attempts: 1,
      firstAttemptOk: true,
    },
    {
      index: 1,
      at: 5,
      stream: false,
      inputTokens: 10,
      outputTokens: 10,
      ok: false,
      latencyMs: 500,
      costUsd: 0,
      attempts: 3,
      firstAttemptOk: false,
    },
  ];

  it('takes the defaults for the missing fields (never NaN)', () => {
    const partial = callMetrics(calls, { costPerUsd: 0 });
    expect(partial.utility).toBeCloseTo(-(2 + 0.5 + 10) / 2, 9);
    expect(callMetrics(calls, {}).utility).toBeCloseTo(callMetrics(calls).utility, 12);
    expect(utilityOf(calls[0]!, { error: 0 })).toBeCloseTo(-(2 + 10), 9);
  });

  it('rejects a bad weight with a config error', () => {
    expect(() => callMetrics(calls, { latencyPerSecond: Number.NaN })).toThrow(
      /^callMetrics: weights: .*latencyPerSecond/,
    );
  });
});
