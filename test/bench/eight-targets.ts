/**
 * What the per-module overhead benches share: a router of 8 in-process MockAdapter targets (two
 * models, one alias, round-robin) and the median of a list of timings.
 */
import { type Middleware, Router } from '../../index.js';
import { MockAdapter } from '../../src/testing/index.js';

/** A router of 8 MockAdapter targets that answer `ok` with a small usage, with `middleware`. */
export function eightTargetRouter(middleware: Middleware[] = []): Router {
  const adapter = new MockAdapter(() => ({ text: 'ok', usage: { inputTokens: 3, outputTokens: 1 } }), {
    recordCalls: false,
  });
  return new Router({
    targets: Array.from({ length: 8 }, (_, i) => ({
      id: `t${i}`,
      adapter,
      model: `m${i % 2}`,
      aliases: ['chat'],
    })),
    strategy: 'round-robin',
    middleware,
  });
}

/** The median of `xs` (the upper one for an even count). */
export const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
