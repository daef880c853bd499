import type { Attributes, Span } from '@opentelemetry/api';
import {
  type AdapterRequest,
  type AttemptContext,
  type CallContext,
  isSwitchyardError,
  redactSecrets,
  type Usage,
} from '../../src/index.js';
import type { OtelApi } from './api.js';
import { inputMessages } from './content.js';
import { CHAT_OPERATION, OTEL_NAMES as N } from './names.js';

/** The span name: `chat {model}`, or `chat` when the model is not known. */
export function spanName(model: string | undefined): string {
  return model === undefined ? CHAT_OPERATION : `${CHAT_OPERATION} ${model}`;
}

/** Adds the request's model and sampling settings to `attributes`, and returns it. */
function settingsAttributes(
  request: AdapterRequest | CallContext['request'],
  attributes: Attributes,
): Attributes {
  if (request.model !== undefined) attributes[N.requestModel] = request.model;
  if (request.maxOutputTokens !== undefined) attributes[N.requestMaxTokens] = request.maxOutputTokens;
  if (request.temperature !== undefined) attributes[N.requestTemperature] = request.temperature;
  if (request.topP !== undefined) attributes[N.requestTopP] = request.topP;
  if (request.topK !== undefined) attributes[N.requestTopK] = request.topK;
  if (request.frequencyPenalty !== undefined)
    attributes[N.requestFrequencyPenalty] = request.frequencyPenalty;
  if (request.presencePenalty !== undefined) attributes[N.requestPresencePenalty] = request.presencePenalty;
  if (request.stopSequences !== undefined) attributes[N.requestStopSequences] = [...request.stopSequences];
  if (request.seed !== undefined) attributes[N.requestSeed] = request.seed;
  return attributes;
}

/**
 * The call span's attributes at its start; `strategy` names the strategy when the request
 * names none, and `recordContent` adds the prompt.
 */
export function callAttributes(
  ctx: CallContext,
  strategy: string | undefined,
  recordContent: boolean,
): Attributes {
  const attributes: Attributes = {
    [N.operationName]: CHAT_OPERATION,
    [N.requestId]: ctx.requestId,
    [N.stream]: ctx.stream,
  };
  const strategyName = ctx.request.strategy ?? strategy;
  if (strategyName !== undefined) attributes[N.strategy] = strategyName;
  settingsAttributes(ctx.request, attributes);
  if (recordContent) attributes[N.inputMessages] = inputMessages(ctx.request.messages);
  return attributes;
}

/** An attempt span's attributes at its start; `strategy` as for {@link callAttributes}. */
export function attemptAttributes(ctx: AttemptContext, strategy: string | undefined): Attributes {
  const attributes: Attributes = {
    [N.operationName]: CHAT_OPERATION,
    [N.providerName]: ctx.target.provider,
    [N.requestId]: ctx.requestId,
    [N.stream]: ctx.stream,
    [N.target]: ctx.target.id,
    [N.attempt]: ctx.attempt,
  };
  const strategyName = ctx.request.strategy ?? strategy;
  if (strategyName !== undefined) attributes[N.strategy] = strategyName;
  return settingsAttributes(ctx.adapterRequest, attributes);
}

/** What a response adds to its span: model, id, finish reason and (when known) token usage. */
export function responseAttributes(
  model: string,
  responseId: string | undefined,
  finishReason: string,
  usage: Usage,
): Attributes {
  const attributes: Attributes = {
    [N.responseModel]: model,
    [N.responseFinishReasons]: [finishReason],
  };
  if (responseId !== undefined) attributes[N.responseId] = responseId;
  if (usage.unknown !== true) {
    attributes[N.usageInputTokens] = usage.inputTokens;
    attributes[N.usageOutputTokens] = usage.outputTokens;
    if (usage.cachedInputTokens !== undefined)
      attributes[N.usageCacheReadInputTokens] = usage.cachedInputTokens;
    if (usage.cacheWriteInputTokens !== undefined) {
      attributes[N.usageCacheCreationInputTokens] = usage.cacheWriteInputTokens;
    }
    if (usage.reasoningTokens !== undefined) attributes[N.usageReasoningOutputTokens] = usage.reasoningTokens;
  }
  return attributes;
}

/** `error.type`: the SwitchyardError kind, else the error's name. */
export function errorType(error: unknown): string {
  if (isSwitchyardError(error)) return error.kind;
  return error instanceof Error ? error.name : '_OTHER';
}

/** Sets `error.type` and an ERROR status (message redacted) on `span`. */
export function markFailed(api: OtelApi, span: Span, error: unknown): void {
  span.setAttribute(N.errorType, errorType(error));
  const message = error instanceof Error ? error.message : String(error);
  span.setStatus({ code: api.SpanStatusCode.ERROR, message: redactSecrets(message) });
}
