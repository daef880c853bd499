import {
  type Clock,
  type RouterSnapshot,
  SwitchyardError,
  systemClock,
  type TimerHandle,
} from '../../index.js';
import {
  asError,
  BackupEmitter,
  type BackupErrorEvent,
  type SnapshotSchedulerEvents,
  type SnapshotSchedulerListener,
} from './events.js';
import { encodeSnapshot } from './format.js';
import type { SnapshotSink } from './sink.js';

/** Options of {@link startSnapshots}. */
export interface SnapshotOptions {
  /** Where snapshots go: a {@link FileSnapshotSink}, a {@link RedisSnapshotSink} or your own. */
  readonly sink: SnapshotSink;
  /** Interval between snapshots (ms): the recovery point is at most this old, plus one write. @default 5000 */
  readonly everyMs?: number;
  /** Snapshots the sink keeps (the newest; older ones are dropped after each write). @default 10 */
  readonly keep?: number;
  /** Clock of the timer (tests pass a `VirtualClock`). @default systemClock */
  readonly clock?: Clock;
  /** Also called for each `error` event (a listener from the start, before `on` can be called). */
  readonly onError?: (event: BackupErrorEvent) => void;
}

/** What {@link startSnapshots} snapshots: a `Router`, or anything with its `snapshot()`. */
export interface Snapshottable {
  snapshot(): RouterSnapshot;
}

/** The handle of a running snapshot schedule, from {@link startSnapshots}. */
export interface SnapshotScheduler {
  /** Listens to `written` or `error`. */
  on<E extends keyof SnapshotSchedulerEvents>(event: E, listener: SnapshotSchedulerListener<E>): this;
  /** Stops listening. */
  off<E extends keyof SnapshotSchedulerEvents>(event: E, listener: SnapshotSchedulerListener<E>): this;
  /**
   * Takes and writes a snapshot now (after the write in progress, if any). Resolves with its id,
   * or `undefined` when it failed (the failure goes to `error`); never rejects.
   */
  snapshotNow(): Promise<string | undefined>;
  /**
   * Stops the timer, waits for the write in progress and writes a final snapshot (so a graceful
   * shutdown loses nothing). Idempotent; never rejects. Listeners are dropped afterwards.
   */
  stop(): Promise<void>;
  /** The last failure, or `undefined` once a write succeeded after it. */
  readonly lastError: Error | undefined;
  /** Snapshots written so far. */
  readonly written: number;
}

/**
 * Writes `router.snapshot()` to `sink` every `everyMs` (default 5 s) — breakers, learned
 * strategy state, budget spend — so that a process that dies is replaced by one that restores
 * it ({@link restoreLatest}). Off the call path: a timer (unref'ed, so it never keeps the process
 * alive) takes the snapshot (a synchronous read of local state) and the sink writes it; a tick
 * that comes while a write is still in progress is skipped. A failure never reaches a routed
 * call: it goes to the `error` event and the next tick tries again.
 *
 * @throws {SwitchyardError} `config` for bad options, naming the field.
 *
 * @example
 * ```ts
 * import { FileSnapshotSink, restoreLatest, startSnapshots } from 'switchyard-llm/backup';
 * const sink = new FileSnapshotSink({ dir: '/var/lib/myapp/switchyard' });
 * await restoreLatest(router, sink, { onSkip: (e) => log.warn(`snapshot ${e.id}: ${e.reason}`) });
 * const snapshots = startSnapshots(router, { sink, onError: (e) => log.error(e.error) });
 * process.once('SIGTERM', async () => { await snapshots.stop(); await router.close(); });
 * ```
 */
export function startSnapshots(router: Snapshottable, options: SnapshotOptions): SnapshotScheduler {
  if (typeof router?.snapshot !== 'function') {
    throw configError('router', 'expected a Router (an object with snapshot())');
  }
  if (typeof options !== 'object' || options === null) throw configError('options', 'expected an object');
  const sink = options.sink;
  if (typeof sink?.write !== 'function' || typeof sink.list !== 'function') {
    throw configError('sink', 'expected a snapshot sink (with write and list), e.g. a FileSnapshotSink');
  }
  const everyMs = options.everyMs ?? 5000;
  if (typeof everyMs !== 'number' || !Number.isFinite(everyMs) || everyMs <= 0) {
    throw configError('everyMs', 'expected a positive number of milliseconds');
  }
  const keep = options.keep ?? 10;
  if (typeof keep !== 'number' || !Number.isInteger(keep) || keep < 1) {
    throw configError('keep', 'expected a whole number ≥ 1');
  }
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw configError('onError', 'expected a function');
  }
  return new Scheduler(router, sink, everyMs, keep, options.clock ?? systemClock, options.onError);
}

class Scheduler implements SnapshotScheduler {
  readonly #router: Snapshottable;
  readonly #sink: SnapshotSink;
  readonly #everyMs: number;
  readonly #keep: number;
  readonly #clock: Clock;
  readonly #events = new BackupEmitter();
  #timer: TimerHandle | undefined;
  #writing: Promise<string | undefined> | undefined;
  #stopping: Promise<void> | undefined;
  lastError: Error | undefined;
  written = 0;

  constructor(
    router: Snapshottable,
    sink: SnapshotSink,
    everyMs: number,
    keep: number,
    clock: Clock,
    onError: ((event: BackupErrorEvent) => void) | undefined,
  ) {
    this.#router = router;
    this.#sink = sink;
    this.#everyMs = everyMs;
    this.#keep = keep;
    this.#clock = clock;
    if (onError !== undefined) this.#events.on('error', onError);
    this.#schedule();
  }

  on<E extends keyof SnapshotSchedulerEvents>(event: E, listener: SnapshotSchedulerListener<E>): this {
    this.#events.on(event, listener);
    return this;
  }

  off<E extends keyof SnapshotSchedulerEvents>(event: E, listener: SnapshotSchedulerListener<E>): this {
    this.#events.off(event, listener);
    return this;
  }

  #schedule(): void {
    this.#timer = this.#clock.setTimeout(() => this.#tick(), this.#everyMs);
    this.#clock.unref?.(this.#timer);
  }

  #tick(): void {
    if (this.#stopping !== undefined) return;
    this.#schedule();
    if (this.#writing === undefined) void this.#write();
  }

  async snapshotNow(): Promise<string | undefined> {
    while (this.#writing !== undefined) await this.#writing;
    return this.#write();
  }

  #write(): Promise<string | undefined> {
    const writing = this.#writeOnce().finally(() => {
      if (this.#writing === writing) this.#writing = undefined;
    });
    this.#writing = writing;
    return writing;
  }

  async #writeOnce(): Promise<string | undefined> {
    const started = this.#clock.now();
    let data: string;
    let takenAt: number;
    try {
      const snapshot = this.#router.snapshot();
      takenAt = snapshot.takenAt;
      data = encodeSnapshot(snapshot);
    } catch (error) {
      this.#fail('snapshot', error);
      return undefined;
    }
    try {
      const id = await this.#sink.write(data, { takenAt, keep: this.#keep });
      this.written++;
      this.lastError = undefined;
      this.#events.emit('written', {
        id,
        takenAt,
        bytes: Buffer.byteLength(data, 'utf8'),
        durationMs: this.#clock.now() - started,
      });
      return id;
    } catch (error) {
      this.#fail('write', error);
      return undefined;
    }
  }

  #fail(operation: 'snapshot' | 'write', error: unknown): void {
    this.lastError = asError(error);
    this.#events.emit('error', { operation, error: this.lastError });
  }

  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
      await this.snapshotNow();
      this.#events.clear();
    })();
    return this.#stopping;
  }
}

function configError(field: string, message: string): SwitchyardError {
  return new SwitchyardError('config', `startSnapshots: ${field}: ${message}`, { retryable: false });
}
