/**
 * 10,000 random malformed requests (seeded, so a failure replays): each must get a 4xx with
 * OpenAI's error JSON, none may reach the upstream, and the gateway must still serve a valid call.
 * Bounded in time: the run stops at its deadline and the test fails if it did not finish.
 */
import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../index.js';
import { postChat, startGateway, type TestGateway } from './test-helpers.js';

const COUNT = 10_000;
const CONCURRENCY = 16;
const DEADLINE_MS = 120_000;
const LIMIT = 4_096;

type Case = { method: string; path: string; headers: Record<string, string>; body?: Buffer | string };

const VALID = { model: 'fast', messages: [{ role: 'user', content: 'hello' }] };

/** Values that are invalid for each field, whatever else the request holds. */
const BAD_FIELDS: Array<[string, unknown[]]> = [
  ['model', [null, 1, '', [], {}, true, 'no-such-model', 'x'.repeat(300)]],
  ['messages', [null, 'hi', 5, {}, [], [null], [1], [{}], [{ role: 'user' }], [{ role: 'x', content: 'a' }]]],
  ['temperature', ['hot', -1, 2.5, [], {}, true]],
  ['top_p', [2, -0.5, 'x']],
  ['max_tokens', [0, -3, 1.5, 'ten', {}]],
  ['n', [0, 2, 1.5, 'one']],
  ['stream', ['yes', 1, {}, []]],
  ['stop', [5, [1], ['a', 'b', 'c', 'd', 'e'], {}]],
  ['tools', ['x', {}, [1], [{ type: 'function' }], [{ type: 'x', function: { name: 'a' } }]]],
  ['tool_choice', ['always', 5, { type: 'function' }, 'required']],
  [
    'response_format',
    ['json', 1, { type: 'yaml' }, { type: 'json_schema' }, { type: 'json_schema', json_schema: {} }],
  ],
  ['seed', [1.5, 'x']],
  ['presence_penalty', [3, 'x']],
  ['logprobs', [true]],
];

const BAD_HINTS: Array<[string, string[]]> = [
  ['x-switchyard-strategy', ['../x', 'a b', 'no-such-strategy', '{}', '', 'x'.repeat(65)]],
  ['x-switchyard-tags', ['a b', 'a,'.repeat(40), '{}', 'a;b', 'x'.repeat(65), 'ok,,ok']],
  ['x-switchyard-timeout-ms', ['-1', '0', 'NaN', '99999999999', '1.5', '1e3', 'soon']],
];

const BAD_MESSAGES: unknown[] = [
  [{ role: 'tool', tool_call_id: 'c1', content: 'orphan' }],
  [{ role: 'assistant', content: null }],
  [{ role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f' } }] }],
  [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'ftp://x' } }] }],
  [{ role: 'user', content: [{ type: 'input_audio' }] }],
  [{ role: 'user', content: [{ type: 'text', text: 5 }] }],
  [{ role: 'system', content: [{ type: 'image_url' }] }],
  [{ role: 'user', content: 'ok' }, 7],
];

function generator(seed: number): () => Case {
  const random = createSeededRandom(seed);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;
  const json = { 'content-type': 'application/json' };
  const post = (body: Buffer | string, headers: Record<string, string> = json): Case => ({
    method: 'POST',
    path: '/v1/chat/completions',
    headers,
    body,
  });
  const randomBytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  const valid = () => JSON.stringify(VALID);
  const makers: Array<() => Case> = [
    () => post(randomBytes(1 + int(200))),
    () => post(valid().slice(0, int(valid().length))),
    () => {
      const [field, values] = pick(BAD_FIELDS);
      return post(JSON.stringify({ ...VALID, [field]: pick(values) }));
    },
    () => post(JSON.stringify({ ...VALID, messages: pick(BAD_MESSAGES) })),
    () =>
      post(valid(), {
        'content-type': pick(['text/plain', 'application/xml', 'multipart/form-data', 'json', '']),
      }),
    () => post(valid(), {}),
    () => post(JSON.stringify({ ...VALID, pad: 'x'.repeat(LIMIT) })),
    () => {
      const [header, values] = pick(BAD_HINTS);
      return post(valid(), { ...json, [header]: pick(values) });
    },
    () => ({ method: pick(['GET', 'PUT', 'DELETE', 'PATCH']), path: '/v1/chat/completions', headers: {} }),
    () => ({
      method: pick(['GET', 'POST']),
      path: pick([
        '/',
        '/v1',
        '/v1/completions',
        '/../etc/passwd',
        '/v1/chat/completions/../../x',
        '/%00',
        '/v1/models/x',
      ]),
      headers: {},
    }),
    () => post(JSON.stringify(pick([null, 1, 'str', [], true, [VALID]]))),
    () => post(`${'['.repeat(5_000)}${']'.repeat(5_000)}`),
  ];
  return () => pick(makers)();
}

function sendCase(
  agent: Agent,
  port: number,
  c: Case,
): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: c.method, path: c.path, headers: c.headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            type: String(res.headers['content-type']),
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(c.body);
  });
}

describe('fuzz: malformed requests', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway([{ text: 'ok' }], { maxBodyBytes: LIMIT });
  });
  afterAll(() => gw.close());

  it(
    `answers ${COUNT} random malformed requests with a 4xx JSON error and keeps serving`,
    async () => {
      const next = generator(20261202);
      const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
      const deadline = Date.now() + DEADLINE_MS;
      const failures: string[] = [];
      const statuses = new Map<number, number>();
      let sent = 0;
      const worker = async () => {
        while (sent < COUNT && Date.now() < deadline) {
          sent++;
          const c = next();
          try {
            const answer = await sendCase(agent, gw.port, c);
            statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
            const body = JSON.parse(answer.body) as { error?: { message?: unknown; type?: unknown } };
            const ok =
              answer.status >= 400 &&
              answer.status < 500 &&
              answer.type.startsWith('application/json') &&
              typeof body.error?.message === 'string' &&
              typeof body.error.type === 'string';
            if (!ok) failures.push(`${c.method} ${c.path} → ${answer.status} ${answer.body.slice(0, 200)}`);
          } catch (error) {
            failures.push(`${c.method} ${c.path} → ${String(error)}`);
          }
        }
      };
      try {
        await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      } finally {
        agent.destroy();
      }
      expect(failures.slice(0, 5)).toEqual([]);
      expect(sent).toBe(COUNT);
      expect(gw.adapter.calls).toHaveLength(0);
      // Every kind of refusal showed up.
      for (const status of [400, 404, 405, 413, 415]) expect(statuses.get(status) ?? 0).toBeGreaterThan(0);
      const valid = await postChat(gw.port);
      expect(valid.status).toBe(200);
      expect(valid.json()).toMatchObject({ choices: [{ message: { content: 'ok' } }] });
    },
    DEADLINE_MS + 30_000,
  );
});
