/**
 * Hedged requests: one provider is usually quick but every fifth call stalls for 5 s. With
 * `hedge`, a call that has not answered after 800 ms is also sent to the other provider; the
 * first answer wins and the slow attempt is cancelled (not counted against its provider). Mock
 * providers on a virtual clock: no network, no waiting.
 *
 * Run: npx tsx examples/hedging.ts
 */
import { type HedgeOptions, Router } from 'switchyard-llm';
import { MockAdapter, VirtualClock } from 'switchyard-llm/testing';

const price = { inputPerMTok: 1, outputPerMTok: 4 };

async function run(hedge: HedgeOptions | undefined): Promise<number[]> {
  const clock = new VirtualClock();
  let calls = 0;
  // `spiky` answers in 200 ms, except every fifth call (5 s); `steady` always in 600 ms.
  const spiky = new MockAdapter(() => ({ text: 'spiky', delayMs: ++calls % 5 === 0 ? 5000 : 200 }), {
    price,
  });
  const steady = new MockAdapter(() => ({ text: 'steady', delayMs: 600 }), { price });
  const router = new Router({
    targets: [
      { id: 'spiky', adapter: spiky, model: 'chat' },
      { id: 'steady', adapter: steady, model: 'chat' },
    ],
    strategy: 'priority', // spiky first
    clock,
    hedge,
  });
  if (hedge !== undefined) {
    router.on('hedge:start', (e) =>
      console.log(
        `  ${e.requestId}: no answer from ${e.hedgedTarget} after ${e.delayMs} ms, hedging to ${e.target}`,
      ),
    );
    router.on('hedge:won', (e) =>
      console.log(
        `  ${e.requestId}: ${e.target} won, cancelled ${e.cancelled.map((c) => c.target).join(', ')}`,
      ),
    );
  }
  const latencies: number[] = [];
  let cost = 0;
  for (let i = 0; i < 20; i++) {
    const res = await clock.run(router.complete({ messages: [{ role: 'user', content: `question ${i}` }] }));
    latencies.push(res.latencyMs);
    cost += res.costUsd ?? 0;
  }
  const health = router.health().find((h) => h.id === 'spiky')!;
  console.log(`  spiky's breaker: ${health.state}, consecutive failures ${health.consecutiveFailures}`);
  console.log(`  cost of the 20 calls: $${cost.toFixed(6)} (cancelled attempts' prompts included)`);
  return latencies.sort((a, b) => a - b);
}

console.log('without hedging:');
const off = await run(undefined);
console.log('with hedge: { delayMs: 800 }:');
const on = await run({ delayMs: 800 });
console.log(`slowest call: ${off.at(-1)} ms without hedging, ${on.at(-1)} ms with`);
