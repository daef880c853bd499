import type { CompletionRequest } from '../types/request.js';
import type { Usage } from '../types/response.js';
import { estimateInputTokens } from './request-needs.js';

/** Usage with zero tokens, for providers that report none. */
export const EMPTY_USAGE: Usage = Object.freeze({ inputTokens: 0, outputTokens: 0, totalTokens: 0 });

/** What the router reports when an adapter returned no usage: zeros, marked as unknown. */
export const UNKNOWN_USAGE: Usage = Object.freeze({
  inputTokens: 0,
  outputTokens: 0,
  totalTokens: 0,
  unknown: true,
});

/**
 * Builds a {@link Usage}; `totalTokens` defaults to input + output, and optional counts are
 * left out when the provider gave none.
 */
export function makeUsage(
  inputTokens: number | null | undefined,
  outputTokens: number | null | undefined,
  extra: {
    totalTokens?: number | null;
    cachedInputTokens?: number | null;
    cacheWriteInputTokens?: number | null;
    reasoningTokens?: number | null;
  } = {},
): Usage {
  const input = inputTokens ?? 0;
  const output = outputTokens ?? 0;
  const usage: { -readonly [K in keyof Usage]: Usage[K] } = {
    inputTokens: input,
    outputTokens: output,
    totalTokens: extra.totalTokens ?? input + output,
  };
  if (extra.cachedInputTokens != null) usage.cachedInputTokens = extra.cachedInputTokens;
  if (extra.cacheWriteInputTokens != null) usage.cacheWriteInputTokens = extra.cacheWriteInputTokens;
  if (extra.reasoningTokens != null) usage.reasoningTokens = extra.reasoningTokens;
  return usage;
}

/**
 * Usage estimated from the prompt (`estimateInputTokens`) and the answer — its text and tool
 * calls — at characters ÷ 4, for a response whose provider reported none. Marked `estimated`.
 */
export function estimateUsage(
  request: CompletionRequest,
  answer: {
    readonly text: string;
    readonly toolCalls: readonly { readonly toolName: string; readonly input: string }[];
  },
): Usage {
  let chars = answer.text.length;
  for (const call of answer.toolCalls) chars += call.input.length + call.toolName.length;
  const input = estimateInputTokens(request);
  const output = Math.ceil(chars / 4);
  return { inputTokens: input, outputTokens: output, totalTokens: input + output, estimated: true };
}
