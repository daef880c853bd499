/** Prompt mapping both ways. */
import type { LanguageModelV3Prompt } from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';
import type { Message, Warning } from '../../index.js';
import { promptFromV3, promptToV3 } from './prompt.js';

describe('promptFromV3', () => {
  it('passes system, user text and files, assistant reasoning and tool calls, and provider options', () => {
    const url = new URL('https://example.com/cat.png');
    // The same parts in and out; built twice so that a mapping that changed its input would show.
    const prompt = (): LanguageModelV3Prompt => [
      {
        role: 'system',
        content: 'be kind',
        providerOptions: { anthropic: { cacheControl: { type: 'ephemeral' } } },
      },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'look' },
          { type: 'file', data: url, mediaType: 'image/png', filename: 'cat.png' },
          { type: 'file', data: 'aGVsbG8=', mediaType: 'application/pdf' },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'thinking', providerOptions: { anthropic: { signature: 's' } } },
          { type: 'text', text: 'calling' },
          { type: 'tool-call', toolCallId: 'c', toolName: 'f', input: { q: 1 } },
        ],
      },
    ];
    const warnings: Warning[] = [];
    expect(promptFromV3(prompt(), warnings)).toEqual(prompt());
    expect(warnings).toEqual([]);
  });

  it('maps tool outputs Switchyard has no kind for, with warnings, and drops approvals and provider results', () => {
    const warnings: Warning[] = [];
    const messages = promptFromV3(
      [
        {
          role: 'assistant',
          content: [
            { type: 'tool-result', toolCallId: 'p', toolName: 'web', output: { type: 'text', value: 'x' } },
            { type: 'text', text: 'done' },
          ],
        },
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: 'a',
              toolName: 'f',
              output: { type: 'execution-denied', reason: 'no' },
            },
            { type: 'tool-result', toolCallId: 'b', toolName: 'f', output: { type: 'execution-denied' } },
            {
              type: 'tool-result',
              toolCallId: 'c',
              toolName: 'f',
              output: {
                type: 'content',
                value: [
                  { type: 'text', text: 'a' },
                  { type: 'text', text: 'b' },
                ],
              },
            },
            {
              type: 'tool-result',
              toolCallId: 'd',
              toolName: 'f',
              output: { type: 'content', value: [{ type: 'image-url', url: 'https://x/y.png' }] },
            },
            { type: 'tool-approval-response', approvalId: 'z', approved: true },
          ],
        },
        { role: 'tool', content: [{ type: 'tool-approval-response', approvalId: 'y', approved: false }] },
      ],
      warnings,
    );
    expect(messages).toEqual([
      { role: 'assistant', content: [{ type: 'text', text: 'done' }] },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'a',
            toolName: 'f',
            output: { type: 'error-text', value: 'no' },
          },
          {
            type: 'tool-result',
            toolCallId: 'b',
            toolName: 'f',
            output: { type: 'error-text', value: 'The tool execution was denied.' },
          },
          { type: 'tool-result', toolCallId: 'c', toolName: 'f', output: { type: 'text', value: 'ab' } },
          {
            type: 'tool-result',
            toolCallId: 'd',
            toolName: 'f',
            output: { type: 'json', value: [{ type: 'image-url', url: 'https://x/y.png' }] },
          },
        ],
      },
    ]);
    expect(warnings.map((w) => w.message)).toEqual([
      "the result of provider-executed tool 'web' in an assistant message was dropped",
      'a tool result with files or images was sent to the model as JSON',
      'tool approval responses are not supported and were dropped',
      'tool approval responses are not supported and were dropped',
    ]);
  });
});

describe('promptToV3', () => {
  it('expands string contents, parses JSON tool inputs and keeps everything else', () => {
    const bytes = new Uint8Array([1, 2]);
    const messages: Message[] = [
      { role: 'system', content: 's' },
      { role: 'user', content: 'hi' },
      { role: 'user', content: [{ type: 'file', data: bytes, mediaType: 'image/png' }] },
      { role: 'assistant', content: 'plain' },
      {
        role: 'assistant',
        content: [
          { type: 'tool-call', toolCallId: '1', toolName: 'f', input: '{"a":1}' },
          { type: 'tool-call', toolCallId: '2', toolName: 'f', input: 'not json' },
          { type: 'tool-call', toolCallId: '3', toolName: 'f', input: { b: 2 } },
        ],
      },
      {
        role: 'tool',
        content: [
          { type: 'tool-result', toolCallId: '1', toolName: 'f', output: { type: 'json', value: undefined } },
        ],
        providerOptions: { x: { y: 1 } },
      },
    ];
    expect(promptToV3(messages)).toEqual([
      { role: 'system', content: 's' },
      { role: 'user', content: [{ type: 'text', text: 'hi' }] },
      { role: 'user', content: [{ type: 'file', data: bytes, mediaType: 'image/png' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'plain' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool-call', toolCallId: '1', toolName: 'f', input: { a: 1 } },
          { type: 'tool-call', toolCallId: '2', toolName: 'f', input: 'not json' },
          { type: 'tool-call', toolCallId: '3', toolName: 'f', input: { b: 2 } },
        ],
      },
      {
        role: 'tool',
        content: [
          { type: 'tool-result', toolCallId: '1', toolName: 'f', output: { type: 'json', value: null } },
        ],
        providerOptions: { x: { y: 1 } },
      },
    ]);
  });

  it('round-trips a V3 prompt', () => {
    const prompt: LanguageModelV3Prompt = [
      { role: 'system', content: 'x' },
      { role: 'user', content: [{ type: 'text', text: 'q' }] },
      {
        role: 'assistant',
        content: [{ type: 'tool-call', toolCallId: 'c', toolName: 't', input: { a: [1] } }],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'c',
            toolName: 't',
            output: { type: 'error-json', value: { e: 1 } },
          },
        ],
      },
    ];
    expect(promptToV3(promptFromV3(prompt, []))).toEqual(prompt);
  });
});
