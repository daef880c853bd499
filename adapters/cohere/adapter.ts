import type { Cohere, CohereClientV2 } from 'cohere-ai';
import {
  type LocalErrorContext,
  mapRequest,
  responseMappingError,
} from '../../modules/adapter-kit/local-errors.js';
import { type LazyClient, lazyClient, optionalPeer } from '../../modules/adapter-kit/peer.js';
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
  errorFromAbort,
  type Price,
  SwitchyardError,
  type Warning,
} from '../../src/index.js';
import { defaultPrice } from '../shared/prices.js';
import { toSwitchyardError } from './errors.js';
import { type CohereChatBody, toCohereChatBody } from './request.js';
import { fromCohereResponse } from './response.js';
import { type FetchFunction, wrapFetchForSdk } from './sdk-fetch.js';
import { fromCohereStream } from './stream.js';

/** Options of {@link CohereAdapter}. */
export interface CohereAdapterOptions {
  /**
   * Cohere API key. An empty string sends no `Authorization` header (for a proxy that
   * authenticates on its own).
   * @default process.env.CO_API_KEY, else process.env.COHERE_API_KEY
   */
  readonly apiKey?: string;
  /**
   * Base URL of the API, without the `/v2` path (the SDK appends `v2/chat`).
   * @default 'https://api.cohere.com'
   */
  readonly baseURL?: string;
  /** Extra HTTP headers sent with every call; a request's own `headers` win. */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * The fetch function the SDK uses (needs `cohere-ai` 8 or later; 7.x ignores it).
   * @default a keep-alive undici pool of this adapter (`createFastFetch` from `switchyard-llm/adapter-kit`)
   */
  readonly fetch?: FetchFunction;
  /**
   * TLS of the adapter's own transport: e.g. `{ minVersion: 'TLSv1.3' }` refuses upstreams that
   * cannot do TLS 1.3; `ca` trusts a private CA. Not with `fetch` (a `config` error). @default Node's
   */
  readonly tls?: TransportTlsOptions;
  /**
   * How long to wait for the response headers, in ms (the SDK's timeout; it does not cover
   * reading the body). The router's deadline applies on top through the abort signal.
   * @default 300000 (the SDK's default)
   */
  readonly timeoutMs?: number;
}

/** The `cohere-ai` package, as `import('cohere-ai')` gives it. */
type CohereSdk = typeof import('cohere-ai');

/** Loads `cohere-ai` on first use; a `config` error says to install it when it is missing. */
const loadCohereSdk = optionalPeer({
  packageName: 'cohere-ai',
  neededBy: 'switchyard-llm/adapters/cohere',
  load: () => import('cohere-ai'),
});

const ADAPTER = 'the Cohere adapter';

/** What the Cohere v2 chat API supports. Images need a vision model (e.g. `command-a-vision-07-2025`). */
const CAPABILITIES: AdapterCapabilities = Object.freeze({
  streaming: true,
  tools: true,
  json: 'schema',
  images: true,
  contextWindow: 128_000,
});

/**
 * Adapter for Cohere's v2 chat API through the official `cohere-ai` SDK (`CohereClientV2`), an
 * optional peer dependency loaded on the first call (without it, calls fail with a `config` error
 * that says to install it). SDK retries are off: the router decides about retries.
 *
 * @example
 * ```ts
 * import { Router } from 'switchyard-llm';
 * import { CohereAdapter } from 'switchyard-llm/adapters/cohere';
 *
 * const cohere = new CohereAdapter(); // reads CO_API_KEY
 * const router = new Router({ targets: [{ id: 'command-a', adapter: cohere, model: 'command-a-03-2025' }] });
 * ```
 */
export class CohereAdapter implements Adapter {
  /** Provider name: `providerOptions.cohere` applies to this adapter. */
  readonly provider = 'cohere';
  /** Streaming, tools, JSON schema output and images; a 128k-token context window by default. */
  readonly capabilities: AdapterCapabilities = CAPABILITIES;
  /** The SDK is loaded and the client built on the first call; options it refuses are `config`. */
  readonly #client: LazyClient<CohereSdk, CohereClientV2>;
  readonly #apiKey: string;
  readonly #ownedFetch: FastFetch | undefined;
  readonly #headers: Readonly<Record<string, string>> | undefined;
  readonly #timeoutInSeconds: number | undefined;

  /** @throws SwitchyardError `config` when there is no API key or `timeoutMs` is not a positive number. */
  constructor(options: CohereAdapterOptions = {}) {
    const apiKey = options.apiKey ?? env('CO_API_KEY') ?? env('COHERE_API_KEY');
    if (apiKey === undefined) {
      throw new SwitchyardError(
        'config',
        'CohereAdapter: no API key: pass `apiKey` or set the CO_API_KEY (or COHERE_API_KEY) environment variable',
      );
    }
    if (options.timeoutMs !== undefined && !(options.timeoutMs > 0 && Number.isFinite(options.timeoutMs))) {
      throw new SwitchyardError(
        'config',
        `CohereAdapter: timeoutMs: expected a positive number of ms, got ${options.timeoutMs}`,
      );
    }
    this.#apiKey = apiKey;
    this.#headers = options.headers;
    this.#timeoutInSeconds = options.timeoutMs === undefined ? undefined : options.timeoutMs / 1000;
    // A keep-alive undici pool per adapter unless the caller brings a fetch (theirs always wins).
    const tls = adapterTls(options, 'CohereAdapter');
    this.#ownedFetch = options.fetch === undefined ? createFastFetch({ tls }) : undefined;
    const fetchFn: FetchFunction = options.fetch ?? this.#ownedFetch!;
    const clientOptions: ConstructorParameters<typeof CohereClientV2>[0] = {
      token: apiKey,
      ...(options.baseURL === undefined ? {} : { environment: options.baseURL }),
      fetch: wrapFetchForSdk(fetchFn),
      maxRetries: 0,
    };
    this.#client = lazyClient(
      loadCohereSdk,
      (sdk) => new sdk.CohereClientV2(clientOptions),
      'CohereAdapter: cohere-ai',
    );
  }

  /** One `POST /v2/chat` call. */
  async complete(request: AdapterRequest, options: AdapterCallOptions): Promise<AdapterResponse> {
    try {
      if (options.signal.aborted) throw errorFromAbort(options.signal, options.target);
      const { body, warnings } = this.#map(request, options.target);
      const client = this.#client.current ?? (await this.#client.load());
      const response = await client.chat(body, this.#requestOptions(request, options));
      try {
        return fromCohereResponse(response, warnings);
      } catch (error) {
        throw responseMappingError(error, this.#local(options.target));
      }
    } catch (error) {
      throw this.#error(error, options);
    }
  }

  /** One streaming `POST /v2/chat` call; stops reading (and releases the connection) at `message-end`. */
  async *stream(
    request: AdapterRequest,
    options: AdapterCallOptions,
  ): AsyncGenerator<AdapterStreamPart, void, undefined> {
    let events: AsyncIterable<Cohere.V2ChatStreamResponse>;
    let warnings: readonly Warning[];
    try {
      if (options.signal.aborted) throw errorFromAbort(options.signal, options.target);
      const mapped = this.#map(request, options.target);
      warnings = mapped.warnings;
      const client = this.#client.current ?? (await this.#client.load());
      events = await client.chatStream(
        mapped.body as Cohere.V2ChatStreamRequest,
        this.#requestOptions(request, options),
      );
    } catch (error) {
      throw this.#error(error, options);
    }
    if (warnings.length > 0) yield { type: 'warnings', warnings };
    try {
      yield* fromCohereStream(events, options.target);
    } catch (error) {
      throw this.#error(error, options);
    }
  }

  /**
   * Closes the connection pool this adapter created, after the calls in flight (a no-op when you
   * passed your own `fetch`). Later calls fail with `connection`. Idempotent.
   */
  async close(): Promise<void> {
    await this.#ownedFetch?.close();
  }

  /** Default prices of Cohere models (see `adapters/shared/prices.ts`). */
  priceFor(model: string): Price | undefined {
    return defaultPrice('cohere', model);
  }

  /**
   * The SDK-shaped body of `request`, checked to serialise as JSON: a request that cannot be
   * mapped or sent fails here with `invalid_request`, before the SDK is loaded or anything is sent.
   */
  #map(request: AdapterRequest, target: string): CohereChatBody {
    return mapRequest(toCohereChatBody, request, this.#local(target));
  }

  #local(target: string): LocalErrorContext {
    return { target, adapter: ADAPTER };
  }

  #requestOptions(request: AdapterRequest, options: AdapterCallOptions): CohereClientV2RequestOptions {
    const out: CohereClientV2RequestOptions = { maxRetries: 0, abortSignal: options.signal };
    if (this.#timeoutInSeconds !== undefined) out.timeoutInSeconds = this.#timeoutInSeconds;
    if (this.#headers !== undefined || request.headers !== undefined) {
      out.headers = { ...this.#headers, ...request.headers };
    }
    return out;
  }

  #error(error: unknown, options: AdapterCallOptions): SwitchyardError {
    return toSwitchyardError(error, { target: options.target, signal: options.signal, apiKey: this.#apiKey });
  }
}

type CohereClientV2RequestOptions = NonNullable<Parameters<CohereClientV2['chat']>[1]>;

function env(name: string): string | undefined {
  const value = typeof process === 'undefined' ? undefined : process.env[name];
  return value === '' ? undefined : value;
}
