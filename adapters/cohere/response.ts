/**
 * Maps a Cohere v2 chat response (as the `cohere-ai` SDK parses it, camelCase) to an
 * {@link AdapterResponse}.
 */
import type { Cohere } from 'cohere-ai';
import {
  type AdapterResponse,
  type ContentPart,
  type FinishReason,
  makeUsage,
  SwitchyardError,
  type Usage,
  type Warning,
} from '../../src/index.js';

/** The unified finish reason of a Cohere `finish_reason`. */
export function mapFinishReason(raw: string | undefined): FinishReason {
  switch (raw) {
    case 'COMPLETE':
    case 'STOP_SEQUENCE':
      return 'stop';
    case 'MAX_TOKENS':
      return 'length';
    case 'TOOL_CALL':
      return 'tool-calls';
    case 'ERROR':
      return 'error';
    default:
      return 'other';
  }
}

/** Usage from `usage.tokens`; billed units are reported apart (see {@link usageMetadata}). */
export function mapUsage(usage: Cohere.Usage | undefined): Usage {
  const tokens = usage?.tokens ?? usage?.billedUnits;
  return makeUsage(tokens?.inputTokens, tokens?.outputTokens, { cachedInputTokens: usage?.cachedTokens });
}

/** The parts of `usage` that have no place in {@link Usage}, for `providerMetadata.cohere`. */
export function usageMetadata(usage: Cohere.Usage | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (usage?.billedUnits !== undefined) out.billedUnits = usage.billedUnits;
  if (usage?.cachedTokens !== undefined) out.cachedTokens = usage.cachedTokens;
  return out;
}

/** `{ cohere: metadata }`, or `undefined` when there is nothing to report. */
export function providerMetadataOf(
  metadata: Record<string, unknown>,
): { cohere: Record<string, unknown> } | undefined {
  return Object.keys(metadata).length > 0 ? { cohere: metadata } : undefined;
}

/**
 * Maps a chat response. The tool plan becomes a `reasoning` part (before the tool calls, as the
 * stream sends it) and is also kept in `providerMetadata.cohere.toolPlan`, with citations.
 */
export function fromCohereResponse(
  response: Cohere.V2ChatResponse,
  warnings: readonly Warning[],
): AdapterResponse {
  // The SDK does not validate bodies: a 2xx that is not a chat response arrives as some other object.
  const message = (response as Partial<Cohere.V2ChatResponse> | undefined)?.message;
  if (typeof message !== 'object' || message === null) {
    throw new SwitchyardError(
      'server',
      'Cohere returned a malformed chat response: expected an object with `message`',
    );
  }
  for (const field of ['content', 'toolCalls', 'citations'] as const) {
    if (message[field] != null && !Array.isArray(message[field])) {
      throw new SwitchyardError(
        'server',
        `Cohere returned a malformed chat response: \`message.${field}\` is not an array`,
      );
    }
  }
  const content: ContentPart[] = [];
  for (const item of message.content ?? []) {
    if (typeof item !== 'object' || item === null) {
      throw new SwitchyardError(
        'server',
        'Cohere returned a malformed chat response: a content item is not an object',
      );
    }
    if (item.type === 'text' && item.text) content.push({ type: 'text', text: item.text });
    else if (item.type === 'thinking' && item.thinking)
      content.push({ type: 'reasoning', text: item.thinking });
  }
  if (message.toolPlan) content.push({ type: 'reasoning', text: message.toolPlan });
  for (const call of message.toolCalls ?? []) {
    if (typeof call !== 'object' || call === null) {
      throw new SwitchyardError(
        'server',
        'Cohere returned a malformed chat response: a tool call is not an object',
      );
    }
    content.push({
      type: 'tool-call',
      toolCallId: call.id,
      toolName: call.function?.name ?? '',
      input: call.function?.arguments || '{}',
    });
  }
  const metadata = usageMetadata(response.usage);
  if (message.toolPlan) metadata.toolPlan = message.toolPlan;
  if (message.citations && message.citations.length > 0) metadata.citations = message.citations;
  const out: { -readonly [K in keyof AdapterResponse]: AdapterResponse[K] } = {
    content,
    finishReason: mapFinishReason(response.finishReason),
    usage: mapUsage(response.usage),
  };
  if (response.finishReason !== undefined) out.rawFinishReason = response.finishReason;
  if (response.id) out.responseId = response.id;
  if (warnings.length > 0) out.warnings = warnings;
  const providerMetadata = providerMetadataOf(metadata);
  if (providerMetadata) out.providerMetadata = providerMetadata;
  return out;
}
