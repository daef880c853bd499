import type OpenAI from 'openai';
import {
  type LocalErrorContext,
  malformedResponse,
  mapRequest,
  responseMappingError,
} from '../../modules/adapter-kit/local-errors.js';
import { type LazyClient, lazyClient } from '../../modules/adapter-kit/peer.js';
import { reportRateLimit } from '../../modules/adapter-kit/rate-limit-headers.js';
import { bodyIterator, SseParser } from '../../modules/adapter-kit/sse.js';
import type { FastFetch } from '../../modules/adapter-kit/transport/index.js';
import type {
  AbortSignalLike,
  Adapter,
  AdapterCallOptions,
  AdapterCapabilities,
  AdapterRequest,
  AdapterResponse,
  AdapterStreamPart,
  Price,
} from '../../src/index.js';
import { defaultPrice } from '../shared/prices.js';
import { loadOpenAISdk, type OpenAISdk, resolveProvider } from './client.js';
import { type DirectRoute, directRoute, parseDirect, sendDirect } from './direct.js';
import { type ErrorContext, toSwitchyardError } from './errors.js';
import type { OpenAIAdapterOptions } from './options.js';
import type { OpenAIPreset, PresetQuirks } from './presets.js';
import { type MappedRequest, toWireRequest } from './request.js';
import { fromWireCompletion } from './response.js';
import { ChunkMapper, chunkOf, PartList } from './stream.js';
import type { WireCompletion } from './wire.js';

const ADAPTER = 'the OpenAI adapter';

type CreateBody = Parameters<OpenAI['chat']['completions']['create']>[0];

/**
 * Adapter for OpenAI's Chat Completions API and every OpenAI-compatible provider (through a
 * preset), built on the official `openai` SDK with SDK retries off (the router retries). Where
 * nothing per call needs the SDK (own pool, not Azure, SDK logging off, no per-call headers), a
 * call skips the SDK's request building and sends what the SDK would send straight to the pool.
 *
 * The constructor throws a `config` {@link SwitchyardError} when the API key (or, for Azure, the
 * endpoint) is missing from both the options and the preset's env var.
 *
 * @example
 * ```ts
 * import { Router } from 'switchyard-llm';
 * import { OpenAIAdapter } from 'switchyard-llm/adapters/openai';
 *
 * const openai = new OpenAIAdapter(); // OPENAI_API_KEY
 * const deepseek = new OpenAIAdapter({ preset: 'deepseek' }); // DEEPSEEK_API_KEY
 * const router = new Router({ targets: [
 *   { id: 'gpt', adapter: openai, model: 'gpt-4o-mini' },
 *   { id: 'ds', adapter: deepseek, model: 'deepseek-chat' },
 * ] });
 * ```
 */
export class OpenAIAdapter implements Adapter {
  /** Preset name, e.g. `openai`, `deepseek`, `azure`. */
  readonly provider: string;
  /** Derived from the preset's quirks. */
  readonly capabilities: AdapterCapabilities;
  /** The preset in use. */
  readonly preset: OpenAIPreset;
  /** The SDK is loaded and the client built on the first call; options it refuses are `config`. */
  readonly #client: LazyClient<OpenAISdk, OpenAI>;
  readonly #ownedFetch: FastFetch | undefined;
  readonly #apiKey: string | undefined;
  readonly #quirks: PresetQuirks;
  /**
   * The direct request path (direct.ts): `undefined` until the client is built, then the route,
   * or `null` when this adapter's calls go through the SDK (caller fetch, Azure, logging, …).
   */
  #route: DirectRoute | null | undefined;

  /**
   * Checks the options and resolves the preset; the `openai` SDK is loaded on the first call
   * (a missing SDK then fails that call with a `config` error that says to install it).
   */
  constructor(options: OpenAIAdapterOptions = {}) {
    const resolved = resolveProvider(options);
    this.provider = resolved.provider;
    this.preset = resolved.preset;
    this.#client = lazyClient(loadOpenAISdk, resolved.createClient, 'OpenAIAdapter: the openai SDK');
    this.#ownedFetch = resolved.ownedFetch;
    this.#apiKey = resolved.apiKey;
    this.#quirks = resolved.preset.quirks ?? {};
    if (!resolved.direct) this.#route = null;
    const q = this.#quirks;
    this.capabilities = Object.freeze({
      streaming: true,
      tools: q.supportsTools ?? true,
      json: (q.supportsJsonSchema ?? true) ? 'schema' : (q.supportsJsonObject ?? true) ? 'json' : false,
      images: q.supportsImages ?? true,
      ...(q.contextWindow === undefined ? {} : { contextWindow: q.contextWindow }),
    });
  }

  /** One non-streaming Chat Completions call. */
  async complete(request: AdapterRequest, options: AdapterCallOptions): Promise<AdapterResponse> {
    try {
      const { body, warnings } = this.#map(request, options.target, false);
      const client = this.#client.current ?? (await this.#client.load());
      const route = this.#route === undefined ? await this.#resolveRoute(client) : this.#route;
      let response: unknown;
      if (route !== null && request.headers === undefined) {
        const raw = await sendDirect(route, JSON.stringify(body), abortOf(options));
        reportRateLimit(raw.rateLimitHeaders, options);
        response = await parseDirect(raw);
      } else {
        const sent = await client.chat.completions
          .create(body as unknown as CreateBody, {
            signal: options.signal,
            ...(request.headers ? { headers: { ...request.headers } } : {}),
          })
          .withResponse();
        reportRateLimit(sent.response.headers, options);
        response = sent.data;
      }
      try {
        return fromWireCompletion(response as WireCompletion, warnings, options.target);
      } catch (error) {
        throw responseMappingError(error, this.#local(options.target));
      }
    } catch (error) {
      reportRateLimit((error as { headers?: unknown } | undefined)?.headers, options);
      throw toSwitchyardError(error, this.#context(options));
    }
  }

  /** One streaming Chat Completions call. Aborting `options.signal` closes the connection. */
  async *stream(request: AdapterRequest, options: AdapterCallOptions): AsyncGenerator<AdapterStreamPart> {
    let body: AsyncIterator<Uint8Array> | undefined;
    try {
      const { body: wire, warnings } = this.#map(request, options.target, true);
      const client = this.#client.current ?? (await this.#client.load());
      const route = this.#route === undefined ? await this.#resolveRoute(client) : this.#route;
      // The direct path or the SDK sends the request and turns a non-2xx status into the SDK's
      // APIError; the SSE body is read here, which costs far less CPU than the SDK's stream reader.
      const response =
        route !== null && request.headers === undefined
          ? await sendDirect(route, JSON.stringify(wire), abortOf(options))
          : await client.chat.completions
              .create(wire as unknown as CreateBody, {
                signal: options.signal,
                ...(request.headers ? { headers: { ...request.headers } } : {}),
              })
              .asResponse();
      reportRateLimit('rateLimitHeaders' in response ? response.rateLimitHeaders : response.headers, options);
      if (!response.body)
        throw malformedResponse('a stream response without a body', this.#local(options.target));
      body = bodyIterator(response.body);
      const mapper = new ChunkMapper(warnings);
      const parts = new PartList();
      const sse = new SseParser();
      let done = false;
      for (let step = await body.next(); step.done !== true; step = await body.next()) {
        // After [DONE], read on to the end (like the SDK) so that the connection is reused.
        if (done) continue;
        sse.feed(step.value);
        for (let event = sse.next(); event !== undefined; event = sse.next()) {
          const chunk = chunkOf(event.data);
          if (chunk === undefined) {
            done = true;
            break;
          }
          try {
            parts.clear();
            mapper.push(chunk, parts);
            for (let i = 0; i < parts.size; i++) yield parts.at(i);
          } catch (error) {
            throw responseMappingError(error, this.#local(options.target));
          }
        }
      }
      body = undefined; // read to the end: nothing left to close
      // A custom fetch may end the body quietly when the request is aborted.
      const abort = abortOf(options);
      if (abort.aborted) throw abort.reason;
      try {
        yield* mapper.end(options.target);
      } catch (error) {
        throw responseMappingError(error, this.#local(options.target));
      }
    } catch (error) {
      throw toSwitchyardError(error, this.#context(options));
    } finally {
      // Left early (abort, error, the consumer's break): hang up instead of reading the rest.
      if (body) await body.return?.().catch(() => undefined);
    }
  }

  /** Default price of `model` from the shared price table, when known. */
  priceFor(model: string): Price | undefined {
    return defaultPrice(this.provider, model);
  }

  /**
   * Closes the connection pool this adapter created, after the calls in flight (a no-op when you
   * passed your own `fetch`). Later calls fail with `connection`. Idempotent.
   */
  async close(): Promise<void> {
    await this.#ownedFetch?.close();
  }

  /**
   * The wire body of `request`, checked to serialise as JSON: a request that cannot be mapped or
   * sent fails here with `invalid_request`, before the SDK is loaded or anything is sent.
   */
  #map(request: AdapterRequest, target: string, stream: boolean): MappedRequest {
    return mapRequest(
      (r: AdapterRequest) => toWireRequest(r, this.provider, this.#quirks, stream),
      request,
      this.#local(target),
    );
  }

  /** Reads the direct route from the client once (`null`: this client needs the SDK path). */
  async #resolveRoute(client: OpenAI): Promise<DirectRoute | null> {
    const sdk = this.#client.sdk;
    const fetch = this.#ownedFetch;
    const route = sdk && fetch ? ((await directRoute(client, sdk, fetch)) ?? null) : null;
    this.#route ??= route;
    return this.#route;
  }

  #local(target: string): LocalErrorContext {
    return { target, adapter: ADAPTER };
  }

  #context(options: AdapterCallOptions): ErrorContext {
    return { target: options.target, signal: abortOf(options), apiKey: this.#apiKey, sdk: this.#client.sdk };
  }
}

/** The attempt's abort state, without making an `AbortSignal` when the router gives `cancellation`. */
function abortOf(options: AdapterCallOptions): AbortSignalLike {
  return options.cancellation ?? options.signal;
}
