/**
 * Learned routing models: record routing history, compare the seven model families offline on
 * it (time-ordered split), train the best one and give it to the `intelligent` strategy. One
 * provider is fast on short prompts but collapses past ~1500 input tokens, which a linear
 * model cannot represent. No API keys, no network, virtual time.
 *
 * Run: npx tsx examples/ml.ts
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AdapterRequest, createSeededRandom, messageText, Router } from 'switchyard-llm';
import {
  evaluatePredictors,
  fromFile,
  HistoryRecorder,
  MODEL_FAMILIES,
  readHistory,
  trainPredictors,
} from 'switchyard-llm/ml';
import { intelligent } from 'switchyard-llm/strategies';
import { MockAdapter, VirtualClock } from 'switchyard-llm/testing';

const random = createSeededRandom(3);
const clock = new VirtualClock(Date.UTC(2026, 0, 1));
const dir = mkdtempSync(join(tmpdir(), 'switchyard-ml-example-'));

// `short-fast` answers in ~300 ms, but past 1500 input tokens it takes ~3 s; `steady` always ~900 ms.
const targets = [
  {
    id: 'short-fast',
    model: 'm1',
    adapter: new MockAdapter((request) => ({
      text: 'ok',
      delayMs: 250 + 0.05 * tokensOf(request) + (tokensOf(request) > 1500 ? 2800 : 0) + 100 * random(),
    })),
  },
  {
    id: 'steady',
    model: 'm2',
    adapter: new MockAdapter(() => ({ text: 'ok', delayMs: 850 + 100 * random() })),
  },
];
function tokensOf(request: AdapterRequest): number {
  return request.messages.reduce((sum, m) => sum + messageText(m).length / 4, 0);
}
const prompt = (tokens: number) => [{ role: 'user' as const, content: 'x'.repeat(tokens * 4) }];

async function call(router: Router, tokens: number): Promise<string> {
  const pending = router.complete({ messages: prompt(tokens) });
  await clock.advance(5000);
  return (await pending).target;
}

// 1. Route 600 calls at random and record one history row per attempt (no prompt text is kept).
const path = join(dir, 'history.jsonl');
const recording = new Router({ targets, strategy: 'random', clock, random, breaker: false });
const recorder = new HistoryRecorder({ path, clock }).attach(recording);
for (let i = 0; i < 600; i++) await call(recording, Math.round(3000 * random()));
await recorder.close();
recording.close();
const rows = readHistory(readFileSync(path, 'utf8'));
console.log(`recorded ${rows.length} attempts`);

// 2. Compare the families: train on the oldest 70%, test on the newest 30%.
console.log('\nfamily     latency MAE ms   p90 abs err ms');
const scores = MODEL_FAMILIES.map((family) => {
  const result = evaluatePredictors(rows, { family, options: { seed: 1 } as never });
  console.log(
    `${family.padEnd(10)} ${result.latency.mae.toFixed(0).padStart(14)} ${result.latency.p90AbsoluteError.toFixed(0).padStart(16)}`,
  );
  return { family, mae: result.latency.mae };
});
const best = scores.reduce((a, b) => (b.mae < a.mae ? b : a));
const linear = scores.find((s) => s.family === 'linear')!;
console.log(`\nbest: ${best.family} (${(linear.mae / best.mae).toFixed(1)}× lower MAE than linear)`);

// 3. Train the best family on all of it, save it, and start `intelligent` from the file.
const file = join(dir, 'model.json');
writeFileSync(file, JSON.stringify(trainPredictors(rows, { family: best.family }).toJSON()));
// (the same as `npx switchyard-llm train --data history.jsonl --family <best> --out model.json`)
const router = new Router({
  targets,
  strategy: intelligent({ predictors: fromFile(file) }),
  clock,
  random,
  breaker: false,
});
const short: string[] = [];
const long: string[] = [];
for (let i = 0; i < 10; i++) {
  short.push(await call(router, 400));
  long.push(await call(router, 2600));
}
const most = (picks: string[]) =>
  [...new Set(picks)]
    .map((t) => [t, picks.filter((p) => p === t).length] as const)
    .sort((a, b) => b[1] - a[1])[0]![0];
console.log(`trained intelligent: short prompts → ${most(short)}, long prompts → ${most(long)}`);
router.close();
rmSync(dir, { recursive: true, force: true });
