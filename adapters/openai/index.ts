/**
 * `switchyard-llm/adapters/openai`: the OpenAI Chat Completions adapter and presets for
 * OpenAI-compatible providers (DeepSeek, Groq, Mistral, Gemini, OpenRouter, Azure, Ollama, …).
 */
export { OpenAIAdapter } from './adapter.js';
export { createAdapter } from './create.js';
export type { AzureOptions, FetchFunction, OpenAIAdapterOptions } from './options.js';
export {
  type AzurePresetSettings,
  type BuiltInPresetName,
  getPreset,
  type OpenAIPreset,
  type PresetQuirks,
  presetNames,
  presets,
  registerPreset,
  unregisterPreset,
} from './presets.js';
