/** Router events → V3 stream parts (framing), and the V3 stream read as adapter parts. */
import type { LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { convertArrayToReadableStream } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { type CompletionResponse, makeUsage, type StreamEvent } from '../../index.js';
import { partsFromV3, V3PartWriter } from './stream-parts.js';

const response: CompletionResponse = {
  text: 'ab',
  content: [{ type: 'text', text: 'ab' }],
  toolCalls: [],
  finishReason: 'stop',
  rawFinishReason: 'end',
  usage: makeUsage(2, 2),
  requestId: 'r1-1',
  target: 't',
  model: 'm',
  attempts: [{ attempt: 1, target: 't', outcome: 'success', durationMs: 3 }],
  latencyMs: 3,
  warnings: [{ type: 'unsupported-setting', setting: 'seed', message: 'dropped' }],
  providerMetadata: { fingerprint: 'fp' },
};

describe('V3PartWriter', () => {
  it('frames text and reasoning runs with fresh ids and closes them before tools and finish', () => {
    const writer = new V3PartWriter();
    const events: StreamEvent[] = [
      { type: 'reasoning-delta', delta: 'r1' },
      { type: 'text-delta', delta: 'a' },
      { type: 'text-delta', delta: 'b' },
      { type: 'tool-input-start', toolCallId: 'c', toolName: 'f' },
      { type: 'tool-input-delta', toolCallId: 'c', delta: '{}' },
      { type: 'tool-call', toolCallId: 'c', toolName: 'f', input: '{}' },
      { type: 'tool-call', toolCallId: 'd', toolName: 'f', input: '{}' },
      { type: 'text-delta', delta: 'c' },
      { type: 'finish', finishReason: 'stop', usage: response.usage, response },
    ];
    const parts = events.flatMap((e) => writer.write(e));
    expect(parts).toEqual([
      { type: 'reasoning-start', id: 'reasoning-0' },
      { type: 'reasoning-delta', id: 'reasoning-0', delta: 'r1' },
      { type: 'reasoning-end', id: 'reasoning-0' },
      { type: 'text-start', id: 'text-1' },
      { type: 'text-delta', id: 'text-1', delta: 'a' },
      { type: 'text-delta', id: 'text-1', delta: 'b' },
      { type: 'text-end', id: 'text-1' },
      { type: 'tool-input-start', id: 'c', toolName: 'f' },
      { type: 'tool-input-delta', id: 'c', delta: '{}' },
      { type: 'tool-input-end', id: 'c' },
      { type: 'tool-call', toolCallId: 'c', toolName: 'f', input: '{}' },
      { type: 'tool-call', toolCallId: 'd', toolName: 'f', input: '{}' },
      { type: 'text-start', id: 'text-2' },
      { type: 'text-delta', id: 'text-2', delta: 'c' },
      { type: 'text-end', id: 'text-2' },
      { type: 'response-metadata', id: 'r1-1', modelId: 'm' },
      {
        type: 'finish',
        usage: {
          inputTokens: { total: 2, noCache: 2, cacheRead: undefined, cacheWrite: undefined },
          outputTokens: { total: 2, text: 2, reasoning: undefined },
        },
        finishReason: { unified: 'stop', raw: 'end' },
        providerMetadata: {
          switchyard: {
            requestId: 'r1-1',
            target: 't',
            model: 'm',
            attempts: [{ attempt: 1, target: 't', outcome: 'success', durationMs: 3 }],
            latencyMs: 3,
            warnings: [{ type: 'unsupported', feature: 'seed', details: 'dropped' }],
            providerMetadata: { fingerprint: 'fp' },
          },
        },
      },
    ]);
  });
});

describe('partsFromV3', () => {
  it('ends without parts when the V3 stream ends empty, and skips provider-executed tool input', async () => {
    const stream = convertArrayToReadableStream<LanguageModelV3StreamPart>([
      { type: 'tool-input-start', id: 'p', toolName: 'web', providerExecuted: true },
      { type: 'tool-input-delta', id: 'p', delta: '{}' },
      { type: 'raw', rawValue: {} },
      { type: 'source', sourceType: 'url', id: 's', url: 'https://x' },
    ]);
    const parts = [];
    for await (const p of partsFromV3(stream, { target: 't', signal: new AbortController().signal }))
      parts.push(p);
    expect(parts).toEqual([]);
  });

  it('cancels the V3 stream when the consumer stops reading', async () => {
    let cancelled = false;
    const stream = new ReadableStream<LanguageModelV3StreamPart>({
      pull(c) {
        c.enqueue({ type: 'text-delta', id: '1', delta: 'x' });
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const part of partsFromV3(stream, { target: 't', signal: new AbortController().signal })) {
      expect(part).toEqual({ type: 'text-delta', delta: 'x' });
      break;
    }
    expect(cancelled).toBe(true);
  });
});
