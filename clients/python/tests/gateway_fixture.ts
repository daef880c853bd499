/**
 * A real gateway for the Python client's tests: `createGateway` over MockAdapters on 127.0.0.1, a
 * free port. Prints one JSON line `{"url","key","forbiddenKey"}` on stdout once it listens, and
 * stops on SIGTERM, SIGINT or when its stdin closes (the test process went away).
 *
 * Aliases (each its own target, so one test's state does not leak into another's):
 * - `echo`: answers `echo: <last user text>`; the text `__inspect__` answers the request's
 *   options as JSON instead.
 * - `tricky`: streams deltas with unicode, newlines and SSE-looking text.
 * - `broken`: streams two deltas, then the upstream fails (a mid-stream error event).
 * - `limited-a` … `limited-f`: an upstream 429 with `retry-after: 7` s; the router then blocks the
 *   target for 7 s, so calls in that window get a 503 `no_target` with the remaining seconds.
 * - `flaky`: the text `fail:<n>:<status|kind>:<id>` fails the first n calls of that id (status
 *   500 → the gateway's 502, kind `timeout` → 504), then answers `recovered after <n>`.
 * - `slow`: answers after 3 s (client timeouts, `x-switchyard-timeout-ms` → 504).
 *
 * Run: node --import tsx clients/python/tests/gateway_fixture.ts
 */
import { type AdapterRequest, Router, SwitchyardError } from '../../../index.js';
import { createGateway, masterKeyAuth } from '../../../modules/gateway/index.js';
import { MockAdapter, type MockError, type MockOutcome } from '../../../src/testing/index.js';

const KEY = 'sk-python-client-test-0123456789';
const FORBIDDEN_KEY = 'sk-python-client-forbidden-0123';

function lastUserText(request: AdapterRequest): string {
  for (let i = request.messages.length - 1; i >= 0; i--) {
    const message = request.messages[i]!;
    if (message.role !== 'user') continue;
    if (typeof message.content === 'string') return message.content;
    return message.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
  }
  return '';
}

function echo(request: AdapterRequest): MockOutcome {
  const text = lastUserText(request);
  if (text === '__inspect__') {
    const seen = {
      model: request.model,
      temperature: request.temperature ?? null,
      maxOutputTokens: request.maxOutputTokens ?? null,
      stopSequences: request.stopSequences ?? null,
    };
    return { text: JSON.stringify(seen), usage: { inputTokens: 3, outputTokens: 7 } };
  }
  return { text: `echo: ${text}`, usage: { inputTokens: 3, outputTokens: 5 } };
}

const failures = new Map<string, number>();

function flaky(request: AdapterRequest): MockOutcome {
  const match = /^fail:(\d+):(\w+):(.+)$/.exec(lastUserText(request));
  if (match === null) return { text: 'not a flaky script' };
  const [, count, how, id] = match as unknown as [string, string, string, string];
  const seen = failures.get(id) ?? 0;
  failures.set(id, seen + 1);
  if (seen >= Number(count)) return { text: `recovered after ${count}` };
  const error: MockError = /^\d+$/.test(how)
    ? { status: Number(how), message: `scripted ${how}` }
    : { kind: how as MockError['kind'] & string, message: `scripted ${how}` };
  return { error };
}

const TRICKY_DELTAS = [
  'Hel',
  'lo, ',
  'wörld ',
  '🌍',
  '\n',
  'line two\r\n',
  'data: not a frame\n\n',
  '"quoted" \\ back',
  '',
  ' 中文',
];

function target(id: string, handler: ConstructorParameters<typeof MockAdapter>[0], aliases: string[]) {
  return {
    id,
    model: `${id}-model`,
    aliases,
    adapter: new MockAdapter(handler, { whenScriptEnds: 'repeat-last', provider: 'mock' }),
  };
}

const limited = ['a', 'b', 'c', 'd', 'e', 'f'].map((s) =>
  target(
    `limited-${s}`,
    [{ error: { status: 429, retryAfterMs: 7_000, message: 'slow down' } }],
    [`limited-${s}`],
  ),
);

const router = new Router({
  targets: [
    target('echo', echo, ['echo']),
    target('tricky', [{ stream: TRICKY_DELTAS, usage: { inputTokens: 4, outputTokens: 9 } }], ['tricky']),
    target(
      'broken',
      [{ stream: ['partial ', 'answer'], error: { status: 500, message: 'upstream broke' } }],
      ['broken'],
    ),
    ...limited,
    target('flaky', flaky, ['flaky']),
    target('slow', [{ text: 'finally', delayMs: 3_000 }], ['slow']),
  ],
  // No waiting inside the router for a Retry-After: a blocked target answers 503 `no_target` at once.
  retry: { maxAttempts: 1, maxRetryAfterMs: 0 },
  breaker: false,
});

const master = masterKeyAuth(KEY);
const gateway = createGateway(router, {
  port: 0,
  authenticate(request) {
    const auth = request.headers.authorization;
    if (auth === `Bearer ${FORBIDDEN_KEY}`) {
      throw new SwitchyardError('auth', 'this key may not call the gateway', { status: 403 });
    }
    return master(request);
  },
  shutdownGraceMs: 1_000,
});

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await gateway.stop();
  await router.close();
  process.exit(0);
}

const { url } = await gateway.start();
process.stdout.write(
  `${JSON.stringify({ url, key: KEY, forbiddenKey: FORBIDDEN_KEY, trickyDeltas: TRICKY_DELTAS })}\n`,
);
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
process.stdin.on('end', () => void stop());
process.stdin.on('error', () => void stop());
process.stdin.resume();
