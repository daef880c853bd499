import { describe, expect, it } from 'vitest';
import type { CompletionRequest } from '../../src/index.js';
import { canonicalJson, requestKey } from './index.js';

const base: CompletionRequest = {
  model: 'fast',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'hi' },
  ],
  temperature: 0,
};

describe('requestKey', () => {
  it('is a sha256 in hex, the same for the same request', () => {
    expect(requestKey(base)).toMatch(/^[0-9a-f]{64}$/);
    expect(requestKey(base)).toBe(requestKey(structuredClone(base)));
  });

  it('does not depend on key order or on members set to undefined', () => {
    const a: CompletionRequest = {
      ...base,
      providerOptions: { openai: { a: 1, b: { c: 2, d: 3 } } },
      tools: [{ type: 'function', name: 't', inputSchema: { type: 'object', properties: { x: {} } } }],
    };
    const b = {
      tools: [
        { inputSchema: { properties: { x: {} }, type: 'object' }, name: 't', type: 'function' as const },
      ],
      providerOptions: { openai: { b: { d: 3, c: 2 }, a: 1 } },
      topP: undefined,
      temperature: 0,
      messages: base.messages,
      model: 'fast',
    };
    expect(requestKey(b)).toBe(requestKey(a));
  });

  it('leaves out what changes routing or observation, not the question', () => {
    const key = requestKey(base);
    expect(
      requestKey({
        ...base,
        signal: new AbortController().signal,
        timeoutMs: 5,
        tags: ['x'],
        metadata: { tenant: 'acme' },
        headers: { 'x-trace': '1' },
        strategy: 'cost',
      }),
    ).toBe(key);
  });

  it.each<[string, Partial<CompletionRequest>]>([
    ['model', { model: 'smart' }],
    ['no model', { model: undefined }],
    ['messages', { messages: [{ role: 'user', content: 'hello' }] }],
    ['temperature', { temperature: 0.5 }],
    ['maxOutputTokens', { maxOutputTokens: 10 }],
    ['topP', { topP: 0.5 }],
    ['topK', { topK: 5 }],
    ['presencePenalty', { presencePenalty: 1 }],
    ['frequencyPenalty', { frequencyPenalty: 1 }],
    ['stopSequences', { stopSequences: ['x'] }],
    ['seed', { seed: 1 }],
    ['responseFormat', { responseFormat: { type: 'json' } }],
    ['tools', { tools: [{ type: 'function', name: 't', inputSchema: {} }] }],
    ['toolChoice', { toolChoice: { type: 'none' } }],
    ['providerOptions', { providerOptions: { openai: { store: true } } }],
  ])('changes with %s', (_name, change) => {
    expect(requestKey({ ...base, ...change })).not.toBe(requestKey(base));
  });

  it('normalises a string content to one text part, and a text response format to none', () => {
    const parts: CompletionRequest = {
      ...base,
      messages: [base.messages[0]!, { role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    };
    expect(requestKey(parts)).toBe(requestKey(base));
    expect(requestKey({ ...base, responseFormat: { type: 'text' } })).toBe(requestKey(base));
  });

  it('tells bytes, URLs and strings apart, and keys image bytes by content', () => {
    const image = (data: string | Uint8Array | URL): CompletionRequest => ({
      ...base,
      messages: [{ role: 'user', content: [{ type: 'file', mediaType: 'image/png', data }] }],
    });
    const keys = [
      requestKey(image('https://x.test/a.png')),
      requestKey(image(new URL('https://x.test/a.png'))),
      requestKey(image(new Uint8Array([1, 2, 3]))),
    ];
    expect(new Set(keys).size).toBe(3);
    expect(requestKey(image(new Uint8Array([1, 2, 3])))).toBe(keys[2]);
    expect(requestKey(image(new Uint8Array([1, 2, 4])))).not.toBe(keys[2]);
  });

  it('throws for values JSON cannot describe', () => {
    expect(() => requestKey({ ...base, providerOptions: { x: { f: () => 1 } } })).toThrow(TypeError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/cyclic/);
  });
});

describe('canonicalJson', () => {
  it('sorts keys, drops undefined members and tags special values', () => {
    expect(canonicalJson({ b: 1, a: [undefined, null, 'x'], c: undefined })).toBe(
      '{"a":[null,null,"x"],"b":1}',
    );
    expect(canonicalJson({ n: Number.NaN, i: 10n })).toBe('{"i":{"$bigint":"10"},"n":{"$number":"NaN"}}');
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson({ shared: [1], again: [1] })).toBe('{"again":[1],"shared":[1]}');
  });
});
