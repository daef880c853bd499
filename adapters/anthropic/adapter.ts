import type Anthropic from '@anthropic-ai/sdk';
import {
  type LocalErrorContext,
  mapRequest,
  responseMappingError,
} from '../../modules/adapter-kit/local-errors.js';
import { type LazyClient, lazyClient, optionalPeer } from '../../modules/adapter-kit/peer.js';
import { reportRateLimit } from '../../modules/adapter-kit/rate-limit-headers.js';
import {
  adapterTls,
  createFastFetch,
  type FastFetch,
  type TransportTlsOptions,
} from '../../modules/adapter-kit/transport/index.js';
import {
  type Adapter,
  type AdapterCallOptions,
  type AdapterCapabilities,
  type AdapterRequest,
  type AdapterResponse,
  type AdapterStreamPart,
  type Price,
  SwitchyardError,
} from '../../src/index.js';
import { defaultPrice } from '../shared/prices.js';
import { ADAPTER, type AnthropicSdk, type ErrorContext, toSwitchyardError } from './errors.js';
import { type BuiltRequest, buildRequest, type JsonSchemaMode, type RequestDefaults } from './request.js';
import { mapResponse } from './response.js';
import { mapStream, readEvents } from './stream.js';
import type { WireResponse, WireStreamEvent } from './wire.js';

/** A `fetch` implementation, e.g. undici's or one that records requests. */
export type AnthropicFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Options of {@link AnthropicAdapter}. */
export interface AnthropicAdapterOptions {
  /** API key. @default process.env.ANTHROPIC_API_KEY */
  readonly apiKey?: string;
  /** API base URL. @default the SDK's: process.env.ANTHROPIC_BASE_URL, else `https://api.anthropic.com` */
  readonly baseURL?: string;
  /** Headers sent with every request (e.g. `anthropic-beta`). */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * The `fetch` the SDK uses.
   * @default a keep-alive undici pool of this adapter (`createFastFetch` from `switchyard-llm/adapter-kit`)
   */
  readonly fetch?: AnthropicFetch;
  /**
   * TLS of the adapter's own transport: e.g. `{ minVersion: 'TLSv1.3' }` refuses upstreams that
   * cannot do TLS 1.3; `ca` trusts a private CA. Not with `fetch` (a `config` error). @default Node's
   */
  readonly tls?: TransportTlsOptions;
  /** `max_tokens` when neither the request nor the target sets `maxOutputTokens`. @default 4096 */
  readonly defaultMaxTokens?: number;
  /** How long to wait for the response headers of one attempt, in ms. @default 600000 */
  readonly timeoutMs?: number;
  /**
   * How `responseFormat: { type: 'json', schema }` is served: `tool` forces a single tool whose
   * input is the answer; `native` sends `output_config.format` (structured outputs), for models
   * that refuse forced tool use. @default 'tool'
   */
  readonly jsonSchemaMode?: JsonSchemaMode;
}

const CAPABILITIES: AdapterCapabilities = Object.freeze({
  streaming: true,
  tools: true,
  json: 'schema',
  images: true,
  contextWindow: 200_000,
});

/** Loads `@anthropic-ai/sdk` on first use; a `config` error says to install it when it is missing. */
const loadAnthropicSdk = optionalPeer({
  packageName: '@anthropic-ai/sdk',
  neededBy: 'switchyard-llm/adapters/anthropic',
  load: () => import('@anthropic-ai/sdk'),
});

function envApiKey(): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.ANTHROPIC_API_KEY || undefined;
}

/**
 * Adapter for the Anthropic Messages API, built on the official `@anthropic-ai/sdk` (an optional
 * peer dependency, loaded on the first call: without it, calls fail with a `config` error that
 * says to install it). The SDK never retries (`maxRetries: 0`): retries and fallback are the
 * router's.
 *
 * @example
 * ```ts
 * import { Router } from 'switchyard-llm';
 * import { AnthropicAdapter } from 'switchyard-llm/adapters/anthropic';
 *
 * const anthropic = new AnthropicAdapter(); // reads ANTHROPIC_API_KEY
 * const router = new Router({
 *   targets: [{ id: 'sonnet', adapter: anthropic, model: 'claude-sonnet-4-6', maxOutputTokens: 1024 }],
 * });
 * ```
 */
export class AnthropicAdapter implements Adapter {
  readonly provider = 'anthropic';
  readonly capabilities: AdapterCapabilities = CAPABILITIES;
  /** The SDK is loaded and the client built on the first call; options it refuses are `config`. */
  readonly #client: LazyClient<AnthropicSdk, Anthropic>;
  readonly #apiKey: string;
  readonly #ownedFetch: FastFetch | undefined;
  readonly #defaults: RequestDefaults;
  readonly #timeoutMs: number;

  /** @throws {SwitchyardError} `config` when there is no API key or an option is invalid. */
  constructor(options: AnthropicAdapterOptions = {}) {
    const apiKey = options.apiKey ?? envApiKey();
    if (!apiKey) {
      throw new SwitchyardError(
        'config',
        'AnthropicAdapter: no API key: pass options.apiKey or set the ANTHROPIC_API_KEY environment variable',
      );
    }
    const defaultMaxTokens = options.defaultMaxTokens ?? 4096;
    if (!Number.isInteger(defaultMaxTokens) || defaultMaxTokens < 1) {
      throw new SwitchyardError(
        'config',
        `AnthropicAdapter: options.defaultMaxTokens: expected a positive integer, got ${defaultMaxTokens}`,
      );
    }
    const timeoutMs = options.timeoutMs ?? 600_000;
    if (!(timeoutMs > 0)) {
      throw new SwitchyardError(
        'config',
        `AnthropicAdapter: options.timeoutMs: expected a positive number of ms, got ${timeoutMs}`,
      );
    }
    const jsonSchemaMode = options.jsonSchemaMode ?? 'tool';
    if (jsonSchemaMode !== 'tool' && jsonSchemaMode !== 'native') {
      throw new SwitchyardError(
        'config',
        `AnthropicAdapter: options.jsonSchemaMode: expected 'tool' or 'native', got '${String(jsonSchemaMode)}'`,
      );
    }
    this.#apiKey = apiKey;
    this.#defaults = { defaultMaxTokens, jsonSchemaMode };
    this.#timeoutMs = timeoutMs;
    const tls = adapterTls(options, 'AnthropicAdapter');
    this.#ownedFetch = options.fetch === undefined ? createFastFetch({ tls }) : undefined;
    const clientOptions: ConstructorParameters<typeof Anthropic>[0] = {
      apiKey,
      ...(options.baseURL === undefined ? {} : { baseURL: options.baseURL }),
      ...(options.headers === undefined ? {} : { defaultHeaders: { ...options.headers } }),
      // A keep-alive undici pool per adapter unless the caller brings a fetch (theirs always wins).
      fetch: options.fetch ?? this.#ownedFetch,
      // An explicit timeout also stops the SDK from refusing large non-streaming max_tokens.
      timeout: timeoutMs,
      maxRetries: 0,
    };
    this.#client = lazyClient(
      loadAnthropicSdk,
      (sdk) => new sdk.Anthropic(clientOptions),
      'AnthropicAdapter: @anthropic-ai/sdk',
    );
  }

  /** One non-streaming `messages.create` call. */
  async complete(request: AdapterRequest, options: AdapterCallOptions): Promise<AdapterResponse> {
    try {
      const built = this.#build(request, options.target, false);
      const client = this.#client.current ?? (await this.#client.load());
      // The body is typed by this adapter's wire types, not the SDK's (see wire.ts).
      const { data, response } = await client.messages
        .create(built.body as never, this.#requestOptions(request, options))
        .withResponse();
      reportRateLimit(response.headers, options);
      const message = data as unknown as WireResponse;
      try {
        return mapResponse(message, built.warnings, built.jsonTool);
      } catch (error) {
        throw responseMappingError(error, this.#local(options.target));
      }
    } catch (error) {
      reportRateLimit((error as { headers?: unknown } | undefined)?.headers, options);
      throw toSwitchyardError(error, this.#context(options));
    }
  }

  /** One streaming `messages.create` call; the first `next()` rejects when the call fails. */
  async *stream(request: AdapterRequest, options: AdapterCallOptions): AsyncIterable<AdapterStreamPart> {
    let events: AsyncIterable<WireStreamEvent>;
    let built: BuiltRequest;
    try {
      built = this.#build(request, options.target, true);
      const client = this.#client.current ?? (await this.#client.load());
      // The SDK sends the request and turns a non-2xx status into its APIError; the SSE body is
      // read by readEvents, which costs far less CPU than the SDK's stream reader.
      const response = await client.messages
        .create(built.body as never, this.#requestOptions(request, options))
        .asResponse();
      reportRateLimit(response.headers, options);
      events = readEvents(response);
    } catch (error) {
      reportRateLimit((error as { headers?: unknown } | undefined)?.headers, options);
      throw toSwitchyardError(error, this.#context(options));
    }
    try {
      yield* mapStream(events, {
        target: options.target,
        warnings: built.warnings,
        ...(built.jsonTool ? { jsonTool: built.jsonTool } : {}),
      });
    } catch (error) {
      // A body may end quietly when the signal aborts (a custom fetch can): the mapping then
      // reports a cut, and the signal turns it into the abort it really is.
      throw toSwitchyardError(error, this.#context(options));
    }
  }

  /**
   * Closes the connection pool this adapter created, after the calls in flight (a no-op when you
   * passed your own `fetch`). Later calls fail with `connection`. Idempotent.
   */
  async close(): Promise<void> {
    await this.#ownedFetch?.close();
  }

  /** Default prices of `model` (see `adapters/shared/prices.ts`). */
  priceFor(model: string): Price | undefined {
    return defaultPrice('anthropic', model);
  }

  /**
   * The wire body of `request` (with `stream: true` for streams), checked to serialise as JSON:
   * a request that cannot be mapped or sent fails here with `invalid_request`, before the SDK is
   * loaded or anything is sent.
   */
  #build(request: AdapterRequest, target: string, stream: boolean): BuiltRequest {
    return mapRequest(
      (r: AdapterRequest): BuiltRequest => {
        const built = buildRequest(r, this.#defaults);
        return stream ? { ...built, body: { ...built.body, stream: true } } : built;
      },
      request,
      this.#local(target),
    );
  }

  #local(target: string): LocalErrorContext {
    return { target, adapter: ADAPTER };
  }

  #context(options: AdapterCallOptions): ErrorContext {
    return {
      target: options.target,
      signal: options.signal,
      apiKey: this.#apiKey,
      timeoutMs: this.#timeoutMs,
      sdk: this.#client.sdk,
    };
  }

  #requestOptions(
    request: AdapterRequest,
    options: AdapterCallOptions,
  ): { signal: AbortSignal; headers?: Record<string, string> } {
    return request.headers === undefined
      ? { signal: options.signal }
      : { signal: options.signal, headers: { ...request.headers } };
  }
}
