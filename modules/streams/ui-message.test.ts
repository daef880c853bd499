/**
 * The UI message stream, checked part by part and read by the AI SDK's own client code
 * (`DefaultChatTransport`, which `useChat` uses, then `readUIMessageStream`).
 */
import { DefaultChatTransport, readUIMessageStream, type UIMessage, type UIMessageChunk } from 'ai';
import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../index.js';
import { toSSEResponse, UIMessageEncoder } from './index.js';
import { finish, interrupted, ScriptedStream } from './test-streams.js';

const EVENTS: StreamEvent[] = [
  { type: 'reasoning-delta', delta: 'Think' },
  { type: 'reasoning-delta', delta: 'ing.' },
  { type: 'text-delta', delta: 'Let me ' },
  { type: 'text-delta', delta: '' },
  { type: 'text-delta', delta: 'check.' },
  { type: 'tool-input-start', toolCallId: 'call_1', toolName: 'weather' },
  { type: 'tool-input-delta', toolCallId: 'call_1', delta: '{"city":' },
  { type: 'tool-input-delta', toolCallId: 'call_1', delta: '"Oslo"}' },
  { type: 'tool-call', toolCallId: 'call_1', toolName: 'weather', input: '{"city":"Oslo"}' },
  { type: 'tool-call', toolCallId: 'call_2', toolName: 'time', input: '{}' },
  finish({ finishReason: 'tool-calls' }),
];

/** Reads a Response the way `useChat` does and returns the last message snapshot and the errors. */
async function readAsUseChat(
  response: Response,
): Promise<{ message: UIMessage | undefined; errors: unknown[] }> {
  const transport = new DefaultChatTransport({ api: 'http://127.0.0.1/chat', fetch: async () => response });
  const chunks: ReadableStream<UIMessageChunk> = await transport.sendMessages({
    chatId: 'c1',
    messages: [{ id: 'u1', role: 'user', parts: [{ type: 'text', text: 'hi' }] }],
    abortSignal: undefined,
    trigger: 'submit-message',
    messageId: undefined,
  });
  const errors: unknown[] = [];
  let message: UIMessage | undefined;
  for await (const snapshot of readUIMessageStream({ stream: chunks, onError: (e) => errors.push(e) })) {
    message = snapshot;
  }
  return { message, errors };
}

describe('UIMessageEncoder', () => {
  it('sends streamText’s sequence: blocks for reasoning and text, tool inputs, finish', () => {
    const encoder = new UIMessageEncoder({ messageId: 'm1', messageMetadata: (r) => ({ target: r.target }) });
    expect(EVENTS.flatMap((e) => encoder.encode(e))).toEqual([
      { type: 'start', messageId: 'm1' },
      { type: 'start-step' },
      { type: 'reasoning-start', id: 'reasoning-0' },
      { type: 'reasoning-delta', id: 'reasoning-0', delta: 'Think' },
      { type: 'reasoning-delta', id: 'reasoning-0', delta: 'ing.' },
      { type: 'reasoning-end', id: 'reasoning-0' },
      { type: 'text-start', id: 'text-1' },
      { type: 'text-delta', id: 'text-1', delta: 'Let me ' },
      { type: 'text-delta', id: 'text-1', delta: 'check.' },
      { type: 'text-end', id: 'text-1' },
      { type: 'tool-input-start', toolCallId: 'call_1', toolName: 'weather' },
      { type: 'tool-input-delta', toolCallId: 'call_1', inputTextDelta: '{"city":' },
      { type: 'tool-input-delta', toolCallId: 'call_1', inputTextDelta: '"Oslo"}' },
      { type: 'tool-input-available', toolCallId: 'call_1', toolName: 'weather', input: { city: 'Oslo' } },
      { type: 'tool-input-available', toolCallId: 'call_2', toolName: 'time', input: {} },
      { type: 'finish-step' },
      { type: 'finish', finishReason: 'tool-calls', messageMetadata: { target: 'mock' } },
    ]);
  });

  it('leaves reasoning out with sendReasoning: false; arguments that are not JSON are a tool-input-error', () => {
    const encoder = new UIMessageEncoder({ sendReasoning: false });
    const parts = [
      { type: 'reasoning-delta', delta: 'hidden' } as StreamEvent,
      { type: 'tool-call', toolCallId: 'c', toolName: 'f', input: '{broken' } as StreamEvent,
    ].flatMap((e) => encoder.encode(e));
    expect(parts).toEqual([
      { type: 'start' },
      { type: 'start-step' },
      {
        type: 'tool-input-error',
        toolCallId: 'c',
        toolName: 'f',
        input: '{broken',
        errorText: "the arguments of tool call 'c' are not valid JSON",
      },
    ]);
  });
});

describe('toSSEResponse, format ui-message, read by the AI SDK client', () => {
  it('useChat’s transport assembles the message: reasoning, text, both tool calls with parsed input', async () => {
    const response = await toSSEResponse(new ScriptedStream(EVENTS), {
      format: 'ui-message',
      messageId: 'm1',
    });
    expect(response.headers.get('x-vercel-ai-ui-message-stream')).toBe('v1');
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const { message, errors } = await readAsUseChat(response);
    expect(errors).toEqual([]);
    expect(message?.id).toBe('m1');
    expect(message?.role).toBe('assistant');
    expect(message?.parts).toEqual([
      { type: 'step-start' },
      expect.objectContaining({ type: 'reasoning', text: 'Thinking.', state: 'done' }),
      expect.objectContaining({ type: 'text', text: 'Let me check.', state: 'done' }),
      expect.objectContaining({
        type: 'tool-weather',
        toolCallId: 'call_1',
        state: 'input-available',
        input: { city: 'Oslo' },
      }),
      expect.objectContaining({
        type: 'tool-time',
        toolCallId: 'call_2',
        state: 'input-available',
        input: {},
      }),
    ]);
  });

  it('a failure after content: the partial text is kept (done) and the client gets the error text', async () => {
    const stream = new ScriptedStream(
      [
        { type: 'text-delta', delta: 'partial ' },
        { type: 'text-delta', delta: 'answer' },
      ],
      { fail: interrupted() },
    );
    const { message, errors } = await readAsUseChat(await toSSEResponse(stream, { format: 'ui-message' }));
    expect(message?.parts).toEqual([
      { type: 'step-start' },
      { type: 'text', text: 'partial answer', state: 'done' },
    ]);
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain("stream from target 'mock' broke: upstream broke");
  });

  it('a failure before content: the transport raises the HTTP error with the JSON body', async () => {
    const stream = new ScriptedStream([], { fail: interrupted() });
    const response = await toSSEResponse(stream, { format: 'ui-message' });
    expect(response.status).toBe(502);
    await expect(readAsUseChat(response)).rejects.toThrow(/upstream_error/);
  });
});
