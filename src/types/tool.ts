/**
 * Tool definitions and tool choice, shaped like the Vercel AI SDK's
 * `LanguageModelV3FunctionTool` and `LanguageModelV3ToolChoice`.
 */

import type { ProviderOptions } from './message.js';

/** A JSON Schema object (draft 7 or later). Kept structural so any schema library's output fits. */
export type JSONSchema = { readonly [key: string]: unknown };

/** A function the model may call. */
export interface FunctionTool {
  readonly type: 'function';
  /** Tool name, unique within the request. */
  readonly name: string;
  /** What the tool does; models use it to decide when to call it. */
  readonly description?: string;
  /** JSON Schema of the tool's arguments. */
  readonly inputSchema: JSONSchema;
  /** Options passed through to the provider for this tool. */
  readonly providerOptions?: ProviderOptions;
}

/**
 * How the model should use tools.
 * - `auto`: the model decides (the default when tools are given).
 * - `none`: no tool calls.
 * - `required`: at least one tool call.
 * - `tool`: exactly this tool.
 */
export type ToolChoice =
  | { readonly type: 'auto' }
  | { readonly type: 'none' }
  | { readonly type: 'required' }
  | { readonly type: 'tool'; readonly toolName: string };
