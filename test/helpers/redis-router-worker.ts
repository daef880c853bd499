/**
 * One "instance" for the multi-process Redis tests: a Router over a RedisStateStore whose single
 * target calls a counting HTTP upstream (the parent's). The parent drives it over IPC:
 * `{ op: 'calls', n }` sends n calls at once and answers `{ ok, errors }`; `{ op: 'exit' }` closes.
 * Store events go up as `{ event }`. Config comes in `REDIS_WORKER` (JSON).
 */
import { type BudgetConfig, Router } from '../../index.js';
import { RedisStateStore } from '../../modules/redis/index.js';
import { MockAdapter } from '../../src/testing/index.js';

interface WorkerConfig {
  readonly url: string;
  readonly upstream: string;
  readonly prefix: string;
  readonly requestsPerMinute?: number;
  readonly breaker?: { failureThreshold: number; cooldownMs: number };
  readonly budgets?: BudgetConfig[];
  readonly resyncIntervalMs?: number;
  readonly timeoutMs?: number;
}

type Command = { op: 'calls'; n: number } | { op: 'exit' };

const config = JSON.parse(process.env.REDIS_WORKER ?? '{}') as WorkerConfig;
const send = (message: unknown) => {
  if (process.connected) process.send?.(message);
};
process.on('disconnect', () => process.exit(0)); // the test runner went away: do not linger

const store = new RedisStateStore({
  url: config.url,
  prefix: config.prefix,
  commandTimeoutMs: 2_000, // generous: a loaded CI machine must not turn slow answers into degraded mode
  resyncIntervalMs: config.resyncIntervalMs ?? 1000,
  reconnect: { minDelayMs: 50, maxDelayMs: 200 },
});
store.on('degraded', (e) => send({ event: 'degraded', reason: e.reason }));
store.on('restored', () => send({ event: 'restored' }));
store.on('error', (e) => send({ event: 'error', message: e.error.message }));

const adapter = new MockAdapter(
  async () => {
    const res = await fetch(config.upstream, { method: 'POST' });
    await res.text();
    return res.ok
      ? { text: 'ok', usage: { inputTokens: 0, outputTokens: 1 } }
      : { error: { status: res.status } };
  },
  { recordCalls: false },
);

const router = new Router({
  targets: [
    {
      id: 'shared',
      adapter,
      model: 'm',
      requestsPerMinute: config.requestsPerMinute,
      price: { inputPerMTok: 0, outputPerMTok: 1_000_000 },
    },
  ],
  store,
  breaker: config.breaker ?? false,
  retry: { maxAttempts: 1 },
  budgets: config.budgets,
  ...(config.timeoutMs === undefined ? {} : { timeoutMs: config.timeoutMs }),
});

process.on('message', (command: Command) => {
  if (command.op === 'exit') {
    void router
      .close()
      .then(() => store.close())
      .then(() => process.exit(0));
    return;
  }
  const calls = Array.from({ length: command.n }, () =>
    router.complete({ messages: [{ role: 'user', content: 'x' }], maxOutputTokens: 1 }).then(
      () => 'ok',
      (e: { kind?: string }) => e.kind ?? 'unknown',
    ),
  );
  void Promise.all(calls).then((outcomes) => {
    const errors: Record<string, number> = {};
    for (const o of outcomes) if (o !== 'ok') errors[o] = (errors[o] ?? 0) + 1;
    send({ done: true, ok: outcomes.filter((o) => o === 'ok').length, errors });
  });
});

store.connect().then(
  () => send({ ready: true }),
  (e: Error) => send({ ready: false, message: e.message }),
);
