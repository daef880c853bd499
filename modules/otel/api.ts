import type * as OtelApiModule from '@opentelemetry/api';
import { requirePeer } from '../adapter-kit/peer.js';

/** The `@opentelemetry/api` module, loaded by {@link loadOtelApi}. */
export type OtelApi = typeof OtelApiModule;

/**
 * Loads `@opentelemetry/api` (an optional peer dependency) when a middleware is made, not when
 * the module is imported: without it, `otelMiddleware` throws a `config` error that says to
 * install it. The API keeps its global state (providers, context manager, propagator) under a
 * `globalThis` symbol and its context keys are `Symbol.for` keys, so the copy loaded here works
 * with spans and contexts of the app's copy (e.g. the ESM one).
 */
export const loadOtelApi: () => OtelApi = requirePeer<OtelApi>('@opentelemetry/api', 'switchyard-llm/otel');
