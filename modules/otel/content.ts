import { type ContentPart, type Message, redactSecrets } from '../../src/index.js';

/** One message part in the GenAI conventions' message JSON. */
type OtelPart =
  | { type: 'text'; content: string }
  | { type: 'reasoning'; content: string }
  | { type: 'tool_call'; id: string; name: string; arguments: unknown }
  | { type: 'tool_call_response'; id: string; response: unknown }
  | { type: 'blob'; mime_type: string };

function inputPart(part: Exclude<Message['content'], string>[number]): OtelPart {
  if (part.type === 'text' || part.type === 'reasoning') return { type: part.type, content: part.text };
  if (part.type === 'tool-call') {
    return { type: 'tool_call', id: part.toolCallId, name: part.toolName, arguments: part.input };
  }
  if (part.type === 'tool-result')
    return { type: 'tool_call_response', id: part.toolCallId, response: part.output.value };
  // File bytes stay out of traces: only the media type.
  return { type: 'blob', mime_type: part.mediaType };
}

/** `gen_ai.input.messages`: the prompt as the GenAI conventions' message JSON, secrets redacted. */
export function inputMessages(messages: readonly Message[]): string {
  return redactSecrets(
    JSON.stringify(
      messages.map((message) => ({
        role: message.role,
        parts:
          typeof message.content === 'string'
            ? [{ type: 'text', content: message.content }]
            : message.content.map(inputPart),
      })),
    ),
  );
}

/** `gen_ai.output.messages`: the answer as the GenAI conventions' message JSON, secrets redacted. */
export function outputMessages(content: readonly ContentPart[], finishReason: string): string {
  const parts = content.map((part): OtelPart => {
    if (part.type === 'tool-call') {
      return { type: 'tool_call', id: part.toolCallId, name: part.toolName, arguments: part.input };
    }
    return { type: part.type, content: part.text };
  });
  return redactSecrets(JSON.stringify([{ role: 'assistant', parts, finish_reason: finishReason }]));
}
