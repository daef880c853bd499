/**
 * Prometheus metrics: attach `collectMetrics` to a router, route a few calls over mock
 * adapters (one of them fails now and then), and print the exposition text a Prometheus server
 * would scrape. In a service, serve it with `createServer(metrics.metricsHandler())`.
 * No API keys, no network.
 *
 * Run: npx tsx examples/metrics.ts
 */
import { Router } from 'switchyard-llm';
import { collectMetrics } from 'switchyard-llm/metrics';
import { MockAdapter } from 'switchyard-llm/testing';

// `primary` fails every third call with a 503; `backup` always answers.
const primary = new MockAdapter(
  (_req, { call }) =>
    call % 3 === 0
      ? { error: { status: 503 } }
      : { text: 'primary answer', usage: { inputTokens: 12, outputTokens: 30 } },
  { provider: 'acme', price: { inputPerMTok: 0.15, outputPerMTok: 0.6 } },
);
const backup = new MockAdapter(
  () => ({ stream: ['backup ', 'answer'], usage: { inputTokens: 12, outputTokens: 8 } }),
  {
    provider: 'globex',
  },
);

async function main(): Promise<void> {
  const router = new Router({
    targets: [
      { id: 'primary', adapter: primary, model: 'acme-small', aliases: ['chat'] },
      { id: 'backup', adapter: backup, model: 'globex-mini', aliases: ['chat'] },
    ],
    strategy: 'priority',
    retry: { maxAttempts: 2 },
    breaker: false,
  });
  // Tags are opt-in as a label, and capped: beyond 5 distinct values they count as `other`.
  const metrics = collectMetrics(router, {
    labels: ['target', 'provider', 'model', 'alias', 'tag'],
    maxTagValues: 5,
  });

  for (let i = 0; i < 6; i++) {
    await router.complete({
      model: 'chat',
      messages: [{ role: 'user', content: `question ${i}` }],
      tags: ['demo'],
    });
  }
  for await (const _ of router.stream({
    model: 'chat',
    messages: [{ role: 'user', content: 'stream me' }],
  })) {
    // drain the stream: its first token is timed
  }

  const text = await metrics.metrics();
  // The histograms are long; print their _count and _sum lines and every other series.
  console.log(
    text
      .split('\n')
      .filter((line) => !line.includes('_bucket{'))
      .join('\n'),
  );
  metrics.close();
  await router.close();
}

await main();
