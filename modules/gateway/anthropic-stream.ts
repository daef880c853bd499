import type { StreamEvent } from '../../index.js';
import {
  type AnthropicErrorBody,
  anthropicStopReason,
  anthropicUsage,
  toolInput,
} from './anthropic-response.js';

/** One server-sent event: `event: <type>` and its JSON data. */
function sse(type: string, data: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Turns the router's stream events into Anthropic's Messages SSE sequence: `message_start`, then
 * per content block `content_block_start`, `content_block_delta` (`text_delta`,
 * `input_json_delta`) and `content_block_stop`, then `message_delta` (stop reason and usage) and
 * `message_stop`. Text streams as it comes; a tool call is sent as one block when the router has
 * its whole input (start, one `input_json_delta` with the JSON, stop), since the router may
 * interleave several calls' inputs and Anthropic's blocks follow one another. Reasoning is left out.
 */
export class AnthropicStreamEncoder {
  readonly #id: string;
  readonly #model: string;
  #started = false;
  /** Index of the open text block, if one is open. */
  #openText: number | undefined;
  #next = 0;

  constructor(id: string, model: string) {
    this.#id = id;
    this.#model = model;
  }

  /** `message_start`: written once, before the first block. Input tokens are known only at the end. */
  start(): string {
    this.#started = true;
    return sse('message_start', {
      type: 'message_start',
      message: {
        id: this.#id,
        type: 'message',
        role: 'assistant',
        model: this.#model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 0, output_tokens: 0 },
      },
    });
  }

  #closeText(): string {
    if (this.#openText === undefined) return '';
    const index = this.#openText;
    this.#openText = undefined;
    return sse('content_block_stop', { type: 'content_block_stop', index });
  }

  /** The SSE text for one router event ('' when it has none). */
  encode(event: StreamEvent): string {
    let out = this.#started ? '' : this.start();
    switch (event.type) {
      case 'text-delta': {
        if (event.delta === '') return out;
        if (this.#openText === undefined) {
          this.#openText = this.#next++;
          out += sse('content_block_start', {
            type: 'content_block_start',
            index: this.#openText,
            content_block: { type: 'text', text: '' },
          });
        }
        return (
          out +
          sse('content_block_delta', {
            type: 'content_block_delta',
            index: this.#openText,
            delta: { type: 'text_delta', text: event.delta },
          })
        );
      }
      case 'tool-call': {
        out += this.#closeText();
        const index = this.#next++;
        return (
          out +
          sse('content_block_start', {
            type: 'content_block_start',
            index,
            content_block: { type: 'tool_use', id: event.toolCallId, name: event.toolName, input: {} },
          }) +
          sse('content_block_delta', {
            type: 'content_block_delta',
            index,
            delta: { type: 'input_json_delta', partial_json: JSON.stringify(toolInput(event)) },
          }) +
          sse('content_block_stop', { type: 'content_block_stop', index })
        );
      }
      case 'finish': {
        out += this.#closeText();
        const usage = anthropicUsage(event.usage);
        return (
          out +
          sse('message_delta', {
            type: 'message_delta',
            delta: {
              stop_reason: anthropicStopReason(event.finishReason, event.response.rawFinishReason),
              stop_sequence: null,
            },
            usage,
          }) +
          sse('message_stop', { type: 'message_stop' })
        );
      }
      default:
        // reasoning and the tool input's partial deltas (the whole call follows as `tool-call`)
        return out;
    }
  }

  /** An `error` event, for a stream that fails after it began. */
  error(body: AnthropicErrorBody): string {
    return sse('error', body);
  }
}
