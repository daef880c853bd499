/**
 * Stream parts both ways: a router stream → the AI SDK's `LanguageModelV3StreamPart`s (with
 * `text-start`/`-end`, `reasoning-start`/`-end` and `tool-input-end` framing, `response-metadata`
 * and a `finish` carrying the V3 usage and `providerMetadata.switchyard`), and a V3 stream →
 * Switchyard adapter stream parts.
 */
import type { LanguageModelV3StreamPart, SharedV3Warning } from '@ai-sdk/provider';
import type { AdapterStreamPart, CompletionResponse, RouterStream, StreamEvent } from '../../index.js';
import { type AISDKErrorContext, errorFromAISDK } from './errors.js';
import {
  finishFromV3,
  finishToV3,
  switchyardMetadata,
  usageFromV3,
  usageToV3,
  warningsFromV3,
} from './results.js';

/**
 * Turns router events into V3 parts, framing text and reasoning runs with start/end parts
 * (one id per run) and closing a tool call's input before its `tool-call`.
 */
export class V3PartWriter {
  #open: { type: 'text' | 'reasoning'; id: string } | undefined;
  readonly #openInputs = new Set<string>();
  #runs = 0;

  /** The parts for one router event, in order. */
  write(event: StreamEvent): LanguageModelV3StreamPart[] {
    const out: LanguageModelV3StreamPart[] = [];
    switch (event.type) {
      case 'text-delta':
      case 'reasoning-delta': {
        const kind = event.type === 'text-delta' ? 'text' : 'reasoning';
        if (this.#open?.type !== kind) {
          this.#close(out);
          this.#open = { type: kind, id: `${kind}-${this.#runs++}` };
          out.push({ type: `${kind}-start`, id: this.#open.id });
        }
        out.push({ type: event.type, id: this.#open.id, delta: event.delta });
        break;
      }
      case 'tool-input-start':
        this.#close(out);
        this.#openInputs.add(event.toolCallId);
        out.push({ type: 'tool-input-start', id: event.toolCallId, toolName: event.toolName });
        break;
      case 'tool-input-delta':
        out.push({ type: 'tool-input-delta', id: event.toolCallId, delta: event.delta });
        break;
      case 'tool-call':
        this.#close(out);
        if (this.#openInputs.delete(event.toolCallId))
          out.push({ type: 'tool-input-end', id: event.toolCallId });
        out.push({
          type: 'tool-call',
          toolCallId: event.toolCallId,
          toolName: event.toolName,
          input: event.input,
        });
        break;
      case 'finish':
        this.#close(out);
        out.push(...finishParts(event.response));
        break;
    }
    return out;
  }

  #close(out: LanguageModelV3StreamPart[]): void {
    if (this.#open !== undefined) {
      out.push({ type: `${this.#open.type}-end`, id: this.#open.id });
      this.#open = undefined;
    }
  }
}

function finishParts(response: CompletionResponse): LanguageModelV3StreamPart[] {
  return [
    { type: 'response-metadata', id: response.responseId ?? response.requestId, modelId: response.model },
    {
      type: 'finish',
      usage: usageToV3(response.usage),
      finishReason: finishToV3(response.finishReason, response.rawFinishReason),
      providerMetadata: switchyardMetadata(response),
    },
  ];
}

/**
 * Opens a router stream as a V3 stream. Resolves once the router has sent its first event, so
 * that a call that fails before any content (every fallback tried) rejects here, as `doStream`
 * should; a failure after content becomes an `error` part that ends the stream. Cancelling the
 * V3 stream stops the router's call.
 */
export async function routerStreamToV3(
  stream: RouterStream,
  warnings: SharedV3Warning[],
): Promise<ReadableStream<LanguageModelV3StreamPart>> {
  const iterator = stream[Symbol.asyncIterator]();
  const first = await iterator.next();
  const writer = new V3PartWriter();
  let pending: IteratorResult<StreamEvent> | undefined = first;
  return new ReadableStream<LanguageModelV3StreamPart>({
    start(controller) {
      controller.enqueue({ type: 'stream-start', warnings });
    },
    async pull(controller) {
      try {
        const step = pending ?? (await iterator.next());
        pending = undefined;
        if (step.done) {
          controller.close();
          return;
        }
        for (const part of writer.write(step.value)) controller.enqueue(part);
        if (step.value.type === 'finish') controller.close();
      } catch (error) {
        controller.enqueue({ type: 'error', error });
        controller.close();
      }
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

/**
 * Reads a V3 stream as Switchyard adapter stream parts. `stream-start` warnings and
 * `response-metadata` are passed on; text and reasoning deltas, tool input and client-side tool
 * calls are content; an `error` part, or an error of the stream itself, is thrown (mapped by
 * {@link errorFromAISDK}); files,
 * sources, raw chunks and provider-executed tools are skipped. When `signal` aborts, the V3
 * stream is cancelled and the generator throws the abort reason; when the consumer stops
 * reading, the V3 stream is cancelled.
 */
export async function* partsFromV3(
  stream: ReadableStream<LanguageModelV3StreamPart>,
  context: AISDKErrorContext & { readonly signal: AbortSignal },
): AsyncGenerator<AdapterStreamPart> {
  const { signal } = context;
  const reader = stream.getReader();
  const providerTools = new Set<string>();
  let ended = false;
  const onAbort = () => {
    reader.cancel(signal.reason).catch(() => {});
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      if (signal.aborted) throw errorFromAISDK(signal.reason, context);
      let step: ReadableStreamReadResult<LanguageModelV3StreamPart>;
      try {
        step = await reader.read();
      } catch (error) {
        ended = true; // an errored stream needs no cancel
        throw errorFromAISDK(error, context);
      }
      if (signal.aborted) throw errorFromAISDK(signal.reason, context);
      if (step.done) {
        ended = true;
        return;
      }
      const part = step.value;
      switch (part.type) {
        case 'stream-start':
          if (part.warnings.length > 0) yield { type: 'warnings', warnings: warningsFromV3(part.warnings) };
          break;
        case 'response-metadata':
          yield {
            type: 'response-metadata',
            ...(part.id === undefined ? {} : { responseId: part.id }),
            ...(part.modelId === undefined ? {} : { modelId: part.modelId }),
          };
          break;
        case 'text-delta':
        case 'reasoning-delta':
          yield { type: part.type, delta: part.delta };
          break;
        case 'tool-input-start':
          if (part.providerExecuted) providerTools.add(part.id);
          else yield { type: 'tool-input-start', toolCallId: part.id, toolName: part.toolName };
          break;
        case 'tool-input-delta':
          if (!providerTools.has(part.id))
            yield { type: 'tool-input-delta', toolCallId: part.id, delta: part.delta };
          break;
        case 'tool-call':
          if (!part.providerExecuted) {
            yield {
              type: 'tool-call',
              toolCallId: part.toolCallId,
              toolName: part.toolName,
              input: part.input,
            };
          }
          break;
        case 'finish': {
          ended = true;
          const metadata = part.providerMetadata;
          yield {
            type: 'finish',
            ...finishFromV3(part.finishReason),
            usage: usageFromV3(part.usage),
            ...(metadata === undefined ? {} : { providerMetadata: metadata }),
          };
          return;
        }
        case 'error':
          throw errorFromAISDK(part.error, context);
        default:
          break; // start/end framing, files, sources, raw chunks, provider tool results
      }
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    if (!ended) reader.cancel().catch(() => {});
  }
}
