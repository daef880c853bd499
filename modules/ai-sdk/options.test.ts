/** Call options both ways, and providerOptions.switchyard. */
import type { LanguageModelV3CallOptions } from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';
import { callFromV3, callToV3, switchyardOptions } from './options.js';

const prompt: LanguageModelV3CallOptions['prompt'] = [
  { role: 'user', content: [{ type: 'text', text: 'q' }] },
];

describe('callFromV3', () => {
  it('maps settings, tools, tool choice, response format, headers and provider options', () => {
    const signal = new AbortController().signal;
    const { request, warnings } = callFromV3('fast', {
      prompt,
      maxOutputTokens: 10,
      temperature: 0,
      stopSequences: [],
      responseFormat: { type: 'json', schema: { type: 'object' }, name: 'person', description: 'a person' },
      tools: [
        { type: 'function', name: 'f', description: 'does f', inputSchema: { type: 'object' }, strict: true },
        {
          type: 'function',
          name: 'g',
          inputSchema: { type: 'object' },
          inputExamples: [{ input: { a: 1 } }],
        },
        { type: 'provider', id: 'openai.web_search', name: 'web', args: {} },
      ],
      toolChoice: { type: 'tool', toolName: 'f' },
      headers: { 'x-a': '1', 'x-b': undefined },
      abortSignal: signal,
      includeRawChunks: true,
      providerOptions: { openai: { store: false }, switchyard: { timeoutMs: 100 } },
    });
    expect(request).toEqual({
      messages: [{ role: 'user', content: [{ type: 'text', text: 'q' }] }],
      model: 'fast',
      maxOutputTokens: 10,
      temperature: 0,
      responseFormat: { type: 'json', schema: { type: 'object' }, name: 'person', description: 'a person' },
      tools: [
        { type: 'function', name: 'f', description: 'does f', inputSchema: { type: 'object' } },
        { type: 'function', name: 'g', inputSchema: { type: 'object' } },
      ],
      toolChoice: { type: 'tool', toolName: 'f' },
      headers: { 'x-a': '1' },
      signal,
      providerOptions: { openai: { store: false } },
      timeoutMs: 100,
    });
    expect(warnings.map((w) => (w.type === 'other' ? w.message : w.feature))).toEqual([
      'tool strict mode',
      'tool input examples',
      "provider tool 'web' (openai.web_search)",
      'includeRawChunks',
    ]);
  });

  it('leaves out the model for any target, and the tool choice without tools', () => {
    const { request } = callFromV3(undefined, { prompt, toolChoice: { type: 'required' }, tools: [] });
    expect(request).toEqual({ messages: [{ role: 'user', content: [{ type: 'text', text: 'q' }] }] });
  });

  it('passes prompt warnings on as V3 warnings', () => {
    const { warnings } = callFromV3('m', {
      prompt: [
        { role: 'tool', content: [{ type: 'tool-approval-response', approvalId: 'a', approved: true }] },
      ],
    });
    expect(warnings).toEqual([
      { type: 'other', message: 'tool approval responses are not supported and were dropped' },
    ]);
  });
});

describe('switchyardOptions', () => {
  it('accepts the six settings', () => {
    const all = {
      strategy: 's',
      timeoutMs: 5,
      firstTokenTimeoutMs: 2,
      interTokenTimeoutMs: 1,
      tags: ['a'],
      metadata: { k: 1 },
    };
    expect(switchyardOptions(all)).toEqual(all);
  });

  it.each([
    [null, /providerOptions\.switchyard must be an object/],
    [[], /providerOptions\.switchyard must be an object/],
    [{ strategy: '' }, /switchyard\.strategy must be a non-empty string/],
    [{ timeoutMs: 0 }, /switchyard\.timeoutMs must be a positive finite number/],
    [{ timeoutMs: Number.POSITIVE_INFINITY }, /switchyard\.timeoutMs/],
    [{ firstTokenTimeoutMs: -5 }, /switchyard\.firstTokenTimeoutMs must be a positive finite number/],
    [{ interTokenTimeoutMs: '1' }, /switchyard\.interTokenTimeoutMs must be a positive finite number/],
    [{ tags: 'a' }, /switchyard\.tags must be an array of strings/],
    [{ tags: [1] }, /switchyard\.tags/],
    [{ metadata: [] }, /switchyard\.metadata must be an object/],
    [{ model: 'x' }, /switchyard\.model is not an option/],
  ])('rejects %j as invalid_request', (value, message) => {
    expect(() => switchyardOptions(value)).toThrow(message);
    try {
      switchyardOptions(value);
    } catch (e) {
      expect(e).toMatchObject({ kind: 'invalid_request', retryable: false });
    }
  });
});

describe('callToV3', () => {
  it('puts the adapter provider options under the provider key and copies settings', () => {
    const signal = new AbortController().signal;
    // Settings copied as they are.
    const settings = {
      topK: 3,
      seed: 1,
      presencePenalty: 0.5,
      frequencyPenalty: 0.25,
      topP: 0.5,
      tools: [{ type: 'function' as const, name: 'f', description: 'd', inputSchema: { type: 'object' } }],
    };
    const options = callToV3(
      {
        model: 'm',
        messages: [{ role: 'user', content: 'hi' }],
        ...settings,
        providerOptions: { reasoningEffort: 'high' },
      },
      signal,
      'openai',
    );
    expect(options).toEqual({
      prompt: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      abortSignal: signal,
      ...settings,
      providerOptions: { openai: { reasoningEffort: 'high' } },
    });
    expect(
      callToV3({ model: 'm', messages: [], providerOptions: {} }, signal, 'x').providerOptions,
    ).toBeUndefined();
  });
});
