/**
 * Basic routing: two targets, round-robin, a fallback and a retry. No API keys, no network.
 *
 * Run: npx tsx examples/basic-routing.ts
 */
import { isSwitchyardError, Router } from 'switchyard-llm';
import { MockAdapter } from 'switchyard-llm/testing';

// Two in-process providers. `primary` fails its 1st and 3rd calls with a 503; `secondary`
// always answers. A real app would use OpenAIAdapter, AnthropicAdapter, …
const primary = new MockAdapter((_request, { call }) =>
  call === 1 || call === 3 ? { error: { status: 503 } } : { text: 'Hello from primary', delayMs: 20 },
);
const secondary = new MockAdapter(() => ({ text: 'Hello from secondary', delayMs: 40 }));

const router = new Router({
  targets: [
    { id: 'primary', adapter: primary, model: 'model-a' },
    { id: 'secondary', adapter: secondary, model: 'model-b' },
  ],
  strategy: 'round-robin', // the default, spelled out
  retry: { maxAttempts: 3, baseDelayMs: 100 }, // up to 3 upstream requests per call
});

async function ask(label: string, model?: string): Promise<void> {
  try {
    const res = await router.complete({ model, messages: [{ role: 'user', content: 'Say hello' }] });
    const path = res.attempts.map((a) => `${a.target} ${a.outcome === 'success' ? 'ok' : a.errorKind}`);
    console.log(`${label}: ${JSON.stringify(res.text)}`);
    console.log(`  target:   ${res.target} (model ${res.model})`);
    console.log(`  attempts: ${path.join(' → ')}`);
    console.log(`  latency:  ${Math.round(res.latencyMs)} ms, ${res.usage.totalTokens} tokens`);
  } catch (error) {
    // Every failure is a SwitchyardError with a `kind` (see docs/errors.md).
    if (isSwitchyardError(error)) console.log(`${label} failed: ${error.kind}: ${error.message}`);
    else throw error;
  }
}

async function main(): Promise<void> {
  await ask('call 1'); // primary fails → falls back to secondary
  await ask('call 2'); // round-robin: secondary's turn
  await ask('call 3'); // primary's turn
  // Only `primary` serves model 'model-a', so when it fails there is nowhere to fall back to:
  // the router waits a short backoff and retries it.
  await ask("call 4 (model 'model-a')", 'model-a');
}

await main();
