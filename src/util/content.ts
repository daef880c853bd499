import type { FilePart, Message, ReasoningPart, TextPart, ToolCallPart } from '../types/message.js';
import type { ContentPart, ToolCall } from '../types/response.js';

type AnyPart = TextPart | FilePart | ReasoningPart | ToolCallPart;

/** The parts of a user or assistant message's content; a string becomes one text part. */
export function contentParts<P extends AnyPart>(
  content: string | ReadonlyArray<P>,
): ReadonlyArray<P | TextPart> {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}

/** All text of a message's content joined (files, tool calls and results are skipped). */
export function messageText(message: Message): string {
  const content = message.content;
  if (typeof content === 'string') return content;
  let out = '';
  for (const part of content) if (part.type === 'text') out += part.text;
  return out;
}

/** All text parts of generated content, joined. */
export function textOf(content: readonly ContentPart[]): string {
  if (content.length === 1 && content[0]!.type === 'text') return content[0]!.text;
  let out = '';
  for (const part of content) if (part.type === 'text') out += part.text;
  return out;
}

/** The tool calls of generated content, in order. */
export function toolCallsOf(content: readonly ContentPart[]): readonly ToolCall[] {
  let calls: ToolCall[] | undefined;
  for (const part of content) {
    if (part.type !== 'tool-call') continue;
    const call = { toolCallId: part.toolCallId, toolName: part.toolName, input: part.input };
    if (calls === undefined) calls = [call];
    else calls.push(call);
  }
  return calls ?? NONE; // most responses have no tool calls: share one empty array
}

const NONE: readonly ToolCall[] = Object.freeze([]);

/** Tool-call arguments as JSON text: strings are kept as they are, other values serialised. */
export function toolInputText(input: unknown): string {
  return typeof input === 'string' ? input : JSON.stringify(input ?? {});
}
