/**
 * The AI SDK bridge, side by side in one run: `streamText` on `@ai-sdk/openai` directly, against
 * `streamText` on `createSwitchyard(router)` whose one target is Switchyard's `OpenAIAdapter`, and
 * on `createSwitchyard(router)` whose target is the same `@ai-sdk/openai` model wrapped in
 * `AISDKAdapter`. All three call the end-to-end bench's mock OpenAI server (its own process, one
 * SSE chunk per delta), sequentially, in rotated rounds; every answer's text is checked, and the
 * mock must have seen exactly one request per call (no hidden retries).
 *
 * Reported per contender: median wall time per call and median client CPU per call over the
 * rounds, and both as ratios to the direct `@ai-sdk/openai` path of the same run.
 *
 * Used by `test/bench/run.ts` (`aiSdkSection`); runs alone with
 * `node --import tsx test/bench/ai-sdk-overhead.ts [--quick]`.
 */
import { createOpenAI } from '@ai-sdk/openai';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import { streamText } from 'ai';
import { OpenAIAdapter } from '../../adapters/openai/index.js';
import { Router } from '../../index.js';
import { AISDKAdapter, createSwitchyard } from '../../modules/ai-sdk/index.js';
import { startMock } from './e2e/processes.js';
import { API_KEY, EXPECTED_TEXT, MAX_TOKENS, MODEL, PROMPT } from './e2e/protocol.js';
import { median } from './e2e/stats.js';

/** One contender's medians. */
export interface AiSdkRow {
  readonly contender: string;
  /** Median wall time per call over the rounds, µs. */
  readonly wallUs: number;
  /** Median client CPU (user + system) per call over the rounds, µs. */
  readonly cpuUs: number;
  /** `wallUs` ÷ the direct path's. */
  readonly wallRatio: number;
  /** `cpuUs` ÷ the direct path's. */
  readonly cpuRatio: number;
}

/** What one run measured. */
export interface AiSdkResult {
  readonly rows: readonly AiSdkRow[];
  readonly rounds: number;
  readonly callsPerRound: number;
  readonly problems: readonly string[];
}

type Call = () => Promise<string>;

const DIRECT = 'streamText on @ai-sdk/openai .chat() directly';

function contenders(baseURL: string): Array<{ name: string; call: Call; close: () => Promise<void> }> {
  const openai = createOpenAI({ baseURL, apiKey: API_KEY });
  const common = { prompt: PROMPT, maxOutputTokens: MAX_TOKENS, maxRetries: 0 };
  const run = (model: LanguageModelV3): Call => {
    return async () => {
      let failure: unknown;
      const result = streamText({
        model,
        ...common,
        onError: ({ error }) => {
          failure = error;
        },
      });
      let text = '';
      for await (const delta of result.textStream) text += delta;
      if (failure !== undefined) throw failure;
      return text;
    };
  };
  const viaAdapter = new Router({
    targets: [{ id: 'mock', adapter: new OpenAIAdapter({ baseURL, apiKey: API_KEY }), model: MODEL }],
    retry: { maxAttempts: 1 },
  });
  const viaAISDKAdapter = new Router({
    targets: [{ id: 'mock', adapter: new AISDKAdapter(openai.chat(MODEL)), model: MODEL }],
    retry: { maxAttempts: 1 },
  });
  return [
    { name: DIRECT, call: run(openai.chat(MODEL)), close: async () => {} },
    {
      name: 'streamText on createSwitchyard(router), target: OpenAIAdapter',
      call: run(createSwitchyard(viaAdapter)(MODEL)),
      close: () => viaAdapter.close(),
    },
    {
      name: 'streamText on createSwitchyard(router), target: AISDKAdapter(@ai-sdk/openai)',
      call: run(createSwitchyard(viaAISDKAdapter)(MODEL)),
      close: () => viaAISDKAdapter.close(),
    },
  ];
}

/** Runs the comparison. */
export async function runAiSdkBench(options: { quick?: boolean } = {}): Promise<AiSdkResult> {
  const rounds = options.quick ? 3 : 7;
  const callsPerRound = options.quick ? 100 : 300;
  const warmCalls = options.quick ? 100 : 300;
  const mock = await startMock(false);
  const problems: string[] = [];
  const list = contenders(mock.baseURL);
  const wall = new Map<string, number[]>(list.map((c) => [c.name, []]));
  const cpu = new Map<string, number[]>(list.map((c) => [c.name, []]));
  let calls = 0;
  try {
    for (const c of list) for (let i = 0; i < warmCalls; i++, calls++) await c.call();
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < list.length; k++) {
        const c = list[(round + k) % list.length]!;
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        for (let i = 0; i < callsPerRound; i++, calls++) {
          const text = await c.call();
          if (text !== EXPECTED_TEXT) problems.push(`${c.name}: unexpected text ${JSON.stringify(text)}`);
        }
        const elapsedUs = (performance.now() - t0) * 1000;
        const used = process.cpuUsage(cpu0);
        wall.get(c.name)!.push(elapsedUs / callsPerRound);
        cpu.get(c.name)!.push((used.user + used.system) / callsPerRound);
      }
    }
    const served = await mock.requests();
    if (served !== calls) problems.push(`the mock served ${served} requests for ${calls} calls`);
  } finally {
    for (const c of list) await c.close();
    mock.stop();
  }
  const base = { wall: median(wall.get(DIRECT)!), cpu: median(cpu.get(DIRECT)!) };
  const rows = list.map((c) => {
    const wallUs = median(wall.get(c.name)!);
    const cpuUs = median(cpu.get(c.name)!);
    return { contender: c.name, wallUs, cpuUs, wallRatio: wallUs / base.wall, cpuRatio: cpuUs / base.cpu };
  });
  return { rows, rounds, callsPerRound, problems: [...new Set(problems)].slice(0, 5) };
}

/** The result as a markdown section for docs/performance.md. */
export function aiSdkMarkdown(result: AiSdkResult): string {
  const fmt = (n: number, d = 0) =>
    n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  return [
    '## AI SDK bridge: `streamText` through `createSwitchyard` vs `@ai-sdk/openai` directly',
    '',
    `Sequential \`streamText\` calls (8 deltas each) against the end-to-end mock server in its own process; ${result.rounds} rotated rounds of ${result.callsPerRound} calls per contender after a warm-up; medians over rounds. CPU is the client process's user + system time per call.`,
    '',
    '| contender | wall µs / call | CPU µs / call | wall ÷ direct | CPU ÷ direct |',
    '|---|---:|---:|---:|---:|',
    ...result.rows.map(
      (r) =>
        `| ${r.contender} | ${fmt(r.wallUs)} | ${fmt(r.cpuUs)} | ${fmt(r.wallRatio, 2)} | ${fmt(r.cpuRatio, 2)} |`,
    ),
    '',
    result.problems.length > 0
      ? `Problems: ${result.problems.join('; ')}`
      : 'Every answer was checked; no hidden retries.',
  ].join('\n');
}

/** Runs the comparison and returns its markdown. */
export async function aiSdkSection(options: { quick?: boolean } = {}): Promise<string> {
  return aiSdkMarkdown(await runAiSdkBench(options));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await aiSdkSection({ quick: process.argv.includes('--quick') }));
}
