import type { AdapterRequest, Warning } from '../../src/index.js';
import { cacheControlOf, toWirePrompt } from './messages.js';
import type { WireRequestBody, WireTool, WireToolChoice } from './wire.js';

/** Instruction added to the system prompt for `responseFormat: { type: 'json' }` without a schema. */
export const JSON_INSTRUCTION =
  'Respond with a single valid JSON value and nothing else: no prose, no explanations, no Markdown code fences.';

/** Default name of the tool that carries structured output when a JSON schema is emulated. */
export const JSON_TOOL_NAME = 'json_response';

/**
 * How `responseFormat: { type: 'json', schema }` is served.
 * - `tool`: a single forced tool whose `input_schema` is the schema; its input is the answer.
 *   Works on every Claude model that supports forced tool use.
 * - `native`: the API's structured outputs, `output_config.format` (type `json_schema`); the
 *   answer is the text. Needed by models that refuse forced tool use.
 */
export type JsonSchemaMode = 'tool' | 'native';

/** Adapter-level settings the body depends on. */
export interface RequestDefaults {
  /** `max_tokens` when the request sets none. */
  readonly defaultMaxTokens: number;
  /** How a JSON schema is served. */
  readonly jsonSchemaMode: JsonSchemaMode;
}

/** A request in wire form, with what the response mapping needs to know about it. */
export interface BuiltRequest {
  readonly body: WireRequestBody;
  readonly warnings: readonly Warning[];
  /** Name of the tool whose input is the JSON answer, when a schema is emulated with a tool. */
  readonly jsonTool?: string;
}

function unsupported(setting: string, warnings: Warning[]): void {
  warnings.push({
    type: 'unsupported-setting',
    setting,
    message: `Anthropic does not support '${setting}'; it was not sent`,
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Provider options win, one level deep: `{ output_config: { effort } }` keeps a `format` set here. */
function mergeProviderOptions(body: WireRequestBody, options: Readonly<Record<string, unknown>>): void {
  for (const [key, value] of Object.entries(options)) {
    const current = body[key];
    body[key] = isPlainObject(current) && isPlainObject(value) ? { ...current, ...value } : value;
  }
}

function toolChoice(request: AdapterRequest, warnings: Warning[]): WireToolChoice | undefined {
  const choice = request.toolChoice;
  if (choice === undefined) return undefined;
  switch (choice.type) {
    case 'auto':
      return { type: 'auto' };
    case 'none':
      return { type: 'none' };
    case 'required':
      return { type: 'any' };
    case 'tool':
      if (!request.tools?.some((tool) => tool.name === choice.toolName)) {
        warnings.push({
          type: 'other',
          message: `toolChoice names '${choice.toolName}', which is not among the request's tools`,
        });
      }
      return { type: 'tool', name: choice.toolName };
  }
}

/**
 * Builds the Messages API body of a request.
 *
 * - `max_tokens` is required by the API: `maxOutputTokens`, else `defaultMaxTokens`.
 * - `seed`, `presencePenalty` and `frequencyPenalty` have no Anthropic equivalent: warnings.
 * - JSON output: with a schema, see {@link JsonSchemaMode} (default: a forced tool whose input
 *   becomes the answer's text; other tools are not sent). Without a schema, an instruction is
 *   added to the system prompt and a warning returned: Anthropic has no plain JSON mode.
 * - `providerOptions` (already resolved for the target) are merged into the body last, in the
 *   API's spelling: `{ thinking: { type: 'enabled', budget_tokens: 1024 } }`, `metadata`, …
 *   Objects merge one level deep; anything else replaces what the adapter set.
 */
export function buildRequest(request: AdapterRequest, defaults: RequestDefaults): BuiltRequest {
  const warnings: Warning[] = [];
  const format = request.responseFormat;
  const jsonSchema = format?.type === 'json' ? format.schema : undefined;
  const toolSchema = defaults.jsonSchemaMode === 'tool' ? jsonSchema : undefined;
  const instruction = format?.type === 'json' && jsonSchema === undefined ? JSON_INSTRUCTION : undefined;
  if (instruction) {
    warnings.push({
      type: 'other',
      message:
        'Anthropic has no JSON mode: JSON output was requested by instruction only; give a schema for reliable JSON',
    });
  }

  const prompt = toWirePrompt(request.messages, instruction);
  warnings.push(...prompt.warnings);
  const body: WireRequestBody = {
    model: request.model,
    max_tokens: request.maxOutputTokens ?? defaults.defaultMaxTokens,
    messages: prompt.messages,
  };
  if (prompt.system !== undefined) body.system = prompt.system;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.topK !== undefined) body.top_k = request.topK;
  if (request.stopSequences?.length) body.stop_sequences = [...request.stopSequences];
  if (request.seed !== undefined) unsupported('seed', warnings);
  if (request.presencePenalty !== undefined) unsupported('presencePenalty', warnings);
  if (request.frequencyPenalty !== undefined) unsupported('frequencyPenalty', warnings);

  let jsonTool: string | undefined;
  if (jsonSchema !== undefined && toolSchema === undefined) {
    body.output_config = { format: { type: 'json_schema', schema: jsonSchema } };
  }
  if (format?.type === 'json' && toolSchema !== undefined) {
    jsonTool = format.name ?? JSON_TOOL_NAME;
    body.tools = [
      {
        name: jsonTool,
        description:
          format.description ?? 'Give the answer as this tool\u2019s input, following its schema exactly.',
        input_schema: toolSchema,
      },
    ];
    body.tool_choice = { type: 'tool', name: jsonTool };
    if (request.tools?.length || request.toolChoice) {
      warnings.push({
        type: 'unsupported-setting',
        setting: 'tools',
        message: 'tools and toolChoice are not sent while a JSON schema is emulated with a forced tool',
      });
    }
  } else if (request.tools?.length) {
    body.tools = request.tools.map((tool): WireTool => {
      const cache = cacheControlOf(tool.providerOptions);
      return {
        name: tool.name,
        ...(tool.description === undefined ? {} : { description: tool.description }),
        input_schema: tool.inputSchema,
        ...(cache === undefined ? {} : { cache_control: cache }),
      };
    });
    const choice = toolChoice(request, warnings);
    if (choice) body.tool_choice = choice;
  } else if (request.toolChoice && request.toolChoice.type !== 'auto' && request.toolChoice.type !== 'none') {
    warnings.push({
      type: 'unsupported-setting',
      setting: 'toolChoice',
      message: 'toolChoice was ignored: the request has no tools',
    });
  }

  if (request.providerOptions) mergeProviderOptions(body, request.providerOptions);
  return jsonTool === undefined ? { body, warnings } : { body, warnings, jsonTool };
}
