/**
 * Maps a Switchyard request to the body of a Cohere v2 chat call, in the `cohere-ai` SDK's
 * camelCase shape (the SDK serialises it to the snake_case wire JSON).
 */
import type { Cohere } from 'cohere-ai';
import {
  type AdapterRequest,
  type AssistantMessage,
  type FilePart,
  type FunctionTool,
  type Message,
  SwitchyardError,
  type ToolMessage,
  type ToolResultOutput,
  toolInputText,
  type UserMessage,
  type Warning,
} from '../../src/index.js';

/** The mapped body and the notices produced while mapping it. */
export interface CohereChatBody {
  readonly body: Cohere.V2ChatRequest;
  readonly warnings: readonly Warning[];
}

/**
 * Builds the v2 chat body. Only settings the caller set are included; `providerOptions` are merged
 * last so they can override anything (wire snake_case keys pass through the SDK unchanged).
 */
export function toCohereChatBody(request: AdapterRequest): CohereChatBody {
  const warnings: Warning[] = [];
  const body: Record<string, unknown> = {
    model: request.model,
    messages: toCohereMessages(request.messages),
  };
  mapTools(request, body, warnings);
  if (request.responseFormat?.type === 'json') {
    body.responseFormat =
      request.responseFormat.schema === undefined
        ? { type: 'json_object' }
        : { type: 'json_object', jsonSchema: request.responseFormat.schema };
  }
  if (request.maxOutputTokens !== undefined) body.maxTokens = request.maxOutputTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.p = request.topP;
  if (request.topK !== undefined) body.k = request.topK;
  if (request.stopSequences !== undefined) body.stopSequences = [...request.stopSequences];
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.presencePenalty !== undefined) body.presencePenalty = request.presencePenalty;
  if (request.frequencyPenalty !== undefined) body.frequencyPenalty = request.frequencyPenalty;
  if (request.providerOptions) Object.assign(body, request.providerOptions);
  return { body: body as unknown as Cohere.V2ChatRequest, warnings };
}

function mapTools(request: AdapterRequest, body: Record<string, unknown>, warnings: Warning[]): void {
  let tools = request.tools ?? [];
  const choice = request.toolChoice;
  if (tools.length === 0) {
    // Without tools there is nothing to choose from: the choice is not sent (only `auto` is silent).
    if (choice !== undefined && choice.type !== 'auto') {
      warnings.push({
        type: 'unsupported-setting',
        setting: 'toolChoice',
        message: 'toolChoice without tools is not sent',
      });
    }
    return;
  }
  if (choice?.type === 'tool') {
    const only = tools.filter((t) => t.name === choice.toolName);
    if (only.length === 0) {
      throw new SwitchyardError(
        'invalid_request',
        `toolChoice: tool '${choice.toolName}' is not among the request's tools (${tools.map((t) => t.name).join(', ')})`,
      );
    }
    tools = only;
    warnings.push({
      type: 'other',
      message: `Cohere cannot force one named tool: sent only '${choice.toolName}' with tool_choice REQUIRED`,
    });
  }
  body.tools = tools.map(toCohereTool);
  if (choice?.type === 'required' || choice?.type === 'tool') body.toolChoice = 'REQUIRED';
  else if (choice?.type === 'none') body.toolChoice = 'NONE';
}

function toCohereTool(tool: FunctionTool): Cohere.ToolV2 {
  const fn: Cohere.ToolV2Function = { name: tool.name, parameters: { ...tool.inputSchema } };
  if (tool.description !== undefined) fn.description = tool.description;
  return { type: 'function', function: fn };
}

/** Maps the prompt; a tool message becomes one Cohere `tool` message per result. */
export function toCohereMessages(messages: readonly Message[]): Cohere.ChatMessageV2[] {
  const out: Cohere.ChatMessageV2[] = [];
  messages.forEach((message, index) => {
    switch (message.role) {
      case 'system':
        out.push({ role: 'system', content: message.content });
        break;
      case 'user':
        out.push(toUserMessage(message, index));
        break;
      case 'assistant':
        out.push(toAssistantMessage(message, index));
        break;
      case 'tool':
        out.push(...toToolMessages(message));
        break;
    }
  });
  return out;
}

function toUserMessage(message: UserMessage, index: number): Cohere.ChatMessageV2 {
  if (typeof message.content === 'string') return { role: 'user', content: message.content };
  const content: Cohere.Content[] = message.content.map((part, partIndex) =>
    part.type === 'text'
      ? { type: 'text', text: part.text }
      : toImageContent(part, `messages[${index}].content[${partIndex}]`),
  );
  return { role: 'user', content };
}

function toImageContent(part: FilePart, where: string): Cohere.Content {
  if (!part.mediaType.startsWith('image/')) {
    throw new SwitchyardError(
      'invalid_request',
      `${where}: Cohere chat takes images only; expected an image/* media type, got '${part.mediaType}'`,
    );
  }
  const imageUrl: Cohere.ImageUrl = { url: fileUrl(part) };
  const detail = part.providerOptions?.cohere?.detail;
  if (detail === 'auto' || detail === 'low' || detail === 'high') imageUrl.detail = detail;
  return { type: 'image_url', imageUrl };
}

/** An `https:`/`data:` URL for a file part: URLs are kept, base64 text and bytes become data URLs. */
function fileUrl(part: FilePart): string {
  const { data, mediaType } = part;
  if (data instanceof URL) return data.href;
  if (typeof data === 'string') {
    return /^(https?:|data:)/i.test(data) ? data : `data:${mediaType};base64,${data}`;
  }
  return `data:${mediaType};base64,${Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64')}`;
}

function toAssistantMessage(message: AssistantMessage, index: number): Cohere.ChatMessageV2 {
  if (typeof message.content === 'string') return { role: 'assistant', content: message.content };
  const text: Cohere.AssistantMessageV2ContentOneItem[] = [];
  const toolCalls: Cohere.ToolCallV2[] = [];
  const reasoning: string[] = [];
  message.content.forEach((part, partIndex) => {
    switch (part.type) {
      case 'text':
        text.push({ type: 'text', text: part.text });
        break;
      case 'reasoning':
        reasoning.push(part.text);
        break;
      case 'tool-call':
        toolCalls.push({
          id: part.toolCallId,
          type: 'function',
          function: { name: part.toolName, arguments: toolInputText(part.input) },
        });
        break;
      case 'file':
        throw new SwitchyardError(
          'invalid_request',
          `messages[${index}].content[${partIndex}]: Cohere takes no files in assistant messages`,
        );
    }
  });
  const out: Cohere.ChatMessageV2.Assistant = { role: 'assistant' };
  if (text.length > 0 || toolCalls.length === 0) out.content = text.length > 0 ? text : '';
  if (toolCalls.length > 0) {
    out.toolCalls = toolCalls;
    // The tool plan is the model's reasoning before its calls: an explicit one wins, else the
    // reasoning parts (which is how this adapter returns tool plans) are sent back as the plan.
    const plan = explicitToolPlan(message) ?? (reasoning.length > 0 ? reasoning.join('') : undefined);
    if (plan !== undefined) out.toolPlan = plan;
  }
  return out;
}

function explicitToolPlan(message: AssistantMessage): string | undefined {
  const options = message.providerOptions?.cohere;
  const plan = options?.toolPlan ?? options?.tool_plan;
  return typeof plan === 'string' ? plan : undefined;
}

function toToolMessages(message: ToolMessage): Cohere.ChatMessageV2[] {
  return message.content.map((result) => ({
    role: 'tool',
    toolCallId: result.toolCallId,
    content: toolResultText(result.output),
  }));
}

function toolResultText(output: ToolResultOutput): string {
  return output.type === 'text' || output.type === 'error-text'
    ? output.value
    : JSON.stringify(output.value ?? null);
}
