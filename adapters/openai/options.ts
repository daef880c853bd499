import type { TransportTlsOptions } from '../../modules/adapter-kit/transport/index.js';
import type { OpenAIPreset } from './presets.js';

/** A `fetch` implementation, as the OpenAI SDK takes it. */
export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Azure OpenAI options (the adapter then uses the SDK's `AzureOpenAI` client). */
export interface AzureOptions {
  /** Resource endpoint, e.g. `https://my-resource.openai.azure.com`. @default process.env.AZURE_OPENAI_ENDPOINT */
  readonly endpoint?: string;
  /** API version sent as `api-version`. @default process.env.OPENAI_API_VERSION, else `2024-10-21` */
  readonly apiVersion?: string;
  /** Deployment name. When absent, the request's `model` is used as the deployment. */
  readonly deployment?: string;
  /** Microsoft Entra ID token provider; replaces the API key. */
  readonly adTokenProvider?: () => Promise<string>;
}

/**
 * Options of {@link OpenAIAdapter}.
 *
 * @example
 * ```ts
 * new OpenAIAdapter({ preset: 'groq', timeoutMs: 30_000 });
 * new OpenAIAdapter({ baseURL: 'http://gpu-box:8000/v1', preset: 'vllm' });
 * new OpenAIAdapter({ azure: { endpoint: 'https://my-res.openai.azure.com', apiVersion: '2024-10-21' } });
 * ```
 */
export interface OpenAIAdapterOptions {
  /**
   * The provider: a preset name (built-in or registered with `registerPreset`) or a preset object.
   * @default 'openai' ('azure' when `azure` is given)
   */
  readonly preset?: string | OpenAIPreset;
  /** Provider name (`adapter.provider`), used to look up `providerOptions`. @default the preset name, or `openai-compatible` for a preset object */
  readonly provider?: string;
  /**
   * API key. Missing keys are looked up in the preset's env var (`OPENAI_API_KEY` for OpenAI); a
   * preset that requires a key and finds none makes the constructor throw a `config` error.
   */
  readonly apiKey?: string;
  /** Base URL as the OpenAI SDK takes it, e.g. `https://api.openai.com/v1`. @default the preset's */
  readonly baseURL?: string;
  /** Headers sent with every request (request headers win). */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Custom `fetch` (e.g. to add a proxy). @default a keep-alive undici pool owned by this adapter
   * (`createFastFetch` from `switchyard-llm/adapter-kit`), which skips the WHATWG fetch overhead of Node 20.
   */
  readonly fetch?: FetchFunction;
  /**
   * TLS of the adapter's own transport: e.g. `{ minVersion: 'TLSv1.3' }` refuses upstreams that
   * cannot do TLS 1.3; `ca` trusts a private CA. Not with `fetch` (a `config` error). @default Node's
   */
  readonly tls?: TransportTlsOptions;
  /** OpenAI organization id (`OpenAI-Organization` header). Only sent when set. */
  readonly organization?: string;
  /** OpenAI project id (`OpenAI-Project` header). Only sent when set. */
  readonly project?: string;
  /**
   * Time limit in ms until the response headers arrive (the SDK's `timeout`); a longer wait fails
   * with `timeout`. The body of a stream is not covered: the router's idle timeout is. @default 600000
   */
  readonly timeoutMs?: number;
  /** Azure OpenAI settings; implies the `azure` preset unless `preset` says otherwise. */
  readonly azure?: AzureOptions;
  /** The SDK's log level. Its logs go to the console, so the adapter silences them by default. @default 'off' */
  readonly logLevel?: 'off' | 'error' | 'warn' | 'info' | 'debug';
}
