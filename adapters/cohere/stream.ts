/**
 * Maps the events of a Cohere v2 chat stream (as the `cohere-ai` SDK parses them, camelCase) to
 * adapter stream parts.
 *
 * | Cohere event | part |
 * |---|---|
 * | `message-start` | `response-metadata` (id) |
 * | `content-start` / `content-delta` | `text-delta`, or `reasoning-delta` for thinking content |
 * | `tool-plan-delta` | `reasoning-delta` (the plan is the model's reasoning before its calls) |
 * | `tool-call-start` | `tool-input-start` (+ `tool-input-delta` with initial arguments) |
 * | `tool-call-delta` | `tool-input-delta` |
 * | `tool-call-end` | `tool-call` with the assembled arguments |
 * | `citation-start` | collected into `finish.providerMetadata.cohere.citations` |
 * | `message-end` | `finish` (finish reason, usage); reading stops here |
 */
import type { Cohere } from 'cohere-ai';
import { responseMappingError } from '../../modules/adapter-kit/local-errors.js';
import { type AdapterStreamPart, SwitchyardError } from '../../src/index.js';
import { mapFinishReason, mapUsage, providerMetadataOf, usageMetadata } from './response.js';

interface OpenToolCall {
  readonly toolCallId: string;
  readonly toolName: string;
  input: string;
}

/**
 * Yields the parts of one stream. Reading stops at `message-end` (which releases the connection)
 * and the last part is `finish`; a stream that ends without `message-end` throws a `connection`
 * error.
 */
export async function* fromCohereStream(
  events: AsyncIterable<Cohere.V2ChatStreamResponse>,
  target: string,
): AsyncGenerator<AdapterStreamPart, void, undefined> {
  const toolCalls = new Map<number, OpenToolCall>();
  const citations: Cohere.Citation[] = [];
  let toolPlan = '';
  let end: Cohere.V2ChatStreamResponse.MessageEnd | undefined;
  read: for await (const event of events) {
    // Reading (above) fails upstream; an exception in the mapping below is a bug of this adapter.
    try {
      if (typeof event !== 'object' || event === null) throw malformed(target, 'an event is not an object');
      switch (event.type) {
        case 'message-start':
          if (event.id) yield { type: 'response-metadata', responseId: event.id };
          break;
        case 'content-start':
        case 'content-delta':
          yield* contentDelta(event.delta?.message?.content);
          break;
        case 'tool-plan-delta': {
          const delta = event.delta?.message?.toolPlan;
          if (delta) {
            toolPlan += delta;
            yield { type: 'reasoning-delta', delta };
          }
          break;
        }
        case 'tool-call-start': {
          const call = event.delta?.message?.toolCalls;
          const open: OpenToolCall = {
            toolCallId: call?.id ?? '',
            toolName: call?.function?.name ?? '',
            input: '',
          };
          toolCalls.set(event.index ?? toolCalls.size, open);
          yield { type: 'tool-input-start', toolCallId: open.toolCallId, toolName: open.toolName };
          yield* toolInputDelta(open, call?.function?.arguments);
          break;
        }
        case 'tool-call-delta': {
          const open = toolCalls.get(event.index ?? toolCalls.size - 1);
          if (!open) throw malformed(target, `tool-call-delta for unknown tool call index ${event.index}`);
          yield* toolInputDelta(open, event.delta?.message?.toolCalls?.function?.arguments);
          break;
        }
        case 'tool-call-end': {
          const index = event.index ?? toolCalls.size - 1;
          const open = toolCalls.get(index);
          if (!open) throw malformed(target, `tool-call-end for unknown tool call index ${event.index}`);
          toolCalls.delete(index);
          yield completeToolCall(open);
          break;
        }
        case 'citation-start': {
          const citation = event.delta?.message?.citations;
          if (citation) citations.push(citation);
          break;
        }
        case 'message-end':
          end = event;
          // Leaving the loop ends the SDK iteration, which releases the connection before the
          // consumer sees `finish` (the router stops pulling once it has it).
          break read;
        default:
          // content-end, citation-end, debug and event types added later carry nothing to map.
          break;
      }
    } catch (error) {
      throw responseMappingError(error, { target, adapter: 'the Cohere adapter' });
    }
  }
  if (end === undefined) {
    throw new SwitchyardError(
      'connection',
      `connection to target '${target}': the Cohere stream ended before message-end`,
      { target },
    );
  }
  try {
    yield* finishParts(end, toolCalls, toolPlan, citations);
  } catch (error) {
    throw responseMappingError(error, { target, adapter: 'the Cohere adapter' });
  }
}

/** The closing parts: tool calls the stream never closed (complete once the message is), then `finish`. */
function* finishParts(
  end: Cohere.V2ChatStreamResponse.MessageEnd,
  toolCalls: ReadonlyMap<number, OpenToolCall>,
  toolPlan: string,
  citations: readonly Cohere.Citation[],
): Generator<AdapterStreamPart> {
  for (const open of toolCalls.values()) yield completeToolCall(open);
  const delta = end.delta;
  const metadata = usageMetadata(delta?.usage);
  if (toolPlan) metadata.toolPlan = toolPlan;
  if (citations.length > 0) metadata.citations = citations;
  if (delta?.error) metadata.error = delta.error;
  const providerMetadata = providerMetadataOf(metadata);
  yield {
    type: 'finish',
    finishReason: mapFinishReason(delta?.finishReason),
    ...(delta?.finishReason === undefined ? {} : { rawFinishReason: delta.finishReason }),
    usage: mapUsage(delta?.usage),
    ...(providerMetadata === undefined ? {} : { providerMetadata }),
  };
}

/** Thinking content (reasoning models) arrives in `thinking`, answer text in `text`. */
function* contentDelta(
  content: { readonly text?: string; readonly thinking?: string } | undefined,
): Generator<AdapterStreamPart> {
  if (content?.thinking) yield { type: 'reasoning-delta', delta: content.thinking };
  if (content?.text) yield { type: 'text-delta', delta: content.text };
}

function* toolInputDelta(open: OpenToolCall, delta: string | undefined): Generator<AdapterStreamPart> {
  if (!delta) return;
  open.input += delta;
  yield { type: 'tool-input-delta', toolCallId: open.toolCallId, delta };
}

function completeToolCall(open: OpenToolCall): AdapterStreamPart {
  return {
    type: 'tool-call',
    toolCallId: open.toolCallId,
    toolName: open.toolName,
    input: open.input || '{}',
  };
}

function malformed(target: string, detail: string): SwitchyardError {
  return new SwitchyardError('server', `server from target '${target}': malformed Cohere stream: ${detail}`, {
    target,
  });
}
