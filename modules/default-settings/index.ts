/**
 * `switchyard-llm/default-settings`: request defaults per call, per model alias and per target,
 * applied where the request does not set them.
 *
 * @example
 * ```ts
 * import { defaultSettings } from 'switchyard-llm/default-settings';
 * const router = new Router({ targets, middleware: [defaultSettings({ all: { temperature: 0 } })] });
 * ```
 */
export {
  type DefaultableSettings,
  type DefaultSettingsOptions,
  defaultSettings,
  type RequestDefaults,
  type TargetDefaults,
} from './default-settings.js';
