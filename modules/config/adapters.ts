import { AnthropicAdapter } from '../../adapters/anthropic/index.js';
import { CohereAdapter } from '../../adapters/cohere/index.js';
import { OpenAIAdapter } from '../../adapters/openai/index.js';
import type { Adapter } from '../../index.js';
import type { TargetFileConfig } from './types.js';

/** `value` without its `undefined` properties (adapters tell "absent" from "undefined" in places). */
function defined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * The adapter of a target: `anthropic` and `cohere` by protocol, anything else an OpenAI-compatible
 * preset (`openai`, `groq`, `vllm`, `azure`, …). Constructing one does not load its SDK.
 * @throws {SwitchyardError} `config` from the adapter (a missing key, an unknown preset).
 */
export function adapterFor(t: TargetFileConfig): Adapter {
  const common = { apiKey: t.apiKey, baseURL: t.baseURL, headers: t.headers, timeoutMs: t.timeoutMs };
  switch (t.provider) {
    case 'anthropic':
      return new AnthropicAdapter(
        defined({ ...common, defaultMaxTokens: t.defaultMaxTokens, jsonSchemaMode: t.jsonSchemaMode }),
      );
    case 'cohere':
      return new CohereAdapter(defined(common));
    default:
      return new OpenAIAdapter(
        defined({
          ...common,
          preset: t.provider,
          organization: t.organization,
          project: t.project,
          azure: t.azure === undefined ? undefined : defined(t.azure),
        }),
      );
  }
}
