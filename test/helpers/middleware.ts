/**
 * Builders for driving middleware hooks by hand: call and attempt contexts, adapter requests
 * resolved the way the router resolves them, responses and streams. No router, no adapter.
 */
import { adapterRequestFor } from '../../src/adapter-call.js';
import type {
  AdapterStreamPart,
  AttemptContext,
  CallContext,
  CompletionRequest,
  CompletionResponse,
  StreamEvent,
  TargetConfig,
  TargetView,
} from '../../src/index.js';

let calls = 0;

/** A call context for `request` (a fresh request id and state each time). */
export function callContext(
  request: CompletionRequest,
  options: { stream?: boolean; requestId?: string; signal?: AbortSignal } = {},
): CallContext {
  return {
    requestId: options.requestId ?? `test-${++calls}`,
    request,
    stream: options.stream ?? false,
    signal: options.signal ?? new AbortController().signal,
    deadline: Number.POSITIVE_INFINITY,
    state: new Map(),
  };
}

/** A target view for attempt contexts. */
export function targetView(
  id: string,
  options: { provider?: string; model?: string; config?: Partial<TargetConfig> } = {},
): TargetView {
  const provider = options.provider ?? 'mock';
  const model = options.model ?? `model-${id}`;
  const capabilities = { streaming: true, tools: true, json: 'schema' as const, images: true };
  const adapter = {
    provider,
    capabilities,
    complete: () => Promise.reject(new Error('not called')),
    stream: () => {
      throw new Error('not called');
    },
  };
  return {
    id,
    index: 0,
    model,
    provider,
    weight: 1,
    priority: 0,
    inFlight: 0,
    price: undefined,
    contextWindow: undefined,
    capabilities,
    config: { id, adapter, model, ...options.config },
  };
}

/**
 * An attempt context on `target` for the call `ctx` (sharing its state), with the adapter request
 * the router builds (model and provider options resolved).
 */
export function attemptContext(ctx: CallContext, target: TargetView, attempt = 1): AttemptContext {
  return { ...ctx, target, attempt, adapterRequest: adapterRequestFor(target, ctx.request) };
}

/** A completion response with `text`. */
export function responseOf(text: string, overrides: Partial<CompletionResponse> = {}): CompletionResponse {
  return {
    text,
    content: [{ type: 'text', text }],
    toolCalls: [],
    finishReason: 'stop',
    usage: { inputTokens: 3, outputTokens: 2, totalTokens: 5 },
    requestId: 'original',
    target: 'a',
    model: 'model-a',
    attempts: [{ attempt: 1, target: 'a', outcome: 'success', durationMs: 12 }],
    latencyMs: 12,
    warnings: [],
    ...overrides,
  };
}

/** The events of a stream of `deltas`, ending with `finish` carrying `response`. */
export function eventsOf(deltas: readonly string[], response = responseOf(deltas.join(''))): StreamEvent[] {
  return [
    ...deltas.map((delta): StreamEvent => ({ type: 'text-delta', delta })),
    { type: 'finish', finishReason: response.finishReason, usage: response.usage, response },
  ];
}

/** The parts of an adapter stream of `deltas`. */
export function partsOf(deltas: readonly string[]): AdapterStreamPart[] {
  return [
    ...deltas.map((delta): AdapterStreamPart => ({ type: 'text-delta', delta })),
    { type: 'finish', finishReason: 'stop', usage: { inputTokens: 3, outputTokens: 2, totalTokens: 5 } },
  ];
}

/** An async iterable over `items`, optionally failing with `error` after them. */
export async function* iterate<T>(items: readonly T[], error?: unknown): AsyncGenerator<T> {
  for (const item of items) yield item;
  if (error !== undefined) throw error;
}

/** Everything an async iterable yields. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}
