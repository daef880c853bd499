/** Usage, finish reasons, warnings and content both ways. */
import { describe, expect, it } from 'vitest';
import { makeUsage, type Warning } from '../../index.js';
import {
  contentFromV3,
  finishFromV3,
  finishToV3,
  usageFromV3,
  usageToV3,
  warningsFromV3,
  warningsToV3,
} from './results.js';

describe('usage', () => {
  it('splits cached, written and reasoning tokens into the V3 object and back', () => {
    const usage = makeUsage(100, 40, {
      cachedInputTokens: 60,
      cacheWriteInputTokens: 10,
      reasoningTokens: 15,
    });
    const v3 = usageToV3(usage);
    expect(v3).toEqual({
      inputTokens: { total: 100, noCache: 30, cacheRead: 60, cacheWrite: 10 },
      outputTokens: { total: 40, text: 25, reasoning: 15 },
    });
    expect(usageFromV3(v3)).toEqual(usage);
  });

  it('keeps unknown usage unknown both ways', () => {
    const v3 = usageToV3({ inputTokens: 0, outputTokens: 0, totalTokens: 0, unknown: true });
    expect(v3.inputTokens.total).toBeUndefined();
    expect(v3.outputTokens.total).toBeUndefined();
    expect(usageFromV3(v3)).toMatchObject({ inputTokens: 0, outputTokens: 0, unknown: true });
    expect(usageFromV3(undefined).unknown).toBe(true);
  });

  it('adds up the input parts when the total is missing', () => {
    const usage = usageFromV3({
      inputTokens: { total: undefined, noCache: 5, cacheRead: 3, cacheWrite: undefined },
      outputTokens: { total: 2, text: 2, reasoning: undefined },
    });
    expect(usage).toEqual({ inputTokens: 8, outputTokens: 2, totalTokens: 10, cachedInputTokens: 3 });
  });
});

describe('finish reasons', () => {
  it('maps both ways, keeping the raw value', () => {
    expect(finishToV3('length', 'max_tokens')).toEqual({ unified: 'length', raw: 'max_tokens' });
    expect(finishFromV3({ unified: 'tool-calls', raw: 'tool_use' })).toEqual({
      finishReason: 'tool-calls',
      rawFinishReason: 'tool_use',
    });
    expect(finishFromV3({ unified: 'stop', raw: undefined })).toEqual({ finishReason: 'stop' });
    expect(finishFromV3('unknown' as never)).toEqual({ finishReason: 'other', rawFinishReason: 'unknown' });
  });
});

describe('warnings', () => {
  it('maps both ways', () => {
    const ours: Warning[] = [
      { type: 'unsupported-setting', setting: 'topK', message: 'dropped' },
      { type: 'other', message: 'note' },
    ];
    expect(warningsToV3(ours)).toEqual([
      { type: 'unsupported', feature: 'topK', details: 'dropped' },
      { type: 'other', message: 'note' },
    ]);
    expect(warningsFromV3(warningsToV3(ours))).toEqual(ours);
    expect(warningsFromV3([{ type: 'compatibility', feature: 'json', details: 'via tool' }])).toEqual([
      { type: 'other', message: 'json is emulated: via tool' },
    ]);
  });
});

describe('contentFromV3', () => {
  it('keeps text, reasoning and client tool calls; drops the rest with one warning per kind', () => {
    const warnings: Warning[] = [];
    const content = contentFromV3(
      [
        { type: 'text', text: 'a' },
        { type: 'file', mediaType: 'image/png', data: 'AA==' },
        { type: 'file', mediaType: 'image/png', data: 'AA==' },
        { type: 'tool-call', toolCallId: 'p', toolName: 'web', input: '{}', providerExecuted: true },
        { type: 'tool-result', toolCallId: 'p', toolName: 'web', result: { ok: true } },
        { type: 'tool-call', toolCallId: 'c', toolName: 'f', input: '{}' },
      ],
      warnings,
    );
    expect(content).toEqual([
      { type: 'text', text: 'a' },
      { type: 'tool-call', toolCallId: 'c', toolName: 'f', input: '{}' },
    ]);
    expect(warnings.map((w) => w.message)).toEqual([
      'file parts of the model were dropped',
      'provider-executed tool calls of the model were dropped',
      'tool-result parts of the model were dropped',
    ]);
  });
});
