/**
 * Test helpers of the streams module (not exported): a scripted RouterStream that counts how far
 * it was read and whether it was cancelled, and can hold an event back until released.
 */
import type { CompletionResponse, RouterStream, StreamEvent, Usage } from '../../index.js';
import { SwitchyardError } from '../../index.js';

export const USAGE: Usage = { inputTokens: 3, outputTokens: 4, totalTokens: 7 };

/** A complete response for finish events. */
export function response(overrides: Partial<CompletionResponse> = {}): CompletionResponse {
  return {
    text: '',
    content: [],
    toolCalls: [],
    finishReason: 'stop',
    usage: USAGE,
    requestId: 'r1',
    target: 'mock',
    model: 'mock-model',
    attempts: [],
    latencyMs: 1,
    warnings: [],
    ...overrides,
  };
}

/** The finish event of a response. */
export function finish(overrides: Partial<CompletionResponse> = {}): StreamEvent {
  const r = response(overrides);
  return { type: 'finish', finishReason: r.finishReason, usage: r.usage, response: r };
}

/** Text deltas then a finish. */
export function textEvents(deltas: readonly string[]): StreamEvent[] {
  return [
    ...deltas.map((delta): StreamEvent => ({ type: 'text-delta', delta })),
    finish({ text: deltas.join('') }),
  ];
}

/** What a {@link ScriptedStream} does after its events. */
export type ScriptEnd = { readonly fail: unknown } | { readonly hang: true } | undefined;

/** A RouterStream over a fixed list of events that records reads and cancellation. */
export class ScriptedStream implements RouterStream {
  /** Events handed out so far. */
  read = 0;
  /** Whether `return()` was called (the consumer cancelled). */
  cancelled = false;
  readonly response: Promise<CompletionResponse>;
  readonly #events: readonly StreamEvent[];
  readonly #end: ScriptEnd;

  constructor(events: readonly StreamEvent[], end?: ScriptEnd) {
    this.#events = events;
    this.#end = end;
    this.response = new Promise(() => {});
  }

  get textStream(): AsyncIterable<string> {
    throw new Error('not used');
  }

  [Symbol.asyncIterator](): AsyncIterator<StreamEvent> {
    return {
      next: () => {
        if (this.cancelled) return Promise.resolve({ value: undefined, done: true });
        if (this.read < this.#events.length)
          return Promise.resolve({ value: this.#events[this.read++]!, done: false });
        const end = this.#end;
        if (end === undefined) return Promise.resolve({ value: undefined, done: true });
        if ('fail' in end) return Promise.reject(end.fail);
        return new Promise(() => {}); // hang: a token that never comes
      },
      return: () => {
        this.cancelled = true;
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}

/** A broken stream's error, as the router gives it. */
export function interrupted(): SwitchyardError {
  return new SwitchyardError('stream_interrupted', "stream from target 'mock' broke: upstream broke", {
    target: 'mock',
  });
}
