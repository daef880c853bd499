/**
 * Usage report: an hour of simulated traffic (a virtual clock, mock providers with prices and
 * realistic latencies, an incident on one provider at 09:34 that makes calls fall back and some
 * fail) recorded by a UsageLedger, rendered as one self-contained HTML page with charts.
 * No API keys, no network.
 *
 * Run: npm run report:usage                      (writes the page to the temp directory)
 *      npx tsx examples/usage-report.ts --out report.html --png report.png
 * `--png` takes a screenshot with headless Chromium (playwright-core, a dev dependency; the
 * browser from CHROMIUM_PATH or /usr/bin/chromium).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createSeededRandom, Router } from 'switchyard-llm';
import { MockAdapter, type MockOutcome, VirtualClock } from 'switchyard-llm/testing';
import { renderUsageReport, UsageLedger } from 'switchyard-llm/usage';

const { values: args } = parseArgs({
  options: { out: { type: 'string' }, png: { type: 'string' } },
});
const out = resolve(args.out ?? join(tmpdir(), 'switchyard-usage-report.html'));

const START = Date.UTC(2026, 2, 14, 9, 0); // 09:00 UTC
const MINUTE = 60_000;
const clock = new VirtualClock(START);
const random = createSeededRandom(42); // the same hour on every run

/** A latency around `medianMs` with a long right tail (log-normal). */
function latency(medianMs: number, spread = 0.45): number {
  const u = Math.max(1e-9, random());
  const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  return Math.round(medianMs * Math.exp(spread * normal));
}

/** Minutes since the start of the hour. */
const minute = () => Math.floor((clock.now() - START) / MINUTE);
/** The incident: 09:34–09:41 the large OpenAI-like model is overloaded. */
const incident = () => minute() >= 34 && minute() < 42;

function answer(medianMs: number, input: number, output: number, cachedShare = 0): MockOutcome {
  const inputTokens = Math.round(input * (0.5 + random()));
  return {
    text: 'A routed answer.',
    delayMs: latency(incident() ? medianMs * 1.4 : medianMs),
    usage: {
      inputTokens,
      outputTokens: Math.round(output * (0.4 + random() * 1.2)),
      cachedInputTokens: Math.round(inputTokens * cachedShare),
    },
  };
}

const router = new Router({
  clock,
  random,
  strategy: 'priority',
  retry: { maxAttempts: 2, baseDelayMs: 200 },
  breaker: { failureThreshold: 8, cooldownMs: 20_000 },
  targets: [
    {
      id: 'openai/gpt-4o',
      model: 'gpt-4o',
      aliases: ['smart'],
      price: { inputPerMTok: 2.5, outputPerMTok: 10, cachedInputPerMTok: 1.25 },
      adapter: new MockAdapter(
        () => {
          if (incident() && random() < 0.45) {
            return random() < 0.7
              ? { error: { status: 503 }, delayMs: latency(400) }
              : { error: { status: 429 } };
          }
          return answer(1_100, 1_800, 450, 0.2);
        },
        { provider: 'openai', recordCalls: false },
      ),
    },
    {
      id: 'anthropic/claude-sonnet',
      model: 'claude-sonnet-4-5',
      aliases: ['smart'],
      price: { inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3 },
      adapter: new MockAdapter(
        () =>
          incident() && random() < 0.3
            ? { error: { kind: 'timeout' }, delayMs: 4_000 }
            : answer(1_500, 1_800, 500, 0.45),
        { provider: 'anthropic', recordCalls: false },
      ),
    },
    {
      id: 'openai/gpt-4o-mini',
      model: 'gpt-4o-mini',
      aliases: ['fast'],
      price: { inputPerMTok: 0.15, outputPerMTok: 0.6 },
      adapter: new MockAdapter(
        () => (random() < 0.004 ? { error: { status: 429 } } : answer(380, 900, 220)),
        { provider: 'openai', recordCalls: false },
      ),
    },
    {
      id: 'anthropic/claude-haiku',
      model: 'claude-haiku-4-5',
      aliases: ['summarize'],
      price: { inputPerMTok: 1, outputPerMTok: 5, cachedInputPerMTok: 0.1 },
      adapter: new MockAdapter(
        () => (random() < 0.006 ? { error: { status: 400 } } : answer(650, 4_000, 300, 0.6)),
        { provider: 'anthropic', recordCalls: false },
      ),
    },
  ],
});

const ledger = new UsageLedger({ clock, dimensions: ['target', 'model', 'alias', 'provider', 'tag'] });
const detach = ledger.attach(router);

/** Each call, settled to whether it succeeded (a rejection is handled at once). */
const calls: Promise<boolean>[] = [];
const aliases = ['smart', 'smart', 'fast', 'fast', 'fast', 'summarize'];
for (let m = 0; m < 60; m++) {
  // A gentle rise towards the half hour, with noise.
  const perMinute = Math.round(24 + 14 * Math.sin((m / 60) * Math.PI) + random() * 8);
  for (let i = 0; i < perMinute; i++) {
    clock.setTimeout(() => {
      const model = aliases[Math.floor(random() * aliases.length)] as string;
      calls.push(
        router
          .complete({
            model,
            messages: [{ role: 'user', content: 'Summarise the quarterly report.' }],
            tags: [random() < 0.6 ? 'team-search' : 'team-support'],
          })
          .then(
            () => true,
            () => false,
          ),
      );
    }, random() * MINUTE);
  }
  await clock.advance(MINUTE);
}
await clock.advance(MINUTE); // let the last calls finish
const results = await Promise.all(calls);
detach();
await router.close();

const html = renderUsageReport(ledger, {
  title: 'Switchyard usage · production router',
  until: START + 60 * MINUTE,
  windowMs: 60 * MINUTE,
  objective: { availability: 0.99, p95Ms: 3_000 },
});
writeFileSync(out, html);
console.log(`calls: ${results.length}, failed: ${results.filter((ok) => !ok).length}`);
console.log(`wrote ${out} (${Math.round(html.length / 1024)} KB, self-contained)`);

if (args.png !== undefined) {
  const png = resolve(args.png);
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    console.error(`no Chromium at ${executablePath} (set CHROMIUM_PATH): no screenshot`);
    process.exitCode = 1;
  } else {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
      await page.setContent(html, { waitUntil: 'load' });
      await page.screenshot({ path: png, fullPage: true });
      console.log(`screenshot ${png}`);
    } finally {
      await browser.close();
    }
  }
}
