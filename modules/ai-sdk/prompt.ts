/**
 * Prompts both ways: the AI SDK's `LanguageModelV3Prompt` ↔ Switchyard messages. The two share
 * their shapes (see src/types/message.ts), so most parts pass through; what Switchyard has no
 * place for (provider-executed tool results, tool approvals, rich tool outputs) is mapped to
 * the nearest form with a warning.
 */
import type {
  JSONValue,
  LanguageModelV3Message,
  LanguageModelV3Prompt,
  LanguageModelV3ToolResultOutput,
  SharedV3ProviderOptions,
} from '@ai-sdk/provider';
import type {
  AssistantMessage,
  FilePart,
  Message,
  ProviderOptions,
  TextPart,
  ToolResultOutput,
  ToolResultPart,
  UserMessage,
  Warning,
} from '../../index.js';

type AssistantPart = Exclude<AssistantMessage['content'], string>[number];

/**
 * V3 prompt → Switchyard messages. Notices about what could not be carried over are appended
 * to `warnings`.
 */
export function promptFromV3(prompt: LanguageModelV3Prompt, warnings: Warning[]): Message[] {
  const messages: Message[] = [];
  for (const message of prompt) {
    const mapped = messageFromV3(message, warnings);
    if (mapped !== undefined) messages.push(mapped);
  }
  return messages;
}

function messageFromV3(message: LanguageModelV3Message, warnings: Warning[]): Message | undefined {
  const providerOptions = message.providerOptions as ProviderOptions | undefined;
  const extra = providerOptions === undefined ? {} : { providerOptions };
  switch (message.role) {
    case 'system':
      return { role: 'system', content: message.content, ...extra };
    case 'user':
      return {
        role: 'user',
        content: message.content.map((p) => (p.type === 'text' ? textPart(p) : filePart(p))),
        ...extra,
      };
    case 'assistant': {
      const content: AssistantPart[] = [];
      for (const part of message.content) {
        if (part.type === 'tool-result') {
          warnings.push({
            type: 'other',
            message: `the result of provider-executed tool '${part.toolName}' in an assistant message was dropped`,
          });
        } else if (part.type === 'text') content.push(textPart(part));
        else if (part.type === 'file') content.push(filePart(part));
        else if (part.type === 'reasoning') {
          content.push({ type: 'reasoning', text: part.text, ...optionsOf(part.providerOptions) });
        } else {
          content.push({
            type: 'tool-call',
            toolCallId: part.toolCallId,
            toolName: part.toolName,
            input: part.input,
            ...optionsOf(part.providerOptions),
          });
        }
      }
      return { role: 'assistant', content, ...extra };
    }
    case 'tool': {
      const content: ToolResultPart[] = [];
      for (const part of message.content) {
        if (part.type === 'tool-approval-response') {
          warnings.push({
            type: 'other',
            message: 'tool approval responses are not supported and were dropped',
          });
          continue;
        }
        content.push({
          type: 'tool-result',
          toolCallId: part.toolCallId,
          toolName: part.toolName,
          output: outputFromV3(part.output, warnings),
          ...optionsOf(part.providerOptions),
        });
      }
      return content.length === 0 ? undefined : { role: 'tool', content, ...extra };
    }
  }
}

function optionsOf(options: SharedV3ProviderOptions | undefined): { providerOptions?: ProviderOptions } {
  return options === undefined ? {} : { providerOptions: options as ProviderOptions };
}

function textPart(part: { text: string; providerOptions?: SharedV3ProviderOptions }): TextPart {
  return { type: 'text', text: part.text, ...optionsOf(part.providerOptions) };
}

function filePart(part: {
  data: string | Uint8Array | URL;
  mediaType: string;
  filename?: string;
  providerOptions?: SharedV3ProviderOptions;
}): FilePart {
  return {
    type: 'file',
    data: part.data,
    mediaType: part.mediaType,
    ...(part.filename === undefined ? {} : { filename: part.filename }),
    ...optionsOf(part.providerOptions),
  };
}

/** A V3 tool output → Switchyard's four kinds (text, json, error-text, error-json). */
function outputFromV3(output: LanguageModelV3ToolResultOutput, warnings: Warning[]): ToolResultOutput {
  switch (output.type) {
    case 'text':
    case 'error-text':
      return { type: output.type, value: output.value };
    case 'json':
    case 'error-json':
      return { type: output.type, value: output.value };
    case 'execution-denied':
      return { type: 'error-text', value: output.reason ?? 'The tool execution was denied.' };
    case 'content': {
      if (output.value.every((p) => p.type === 'text')) {
        return { type: 'text', value: output.value.map((p) => (p.type === 'text' ? p.text : '')).join('') };
      }
      warnings.push({
        type: 'other',
        message: 'a tool result with files or images was sent to the model as JSON',
      });
      return { type: 'json', value: output.value };
    }
  }
}

/** Switchyard messages → a V3 prompt (string contents become one text part). */
export function promptToV3(messages: readonly Message[]): LanguageModelV3Prompt {
  return messages.map(messageToV3);
}

function messageToV3(message: Message): LanguageModelV3Message {
  const extra =
    message.providerOptions === undefined ? {} : { providerOptions: v3Options(message.providerOptions) };
  switch (message.role) {
    case 'system':
      return { role: 'system', content: message.content, ...extra };
    case 'user':
      return { role: 'user', content: userPartsToV3(message), ...extra };
    case 'assistant': {
      const parts =
        typeof message.content === 'string'
          ? [{ type: 'text' as const, text: message.content }]
          : message.content;
      return {
        role: 'assistant',
        content: parts.map((p) => {
          if (p.type === 'tool-call') {
            return {
              type: 'tool-call' as const,
              toolCallId: p.toolCallId,
              toolName: p.toolName,
              input: toolInputValue(p.input),
              ...partOptions(p.providerOptions),
            };
          }
          return p.type === 'file'
            ? fileToV3(p)
            : { type: p.type, text: p.text, ...partOptions(p.providerOptions) };
        }),
        ...extra,
      };
    }
    case 'tool':
      return {
        role: 'tool',
        content: message.content.map((p) => ({
          type: 'tool-result' as const,
          toolCallId: p.toolCallId,
          toolName: p.toolName,
          output: outputToV3(p.output),
          ...partOptions(p.providerOptions),
        })),
        ...extra,
      };
  }
}

function userPartsToV3(message: UserMessage) {
  if (typeof message.content === 'string') return [{ type: 'text' as const, text: message.content }];
  return message.content.map((p) =>
    p.type === 'file'
      ? fileToV3(p)
      : { type: 'text' as const, text: p.text, ...partOptions(p.providerOptions) },
  );
}

function fileToV3(part: FilePart) {
  return {
    type: 'file' as const,
    data: part.data,
    mediaType: part.mediaType,
    ...(part.filename === undefined ? {} : { filename: part.filename }),
    ...partOptions(part.providerOptions),
  };
}

function v3Options(options: ProviderOptions): SharedV3ProviderOptions {
  return options as SharedV3ProviderOptions;
}

function partOptions(options: ProviderOptions | undefined): { providerOptions?: SharedV3ProviderOptions } {
  return options === undefined ? {} : { providerOptions: v3Options(options) };
}

/**
 * A Switchyard tool-call input (a value, or its JSON text) → the value V3 expects: JSON text
 * is parsed, anything else is passed as it is.
 */
function toolInputValue(input: unknown): unknown {
  if (typeof input !== 'string') return input;
  try {
    return JSON.parse(input) as unknown;
  } catch {
    return input;
  }
}

function outputToV3(output: ToolResultOutput): LanguageModelV3ToolResultOutput {
  if (output.type === 'json' || output.type === 'error-json') {
    return { type: output.type, value: (output.value ?? null) as JSONValue };
  }
  return { type: output.type, value: output.value };
}
