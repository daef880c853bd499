/**
 * The parts of the Anthropic Messages API wire format this adapter reads and writes.
 *
 * Declared here instead of imported from `@anthropic-ai/sdk` because the SDK's generated
 * types change between majors (sampling parameters and block shapes come and go), while the
 * wire format the adapter relies on is stable. The SDK is only the transport.
 */

/** `cache_control` of a block, system text or tool. */
export type WireCacheControl = Readonly<Record<string, unknown>>;

/** A base64 or URL source of an image or document. */
export type WireSource =
  | { readonly type: 'base64'; readonly media_type: string; readonly data: string }
  | { readonly type: 'url'; readonly url: string };

/** A content block of a request message. */
export type WireRequestBlock =
  | { type: 'text'; text: string; cache_control?: WireCacheControl }
  | { type: 'image'; source: WireSource; cache_control?: WireCacheControl }
  | { type: 'document'; source: WireSource; title?: string; cache_control?: WireCacheControl }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'redacted_thinking'; data: string }
  | {
      type: 'tool_use';
      id: string;
      name: string;
      input: Record<string, unknown>;
      cache_control?: WireCacheControl;
    }
  | {
      type: 'tool_result';
      tool_use_id: string;
      content: string;
      is_error?: boolean;
      cache_control?: WireCacheControl;
    };

/** A request message; roles alternate, starting with the first non-system turn. */
export interface WireMessage {
  readonly role: 'user' | 'assistant';
  readonly content: WireRequestBlock[];
}

/** A system text block. */
export interface WireSystemBlock {
  readonly type: 'text';
  readonly text: string;
  readonly cache_control?: WireCacheControl;
}

/** A tool definition. */
export interface WireTool {
  readonly name: string;
  readonly description?: string;
  readonly input_schema: Readonly<Record<string, unknown>>;
  readonly cache_control?: WireCacheControl;
}

/** `tool_choice`. */
export type WireToolChoice =
  | { readonly type: 'auto' }
  | { readonly type: 'any' }
  | { readonly type: 'none' }
  | { readonly type: 'tool'; readonly name: string };

/** The body of `POST /v1/messages`. Extra provider options are merged in as they are. */
export interface WireRequestBody {
  model: string;
  max_tokens: number;
  messages: WireMessage[];
  system?: string | WireSystemBlock[];
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stop_sequences?: string[];
  tools?: WireTool[];
  tool_choice?: WireToolChoice;
  [extra: string]: unknown;
}

/** Token usage as the API reports it; `input_tokens` excludes cache reads and writes. */
export interface WireUsage {
  readonly input_tokens?: number | null;
  readonly output_tokens?: number | null;
  readonly cache_read_input_tokens?: number | null;
  readonly cache_creation_input_tokens?: number | null;
  readonly output_tokens_details?: { readonly thinking_tokens?: number | null } | null;
}

/** A content block of a response. Other block types (server tools, …) arrive too and are skipped. */
export type WireResponseBlock =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'tool_use'; readonly id: string; readonly name: string; readonly input: unknown }
  | { readonly type: 'thinking'; readonly thinking: string; readonly signature?: string }
  | { readonly type: 'redacted_thinking'; readonly data: string };

/** A non-streaming response. */
export interface WireResponse {
  readonly id?: string;
  readonly model?: string;
  readonly content?: readonly WireResponseBlock[];
  readonly stop_reason?: string | null;
  readonly stop_sequence?: string | null;
  readonly usage?: WireUsage;
}

/** A `content_block_delta` payload. Other delta types (citations, …) are skipped. */
export type WireDelta =
  | { readonly type: 'text_delta'; readonly text: string }
  | { readonly type: 'input_json_delta'; readonly partial_json: string }
  | { readonly type: 'thinking_delta'; readonly thinking: string }
  | { readonly type: 'signature_delta'; readonly signature: string };

/**
 * One server-sent event of a streaming response, as the SDK parses it (it drops `ping` and throws
 * on `error`). Other event types are skipped.
 */
export type WireStreamEvent =
  | { readonly type: 'message_start'; readonly message: WireResponse }
  | {
      readonly type: 'content_block_start';
      readonly index: number;
      readonly content_block: WireResponseBlock;
    }
  | { readonly type: 'content_block_delta'; readonly index: number; readonly delta: WireDelta }
  | { readonly type: 'content_block_stop'; readonly index: number }
  | {
      readonly type: 'message_delta';
      readonly delta?: { readonly stop_reason?: string | null; readonly stop_sequence?: string | null };
      readonly usage?: WireUsage;
    }
  | { readonly type: 'message_stop' };
