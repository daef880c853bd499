import { responseMappingError } from '../../modules/adapter-kit/local-errors.js';
import {
  bodyIterator,
  drainBody,
  type SseEvent,
  SseParser,
  StreamErrorEvent,
} from '../../modules/adapter-kit/sse.js';
import { type AdapterStreamPart, SwitchyardError, type Warning } from '../../src/index.js';
import { ADAPTER } from './errors.js';
import { type AnthropicMetadata, appendTo, finishReasonOf, providerMetadataOf, usageOf } from './response.js';
import type { WireResponseBlock, WireStreamEvent, WireUsage } from './wire.js';

/** How long the end of the body may take after `message_stop` before the connection is closed. */
const DRAIN_GRACE_MS = 1000;

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function malformed(detail: string): SwitchyardError {
  return new SwitchyardError('server', `server: malformed stream: ${detail}`);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The object an event of this type must carry, so that the mapping can read it. */
const REQUIRED_OBJECT: Readonly<Record<string, string>> = {
  message_start: 'message',
  content_block_start: 'content_block',
  content_block_delta: 'delta',
};

/**
 * The stream event of one SSE event, by the SDK's own rules: `ping` and nameless events are
 * skipped, an `error` event throws a {@link StreamErrorEvent}, malformed JSON throws its
 * `SyntaxError`, and an event that is not an object of its type (as far as the mapping reads it)
 * throws a `server` error.
 */
function eventOf(sse: SseEvent): WireStreamEvent | undefined {
  if (sse.event === undefined || sse.event === 'ping') return undefined;
  if (sse.event === 'error') throw new StreamErrorEvent(safeJson(sse.data) ?? sse.data);
  if (!sse.data) return undefined;
  const event: unknown = JSON.parse(sse.data);
  if (!isObject(event) || typeof event.type !== 'string') {
    throw malformed(`a '${sse.event.slice(0, 40)}' event is not an object with a type`);
  }
  const field = REQUIRED_OBJECT[event.type];
  if (field !== undefined && !isObject(event[field])) {
    throw malformed(`a '${event.type}' event has no '${field}' object`);
  }
  return event as unknown as WireStreamEvent;
}

/**
 * The events of a Messages API SSE response, read from the raw body with the shared parser
 * (far less CPU than the SDK's stream reader). Leaving early closes the connection, except after
 * `message_stop`: then the end of the body is awaited briefly, so the connection can be reused.
 */
export async function* readEvents(response: Response): AsyncGenerator<WireStreamEvent> {
  if (!response.body) throw malformed('a stream response without a body');
  const body = bodyIterator(response.body);
  const parser = new SseParser();
  let ended = false;
  let stopped = false;
  try {
    for (let step = await body.next(); step.done !== true; step = await body.next()) {
      parser.feed(step.value);
      for (let sse = parser.next(); sse !== undefined; sse = parser.next()) {
        const event = eventOf(sse);
        if (event === undefined) continue;
        if (event.type === 'message_stop') stopped = true;
        yield event;
      }
    }
    ended = true;
  } finally {
    if (!ended) {
      if (stopped) await drainBody(body, DRAIN_GRACE_MS);
      else await body.return?.().catch(() => undefined);
    }
  }
}

/** What is known about one open content block, by its `index`. */
type BlockState =
  | { readonly kind: 'text' }
  | {
      readonly kind: 'tool';
      readonly id: string;
      readonly name: string;
      readonly initial: unknown;
      json: string;
    }
  | { readonly kind: 'json'; readonly initial: unknown; sent: boolean }
  | { readonly kind: 'thinking'; signature: string }
  | { readonly kind: 'other' };

/** Options of {@link mapStream}. */
export interface StreamMappingOptions {
  /** Target id, for errors. */
  readonly target: string;
  /** Mapping notices, sent once the stream has started (before any content). */
  readonly warnings: readonly Warning[];
  /** Name of the tool whose input is the JSON answer (streamed as text), when JSON is emulated. */
  readonly jsonTool?: string;
}

function hasKeys(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.keys(value).length > 0;
}

/** Later usage counts win; the API repeats or completes them in `message_delta`. */
function mergeUsage(into: WireUsage, next: WireUsage | undefined): WireUsage {
  if (!next) return into;
  const merged: Record<string, unknown> = { ...into };
  for (const [key, value] of Object.entries(next))
    if (value !== null && value !== undefined) merged[key] = value;
  return merged as WireUsage;
}

function startBlock(block: WireResponseBlock, jsonTool: string | undefined): BlockState {
  switch (block.type) {
    case 'text':
      return { kind: 'text' };
    case 'tool_use':
      return block.name === jsonTool && jsonTool !== undefined
        ? { kind: 'json', initial: block.input, sent: false }
        : { kind: 'tool', id: block.id, name: block.name, initial: block.input, json: '' };
    case 'thinking':
      return { kind: 'thinking', signature: block.signature ?? '' };
    default:
      return { kind: 'other' };
  }
}

/**
 * Maps Messages API stream events to adapter stream parts: `message_start` → `response-metadata`
 * (then `warnings`), text / `input_json_delta` / `thinking_delta` → deltas (never empty), a
 * finished `tool_use` block → `tool-call`, `message_stop` → exactly one `finish` with usage and
 * the stop reason of `message_delta`. Thinking signatures go into the finish's `providerMetadata`.
 *
 * Throws a `connection` error when the events end before `message_stop` (a cut stream).
 */
export async function* mapStream(
  events: AsyncIterable<WireStreamEvent>,
  options: StreamMappingOptions,
): AsyncGenerator<AdapterStreamPart> {
  const { jsonTool } = options;
  const blocks = new Map<number, BlockState>();
  const metadata: AnthropicMetadata = {};
  let usage: WireUsage = {};
  let stopReason: string | null | undefined;

  for await (const event of events) {
    // Reading (above) fails upstream; an exception in the mapping below is a bug of this adapter.
    try {
      switch (event.type) {
        case 'message_start': {
          usage = mergeUsage(usage, event.message.usage);
          const { id, model } = event.message;
          yield {
            type: 'response-metadata',
            ...(id ? { responseId: id } : {}),
            ...(model ? { modelId: model } : {}),
          };
          if (options.warnings.length) yield { type: 'warnings', warnings: options.warnings };
          break;
        }
        case 'content_block_start': {
          const block = event.content_block;
          const state = startBlock(block, jsonTool);
          blocks.set(event.index, state);
          if (state.kind === 'tool')
            yield { type: 'tool-input-start', toolCallId: state.id, toolName: state.name };
          else if (block.type === 'text' && block.text && !jsonTool)
            yield { type: 'text-delta', delta: block.text };
          else if (block.type === 'thinking' && block.thinking)
            yield { type: 'reasoning-delta', delta: block.thinking };
          else if (block.type === 'redacted_thinking') appendTo(metadata, 'redactedThinking', block.data);
          break;
        }
        case 'content_block_delta': {
          const state = blocks.get(event.index);
          const delta = event.delta;
          if (state === undefined) break;
          if (delta.type === 'text_delta' && state.kind === 'text') {
            if (delta.text && !jsonTool) yield { type: 'text-delta', delta: delta.text };
          } else if (delta.type === 'input_json_delta' && delta.partial_json) {
            if (state.kind === 'tool') {
              state.json += delta.partial_json;
              yield { type: 'tool-input-delta', toolCallId: state.id, delta: delta.partial_json };
            } else if (state.kind === 'json') {
              state.sent = true;
              yield { type: 'text-delta', delta: delta.partial_json };
            }
          } else if (delta.type === 'thinking_delta' && state.kind === 'thinking') {
            if (delta.thinking) yield { type: 'reasoning-delta', delta: delta.thinking };
          } else if (delta.type === 'signature_delta' && state.kind === 'thinking') {
            state.signature += delta.signature;
          }
          break;
        }
        case 'content_block_stop': {
          const state = blocks.get(event.index);
          blocks.delete(event.index);
          if (state?.kind === 'tool') {
            let input = state.json;
            if (input === '') {
              // No deltas: the whole input came with the block start (or there is none).
              input = JSON.stringify(state.initial ?? {});
              if (hasKeys(state.initial))
                yield { type: 'tool-input-delta', toolCallId: state.id, delta: input };
            }
            yield { type: 'tool-call', toolCallId: state.id, toolName: state.name, input };
          } else if (state?.kind === 'json' && !state.sent && hasKeys(state.initial)) {
            yield { type: 'text-delta', delta: JSON.stringify(state.initial) };
          } else if (state?.kind === 'thinking') {
            appendTo(metadata, 'signatures', state.signature);
          }
          break;
        }
        case 'message_delta':
          if (event.delta?.stop_reason !== undefined) stopReason = event.delta.stop_reason;
          if (event.delta?.stop_sequence) metadata.stopSequence = event.delta.stop_sequence;
          usage = mergeUsage(usage, event.usage);
          break;
        case 'message_stop': {
          const providerMetadata = providerMetadataOf(metadata);
          yield {
            type: 'finish',
            finishReason: finishReasonOf(stopReason, jsonTool !== undefined),
            ...(stopReason ? { rawFinishReason: stopReason } : {}),
            usage: usageOf(usage),
            ...(providerMetadata ? { providerMetadata } : {}),
          };
          return;
        }
      }
    } catch (error) {
      throw responseMappingError(error, { target: options.target, adapter: ADAPTER });
    }
  }
  throw new SwitchyardError('connection', 'connection: the stream ended before message_stop');
}
