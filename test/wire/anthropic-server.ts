/**
 * Anthropic Messages API protocol helpers on top of {@link ScriptedServer}: builders for
 * response JSON, server-sent events and error bodies, and responders that send them.
 */
import { json, type Responder, type SseOptions, sse } from './scripted-server.js';

/** Usage as the Messages API reports it (`input_tokens` excludes cache reads and writes). */
export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}

/** A response content block. */
export type AnthropicBlock = Record<string, unknown> & { type: string };

export const textBlock = (text: string): AnthropicBlock => ({ type: 'text', text });
export const toolUseBlock = (id: string, name: string, input: unknown): AnthropicBlock => ({
  type: 'tool_use',
  id,
  name,
  input,
});
export const thinkingBlock = (thinking: string, signature: string): AnthropicBlock => ({
  type: 'thinking',
  thinking,
  signature,
});
export const redactedThinkingBlock = (data: string): AnthropicBlock => ({ type: 'redacted_thinking', data });

/** Options of {@link messageJson}. */
export interface MessageOptions {
  id?: string;
  model?: string;
  content?: AnthropicBlock[];
  stop_reason?: string | null;
  stop_sequence?: string | null;
  usage?: Partial<AnthropicUsage>;
}

/** A complete `POST /v1/messages` response body. */
export function messageJson(options: MessageOptions = {}): Record<string, unknown> {
  return {
    id: options.id ?? 'msg_01',
    type: 'message',
    role: 'assistant',
    model: options.model ?? 'claude-sonnet-4-5-20250929',
    content: options.content ?? [textBlock('Hello!')],
    stop_reason: options.stop_reason === undefined ? 'end_turn' : options.stop_reason,
    stop_sequence: options.stop_sequence ?? null,
    usage: { input_tokens: 10, output_tokens: 5, ...options.usage },
  };
}

/** Responds 200 with a message. */
export function message(options: MessageOptions = {}, headers: Record<string, string> = {}): Responder {
  return json(200, messageJson(options), headers);
}

/** An Anthropic error body: `{ type: 'error', error: { type, message } }`. */
export function errorBody(type: string, text: string): Record<string, unknown> {
  return { type: 'error', error: { type, message: text } };
}

/** Responds with an Anthropic error. */
export function apiError(
  status: number,
  type: string,
  text: string,
  headers: Record<string, string> = {},
): Responder {
  return json(status, errorBody(type, text), { 'request-id': 'req_01', ...headers });
}

// ---- server-sent events ----------------------------------------------------------------

/** One SSE event as `sse()` takes it: `event: <name>` and one `data:` line of JSON. */
export function event(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}`;
}

export function messageStart(options: MessageOptions = {}): string {
  const body = messageJson({ ...options, content: [], stop_reason: null });
  return event('message_start', { type: 'message_start', message: body });
}

export function blockStart(index: number, block: AnthropicBlock): string {
  return event('content_block_start', { type: 'content_block_start', index, content_block: block });
}

export function textStart(index: number): string {
  return blockStart(index, textBlock(''));
}

export function toolStart(index: number, id: string, name: string): string {
  return blockStart(index, toolUseBlock(id, name, {}));
}

export function thinkingStart(index: number): string {
  return blockStart(index, thinkingBlock('', ''));
}

export function delta(index: number, payload: Record<string, unknown>): string {
  return event('content_block_delta', { type: 'content_block_delta', index, delta: payload });
}

export const textDelta = (index: number, text: string) => delta(index, { type: 'text_delta', text });
export const jsonDelta = (index: number, partial: string) =>
  delta(index, { type: 'input_json_delta', partial_json: partial });
export const thinkingDelta = (index: number, thinking: string) =>
  delta(index, { type: 'thinking_delta', thinking });
export const signatureDelta = (index: number, signature: string) =>
  delta(index, { type: 'signature_delta', signature });

export function blockStop(index: number): string {
  return event('content_block_stop', { type: 'content_block_stop', index });
}

export function messageDelta(
  stopReason: string | null,
  usage: Partial<AnthropicUsage> = { output_tokens: 5 },
): string {
  return event('message_delta', {
    type: 'message_delta',
    delta: { stop_reason: stopReason, stop_sequence: null },
    usage,
  });
}

export function messageStop(): string {
  return event('message_stop', { type: 'message_stop' });
}

export function ping(): string {
  return event('ping', { type: 'ping' });
}

/** An `error` event inside a stream, e.g. `overloaded_error`. */
export function streamError(type: string, text: string): string {
  return event('error', errorBody(type, text));
}

/**
 * The events of a streamed text answer: one text block whose text arrives in `pieces`;
 * `message_delta` reports `outputTokens`.
 */
export function textEvents(
  pieces: readonly string[],
  options: MessageOptions = {},
  outputTokens = 5,
): string[] {
  return [
    messageStart(options),
    textStart(0),
    ping(),
    ...pieces.map((piece) => textDelta(0, piece)),
    blockStop(0),
    messageDelta(options.stop_reason === undefined ? 'end_turn' : options.stop_reason, {
      output_tokens: outputTokens,
    }),
    messageStop(),
  ];
}

/** Responds with a stream of events (see `sse()` for chunking, cuts and stalls). */
export function stream(events: readonly string[], options: SseOptions = {}): Responder {
  return sse(events, options);
}
