/**
 * OpenAI Chat Completions protocol helpers on top of {@link ScriptedServer}: builders for
 * completion bodies, stream chunks and error bodies, and responders that send them.
 */
import type { ServerResponse } from 'node:http';
import { type AdapterCallOptions, systemClock } from '../../src/index.js';
import { json, type Responder, ScriptedServer, type SseOptions, sse } from './scripted-server.js';

export { ScriptedServer };

/** Usage as the wire has it. */
export interface WireUsageInput {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens?: number;
  readonly prompt_tokens_details?: { cached_tokens?: number };
  readonly completion_tokens_details?: { reasoning_tokens?: number };
}

/** One tool call of a completion. */
export interface ToolCallInput {
  readonly id: string;
  readonly name: string;
  readonly arguments: string;
}

/** Options of {@link completion}. */
export interface CompletionInput {
  readonly id?: string;
  readonly model?: string;
  readonly content?: string | null;
  readonly reasoning_content?: string;
  readonly refusal?: string;
  readonly toolCalls?: readonly ToolCallInput[];
  readonly finishReason?: string | null;
  readonly usage?: WireUsageInput | null;
  readonly systemFingerprint?: string;
  /** Extra top-level fields. */
  readonly extra?: Record<string, unknown>;
}

/** A non-streaming `chat.completion` body. */
export function completion(input: CompletionInput = {}): Record<string, unknown> {
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: input.content === undefined ? 'Hello!' : input.content,
  };
  if (input.reasoning_content !== undefined) message.reasoning_content = input.reasoning_content;
  if (input.refusal !== undefined) message.refusal = input.refusal;
  if (input.toolCalls) {
    message.tool_calls = input.toolCalls.map((c) => ({
      id: c.id,
      type: 'function',
      function: { name: c.name, arguments: c.arguments },
    }));
  }
  const usage =
    input.usage === undefined
      ? { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 }
      : (input.usage ?? undefined);
  return {
    id: input.id ?? 'chatcmpl-123',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: input.model ?? 'gpt-4o-mini-2024-07-18',
    choices: [
      {
        index: 0,
        message,
        logprobs: null,
        finish_reason:
          input.finishReason === undefined ? (input.toolCalls ? 'tool_calls' : 'stop') : input.finishReason,
      },
    ],
    ...(usage ? { usage } : {}),
    ...(input.systemFingerprint ? { system_fingerprint: input.systemFingerprint } : {}),
    ...input.extra,
  };
}

/** Delta of one stream chunk. */
export interface DeltaInput {
  readonly role?: string;
  readonly content?: string;
  readonly reasoning_content?: string;
  readonly tool_calls?: ReadonlyArray<{
    index?: number;
    id?: string;
    type?: string;
    function?: { name?: string; arguments?: string };
  }>;
}

/** Options of {@link chunk}. */
export interface ChunkInput {
  readonly id?: string;
  readonly model?: string;
  readonly delta?: DeltaInput;
  readonly finishReason?: string | null;
  /** `null` writes `"usage": null` (as OpenAI does before the final chunk). */
  readonly usage?: WireUsageInput | null;
  /** No `choices` entries (OpenAI's final usage chunk). */
  readonly noChoices?: boolean;
  readonly systemFingerprint?: string;
  readonly extra?: Record<string, unknown>;
}

/** One `chat.completion.chunk` object. */
export function chunk(input: ChunkInput = {}): Record<string, unknown> {
  return {
    id: input.id ?? 'chatcmpl-123',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: input.model ?? 'gpt-4o-mini-2024-07-18',
    ...(input.systemFingerprint ? { system_fingerprint: input.systemFingerprint } : {}),
    choices: input.noChoices
      ? []
      : [{ index: 0, delta: input.delta ?? {}, logprobs: null, finish_reason: input.finishReason ?? null }],
    ...(input.usage === undefined ? {} : { usage: input.usage }),
    ...input.extra,
  };
}

/** The SSE event text of a chunk (`data: {...}`). */
export function dataEvent(value: unknown): string {
  return `data: ${JSON.stringify(value)}`;
}

/** The terminating SSE event. */
export const DONE = 'data: [DONE]';

/** Chunks of a plain text answer: role, one chunk per piece, finish, usage chunk. */
export function textChunks(
  pieces: readonly string[],
  options: { finishReason?: string; usage?: WireUsageInput | null } = {},
): Record<string, unknown>[] {
  const usage =
    options.usage === undefined
      ? { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 }
      : options.usage;
  return [
    chunk({ delta: { role: 'assistant', content: '' } }),
    ...pieces.map((content) => chunk({ delta: { content } })),
    chunk({ finishReason: options.finishReason ?? 'stop' }),
    ...(usage ? [chunk({ noChoices: true, usage })] : []),
  ];
}

/** Streams chunks as SSE events, followed by `data: [DONE]` unless `done: false`. */
export function streamChunks(
  chunks: readonly unknown[],
  options: SseOptions & { done?: boolean } = {},
): Responder {
  const events = chunks.map(dataEvent);
  if (options.done !== false) events.push(DONE);
  return sse(events, options);
}

/** An OpenAI error body. */
export function errorBody(
  message: string,
  type = 'invalid_request_error',
  code: string | null = null,
  param: string | null = null,
): Record<string, unknown> {
  return { error: { message, type, param, code } };
}

/** Responds with an OpenAI error. */
export function errorResponse(
  status: number,
  message: string,
  options: { type?: string; code?: string | null; headers?: Record<string, string> } = {},
): Responder {
  return json(status, errorBody(message, options.type, options.code ?? null), options.headers ?? {});
}

/** Responds 200 with a completion body. */
export function completionResponse(
  input: CompletionInput = {},
  headers: Record<string, string> = {},
): Responder {
  return json(200, completion(input), headers);
}

/** Sends the headers and part of a JSON body, then destroys the socket (a reset mid-response). */
export function resetMidBody(partial = '{"id":"chatcmpl-1","choi'): Responder {
  return (_req, res: ServerResponse) => {
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': String(partial.length + 100),
    });
    res.write(partial);
    setTimeout(() => res.socket?.destroy(), 5);
  };
}

/** Call options for one attempt, with target `t1`. */
export function callOptions(
  signal: AbortSignal = new AbortController().signal,
  target = 't1',
): AdapterCallOptions {
  return { signal, target, clock: systemClock, deadline: Number.POSITIVE_INFINITY };
}

/** Collects every part of an adapter stream. */
export async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const parts: T[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}
