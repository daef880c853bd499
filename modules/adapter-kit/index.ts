/**
 * `switchyard-llm/adapter-kit`: what an adapter author needs beyond the contracts. The SSE parser
 * and the fast transport the built-in adapters use, the error mapping helpers (HTTP statuses,
 * transport exceptions, aborts, Retry-After, secret redaction), the helpers that keep an
 * adapter's own failures apart from upstream ones, a loader for an optional vendor SDK and its
 * client, and the conformance suite with its scripted server.
 *
 * The kit imports only the core's public face (`src/index.ts`); the core imports nothing of it.
 * See docs/adapter-kit.md.
 */

// Error mapping (implemented in the core, which uses them too)
export {
  errorFromAbort,
  errorFromException,
  errorFromHttpStatus,
  type HeaderSource,
  type HttpErrorOptions,
  kindFromHttpStatus,
  makeUsage,
  parseDuration,
  parseRetryAfter,
  readHeader,
  redactSecrets,
  sanitizeError,
  scrubSecrets,
} from '../../src/index.js';
// Conformance suite and its scripted server
export {
  hang,
  json,
  type RecordedRequest,
  type Responder,
  raw,
  resetConnection,
  ScriptedServer,
  type SseOptions,
  sse,
} from './conformance/scripted-server.js';
export { runAdapterConformance } from './conformance/suite.js';
export type {
  ConformanceCheck,
  ConformanceOptions,
  ConformanceRunner,
  ConformanceWire,
} from './conformance/types.js';
export type { AdapterErrorContext } from './error-context.js';
// Local errors: a request that cannot be sent, a malformed response, a bug in the mapping
export {
  checkRequestBody,
  findUnserializable,
  type LocalErrorContext,
  malformedResponse,
  mapRequest,
  requestMappingError,
  responseMappingError,
  serializeRequestBody,
  type UnserializableField,
} from './local-errors.js';
export { type LazyClient, lazyClient, type OptionalPeerOptions, optionalPeer } from './peer.js';
// Server-sent events
export { rateLimitFromHeaders, reportRateLimit } from './rate-limit-headers.js';
export { bodyIterator, drainBody, readSse, type SseEvent, SseParser, StreamErrorEvent } from './sse.js';
// Fast transport (undici is loaded by the first call)
export {
  checkTransportTls,
  createFastFetch,
  type FastFetch,
  type FastFetchOptions,
  type FetchLike,
  ResponseBody,
  TransportResponse,
  type TransportTlsOptions,
} from './transport/index.js';
