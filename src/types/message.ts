/**
 * Message and content-part shapes of a prompt.
 *
 * Modelled on the Vercel AI SDK's `LanguageModelV3Prompt` so that a bridge to it is a
 * pass-through: the same discriminants (`type`), the same field names.
 */

/** Provider-specific options, keyed by provider name (`openai`, `anthropic`, …). */
export type ProviderOptions = Record<string, Record<string, unknown>>;

/** Plain text. */
export interface TextPart {
  readonly type: 'text';
  /** The text. */
  readonly text: string;
  /** Options passed through to the provider for this part (e.g. Anthropic `cache_control`). */
  readonly providerOptions?: ProviderOptions;
}

/**
 * A file, most often an image. `data` is a URL (`https://…` or `data:` URL), a base64 string,
 * or raw bytes.
 */
export interface FilePart {
  readonly type: 'file';
  /** The file content: an absolute URL, base64 text, or bytes. */
  readonly data: string | Uint8Array | URL;
  /** IANA media type, e.g. `image/png`. */
  readonly mediaType: string;
  /** Optional file name, where the provider accepts one. */
  readonly filename?: string;
  /** Options passed through to the provider for this part. */
  readonly providerOptions?: ProviderOptions;
}

/** Model reasoning ("thinking") that came back in an earlier assistant turn. */
export interface ReasoningPart {
  readonly type: 'reasoning';
  /** The reasoning text. */
  readonly text: string;
  /** Options passed through to the provider (e.g. Anthropic thinking `signature`). */
  readonly providerOptions?: ProviderOptions;
}

/** A tool call made by the assistant in an earlier turn. */
export interface ToolCallPart {
  readonly type: 'tool-call';
  /** Id that links the call to its result. */
  readonly toolCallId: string;
  /** Name of the tool that was called. */
  readonly toolName: string;
  /** Arguments: a JSON-serialisable value, or its JSON text. */
  readonly input: unknown;
  /** Options passed through to the provider for this part. */
  readonly providerOptions?: ProviderOptions;
}

/** What a tool returned. */
export type ToolResultOutput =
  | { readonly type: 'text'; readonly value: string }
  | { readonly type: 'json'; readonly value: unknown }
  | { readonly type: 'error-text'; readonly value: string }
  | { readonly type: 'error-json'; readonly value: unknown };

/** The result of a tool call, sent back to the model. */
export interface ToolResultPart {
  readonly type: 'tool-result';
  /** Id of the tool call this answers. */
  readonly toolCallId: string;
  /** Name of the tool. */
  readonly toolName: string;
  /** The tool's output. */
  readonly output: ToolResultOutput;
  /** Options passed through to the provider for this part. */
  readonly providerOptions?: ProviderOptions;
}

/** Instructions for the model. */
export interface SystemMessage {
  readonly role: 'system';
  /** The instructions. */
  readonly content: string;
  /** Options passed through to the provider for this message. */
  readonly providerOptions?: ProviderOptions;
}

/** A user turn: a string shorthand or a list of text and file parts. */
export interface UserMessage {
  readonly role: 'user';
  /** A string, or text and file parts. */
  readonly content: string | ReadonlyArray<TextPart | FilePart>;
  /** Options passed through to the provider for this message. */
  readonly providerOptions?: ProviderOptions;
}

/** An earlier assistant turn: text, reasoning and tool calls. */
export interface AssistantMessage {
  readonly role: 'assistant';
  /** A string, or text, file, reasoning and tool-call parts. */
  readonly content: string | ReadonlyArray<TextPart | FilePart | ReasoningPart | ToolCallPart>;
  /** Options passed through to the provider for this message. */
  readonly providerOptions?: ProviderOptions;
}

/** Results of the tool calls of the preceding assistant turn. */
export interface ToolMessage {
  readonly role: 'tool';
  /** One result per tool call. */
  readonly content: ReadonlyArray<ToolResultPart>;
  /** Options passed through to the provider for this message. */
  readonly providerOptions?: ProviderOptions;
}

/** One message of a prompt. */
export type Message = SystemMessage | UserMessage | AssistantMessage | ToolMessage;
