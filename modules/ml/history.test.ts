import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Router } from '../../index.js';
import { MockAdapter, VirtualClock } from '../../src/testing/index.js';
import { expectConfigError } from './contract.js';
import { HistoryRecorder } from './history.js';
import { readHistory } from './history-row.js';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ml-families-history-'));
  dirs.push(dir);
  return join(dir, 'history.jsonl');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const SECRET_PROMPT = 'please summarise the quarterly figures for ACME';

function router(clock: VirtualClock): Router {
  return new Router({
    clock,
    targets: [
      {
        id: 'down',
        adapter: new MockAdapter([{ delayMs: 30, error: { status: 503 } }], {
          whenScriptEnds: 'repeat-last',
        }),
        model: 'm1',
      },
      {
        id: 'up',
        adapter: new MockAdapter(
          () => ({ delayMs: 100, text: 'fine', usage: { inputTokens: 10, outputTokens: 7 } }),
          {
            price: { inputPerMTok: 1, outputPerMTok: 2 },
          },
        ),
        model: 'm2',
        maxOutputTokens: 512,
      },
    ],
    strategy: 'priority',
    retry: { maxAttempts: 2, baseDelayMs: 0, maxDelayMs: 0 },
    breaker: false,
  });
}

/** A router with one target that always answers "ok". */
function okRouter(clock: VirtualClock): Router {
  return new Router({
    clock,
    targets: [{ id: 'a', adapter: new MockAdapter(() => ({ text: 'ok' })), model: 'm' }],
    breaker: false,
  });
}

describe('HistoryRecorder', () => {
  it('writes one row per attempt with features and outcomes, and no prompt text', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 5, 14, 30));
    const r = router(clock);
    const path = tempFile();
    const recorder = new HistoryRecorder({ path, clock }).attach(r);
    const call = r.complete({
      messages: [{ role: 'user', content: SECRET_PROMPT }],
      maxOutputTokens: 64,
      tags: ['batch'],
      responseFormat: { type: 'json' },
    });
    await clock.advance(1000);
    await call;
    await recorder.close();
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain('quarterly');
    const rows = readHistory(text);
    expect(rows).toHaveLength(2);
    const [failed, ok] = rows;
    expect(failed).toMatchObject({
      target: 'down',
      attempt: 1,
      hour: 14,
      stream: false,
      maxOutputTokens: 64,
      structured: true,
      tags: ['batch'],
      inFlight: 0,
      latencyMs: 30,
      failure: 'server',
      outputTokens: null,
    });
    expect(failed!.inputTokens).toBeGreaterThan(5);
    expect(ok).toMatchObject({
      target: 'up',
      attempt: 2,
      failure: null,
      latencyMs: 100,
      outputTokens: 7,
      targetMaxOutputTokens: 512,
    });
    expect(ok!.costUsd).toBeGreaterThan(0);
    r.close();
  });

  it('records the load on the target when each attempt started', async () => {
    const clock = new VirtualClock(0);
    const r = new Router({
      clock,
      targets: [{ id: 'a', adapter: new MockAdapter(() => ({ delayMs: 50, text: 'ok' })), model: 'm' }],
      breaker: false,
    });
    const path = tempFile();
    const recorder = new HistoryRecorder({ path, clock }).attach(r);
    const calls = [0, 1, 2].map(() => r.complete({ messages: [{ role: 'user', content: 'hi' }] }));
    await clock.advance(100);
    await Promise.all(calls);
    await recorder.close();
    expect(readHistory(readFileSync(path, 'utf8')).map((row) => row.inFlight)).toEqual([0, 1, 2]);
    r.close();
  });

  it('records the time to first token of a stream', async () => {
    const clock = new VirtualClock(0);
    const r = new Router({
      clock,
      targets: [
        { id: 'a', adapter: new MockAdapter(() => ({ stream: ['a', 'b'], chunkDelayMs: 20 })), model: 'm' },
      ],
      breaker: false,
    });
    const path = tempFile();
    const recorder = new HistoryRecorder({ path, clock }).attach(r);
    const done = (async () => {
      for await (const _ of r.stream({ messages: [{ role: 'user', content: 'hi' }] })) {
        // drain
      }
    })();
    await clock.advance(200);
    await done;
    await recorder.close();
    const [row] = readHistory(readFileSync(path, 'utf8'));
    expect(row!.stream).toBe(true);
    expect(row!.ttftMs).toBeGreaterThan(0);
    r.close();
  });

  it('rotates the file at maxBytes and keeps maxFiles old ones', async () => {
    const clock = new VirtualClock(0);
    const r = okRouter(clock);
    const path = tempFile();
    const recorder = new HistoryRecorder({ path, clock, maxBytes: 1024, maxFiles: 2, flushRows: 1 }).attach(
      r,
    );
    for (let i = 0; i < 30; i++) await r.complete({ messages: [{ role: 'user', content: `call ${i}` }] });
    await recorder.close();
    expect(recorder.written).toBe(30);
    expect(existsSync(`${path}.1`)).toBe(true);
    expect(existsSync(`${path}.2`)).toBe(true);
    expect(existsSync(`${path}.3`)).toBe(false);
    for (const file of [path, `${path}.1`, `${path}.2`])
      expect(statSync(file).size).toBeLessThanOrEqual(1024);
    // The newest rows are in the current file.
    const current = readHistory(readFileSync(path, 'utf8'));
    expect(current.length).toBeGreaterThan(0);
    expect(readFileSync(path, 'utf8')).not.toContain('call 29'); // and still no prompt text
    r.close();
  });

  it('sends write failures to onError and never fails a routed call', async () => {
    const clock = new VirtualClock(0);
    const r = okRouter(clock);
    const errors: unknown[] = [];
    const recorder = new HistoryRecorder({
      path: join(tempFile(), 'no-such-dir', 'h.jsonl'),
      clock,
      flushRows: 1,
      onError: (e) => errors.push(e),
    }).attach(r);
    const response = await r.complete({ messages: [{ role: 'user', content: 'hi' }] });
    expect(response.text).toBe('ok');
    await recorder.close();
    expect(errors).toHaveLength(1);
    expect(recorder.written).toBe(0);
    r.close();
  });

  it('flushes after flushMs of clock time and stops recording on close', async () => {
    const clock = new VirtualClock(0);
    const r = okRouter(clock);
    const path = tempFile();
    const recorder = new HistoryRecorder({ path, clock, flushMs: 500 }).attach(r);
    await r.complete({ messages: [{ role: 'user', content: 'hi' }] });
    expect(existsSync(path)).toBe(false);
    await clock.advance(500);
    await recorder.flush();
    expect(readHistory(readFileSync(path, 'utf8'))).toHaveLength(1);
    await recorder.close();
    await r.complete({ messages: [{ role: 'user', content: 'hi' }] });
    await recorder.flush();
    expect(readHistory(readFileSync(path, 'utf8'))).toHaveLength(1);
    expect(r.listenerCount('attempt:success')).toBe(0);
    r.close();
  });

  it('rejects bad options and bad history lines with config errors naming them', () => {
    expectConfigError(() => new HistoryRecorder({ path: '' }), /HistoryRecorder: path: expected a file path/);
    expectConfigError(() => new HistoryRecorder({ path: 'x', maxBytes: 10 }), /HistoryRecorder: maxBytes/);
    expectConfigError(
      () => readHistory('{"t": 1}\nnot json'),
      /readHistory: line 1: hour: expected a finite number/,
    );
    expectConfigError(() => readHistory('\n[1]'), /readHistory: line 2: expected a JSON object/);
  });
});
