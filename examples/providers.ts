/**
 * One prompt routed across the three provider protocols: OpenAI chat completions, Anthropic
 * messages and Cohere v2 chat, through their official SDKs.
 *
 *   npx tsx examples/providers.ts          # against local mock servers: no keys, no network
 *   npx tsx examples/providers.ts --real   # against the real APIs, with OPENAI_API_KEY,
 *                                          # ANTHROPIC_API_KEY and CO_API_KEY from the environment
 *
 * The OpenAI target answers 429 (with Retry-After) on the first call, to show the fallback.
 */

import { Router } from 'switchyard-llm';
import { AnthropicAdapter } from 'switchyard-llm/adapters/anthropic';
import { CohereAdapter } from 'switchyard-llm/adapters/cohere';
import { OpenAIAdapter } from 'switchyard-llm/adapters/openai';
import { startMockProviders } from './support/mock-providers.js';

const real = process.argv.includes('--real');
const mock = real ? undefined : await startMockProviders({ failFirst: { openai: 1 } });
// With mocks, keys are placeholders; with --real, undefined keys fall back to the environment.
const key = (placeholder: string) => (mock ? placeholder : undefined);

const router = new Router({
  targets: [
    {
      id: 'openai',
      adapter: new OpenAIAdapter({ apiKey: key('sk-mock'), baseURL: mock ? `${mock.url}/v1` : undefined }),
      model: 'gpt-4o-mini',
    },
    {
      id: 'anthropic',
      adapter: new AnthropicAdapter({ apiKey: key('sk-ant-mock'), baseURL: mock?.url }),
      model: 'claude-haiku-4-5',
      maxOutputTokens: 200,
    },
    {
      id: 'cohere',
      adapter: new CohereAdapter({ apiKey: key('co-mock'), baseURL: mock?.url }),
      model: 'command-r-08-2024',
    },
  ],
  strategy: 'round-robin',
  timeoutMs: 30_000,
});

router.on('fallback', (e) => console.log(`  ↪ fallback ${e.from} → ${e.to} after ${e.errorKind}`));

const prompt = {
  messages: [{ role: 'user' as const, content: 'Say hello in five words.' }],
  maxOutputTokens: 50,
};

console.log(real ? 'Real APIs (keys from the environment)\n' : `Local mock providers at ${mock!.url}\n`);
for (let i = 1; i <= 3; i++) {
  const res = await router.complete(prompt);
  const cost = res.costUsd === undefined ? 'no price' : `$${res.costUsd.toFixed(6)}`;
  console.log(
    `complete #${i}: [${res.target}] ${JSON.stringify(res.text)} (${res.usage.totalTokens} tokens, ${cost}, ${res.latencyMs.toFixed(0)} ms)`,
  );
}
// The 429 asked for a 3 s pause: the router skips 'openai' until then, for every call.
const blocked = router.health().find((t) => t.id === 'openai')!.blockedUntil;
if (blocked > 0) {
  console.log(
    `\n'openai' is blocked for another ${Math.ceil(blocked - performance.timeOrigin - performance.now())} ms (Retry-After); waiting…\n`,
  );
  await new Promise((resolve) =>
    setTimeout(resolve, Math.max(0, blocked - performance.timeOrigin - performance.now()) + 5),
  );
}
for (let i = 1; i <= 3; i++) {
  const stream = router.stream(prompt);
  let text = '';
  for await (const ev of stream) if (ev.type === 'text-delta') text += ev.delta;
  const res = await stream.response;
  console.log(`stream   #${i}: [${res.target}] ${JSON.stringify(text)} (${res.usage.totalTokens} tokens)`);
}
if (mock) console.log(`\nrequests served by the mock: ${JSON.stringify(mock.served)}`);
await mock?.close();
