/**
 * The router of the SIGKILL backup test (modules/backup/sigkill.test.ts), shared by its child
 * processes (test/helpers/backup-child.ts) and by the in-process reference: four targets with
 * deterministic behaviour — `dead` always answers 503, `fast`, `mid` and `slow` answer after
 * 80, 250 and 700 ms (plus a jitter from the call number) — the `adaptive` strategy with a
 * seeded random source, a breaker that keeps a dead target out for ten minutes, and one budget.
 * Every successful call costs exactly {@link COST_USD} and reserves as much.
 */
import { Router } from '../../index.js';
import { createSeededRandom, MockAdapter, type VirtualClock } from '../../src/testing/index.js';

/** Virtual clock start of the first process. */
export const WORLD_START = 1_800_000_000_000;
/** The budget's limit: about 594 calls. */
export const LIMIT_USD = 60;
/** What a call costs: 1000 input and 10 output tokens at $100 per million. */
export const COST_USD = (1000 * 100 + 10 * 100) / 1_000_000;
/** Calls in flight at once. */
export const CONCURRENCY = 4;

const PROFILE: Readonly<Record<string, { ms: number; ok: boolean }>> = {
  dead: { ms: 20, ok: false },
  fast: { ms: 80, ok: true },
  mid: { ms: 250, ok: true },
  slow: { ms: 700, ok: true },
};

/** A call of number `n`: 4000 characters (estimated at 1000 tokens), at most 10 output tokens. */
export function request(n: number) {
  return {
    messages: [{ role: 'user' as const, content: `${n} `.padEnd(4000, 'x') }],
    maxOutputTokens: 10,
  };
}

/** The router, and how many calls each target's adapter received. */
export function backupWorld(
  clock: VirtualClock,
  seed: number,
): { router: Router; calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  const targets = Object.entries(PROFILE).map(([id, p]) => {
    calls[id] = 0;
    return {
      id,
      model: 'm',
      price: { inputPerMTok: 100, outputPerMTok: 100 },
      adapter: new MockAdapter((req) => {
        calls[id]!++;
        const n = Number.parseInt(String(req.messages[0]!.content), 10);
        const delayMs = p.ms + ((n * 37) % 40);
        return p.ok
          ? { text: 'ok', delayMs, usage: { inputTokens: 1000, outputTokens: 10 } }
          : { error: { status: 503 }, delayMs };
      }),
    };
  });
  const router = new Router({
    targets,
    strategy: 'adaptive',
    random: createSeededRandom(seed),
    clock,
    retry: { maxAttempts: 3 },
    breaker: { failureThreshold: 3, cooldownMs: 600_000 },
    budgets: [{ id: 'team', limitUsd: LIMIT_USD, period: 'total' }],
  });
  return { router, calls };
}
