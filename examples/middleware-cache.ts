/**
 * The response cache: a repeated deterministic request (temperature 0) is answered from the
 * cache, streams are replayed from cached events, and sampled requests always reach the
 * provider. No API keys, no network.
 *
 * Run: npx tsx examples/middleware-cache.ts
 */
import { Router } from 'switchyard-llm';
import { isCacheHit, responseCache } from 'switchyard-llm/cache';
import { MockAdapter } from 'switchyard-llm/testing';

const adapter = new MockAdapter((_request, { call }) => ({
  stream: ['Sorting ', 'cars ', `(answer #${call})`],
  chunkDelayMs: 40,
}));
const cache = responseCache({ ttlMs: 10 * 60_000, maxEntries: 1_000, maxBytes: 10_000_000 });
const router = new Router({ targets: [{ id: 'solo', adapter, model: 'model-a' }], middleware: [cache] });

const question = { messages: [{ role: 'user' as const, content: 'What does a switchyard do?' }] };

for (const label of ['1st call', '2nd call']) {
  const res = await router.complete({ ...question, temperature: 0 });
  const source = isCacheHit(res) ? 'cache hit' : `provider, ${res.attempts.length} attempt`;
  console.log(`${label}: ${JSON.stringify(res.text)} (${source}, ${Math.round(res.latencyMs)} ms)`);
}

// A stream of the same question is not served from the cached completion: the provider streams
// it once, the cache keeps its events, and the next stream is replayed from them.
for (const label of ['1st stream', '2nd stream']) {
  const deltas: string[] = [];
  const stream = router.stream({ ...question, temperature: 0 });
  for await (const event of stream) if (event.type === 'text-delta') deltas.push(event.delta);
  const res = await stream.response;
  console.log(`${label}: ${JSON.stringify(deltas)} ${isCacheHit(res) ? 'cache hit' : 'from the provider'}`);
}

// Without temperature 0 the provider's default sampling applies: asking again may give another
// answer, so the cache stays out of the way (unless `cacheSampled: true`).
const sampled = await router.complete(question);
console.log(
  `sampled: ${JSON.stringify(sampled.text)} ${isCacheHit(sampled) ? 'cache hit' : 'from the provider'}`,
);
console.log(`provider calls: ${adapter.callCount}`); // 3 of 5 calls
