import type * as OtelApiModule from '@opentelemetry/api';
import { requirePeer } from '../adapter-kit/peer.js';

/** The `@opentelemetry/api` module, loaded by {@link loadOtelApi}. */
export type OtelApi = typeof OtelApiModule;

/**
 * Loads `@opentelemetry/api` (an optional peer dependency) when a middleware is made, not when
 * the module is imported: without it, `otelMiddleware` throws a `config` error that says to
 * install it. In Node, an app's `import` of the API loads the same CommonJS build; where a
 * bundler gives the app the ESM build instead, the two copies share the API's global state
 * (under a `globalThis` symbol) and its `Symbol.for` context keys, so spans still nest.
 */
export const loadOtelApi: () => OtelApi = requirePeer<OtelApi>('@opentelemetry/api', 'switchyard-llm/otel');
