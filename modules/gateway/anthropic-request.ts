import type {
  AssistantMessage,
  CompletionRequest,
  FilePart,
  FunctionTool,
  JSONSchema,
  Message,
  TextPart,
  ToolCallPart,
  ToolChoice,
  ToolResultPart,
} from '../../index.js';
import { WireError } from './wire-error.js';

/** An Anthropic Messages API request, mapped to the router's types. */
export interface MessagesRequest {
  /** The router request (without signal, timeout or routing hints: the caller adds those). */
  readonly request: CompletionRequest & { readonly model: string; readonly maxOutputTokens: number };
  /** `stream: true` was asked. */
  readonly stream: boolean;
  /** `metadata.user_id`, when given (an opaque id of the end user). */
  readonly userId: string | undefined;
}

type Json = Record<string, unknown>;

const MAX_STOP_SEQUENCES = 64;
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(param: string, message: string, code = 'invalid_value'): never {
  throw new WireError(`${param}: ${message}`, param, code);
}

function text(value: unknown, param: string): string {
  if (typeof value !== 'string') fail(param, 'expected a string.', 'invalid_type');
  return value;
}

function number(body: Json, key: string, min: number, max: number, integer = false): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(key, 'expected a number.', 'invalid_type');
  if (integer && !Number.isInteger(value)) fail(key, 'expected an integer.', 'invalid_type');
  if (value < min || value > max) fail(key, `expected a value between ${min} and ${max}.`);
  return value;
}

/** `system`: a string or an array of text blocks (joined with a blank line). */
function systemPrompt(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) fail('system', 'expected a string or an array of text blocks.', 'invalid_type');
  return value
    .map((block: unknown, i) => {
      if (!isObject(block) || block.type !== 'text') fail(`system.${i}`, "expected a block of type 'text'.");
      return text(block.text, `system.${i}.text`);
    })
    .join('\n\n');
}

/** An `image` or `document` block's source as a file part. */
function filePart(block: Json, param: string): FilePart {
  const source = block.source;
  if (!isObject(source)) fail(`${param}.source`, 'expected an object.', 'invalid_type');
  const isImage = block.type === 'image';
  if (source.type === 'base64') {
    const mediaType = text(source.media_type, `${param}.source.media_type`);
    if (isImage ? !IMAGE_TYPES.has(mediaType) : mediaType !== 'application/pdf') {
      fail(
        `${param}.source.media_type`,
        isImage ? `expected one of ${[...IMAGE_TYPES].join(', ')}.` : "expected 'application/pdf'.",
      );
    }
    const data = text(source.data, `${param}.source.data`);
    if (data === '' || !/^[A-Za-z0-9+/=\s]+$/.test(data))
      fail(`${param}.source.data`, 'expected base64 data.');
    return { type: 'file', data, mediaType };
  }
  if (source.type === 'url') {
    const raw = text(source.url, `${param}.source.url`);
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return fail(`${param}.source.url`, 'expected an absolute URL.');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      fail(`${param}.source.url`, 'expected an http(s) URL.');
    return { type: 'file', data: url, mediaType: isImage ? 'image/*' : 'application/pdf' };
  }
  if (source.type === 'text' && !isImage) {
    return {
      type: 'file',
      data: Buffer.from(text(source.data, `${param}.source.data`)).toString('base64'),
      mediaType: 'text/plain',
    };
  }
  return fail(
    `${param}.source.type`,
    isImage ? "expected 'base64' or 'url'." : "expected 'base64', 'url' or 'text'.",
  );
}

/** A `tool_result` block's content as the router's output (text; `is_error` → error-text). */
function toolResult(block: Json, param: string, names: ReadonlyMap<string, string>): ToolResultPart {
  const id = text(block.tool_use_id, `${param}.tool_use_id`);
  const name = names.get(id);
  if (name === undefined) {
    fail(`${param}.tool_use_id`, 'does not match a tool_use block of an earlier assistant message.');
  }
  let value: string;
  const content = block.content;
  if (content === undefined || content === null) value = '';
  else if (typeof content === 'string') value = content;
  else if (Array.isArray(content)) {
    value = content
      .map((part: unknown, i) => {
        if (!isObject(part) || part.type !== 'text') {
          fail(`${param}.content.${i}`, 'only text blocks are supported in a tool_result here.');
        }
        return text(part.text, `${param}.content.${i}.text`);
      })
      .join('\n');
  } else fail(`${param}.content`, 'expected a string or an array of text blocks.', 'invalid_type');
  const isError = block.is_error === true;
  return {
    type: 'tool-result',
    toolCallId: id,
    toolName: name,
    output: { type: isError ? 'error-text' : 'text', value },
  };
}

/**
 * One Anthropic message as router messages: a user message's `tool_result` blocks become a
 * `tool` message (first, as the API requires them first), its other blocks a user message.
 */
function messages(value: unknown): Message[] {
  if (!Array.isArray(value) || value.length === 0)
    fail('messages', 'expected a non-empty array.', 'invalid_type');
  const out: Message[] = [];
  const toolNames = new Map<string, string>();
  value.forEach((message: unknown, i) => {
    const param = `messages.${i}`;
    if (!isObject(message)) fail(param, 'expected an object.', 'invalid_type');
    const role = message.role;
    if (role !== 'user' && role !== 'assistant') fail(`${param}.role`, "expected 'user' or 'assistant'.");
    const content = message.content;
    if (typeof content === 'string') {
      out.push(role === 'user' ? { role, content } : { role, content });
      return;
    }
    if (!Array.isArray(content))
      fail(`${param}.content`, 'expected a string or an array of blocks.', 'invalid_type');
    if (role === 'assistant') {
      const parts: Array<TextPart | ToolCallPart> = [];
      content.forEach((block: unknown, j) => {
        const where = `${param}.content.${j}`;
        if (!isObject(block)) fail(where, 'expected an object.', 'invalid_type');
        if (block.type === 'text') parts.push({ type: 'text', text: text(block.text, `${where}.text`) });
        else if (block.type === 'tool_use') {
          const id = text(block.id, `${where}.id`);
          const name = text(block.name, `${where}.name`);
          if (!isObject(block.input)) fail(`${where}.input`, 'expected an object.', 'invalid_type');
          toolNames.set(id, name);
          parts.push({ type: 'tool-call', toolCallId: id, toolName: name, input: block.input });
        } else if (block.type === 'thinking' || block.type === 'redacted_thinking') {
          // Earlier reasoning is not sent on: the targets may be other providers.
        } else fail(`${where}.type`, "expected 'text', 'tool_use' or 'thinking' in an assistant message.");
      });
      out.push({ role: 'assistant', content: parts } satisfies AssistantMessage);
      return;
    }
    const results: ToolResultPart[] = [];
    const parts: Array<TextPart | FilePart> = [];
    content.forEach((block: unknown, j) => {
      const where = `${param}.content.${j}`;
      if (!isObject(block)) fail(where, 'expected an object.', 'invalid_type');
      switch (block.type) {
        case 'text':
          parts.push({ type: 'text', text: text(block.text, `${where}.text`) });
          break;
        case 'image':
        case 'document':
          parts.push(filePart(block, where));
          break;
        case 'tool_result':
          results.push(toolResult(block, where, toolNames));
          break;
        default:
          fail(`${where}.type`, "expected 'text', 'image', 'document' or 'tool_result' in a user message.");
      }
    });
    if (results.length > 0) out.push({ role: 'tool', content: results });
    if (parts.length > 0 || results.length === 0) out.push({ role: 'user', content: parts });
  });
  return out;
}

function tools(value: unknown): FunctionTool[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) fail('tools', 'expected an array.', 'invalid_type');
  const seen = new Set<string>();
  return value.map((tool: unknown, i) => {
    const param = `tools.${i}`;
    if (!isObject(tool)) fail(param, 'expected an object.', 'invalid_type');
    if (tool.type !== undefined && tool.type !== null && tool.type !== 'custom') {
      fail(
        `${param}.type`,
        'server tools are not supported by this gateway; define a client tool with input_schema.',
      );
    }
    const name = text(tool.name, `${param}.name`);
    if (!/^[a-zA-Z0-9_-]{1,128}$/.test(name))
      fail(`${param}.name`, 'expected 1 to 128 letters, digits, _ or -.');
    if (seen.has(name)) fail(`${param}.name`, 'tool names must be unique.');
    seen.add(name);
    const schema = tool.input_schema;
    if (!isObject(schema) || schema.type !== 'object') {
      fail(`${param}.input_schema`, "expected a JSON schema of type 'object'.");
    }
    const description = tool.description;
    if (description !== undefined && typeof description !== 'string') {
      fail(`${param}.description`, 'expected a string.', 'invalid_type');
    }
    return {
      type: 'function',
      name,
      inputSchema: schema as JSONSchema,
      ...(description === undefined ? {} : { description }),
    };
  });
}

function toolChoice(value: unknown, names: ReadonlySet<string>): ToolChoice | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) fail('tool_choice', 'expected an object.', 'invalid_type');
  switch (value.type) {
    case 'auto':
      return { type: 'auto' };
    case 'any':
      return { type: 'required' };
    case 'none':
      return { type: 'none' };
    case 'tool': {
      const name = text(value.name, 'tool_choice.name');
      if (!names.has(name)) fail('tool_choice.name', 'does not name a tool of `tools`.');
      return { type: 'tool', toolName: name };
    }
    default:
      return fail('tool_choice.type', "expected 'auto', 'any', 'tool' or 'none'.");
  }
}

function stopSequences(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.length > MAX_STOP_SEQUENCES) {
    fail('stop_sequences', `expected an array of at most ${MAX_STOP_SEQUENCES} strings.`, 'invalid_type');
  }
  return value.map((s: unknown, i) => {
    const stop = text(s, `stop_sequences.${i}`);
    if (stop === '') fail(`stop_sequences.${i}`, 'must not be empty.');
    return stop;
  });
}

/**
 * Maps an Anthropic Messages API request body to the router's types: `system`, `messages` (text,
 * images and PDF documents as base64 or URL, `tool_use`, `tool_result`), `tools`, `tool_choice`,
 * `max_tokens` (required, as Anthropic requires it), `temperature`, `top_p`, `top_k`,
 * `stop_sequences`, `metadata.user_id` and `stream`. Other fields (`thinking`, `service_tier`,
 * `container`, …) are ignored. Field paths in errors use Anthropic's dotted form (`messages.1.content.0.type`).
 *
 * @throws {WireError} what Anthropic would answer with a 400 `invalid_request_error`.
 */
export function messagesRequestFromAnthropic(body: unknown): MessagesRequest {
  if (!isObject(body)) fail('body', 'expected a JSON object.', 'invalid_type');
  const model = text(body.model, 'model');
  if (model === '') fail('model', 'must not be empty.');
  if (body.max_tokens === undefined || body.max_tokens === null) {
    fail('max_tokens', 'Field required.', 'missing_required_parameter');
  }
  const maxOutputTokens = number(body, 'max_tokens', 1, 1_000_000, true)!;
  const stream = body.stream;
  if (stream !== undefined && stream !== null && typeof stream !== 'boolean') {
    fail('stream', 'expected a boolean.', 'invalid_type');
  }
  const system = systemPrompt(body.system);
  const mapped = messages(body.messages);
  const toolList = tools(body.tools);
  const choice = toolChoice(body.tool_choice, new Set(toolList?.map((t) => t.name)));
  const metadata = body.metadata;
  let userId: string | undefined;
  if (metadata !== undefined && metadata !== null) {
    if (!isObject(metadata)) fail('metadata', 'expected an object.', 'invalid_type');
    if (metadata.user_id !== undefined && metadata.user_id !== null) {
      userId = text(metadata.user_id, 'metadata.user_id');
      if (userId.length > 256) fail('metadata.user_id', 'expected at most 256 characters.');
    }
  }
  const temperature = number(body, 'temperature', 0, 1);
  const topP = number(body, 'top_p', 0, 1);
  const topK = number(body, 'top_k', 0, 1_000_000, true);
  const stops = stopSequences(body.stop_sequences);
  return {
    request: {
      model,
      messages: system === undefined ? mapped : [{ role: 'system', content: system }, ...mapped],
      maxOutputTokens,
      ...(temperature === undefined ? {} : { temperature }),
      ...(topP === undefined ? {} : { topP }),
      ...(topK === undefined ? {} : { topK }),
      ...(stops === undefined ? {} : { stopSequences: stops }),
      ...(toolList === undefined ? {} : { tools: toolList }),
      ...(choice === undefined ? {} : { toolChoice: choice }),
    },
    stream: stream === true,
    userId,
  };
}
