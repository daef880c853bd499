/**
 * A provider that echoes the API key back in an error body must not leak it: not in the error
 * message, not in the cause chain (message or stack), not in `toJSON()`, not in router events.
 */
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnthropicAdapter } from '../../adapters/anthropic/index.js';
import { CohereAdapter } from '../../adapters/cohere/index.js';
import { OpenAIAdapter } from '../../adapters/openai/index.js';
import { type Adapter, Router } from '../../index.js';
import { recordEvents, rejectionOf } from '../helpers/calls.js';
import { json, ScriptedServer } from './scripted-server.js';

const KEY = 'sk-live-SECRET-0123456789abcdef';

describe('secrets never leak through errors or events', () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await ScriptedServer.start();
  });
  afterAll(() => server.close());

  const cases: Array<[string, () => Adapter, unknown]> = [
    [
      'openai',
      () => new OpenAIAdapter({ apiKey: KEY, baseURL: `${server.url}/v1` }),
      {
        error: {
          message: `Incorrect API key provided: ${KEY}`,
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        },
      },
    ],
    [
      'anthropic',
      () => new AnthropicAdapter({ apiKey: KEY, baseURL: server.url }),
      { type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key ${KEY}` } },
    ],
    [
      'cohere',
      () => new CohereAdapter({ apiKey: KEY, baseURL: server.url }),
      { message: `invalid api token ${KEY}` },
    ],
  ];

  it.each(cases)('%s: a 401 that echoes the key', async (_name, make, body) => {
    server.reset();
    server.setDefault(json(401, body));
    const router = new Router({
      targets: [{ id: 't', adapter: make(), model: 'm', maxOutputTokens: 16 }],
      retry: { maxAttempts: 1 },
    });
    const events = recordEvents(router);
    const error = await rejectionOf(router.complete({ messages: [{ role: 'user', content: 'hi' }] }));
    expect(error.kind).toBe('auth');
    const everything = [
      error.message,
      String(error.stack),
      JSON.stringify(error.toJSON()),
      inspect(error, { depth: 8 }),
      inspect(events, { depth: 8 }),
    ].join('\n');
    expect(everything).not.toContain(KEY);
    expect(everything).not.toContain('0123456789abcdef');
    expect(server.last.headers.authorization ?? server.last.headers['x-api-key']).toContain(KEY); // it was really sent
  });
});
