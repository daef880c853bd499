import { describe, expect, it } from 'vitest';
import {
  conditionsAt,
  degradationEvents,
  lognormalFactor,
  promptOf,
  type SimulatedCall,
  SimulatedProvider,
  type SimulatedProviderSpec,
} from '../../modules/lab/index.js';
import { createSeededRandom, type SwitchyardError } from '../../src/index.js';
import { VirtualClock } from '../../src/testing/index.js';
import { rejectionOf } from '../helpers/calls.js';

const base: SimulatedProviderSpec = {
  id: 'p',
  latency: { ttftMs: 100, prefillTokensPerSec: 10_000, decodeTokensPerSec: 100, sigma: 0 },
  price: { inputPerMTok: 1, outputPerMTok: 4 },
};

/** An adapter request of `input` prompt tokens that generates `output` tokens. */
const req = (input: number, output: number) => ({
  model: 'p',
  messages: [{ role: 'user' as const, content: promptOf(input) }],
  maxOutputTokens: 4096,
  providerOptions: { outputTokens: output },
});

const opts = (clock: VirtualClock, signal = new AbortController().signal) => ({
  signal,
  target: 'p',
  clock,
  deadline: Number.POSITIVE_INFINITY,
});

/** Runs a call to completion on the clock; returns its duration and result. */
async function timed<T>(clock: VirtualClock, work: Promise<T>): Promise<{ ms: number; value: T }> {
  const start = clock.now();
  const value = await clock.run(work);
  return { ms: clock.now() - start, value };
}

describe('SimulatedProvider latency model', () => {
  it('takes TTFT + input ÷ prefill + output ÷ decode and reports usage', async () => {
    const clock = new VirtualClock();
    const p = new SimulatedProvider(base);
    const { ms, value } = await timed(clock, p.complete(req(1000, 200), opts(clock)));
    expect(ms).toBeCloseTo(100 + 100 + 2000, 6);
    expect(value.usage).toEqual({ inputTokens: 1000, outputTokens: 200, totalTokens: 1200 });
    expect(p.calls[0]).toMatchObject({ outcome: 'ok', startedAt: 0, endedAt: ms, inFlightBefore: 0 });
    expect(p.inFlight).toBe(0);
  });

  it('caps output at maxOutputTokens and falls back to it without a plan', async () => {
    const clock = new VirtualClock();
    const p = new SimulatedProvider(base);
    const capped = await timed(clock, p.complete({ ...req(0, 500), maxOutputTokens: 100 }, opts(clock)));
    expect(capped.value.usage.outputTokens).toBe(100);
    const unplanned = await timed(
      clock,
      p.complete({ model: 'p', messages: [{ role: 'user', content: 'abcd' }] }, opts(clock)),
    );
    expect(unplanned.value.usage).toMatchObject({ inputTokens: 1, outputTokens: 256 });
  });

  it('streams the first delta at TTFT + prefill and finishes at the full latency', async () => {
    const clock = new VirtualClock();
    const p = new SimulatedProvider(base);
    const seen: Array<[string, number]> = [];
    const consume = async () => {
      for await (const part of p.stream(req(1000, 200), opts(clock))) seen.push([part.type, clock.now()]);
    };
    await clock.run(consume());
    expect(seen).toEqual([
      ['text-delta', 200],
      ['text-delta', 2200],
      ['finish', 2200],
    ]);
  });

  it('grows latency with the calls already in flight', async () => {
    const clock = new VirtualClock();
    const p = new SimulatedProvider({ ...base, latency: { ...base.latency, loadFactor: 0.5 } });
    const ends: number[] = [];
    const calls = [0, 1, 2].map(() =>
      p.complete(req(0, 100), opts(clock)).then(() => ends.push(clock.now())),
    );
    await clock.run(Promise.all(calls));
    // 1100 ms alone; × 1.5 with one in flight; × 2 with two.
    expect(ends).toEqual([1100, 1650, 2200]);
  });

  it('slows calls past longPrompt.aboveInputTokens by its factor, and says so in expected()', async () => {
    const clock = new VirtualClock();
    const p = new SimulatedProvider({
      ...base,
      latency: { ...base.latency, longPrompt: { aboveInputTokens: 2000, factor: 4 } },
    });
    // 100 + 2000 / 10 + 100 × 10 = 1300 ms at the threshold; 100 + 200.4 + 1000 past it, × 4.
    expect((await timed(clock, p.complete(req(2000, 100), opts(clock)))).ms).toBe(1300);
    expect((await timed(clock, p.complete(req(2004, 100), opts(clock)))).ms).toBeCloseTo(5201.6, 6);
    expect(p.expected({ inputTokens: 2000, outputTokens: 100 }, clock.now()).latencyMs).toBe(1300);
    expect(p.expected({ inputTokens: 2004, outputTokens: 100 }, clock.now()).latencyMs).toBeCloseTo(
      5201.6,
      6,
    );
  });

  it('adds streamLoadFactor per call in flight to streamed calls only', async () => {
    const clock = new VirtualClock();
    const p = new SimulatedProvider({
      ...base,
      latency: { ...base.latency, loadFactor: 0.1, streamLoadFactor: 0.4 },
    });
    const ends = new Map<string, number>();
    const first = p.complete(req(0, 100), opts(clock));
    const plain = p.complete(req(0, 100), opts(clock)).then(() => ends.set('plain', clock.now()));
    const streamed = (async () => {
      for await (const _ of p.stream(req(0, 100), opts(clock))) {
        // drain
      }
      ends.set('stream', clock.now());
    })();
    await clock.run(Promise.all([first, plain, streamed]));
    // 1100 ms alone; one in flight: × 1.1 for a call, two in flight: × (1 + 0.5 × 2) for a stream.
    expect(ends.get('plain')).toBeCloseTo(1210, 6);
    expect(ends.get('stream')).toBeCloseTo(2200, 6);
    expect(p.expected({ inputTokens: 0, outputTokens: 100, stream: true }, 0).latencyMs).toBe(1100);
  });

  it('adds lognormal noise with mean 1 and the given sigma', () => {
    const random = createSeededRandom(7);
    const n = 40_000;
    let sum = 0;
    let logSum = 0;
    let logSq = 0;
    for (let i = 0; i < n; i++) {
      const f = lognormalFactor(random, 0.5);
      sum += f;
      logSum += Math.log(f);
      logSq += Math.log(f) ** 2;
    }
    const logMean = logSum / n;
    expect(sum / n).toBeCloseTo(1, 1);
    expect(logMean).toBeCloseTo(-0.125, 1);
    expect(Math.sqrt(logSq / n - logMean ** 2)).toBeCloseTo(0.5, 1);
    expect(lognormalFactor(random, 0)).toBe(1);
  });

  it('keeps the mean latency of noisy calls on the formula', async () => {
    const clock = new VirtualClock();
    const p = new SimulatedProvider(
      { ...base, latency: { ...base.latency, sigma: 0.4 } },
      { random: createSeededRandom(3) },
    );
    let total = 0;
    const n = 2000;
    for (let i = 0; i < n; i++) total += (await timed(clock, p.complete(req(1000, 200), opts(clock)))).ms;
    expect(total / n / 2200).toBeCloseTo(1, 1);
  });
});

describe('SimulatedProvider failure model', () => {
  it('answers the configured share of calls with a fast 503', async () => {
    const clock = new VirtualClock();
    const p = new SimulatedProvider(
      { ...base, failure: { errorRate: 0.3, errorLatencyMs: 20 } },
      { random: createSeededRandom(11) },
    );
    let failed = 0;
    const n = 2000;
    for (let i = 0; i < n; i++) {
      const start = clock.now();
      try {
        await clock.run(p.complete(req(100, 10), opts(clock)));
      } catch (error) {
        failed++;
        expect((error as SwitchyardError).kind).toBe('server');
        expect((error as SwitchyardError).status).toBe(503);
        expect(clock.now() - start).toBe(20);
      }
    }
    expect(failed / n).toBeGreaterThan(0.27);
    expect(failed / n).toBeLessThan(0.33);
    expect(p.calls.filter((c) => c.outcome === 'server')).toHaveLength(failed);
  });

  it('fails every call in an outage and recovers after it', async () => {
    const clock = new VirtualClock();
    const p = new SimulatedProvider({ ...base, phases: [{ from: 0, until: 1000, state: 'outage' }] });
    const error = await rejectionOf(clock.run(p.complete(req(10, 10), opts(clock))));
    expect(error.kind).toBe('server');
    expect(error.message).toContain('outage');
    await clock.advanceTo(1000);
    await expect(clock.run(p.complete(req(10, 10), opts(clock)))).resolves.toBeDefined();
  });

  it('answers 429 with Retry-After beyond its requests-per-minute limit', async () => {
    const clock = new VirtualClock();
    const p = new SimulatedProvider({ ...base, failure: { rpmLimit: 3, errorLatencyMs: 5 } });
    for (let i = 0; i < 3; i++) {
      await clock.run(p.complete(req(0, 1), opts(clock)));
      await clock.advance(10_000);
    }
    // Accepted at ~0, ~10 s, ~20 s; now ~30 s: the first slot frees at 60 s → Retry-After 30 s.
    const error = await rejectionOf(clock.run(p.complete(req(0, 1), opts(clock))));
    expect(error.kind).toBe('rate_limited');
    expect(error.status).toBe(429);
    expect(error.retryAfterMs).toBe(30_000);
    expect(p.expected({ inputTokens: 0, outputTokens: 1 }, clock.now()).failureProbability).toBe(1);
    await clock.advanceTo(60_001);
    await expect(clock.run(p.complete(req(0, 1), opts(clock)))).resolves.toBeDefined();
  });

  it('stops at once and rejects with the abort reason when the signal aborts', async () => {
    const clock = new VirtualClock();
    const p = new SimulatedProvider(base);
    const controller = new AbortController();
    const pending = p.complete(req(0, 100), opts(clock, controller.signal));
    await clock.advance(500);
    controller.abort(new Error('stop'));
    const error = await rejectionOf(pending);
    expect(error.kind).toBe('aborted');
    expect(p.inFlight).toBe(0);
    expect(p.calls[0]!.outcome).toBe('aborted');
    expect(await rejectionOf(clock.run(p.complete(req(0, 1), opts(clock, controller.signal))))).toMatchObject(
      {
        kind: 'aborted',
      },
    );
  });

  it('marks a stream the consumer stops reading as aborted', async () => {
    const clock = new VirtualClock();
    const p = new SimulatedProvider(base);
    const read = async () => {
      for await (const _ of p.stream(req(0, 100), opts(clock))) break;
    };
    await clock.run(read());
    expect(p.calls[0]!.outcome).toBe('aborted');
    expect(p.inFlight).toBe(0);
  });

  it('fails a stream before its first part on a 503', async () => {
    const clock = new VirtualClock();
    const p = new SimulatedProvider({ ...base, phases: [{ from: 0, state: 'outage' }] });
    const read = async () => {
      for await (const _ of p.stream(req(0, 100), opts(clock))) {
        /* nothing arrives */
      }
    };
    expect((await rejectionOf(clock.run(read()))).status).toBe(503);
  });
});

describe('phases and prices', () => {
  const spec: SimulatedProviderSpec = {
    ...base,
    failure: { errorRate: 0.01 },
    phases: [
      { from: 10_000, until: 20_000, latencyFactor: 10 },
      { from: 30_000, until: 40_000, latencyFactor: 1, latencyFactorEnd: 3 },
      { from: 50_000, latencyFactor: 2, latencyFactorEnd: 4, rampMs: 10_000, errorRate: 0.5 },
      { from: 5_000, until: 6_000, state: 'healthy', priceFactor: 2 },
    ],
  };

  it('resolves the phase in force at each time, ramps included', () => {
    expect(conditionsAt(spec, 0)).toEqual({
      state: 'healthy',
      latencyFactor: 1,
      errorRate: 0.01,
      priceFactor: 1,
    });
    expect(conditionsAt(spec, 15_000)).toMatchObject({ state: 'degraded', latencyFactor: 10 });
    expect(conditionsAt(spec, 20_000).latencyFactor).toBe(1);
    expect(conditionsAt(spec, 35_000).latencyFactor).toBeCloseTo(2, 9);
    expect(conditionsAt(spec, 55_000)).toMatchObject({ latencyFactor: 3, errorRate: 0.5 });
    expect(conditionsAt(spec, 500_000).latencyFactor).toBe(4);
    expect(conditionsAt(spec, 5_500)).toMatchObject({ state: 'healthy', priceFactor: 2 });
  });

  it('lists the degraded and outage windows as events', () => {
    expect(degradationEvents([base, spec])).toEqual([
      { provider: 'p', index: 1, state: 'degraded', from: 10_000, until: 20_000 },
      { provider: 'p', index: 1, state: 'degraded', from: 30_000, until: 40_000 },
      { provider: 'p', index: 1, state: 'degraded', from: 50_000, until: Number.POSITIVE_INFINITY },
    ]);
  });

  it('exposes a live price that follows the price phases', async () => {
    const clock = new VirtualClock();
    const p = new SimulatedProvider(spec, { clock });
    const price = p.priceFor();
    expect(price.inputPerMTok).toBe(1);
    await clock.advanceTo(5_000);
    expect([price.inputPerMTok, price.outputPerMTok]).toEqual([2, 8]);
    expect(new SimulatedProvider(base).priceFor().inputPerMTok).toBe(1);
  });

  it('tells the oracle the expected latency, failure probability and cost', async () => {
    const clock = new VirtualClock();
    const p = new SimulatedProvider({ ...spec, latency: { ...spec.latency, loadFactor: 0.1 } });
    const size = { inputTokens: 1000, outputTokens: 200 };
    expect(p.expected(size, 0)).toEqual({
      latencyMs: 2200,
      ttftMs: 200,
      failureProbability: 0.01,
      failureLatencyMs: 20,
      costUsd: (1000 * 1 + 200 * 4) / 1e6,
    });
    expect(p.expected(size, 15_000).latencyMs).toBeCloseTo(22_000, 6);
    void p.complete(req(0, 100), opts(clock)); // one call in flight: +10%
    expect(p.expected(size, 0).latencyMs).toBeCloseTo(2420, 6);
    await clock.run(Promise.resolve());
    const down = new SimulatedProvider({ ...base, phases: [{ from: 0, state: 'outage' }] });
    expect(down.expected(size, 0).failureProbability).toBe(1);
  });

  it('calls onCall when a call starts', async () => {
    const clock = new VirtualClock();
    const seen: SimulatedCall[] = [];
    const p = new SimulatedProvider(base, { onCall: (c) => seen.push(c) });
    await clock.run(p.complete(req(10, 10), opts(clock)));
    expect(seen).toEqual(p.calls);
  });
});
