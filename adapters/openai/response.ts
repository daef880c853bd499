/** Maps a Chat Completions response to the common response. */
import {
  type AdapterResponse,
  type ContentPart,
  type FinishReason,
  makeUsage,
  SwitchyardError,
  type Usage,
  type Warning,
} from '../../src/index.js';
import type { WireCompletion, WireUsage } from './wire.js';

/** The unified finish reason of a Chat Completions `finish_reason`. */
export function mapFinishReason(raw: string | null | undefined): FinishReason {
  switch (raw) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'content_filter':
      return 'content-filter';
    case 'tool_calls':
    case 'function_call':
      return 'tool-calls';
    case 'error':
      return 'error';
    default:
      return 'other';
  }
}

/** Usage from a Chat Completions `usage` object (zeros when absent). */
export function mapUsage(usage: WireUsage | null | undefined): Usage {
  return makeUsage(usage?.prompt_tokens, usage?.completion_tokens, {
    totalTokens: usage?.total_tokens,
    cachedInputTokens: usage?.prompt_tokens_details?.cached_tokens ?? usage?.prompt_cache_hit_tokens,
    reasoningTokens: usage?.completion_tokens_details?.reasoning_tokens,
  });
}

/** Provider extras worth keeping: `system_fingerprint` and Perplexity's `citations`. */
export function providerMetadataOf(body: WireCompletion): Record<string, unknown> | undefined {
  const meta: Record<string, unknown> = {};
  if (body.system_fingerprint) meta.system_fingerprint = body.system_fingerprint;
  if (Array.isArray(body.citations)) meta.citations = body.citations;
  return Object.keys(meta).length > 0 ? meta : undefined;
}

function malformed(target: string, detail: string): SwitchyardError {
  return new SwitchyardError(
    'server',
    `server error from target '${target}': malformed response: ${detail}`,
    {
      target,
    },
  );
}

/** Whether a wire value is an object (a provider may send anything where an object belongs). */
const isObject = <T>(value: T): value is NonNullable<T> => typeof value === 'object' && value !== null;

/**
 * Maps a non-streaming response body. Throws a `server` error when it is not a completion object
 * with a choice and a message.
 */
export function fromWireCompletion(
  body: WireCompletion,
  warnings: readonly Warning[],
  target: string,
): AdapterResponse {
  if (!isObject(body) || Array.isArray(body)) throw malformed(target, 'the body is not a JSON object');
  const choice = Array.isArray(body.choices) ? body.choices[0] : undefined;
  const message = isObject(choice) ? choice.message : undefined;
  if (!isObject(choice) || !isObject(message)) {
    throw new SwitchyardError('server', `server error from target '${target}': the response has no choices`, {
      target,
    });
  }
  if (message.tool_calls != null && !Array.isArray(message.tool_calls)) {
    throw malformed(target, '`tool_calls` is not an array');
  }
  const content: ContentPart[] = [];
  const reasoning = message.reasoning_content ?? message.reasoning;
  if (typeof reasoning === 'string' && reasoning !== '') content.push({ type: 'reasoning', text: reasoning });
  if (typeof message.content === 'string' && message.content !== '')
    content.push({ type: 'text', text: message.content });
  for (const call of message.tool_calls ?? []) {
    if (!isObject(call)) throw malformed(target, 'a tool call is not an object');
    content.push({
      type: 'tool-call',
      toolCallId: call.id ?? '',
      toolName: call.function?.name ?? '',
      input: call.function?.arguments || '{}',
    });
  }
  const meta = providerMetadataOf(body);
  const refusal = message.refusal ? { refusal: message.refusal } : undefined;
  const providerMetadata = meta || refusal ? { ...meta, ...refusal } : undefined;
  return {
    content,
    finishReason: mapFinishReason(choice.finish_reason),
    ...(choice.finish_reason ? { rawFinishReason: choice.finish_reason } : {}),
    usage: mapUsage(body.usage),
    ...(body.id ? { responseId: body.id } : {}),
    ...(body.model ? { modelId: body.model } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
    ...(providerMetadata ? { providerMetadata } : {}),
  };
}
