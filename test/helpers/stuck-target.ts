import type { CompletionRequest, Strategy, TargetView } from '../../src/index.js';
import { createSeededRandom } from '../../src/index.js';
import { fakeOutcome, type ManualClock } from '../../strategies/testing.js';

/**
 * The "a stops answering" scenario of the overdue-attempt tests: `a` answers in 200 ms and `b`
 * in 400 ms for 20 rounds (each picked alone, so both are learned), then `a` hangs. Picks one
 * call every 50 ms until the strategy picks `b` (at most `maxPicks`), and returns the requests
 * left hanging on `a`.
 */
export function callsStuckBeforeLeaving(
  strategy: Strategy,
  targets: readonly TargetView[],
  clock: ManualClock,
  request: () => CompletionRequest,
  maxPicks = 30,
): CompletionRequest[] {
  const random = createSeededRandom(1);
  const ctx = (r: CompletionRequest) => ({ request: r, stream: false, attempt: 1, now: clock.now(), random });
  const [a, b] = targets as [TargetView, TargetView];
  for (let i = 0; i < 20; i++) {
    for (const t of [a, b]) {
      const r = request();
      strategy.pick([t, t], ctx(r));
      strategy.observe!({
        ...fakeOutcome(t, { latencyMs: t === a ? 200 : 400 }),
        request: r,
        startedAt: clock.now(),
      });
    }
  }
  const stuck: CompletionRequest[] = [];
  for (let picks = 0; picks < maxPicks; picks++) {
    const r = request();
    if (strategy.pick(targets, ctx(r)).id === b.id) break;
    stuck.push(r);
    clock.advance(50);
  }
  return stuck;
}
