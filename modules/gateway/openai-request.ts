import type {
  AssistantMessage,
  CompletionRequest,
  FilePart,
  FunctionTool,
  JSONSchema,
  Message,
  ResponseFormat,
  TextPart,
  ToolCallPart,
  ToolChoice,
  ToolResultPart,
} from '../../index.js';
import { WireError } from './wire-error.js';

/** An OpenAI Chat Completions request, mapped to the router's types. */
export interface ChatRequest {
  /** The router request (without signal, timeout or routing hints: the caller adds those). */
  readonly request: CompletionRequest & { readonly model: string };
  /** `stream: true` was asked. */
  readonly stream: boolean;
  /** `stream_options.include_usage: true` was asked: the stream ends with a usage chunk. */
  readonly includeUsage: boolean;
}

type Json = Record<string, unknown>;

const MAX_STOP = 4;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(param: string, message: string, code = 'invalid_value'): never {
  throw new WireError(`Invalid '${param}': ${message}`, param, code);
}

function optionalNumber(
  body: Json,
  key: string,
  min: number,
  max: number,
  integer = false,
): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(key, 'expected a number.', 'invalid_type');
  if (integer && !Number.isInteger(value)) fail(key, 'expected an integer.', 'invalid_type');
  if (value < min || value > max) fail(key, `expected a value between ${min} and ${max}, got ${value}.`);
  return value;
}

function optionalBoolean(body: Json, key: string, where = key): boolean | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') fail(where, 'expected a boolean.', 'invalid_type');
  return value;
}

function requiredString(value: unknown, param: string): string {
  if (typeof value !== 'string') fail(param, 'expected a string.', 'invalid_type');
  return value;
}

/** Text of a string or an array of `{ type: 'text', text }` parts (system, developer, tool messages). */
function textContent(value: unknown, param: string): string {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) fail(param, 'expected a string or an array of text parts.', 'invalid_type');
  let text = '';
  value.forEach((part: unknown, i) => {
    if (!isObject(part) || part.type !== 'text') fail(`${param}[${i}]`, "expected a part of type 'text'.");
    text += requiredString(part.text, `${param}[${i}].text`);
  });
  return text;
}

const DATA_URL = /^data:([a-z]+\/[a-z0-9.+-]+)?(;[^,]*)?,/i;

function imagePart(part: Json, param: string): FilePart {
  const image = part.image_url;
  if (!isObject(image)) fail(`${param}.image_url`, 'expected an object with a url.', 'invalid_type');
  const url = requiredString(image.url, `${param}.image_url.url`);
  const data = DATA_URL.exec(url);
  if (data === null && !/^https?:\/\//i.test(url))
    fail(`${param}.image_url.url`, 'expected an http(s) or data URL.');
  const mediaType = data?.[1]?.toLowerCase() ?? 'image/*';
  if (!mediaType.startsWith('image/')) fail(`${param}.image_url.url`, 'expected an image.');
  const detail = image.detail;
  if (detail !== undefined && detail !== 'auto' && detail !== 'low' && detail !== 'high') {
    fail(`${param}.image_url.detail`, "expected 'auto', 'low' or 'high'.");
  }
  return {
    type: 'file',
    data: url,
    mediaType,
    ...(detail === undefined ? {} : { providerOptions: { openai: { imageDetail: detail } } }),
  };
}

function userContent(value: unknown, param: string): string | Array<TextPart | FilePart> {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value) || value.length === 0) {
    fail(param, 'expected a string or a non-empty array of content parts.', 'invalid_type');
  }
  return value.map((part: unknown, i): TextPart | FilePart => {
    const where = `${param}[${i}]`;
    if (!isObject(part)) fail(where, 'expected an object.', 'invalid_type');
    if (part.type === 'text') return { type: 'text', text: requiredString(part.text, `${where}.text`) };
    if (part.type === 'image_url') return imagePart(part, where);
    return fail(`${where}.type`, `unsupported content part type ${JSON.stringify(String(part.type))}.`);
  });
}

function assistantMessage(message: Json, param: string, toolNames: Map<string, string>): AssistantMessage {
  const parts: Array<TextPart | ToolCallPart> = [];
  const content = message.content;
  if (content !== undefined && content !== null) {
    if (typeof content === 'string') {
      if (content !== '') parts.push({ type: 'text', text: content });
    } else if (Array.isArray(content)) {
      content.forEach((part: unknown, i) => {
        const where = `${param}.content[${i}]`;
        if (!isObject(part)) fail(where, 'expected an object.', 'invalid_type');
        if (part.type === 'text')
          parts.push({ type: 'text', text: requiredString(part.text, `${where}.text`) });
        else if (part.type !== 'refusal') fail(`${where}.type`, "expected 'text' or 'refusal'.");
      });
    } else {
      fail(`${param}.content`, 'expected a string, an array of text parts or null.', 'invalid_type');
    }
  }
  const calls = message.tool_calls;
  if (calls !== undefined && calls !== null) {
    if (!Array.isArray(calls)) fail(`${param}.tool_calls`, 'expected an array.', 'invalid_type');
    calls.forEach((call: unknown, i) => {
      const where = `${param}.tool_calls[${i}]`;
      if (!isObject(call) || call.type !== 'function' || !isObject(call.function)) {
        fail(where, "expected { type: 'function', id, function: { name, arguments } }.");
      }
      const id = requiredString(call.id, `${where}.id`);
      const name = requiredString(call.function.name, `${where}.function.name`);
      const args = requiredString(call.function.arguments, `${where}.function.arguments`);
      toolNames.set(id, name);
      parts.push({ type: 'tool-call', toolCallId: id, toolName: name, input: args });
    });
  }
  if (parts.length === 0 && (content === undefined || content === null)) {
    fail(
      `${param}.content`,
      "an assistant message needs 'content' or 'tool_calls'.",
      'missing_required_parameter',
    );
  }
  return {
    role: 'assistant',
    content: parts.length === 1 && parts[0]!.type === 'text' ? parts[0]!.text : parts,
  };
}

/** Maps OpenAI's `messages`; `tool` messages are folded into one router message per turn. */
function messagesOf(value: unknown): Message[] {
  if (value === undefined) fail('messages', 'this field is required.', 'missing_required_parameter');
  if (!Array.isArray(value)) fail('messages', 'expected an array.', 'invalid_type');
  if (value.length === 0) fail('messages', 'expected an array with at least one message.', 'empty_array');
  const toolNames = new Map<string, string>();
  const out: Message[] = [];
  value.forEach((message: unknown, i) => {
    const param = `messages[${i}]`;
    if (!isObject(message)) fail(param, 'expected an object.', 'invalid_type');
    switch (message.role) {
      case 'system':
      case 'developer':
        out.push({ role: 'system', content: textContent(message.content, `${param}.content`) });
        return;
      case 'user':
        out.push({ role: 'user', content: userContent(message.content, `${param}.content`) });
        return;
      case 'assistant':
        out.push(assistantMessage(message, param, toolNames));
        return;
      case 'tool': {
        const id = requiredString(message.tool_call_id, `${param}.tool_call_id`);
        const toolName = toolNames.get(id);
        if (toolName === undefined) {
          fail(
            `${param}.tool_call_id`,
            "messages with role 'tool' must answer a tool call of a preceding assistant message.",
          );
        }
        const part: ToolResultPart = {
          type: 'tool-result',
          toolCallId: id,
          toolName,
          output: { type: 'text', value: textContent(message.content, `${param}.content`) },
        };
        const last = out[out.length - 1];
        if (last?.role === 'tool') out[out.length - 1] = { role: 'tool', content: [...last.content, part] };
        else out.push({ role: 'tool', content: [part] });
        return;
      }
      default:
        fail(`${param}.role`, "expected 'system', 'developer', 'user', 'assistant' or 'tool'.");
    }
  });
  return out;
}

function toolsOf(value: unknown): FunctionTool[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) fail('tools', 'expected an array.', 'invalid_type');
  const names = new Set<string>();
  return value.map((tool: unknown, i): FunctionTool => {
    const param = `tools[${i}]`;
    if (!isObject(tool) || tool.type !== 'function' || !isObject(tool.function)) {
      fail(param, "expected { type: 'function', function: { name, parameters } }.");
    }
    const fn = tool.function;
    const name = requiredString(fn.name, `${param}.function.name`);
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(name))
      fail(`${param}.function.name`, 'expected 1 to 64 of a-z, A-Z, 0-9, _ and -.');
    if (names.has(name)) fail(`${param}.function.name`, `duplicate tool name '${name}'.`);
    names.add(name);
    const parameters = fn.parameters ?? { type: 'object', properties: {} };
    if (!isObject(parameters))
      fail(`${param}.function.parameters`, 'expected a JSON Schema object.', 'invalid_type');
    const description = fn.description;
    if (description !== undefined) requiredString(description, `${param}.function.description`);
    return {
      type: 'function',
      name,
      inputSchema: parameters as JSONSchema,
      ...(description === undefined ? {} : { description: description as string }),
      ...(fn.strict === true ? { providerOptions: { openai: { strict: true } } } : {}),
    };
  });
}

function toolChoiceOf(value: unknown, tools: readonly FunctionTool[] | undefined): ToolChoice | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === 'auto' || value === 'none' || value === 'required') {
    if (value !== 'none' && tools === undefined)
      fail('tool_choice', "'tool_choice' is only allowed with 'tools'.");
    return { type: value };
  }
  if (isObject(value) && value.type === 'function' && isObject(value.function)) {
    const name = requiredString(value.function.name, 'tool_choice.function.name');
    if (!tools?.some((t) => t.name === name))
      fail('tool_choice.function.name', `no tool named '${name}' in 'tools'.`);
    return { type: 'tool', toolName: name };
  }
  return fail(
    'tool_choice',
    "expected 'none', 'auto', 'required' or { type: 'function', function: { name } }.",
  );
}

function responseFormatOf(value: unknown): ResponseFormat | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) fail('response_format', 'expected an object.', 'invalid_type');
  if (value.type === 'text') return { type: 'text' };
  if (value.type === 'json_object') return { type: 'json' };
  if (value.type === 'json_schema') {
    const spec = value.json_schema;
    if (!isObject(spec)) fail('response_format.json_schema', 'expected an object.', 'invalid_type');
    const name = requiredString(spec.name, 'response_format.json_schema.name');
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) {
      fail('response_format.json_schema.name', 'expected 1 to 64 of a-z, A-Z, 0-9, _ and -.');
    }
    if (spec.schema !== undefined && !isObject(spec.schema)) {
      fail('response_format.json_schema.schema', 'expected a JSON Schema object.', 'invalid_type');
    }
    const description = spec.description;
    if (description !== undefined) requiredString(description, 'response_format.json_schema.description');
    return {
      type: 'json',
      name,
      ...(spec.schema === undefined ? {} : { schema: spec.schema as JSONSchema }),
      ...(description === undefined ? {} : { description: description as string }),
    };
  }
  return fail('response_format.type', "expected 'text', 'json_object' or 'json_schema'.");
}

function stopOf(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value) || value.length > MAX_STOP || value.some((s) => typeof s !== 'string')) {
    fail('stop', `expected a string or an array of at most ${MAX_STOP} strings.`, 'invalid_type');
  }
  return value as string[];
}

/**
 * Maps an OpenAI Chat Completions request body to a router request. Fields the router has no
 * use for (`user`, `store`, `metadata`, `parallel_tool_calls`, `service_tier`, unknown ones) are
 * ignored; fields that would change the answer in a way the router cannot honour (`n` > 1,
 * `logprobs`, audio output) are rejected.
 *
 * @throws {WireError} naming the offending field, for what OpenAI would answer with a 400.
 */
export function chatRequestFromOpenAI(body: unknown): ChatRequest {
  if (!isObject(body)) fail('body', 'expected a JSON object.', 'invalid_type');
  if (body.model === undefined)
    fail('model', 'you must provide a model parameter.', 'missing_required_parameter');
  const model = requiredString(body.model, 'model');
  if (model === '') fail('model', 'expected a non-empty string.');
  const messages = messagesOf(body.messages);
  const n = optionalNumber(body, 'n', 1, 128, true);
  if (n !== undefined && n !== 1) fail('n', 'only n = 1 is supported by this gateway.', 'unsupported_value');
  if (body.logprobs === true) fail('logprobs', 'not supported by this gateway.', 'unsupported_value');
  if (Array.isArray(body.modalities) && body.modalities.some((m) => m !== 'text')) {
    fail('modalities', "only 'text' is supported by this gateway.", 'unsupported_value');
  }
  const stream = optionalBoolean(body, 'stream') ?? false;
  let includeUsage = false;
  if (body.stream_options !== undefined && body.stream_options !== null) {
    if (!stream) fail('stream_options', "'stream_options' is only allowed when 'stream' is true.");
    if (!isObject(body.stream_options)) fail('stream_options', 'expected an object.', 'invalid_type');
    includeUsage =
      optionalBoolean(body.stream_options, 'include_usage', 'stream_options.include_usage') ?? false;
  }
  const maxTokens =
    optionalNumber(body, 'max_completion_tokens', 1, Number.MAX_SAFE_INTEGER, true) ??
    optionalNumber(body, 'max_tokens', 1, Number.MAX_SAFE_INTEGER, true);
  const temperature = optionalNumber(body, 'temperature', 0, 2);
  const topP = optionalNumber(body, 'top_p', 0, 1);
  const presencePenalty = optionalNumber(body, 'presence_penalty', -2, 2);
  const frequencyPenalty = optionalNumber(body, 'frequency_penalty', -2, 2);
  const seed = optionalNumber(body, 'seed', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, true);
  const stopSequences = stopOf(body.stop);
  const tools = toolsOf(body.tools);
  const toolChoice = toolChoiceOf(body.tool_choice, tools);
  const responseFormat = responseFormatOf(body.response_format);
  const request: CompletionRequest & { model: string } = {
    model,
    messages,
    ...(maxTokens === undefined ? {} : { maxOutputTokens: maxTokens }),
    ...(temperature === undefined ? {} : { temperature }),
    ...(topP === undefined ? {} : { topP }),
    ...(presencePenalty === undefined ? {} : { presencePenalty }),
    ...(frequencyPenalty === undefined ? {} : { frequencyPenalty }),
    ...(seed === undefined ? {} : { seed }),
    ...(stopSequences === undefined ? {} : { stopSequences }),
    ...(tools === undefined ? {} : { tools }),
    ...(toolChoice === undefined ? {} : { toolChoice }),
    ...(responseFormat === undefined ? {} : { responseFormat }),
  };
  return { request, stream, includeUsage };
}
