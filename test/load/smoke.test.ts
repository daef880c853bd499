/**
 * CI smoke load test (issue #17 §5): the gateway in front of a real router and OpenAI adapter,
 * calling a local mock upstream; a few thousand calls, plain and streamed, through the load
 * client that checks every answer's exact content. Asserts zero errors, that the upstream saw
 * exactly one request per call, and only a generous throughput floor (it must not flake on a
 * loaded CI machine). The measured profiles are `npm run loadtest` (docs/gateway.md).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Caller, closedLoop, errorsOf, paced, plainTextOf, streamTextOf } from './client.js';
import { type MockUpstream, startMockUpstream } from './mock-upstream.js';
import { EXPECTED_TEXT } from './protocol.js';
import { type GatewayStack, startGatewayStack } from './stack.js';

let mock: MockUpstream;
let stack: GatewayStack;
let caller: Caller;

beforeAll(async () => {
  mock = await startMockUpstream();
  stack = await startGatewayStack(mock.origin);
  caller = new Caller({ name: 'gateway', origin: stack.origin }, 16);
});

afterAll(async () => {
  await caller?.close();
  await stack?.close();
  await mock?.close();
});

describe('gateway smoke load', () => {
  it('answers 2,000 plain and 2,000 streamed calls at concurrency 16 with zero errors, each checked', async () => {
    for (const stream of [false, true]) {
      const before = mock.requests;
      // The time bound is generous so that a loaded CI machine still completes the count (below
      // 50 calls/s it cannot: the machine is then too loaded for any throughput claim).
      const r = await closedLoop(caller, { stream, concurrency: 16, seconds: 40, maxCalls: 2_000 });
      expect(r.firstError).toBeUndefined();
      expect(errorsOf(r)).toBe(0);
      expect(r.calls).toBe(2_000);
      expect(r.ok).toBe(2_000);
      expect(mock.requests - before).toBe(2_000); // one upstream request per call: no hidden retries
      expect(r.rps).toBeGreaterThan(100); // generous floor only
      expect(r.p99).toBeGreaterThan(0);
    }
  }, 120_000);

  it('holds a paced rate without errors', async () => {
    const r = await paced(caller, { stream: true, rate: 200, seconds: 2 });
    expect(errorsOf(r)).toBe(0);
    expect(r.ok).toBe(400);
  }, 60_000);

  it('counts a wrong answer as an error (the check is real)', async () => {
    expect(plainTextOf(JSON.stringify({ choices: [{ message: { content: EXPECTED_TEXT } }] }))).toBe(
      EXPECTED_TEXT,
    );
    expect(plainTextOf('{"choices":[{"message":{"content":"Hello"}}]}')).not.toBe(EXPECTED_TEXT);
    expect(plainTextOf('not json')).toBeUndefined();
    const chunk = (content: string) =>
      `data: {"choices":[{"delta":{"content":${JSON.stringify(content)}}}]}\n\n`;
    const full = `${chunk('Hello!')}${chunk(' This is a mock reply.')}data: [DONE]\n\n`;
    expect(streamTextOf(full)).toBe(EXPECTED_TEXT);
    expect(streamTextOf(full.replace('data: [DONE]\n\n', ''))).toBeUndefined(); // truncated stream
    expect(streamTextOf(`${chunk('Hello!')}data: {"error":{"message":"boom"}}\n\n`)).toBeUndefined();
    // A wrong status or a wrong body is counted, not thrown.
    const odd = createServer((req, res) => {
      req.resume();
      if (req.headers['x-answer'] === 'status') res.writeHead(503).end('{}');
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"choices":[]}');
    });
    await new Promise<void>((resolve) => odd.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(odd.address() as AddressInfo).port}`;
    for (const [answer, field] of [
      ['status', 'badStatus'],
      ['body', 'badBody'],
    ] as const) {
      const wrong = new Caller({ name: 'wrong', origin, headers: { 'x-answer': answer } }, 1);
      const r = await closedLoop(wrong, { stream: false, concurrency: 1, seconds: 5, maxCalls: 3 });
      await wrong.close();
      expect(r.ok).toBe(0);
      expect(r[field]).toBe(3);
      expect(errorsOf(r)).toBe(3);
    }
    await new Promise<void>((resolve) => odd.close(() => resolve()));
  });
});
