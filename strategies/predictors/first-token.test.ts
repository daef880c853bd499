import { describe, expect, it } from 'vitest';
import type { AttemptOutcome, CompletionRequest } from '../../src/index.js';
import { fakeOutcome, fakeTargets } from '../testing.js';
import { FirstTokenShare } from './first-token.js';

const [a, b] = fakeTargets(2);
/** A request without an output cap. */
const ask: CompletionRequest = { messages: [{ role: 'user', content: 'hi' }] };

/** A streamed success on target `a` (or `target`) whose first token took `ttftMs` of `latencyMs`. */
function streamed(ttftMs: number | undefined, latencyMs: number, target = a!): AttemptOutcome {
  return { ...fakeOutcome(target, { latencyMs }), stream: true, ...(ttftMs === undefined ? {} : { ttftMs }) };
}

describe('FirstTokenShare', () => {
  it('knows nothing until a target has served 5 streams', () => {
    const model = new FirstTokenShare(2);
    for (let i = 0; i < 4; i++) model.observe(streamed(250, 1_000), 1_000);
    expect(model.share(a!, ask, 1_000)).toBe(0);
    model.observe(streamed(250, 1_000), 1_000);
    expect(model.share(a!, ask, 1_000)).toBeCloseTo(0.25, 1);
    // Per target: b has seen nothing.
    expect(model.share(b!, ask, 1_000)).toBe(0);
  });

  it('learns from streamed successes with a first token only', () => {
    const model = new FirstTokenShare(1);
    for (let i = 0; i < 10; i++) {
      model.observe({ ...streamed(900, 1_000), stream: false }, 1_000); // a completion
      model.observe({ ...streamed(900, 1_000), ok: false, errorKind: 'server' }, 1_000);
      model.observe(streamed(undefined, 1_000), 1_000);
      model.observe(streamed(0, 1_000), 1_000);
      model.observe(streamed(2_000, 1_000), 1_000); // a first token after the end: not a share
    }
    expect(model.share(a!, ask, 1_000)).toBe(0);
  });

  it('tells long prompts (a long prefill) from short ones', () => {
    const model = new FirstTokenShare(1);
    // First token: 400 ms + 0.2 ms per prompt token; the answer: 3 s more.
    for (let i = 0; i < 60; i++) {
      const input = [200, 1_000, 4_000, 8_000][i % 4]!;
      const ttft = 400 + 0.2 * input;
      model.observe(streamed(ttft, ttft + 3_000), input);
    }
    const short = model.share(a!, ask, 200);
    const long = model.share(a!, ask, 8_000);
    expect(short).toBeGreaterThan(0.1);
    expect(short).toBeLessThan(0.2); // 440 / 3,440 ≈ 0.13
    expect(long).toBeGreaterThan(0.3);
    expect(long).toBeLessThan(0.45); // 2,000 / 5,000 = 0.4
    expect(model.share(a!, ask, 8_000)).toBeLessThanOrEqual(1);
  });

  it('tolerates an index outside the targets', () => {
    const model = new FirstTokenShare(1);
    const [, c] = fakeTargets(2);
    model.observe(streamed(100, 1_000, c), 1_000);
    expect(model.share(c!, ask, 1_000)).toBe(0);
  });

  it('takes the output cap from the request, else from the target', () => {
    const model = new FirstTokenShare(2);
    const capped = { ...b!, config: { ...b!.config, maxOutputTokens: 4_000 } };
    // b: short outputs for small caps and long ones for big caps.
    for (let i = 0; i < 60; i++) {
      const big = i % 2 === 0;
      const outcome = streamed(500, big ? 10_000 : 1_000, capped);
      model.observe(
        big ? outcome : { ...outcome, request: { ...outcome.request, maxOutputTokens: 100 } },
        1_000,
      );
    }
    // The same fallback when asked: the request's cap, else the target's.
    expect(model.share(capped, { ...ask, maxOutputTokens: 100 }, 1_000)).toBeGreaterThan(0.3); // 500 / 1,000
    expect(model.share(capped, ask, 1_000)).toBeLessThan(0.1); // 500 / 10,000
  });
});
