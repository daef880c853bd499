/**
 * What the per-module overhead benches share: a router of 8 in-process MockAdapter targets (two
 * models, one alias, round-robin) and the median of a list of timings.
 */
import { type Middleware, Router, type RouterOptions, type TargetConfig } from '../../index.js';
import { MockAdapter } from '../../src/testing/index.js';

/**
 * A router of 8 MockAdapter targets that answer `ok` with a small usage, with `middleware`;
 * `target` adds to every target's config, `options` to the router's.
 */
export function eightTargetRouter(
  middleware: Middleware[] = [],
  target: Partial<TargetConfig> = {},
  options: Partial<RouterOptions> = {},
): Router {
  const adapter = new MockAdapter(() => ({ text: 'ok', usage: { inputTokens: 3, outputTokens: 1 } }), {
    recordCalls: false,
  });
  return new Router({
    targets: Array.from({ length: 8 }, (_, i) => ({
      id: `t${i}`,
      adapter,
      model: `m${i % 2}`,
      aliases: ['chat'],
      ...target,
    })),
    strategy: 'round-robin',
    middleware,
    ...options,
  });
}

/** The median of `xs` (the upper one for an even count). */
export const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
