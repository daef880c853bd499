/**
 * Call options both ways: the AI SDK's `LanguageModelV3CallOptions` → a router request (with
 * warnings for what Switchyard cannot carry), and an adapter request → V3 call options.
 */
import type {
  LanguageModelV3CallOptions,
  LanguageModelV3FunctionTool,
  SharedV3ProviderOptions,
  SharedV3Warning,
} from '@ai-sdk/provider';
import {
  type AdapterRequest,
  type CallSettings,
  type CompletionRequest,
  type FunctionTool,
  type ProviderOptions,
  SwitchyardError,
  type Warning,
} from '../../index.js';
import { promptFromV3, promptToV3 } from './prompt.js';
import { warningsToV3 } from './results.js';

/**
 * Router settings of one AI SDK call, given as `providerOptions.switchyard`. They steer the
 * router and are never sent to a provider.
 *
 * @example
 * ```ts
 * await generateText({ model, prompt, providerOptions: { switchyard: { tags: ['batch'], timeoutMs: 20_000 } } });
 * ```
 */
export interface SwitchyardCallOptions {
  /** Name of a registered strategy for this call. */
  readonly strategy?: string;
  /** Whole-call deadline in ms, retries included. */
  readonly timeoutMs?: number;
  /** Streams: a target with no content this long after the attempt started falls back. */
  readonly firstTokenTimeoutMs?: number;
  /** Streams: a stall this long after content ends the stream as `stream_interrupted`. */
  readonly interTokenTimeoutMs?: number;
  /** Labels for strategies and event consumers. */
  readonly tags?: readonly string[];
  /** Free-form data for strategies and event consumers. */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** The router request of one AI SDK call, and the warnings of its mapping. */
export interface MappedCall {
  readonly request: CompletionRequest;
  readonly warnings: SharedV3Warning[];
}

/** The key under `providerOptions` that holds {@link SwitchyardCallOptions}. */
export const SWITCHYARD_OPTIONS_KEY = 'switchyard';

/**
 * V3 call options → a router request for `model` (an alias or model name; `undefined` for any
 * target).
 * @throws {SwitchyardError} `invalid_request` when `providerOptions.switchyard` is malformed.
 */
export function callFromV3(model: string | undefined, options: LanguageModelV3CallOptions): MappedCall {
  const notes: Warning[] = [];
  const warnings: SharedV3Warning[] = [];
  const messages = promptFromV3(options.prompt, notes);
  const { switchyard, rest } = splitProviderOptions(options.providerOptions);
  const request: { -readonly [K in keyof CompletionRequest]: CompletionRequest[K] } = {
    messages,
    ...(model === undefined ? {} : { model }),
    ...settingsFromV3(options, warnings),
  };
  if (rest !== undefined) request.providerOptions = rest;
  if (options.abortSignal !== undefined) request.signal = options.abortSignal;
  const headers = definedHeaders(options.headers);
  if (headers !== undefined) request.headers = headers;
  if (switchyard !== undefined) Object.assign(request, switchyardOptions(switchyard));
  if (options.includeRawChunks) {
    warnings.push({
      type: 'unsupported',
      feature: 'includeRawChunks',
      details: 'a routed stream has no raw provider chunks',
    });
  }
  warnings.push(...warningsToV3(notes));
  return { request, warnings };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function settingsFromV3(options: LanguageModelV3CallOptions, warnings: SharedV3Warning[]): CallSettings {
  const s: Mutable<CallSettings> = {};
  if (options.maxOutputTokens !== undefined) s.maxOutputTokens = options.maxOutputTokens;
  if (options.temperature !== undefined) s.temperature = options.temperature;
  if (options.topP !== undefined) s.topP = options.topP;
  if (options.topK !== undefined) s.topK = options.topK;
  if (options.presencePenalty !== undefined) s.presencePenalty = options.presencePenalty;
  if (options.frequencyPenalty !== undefined) s.frequencyPenalty = options.frequencyPenalty;
  if (options.stopSequences !== undefined && options.stopSequences.length > 0)
    s.stopSequences = options.stopSequences;
  if (options.seed !== undefined) s.seed = options.seed;
  const format = options.responseFormat;
  if (format !== undefined) {
    s.responseFormat =
      format.type === 'text'
        ? format
        : {
            type: 'json',
            ...(format.schema === undefined ? {} : { schema: format.schema as Record<string, unknown> }),
            ...(format.name === undefined ? {} : { name: format.name }),
            ...(format.description === undefined ? {} : { description: format.description }),
          };
  }
  if (options.tools !== undefined && options.tools.length > 0) {
    const tools: FunctionTool[] = [];
    for (const tool of options.tools) {
      if (tool.type === 'function') tools.push(toolFromV3(tool, warnings));
      else {
        warnings.push({
          type: 'unsupported',
          feature: `provider tool '${tool.name}' (${tool.id})`,
          details: 'a routed call sends function tools only',
        });
      }
    }
    if (tools.length > 0) s.tools = tools;
  }
  if (options.toolChoice !== undefined && s.tools !== undefined) s.toolChoice = options.toolChoice;
  return s;
}

function toolFromV3(tool: LanguageModelV3FunctionTool, warnings: SharedV3Warning[]): FunctionTool {
  if (tool.strict !== undefined) {
    warnings.push({ type: 'unsupported', feature: 'tool strict mode', details: `tool '${tool.name}'` });
  }
  if (tool.inputExamples !== undefined && tool.inputExamples.length > 0) {
    warnings.push({ type: 'unsupported', feature: 'tool input examples', details: `tool '${tool.name}'` });
  }
  return {
    type: 'function',
    name: tool.name,
    ...(tool.description === undefined ? {} : { description: tool.description }),
    inputSchema: tool.inputSchema as Record<string, unknown>,
    ...(tool.providerOptions === undefined
      ? {}
      : { providerOptions: tool.providerOptions as ProviderOptions }),
  };
}

function definedHeaders(
  headers: Record<string, string | undefined> | undefined,
): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  let out: Record<string, string> | undefined;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out ??= {};
    out[name] = value;
  }
  return out;
}

function splitProviderOptions(options: SharedV3ProviderOptions | undefined): {
  switchyard: unknown;
  rest: ProviderOptions | undefined;
} {
  if (options === undefined) return { switchyard: undefined, rest: undefined };
  if (!(SWITCHYARD_OPTIONS_KEY in options))
    return { switchyard: undefined, rest: options as ProviderOptions };
  const { [SWITCHYARD_OPTIONS_KEY]: switchyard, ...rest } = options;
  return { switchyard, rest: Object.keys(rest).length > 0 ? (rest as ProviderOptions) : undefined };
}

const SWITCHYARD_KEYS = new Set([
  'strategy',
  'timeoutMs',
  'firstTokenTimeoutMs',
  'interTokenTimeoutMs',
  'tags',
  'metadata',
]);

function bad(field: string, expected: string): SwitchyardError {
  return new SwitchyardError(
    'invalid_request',
    `invalid_request: providerOptions.switchyard.${field} must be ${expected}`,
    { retryable: false },
  );
}

/**
 * Checks `providerOptions.switchyard` and returns its settings.
 * @throws {SwitchyardError} `invalid_request` naming the field.
 */
export function switchyardOptions(value: unknown): SwitchyardCallOptions {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SwitchyardError(
      'invalid_request',
      'invalid_request: providerOptions.switchyard must be an object',
      {
        retryable: false,
      },
    );
  }
  const o = value as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!SWITCHYARD_KEYS.has(key) && o[key] !== undefined) {
      throw new SwitchyardError(
        'invalid_request',
        `invalid_request: providerOptions.switchyard.${key} is not an option (known: ${[...SWITCHYARD_KEYS].join(', ')})`,
        { retryable: false },
      );
    }
  }
  const out: Mutable<SwitchyardCallOptions> = {};
  if (o.strategy !== undefined) {
    if (typeof o.strategy !== 'string' || o.strategy === '') throw bad('strategy', 'a non-empty string');
    out.strategy = o.strategy;
  }
  for (const key of ['timeoutMs', 'firstTokenTimeoutMs', 'interTokenTimeoutMs'] as const) {
    const ms = o[key];
    if (ms === undefined) continue;
    if (typeof ms !== 'number' || !(ms > 0) || !Number.isFinite(ms))
      throw bad(key, 'a positive finite number');
    out[key] = ms;
  }
  if (o.tags !== undefined) {
    if (!Array.isArray(o.tags) || !o.tags.every((t) => typeof t === 'string'))
      throw bad('tags', 'an array of strings');
    out.tags = o.tags as string[];
  }
  if (o.metadata !== undefined) {
    if (o.metadata === null || typeof o.metadata !== 'object' || Array.isArray(o.metadata))
      throw bad('metadata', 'an object');
    out.metadata = o.metadata as Record<string, unknown>;
  }
  return out;
}

/**
 * An adapter request → V3 call options. The adapter's provider options (already resolved for
 * the target) go under `providerKey`, the key the wrapped AI SDK provider reads.
 */
export function callToV3(
  request: AdapterRequest,
  signal: AbortSignal,
  providerKey: string,
): LanguageModelV3CallOptions {
  const options: Mutable<LanguageModelV3CallOptions> = {
    prompt: promptToV3(request.messages),
    abortSignal: signal,
  };
  if (request.maxOutputTokens !== undefined) options.maxOutputTokens = request.maxOutputTokens;
  if (request.temperature !== undefined) options.temperature = request.temperature;
  if (request.topP !== undefined) options.topP = request.topP;
  if (request.topK !== undefined) options.topK = request.topK;
  if (request.presencePenalty !== undefined) options.presencePenalty = request.presencePenalty;
  if (request.frequencyPenalty !== undefined) options.frequencyPenalty = request.frequencyPenalty;
  if (request.stopSequences !== undefined) options.stopSequences = [...request.stopSequences];
  if (request.seed !== undefined) options.seed = request.seed;
  if (request.responseFormat !== undefined) {
    options.responseFormat = request.responseFormat as LanguageModelV3CallOptions['responseFormat'];
  }
  if (request.tools !== undefined) {
    options.tools = request.tools.map((t) => ({
      type: 'function' as const,
      name: t.name,
      ...(t.description === undefined ? {} : { description: t.description }),
      inputSchema: t.inputSchema as LanguageModelV3FunctionTool['inputSchema'],
      ...(t.providerOptions === undefined
        ? {}
        : { providerOptions: t.providerOptions as SharedV3ProviderOptions }),
    }));
  }
  if (request.toolChoice !== undefined) options.toolChoice = request.toolChoice;
  if (request.headers !== undefined) options.headers = { ...request.headers };
  if (request.providerOptions !== undefined && Object.keys(request.providerOptions).length > 0) {
    options.providerOptions = { [providerKey]: request.providerOptions } as SharedV3ProviderOptions;
  }
  return options;
}
