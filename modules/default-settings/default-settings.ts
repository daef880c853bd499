import type {
  AdapterRequest,
  AdapterResponse,
  AdapterStreamPart,
  AttemptContext,
  CallContext,
  CallSettings,
  CompletionRequest,
  Middleware,
  NextAttempt,
  NextAttemptStream,
  ProviderOptions,
} from '../../src/index.js';
import { checkRecord, checkSettings, configError, isObject, SETTING_KEYS } from './check.js';

/** The generation settings a default may give (tools and tool choice stay with the caller). */
export type DefaultableSettings = Omit<CallSettings, 'tools' | 'toolChoice'>;

/**
 * Defaults for a whole call (`all`, `byModel`): settings, and provider options keyed by
 * provider name or target id as in {@link CompletionRequest.providerOptions}.
 */
export interface RequestDefaults extends DefaultableSettings {
  /** Provider options keyed by provider name (`openai`, …) or target id; merged option by option. */
  readonly providerOptions?: ProviderOptions;
}

/**
 * Defaults for the attempts on one target (`byTarget`): settings, and that target's provider
 * options (flat, as in `TargetConfig.providerOptions`).
 */
export interface TargetDefaults extends DefaultableSettings {
  /** Options for the target's provider; merged option by option. */
  readonly providerOptions?: Readonly<Record<string, unknown>>;
}

/** Options of {@link defaultSettings}. */
export interface DefaultSettingsOptions {
  /** Defaults for every call. */
  readonly all?: RequestDefaults;
  /**
   * Defaults per requested model, keyed by `request.model` (an alias such as `fast`, or a
   * model id) as it reaches this middleware. They win over `all`.
   */
  readonly byModel?: Readonly<Record<string, RequestDefaults>>;
  /** Defaults per target id, applied to each attempt on that target. They win over `byModel` and `all`. */
  readonly byTarget?: Readonly<Record<string, TargetDefaults>>;
}

/** What this middleware's `transformRequest` filled in, for its attempt hooks. */
interface Filled {
  readonly settings: Readonly<Record<string, unknown>>;
  /** Provider options filled, per provider-name or target-id key. */
  readonly options: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

const OPTION_KEYS = new Set(['all', 'byModel', 'byTarget']);
const NOTHING_FILLED: Filled = Object.freeze({ settings: {}, options: {} });

/**
 * Request defaults (temperature, maxOutputTokens, topP, stopSequences, providerOptions, …)
 * applied where the request does not set them. The request's own values always win.
 *
 * - `all` and `byModel` (keyed by `request.model`) are filled into the request in
 *   `transformRequest`, so they are validated with it, are seen by strategies and by every
 *   middleware registered after this one, and win over a target's own `maxOutputTokens` and
 *   `providerOptions` as a caller's value would. `byModel` wins over `all`.
 * - `byTarget` (keyed by target id) is applied to each attempt's adapter request in
 *   `wrapAttempt` / `wrapAttemptStream`. It wins over `byModel`, `all` and the target's own
 *   settings, never over a value the request set itself.
 *
 * Provider options merge option by option: a default option is used when the request does not
 * give that option. Register this middleware after any middleware that rewrites `request.model`
 * so that `byModel` sees the final alias.
 *
 * @throws {SwitchyardError} `config` at construction when an option is invalid; the message names
 * the field (e.g. `defaultSettings: byModel.fast.temperature: expected a number ≥ 0`).
 *
 * @example
 * ```ts
 * import { Router } from 'switchyard-llm';
 * import { defaultSettings } from 'switchyard-llm/default-settings';
 *
 * const router = new Router({
 *   targets,
 *   middleware: [
 *     defaultSettings({
 *       all: { temperature: 0.2 },
 *       byModel: { fast: { maxOutputTokens: 256 } },
 *       byTarget: { claude: { maxOutputTokens: 1024, providerOptions: { thinking: { type: 'disabled' } } } },
 *     }),
 *   ],
 * });
 * ```
 */
export function defaultSettings(options: DefaultSettingsOptions): Middleware {
  if (!isObject(options)) throw configError('options', 'expected an object { all?, byModel?, byTarget? }');
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw configError(key, 'unknown option (expected all, byModel or byTarget)');
  }
  const all =
    options.all === undefined ? undefined : checkSettings<RequestDefaults>(options.all, 'all', true);
  const byModel =
    options.byModel === undefined ? {} : checkRecord<RequestDefaults>(options.byModel, 'byModel', true);
  const byTarget =
    options.byTarget === undefined ? {} : checkRecord<TargetDefaults>(options.byTarget, 'byTarget', false);

  // The defaults of each model, `all` under `byModel`, merged once.
  const perModel = new Map<string, RequestDefaults>();
  for (const [model, defaults] of Object.entries(byModel)) {
    perModel.set(model, all === undefined ? defaults : mergeRequestDefaults(all, defaults));
  }
  const filledKey = Symbol('defaultSettings.filled');
  const hasTargetDefaults = Object.keys(byTarget).length > 0;

  const forAttempt = (ctx: AttemptContext): AdapterRequest | undefined => {
    const defaults = Object.hasOwn(byTarget, ctx.target.id) ? byTarget[ctx.target.id] : undefined;
    if (defaults === undefined) return undefined;
    const filled = (ctx.state.get(filledKey) as Filled | undefined) ?? NOTHING_FILLED;
    return applyTargetDefaults(ctx, defaults, filled);
  };

  const middleware: Middleware = {
    name: 'default-settings',
    transformRequest(request: CompletionRequest, ctx: CallContext): CompletionRequest {
      const defaults =
        request.model !== undefined && perModel.has(request.model) ? perModel.get(request.model) : all;
      if (defaults === undefined) return request;
      const { request: out, filled } = applyRequestDefaults(request, defaults);
      if (hasTargetDefaults) ctx.state.set(filledKey, filled);
      return out;
    },
  };
  if (!hasTargetDefaults) return middleware;
  return {
    ...middleware,
    wrapAttempt(ctx: AttemptContext, next: NextAttempt): Promise<AdapterResponse> {
      return next(forAttempt(ctx));
    },
    wrapAttemptStream(ctx: AttemptContext, next: NextAttemptStream): AsyncIterable<AdapterStreamPart> {
      return next(forAttempt(ctx));
    },
  };
}

/** `base` with `over` on top: settings replaced, provider options merged option by option. */
function mergeRequestDefaults(base: RequestDefaults, over: RequestDefaults): RequestDefaults {
  const merged: Record<string, unknown> = { ...base, ...over };
  if (base.providerOptions !== undefined && over.providerOptions !== undefined) {
    const options: Record<string, Record<string, unknown>> = { ...base.providerOptions };
    for (const [key, value] of Object.entries(over.providerOptions)) {
      options[key] = { ...options[key], ...value };
    }
    merged.providerOptions = Object.freeze(options);
  }
  return Object.freeze(merged) as RequestDefaults;
}

/** The request with the defaults it lacks, and what was filled. */
function applyRequestDefaults(
  request: CompletionRequest,
  defaults: RequestDefaults,
): { request: CompletionRequest; filled: Filled } {
  const out: Record<string, unknown> = { ...request };
  const settings: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    const value = (defaults as Record<string, unknown>)[key];
    if (value !== undefined && out[key] === undefined) {
      out[key] = value;
      settings[key] = value;
    }
  }
  const options: Record<string, Record<string, unknown>> = {};
  if (defaults.providerOptions !== undefined) {
    const merged: Record<string, Record<string, unknown>> = { ...request.providerOptions };
    for (const [key, defaultOptions] of Object.entries(defaults.providerOptions)) {
      const own = request.providerOptions?.[key];
      const added: Record<string, unknown> = {};
      for (const [option, value] of Object.entries(defaultOptions)) {
        if (own?.[option] === undefined) added[option] = value;
      }
      if (Object.keys(added).length === 0) continue;
      merged[key] = { ...own, ...added };
      options[key] = added;
    }
    if (Object.keys(options).length > 0) out.providerOptions = merged;
  }
  if (Object.keys(settings).length === 0 && Object.keys(options).length === 0) {
    return { request, filled: NOTHING_FILLED };
  }
  return { request: out as unknown as CompletionRequest, filled: { settings, options } };
}

/**
 * The adapter request with the target's defaults wherever the request did not set a value
 * itself: a value is the request's own unless this middleware filled it (and no later
 * middleware changed it since).
 */
function applyTargetDefaults(ctx: AttemptContext, defaults: TargetDefaults, filled: Filled): AdapterRequest {
  const request = ctx.request as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = { ...ctx.adapterRequest };
  for (const key of SETTING_KEYS) {
    const value = (defaults as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if (!setByCaller(request[key], filled.settings, key)) out[key] = value;
  }
  if (defaults.providerOptions !== undefined) {
    const { provider, id } = ctx.target;
    const added: Record<string, unknown> = {};
    for (const [option, value] of Object.entries(defaults.providerOptions)) {
      const byCaller =
        setByCaller(ctx.request.providerOptions?.[provider]?.[option], filled.options[provider], option) ||
        setByCaller(ctx.request.providerOptions?.[id]?.[option], filled.options[id], option);
      if (!byCaller) added[option] = value;
    }
    out.providerOptions = { ...ctx.adapterRequest.providerOptions, ...added };
  }
  return out as unknown as AdapterRequest;
}

/** Whether `value` (a request's) was set by the caller, rather than filled by this middleware. */
function setByCaller(
  value: unknown,
  filled: Readonly<Record<string, unknown>> | undefined,
  key: string,
): boolean {
  if (value === undefined) return false;
  if (filled === undefined || !Object.hasOwn(filled, key)) return true;
  return !sameValue(value, filled[key]);
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'object' && JSON.stringify(a) === JSON.stringify(b));
}
