import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { json, ScriptedServer } from '../adapter-kit/index.js';
import { type BuiltRouter, buildRouter, parseConfig, type SwitchyardConfig } from './index.js';
import { configError } from './test-helpers.js';

const KEY = 'sk-test-secret-value-0123456789';

const target = (extra: Record<string, unknown> = {}) => ({
  id: 't1',
  provider: 'openai',
  model: 'gpt-x',
  apiKey: KEY,
  ...extra,
});

describe('parseConfig: the schema', () => {
  it('accepts a minimal config and keeps what it says', () => {
    const config = parseConfig({ targets: [target({ aliases: ['chat'] })] }, {});
    expect(config.targets[0]).toEqual(target({ aliases: ['chat'] }));
  });

  it('names the JSON path of each problem: wrong types, unknown keys (typos), bad enums', () => {
    const message = configError(() =>
      parseConfig(
        {
          targets: [target(), target({ id: 't2' }), target({ id: 't3', apiKey: 42, wieght: 2 })],
          retry: { maxAttempts: 'three' },
          gateway: { prot: 8080 },
          budgets: [{ limitUsd: 5, period: 'week' }],
        },
        {},
      ),
    );
    expect(message).toMatch(/^config: 5 problems: /);
    expect(message).toContain('targets[2].apiKey: expected string, received number');
    expect(message).toContain('targets[2].wieght: unknown key');
    expect(message).toContain('retry.maxAttempts: expected number, received string');
    expect(message).toContain('gateway.prot: unknown key');
    expect(message).toMatch(/budgets\[0\]\.period: .*"day"\|"month"\|"total"/);
  });

  it('checks providers, strategies and their options, duplicate ids and route targets', () => {
    expect(configError(() => parseConfig({ targets: [target({ provider: 'opneai' })] }, {}))).toMatch(
      /^config: targets\[0\]\.provider: unknown provider 'opneai' \(one of: anthropic, cohere, .*groq.*\)$/,
    );
    expect(
      configError(() =>
        parseConfig({ targets: [target()], strategy: { name: 'response-time', options: { decay: 1 } } }, {}),
      ),
    ).toBe('config: strategy.options.decay: unknown key');
    expect(configError(() => parseConfig({ targets: [target()], strategy: 'fastest' }, {}))).toMatch(
      /^config: strategy: unknown strategy 'fastest' \(one of: .*round-robin/,
    );
    expect(configError(() => parseConfig({ targets: [target(), target()] }, {}))).toBe(
      "config: targets[1].id: duplicate id 't1'",
    );
    expect(
      configError(() => parseConfig({ targets: [target()], routes: [{ when: {}, targets: ['nope'] }] }, {})),
    ).toBe("config: routes[0].targets[0]: no target has id 'nope'");
    expect(
      configError(() => parseConfig({ targets: [target({ provider: 'cohere', project: 'p' })] }, {})),
    ).toBe('config: targets[0].project: only for OpenAI-compatible providers');
    expect(configError(() => parseConfig({ targets: [] }, {}))).toBe('config: targets: at least one target');
  });

  it('never quotes a value: a too-short master key or a malformed file does not appear in the error', () => {
    const short = 'sk-short-secret';
    const message = configError(() =>
      parseConfig({ targets: [target()], gateway: { masterKey: short } }, {}),
    );
    expect(message).toBe('config: gateway.masterKey: must be at least 16 characters');
    const text = `{\n  "targets": [{ "apiKey": ${KEY} }]\n}`;
    const broken = configError(() => parseConfig(text, {}));
    expect(broken).toMatch(/^config: not valid JSON/);
    expect(broken).not.toContain('sk-');
  });

  it('gives the line and column of a JSON syntax error when the parser reports a position', () => {
    expect(configError(() => parseConfig('{\n  "targets": [],\n}', {}))).toBe(
      'config: not valid JSON: Expected double-quoted property name (line 3, column 1)',
    );
    // The parser quotes the text around an unexpected token: only the token is kept.
    expect(configError(() => parseConfig(`{"targets": [1,], "apiKey": "${KEY}"}`, {}))).toBe(
      "config: not valid JSON: Unexpected token ']'",
    );
  });
});

describe('parseConfig: ${VAR} from the environment', () => {
  it('replaces whole and partial strings, and $${ is a literal ${', () => {
    const config = parseConfig(
      {
        targets: [
          target({
            apiKey: '${OPENAI_KEY}',
            headers: { 'x-team': 'team-${TEAM}', 'x-raw': '$${NOT_A_VAR}' },
          }),
        ],
      },
      { OPENAI_KEY: KEY, TEAM: 'search' },
    );
    expect(config.targets[0]!.apiKey).toBe(KEY);
    expect(config.targets[0]!.headers).toEqual({ 'x-team': 'team-search', 'x-raw': '${NOT_A_VAR}' });
  });

  it('a missing variable is an error naming the path and the variable, never another value', () => {
    const message = configError(() =>
      parseConfig({ targets: [target(), target({ id: 't2', apiKey: '${MISSING_KEY}' })] }, { OTHER: KEY }),
    );
    expect(message).toBe('config: targets[1].apiKey: the environment variable MISSING_KEY is not set');
    expect(configError(() => parseConfig({ targets: [target({ apiKey: '${not valid}' })] }, {}))).toMatch(
      /^config: targets\[0\]\.apiKey: "\$\{…\}" must name an environment variable/,
    );
  });

  it('substitutes before validating: a variable that makes a bad value is reported at its path', () => {
    expect(
      configError(() =>
        parseConfig({ targets: [target()], gateway: { masterKey: '${MK}' } }, { MK: 'short' }),
      ),
    ).toBe('config: gateway.masterKey: must be at least 16 characters');
  });
});

describe('buildRouter', () => {
  let upstream: ScriptedServer | undefined;
  let built: BuiltRouter | undefined;
  afterEach(async () => {
    await built?.close();
    built = undefined;
    await upstream?.close();
    upstream = undefined;
  });

  const completion = (text: string) =>
    json(200, {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1,
      model: 'gpt-x',
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
    });

  it('builds a router whose calls reach the configured OpenAI-compatible server, with its key', async () => {
    upstream = await ScriptedServer.start();
    upstream.setDefault(completion('hello from upstream'));
    const config = parseConfig(
      {
        targets: [
          target({
            baseURL: `${upstream.url}/v1`,
            aliases: ['chat'],
            price: { inputPerMTok: 1, outputPerMTok: 2 },
          }),
          { id: 'claude', provider: 'anthropic', model: 'claude-x', apiKey: KEY, aliases: ['smart'] },
          { id: 'cohere', provider: 'cohere', model: 'command-x', apiKey: KEY },
          { id: 'local', provider: 'ollama', model: 'llama', baseURL: 'http://127.0.0.1:9/v1' },
        ],
        strategy: { name: 'least-connections', options: { choices: 2 } },
        retry: { maxAttempts: 1 },
        breaker: false,
        metrics: true,
      },
      {},
    );
    built = buildRouter(config);
    expect(built.router.targets.map((t) => [t.id, t.provider])).toEqual([
      ['t1', 'openai'],
      ['claude', 'anthropic'],
      ['cohere', 'cohere'],
      ['local', 'ollama'],
    ]);
    const answer = await built.router.complete({
      model: 'chat',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(answer.text).toBe('hello from upstream');
    expect(answer.costUsd).toBeCloseTo((3 * 1 + 2 * 2) / 1e6, 12);
    expect(upstream.last.url).toBe('/v1/chat/completions');
    expect(upstream.last.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(upstream.last.body).toMatchObject({ model: 'gpt-x' });
    expect(await built.metrics!.metrics()).toMatch(
      /switchyard_requests_total\{[^}]*outcome="success"[^}]*\} 1/,
    );
    expect(built.gatewayOptions.metrics).toBe(built.metrics);
  });

  it('maps the gateway section, the master key to an auth hook, and the monitor section', async () => {
    const config: SwitchyardConfig = parseConfig(
      {
        targets: [target()],
        metrics: false,
        gateway: {
          host: '0.0.0.0',
          port: 9000,
          masterKey: 'mk-0123456789abcdef',
          shutdownGraceMs: 500,
          tls: { certFile: '/etc/tls/cert.pem', keyFile: '/etc/tls/key.pem', minVersion: 'TLSv1.3' },
        },
        monitor: { port: 0, token: 'monitor-token-0123456789' },
      },
      {},
    );
    built = buildRouter(config);
    const { authenticate, ...rest } = built.gatewayOptions;
    expect(rest).toEqual({
      host: '0.0.0.0',
      port: 9000,
      shutdownGraceMs: 500,
      tls: { certFile: '/etc/tls/cert.pem', keyFile: '/etc/tls/key.pem', minVersion: 'TLSv1.3' },
    });
    const ask = (key: string) =>
      authenticate!({ method: 'GET', path: '/v1/models', headers: { authorization: `Bearer ${key}` } });
    expect(await ask('mk-0123456789abcdef')).toBeDefined();
    expect(await ask('mk-0123456789abcdeX')).toBeUndefined();
    expect(built.metrics).toBeUndefined();
    expect(built.monitor).toEqual({ port: 0, token: 'monitor-token-0123456789' });
  });

  it('reports what the adapters and the router refuse, naming the target or field', () => {
    const noKey = parseConfig({ targets: [target({ apiKey: undefined, provider: 'groq' })] }, {});
    const saved = process.env.GROQ_API_KEY;
    delete process.env.GROQ_API_KEY;
    try {
      expect(configError(() => buildRouter(noKey))).toBe(
        'config: targets[0] (t1): Groq needs an API key: set GROQ_API_KEY or pass { apiKey } to the adapter',
      );
    } finally {
      if (saved !== undefined) process.env.GROQ_API_KEY = saved;
    }
    const unpriced = parseConfig({ targets: [target()], budgets: [{ limitUsd: 1, period: 'day' }] }, {});
    expect(configError(() => buildRouter(unpriced))).toMatch(/^config: .*price/);
    const badOption = parseConfig(
      { targets: [target()], strategy: { name: 'least-connections', options: { choices: 0 } } },
      {},
    );
    expect(configError(() => buildRouter(badOption))).toMatch(/^config: .*choices/);
  });

  it('examples/switchyard.config.json is valid and builds', async () => {
    const text = readFileSync(
      join(import.meta.dirname, '..', '..', 'examples', 'switchyard.config.json'),
      'utf8',
    );
    const env = {
      OPENAI_API_KEY: KEY,
      ANTHROPIC_API_KEY: KEY,
      GROQ_API_KEY: KEY,
      GATEWAY_MASTER_KEY: 'x'.repeat(32),
    };
    const config = parseConfig(text, env);
    built = buildRouter(config);
    expect(built.router.targets.map((t) => t.id)).toEqual([
      'openai-mini',
      'claude-haiku',
      'groq-llama',
      'local-vllm',
    ]);
    expect(built.gatewayOptions).toMatchObject({ host: '0.0.0.0', port: 8080 });
    expect(built.router.budgets().map((b) => b.id)).toEqual(['daily', 'team-search']);
    expect(configError(() => parseConfig(text, { ...env, GROQ_API_KEY: undefined }))).toBe(
      'config: targets[2].apiKey: the environment variable GROQ_API_KEY is not set',
    );
  });
});

describe('hedge and affinity', () => {
  it('are validated by the schema, naming the path', () => {
    const config = parseConfig(
      {
        targets: [target(), target({ id: 't2' })],
        hedge: { delayMs: 'p95', maxHedges: 1 },
        affinity: { by: 'session', loadFactor: 1.5 },
        routes: [{ when: { model: ['fast'] }, hedge: false }],
      },
      {},
    );
    expect(config.hedge).toEqual({ delayMs: 'p95', maxHedges: 1 });
    expect(config.affinity).toEqual({ by: 'session', loadFactor: 1.5 });
    expect(configError(() => parseConfig({ targets: [target()], hedge: { delayMs: 'p99' } }, {}))).toBe(
      "config: hedge.delayMs: expected 'p95' or a whole number of ms above 0",
    );
    expect(configError(() => parseConfig({ targets: [target()], hedge: { delay: 10 } }, {}))).toMatch(
      /hedge\.delayMs: .*hedge\.delay: unknown key/,
    );
    expect(configError(() => parseConfig({ targets: [target()], affinity: { by: 'user' } }, {}))).toMatch(
      /^config: affinity\.by: /,
    );
  });

  it('reach the router: it builds with them, and refuses a hedge that cannot work', async () => {
    const built = buildRouter(
      parseConfig(
        { targets: [target(), target({ id: 't2' })], hedge: { delayMs: 500 }, affinity: { by: 'session' } },
        {},
      ),
    );
    await built.close();
    const oneTarget = parseConfig({ targets: [target()], hedge: { delayMs: 500 } }, {});
    expect(configError(() => buildRouter(oneTarget))).toMatch(/^config: .*hedge/);
  });
});
