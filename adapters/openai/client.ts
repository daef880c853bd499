/**
 * Resolves a preset's settings (at construction) and builds the OpenAI SDK client from them
 * (on first use, once the SDK is loaded). Every credential and URL is passed explicitly so that
 * the SDK never falls back to OpenAI env vars (`OPENAI_API_KEY`, `OPENAI_BASE_URL`, …) when
 * talking to another provider.
 */
import type OpenAI from 'openai';
import { optionalPeer } from '../../modules/adapter-kit/peer.js';
import { adapterTls, createFastFetch, type FastFetch } from '../../modules/adapter-kit/transport/index.js';
import { SwitchyardError } from '../../src/index.js';
import type { OpenAIAdapterOptions } from './options.js';
import { getPreset, type OpenAIPreset } from './presets.js';

/** The `openai` package, as `import('openai')` gives it. */
export type OpenAISdk = typeof import('openai');

/** Loads the `openai` SDK on first use; a `config` error says to install it when it is missing. */
export const loadOpenAISdk: () => Promise<OpenAISdk> = optionalPeer({
  packageName: 'openai',
  neededBy: 'switchyard-llm/adapters/openai',
  load: () => import('openai'),
});

/** What the adapter needs to know about its provider. */
export interface ResolvedProvider {
  readonly provider: string;
  readonly preset: OpenAIPreset;
  /** The key in use, for redaction; `undefined` when none. */
  readonly apiKey: string | undefined;
  /** Builds the SDK client once the SDK is loaded (may throw the SDK's own option errors). */
  readonly createClient: (sdk: OpenAISdk) => OpenAI;
  /** The connection pool the adapter created (none when the caller passed `fetch`). */
  readonly ownedFetch: FastFetch | undefined;
  /**
   * Whether calls may take the direct path (direct.ts) over `ownedFetch`: not Azure, no caller
   * `fetch`, SDK logging off (its log lines would go missing).
   */
  readonly direct: boolean;
}

/** Client options shared by the OpenAI and Azure clients (stable across SDK majors 5+). */
interface CommonOptions {
  readonly organization: string | null;
  readonly project: string | null;
  readonly maxRetries: number;
  readonly timeout: number | undefined;
  readonly fetch: OpenAIAdapterOptions['fetch'];
  readonly logLevel: NonNullable<OpenAIAdapterOptions['logLevel']>;
  readonly defaultHeaders: Record<string, string | null>;
}

// Stands in for a key where none is needed; the Authorization header is removed (set to null).
const NO_KEY = 'no-key';

function env(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const value = typeof process === 'undefined' ? undefined : process.env[name];
  return value?.trim() ? value : undefined;
}

function resolvePreset(options: OpenAIAdapterOptions): { name: string; preset: OpenAIPreset } {
  const choice = options.preset ?? (options.azure ? 'azure' : 'openai');
  if (typeof choice !== 'string') return { name: options.provider ?? 'openai-compatible', preset: choice };
  const preset = getPreset(choice);
  if (!preset) {
    throw new SwitchyardError(
      'config',
      `preset '${choice}' is not known: use a built-in name, registerPreset(), or a preset object`,
    );
  }
  return { name: options.provider ?? choice, preset };
}

/**
 * Resolves the preset, key and client options without loading the SDK. Throws `config` errors
 * for missing settings (key, Azure endpoint).
 */
export function resolveProvider(options: OpenAIAdapterOptions): ResolvedProvider {
  const { name, preset } = resolvePreset(options);
  const apiKey = options.apiKey ?? env(preset.apiKeyEnv);
  const keyRequired = (preset.quirks?.requiresApiKey ?? true) && !options.azure?.adTokenProvider;
  if (!apiKey && keyRequired) {
    const where = preset.apiKeyEnv ? `set ${preset.apiKeyEnv} or pass` : 'pass';
    throw new SwitchyardError(
      'config',
      `${preset.label} needs an API key: ${where} { apiKey } to the adapter`,
    );
  }
  const anonymous = !apiKey && !options.azure?.adTokenProvider;
  const tls = adapterTls(options, 'OpenAIAdapter');
  const ownedFetch = options.fetch === undefined ? createFastFetch({ tls }) : undefined;
  const common: CommonOptions = {
    organization: options.organization ?? null,
    project: options.project ?? null,
    maxRetries: 0, // the router owns retries
    timeout: options.timeoutMs,
    // A keep-alive undici pool per adapter unless the caller brings a fetch (theirs always wins).
    fetch: options.fetch ?? ownedFetch,
    logLevel: options.logLevel ?? 'off',
    // A null header is removed by the SDK: no placeholder credential goes on the wire.
    defaultHeaders: {
      ...preset.headers,
      ...options.headers,
      ...(anonymous ? { Authorization: null, 'api-key': null } : {}),
    },
  };
  const createClient =
    preset.azure || options.azure
      ? azureClient(preset, options, apiKey, common)
      : (sdk: OpenAISdk) =>
          new sdk.OpenAI({ ...common, apiKey: apiKey ?? NO_KEY, baseURL: options.baseURL ?? preset.baseURL });
  const direct = ownedFetch !== undefined && !preset.azure && !options.azure && common.logLevel === 'off';
  return { provider: name, preset, apiKey, createClient, ownedFetch, direct };
}

/** Checks the Azure settings now and returns the builder of the `AzureOpenAI` client. */
function azureClient(
  preset: OpenAIPreset,
  options: OpenAIAdapterOptions,
  apiKey: string | undefined,
  common: CommonOptions,
): (sdk: OpenAISdk) => OpenAI {
  const azure = options.azure ?? {};
  const settings = preset.azure;
  const endpoint = options.baseURL ? undefined : (azure.endpoint ?? env(settings?.endpointEnv));
  if (!options.baseURL && !endpoint) {
    const name = settings?.endpointEnv ?? 'AZURE_OPENAI_ENDPOINT';
    throw new SwitchyardError(
      'config',
      `Azure OpenAI needs an endpoint: set ${name} or pass { azure: { endpoint } }`,
    );
  }
  const apiVersion =
    azure.apiVersion ?? env(settings?.apiVersionEnv) ?? settings?.defaultApiVersion ?? '2024-10-21';
  return (sdk) =>
    new sdk.AzureOpenAI({
      ...common,
      ...(azure.adTokenProvider
        ? { azureADTokenProvider: azure.adTokenProvider }
        : { apiKey: apiKey ?? NO_KEY }),
      ...(options.baseURL ? { baseURL: options.baseURL } : { endpoint }),
      apiVersion,
      deployment: azure.deployment,
    });
}
