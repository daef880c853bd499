/**
 * Budgets: a daily cap for one team and a total cap for the router, enforced before every
 * attempt. Twenty calls race for a team budget that fits eight calls on the large model: the
 * router admits what fits there, falls back to the cheaper model while the budget still covers
 * it, refuses the rest with `budget_exceeded`, and reports the thresholds it crossed.
 * No API keys, no network.
 *
 * Run: npx tsx examples/budgets.ts
 */
import { isSwitchyardError, Router } from 'switchyard-llm';
import { MockAdapter } from 'switchyard-llm/testing';

const answer = () => ({ text: 'an answer of about forty characters ....', delayMs: 20 });

const router = new Router({
  targets: [
    // $10 per million output tokens: 400 output tokens cost at most $0.004.
    {
      id: 'large',
      model: 'large-model',
      price: { inputPerMTok: 2.5, outputPerMTok: 10 },
      adapter: new MockAdapter(answer),
    },
    {
      id: 'mini',
      model: 'mini-model',
      price: { inputPerMTok: 0.5, outputPerMTok: 2 },
      adapter: new MockAdapter(answer),
    },
  ],
  strategy: 'priority', // large first; mini only when large cannot take the call
  budgets: [
    { scope: { tag: 'team-a' }, limitUsd: 0.032, period: 'day', timeZone: 'Europe/Paris' },
    { limitUsd: 5, period: 'total' },
  ],
});

router.on('budget:threshold', (e) =>
  console.log(
    `budget ${e.budget}: ${e.threshold * 100}% (${e.reason}), spent $${e.spentUsd.toFixed(4)} of $${e.limitUsd}`,
  ),
);

let firstRefusal: string | undefined;
const calls = Array.from({ length: 20 }, () =>
  router
    .complete({
      messages: [{ role: 'user', content: 'Summarise our week.' }],
      tags: ['team-a'],
      maxOutputTokens: 400,
    })
    .then(
      (res) => res.target,
      (error: unknown) => {
        if (!isSwitchyardError(error)) return 'unexpected';
        firstRefusal ??= `${error.message} (try again in ${Math.round((error.retryAfterMs ?? 0) / 60_000)} min)`;
        return error.kind;
      },
    ),
);
const outcomes = await Promise.all(calls);
const count = (what: string) => outcomes.filter((o) => o === what).length;
console.log(
  `served by large: ${count('large')}, by mini: ${count('mini')}, refused: ${count('budget_exceeded')}`,
);
console.log(firstRefusal);
// The reservations were for 400 output tokens each; the answers were short, so most of it is free again.
for (const b of router.budgets()) {
  console.log(
    `${b.id} (${b.periodKey}): $${b.spentUsd.toFixed(4)} spent, $${b.reservedUsd.toFixed(4)} reserved of $${b.limitUsd}`,
  );
}
await router.close();
