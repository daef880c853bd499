import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type RouteEvent, Router } from '../../index.js';
import { MockAdapter, VirtualClock } from '../../src/testing/index.js';
import { intelligent } from '../../strategies/index.js';
import { fromFile } from './from-file.js';
import { HistoryRecorder } from './history.js';
import { trainCommand } from './train-command.js';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = trainCommand(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** 300 recorded attempts on two targets: `slow` takes 10 × longer than `fast`. */
let histories = 0;
async function history(): Promise<string> {
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  const targets = [
    { id: 'fast', adapter: new MockAdapter(() => ({ text: 'ok', delayMs: 100 })), model: 'm' },
    { id: 'slow', adapter: new MockAdapter(() => ({ text: 'ok', delayMs: 1_000 })), model: 'm' },
  ];
  const router = new Router({ targets, strategy: 'round-robin', clock, breaker: false });
  const path = join(dir, `history-${++histories}.jsonl`);
  const recorder = new HistoryRecorder({ path, clock }).attach(router);
  for (let i = 0; i < 300; i++)
    await clock.run(router.complete({ messages: [{ role: 'user', content: 'x'.repeat(i + 1) }] }));
  await recorder.close();
  await router.close();
  return path;
}

describe('switchyard-llm train', () => {
  it('trains a model file that intelligent starts from (fromFile), preferring what history says is fast', async () => {
    const data = await history();
    const out = join(dir, 'model.json');
    const result = run(['--data', data, '--family', 'gbm', '--out', out]);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^trained boosting on 300 rows: \d+ models for 2 targets → /);
    expect(JSON.parse(readFileSync(out, 'utf8')).family).toBe('boosting');

    const clock = new VirtualClock(Date.UTC(2026, 0, 2));
    const fast = new MockAdapter(() => ({ text: 'ok', delayMs: 100 }));
    const slow = new MockAdapter(() => ({ text: 'ok', delayMs: 1_000 }));
    const router = new Router({
      targets: [
        { id: 'slow', adapter: slow, model: 'm' },
        { id: 'fast', adapter: fast, model: 'm' },
      ],
      strategy: intelligent({ predictors: fromFile(out), weights: { costPerUsd: 0 } }),
      clock,
      breaker: false,
    });
    const routes: RouteEvent[] = [];
    router.on('route', (e) => routes.push(e));
    for (let i = 0; i < 20; i++)
      await clock.run(router.complete({ messages: [{ role: 'user', content: 'hi' }] }));
    // Trained: the very first decision already predicts both targets (untrained, both are "untried").
    const first = Object.fromEntries(routes[0]!.candidates.map((c) => [c.target, c]));
    expect(first.fast?.note).toMatch(/^latency 100 ms/);
    expect(first.slow?.note).toMatch(/^latency 1000 ms/);
    expect(first.fast!.score).toBeGreaterThan(first.slow!.score);
    expect(fast.callCount).toBeGreaterThanOrEqual(18);
    await router.close();
  });

  it('--evaluate prints each family’s errors on a time-ordered split', async () => {
    const data = await history();
    const result = run(['--data', data, '--evaluate']);
    expect(result.code).toBe(0);
    const lines = result.out.split('\n');
    expect(lines[0]).toMatch(/^family/);
    expect(lines.slice(1).map((l) => l.split(' ')[0])).toEqual([
      'linear',
      'forest',
      'boosting',
      'mlp',
      'svr',
      'ensemble',
      'hybrid',
    ]);
    expect(lines[1]).toMatch(/210\/90/);
  });

  it('answers bad arguments with the usage (exit 2) and bad data with a config message (exit 1)', async () => {
    expect(run(['--data'])).toMatchObject({ code: 2, err: expect.stringContaining('--data needs a value') });
    expect(run(['--bogus', 'x'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('unknown argument "--bogus"'),
    });
    const data = await history();
    expect(run(['--data', data, '--family', 'xgboost', '--out', join(dir, 'x.json')])).toMatchObject({
      code: 2,
      err: expect.stringContaining('--family: expected one of linear, forest'),
    });
    expect(run(['--data', data, '--family', 'rf'])).toMatchObject({ code: 2, err: '--out is required' });
    expect(run(['--data', join(dir, 'missing.jsonl'), '--family', 'rf', '--out', 'x'])).toMatchObject({
      code: 1,
      err: expect.stringContaining('--data: cannot read'),
    });
    const garbage = join(dir, 'garbage.jsonl');
    writeFileSync(garbage, 'not json\n');
    expect(run(['--data', garbage, '--family', 'rf', '--out', 'x'])).toMatchObject({
      code: 1,
      err: expect.stringContaining('readHistory: line 1: expected JSON'),
    });
  });

  it('fromFile names the path when the file is missing, not JSON, or not a model file', () => {
    expect(() => fromFile(join(dir, 'none.json'))).toThrow(
      /fromFile: cannot read the model file ".*none\.json" \(ENOENT\)/,
    );
    const text = join(dir, 'text.json');
    writeFileSync(text, 'hello');
    expect(() => fromFile(text)).toThrow(/is not JSON, so not a model file/);
    const other = join(dir, 'other.json');
    writeFileSync(other, '{"format":"something-else"}');
    expect(() => fromFile(other)).toThrow(/json\.format/);
  });
});
