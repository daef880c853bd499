import { OpenAIAdapter } from './adapter.js';
import type { OpenAIAdapterOptions } from './options.js';
import type { BuiltInPresetName, OpenAIPreset } from './presets.js';

/**
 * Builds an {@link OpenAIAdapter} for a preset: a built-in or registered name, or a preset
 * object. Throws a `config` error for an unknown name or a missing API key.
 *
 * @example
 * ```ts
 * const groq = createAdapter('groq'); // reads GROQ_API_KEY
 * const local = createAdapter('ollama', { baseURL: 'http://gpu-box:11434/v1' });
 * ```
 */
export function createAdapter(
  preset: BuiltInPresetName | (string & {}) | OpenAIPreset,
  options: Omit<OpenAIAdapterOptions, 'preset'> = {},
): OpenAIAdapter {
  return new OpenAIAdapter({ ...options, preset });
}
