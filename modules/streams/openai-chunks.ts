import type { StreamEvent } from '../../index.js';
import { type OpenAIFinishReason, type OpenAIUsage, openAIFinishReason, openAIUsage } from './openai-wire.js';

/** A tool-call delta of a chunk. */
export interface OpenAIToolCallDelta {
  readonly index: number;
  readonly id?: string;
  readonly type?: 'function';
  readonly function: { readonly name?: string; readonly arguments: string };
}

/** An OpenAI `chat.completion.chunk` object. */
export interface OpenAIChatChunk {
  readonly id: string;
  readonly object: 'chat.completion.chunk';
  readonly created: number;
  readonly model: string;
  readonly choices: ReadonlyArray<{
    readonly index: 0;
    readonly delta: {
      readonly role?: 'assistant';
      readonly content?: string;
      readonly tool_calls?: readonly OpenAIToolCallDelta[];
    };
    readonly logprobs: null;
    readonly finish_reason: OpenAIFinishReason | null;
  }>;
  /** `null` on every chunk but the last when usage was asked for; absent otherwise. */
  readonly usage?: OpenAIUsage | null;
}

/** Options of a {@link ChunkEncoder}. */
export interface ChunkEncoderOptions {
  /** The completion id, the same on every chunk. */
  readonly id: string;
  /** Creation time in seconds. */
  readonly created: number;
  /** The model to name on every chunk (the requested one: the answering model is known only at the end). */
  readonly model: string;
  /** `stream_options.include_usage`: a last chunk with usage and no choices, and `usage: null` on the others. */
  readonly includeUsage: boolean;
}

/**
 * Turns router stream events into OpenAI `chat.completion.chunk` objects, as OpenAI sends them:
 * the first chunk carries `role: 'assistant'`, tool calls are numbered by `index` in order of
 * appearance (their id and name in the first delta, the arguments in the following ones), the
 * finish reason comes in a chunk with an empty delta, and usage (when asked) in a last chunk
 * with no choices. Reasoning deltas are not part of OpenAI's chat format and are left out.
 * No HTTP here: the SSE framing is the caller's.
 */
export class ChunkEncoder {
  readonly #o: ChunkEncoderOptions;
  #roleSent = false;
  readonly #toolIndex = new Map<string, number>();

  constructor(options: ChunkEncoderOptions) {
    this.#o = options;
  }

  #chunk(delta: OpenAIChatChunk['choices'][0]['delta'], finish: OpenAIFinishReason | null): OpenAIChatChunk {
    const first = !this.#roleSent;
    this.#roleSent = true;
    return {
      id: this.#o.id,
      object: 'chat.completion.chunk',
      created: this.#o.created,
      model: this.#o.model,
      choices: [
        {
          index: 0,
          delta: first ? { role: 'assistant', ...delta } : delta,
          logprobs: null,
          finish_reason: finish,
        },
      ],
      ...(this.#o.includeUsage ? { usage: null } : {}),
    };
  }

  #toolDelta(toolCallId: string, name: string | undefined, args: string): OpenAIToolCallDelta {
    let index = this.#toolIndex.get(toolCallId);
    if (index === undefined) {
      index = this.#toolIndex.size;
      this.#toolIndex.set(toolCallId, index);
      return { index, id: toolCallId, type: 'function', function: { name: name ?? '', arguments: args } };
    }
    return { index, function: { arguments: args } };
  }

  /** The chunks of one router stream event (none, one, or two for `finish` with usage). */
  encode(event: StreamEvent): OpenAIChatChunk[] {
    switch (event.type) {
      case 'text-delta':
        return event.delta === '' ? [] : [this.#chunk({ content: event.delta }, null)];
      case 'tool-input-start':
        return [this.#chunk({ tool_calls: [this.#toolDelta(event.toolCallId, event.toolName, '')] }, null)];
      case 'tool-input-delta':
        if (!this.#toolIndex.has(event.toolCallId) || event.delta === '') return [];
        return [
          this.#chunk({ tool_calls: [this.#toolDelta(event.toolCallId, undefined, event.delta)] }, null),
        ];
      case 'tool-call':
        // A call streamed with tool-input-* is complete already; one that came whole is sent whole.
        if (this.#toolIndex.has(event.toolCallId)) return [];
        return [
          this.#chunk({ tool_calls: [this.#toolDelta(event.toolCallId, event.toolName, event.input)] }, null),
        ];
      case 'finish': {
        const chunks = [this.#chunk({}, openAIFinishReason(event.finishReason))];
        if (this.#o.includeUsage) chunks.push(this.usageChunk(event.usage));
        return chunks;
      }
      default:
        return [];
    }
  }

  /** The last chunk of a stream with `include_usage`: no choices, the usage. */
  usageChunk(usage: Parameters<typeof openAIUsage>[0]): OpenAIChatChunk {
    return {
      id: this.#o.id,
      object: 'chat.completion.chunk',
      created: this.#o.created,
      model: this.#o.model,
      choices: [],
      usage: openAIUsage(usage),
    };
  }
}
