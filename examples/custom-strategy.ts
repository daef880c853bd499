/**
 * Custom strategies: one registered by name (a factory), one given as an object, a per-request
 * `strategy` override, and one that learns from streams' first tokens. No API keys, no network.
 *
 * Run: npx tsx examples/custom-strategy.ts
 */
import { Router, type Strategy, type StrategyFactory, type TargetView } from 'switchyard-llm';
import { MockAdapter } from 'switchyard-llm/testing';

/** Blended USD per million tokens (input + output); unknown prices sort last. */
const priceOf = (t: TargetView): number =>
  t.price ? t.price.inputPerMTok + t.price.outputPerMTok : Number.POSITIVE_INFINITY;

// 1. A factory, registered by name. The router calls it once per router with the targets, its
//    clock and its random source. `pick` only ever sees healthy candidates that can serve the
//    request, so "cheapest healthy target" is just "cheapest candidate".
const cheapest: StrategyFactory = () => ({
  name: 'cheapest',
  pick: (candidates) => candidates.reduce((best, t) => (priceOf(t) < priceOf(best) ? t : best)),
  // Optional: scores for the `route` event (only called while someone listens to it).
  describe: (candidates) =>
    candidates.map((t) => ({ target: t.id, score: priceOf(t), note: 'USD/MTok; lowest wins' })),
});
Router.strategies.register('cheapest', cheapest);

// 2. A plain object: prefer targets whose `metadata.region` is one of the request's tags.
const preferTaggedRegion: Strategy = {
  name: 'prefer-tagged-region',
  pick(candidates, { request }) {
    const tags = request.tags ?? [];
    return candidates.find((t) => tags.includes(String(t.config.metadata?.region))) ?? candidates[0]!;
  },
};

// 3. A strategy that learns: in a chat UI the wait users feel is the time to the first token.
//    The router reports it through `observeFirstToken` while the stream still runs; keep a moving
//    average per target (indexed by `target.index`) and pick the lowest, untried targets first.
const quickestStart: StrategyFactory = ({ targets }) => {
  const ttftMs = new Array<number>(targets.length).fill(Number.NaN);
  return {
    name: 'quickest-start',
    pick: (candidates) =>
      candidates.find((t) => Number.isNaN(ttftMs[t.index]!)) ??
      candidates.reduce((best, t) => (ttftMs[t.index]! < ttftMs[best.index]! ? t : best)),
    observeFirstToken: ({ target, ttftMs: ms }) => {
      const mean = ttftMs[target.index]!;
      ttftMs[target.index] = Number.isNaN(mean) ? ms : mean + 0.3 * (ms - mean);
    },
  };
};

const echo = (from: string) => new MockAdapter(() => ({ text: `answered by ${from}`, delayMs: 10 }));
const targets = [
  {
    id: 'premium-us',
    adapter: echo('premium-us'),
    model: 'big',
    price: { inputPerMTok: 3, outputPerMTok: 15 },
    metadata: { region: 'us' },
  },
  {
    id: 'budget-eu',
    adapter: echo('budget-eu'),
    model: 'small',
    price: { inputPerMTok: 0.1, outputPerMTok: 0.4 },
    metadata: { region: 'eu' },
  },
  {
    id: 'mid-eu',
    adapter: echo('mid-eu'),
    model: 'medium',
    price: { inputPerMTok: 0.5, outputPerMTok: 2 },
    metadata: { region: 'eu' },
  },
];
const messages = [{ role: 'user' as const, content: 'Hi!' }];

async function main(): Promise<void> {
  // The registered strategy, used by name.
  const byPrice = new Router({ targets, strategy: 'cheapest' });
  byPrice.once('route', (e) =>
    console.log('route scores:', e.candidates.map((c) => `${c.target}=${c.score}`).join(', ')),
  );
  const res1 = await byPrice.complete({ messages });
  console.log(`strategy '${byPrice.strategyName}':`, res1.text, `(cost $${res1.costUsd?.toFixed(8)})`);

  // The object strategy, as the router's default.
  const byRegion = new Router({ targets, strategy: preferTaggedRegion });
  console.log(
    `strategy '${byRegion.strategyName}', tags [eu]:`,
    (await byRegion.complete({ messages, tags: ['eu'] })).text,
  );
  console.log(
    `strategy '${byRegion.strategyName}', tags [us]:`,
    (await byRegion.complete({ messages, tags: ['us'] })).text,
  );

  // A per-request override: any registered name (built-in or yours) for this one call.
  const overridden = await byRegion.complete({ messages, tags: ['us'], strategy: 'cheapest' });
  console.log(`per-request strategy 'cheapest', tags [us]:`, overridden.text);

  // The learning strategy, on two streaming targets: one starts late but writes fast, one starts
  // at once and writes slowly (the whole answer takes longer there).
  const streaming = new Router({
    targets: [
      {
        id: 'late-start',
        adapter: new MockAdapter(() => ({ delayMs: 60, stream: ['a', 'b', 'c'] })),
        model: 'm',
      },
      {
        id: 'quick-start',
        adapter: new MockAdapter(() => ({ stream: ['a', 'b', 'c'], chunkDelayMs: 30 })),
        model: 'm',
      },
    ],
    strategy: quickestStart,
  });
  const served: string[] = [];
  for (let i = 0; i < 5; i++) {
    const stream = streaming.stream({ messages });
    for await (const _part of stream) {
      // a chat UI would render each delta here
    }
    served.push((await stream.response).target);
  }
  console.log(`strategy 'quickest-start' served: ${served.join(', ')}`);
}

await main();
