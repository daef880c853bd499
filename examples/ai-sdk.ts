/**
 * The Vercel AI SDK both ways. No API keys, no network beyond a local server.
 *
 * 1. `createSwitchyard(router)`: the router as an AI SDK provider. `generateText` with a tool
 *    and `streamText` get the router's fallback; `providerMetadata.switchyard` says which
 *    target answered and how.
 * 2. `AISDKAdapter(model)`: an AI SDK model (`@ai-sdk/openai-compatible`, here against a local
 *    scripted server) as a Switchyard target, with a Switchyard mock as its fallback.
 *
 * Run: npx tsx examples/ai-sdk.ts
 */
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, stepCountIs, streamText, tool } from 'ai';
import { Router } from 'switchyard-llm';
import { json, ScriptedServer } from 'switchyard-llm/adapter-kit';
import { AISDKAdapter, createSwitchyard } from 'switchyard-llm/ai-sdk';
import { MockAdapter } from 'switchyard-llm/testing';
import { z } from 'zod';

// --- 1. The router as an AI SDK provider ---------------------------------------------------

// `primary` is down (503); `backup` asks for the weather tool once, then answers.
const primary = new MockAdapter(() => ({ error: { status: 503 } }));
const backup = new MockAdapter((request) => {
  const last = request.messages.at(-1);
  if (request.tools && last?.role !== 'tool') {
    return { toolCalls: [{ toolName: 'weather', input: { city: 'Oslo' } }] };
  }
  return { stream: ['It is ', '3 °C ', 'in Oslo.'] };
});
const router = new Router({
  targets: [
    { id: 'primary', adapter: primary, model: 'big-model', aliases: ['chat'], priority: 0 },
    { id: 'backup', adapter: backup, model: 'small-model', aliases: ['chat'], priority: 1 },
  ],
  strategy: 'priority',
  retry: { maxAttempts: 3, baseDelayMs: 10 },
});
const switchyard = createSwitchyard(router);

const result = await generateText({
  model: switchyard('chat'),
  prompt: 'What is the weather in Oslo?',
  tools: {
    weather: tool({
      description: 'Current temperature of a city',
      inputSchema: z.object({ city: z.string() }),
      execute: async ({ city }) => ({ city, celsius: 3 }),
    }),
  },
  stopWhen: stepCountIs(3),
  maxRetries: 0, // the router retries and falls back; the AI SDK must not retry on top
});
const meta = result.providerMetadata?.switchyard as {
  target: string;
  attempts: Array<{ target: string; outcome: string }>;
};
console.log(`generateText: ${JSON.stringify(result.text)} in ${result.steps.length} steps`);
console.log(
  `  answered by ${meta.target}; attempts: ${meta.attempts.map((a) => `${a.target} ${a.outcome}`).join(', ')}`,
);

const streamed = streamText({ model: switchyard('chat'), prompt: 'And now?', maxRetries: 0 });
let text = '';
for await (const delta of streamed.textStream) text += delta;
const streamedBy = (await streamed.providerMetadata)?.switchyard?.target;
console.log(`streamText: ${JSON.stringify(text)} (target ${String(streamedBy)})`);

// --- 2. An AI SDK model as a Switchyard target ------------------------------------------

// A local OpenAI-compatible server (vLLM or Ollama in real life), rate limited with
// Retry-After: 1 s. The router falls back to the hosted mock and keeps away from `local` until
// the second has passed, so the next call goes straight to `hosted`.
const server = await ScriptedServer.start();
server.enqueue(
  json(429, { error: { message: 'rate limited' } }, { 'retry-after': '1' }),
  json(200, {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 0,
    model: 'qwen3',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'Hello from the local model' },
        finish_reason: 'stop',
      },
    ],
    usage: { prompt_tokens: 5, completion_tokens: 6, total_tokens: 11 },
  }),
);
const local = createOpenAICompatible({ name: 'local', baseURL: `${server.url}/v1` });
const mixed = new Router({
  targets: [
    { id: 'local', adapter: new AISDKAdapter(local.chatModel('qwen3')), model: 'qwen3' },
    {
      id: 'hosted',
      adapter: new MockAdapter(() => ({ text: 'Hello from the hosted mock' })),
      model: 'hosted',
    },
  ],
  strategy: 'priority',
  retry: { maxAttempts: 3, baseDelayMs: 10 },
});
for (const call of [1, 2]) {
  const response = await mixed.complete({ messages: [{ role: 'user', content: 'Say hello' }] });
  const path = response.attempts.map((a) => `${a.target} ${a.outcome === 'success' ? 'ok' : a.errorKind}`);
  console.log(`router call ${call}: ${JSON.stringify(response.text)} (${path.join(' → ')})`);
}
console.log(`requests served by the local server: ${server.requests.length}`);
await mixed.close();
await router.close();
await server.close();
