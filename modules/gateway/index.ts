/**
 * `switchyard-llm/gateway`: an OpenAI-compatible HTTP server in front of a Router, so services
 * in any language (and the official OpenAI SDKs) can use it over the network. Built on
 * `node:http` (no extra dependency).
 *
 * @example
 * ```ts
 * import { createGateway, masterKeyAuth } from 'switchyard-llm/gateway';
 * const gateway = createGateway(router, { port: 8080, authenticate: masterKeyAuth(process.env.MASTER_KEY!) });
 * const { url } = await gateway.start(); // OpenAI clients use baseURL `${url}/v1`
 * ```
 */

// The chunk encoder moved to switchyard-llm/streams; re-exported so existing imports keep working.
export {
  ChunkEncoder,
  type ChunkEncoderOptions,
  type OpenAIChatChunk,
  type OpenAIToolCallDelta,
} from '../streams/index.js';
export { type MessagesRequest, messagesRequestFromAnthropic } from './anthropic-request.js';
export {
  type AnthropicContentBlock,
  type AnthropicErrorBody,
  type AnthropicMessage,
  type AnthropicStopReason,
  type AnthropicUsage,
  anthropicErrorBody,
  anthropicStopReason,
  messageFromResponse,
} from './anthropic-response.js';
export { AnthropicStreamEncoder } from './anthropic-stream.js';
export { type AuditGatewayOptions, auditGatewayEvents } from './audit.js';
export {
  type Authenticate,
  bearerToken,
  type GatewayRequestInfo,
  masterKeyAuth,
  type Principal,
  type PrincipalLimits,
} from './auth.js';
export type {
  AdminAction,
  AdminCallEvent,
  AuthFailureEvent,
  AuthFailureReason,
  GatewayEvent,
  GatewayStats,
} from './auth-events.js';
export { modelCatalog, type OpenAIModel, type Readiness, readiness } from './catalog.js';
export { answerForError, type ErrorAnswer, type OpenAIErrorBody } from './errors.js';
export { createGateway, type Gateway, type GatewayAddress } from './gateway.js';
export { HINT_HEADERS, MAX_HINT_TAGS, type RoutingHints, readHints } from './hints.js';
export { type JwtAuthenticate, type JwtFailureReason, jwtAuth } from './jwt-auth.js';
export { JWT_CLAIMS, principalFromClaims } from './jwt-claims.js';
export {
  DEFAULT_JWT_ALGORITHMS,
  type JsonWebKey,
  type JsonWebKeySet,
  JWT_ALGORITHMS,
  type JwtAlgorithm,
  type JwtAuthOptions,
  type JwtClaims,
  type RemoteJwks,
  type RemoteJwksOptions,
} from './jwt-options.js';
export { principalOf, type VirtualKeyAuthOptions, virtualKeyAuth } from './keys/auth.js';
export { KEYS_USAGE, type KeysCommandIo, keysCommand } from './keys/cli.js';
export { FileKeyStore } from './keys/file-store.js';
export { MemoryKeyStore } from './keys/memory-store.js';
export type { KeySettings } from './keys/records.js';
export { type RedisCommandClient, RedisKeyStore, type RedisKeyStoreOptions } from './keys/redis-store.js';
export { hashSecret, KEY_PREFIX } from './keys/secret.js';
export type { KeyBudget, KeyMetadata, KeyRecord, KeyStore } from './keys/types.js';
export {
  type KeyView,
  type KeyWithSecret,
  keyBudgetId,
  VirtualKeys,
  type VirtualKeysOptions,
} from './keys/virtual-keys.js';
export { DEFAULT_OUTPUT_ESTIMATE, LIMIT_WINDOW_MS, tokenEstimate } from './limits.js';
export { type ChatRequest, chatRequestFromOpenAI } from './openai-request.js';
export {
  chatCompletionToOpenAI,
  type OpenAIChatCompletion,
  type OpenAIFinishReason,
  type OpenAIToolCall,
  type OpenAIUsage,
  openAIFinishReason,
  openAIToolCall,
  openAIUsage,
} from './openai-response.js';
export type { GatewayOptions } from './options.js';
export { formatReset } from './ratelimit-headers.js';
export type { GatewayTlsOptions } from './tls.js';
export { WireError } from './wire-error.js';
