/**
 * `switchyard-llm/ai-sdk`: the Vercel AI SDK both ways.
 *
 * - {@link createSwitchyard} makes a Router an AI SDK provider: `generateText`, `streamText`,
 *   `generateObject`, tools and `wrapLanguageModel` run on its models, with the router's
 *   strategy, retries, fallback and events.
 * - {@link AISDKAdapter} makes any AI SDK `LanguageModelV3` a Switchyard target.
 *
 * Needs the optional peer dependency `@ai-sdk/provider` 3 (installed with `ai` 6). See
 * docs/ai-sdk.md.
 *
 * @example
 * ```ts
 * import { createSwitchyard } from 'switchyard-llm/ai-sdk';
 * const switchyard = createSwitchyard(router);
 * const { text } = await generateText({ model: switchyard('fast'), prompt: 'Hi', maxRetries: 0 });
 * ```
 */
export { AISDKAdapter, type AISDKAdapterOptions } from './adapter.js';
export { type AISDKErrorContext, errorFromAISDK, isAPICallError } from './errors.js';
export { SWITCHYARD_OPTIONS_KEY, type SwitchyardCallOptions } from './options.js';
export {
  ANY_MODEL,
  createSwitchyard,
  SwitchyardLanguageModel,
  type SwitchyardProvider,
  type SwitchyardProviderOptions,
  type SwitchyardRouter,
} from './provider.js';
