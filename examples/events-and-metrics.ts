/**
 * Events and metrics: subscribe to the router's typed events, compute counts and latency
 * percentiles, and see that payloads carry no prompt text unless `includeContentInEvents`.
 * No API keys, no network.
 *
 * Run: npx tsx examples/events-and-metrics.ts
 */
import { createSeededRandom, Router, type RouterEventName } from 'switchyard-llm';
import { MockAdapter } from 'switchyard-llm/testing';

const random = createSeededRandom(42); // same delays and failures on every run

// `steady` answers in 20–60 ms; `shaky` answers in 10–30 ms but fails one call in three.
const steady = new MockAdapter(() => ({ text: 'steady answer', delayMs: 20 + random() * 40 }));
const shaky = new MockAdapter((_req, { call }) =>
  call % 3 === 0
    ? { error: { status: 503 }, delayMs: 5 }
    : { text: 'shaky answer', delayMs: 10 + random() * 20 },
);

/** Nearest-rank percentile of `values` (p in 0–100). */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function main(): Promise<void> {
  const router = new Router({
    targets: [
      { id: 'steady', adapter: steady, model: 'm' },
      { id: 'shaky', adapter: shaky, model: 'm' },
    ],
    strategy: 'round-robin',
    breaker: false, // keep `shaky` in rotation so that its failures show up in the numbers
    random,
  });

  // Metrics from events. Payloads are built only for events someone listens to.
  const counts = new Map<RouterEventName, number>();
  const count = (name: RouterEventName) => counts.set(name, (counts.get(name) ?? 0) + 1);
  const latencies: number[] = [];
  const attemptsByTarget = new Map<string, { ok: number; failed: number }>();
  const tally = (target: string) => {
    const entry = attemptsByTarget.get(target) ?? { ok: 0, failed: 0 };
    attemptsByTarget.set(target, entry);
    return entry;
  };

  router.on('request:start', () => count('request:start'));
  router.on('attempt:success', (e) => {
    count('attempt:success');
    tally(e.target).ok++;
  });
  router.on('attempt:failure', (e) => {
    count('attempt:failure');
    tally(e.target).failed++;
  });
  router.on('fallback', () => count('fallback'));
  router.on('retry', () => count('retry'));
  router.on('request:success', (e) => {
    count('request:success');
    latencies.push(e.latencyMs);
  });
  router.on('request:failure', () => count('request:failure'));

  // 20 calls, 5 at a time.
  for (let wave = 0; wave < 4; wave++) {
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        router.complete({ messages: [{ role: 'user', content: `question ${wave * 5 + i}` }] }),
      ),
    );
  }

  console.log('event counts:');
  for (const [name, n] of counts) console.log(`  ${name.padEnd(16)} ${n}`);
  console.log('attempts per target:');
  for (const [target, { ok, failed }] of attemptsByTarget)
    console.log(`  ${target.padEnd(16)} ${ok} ok, ${failed} failed`);
  console.log(
    `call latency: p50 ${percentile(latencies, 50).toFixed(0)} ms, p90 ${percentile(latencies, 90).toFixed(0)} ms, ` +
      `max ${Math.max(...latencies).toFixed(0)} ms`,
  );

  // Privacy: prompts and completions stay out of events unless you opt in.
  for (const includeContentInEvents of [false, true]) {
    const r = new Router({
      targets: [{ id: 'steady', adapter: steady, model: 'm' }],
      includeContentInEvents,
    });
    r.once('request:start', (e) =>
      console.log(
        `includeContentInEvents: ${includeContentInEvents}\n  request:start messages =`,
        e.messages,
      ),
    );
    r.once('request:success', (e) => console.log('  request:success text =', e.text));
    await r.complete({ messages: [{ role: 'user', content: 'my private prompt' }] });
  }
}

await main();
