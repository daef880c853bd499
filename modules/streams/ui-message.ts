import type { CompletionResponse, FinishReason, StreamEvent } from '../../index.js';

/**
 * One part of the AI SDK's UI message stream protocol (v1, `ai` 5 and 6: the
 * `x-vercel-ai-ui-message-stream: v1` header), the subset a router stream produces. `useChat`,
 * `readUIMessageStream` and `DefaultChatTransport` read these.
 */
export type UIMessageStreamPart =
  | { readonly type: 'start'; readonly messageId?: string }
  | { readonly type: 'start-step' }
  | { readonly type: 'text-start'; readonly id: string }
  | { readonly type: 'text-delta'; readonly id: string; readonly delta: string }
  | { readonly type: 'text-end'; readonly id: string }
  | { readonly type: 'reasoning-start'; readonly id: string }
  | { readonly type: 'reasoning-delta'; readonly id: string; readonly delta: string }
  | { readonly type: 'reasoning-end'; readonly id: string }
  | { readonly type: 'tool-input-start'; readonly toolCallId: string; readonly toolName: string }
  | { readonly type: 'tool-input-delta'; readonly toolCallId: string; readonly inputTextDelta: string }
  | {
      readonly type: 'tool-input-available';
      readonly toolCallId: string;
      readonly toolName: string;
      readonly input: unknown;
    }
  | {
      readonly type: 'tool-input-error';
      readonly toolCallId: string;
      readonly toolName: string;
      readonly input: unknown;
      readonly errorText: string;
    }
  | { readonly type: 'finish-step' }
  | { readonly type: 'finish'; readonly finishReason: FinishReason; readonly messageMetadata?: unknown }
  | { readonly type: 'error'; readonly errorText: string };

/** Options of a {@link UIMessageEncoder}. */
export interface UIMessageEncoderOptions {
  /** The assistant message's id, sent in the `start` part. @default none (the client makes one) */
  readonly messageId?: string;
  /** Send reasoning deltas as `reasoning-*` parts. @default true */
  readonly sendReasoning?: boolean;
  /** Metadata for the `finish` part, from the complete response (target, usage, cost, …). */
  readonly messageMetadata?: (response: CompletionResponse) => unknown;
}

type OpenPart = { readonly kind: 'text' | 'reasoning'; readonly id: string };

/**
 * Turns router stream events into the AI SDK's UI message stream parts, in the order `streamText`
 * sends them: `start`, `start-step`, then text and reasoning as `*-start`/`*-delta`/`*-end`
 * blocks (a block ends when another kind of content begins), tool calls as
 * `tool-input-start`/`tool-input-delta`/`tool-input-available` (a call that came whole is sent as
 * `tool-input-available` alone; arguments that are not JSON as `tool-input-error`), and last
 * `finish-step` and `finish` with the finish reason. No HTTP here: the SSE framing is the caller's.
 */
export class UIMessageEncoder {
  readonly #o: UIMessageEncoderOptions;
  #started = false;
  #open: OpenPart | undefined;
  #blocks = 0;
  readonly #streamedTools = new Set<string>();

  constructor(options: UIMessageEncoderOptions = {}) {
    this.#o = options;
  }

  /** The parts of one router stream event (the first event also opens the message). */
  encode(event: StreamEvent): UIMessageStreamPart[] {
    const parts: UIMessageStreamPart[] = [];
    if (!this.#started) {
      this.#started = true;
      parts.push(
        this.#o.messageId === undefined ? { type: 'start' } : { type: 'start', messageId: this.#o.messageId },
        { type: 'start-step' },
      );
    }
    switch (event.type) {
      case 'text-delta':
        if (event.delta !== '') parts.push(...this.#delta('text', event.delta));
        break;
      case 'reasoning-delta':
        if (event.delta !== '' && this.#o.sendReasoning !== false)
          parts.push(...this.#delta('reasoning', event.delta));
        break;
      case 'tool-input-start':
        this.#close(parts);
        this.#streamedTools.add(event.toolCallId);
        parts.push({ type: 'tool-input-start', toolCallId: event.toolCallId, toolName: event.toolName });
        break;
      case 'tool-input-delta':
        if (this.#streamedTools.has(event.toolCallId) && event.delta !== '')
          parts.push({ type: 'tool-input-delta', toolCallId: event.toolCallId, inputTextDelta: event.delta });
        break;
      case 'tool-call':
        this.#close(parts);
        parts.push(toolInput(event.toolCallId, event.toolName, event.input));
        break;
      case 'finish': {
        this.#close(parts);
        const metadata = this.#o.messageMetadata?.(event.response);
        parts.push(
          { type: 'finish-step' },
          metadata === undefined
            ? { type: 'finish', finishReason: event.finishReason }
            : { type: 'finish', finishReason: event.finishReason, messageMetadata: metadata },
        );
        break;
      }
    }
    return parts;
  }

  /** The parts that end a failed stream: the open text or reasoning block closes, then `error`. */
  error(errorText: string): UIMessageStreamPart[] {
    const parts: UIMessageStreamPart[] = [];
    this.#close(parts);
    parts.push({ type: 'error', errorText });
    return parts;
  }

  #delta(kind: OpenPart['kind'], delta: string): UIMessageStreamPart[] {
    const parts: UIMessageStreamPart[] = [];
    if (this.#open?.kind !== kind) {
      this.#close(parts);
      const id = `${kind}-${this.#blocks++}`;
      this.#open = { kind, id };
      parts.push(kind === 'text' ? { type: 'text-start', id } : { type: 'reasoning-start', id });
    }
    const id = this.#open!.id;
    parts.push(kind === 'text' ? { type: 'text-delta', id, delta } : { type: 'reasoning-delta', id, delta });
    return parts;
  }

  #close(parts: UIMessageStreamPart[]): void {
    const open = this.#open;
    if (open === undefined) return;
    this.#open = undefined;
    parts.push(
      open.kind === 'text' ? { type: 'text-end', id: open.id } : { type: 'reasoning-end', id: open.id },
    );
  }
}

function toolInput(toolCallId: string, toolName: string, input: string): UIMessageStreamPart {
  try {
    return {
      type: 'tool-input-available',
      toolCallId,
      toolName,
      input: JSON.parse(input === '' ? '{}' : input),
    };
  } catch {
    return {
      type: 'tool-input-error',
      toolCallId,
      toolName,
      input,
      errorText: `the arguments of tool call '${toolCallId}' are not valid JSON`,
    };
  }
}
