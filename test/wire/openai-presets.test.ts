import { afterEach, describe, expect, it } from 'vitest';
import {
  createAdapter,
  getPreset,
  OpenAIAdapter,
  type OpenAIPreset,
  presetNames,
  presets,
  registerPreset,
  unregisterPreset,
} from '../../adapters/openai/index.js';
import type { AdapterRequest } from '../../src/index.js';
import {
  callOptions,
  collect,
  completionResponse,
  ScriptedServer,
  streamChunks,
  textChunks,
} from './openai-server.js';

const KEY = 'sk-presets-abcdefghijklmnop';
const server = ScriptedServer.forTests();

const SCHEMA = { type: 'object', properties: { a: { type: 'string' } } };

const RICH: AdapterRequest = {
  model: 'some-model',
  messages: [{ role: 'user', content: 'hi' }],
  maxOutputTokens: 50,
  seed: 1,
  presencePenalty: 0.5,
  frequencyPenalty: 0.5,
  topK: 40,
  responseFormat: { type: 'json', schema: SCHEMA },
};

const TOOLS: AdapterRequest['tools'] = [{ type: 'function', name: 't', inputSchema: { type: 'object' } }];

/** The request path the SDK builds from a base URL. */
function pathOf(baseURL: string): string {
  return `${new URL(baseURL).pathname.replace(/\/$/, '')}/chat/completions`;
}

describe('every preset against the wire', () => {
  const names = Object.keys(presets).filter((n) => n !== 'azure') as Array<
    Exclude<keyof typeof presets, 'azure'>
  >;

  it.each(names)('%s: URL path, auth header and quirk-dependent fields', async (name) => {
    const preset: OpenAIPreset = presets[name];
    const q = preset.quirks ?? {};
    const baseURL = `${server.url}${new URL(preset.baseURL).pathname}`;
    const adapter = createAdapter(name, { apiKey: KEY, baseURL });
    expect(adapter.provider).toBe(name);

    server.enqueue(streamChunks(textChunks(['ok'])));
    const parts = await collect(
      adapter.stream({ ...RICH, ...((q.supportsTools ?? true) ? { tools: TOOLS } : {}) }, callOptions()),
    );
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });

    const req = server.last;
    expect(req.url).toBe(pathOf(preset.baseURL));
    expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
    const body = req.body as Record<string, unknown>;
    const maxField = q.maxTokensField ?? 'max_tokens';
    expect(body[maxField]).toBe(50);
    expect(body[maxField === 'max_tokens' ? 'max_completion_tokens' : 'max_tokens']).toBeUndefined();
    expect(body.stream).toBe(true);
    expect(body.stream_options).toEqual((q.streamOptions ?? true) ? { include_usage: true } : undefined);
    const seedField = q.seedField ?? 'seed';
    expect(body[seedField]).toBe((q.supportsSeed ?? true) ? 1 : undefined);
    expect(body.presence_penalty).toBe((q.supportsPenalties ?? true) ? 0.5 : undefined);
    expect(body.top_k).toBe(q.supportsTopK ? 40 : undefined);
    const format = (body.response_format as { type?: string } | undefined)?.type;
    expect(format).toBe(
      (q.supportsJsonSchema ?? true)
        ? 'json_schema'
        : (q.supportsJsonObject ?? true)
          ? 'json_object'
          : undefined,
    );
    expect(body.tools === undefined).toBe(!(q.supportsTools ?? true));

    const warnings = parts.find((p) => p.type === 'warnings');
    const expectedWarnings =
      Number(!q.supportsTopK) +
      Number(!(q.supportsSeed ?? true)) +
      2 * Number(!(q.supportsPenalties ?? true)) +
      Number(!(q.supportsJsonSchema ?? true));
    expect(warnings?.type === 'warnings' ? warnings.warnings.length : 0).toBe(expectedWarnings);
  });

  it.each(names.filter((n) => !((presets[n] as OpenAIPreset).quirks?.supportsTools ?? true)))(
    '%s: rejects tools before the call',
    async (name) => {
      const adapter = createAdapter(name, { apiKey: KEY, baseURL: server.url });
      await expect(adapter.complete({ ...RICH, tools: TOOLS }, callOptions())).rejects.toMatchObject({
        kind: 'invalid_request',
        target: 't1',
      });
      expect(server.requests).toHaveLength(0);
    },
  );

  it.each(names.filter((n) => !((presets[n] as OpenAIPreset).quirks?.supportsImages ?? true)))(
    '%s: rejects images before the call',
    async (name) => {
      const adapter = createAdapter(name, { apiKey: KEY, baseURL: server.url });
      const request: AdapterRequest = {
        model: 'm',
        messages: [{ role: 'user', content: [{ type: 'file', mediaType: 'image/png', data: 'AAAA' }] }],
      };
      await expect(adapter.complete(request, callOptions())).rejects.toMatchObject({
        kind: 'invalid_request',
      });
      expect(server.requests).toHaveLength(0);
    },
  );

  it.each(['ollama', 'vllm', 'lmstudio', 'llamacpp'] as const)(
    '%s: needs no key and sends no Authorization',
    async (name) => {
      const envName = presets[name].apiKeyEnv;
      const saved = process.env[envName];
      delete process.env[envName];
      try {
        server.enqueue(completionResponse());
        const adapter = createAdapter(name, { baseURL: `${server.url}/v1` });
        await adapter.complete(
          { model: 'llama3', messages: [{ role: 'user', content: 'x' }] },
          callOptions(),
        );
        expect(server.last.headers.authorization).toBeUndefined();
        expect(server.last.headers['api-key']).toBeUndefined();
      } finally {
        if (saved !== undefined) process.env[envName] = saved;
      }
    },
  );
});

describe('Azure OpenAI', () => {
  it('uses the deployment URL shape, api-version and the api-key header', async () => {
    server.enqueue(completionResponse());
    const adapter = new OpenAIAdapter({
      apiKey: KEY,
      azure: { endpoint: `${server.url}/`, apiVersion: '2024-10-21' },
    });
    expect(adapter.provider).toBe('azure');
    const res = await adapter.complete(
      { model: 'my-gpt4o', messages: [{ role: 'user', content: 'x' }], maxOutputTokens: 9 },
      callOptions(),
    );
    expect(res.content).toEqual([{ type: 'text', text: 'Hello!' }]);
    expect(server.last.url).toBe('/openai/deployments/my-gpt4o/chat/completions?api-version=2024-10-21');
    expect(server.last.headers['api-key']).toBe(KEY);
    expect(server.last.headers.authorization).toBeUndefined();
    expect(server.last.body).toMatchObject({ model: 'my-gpt4o', max_completion_tokens: 9 });
  });

  it('streams through a fixed deployment', async () => {
    server.enqueue(streamChunks(textChunks(['a', 'b'])));
    const adapter = new OpenAIAdapter({
      apiKey: KEY,
      azure: { endpoint: server.url, apiVersion: '2025-01-01', deployment: 'dep1' },
    });
    const parts = await collect(
      adapter.stream({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }, callOptions()),
    );
    expect(parts.filter((p) => p.type === 'text-delta')).toHaveLength(2);
    expect(server.last.url).toBe('/openai/deployments/dep1/chat/completions?api-version=2025-01-01');
    expect(server.last.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('reads the key, endpoint and api version from the environment with the azure preset', async () => {
    const saved = { ...process.env };
    try {
      process.env.AZURE_OPENAI_API_KEY = 'azure-env-key-123456';
      process.env.AZURE_OPENAI_ENDPOINT = server.url;
      delete process.env.OPENAI_API_VERSION;
      server.enqueue(completionResponse());
      await createAdapter('azure').complete(
        { model: 'dep', messages: [{ role: 'user', content: 'x' }] },
        callOptions(),
      );
      expect(server.last.url).toBe('/openai/deployments/dep/chat/completions?api-version=2024-10-21');
      expect(server.last.headers['api-key']).toBe('azure-env-key-123456');
    } finally {
      process.env = saved;
    }
  });

  it('uses an Entra ID token provider instead of a key', async () => {
    const saved = process.env.AZURE_OPENAI_API_KEY;
    delete process.env.AZURE_OPENAI_API_KEY;
    try {
      server.enqueue(completionResponse());
      const adapter = new OpenAIAdapter({
        azure: { endpoint: server.url, apiVersion: '2024-10-21', adTokenProvider: async () => 'entra-token' },
      });
      await adapter.complete({ model: 'dep', messages: [{ role: 'user', content: 'x' }] }, callOptions());
      expect(server.last.headers.authorization).toBe('Bearer entra-token');
      expect(server.last.headers['api-key']).toBeUndefined();
    } finally {
      if (saved !== undefined) process.env.AZURE_OPENAI_API_KEY = saved;
    }
  });

  it('accepts a baseURL instead of an endpoint', async () => {
    server.enqueue(completionResponse());
    const adapter = new OpenAIAdapter({
      preset: 'azure',
      apiKey: KEY,
      baseURL: `${server.url}/openai`,
      azure: { apiVersion: 'v' },
    });
    await adapter.complete({ model: 'dep', messages: [{ role: 'user', content: 'x' }] }, callOptions());
    expect(server.last.url).toBe('/openai/deployments/dep/chat/completions?api-version=v');
  });

  it('throws a config error naming the endpoint env var when it is missing', () => {
    const saved = process.env.AZURE_OPENAI_ENDPOINT;
    delete process.env.AZURE_OPENAI_ENDPOINT;
    try {
      expect(() => new OpenAIAdapter({ preset: 'azure', apiKey: KEY })).toThrow(/AZURE_OPENAI_ENDPOINT/);
      expect(() => new OpenAIAdapter({ preset: 'azure', apiKey: KEY })).toThrow(
        expect.objectContaining({ kind: 'config' }),
      );
    } finally {
      if (saved !== undefined) process.env.AZURE_OPENAI_ENDPOINT = saved;
    }
  });
});

describe('preset registry', () => {
  afterEach(() => {
    unregisterPreset('corp');
  });

  it('registers, finds, lists and removes presets', async () => {
    expect(presetNames()).toContain('deepseek');
    expect(getPreset('corp')).toBeUndefined();
    registerPreset('corp', {
      label: 'Corp gateway',
      baseURL: `${server.url}/gw/v1`,
      apiKeyEnv: 'CORP_KEY',
      headers: { 'x-team': 'search' },
      quirks: { streamOptions: false, maxTokensField: 'max_completion_tokens' },
    });
    expect(presetNames()).toContain('corp');
    const saved = process.env.CORP_KEY;
    process.env.CORP_KEY = 'corp-key-from-env-1234';
    try {
      server.enqueue(streamChunks(textChunks(['x'])));
      const adapter = createAdapter('corp');
      expect(adapter.provider).toBe('corp');
      await collect(
        adapter.stream(
          { model: 'm', messages: [{ role: 'user', content: 'x' }], maxOutputTokens: 3 },
          callOptions(),
        ),
      );
      expect(server.last.url).toBe('/gw/v1/chat/completions');
      expect(server.last.headers.authorization).toBe('Bearer corp-key-from-env-1234');
      expect(server.last.headers['x-team']).toBe('search');
      expect(server.last.body).toEqual({
        model: 'm',
        messages: [{ role: 'user', content: 'x' }],
        max_completion_tokens: 3,
        stream: true,
      });
    } finally {
      if (saved === undefined) delete process.env.CORP_KEY;
      else process.env.CORP_KEY = saved;
    }
    expect(unregisterPreset('corp')).toBe(true);
    expect(getPreset('corp')).toBeUndefined();
  });

  it('refuses taken names unless replace is set, bad names and bad presets', () => {
    const preset = { label: 'X', baseURL: 'http://x' };
    expect(() => registerPreset('openai', preset)).toThrow(expect.objectContaining({ kind: 'config' }));
    registerPreset('corp', preset);
    expect(() => registerPreset('corp', preset)).toThrow(/already exists/);
    registerPreset('corp', { ...preset, label: 'Y' }, { replace: true });
    expect(getPreset('corp')?.label).toBe('Y');
    expect(() => registerPreset('bad name!', preset)).toThrow(expect.objectContaining({ kind: 'config' }));
    expect(() => registerPreset('ok', { label: 'no url' } as OpenAIPreset)).toThrow(/baseURL/);
    expect(getPreset('toString')).toBeUndefined();
  });

  it('builds an adapter from a preset object with a provider name', async () => {
    server.enqueue(completionResponse());
    const adapter = createAdapter(
      { label: 'Inline', baseURL: `${server.url}/inline` },
      { apiKey: KEY, provider: 'inline' },
    );
    expect(adapter.provider).toBe('inline');
    await adapter.complete({ model: 'm', messages: [{ role: 'user', content: 'x' }] }, callOptions());
    expect(server.last.url).toBe('/inline/chat/completions');
  });
});
