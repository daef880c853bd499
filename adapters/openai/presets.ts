/**
 * Presets: where an OpenAI-compatible provider lives and how it deviates from OpenAI's Chat
 * Completions API. Base URLs and env var names come from each provider's documentation (see
 * docs/providers.md for sources and the ones we are less sure of).
 */
import { SwitchyardError } from '../../src/index.js';

/**
 * How a provider deviates from OpenAI's Chat Completions API. Every flag is optional; an absent
 * flag means "behaves like OpenAI".
 */
export interface PresetQuirks {
  /** Send `stream_options: { include_usage: true }` when streaming. Strict servers reject unknown fields. @default true */
  readonly streamOptions?: boolean;
  /** Body field for `maxOutputTokens`. @default 'max_tokens' */
  readonly maxTokensField?: 'max_tokens' | 'max_completion_tokens';
  /** `response_format: { type: 'json_schema' }` works; else a schema request falls back to JSON mode plus a warning. @default true */
  readonly supportsJsonSchema?: boolean;
  /** `response_format: { type: 'json_object' }` works; else JSON mode is dropped with a warning. @default true */
  readonly supportsJsonObject?: boolean;
  /** Function tools work; else a request with tools fails with `invalid_request` before the call. @default true */
  readonly supportsTools?: boolean;
  /** `seed` works; else it is dropped with a warning. @default true */
  readonly supportsSeed?: boolean;
  /** Body field for `seed` (Mistral calls it `random_seed`). @default 'seed' */
  readonly seedField?: 'seed' | 'random_seed';
  /** `presence_penalty` / `frequency_penalty` work; else they are dropped with a warning. @default true */
  readonly supportsPenalties?: boolean;
  /** `top_k` works (a non-OpenAI extension); else `topK` is dropped with a warning. @default false */
  readonly supportsTopK?: boolean;
  /** Image inputs work; else a request with images fails with `invalid_request` before the call. @default true */
  readonly supportsImages?: boolean;
  /**
   * The provider reports usage in the last stream chunk without being asked. Informational: the
   * adapter always takes usage from whichever chunk carries it. @default false
   */
  readonly usageInFinalChunk?: boolean;
  /** An API key is required; local servers usually need none. @default true */
  readonly requiresApiKey?: boolean;
  /** Default context window in tokens, when the provider has one for all its models. */
  readonly contextWindow?: number;
}

/** Azure OpenAI settings of a preset: where to read the endpoint and API version from. */
export interface AzurePresetSettings {
  /** Env var with the resource endpoint, e.g. `https://my-resource.openai.azure.com`. */
  readonly endpointEnv: string;
  /** Env var with the API version. */
  readonly apiVersionEnv: string;
  /** API version used when neither the options nor the env var give one. */
  readonly defaultApiVersion: string;
}

/**
 * An OpenAI-compatible provider.
 *
 * @example
 * ```ts
 * registerPreset('my-gateway', {
 *   label: 'My gateway', baseURL: 'https://llm.example.com/v1', apiKeyEnv: 'MY_GATEWAY_KEY',
 *   quirks: { streamOptions: false },
 * });
 * ```
 */
export interface OpenAIPreset {
  /** Human-readable provider name. */
  readonly label: string;
  /** Base URL as the OpenAI SDK takes it (requests go to `<baseURL>/chat/completions`). Empty for Azure. */
  readonly baseURL: string;
  /** Env var the API key is read from when none is passed. */
  readonly apiKeyEnv?: string;
  /** How the provider deviates from OpenAI. */
  readonly quirks?: PresetQuirks;
  /** Present for Azure OpenAI: the adapter uses the SDK's `AzureOpenAI` client. */
  readonly azure?: AzurePresetSettings;
  /** Headers sent with every request to this provider. */
  readonly headers?: Readonly<Record<string, string>>;
}

const LOCAL: PresetQuirks = { requiresApiKey: false, supportsTopK: true };

/** Built-in presets, by name. The name becomes the adapter's `provider`. */
export const presets = Object.freeze({
  openai: {
    label: 'OpenAI',
    baseURL: 'https://api.openai.com/v1',
    apiKeyEnv: 'OPENAI_API_KEY',
    quirks: { maxTokensField: 'max_completion_tokens' },
  },
  azure: {
    label: 'Azure OpenAI',
    baseURL: '',
    apiKeyEnv: 'AZURE_OPENAI_API_KEY',
    quirks: { maxTokensField: 'max_completion_tokens' },
    azure: {
      endpointEnv: 'AZURE_OPENAI_ENDPOINT',
      apiVersionEnv: 'OPENAI_API_VERSION',
      defaultApiVersion: '2024-10-21',
    },
  },
  deepseek: {
    label: 'DeepSeek',
    baseURL: 'https://api.deepseek.com',
    apiKeyEnv: 'DEEPSEEK_API_KEY',
    quirks: { supportsJsonSchema: false, supportsImages: false, supportsSeed: false },
  },
  xai: { label: 'xAI', baseURL: 'https://api.x.ai/v1', apiKeyEnv: 'XAI_API_KEY' },
  qwen: {
    label: 'Alibaba Cloud Model Studio (Qwen, DashScope compatible mode)',
    baseURL: 'https://dashscope-intl.aliyuncs.com/compatible-mode/v1',
    apiKeyEnv: 'DASHSCOPE_API_KEY',
    quirks: { supportsJsonSchema: false },
  },
  together: {
    label: 'Together AI',
    baseURL: 'https://api.together.xyz/v1',
    apiKeyEnv: 'TOGETHER_API_KEY',
    quirks: { supportsTopK: true },
  },
  fireworks: {
    label: 'Fireworks AI',
    baseURL: 'https://api.fireworks.ai/inference/v1',
    apiKeyEnv: 'FIREWORKS_API_KEY',
    quirks: { supportsTopK: true },
  },
  perplexity: {
    label: 'Perplexity',
    baseURL: 'https://api.perplexity.ai',
    apiKeyEnv: 'PERPLEXITY_API_KEY',
    quirks: {
      supportsTools: false,
      supportsJsonObject: false,
      supportsSeed: false,
      streamOptions: false,
      usageInFinalChunk: true,
    },
  },
  groq: {
    label: 'Groq',
    baseURL: 'https://api.groq.com/openai/v1',
    apiKeyEnv: 'GROQ_API_KEY',
    quirks: { maxTokensField: 'max_completion_tokens' },
  },
  mistral: {
    label: 'Mistral AI',
    baseURL: 'https://api.mistral.ai/v1',
    apiKeyEnv: 'MISTRAL_API_KEY',
    quirks: { streamOptions: false, usageInFinalChunk: true, seedField: 'random_seed' },
  },
  gemini: {
    label: 'Google Gemini (OpenAI compatibility)',
    baseURL: 'https://generativelanguage.googleapis.com/v1beta/openai/',
    apiKeyEnv: 'GEMINI_API_KEY',
  },
  openrouter: {
    label: 'OpenRouter',
    baseURL: 'https://openrouter.ai/api/v1',
    apiKeyEnv: 'OPENROUTER_API_KEY',
    quirks: { supportsTopK: true, usageInFinalChunk: true },
  },
  ai21: {
    label: 'AI21 Labs',
    baseURL: 'https://api.ai21.com/studio/v1',
    apiKeyEnv: 'AI21_API_KEY',
    quirks: {
      streamOptions: false,
      supportsJsonSchema: false,
      supportsSeed: false,
      supportsPenalties: false,
      supportsImages: false,
    },
  },
  cerebras: {
    label: 'Cerebras',
    baseURL: 'https://api.cerebras.ai/v1',
    apiKeyEnv: 'CEREBRAS_API_KEY',
    quirks: { maxTokensField: 'max_completion_tokens', supportsPenalties: false, supportsImages: false },
  },
  sambanova: {
    label: 'SambaNova Cloud',
    baseURL: 'https://api.sambanova.ai/v1',
    apiKeyEnv: 'SAMBANOVA_API_KEY',
    quirks: { supportsJsonSchema: false },
  },
  nebius: {
    label: 'Nebius AI Studio (Token Factory)',
    baseURL: 'https://api.tokenfactory.nebius.com/v1/',
    apiKeyEnv: 'NEBIUS_API_KEY',
  },
  hyperbolic: {
    label: 'Hyperbolic',
    baseURL: 'https://api.hyperbolic.xyz/v1',
    apiKeyEnv: 'HYPERBOLIC_API_KEY',
  },
  novita: {
    label: 'Novita AI',
    baseURL: 'https://api.novita.ai/openai',
    apiKeyEnv: 'NOVITA_API_KEY',
    quirks: { supportsTopK: true },
  },
  moonshot: {
    label: 'Moonshot AI (Kimi)',
    baseURL: 'https://api.moonshot.ai/v1',
    apiKeyEnv: 'MOONSHOT_API_KEY',
    quirks: { supportsJsonSchema: false },
  },
  zhipu: {
    label: 'Zhipu AI (BigModel GLM)',
    baseURL: 'https://open.bigmodel.cn/api/paas/v4',
    apiKeyEnv: 'ZHIPUAI_API_KEY',
    quirks: { supportsJsonSchema: false, supportsSeed: false, supportsPenalties: false },
  },
  deepinfra: {
    label: 'DeepInfra',
    baseURL: 'https://api.deepinfra.com/v1/openai',
    apiKeyEnv: 'DEEPINFRA_API_KEY',
    quirks: { supportsTopK: true },
  },
  ollama: {
    label: 'Ollama (local)',
    baseURL: 'http://localhost:11434/v1',
    apiKeyEnv: 'OLLAMA_API_KEY',
    quirks: LOCAL,
  },
  vllm: {
    label: 'vLLM (local)',
    baseURL: 'http://localhost:8000/v1',
    apiKeyEnv: 'VLLM_API_KEY',
    quirks: LOCAL,
  },
  lmstudio: {
    label: 'LM Studio (local)',
    baseURL: 'http://localhost:1234/v1',
    apiKeyEnv: 'LMSTUDIO_API_KEY',
    quirks: { requiresApiKey: false },
  },
  llamacpp: {
    label: 'llama.cpp server (local)',
    baseURL: 'http://localhost:8080/v1',
    apiKeyEnv: 'LLAMA_API_KEY',
    quirks: LOCAL,
  },
} as const satisfies Record<string, OpenAIPreset>);

/** Names of the built-in presets. */
export type BuiltInPresetName = keyof typeof presets;

const NAME = /^[a-z0-9][a-z0-9._:-]*$/i;
const custom = new Map<string, OpenAIPreset>();

/**
 * Registers a preset under `name` so that `createAdapter(name)` and `{ preset: name }` find it.
 * Throws a `config` error if the name is taken (built-in or registered) unless `replace` is set.
 *
 * @example
 * ```ts
 * registerPreset('corp', { label: 'Corp gateway', baseURL: 'https://llm.corp/v1', apiKeyEnv: 'CORP_KEY' });
 * const adapter = createAdapter('corp');
 * ```
 */
export function registerPreset(
  name: string,
  preset: OpenAIPreset,
  options: { replace?: boolean } = {},
): void {
  if (!NAME.test(name)) {
    throw new SwitchyardError(
      'config',
      `preset name '${name}': expected letters, digits, '.', '_', ':' or '-'`,
    );
  }
  if (typeof preset?.baseURL !== 'string' || typeof preset.label !== 'string') {
    throw new SwitchyardError(
      'config',
      `preset '${name}': expected an object with string 'label' and 'baseURL'`,
    );
  }
  if (getPreset(name) && !options.replace) {
    throw new SwitchyardError(
      'config',
      `preset '${name}' already exists (pass { replace: true } to override)`,
    );
  }
  custom.set(name, preset);
}

/** Removes a registered preset (built-ins cannot be removed). Returns whether it existed. */
export function unregisterPreset(name: string): boolean {
  return custom.delete(name);
}

/** The preset called `name` (registered ones win over built-ins), or `undefined`. */
export function getPreset(name: string): OpenAIPreset | undefined {
  return custom.get(name) ?? (Object.hasOwn(presets, name) ? presets[name as BuiltInPresetName] : undefined);
}

/** Names of all presets, built-in and registered, sorted. */
export function presetNames(): string[] {
  return [...new Set([...Object.keys(presets), ...custom.keys()])].sort();
}
