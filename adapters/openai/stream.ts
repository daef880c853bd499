/**
 * Turns Chat Completions stream chunks into adapter stream parts. Tool calls are assembled per
 * index and completed at the finish reason (or the end of the stream); usage may come after the
 * finish reason, so `finish` is only produced by {@link ChunkMapper.end}.
 */

import { StreamErrorEvent } from '../../modules/adapter-kit/sse.js';
import { type AdapterStreamPart, SwitchyardError, type Usage, type Warning } from '../../src/index.js';
import { mapFinishReason, mapUsage, providerMetadataOf } from './response.js';
import type { WireCompletion, WireToolCall, WireUsage } from './wire.js';

/**
 * The chunk in the `data` of one SSE event, or `undefined` for the `[DONE]` terminator. Throws the
 * `SyntaxError` of malformed JSON, a `server` error for a chunk that is not an object, and a
 * {@link StreamErrorEvent} for an `error` object (all mapped by `toSwitchyardError`).
 */
export function chunkOf(data: string): WireCompletion | undefined {
  if (data.startsWith('[DONE]')) return undefined;
  const value: unknown = JSON.parse(data);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SwitchyardError(
      'server',
      `server error: malformed response: a stream chunk is ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}, not a JSON object`,
    );
  }
  const error = (value as { error?: unknown }).error;
  if (error) throw new StreamErrorEvent(error);
  return value as WireCompletion;
}

/** Whether a wire value is an object (a provider may send anything where an object belongs). */
function isObject<T>(value: T): value is NonNullable<T> {
  return typeof value === 'object' && value !== null;
}

interface PendingCall {
  id: string;
  name: string;
  args: string;
  started: boolean;
  done: boolean;
}

/**
 * The parts of one chunk: a list reused for every chunk of a stream. Clearing it keeps its
 * storage (an array emptied with `length = 0` gives its storage up and grows again per chunk).
 */
export class PartList {
  readonly #items: (AdapterStreamPart | undefined)[] = [];
  #size = 0;

  /** How many parts it holds. */
  get size(): number {
    return this.#size;
  }

  /** The part at `index` (< {@link size}). */
  at(index: number): AdapterStreamPart {
    return this.#items[index] as AdapterStreamPart;
  }

  push(part: AdapterStreamPart): void {
    this.#items[this.#size++] = part;
  }

  /** Empties the list (the parts are released, the storage kept). */
  clear(): void {
    for (let i = 0; i < this.#size; i++) this.#items[i] = undefined;
    this.#size = 0;
  }
}

/** Never written to: {@link ChunkMapper} makes its own maps before its first write. */
const NO_CALLS: Map<string, PendingCall> = new Map();
const NO_KEYS: Map<number, string> = new Map();

/** Stateful mapper for one stream. */
export class ChunkMapper {
  readonly #warnings: readonly Warning[];
  #metadataSent = false;
  // Shared empty maps until the stream's first tool-call delta: most streams have none.
  #calls: Map<string, PendingCall> = NO_CALLS;
  #keyOfIndex: Map<number, string> = NO_KEYS;
  #lastKey: string | undefined;
  #nextKey = 0;
  #finishReason: string | undefined;
  #usage: WireUsage | undefined;
  #metadata: Record<string, unknown> | undefined;

  constructor(warnings: readonly Warning[]) {
    this.#warnings = warnings;
  }

  /**
   * Appends the parts of one chunk to `out` (a list the caller reuses: no generator and no
   * iterator results per chunk).
   */
  push(chunk: WireCompletion, out: PartList): void {
    if (!this.#metadataSent) this.#start(chunk, out);
    const usage = chunk.usage ?? chunk.x_groq?.usage;
    if (usage) this.#usage = usage;
    // Checked first: most chunks have neither, and the lookup allocates.
    if (chunk.system_fingerprint || chunk.citations) {
      const meta = providerMetadataOf(chunk);
      if (meta) this.#metadata = Object.assign(this.#metadata ?? {}, meta);
    }
    const choice = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
    if (!isObject(choice)) return;
    if (choice.usage) this.#usage = choice.usage;
    const delta = choice.delta;
    const reasoning = delta?.reasoning_content ?? delta?.reasoning;
    if (typeof reasoning === 'string' && reasoning !== '')
      out.push({ type: 'reasoning-delta', delta: reasoning });
    if (typeof delta?.content === 'string' && delta.content !== '')
      out.push({ type: 'text-delta', delta: delta.content });
    const calls = delta?.tool_calls;
    if (Array.isArray(calls)) for (const call of calls) if (isObject(call)) this.#toolDelta(call, out);
    if (choice.finish_reason) {
      this.#finishReason = choice.finish_reason;
      this.#completeCalls(out);
    }
  }

  /**
   * The closing parts: pending tool calls, then `finish`. A stream that ended without a finish
   * reason was cut short, which is a `connection` failure.
   */
  *end(target: string): Generator<AdapterStreamPart> {
    const parts: AdapterStreamPart[] = [];
    this.#start({}, parts);
    yield* parts;
    if (this.#finishReason === undefined) {
      throw new SwitchyardError(
        'connection',
        `connection to target '${target}': the stream ended before a finish reason`,
        {
          target,
        },
      );
    }
    parts.length = 0;
    this.#completeCalls(parts);
    yield* parts;
    const usage: Usage = mapUsage(this.#usage);
    yield {
      type: 'finish',
      finishReason: mapFinishReason(this.#finishReason),
      rawFinishReason: this.#finishReason,
      usage,
      ...(this.#metadata ? { providerMetadata: this.#metadata } : {}),
    };
  }

  #start(chunk: WireCompletion, out: { push(part: AdapterStreamPart): void }): void {
    if (this.#metadataSent) return;
    this.#metadataSent = true;
    out.push({
      type: 'response-metadata',
      ...(chunk.id ? { responseId: chunk.id } : {}),
      ...(chunk.model ? { modelId: chunk.model } : {}),
    });
    if (this.#warnings.length > 0) out.push({ type: 'warnings', warnings: this.#warnings });
  }

  // Chunks of one call share an index; a new id at a used index starts a new call (some
  // compatible servers put parallel calls all at index 0), and chunks without an index belong
  // to the latest call unless they bring a new id.
  #keyFor(call: WireToolCall): string {
    const current = call.index === undefined ? this.#lastKey : this.#keyOfIndex.get(call.index);
    if (current !== undefined && (!call.id || this.#calls.get(current)?.id === call.id)) return current;
    const key = `call-${this.#nextKey++}`;
    if (call.index !== undefined) this.#keyOfIndex.set(call.index, key);
    this.#lastKey = key;
    return key;
  }

  #toolDelta(delta: WireToolCall, out: PartList): void {
    if (this.#calls === NO_CALLS) {
      this.#calls = new Map();
      this.#keyOfIndex = new Map();
    }
    const key = this.#keyFor(delta);
    this.#lastKey = key;
    let call = this.#calls.get(key);
    if (!call) {
      call = { id: delta.id || `call_${this.#calls.size}`, name: '', args: '', started: false, done: false };
      this.#calls.set(key, call);
    }
    if (call.done) return; // already reported complete; stray deltas cannot change it
    if (delta.function?.name && !call.started) call.name += delta.function.name;
    const args = delta.function?.arguments ?? '';
    call.args += args;
    if (!call.started && call.name !== '') {
      call.started = true;
      out.push({ type: 'tool-input-start', toolCallId: call.id, toolName: call.name });
      if (call.args !== '') out.push({ type: 'tool-input-delta', toolCallId: call.id, delta: call.args });
    } else if (call.started && args !== '') {
      out.push({ type: 'tool-input-delta', toolCallId: call.id, delta: args });
    }
  }

  #completeCalls(out: { push(part: AdapterStreamPart): void }): void {
    if (this.#calls.size === 0) return;
    for (const call of this.#calls.values()) {
      if (call.done || !call.started) continue;
      call.done = true;
      out.push({ type: 'tool-call', toolCallId: call.id, toolName: call.name, input: call.args || '{}' });
    }
  }
}
