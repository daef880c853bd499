/**
 * Every span, attribute and metric name the `otel` middleware writes, in one place: the
 * OpenTelemetry GenAI semantic conventions are still in development and their names move, so
 * a rename is a change here only.
 *
 * GenAI names follow the conventions as of semantic-conventions v1.41 (`gen_ai.*`, `error.type`);
 * routing names are Switchyard's own (`switchyard.*`).
 */
export const OTEL_NAMES = {
  // Attributes, GenAI conventions
  /** The operation: always `chat` for a router call. */
  operationName: 'gen_ai.operation.name',
  /** The provider of the target that ran the attempt (the adapter's provider name). */
  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  requestMaxTokens: 'gen_ai.request.max_tokens',
  requestTemperature: 'gen_ai.request.temperature',
  requestTopP: 'gen_ai.request.top_p',
  requestTopK: 'gen_ai.request.top_k',
  requestFrequencyPenalty: 'gen_ai.request.frequency_penalty',
  requestPresencePenalty: 'gen_ai.request.presence_penalty',
  requestStopSequences: 'gen_ai.request.stop_sequences',
  requestSeed: 'gen_ai.request.seed',
  responseModel: 'gen_ai.response.model',
  responseId: 'gen_ai.response.id',
  responseFinishReasons: 'gen_ai.response.finish_reasons',
  usageInputTokens: 'gen_ai.usage.input_tokens',
  usageOutputTokens: 'gen_ai.usage.output_tokens',
  usageCacheReadInputTokens: 'gen_ai.usage.cache_read.input_tokens',
  usageCacheCreationInputTokens: 'gen_ai.usage.cache_creation.input_tokens',
  usageReasoningOutputTokens: 'gen_ai.usage.reasoning.output_tokens',
  /** Prompt as JSON, only with `recordContent`. */
  inputMessages: 'gen_ai.input.messages',
  /** Answer as JSON, only with `recordContent`. */
  outputMessages: 'gen_ai.output.messages',
  /** Metric attribute of `tokenUsage`: `input` or `output`. */
  tokenType: 'gen_ai.token.type',
  /** The SwitchyardError kind of a failure (`rate_limited`, `server`, …). */
  errorType: 'error.type',

  // Attributes, Switchyard's routing
  requestId: 'switchyard.request_id',
  stream: 'switchyard.stream',
  /** The strategy of the call, when known (`request.strategy`, else the `strategy` option). */
  strategy: 'switchyard.strategy',
  /** Id of the target of an attempt, or of the target that answered a call. */
  target: 'switchyard.target',
  /** 1-based attempt number (attempt spans). */
  attempt: 'switchyard.attempt',
  /** Number of attempts the call made (call spans). */
  attempts: 'switchyard.attempts',
  /** Cost in USD: of the call's answer (call span), or of the attempt from the target's prices. */
  costUsd: 'switchyard.cost_usd',

  // Metrics, GenAI conventions
  /** Histogram, seconds, one per attempt. */
  operationDuration: 'gen_ai.client.operation.duration',
  /** Histogram, `{token}`, one per token type per successful attempt. */
  tokenUsage: 'gen_ai.client.token.usage',
  /** Histogram, seconds, one per streamed attempt that sent a part. */
  timeToFirstChunk: 'gen_ai.client.operation.time_to_first_chunk',
} as const;

/** The value of `gen_ai.operation.name` for router calls. */
export const CHAT_OPERATION = 'chat';
