import { isSwitchyardError, SwitchyardError } from '../errors/switchyard-error.js';
import type { CallScope } from '../reliability/call-scope.js';
import type { RouterStreamController } from '../router-stream.js';
import type { Clock, TimerHandle } from '../types/clock.js';
import type { AdapterResponse, ContentPart, Warning } from '../types/response.js';
import type { AdapterStreamPart } from '../types/stream.js';
import { checkedPart } from './adapter-output.js';

/** What {@link consumeStream} needs from the router. */
export interface StreamAttemptContext {
  readonly scope: CallScope;
  readonly sink: RouterStreamController;
  readonly clock: Clock;
  /** Abort the attempt after this long without an event; 0 = off. */
  readonly idleTimeoutMs: number;
  /** Abort the attempt when no content arrived this long after it started; 0 = off. */
  readonly firstTokenTimeoutMs: number;
  /** Abort the attempt when no content arrived this long after the previous content; 0 = off. */
  readonly interTokenTimeoutMs: number;
  /** Aborts the attempt's own signal when one of its timeouts fires. */
  readonly onStall?: (reason: SwitchyardError) => void;
  readonly target: string;
  /** The adapter's provider name, for errors about malformed parts. */
  readonly provider: string;
  /** Called once the adapter's stream exists (its work has started). */
  readonly onOpened: () => void;
  /** Called once the adapter's stream has really ended (finished, or closed after a failure). */
  readonly onClosed: () => void;
  /** The typed error for a raw exception of the adapter's stream. */
  readonly toError: (thrown: unknown) => SwitchyardError;
  /** Called once, at the first content event, with the clock time. */
  readonly onFirstContent: (at: number) => void;
}

/**
 * Reads one adapter stream into the router's stream and assembles the final response.
 *
 * Until the first content part nothing is forwarded, so a failure can still fall back. After
 * it, a failure becomes `stream_interrupted` with the partial text, and the router never
 * restarts the stream elsewhere.
 */
export async function consumeStream(
  source: AsyncIterable<AdapterStreamPart>,
  ctx: StreamAttemptContext,
): Promise<AdapterResponse> {
  const { scope, sink, clock } = ctx;
  let iterator: AsyncIterator<AdapterStreamPart> | undefined;
  let started = false;
  let text = '';
  let reasoning = '';
  const toolCalls: ContentPart[] = [];
  let warnings: Warning[] | undefined;
  let responseId: string | undefined;
  let modelId: string | undefined;
  let idle: StallWatch | undefined;
  let tokens: StallWatch | undefined;
  try {
    iterator = source[Symbol.asyncIterator]();
    ctx.onOpened();
    if (ctx.idleTimeoutMs > 0) {
      idle = new StallWatch(
        clock,
        ctx.idleTimeoutMs,
        ctx.target,
        (ms) => `sent nothing for ${ms} ms`,
        ctx.onStall,
      );
    }
    if (ctx.firstTokenTimeoutMs > 0 || ctx.interTokenTimeoutMs > 0) {
      tokens = new StallWatch(
        clock,
        ctx.firstTokenTimeoutMs,
        ctx.target,
        (ms) =>
          started
            ? `sent no content for ${ms} ms after its last content`
            : `sent no first content within ${ms} ms`,
        ctx.onStall,
      );
    }
    for (;;) {
      let next = iterator.next();
      if (idle !== undefined) next = idle.race(next);
      if (tokens !== undefined) next = tokens.race(next);
      const step = await scope.race(next);
      if (step.done) break;
      idle?.touch();
      const part = checkedPart(step.value, ctx.provider, ctx.target);
      switch (part.type) {
        case 'text-delta':
          if (part.delta === '') continue;
          text += part.delta;
          break;
        case 'reasoning-delta':
          if (part.delta === '') continue;
          reasoning += part.delta;
          break;
        case 'tool-call':
          toolCalls.push({
            type: 'tool-call',
            toolCallId: part.toolCallId,
            toolName: part.toolName,
            input: part.input,
          });
          break;
        case 'tool-input-start':
        case 'tool-input-delta':
          break;
        case 'response-metadata':
          responseId = part.responseId ?? responseId;
          modelId = part.modelId ?? modelId;
          continue;
        case 'warnings':
          warnings = [...(warnings ?? []), ...part.warnings];
          continue;
        case 'finish': {
          idle?.stop();
          tokens?.stop();
          // Nothing is read after finish: release the adapter's stream (and its connection) now.
          iterator.return?.()?.catch(() => {});
          ctx.onClosed();
          const content: ContentPart[] = [];
          if (reasoning) content.push({ type: 'reasoning', text: reasoning });
          if (text) content.push({ type: 'text', text });
          content.push(...toolCalls);
          return {
            content,
            finishReason: part.finishReason,
            rawFinishReason: part.rawFinishReason,
            usage: part.usage,
            responseId,
            modelId,
            warnings,
            providerMetadata: part.providerMetadata,
          };
        }
        default:
          continue; // unknown parts from newer adapters are ignored
      }
      if (!started) {
        // Before `started`: if the callback throws, nothing has been sent yet.
        ctx.onFirstContent(clock.now());
        started = true;
      }
      tokens?.touch(ctx.interTokenTimeoutMs);
      sink.push(part);
    }
    ctx.onClosed();
    throw new SwitchyardError(
      'connection',
      `the stream from target '${ctx.target}' ended without a finish event`,
      {
        target: ctx.target,
      },
    );
  } catch (thrown) {
    idle?.stop();
    tokens?.stop();
    // Close the adapter's stream (and its connection) unless it ended on its own; its slot is
    // free once it has really closed.
    closeThen(iterator, ctx.onClosed);
    const cause =
      idle?.fired ??
      tokens?.fired ??
      (isSwitchyardError(thrown) ? thrown : (scope.reason ?? ctx.toError(thrown)));
    if (!started || cause.kind === 'aborted' || cause.kind === 'stream_interrupted') throw cause;
    throw new SwitchyardError(
      'stream_interrupted',
      `the stream from target '${ctx.target}' broke after content was sent: ${cause.message}`,
      {
        target: ctx.target,
        cause,
        partialText: text,
        status: cause.status,
        // The router never retries it (output was sent); `cause.retryable` says whether asking again may work.
        retryable: false,
      },
    );
  } finally {
    idle?.stop();
    tokens?.stop();
  }
}

/** Closes `iterator` and calls `done` once it has closed (at once when there is nothing to close). */
function closeThen(iterator: AsyncIterator<AdapterStreamPart> | undefined, done: () => void): void {
  let closing: Promise<unknown> | undefined;
  try {
    closing = iterator?.return?.();
  } catch {
    closing = undefined;
  }
  if (closing === undefined) done();
  else closing.then(done, done);
}

/**
 * Aborts a stream attempt that stalls: one timer per attempt that re-arms itself for the time
 * left since the last `touch`, instead of one timer per event. The window may change at each
 * touch (a first-token window, then an inter-token one); a window of 0 stops the watch.
 */
class StallWatch {
  fired: SwitchyardError | undefined;
  #last: number;
  #ms: number;
  #timer: TimerHandle | undefined;
  #reject: ((e: unknown) => void) | undefined;
  readonly #clock: Clock;
  readonly #describe: (ms: number) => string;
  readonly #target: string;
  readonly #onFire: ((reason: SwitchyardError) => void) | undefined;

  /** Watches for `ms` from now (0: not yet; a later `touch` may start it). */
  constructor(
    clock: Clock,
    ms: number,
    target: string,
    describe: (ms: number) => string,
    onFire?: (reason: SwitchyardError) => void,
  ) {
    this.#onFire = onFire;
    this.#clock = clock;
    this.#ms = ms;
    this.#target = target;
    this.#describe = describe;
    this.#last = clock.now();
    if (ms > 0) this.#arm(ms);
  }

  /** Restarts the window from now, with a new length when given. */
  touch(ms = this.#ms): void {
    this.#last = this.#clock.now();
    this.#ms = ms;
    if (ms <= 0) this.stop();
    else if (this.#timer === undefined && this.fired === undefined) this.#arm(ms);
  }

  race<T>(promise: Promise<T>): Promise<T> {
    if (this.fired) return Promise.reject(this.fired);
    // A stale `#reject` (its promise settled) is harmless: rejecting a settled promise does nothing.
    return new Promise<T>((resolve, reject) => {
      this.#reject = reject;
      promise.then(resolve, reject);
    });
  }

  stop(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(ms: number): void {
    this.#timer = this.#clock.setTimeout(() => this.#check(), ms);
  }

  #check(): void {
    this.#timer = undefined;
    const quiet = this.#clock.now() - this.#last;
    if (quiet < this.#ms) {
      this.#arm(this.#ms - quiet);
      return;
    }
    this.fired = new SwitchyardError(
      'timeout',
      `the stream from target '${this.#target}' ${this.#describe(this.#ms)}`,
      {
        target: this.#target,
      },
    );
    this.#reject?.(this.fired);
    this.#onFire?.(this.fired);
  }
}
