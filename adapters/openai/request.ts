/** Maps an adapter request to a Chat Completions body. Only settings the caller set are sent. */
import { type AdapterRequest, SwitchyardError, type ToolChoice, type Warning } from '../../src/index.js';
import { toWireMessages } from './messages.js';
import type { PresetQuirks } from './presets.js';

type Json = Record<string, unknown>;

/** A request body and the notices produced while mapping it. */
export interface MappedRequest {
  readonly body: Json;
  readonly warnings: Warning[];
}

function dropped(setting: string, why: string): Warning {
  return { type: 'unsupported-setting', setting, message: `${setting} was not sent: ${why}` };
}

/**
 * Builds the body for `request` on a provider with `quirks`. `request.providerOptions` is merged
 * last, so it can set or override any field; `stream` is decided by the caller.
 */
export function toWireRequest(
  request: AdapterRequest,
  provider: string,
  quirks: PresetQuirks,
  stream: boolean,
): MappedRequest {
  const warnings: Warning[] = [];
  const body: Json = {
    model: request.model,
    messages: toWireMessages(request.messages, {
      provider,
      supportsImages: quirks.supportsImages ?? true,
      warnings,
    }),
  };
  if (request.maxOutputTokens !== undefined)
    body[quirks.maxTokensField ?? 'max_tokens'] = request.maxOutputTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.topK !== undefined) {
    if (quirks.supportsTopK) body.top_k = request.topK;
    else warnings.push(dropped('topK', 'this provider has no top-k sampling'));
  }
  if (request.stopSequences !== undefined && request.stopSequences.length > 0)
    body.stop = [...request.stopSequences];
  if (request.seed !== undefined) {
    if (quirks.supportsSeed ?? true) body[quirks.seedField ?? 'seed'] = request.seed;
    else warnings.push(dropped('seed', 'this provider takes no seed'));
  }
  for (const [setting, field] of [
    ['presencePenalty', 'presence_penalty'],
    ['frequencyPenalty', 'frequency_penalty'],
  ] as const) {
    const value = request[setting];
    if (value === undefined) continue;
    if (quirks.supportsPenalties ?? true) body[field] = value;
    else warnings.push(dropped(setting, 'this provider takes no penalties'));
  }
  mapTools(request, provider, quirks, body, warnings);
  mapResponseFormat(request, quirks, body, warnings);
  if (request.providerOptions) Object.assign(body, request.providerOptions);
  if (stream) {
    body.stream = true;
    if ((quirks.streamOptions ?? true) && body.stream_options === undefined)
      body.stream_options = { include_usage: true };
  } else {
    delete body.stream;
    delete body.stream_options;
  }
  return { body, warnings };
}

function mapTools(
  request: AdapterRequest,
  provider: string,
  quirks: PresetQuirks,
  body: Json,
  warnings: Warning[],
): void {
  const tools = request.tools ?? [];
  if (tools.length === 0) {
    if (request.toolChoice !== undefined) warnings.push(dropped('toolChoice', 'the request has no tools'));
    return;
  }
  if (!(quirks.supportsTools ?? true)) {
    throw new SwitchyardError('invalid_request', 'tools: this provider does not support function tools');
  }
  body.tools = tools.map((tool) => ({
    type: 'function',
    function: {
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      parameters: tool.inputSchema,
      ...tool.providerOptions?.[provider],
    },
  }));
  if (request.toolChoice !== undefined) body.tool_choice = toolChoice(request.toolChoice);
}

function toolChoice(choice: ToolChoice): unknown {
  return choice.type === 'tool' ? { type: 'function', function: { name: choice.toolName } } : choice.type;
}

function mapResponseFormat(
  request: AdapterRequest,
  quirks: PresetQuirks,
  body: Json,
  warnings: Warning[],
): void {
  const format = request.responseFormat;
  if (format?.type !== 'json') return;
  const jsonObject = quirks.supportsJsonObject ?? true;
  if (format.schema && (quirks.supportsJsonSchema ?? true)) {
    body.response_format = {
      type: 'json_schema',
      json_schema: {
        name: format.name ?? 'response',
        ...(format.description === undefined ? {} : { description: format.description }),
        schema: format.schema,
        strict: true,
      },
    };
  } else if (jsonObject) {
    body.response_format = { type: 'json_object' };
    if (format.schema) {
      warnings.push(
        dropped(
          'responseFormat.schema',
          'this provider has no JSON schema mode; JSON mode was used and the schema is not enforced',
        ),
      );
    }
  } else {
    warnings.push(
      dropped('responseFormat', 'this provider has no JSON mode; ask for JSON in the prompt instead'),
    );
  }
}
