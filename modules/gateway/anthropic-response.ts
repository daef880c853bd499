import type { ServerResponse } from 'node:http';
import type { CompletionResponse, FinishReason, ToolCall, Usage } from '../../index.js';
import type { ErrorAnswer } from './errors.js';
import { sendJson } from './http-io.js';

/** Why an Anthropic message stopped. */
export type AnthropicStopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'refusal';

/** A content block of an Anthropic message (the ones the gateway produces). */
export type AnthropicContentBlock =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'tool_use'; readonly id: string; readonly name: string; readonly input: unknown };

/** Token usage as Anthropic reports it. */
export interface AnthropicUsage {
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly cache_creation_input_tokens?: number;
  readonly cache_read_input_tokens?: number;
}

/** A non-streamed Messages API answer. */
export interface AnthropicMessage {
  readonly id: string;
  readonly type: 'message';
  readonly role: 'assistant';
  readonly model: string;
  readonly content: readonly AnthropicContentBlock[];
  readonly stop_reason: AnthropicStopReason;
  readonly stop_sequence: string | null;
  readonly usage: AnthropicUsage;
}

/** Anthropic's error body: `{ type: 'error', error: { type, message } }`. */
export interface AnthropicErrorBody {
  readonly type: 'error';
  readonly error: { readonly type: string; readonly message: string };
}

/** The router's finish reason as Anthropic's `stop_reason`. */
export function anthropicStopReason(reason: FinishReason, raw?: string): AnthropicStopReason {
  switch (reason) {
    case 'length':
      return 'max_tokens';
    case 'tool-calls':
      return 'tool_use';
    case 'content-filter':
      return 'refusal';
    default:
      return raw === 'stop_sequence' ? 'stop_sequence' : 'end_turn';
  }
}

/** The router's usage in Anthropic's terms (input tokens exclude cached reads and writes, as Anthropic counts them). */
export function anthropicUsage(usage: Usage): AnthropicUsage {
  const cachedRead = usage.cachedInputTokens ?? 0;
  const cacheWrite = usage.cacheWriteInputTokens ?? 0;
  return {
    input_tokens: Math.max(0, usage.inputTokens - cachedRead - cacheWrite),
    output_tokens: usage.outputTokens,
    ...(usage.cacheWriteInputTokens === undefined ? {} : { cache_creation_input_tokens: cacheWrite }),
    ...(usage.cachedInputTokens === undefined ? {} : { cache_read_input_tokens: cachedRead }),
  };
}

/** A tool call's JSON input text as an object (Anthropic's `input`); text that is not a JSON object gives `{}`. */
export function toolInput(call: ToolCall): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(call.input === '' ? '{}' : call.input);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/**
 * A router response as an Anthropic message: text and tool calls in order (reasoning is left
 * out), the stop reason and the usage. `model` is what the caller asked for (an alias stays an alias).
 */
export function messageFromResponse(
  response: CompletionResponse,
  id: string,
  model: string,
): AnthropicMessage {
  const content: AnthropicContentBlock[] = [];
  for (const part of response.content) {
    if (part.type === 'text') {
      const last = content.at(-1);
      if (last?.type === 'text') content[content.length - 1] = { type: 'text', text: last.text + part.text };
      else content.push({ type: 'text', text: part.text });
    } else if (part.type === 'tool-call') {
      content.push({ type: 'tool_use', id: part.toolCallId, name: part.toolName, input: toolInput(part) });
    }
  }
  return {
    id,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: anthropicStopReason(response.finishReason, response.rawFinishReason),
    stop_sequence: null,
    usage: anthropicUsage(response.usage),
  };
}

/** Anthropic's error type for an HTTP status. */
export function anthropicErrorType(status: number): string {
  switch (status) {
    case 400:
    case 405:
    case 415:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 503:
    case 529:
      return 'overloaded_error';
    case 504:
      return 'timeout_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

/** The gateway's error answer as Anthropic's error body (same status, same message). */
export function anthropicErrorBody(answer: ErrorAnswer): AnthropicErrorBody {
  return {
    type: 'error',
    error: { type: anthropicErrorType(answer.status), message: answer.body.error.message },
  };
}

/** Sends an error answer in Anthropic's format, with `retry-after` when it has one. */
export function sendAnthropicError(
  res: ServerResponse,
  answer: ErrorAnswer,
  headers: Record<string, string> = {},
): void {
  sendJson(
    res,
    answer.status,
    anthropicErrorBody(answer),
    answer.retryAfterSeconds === undefined
      ? headers
      : { ...headers, 'retry-after': String(answer.retryAfterSeconds) },
  );
}
