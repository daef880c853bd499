/**
 * Cohere v2 chat protocol helpers on top of {@link ScriptedServer}: builders for chat responses,
 * stream events (`event: <type>` + `data: <json>`, as api.cohere.com sends them) and error bodies.
 * Everything is in wire (snake_case) JSON.
 */
import { type AdapterCallOptions, type AdapterStreamPart, systemClock } from '../../src/index.js';
import { json, type Responder, type SseOptions, sse } from './scripted-server.js';

/** Wire usage of a response or `message-end`. */
export interface WireUsage {
  readonly billed_units?: { input_tokens?: number; output_tokens?: number };
  readonly tokens?: { input_tokens?: number; output_tokens?: number };
  readonly cached_tokens?: number;
}

/** A wire tool call. */
export interface WireToolCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: string;
}

/** Options of {@link chatResponse}. */
export interface ChatResponseOptions {
  readonly id?: string;
  readonly text?: string;
  readonly thinking?: string;
  readonly toolPlan?: string;
  readonly toolCalls?: readonly WireToolCall[];
  readonly citations?: readonly unknown[];
  readonly finishReason?: string;
  readonly usage?: WireUsage;
}

/** The default usage of the builders. */
export const USAGE: WireUsage = {
  billed_units: { input_tokens: 10, output_tokens: 5 },
  tokens: { input_tokens: 12, output_tokens: 6 },
};

/** A v2 chat response body. */
export function chatResponse(options: ChatResponseOptions = {}): Record<string, unknown> {
  const content: unknown[] = [];
  if (options.thinking !== undefined) content.push({ type: 'thinking', thinking: options.thinking });
  if (options.text !== undefined) content.push({ type: 'text', text: options.text });
  const message: Record<string, unknown> = { role: 'assistant', content };
  if (options.toolPlan !== undefined) message.tool_plan = options.toolPlan;
  if (options.toolCalls !== undefined) {
    message.tool_calls = options.toolCalls.map((c) => ({
      id: c.id,
      type: 'function',
      function: { name: c.name, arguments: c.arguments },
    }));
  }
  if (options.citations !== undefined) message.citations = options.citations;
  return {
    id: options.id ?? 'resp-1',
    finish_reason: options.finishReason ?? (options.toolCalls ? 'TOOL_CALL' : 'COMPLETE'),
    message,
    usage: options.usage ?? USAGE,
  };
}

/** Responds 200 with {@link chatResponse}. */
export function chatReply(
  options: ChatResponseOptions = {},
  headers: Record<string, string> = {},
): Responder {
  return json(200, chatResponse(options), headers);
}

/** Cohere's error body: `{ id, message }`. */
export function errorReply(status: number, message: string, headers: Record<string, string> = {}): Responder {
  return json(status, { id: 'err-1', message }, headers);
}

/** Builders of wire stream events (the JSON of one `data:` line). */
export const ev = {
  messageStart: (id = 'msg-1') => ({
    id,
    type: 'message-start',
    delta: { message: { role: 'assistant', content: [], tool_plan: '', tool_calls: [], citations: [] } },
  }),
  contentStart: (index = 0, type: 'text' | 'thinking' = 'text') => ({
    type: 'content-start',
    index,
    delta: { message: { content: type === 'text' ? { type, text: '' } : { type, thinking: '' } } },
  }),
  text: (text: string, index = 0) => ({
    type: 'content-delta',
    index,
    delta: { message: { content: { text } } },
  }),
  thinking: (thinking: string, index = 0) => ({
    type: 'content-delta',
    index,
    delta: { message: { content: { thinking } } },
  }),
  contentEnd: (index = 0) => ({ type: 'content-end', index }),
  toolPlan: (toolPlan: string) => ({ type: 'tool-plan-delta', delta: { message: { tool_plan: toolPlan } } }),
  toolCallStart: (index: number, id: string, name: string, args = '') => ({
    type: 'tool-call-start',
    index,
    delta: { message: { tool_calls: { id, type: 'function', function: { name, arguments: args } } } },
  }),
  toolCallDelta: (index: number, args: string) => ({
    type: 'tool-call-delta',
    index,
    delta: { message: { tool_calls: { function: { arguments: args } } } },
  }),
  toolCallEnd: (index: number) => ({ type: 'tool-call-end', index }),
  citationStart: (index: number, citation: Record<string, unknown>) => ({
    type: 'citation-start',
    index,
    delta: { message: { citations: citation } },
  }),
  citationEnd: (index: number) => ({ type: 'citation-end', index }),
  messageEnd: (finishReason = 'COMPLETE', usage: WireUsage = USAGE, extra: Record<string, unknown> = {}) => ({
    type: 'message-end',
    delta: { finish_reason: finishReason, usage, ...extra },
  }),
};

/** A wire stream event: the JSON of one `data:` line. */
export type WireEvent = { readonly type: string; readonly [key: string]: unknown };

/** One SSE event's text for a wire event object: `event: <type>` and `data: <json>`. */
export function sseEvent(event: WireEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}`;
}

/** Streams wire events (objects, or raw event text for malformed data) as Cohere does. */
export function chatStream(events: ReadonlyArray<WireEvent | string>, options: SseOptions = {}): Responder {
  return sse(
    events.map((e) => (typeof e === 'string' ? e : sseEvent(e))),
    options,
  );
}

/** A complete text stream: start, content deltas, end. */
export function textStream(pieces: readonly string[], finishReason = 'COMPLETE'): WireEvent[] {
  return [
    ev.messageStart(),
    ev.contentStart(),
    ...pieces.map((p) => ev.text(p)),
    ev.contentEnd(),
    ev.messageEnd(finishReason),
  ];
}

/** Adapter call options for tests: a fresh signal (or the given one), target `t1`, the system clock. */
export function callOptions(signal: AbortSignal = new AbortController().signal): AdapterCallOptions {
  return { signal, target: 't1', clock: systemClock, deadline: Number.POSITIVE_INFINITY };
}

/** All parts of a stream, or the parts before the failure together with the error. */
export async function collect(
  stream: AsyncIterable<AdapterStreamPart>,
): Promise<{ parts: AdapterStreamPart[]; error: unknown }> {
  const parts: AdapterStreamPart[] = [];
  try {
    for await (const part of stream) parts.push(part);
    return { parts, error: undefined };
  } catch (error) {
    return { parts, error };
  }
}

/** The text of all `text-delta` parts. */
export function streamedText(parts: readonly AdapterStreamPart[]): string {
  return parts.map((p) => (p.type === 'text-delta' ? p.delta : '')).join('');
}
