/**
 * Usage ledger: route calls over mock providers with prices, then print tokens, cost and
 * latency quantiles per model, export CSV, and an SLA line per alias with its error-budget
 * burn rates. No API keys, no network.
 *
 * Run: npx tsx examples/usage.ts
 */
import { createSeededRandom, Router } from 'switchyard-llm';
import { MockAdapter } from 'switchyard-llm/testing';
import { UsageLedger, usageToCsv } from 'switchyard-llm/usage';

const random = createSeededRandom(7); // same delays and failures on every run

const router = new Router({
  targets: [
    {
      id: 'mini',
      model: 'mini-model',
      aliases: ['fast'],
      price: { inputPerMTok: 0.15, outputPerMTok: 0.6 },
      adapter: new MockAdapter(() => ({ text: 'short answer', delayMs: 5 + random() * 15 })),
    },
    {
      id: 'large',
      model: 'large-model',
      aliases: ['smart'],
      price: { inputPerMTok: 2.5, outputPerMTok: 10 },
      // One call in ten fails; streams report their usage only in the last chunk.
      adapter: new MockAdapter((_request, { call }) =>
        call % 10 === 0
          ? { error: { status: 503 }, delayMs: 5 }
          : { stream: ['a ', 'longer ', 'answer'], chunkDelayMs: 5 + random() * 10 },
      ),
    },
  ],
  retry: { maxAttempts: 1 },
  breaker: false,
});

const ledger = new UsageLedger({ dimensions: ['target', 'model', 'alias', 'tag', 'user'] });
const detach = ledger.attach(router);

const ask = (model: string, user: string) => ({
  model,
  messages: [{ role: 'user' as const, content: 'Explain what a switchyard does, briefly. '.repeat(20) }],
  tags: ['example'],
  metadata: { user },
});

const calls: Promise<unknown>[] = [];
for (let i = 0; i < 40; i++) {
  calls.push(router.complete(ask('fast', `user-${i % 3}`)));
  calls.push(router.stream(ask('smart', `user-${i % 3}`)).response);
}
const settled = await Promise.allSettled(calls);
detach();
console.log(`calls: ${settled.length}, failed: ${settled.filter((s) => s.status === 'rejected').length}`);

const pad = (value: unknown, width: number) => String(value).padStart(width);
const ms = (value: number | undefined) => (value === undefined ? '-' : value.toFixed(1));
console.log(
  `\n${'model'.padEnd(12)}${pad('calls', 6)}${pad('errors', 7)}${pad('in tok', 8)}${pad('out tok', 8)}${pad('cost $', 11)}${pad('p50', 7)}${pad('p95', 7)}${pad('p99', 7)}`,
);
for (const row of ledger.query({ by: ['model'] })) {
  console.log(
    `${String(row.key.model).padEnd(12)}${pad(row.calls, 6)}${pad(row.failures, 7)}${pad(row.inputTokens, 8)}${pad(row.outputTokens, 8)}${pad(row.costUsd.toFixed(6), 11)}${pad(ms(row.p50Ms), 7)}${pad(ms(row.p95Ms), 7)}${pad(ms(row.p99Ms), 7)}`,
  );
}

console.log(
  `\nCSV by user:\n${usageToCsv(ledger.query({ by: ['user'] }), ['user'])
    .split('\n')
    .slice(0, 2)
    .join('\n')} …`,
);

console.log('');
for (const sla of ledger.sla({
  by: 'alias',
  windowMs: 3_600_000,
  objective: { availability: 0.99, p95Ms: 100 },
})) {
  const burn = sla.burnRates
    .map((b) => `${b.longMs / 60_000}m/${b.shortMs / 60_000}m ${b.longRate.toFixed(1)}×`)
    .join(', ');
  console.log(
    `SLA ${sla.key}: availability ${(sla.availability * 100).toFixed(1)}% (objective 99%, ${sla.availabilityMet ? 'met' : 'missed'}), p95 ${ms(sla.p95Ms)} ms (${sla.latencyMet ? 'met' : 'missed'}), burn ${burn}${sla.alerting ? ' ALERT' : ''}`,
  );
}
