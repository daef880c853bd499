/**
 * `AISDKAdapter(model)`: any AI SDK `LanguageModelV3` (Bedrock, Vertex, Gemini, Mistral, an
 * OpenAI-compatible server, …) as a Switchyard target.
 */
import type {
  LanguageModelV3,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamPart,
} from '@ai-sdk/provider';
import {
  type Adapter,
  type AdapterCallOptions,
  type AdapterCapabilities,
  type AdapterRequest,
  type AdapterResponse,
  type AdapterStreamPart,
  type Price,
  SwitchyardError,
} from '../../index.js';
import { errorFromAbort } from '../adapter-kit/index.js';
import { errorFromAISDK } from './errors.js';
import { callToV3 } from './options.js';
import { contentFromV3, finishFromV3, usageFromV3, warningsFromV3 } from './results.js';
import { partsFromV3 } from './stream-parts.js';

/** Options of {@link AISDKAdapter}. */
export interface AISDKAdapterOptions {
  /**
   * Provider name: the key of the request's and target's `providerOptions` meant for this
   * adapter, and the key they are passed under to the model (`providerOptions[provider]`).
   * @default the model's provider up to the first dot (`openai.chat` → `openai`)
   */
  readonly provider?: string;
  /** What the model can do; the router skips targets that cannot serve a request. @default everything */
  readonly capabilities?: Partial<AdapterCapabilities>;
  /** Token prices of the model, for `costUsd`. */
  readonly price?: Price;
}

const DEFAULT_CAPABILITIES: AdapterCapabilities = {
  streaming: true,
  tools: true,
  json: 'schema',
  images: true,
};

/**
 * Wraps an AI SDK `LanguageModelV3` as a Switchyard {@link Adapter}, so that any AI SDK provider
 * package becomes a target. Errors are mapped from the AI SDK's (`APICallError` status and
 * `isRetryable`, Retry-After from its response headers, see {@link errorFromAISDK}); the
 * attempt's abort signal is passed to the model and also ends the attempt at once when the
 * model does not honour it; streams follow the router's commit rule (a failure before the first
 * content part falls back, after it the stream ends as `stream_interrupted`).
 *
 * The model answers with its own model id: set the target's `model` to `model.modelId` (it
 * names the target in events and finds its price).
 *
 * @example
 * ```ts
 * import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
 * const local = createOpenAICompatible({ name: 'local', baseURL: 'http://127.0.0.1:8000/v1' });
 * const router = new Router({
 *   targets: [{ id: 'local', adapter: new AISDKAdapter(local('qwen3')), model: 'qwen3' }],
 * });
 * ```
 * @throws {SwitchyardError} `config` when `model` is not a `LanguageModelV3` or an option is malformed.
 */
export class AISDKAdapter implements Adapter {
  readonly provider: string;
  readonly capabilities: AdapterCapabilities;
  /** The wrapped model. */
  readonly model: LanguageModelV3;
  readonly #price: Price | undefined;

  constructor(model: LanguageModelV3, options: AISDKAdapterOptions = {}) {
    checkModel(model);
    if (options.provider !== undefined && (typeof options.provider !== 'string' || options.provider === '')) {
      throw new SwitchyardError('config', 'AISDKAdapter: options.provider must be a non-empty string');
    }
    if (
      options.capabilities !== undefined &&
      (options.capabilities === null || typeof options.capabilities !== 'object')
    ) {
      throw new SwitchyardError('config', 'AISDKAdapter: options.capabilities must be an object');
    }
    this.model = model;
    this.provider = options.provider ?? (model.provider.split('.')[0] || model.provider);
    this.capabilities = { ...DEFAULT_CAPABILITIES, ...options.capabilities };
    this.#price = options.price;
  }

  priceFor(): Price | undefined {
    return this.#price;
  }

  async complete(request: AdapterRequest, options: AdapterCallOptions): Promise<AdapterResponse> {
    const { signal, target } = options;
    let result: LanguageModelV3GenerateResult;
    try {
      result = await untilAborted(
        this.model.doGenerate(callToV3(request, signal, this.provider)),
        signal,
        target,
      );
    } catch (error) {
      throw errorFromAISDK(error, { target, signal });
    }
    const warnings = warningsFromV3(result.warnings);
    const content = contentFromV3(result.content, warnings);
    const response: { -readonly [K in keyof AdapterResponse]: AdapterResponse[K] } = {
      content,
      ...finishFromV3(result.finishReason),
      usage: usageFromV3(result.usage),
    };
    if (result.response?.id !== undefined) response.responseId = result.response.id;
    if (result.response?.modelId !== undefined) response.modelId = result.response.modelId;
    if (warnings.length > 0) response.warnings = warnings;
    if (result.providerMetadata !== undefined) response.providerMetadata = result.providerMetadata;
    return response;
  }

  async *stream(request: AdapterRequest, options: AdapterCallOptions): AsyncGenerator<AdapterStreamPart> {
    const { signal, target } = options;
    let stream: ReadableStream<LanguageModelV3StreamPart>;
    try {
      ({ stream } = await untilAborted(
        this.model.doStream(callToV3(request, signal, this.provider)),
        signal,
        target,
        (late) => late.stream.cancel().catch(() => {}), // opened after the abort: nobody reads it
      ));
    } catch (error) {
      throw errorFromAISDK(error, { target, signal });
    }
    yield* partsFromV3(stream, { target, signal });
  }
}

function checkModel(model: unknown): asserts model is LanguageModelV3 {
  const m = model as Partial<LanguageModelV3> | null;
  if (m === null || typeof m !== 'object') {
    throw new SwitchyardError('config', 'AISDKAdapter: model must be an AI SDK LanguageModelV3 object');
  }
  if (m.specificationVersion !== 'v3') {
    throw new SwitchyardError(
      'config',
      `AISDKAdapter: model must implement the LanguageModelV3 specification (specificationVersion 'v3', from @ai-sdk/provider 3 / ai 6); got ${JSON.stringify(m.specificationVersion)}`,
    );
  }
  if (typeof m.doGenerate !== 'function' || typeof m.doStream !== 'function') {
    throw new SwitchyardError('config', 'AISDKAdapter: model must have doGenerate and doStream methods');
  }
  if (typeof m.provider !== 'string' || typeof m.modelId !== 'string') {
    throw new SwitchyardError('config', 'AISDKAdapter: model must have string provider and modelId fields');
  }
}

/**
 * Settles with `work`, or rejects with the abort reason as soon as `signal` aborts (a model that
 * ignores its abort signal cannot hold the attempt); what `work` yields after that goes to
 * `discard`.
 */
function untilAborted<T>(
  work: PromiseLike<T>,
  signal: AbortSignal,
  target: string,
  discard?: (late: T) => void,
): Promise<T> {
  if (signal.aborted) {
    Promise.resolve(work).then(discard, () => {});
    return Promise.reject(errorFromAbort(signal, target));
  }
  return new Promise<T>((resolve, reject) => {
    let aborted = false;
    const onAbort = () => {
      aborted = true;
      reject(errorFromAbort(signal, target));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve(work).then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        if (aborted) discard?.(value);
        else resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
