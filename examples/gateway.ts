/**
 * Gateway: serve a Router over HTTP as an OpenAI-compatible API, then call it with the official
 * `openai` SDK (plain, streamed, and an unknown model), scrape `/metrics`, and shut down
 * gracefully. Mock upstreams: no API keys, no network beyond 127.0.0.1.
 *
 * Run: npx tsx examples/gateway.ts
 */
import OpenAI from 'openai';
import { Router } from 'switchyard-llm';
import { createGateway, masterKeyAuth } from 'switchyard-llm/gateway';
import { collectMetrics } from 'switchyard-llm/metrics';
import { MockAdapter } from 'switchyard-llm/testing';

const MASTER_KEY = 'sk-example-master-key-0123456789';

async function main(): Promise<void> {
  const router = new Router({
    targets: [
      {
        id: 'primary',
        model: 'acme-small',
        aliases: ['chat'],
        adapter: new MockAdapter(() => ({ stream: ['Hello', ' from', ' the', ' gateway.'] }), {
          provider: 'acme',
        }),
      },
    ],
  });
  const metrics = collectMetrics(router);
  const gateway = createGateway(router, {
    port: 0, // a free port; use 8080 (the default) in a service
    authenticate: masterKeyAuth(MASTER_KEY),
    metrics,
    shutdownGraceMs: 5_000,
  });
  const { url } = await gateway.start();
  console.log(`gateway listening on ${url}`);
  // In a service: process.once('SIGTERM', () => void gateway.stop().then(() => router.close()));

  const client = new OpenAI({ apiKey: MASTER_KEY, baseURL: `${url}/v1`, maxRetries: 0 });

  const models = await client.models.list();
  console.log('models:', models.data.map((m) => m.id).join(', '));

  const completion = await client.chat.completions.create({
    model: 'chat',
    messages: [{ role: 'user', content: 'Say hello' }],
  });
  console.log('completion:', completion.choices[0]?.message.content);

  const stream = await client.chat.completions.create(
    {
      model: 'chat',
      messages: [{ role: 'user', content: 'Say hello, streamed' }],
      stream: true,
      stream_options: { include_usage: true },
    },
    // Routing hints travel as headers.
    { headers: { 'x-switchyard-tags': 'example', 'x-switchyard-timeout-ms': '10000' } },
  );
  let text = '';
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? '';
    if (chunk.usage) console.log('stream usage:', chunk.usage);
  }
  console.log('streamed:', text);

  try {
    await client.chat.completions.create({
      model: 'no-such-model',
      messages: [{ role: 'user', content: 'x' }],
    });
  } catch (error) {
    if (error instanceof OpenAI.APIError) console.log('unknown model:', error.status, error.code);
  }

  const scrape = await fetch(`${url}/metrics`).then((r) => r.text());
  console.log(
    scrape
      .split('\n')
      .filter((l) => l.startsWith('switchyard_requests_total'))
      .join('\n'),
  );

  await gateway.stop();
  metrics.close();
  await router.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
