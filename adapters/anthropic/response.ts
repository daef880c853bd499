import {
  type AdapterResponse,
  type ContentPart,
  type FinishReason,
  makeUsage,
  SwitchyardError,
  type Usage,
  type Warning,
} from '../../src/index.js';
import type { WireResponse, WireUsage } from './wire.js';

/**
 * The unified finish reason of an Anthropic `stop_reason`. When JSON is emulated with a forced
 * tool, `tool_use` means the answer is complete: `stop`.
 */
export function finishReasonOf(stopReason: string | null | undefined, jsonEmulated = false): FinishReason {
  switch (stopReason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return jsonEmulated ? 'stop' : 'tool-calls';
    case 'refusal':
      return 'content-filter';
    default:
      return 'other'; // pause_turn, unknown or missing
  }
}

/**
 * Usage in Switchyard terms. Anthropic's `input_tokens` excludes cache reads and writes, so
 * `inputTokens` adds them back; they are also reported on their own.
 */
export function usageOf(usage: WireUsage | undefined): Usage {
  const read = usage?.cache_read_input_tokens ?? undefined;
  const written = usage?.cache_creation_input_tokens ?? undefined;
  const input = (usage?.input_tokens ?? 0) + (read ?? 0) + (written ?? 0);
  return makeUsage(input, usage?.output_tokens, {
    cachedInputTokens: read,
    cacheWriteInputTokens: written,
    reasoningTokens: usage?.output_tokens_details?.thinking_tokens,
  });
}

/** Anthropic extras of a response, as `providerMetadata.anthropic`. */
export interface AnthropicMetadata {
  /** The stop sequence that ended generation, when one did. */
  stopSequence?: string;
  /** Signature of each reasoning part, in order; send it back as `providerOptions.anthropic.signature`. */
  signatures?: string[];
  /** Data of each `redacted_thinking` block, in order; send back as `providerOptions.anthropic.redactedData`. */
  redactedThinking?: string[];
}

/** Appends one entry to a list of the metadata. */
export function appendTo(
  metadata: AnthropicMetadata,
  key: 'signatures' | 'redactedThinking',
  value: string,
): void {
  const list = metadata[key] ?? [];
  list.push(value);
  metadata[key] = list;
}

/** `{ anthropic: metadata }`, or `undefined` when there is nothing to report. */
export function providerMetadataOf(
  metadata: AnthropicMetadata,
): { anthropic: AnthropicMetadata } | undefined {
  return Object.keys(metadata).length === 0 ? undefined : { anthropic: metadata };
}

function malformed(detail: string): SwitchyardError {
  return new SwitchyardError('server', `server: malformed response: ${detail}`);
}

/**
 * Maps a non-streaming response. `jsonTool` names the tool whose input is the JSON answer.
 * Throws a `server` error when the body is not a message object with a `content` array.
 */
export function mapResponse(
  message: WireResponse,
  warnings: readonly Warning[],
  jsonTool?: string,
): AdapterResponse {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    throw malformed('the body is not a JSON object');
  }
  if (message.content != null && !Array.isArray(message.content))
    throw malformed('`content` is not an array');
  const content: ContentPart[] = [];
  const metadata: AnthropicMetadata = {};
  for (const block of message.content ?? []) {
    if (typeof block !== 'object' || block === null) throw malformed('a content block is not an object');
    switch (block.type) {
      case 'text':
        if (jsonTool === undefined && block.text !== '') content.push({ type: 'text', text: block.text });
        break;
      case 'tool_use': {
        const input = JSON.stringify(block.input ?? {});
        if (jsonTool === undefined)
          content.push({ type: 'tool-call', toolCallId: block.id, toolName: block.name, input });
        else if (block.name === jsonTool) content.push({ type: 'text', text: input });
        break;
      }
      case 'thinking':
        content.push({ type: 'reasoning', text: block.thinking });
        appendTo(metadata, 'signatures', block.signature ?? '');
        break;
      case 'redacted_thinking':
        appendTo(metadata, 'redactedThinking', block.data);
        break;
    }
  }
  if (message.stop_sequence) metadata.stopSequence = message.stop_sequence;
  const response: { -readonly [K in keyof AdapterResponse]: AdapterResponse[K] } = {
    content,
    finishReason: finishReasonOf(message.stop_reason, jsonTool !== undefined),
    usage: usageOf(message.usage),
  };
  if (message.stop_reason) response.rawFinishReason = message.stop_reason;
  if (message.id) response.responseId = message.id;
  if (message.model) response.modelId = message.model;
  if (warnings.length) response.warnings = warnings;
  const providerMetadata = providerMetadataOf(metadata);
  if (providerMetadata) response.providerMetadata = providerMetadata;
  return response;
}
