/**
 * Test support (not exported): a ledger with ten minutes of traffic through a real Router on a
 * virtual clock, for the report's tests. `fast` answers in 100 ms; a target whose id, model,
 * alias and tag are a `<script>` tag fails every third call with a 503 and otherwise answers in
 * 900 ms.
 */
import { Router } from '../../../index.js';
import { MockAdapter, VirtualClock } from '../../../src/testing/index.js';
import { UsageLedger, type UsageLedgerOptions } from '../ledger.js';
import { renderUsageReport } from './render-report.js';

export const START = Date.UTC(2026, 0, 1, 12, 0);
export const MIN = 60_000;
/** A hostile name: the report must show it as text. */
export const EVIL = '<script>alert("x")</script>';

/** The ledger after the traffic, and its clock (at the end of the traffic). */
export async function recorded(options: UsageLedgerOptions = {}) {
  const clock = new VirtualClock(START);
  const router = new Router({
    clock,
    retry: { maxAttempts: 1 },
    breaker: false,
    targets: [
      {
        id: 'fast',
        model: 'small',
        aliases: ['chat'],
        price: { inputPerMTok: 1, outputPerMTok: 2 },
        adapter: new MockAdapter(() => ({
          text: 'ok',
          delayMs: 100,
          usage: { inputTokens: 1000, outputTokens: 500, cachedInputTokens: 200 },
        })),
      },
      {
        id: EVIL,
        model: `${EVIL}-model`,
        aliases: [`${EVIL}-alias`],
        price: { inputPerMTok: 10, outputPerMTok: 20 },
        adapter: new MockAdapter((_r, { call }) =>
          call % 3 === 0
            ? { error: { status: 503 }, delayMs: 50 }
            : { text: 'ok', delayMs: 900, usage: { inputTokens: 2000, outputTokens: 100 } },
        ),
      },
    ],
  });
  const ledger = new UsageLedger({ clock, ...options });
  ledger.attach(router);
  for (let m = 0; m < 10; m++) {
    const calls = [
      router.complete({ model: 'chat', messages: [{ role: 'user', content: 'hi' }], tags: ['team-a'] }),
      router.complete({
        model: `${EVIL}-alias`,
        messages: [{ role: 'user', content: 'hi' }],
        tags: [`${EVIL}-tag`],
      }),
    ].map((p) => p.catch((e: unknown) => e));
    await clock.advance(MIN);
    await Promise.all(calls);
  }
  await router.close();
  return { ledger, clock };
}

/** The report of {@link recorded} over its 15 minutes, objective 99 % and p95 ≤ 500 ms, and its ledger. */
export async function recordedReport(): Promise<{ ledger: UsageLedger; html: string }> {
  const { ledger, clock } = await recorded();
  const html = renderUsageReport(ledger, {
    until: clock.now(),
    windowMs: 15 * MIN,
    objective: { availability: 0.99, p95Ms: 500 },
  });
  return { ledger, html };
}

/**
 * Series of each chart in {@link recordedReport}: calls = successful + server; latency lines and
 * bars = p50/p95/p99; tokens = 3 parts.
 */
export const SERIES_PER_CHART = {
  calls: 2,
  'latency-over-time': 3,
  'latency-by-target': 3,
  'cost-by-model': 1,
  'cost-by-alias': 1,
  'tokens-by-model': 3,
  'cost-by-tag': 1,
};
