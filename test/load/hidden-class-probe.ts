/**
 * Child process of hidden-classes.test.ts, run with `node --log-maps`: the gateway in front of a
 * router and the OpenAI adapter calling a local mock, all in this process. After a warm-up it
 * makes `--calls` sequential calls (plain, then streamed) between two marker properties, so the
 * V8 log shows which hidden classes (maps) each call makes once the code is warm.
 * `--stall-timeouts` turns on the router's stream idle and first-token timeouts.
 */
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { plainTextOf, streamTextOf } from './client.js';
import { startMockUpstream } from './mock-upstream.js';
import { API_KEY, EXPECTED_TEXT, requestBody } from './protocol.js';
import { startGatewayStack } from './stack.js';

/** Names of the marker properties around the measured calls. */
export const START_MARK = '__hidden_class_probe_start__';
export const END_MARK = '__hidden_class_probe_end__';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '500' },
    warmup: { type: 'string', default: '1500' },
    // The router's stream stall timeouts on (each streamed attempt then gets a scope of its own).
    'stall-timeouts': { type: 'boolean', default: false },
  },
});
const calls = Number(values.calls);
const warmup = Number(values.warmup);

const mock = await startMockUpstream();
const stack = await startGatewayStack(
  mock.origin,
  0,
  false,
  values['stall-timeouts'] ? { streamIdleTimeoutMs: 30_000, firstTokenTimeoutMs: 30_000 } : {},
);
const pool = new Pool(stack.origin, { connections: 2 });

async function call(stream: boolean): Promise<void> {
  const res = await pool.request({
    path: '/v1/chat/completions',
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
    body: requestBody(stream),
  });
  const text = await res.body.text();
  const got = stream ? streamTextOf(text) : plainTextOf(text);
  if (res.statusCode !== 200 || got !== EXPECTED_TEXT)
    throw new Error(`${res.statusCode} ${text.slice(0, 200)}`);
}

for (let i = 0; i < warmup; i++) await call(i % 2 === 1);
const marks: Record<string, number> = {};
marks[START_MARK] = 1; // a map transition named START_MARK in the log
for (const stream of [false, true]) for (let i = 0; i < calls; i++) await call(stream);
marks[END_MARK] = 1;
await pool.close();
await stack.close();
await mock.close();
process.stdout.write(`${Object.keys(marks).length}\n`);
