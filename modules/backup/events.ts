/** `written`: a snapshot was stored. */
export interface SnapshotWrittenEvent {
  /** Its id in the sink (a file name, `<key>[0]`). */
  readonly id: string;
  /** Router clock time at which it was taken. */
  readonly takenAt: number;
  /** Its encoded size. */
  readonly bytes: number;
  /** How long taking and writing it took (ms, on the scheduler's clock). */
  readonly durationMs: number;
}

/** `error`: taking or writing a snapshot failed (routing is not affected; the next tick tries again). */
export interface BackupErrorEvent {
  /** `snapshot` (the router's `snapshot()` threw), `write` (the sink failed) or `listener` (a listener threw). */
  readonly operation: 'snapshot' | 'write' | 'listener';
  readonly error: Error;
}

/** The events of a {@link SnapshotScheduler}, by name. */
export interface SnapshotSchedulerEvents {
  written: SnapshotWrittenEvent;
  error: BackupErrorEvent;
}

/** A listener of event `E`. */
export type SnapshotSchedulerListener<E extends keyof SnapshotSchedulerEvents> = (
  event: SnapshotSchedulerEvents[E],
) => void;

/** A small typed emitter: a listener that throws is reported as an `error` event (or dropped, for `error`'s own). */
export class BackupEmitter {
  readonly #listeners = new Map<keyof SnapshotSchedulerEvents, Set<(event: never) => void>>();

  on<E extends keyof SnapshotSchedulerEvents>(event: E, listener: SnapshotSchedulerListener<E>): void {
    let set = this.#listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as (event: never) => void);
  }

  off<E extends keyof SnapshotSchedulerEvents>(event: E, listener: SnapshotSchedulerListener<E>): void {
    this.#listeners.get(event)?.delete(listener as (event: never) => void);
  }

  emit<E extends keyof SnapshotSchedulerEvents>(event: E, payload: SnapshotSchedulerEvents[E]): void {
    const set = this.#listeners.get(event);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        (listener as SnapshotSchedulerListener<E>)(payload);
      } catch (error) {
        if (event !== 'error') this.emit('error', { operation: 'listener', error: asError(error) });
      }
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}

/** `error` as an `Error`. */
export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
