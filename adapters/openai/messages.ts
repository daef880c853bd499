/** Maps the common prompt to Chat Completions `messages`. */
import {
  type AssistantMessage,
  contentParts,
  type FilePart,
  type Message,
  SwitchyardError,
  type ToolResultOutput,
  toolInputText,
  type UserMessage,
  type Warning,
} from '../../src/index.js';

type Json = Record<string, unknown>;

/** Options the mapping needs. */
export interface MessageMapping {
  /** Provider name: message-level `providerOptions[provider]` is merged into the message. */
  readonly provider: string;
  readonly supportsImages: boolean;
  readonly warnings: Warning[];
}

/** The `messages` array for a prompt. Throws `invalid_request` for content the provider cannot take. */
export function toWireMessages(messages: readonly Message[], mapping: MessageMapping): Json[] {
  const out: Json[] = [];
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i] as Message;
    const extra = message.providerOptions?.[mapping.provider];
    const from = out.length;
    pushMessage(out, message, i, mapping);
    if (extra) for (let j = from; j < out.length; j++) out[j] = { ...out[j], ...extra };
  }
  return out;
}

/** Appends the wire message(s) of `message` to `out` (a tool message gives one per result). */
function pushMessage(out: Json[], message: Message, index: number, mapping: MessageMapping): void {
  switch (message.role) {
    case 'system':
      out.push({ role: 'system', content: message.content });
      return;
    case 'user':
      out.push({ role: 'user', content: userContent(message, index, mapping) });
      return;
    case 'assistant':
      out.push(assistantMessage(message, index, mapping));
      return;
    case 'tool':
      for (const part of message.content) {
        out.push({ role: 'tool', tool_call_id: part.toolCallId, content: toolOutputText(part.output) });
      }
      return;
    default:
      throw new SwitchyardError(
        'invalid_request',
        `messages[${index}].role: expected 'system', 'user', 'assistant' or 'tool', got '${(message as { role: unknown }).role}'`,
      );
  }
}

function userContent(message: UserMessage, index: number, mapping: MessageMapping): string | Json[] {
  if (typeof message.content === 'string') return message.content;
  const parts = message.content;
  // A lone text part goes as a plain string: some compatible servers accept nothing else.
  if (parts.length === 1 && parts[0]!.type === 'text') return parts[0]!.text;
  return parts.map((part, j) =>
    part.type === 'text'
      ? { type: 'text', text: part.text }
      : imagePart(part, `messages[${index}].content[${j}]`, mapping),
  );
}

function imagePart(part: FilePart, where: string, mapping: MessageMapping): Json {
  if (!part.mediaType.startsWith('image/')) {
    throw new SwitchyardError(
      'invalid_request',
      `${where}: file parts of media type '${part.mediaType}' are not supported by the OpenAI adapter (expected image/*)`,
    );
  }
  if (!mapping.supportsImages) {
    throw new SwitchyardError('invalid_request', `${where}: this provider does not accept image inputs`);
  }
  return { type: 'image_url', image_url: { url: imageUrl(part) } };
}

/** A URL for an image part: URLs and data URLs as they are, base64 text and bytes as data URLs. */
export function imageUrl(part: FilePart): string {
  const { data, mediaType } = part;
  if (data instanceof URL) return data.href;
  if (typeof data === 'string') {
    return /^(https?:|data:)/i.test(data) ? data : `data:${mediaType};base64,${data}`;
  }
  return `data:${mediaType};base64,${bytesToBase64(data)}`;
}

function bytesToBase64(bytes: Uint8Array): string {
  if (typeof Buffer !== 'undefined')
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function assistantMessage(message: AssistantMessage, index: number, mapping: MessageMapping): Json {
  let text = '';
  const toolCalls: Json[] = [];
  for (const part of contentParts(message.content)) {
    if (part.type === 'text') text += part.text;
    else if (part.type === 'tool-call') {
      toolCalls.push({
        id: part.toolCallId,
        type: 'function',
        function: { name: part.toolName, arguments: toolInputText(part.input) },
      });
    } else if (part.type === 'file') {
      mapping.warnings.push({
        type: 'other',
        message: `messages[${index}]: a file part in an assistant message was dropped (Chat Completions takes none)`,
      });
    }
    // Reasoning of earlier turns is not sent back: most compatible servers reject or ignore it.
  }
  return toolCalls.length > 0
    ? { role: 'assistant', content: text, tool_calls: toolCalls }
    : { role: 'assistant', content: text };
}

function toolOutputText(output: ToolResultOutput): string {
  return output.type === 'text' || output.type === 'error-text'
    ? output.value
    : JSON.stringify(output.value ?? null);
}
