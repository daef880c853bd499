/**
 * Switchyard demo: 24 calls routed across three in-process mock providers. No API keys, no
 * network; it finishes in a few seconds.
 *
 * - `fast` answers in 30–60 ms, with one connection reset along the way.
 * - `slow` answers in 250–400 ms and takes one call at a time (`maxConcurrency: 1`): while it
 *   is busy the router skips it.
 * - `flaky` starts with an outage (503s and a 429 with Retry-After), so the circuit breaker ejects
 *   it, lets one probe through after the cooldown, and puts it back when the probe succeeds.
 * - Calls 1–12 use round-robin (every target gets its turn, the broken one included); calls
 *   13–24 use response-time, which learns the latencies and prefers `fast`.
 *
 * Everything printed comes from the responses and the router's events.
 *
 * Run: npm run demo
 */
import {
  type AdapterRequest,
  type AttemptRecord,
  type CompletionResponse,
  createSeededRandom,
  isSwitchyardError,
  messageText,
  Router,
  type SwitchyardError,
} from 'switchyard-llm';
import { MockAdapter } from 'switchyard-llm/testing';

const CALLS_PER_PHASE = 12;
const LAUNCH_EVERY_MS = 90; // calls overlap: a new one starts before the slow ones finish

const random = createSeededRandom(2024); // the mocks' delays; the router gets its own seed
const between = (min: number, max: number) => Math.round(min + random() * (max - min));
const answer = (req: AdapterRequest) => `Here is a short answer to "${messageText(req.messages[0]!)}".`;

// --- The three providers ---------------------------------------------------------------------

const fast = new MockAdapter((req, { call }) =>
  call === 7
    ? { error: { kind: 'connection', message: 'ECONNRESET' }, delayMs: 5 }
    : { text: answer(req), delayMs: between(30, 60) },
);
const slow = new MockAdapter((req) => ({
  text: `${answer(req)} With more detail.`,
  delayMs: between(250, 400),
}));
// A script: one outcome per call. Three failures, then healthy again.
const flaky = new MockAdapter(
  [
    { error: { status: 503 }, delayMs: 15 },
    { error: { status: 429, retryAfterMs: 250 }, delayMs: 10 },
    { error: { status: 503 }, delayMs: 15 },
    { text: 'Flaky is back.', delayMs: 90 },
  ],
  { whenScriptEnds: 'repeat-last' },
);

const router = new Router({
  targets: [
    { id: 'fast', adapter: fast, model: 'mock-small' },
    { id: 'slow', adapter: slow, model: 'mock-large', maxConcurrency: 1 },
    { id: 'flaky', adapter: flaky, model: 'mock-medium' },
  ],
  strategy: 'response-time', // calls 1–12 override it with round-robin
  retry: { maxAttempts: 3, baseDelayMs: 50 },
  breaker: { failureThreshold: 3, cooldownMs: 500 },
  random: createSeededRandom(7),
});

// --- What the events tell us ------------------------------------------------------------------

interface CallLog {
  readonly n: number;
  readonly strategy: string;
  /** HTTP status (or error kind) of each failed attempt, by attempt number. */
  readonly failures: Map<number, string>;
  /** Attempt numbers that came after a wait on an already-tried target. */
  readonly retries: Set<number>;
  fallbacks: number;
  response?: CompletionResponse;
  error?: SwitchyardError;
}

const calls: CallLog[] = [];
const callOf = (tags: readonly string[] | undefined) => calls[Number(tags?.[0]) - 1];
const started = performance.now();
const at = () => `+${((performance.now() - started) / 1000).toFixed(2)}s`;
const breakerLog: string[] = [];
let ejections = 0;
let restorations = 0;

// Each call is tagged with its number, so events can be matched to the calls they belong to.
router.on('attempt:failure', (e) => {
  callOf(e.tags)?.failures.set(e.attempt, String(e.error.status ?? e.error.kind));
});
router.on('retry', (e) => callOf(e.tags)?.retries.add(e.attempt));
router.on('fallback', (e) => {
  const call = callOf(e.tags);
  if (call) call.fallbacks++;
});
router.on('target:ejected', (e) => {
  ejections++;
  breakerLog.push(
    `${at()}  ${e.target} ejected for ${e.cooldownMs} ms (last failure: ${e.errorKind}; ejection #${e.ejections} in a row)`,
  );
});
router.on('target:restored', (e) => {
  restorations++;
  breakerLog.push(`${at()}  ${e.target} restored after ${Math.round(e.downMs)} ms out (its probe succeeded)`);
});

// --- Running the calls ------------------------------------------------------------------------

async function runCall(n: number, strategy: string | undefined): Promise<void> {
  const call: CallLog = {
    n,
    strategy: strategy ?? router.strategyName,
    failures: new Map(),
    retries: new Set(),
    fallbacks: 0,
  };
  calls[n - 1] = call;
  try {
    // `strategy` overrides the router's strategy for this call only; undefined keeps the default.
    call.response = await router.complete({
      messages: [{ role: 'user', content: `question ${n}` }],
      strategy,
      tags: [String(n)],
    });
  } catch (error) {
    if (!isSwitchyardError(error)) throw error;
    call.error = error;
  }
}

async function runPhase(first: number, strategy?: string): Promise<void> {
  const running: Promise<void>[] = [];
  for (let i = 0; i < CALLS_PER_PHASE; i++) {
    running.push(runCall(first + i, strategy));
    await new Promise((resolve) => setTimeout(resolve, LAUNCH_EVERY_MS));
  }
  await Promise.all(running);
}

// --- Printing ---------------------------------------------------------------------------------

function pathOf(call: CallLog): string {
  const attempts: readonly AttemptRecord[] = call.response?.attempts ?? call.error?.attempts ?? [];
  const steps = attempts.map((a) =>
    a.outcome === 'success' ? `${a.target} ✓` : `${a.target} ✗${call.failures.get(a.attempt) ?? a.errorKind}`,
  );
  if (call.error && steps.length === 0) steps.push(`✗ ${call.error.kind}`);
  return steps.join(' → ');
}

function table(rows: readonly (readonly string[])[], rightAligned: ReadonlySet<number>): void {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => r[col]!.length)));
  for (const row of rows) {
    console.log(
      row
        .map((cell, col) => (rightAligned.has(col) ? cell.padStart(widths[col]!) : cell.padEnd(widths[col]!)))
        .join('  '),
    );
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function printCalls(): void {
  const rows = [['#', 'strategy', 'path', 'retries', 'fallbacks', 'latency', 'tokens']];
  for (const call of calls) {
    const res = call.response;
    rows.push([
      String(call.n),
      call.strategy,
      pathOf(call),
      String(call.retries.size),
      String(call.fallbacks),
      res ? `${Math.round(res.latencyMs)} ms` : (call.error?.kind ?? ''),
      res ? String(res.usage.totalTokens) : '-',
    ]);
  }
  table(rows, new Set([0, 3, 4, 5, 6]));
  console.log('\n✗ = a failed attempt (HTTP status, else error kind). A fallback moves to a target the call');
  console.log('has not tried yet; a retry waits (backoff) and tries an already-tried target again.');
}

function printSummary(): void {
  const ok = calls.filter((c) => c.response !== undefined);
  const latencies = ok.map((c) => c.response!.latencyMs).sort((a, b) => a - b);
  const servedBy = new Map<string, number>();
  const attempts = new Map<string, { ok: number; failed: number }>();
  for (const call of calls) {
    if (call.response) servedBy.set(call.response.target, (servedBy.get(call.response.target) ?? 0) + 1);
    for (const a of call.response?.attempts ?? call.error?.attempts ?? []) {
      const entry = attempts.get(a.target) ?? { ok: 0, failed: 0 };
      if (a.outcome === 'success') entry.ok++;
      else entry.failed++;
      attempts.set(a.target, entry);
    }
  }
  const sum = (f: (c: CallLog) => number) => calls.reduce((total, c) => total + f(c), 0);

  console.log('\nSummary');
  const lines: [string, string][] = [
    [
      'calls',
      `${calls.length} (${ok.length} succeeded, ${calls.length - ok.length} failed): ${((100 * ok.length) / calls.length).toFixed(1)}% success`,
    ],
    ['served by', router.targets.map((t) => `${t.id} ${servedBy.get(t.id) ?? 0}`).join(' · ')],
    [
      'attempts',
      router.targets
        .map((t) => `${t.id} ${attempts.get(t.id)?.ok ?? 0} ok / ${attempts.get(t.id)?.failed ?? 0} failed`)
        .join(' · '),
    ],
    [
      'latency',
      `p50 ${Math.round(percentile(latencies, 50))} ms · p95 ${Math.round(percentile(latencies, 95))} ms`,
    ],
    ['retries', String(sum((c) => c.retries.size))],
    ['fallbacks', String(sum((c) => c.fallbacks))],
    ['breaker', `${ejections} ejection(s), ${restorations} restoration(s)`],
    [
      'health now',
      router
        .health()
        .map((h) => `${h.id} ${h.state}`)
        .join(' · '),
    ],
  ];
  for (const [label, value] of lines) console.log(`  ${label.padEnd(11)} ${value}`);
  if (breakerLog.length > 0) {
    console.log('\nCircuit breaker (from target:ejected / target:restored events)');
    for (const line of breakerLog) console.log(`  ${line}`);
  }
}

async function main(): Promise<void> {
  console.log(`Routing ${2 * CALLS_PER_PHASE} calls across ${router.targets.map((t) => t.id).join(', ')}…\n`);
  await runPhase(1, 'round-robin');
  await runPhase(1 + CALLS_PER_PHASE); // the router's own strategy: response-time
  printCalls();
  printSummary();
  console.log(`\nDone in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
}

await main();
