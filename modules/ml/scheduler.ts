/**
 * Where background refits run their slices of work. A slice is a short synchronous step (one
 * tree node, one epoch); the scheduler decides when the next one runs, so routed calls never
 * wait on training.
 */
export interface RefitScheduler {
  /** Runs `task` later (after pending I/O). Returns a handle for {@link cancel}. */
  schedule(task: () => void): unknown;
  /** Cancels a task not yet run. Unknown handles are ignored. */
  cancel(handle: unknown): void;
}

/**
 * The default scheduler: `setImmediate`, unreferenced so that a refit in progress never keeps
 * the process alive. Each slice runs after the I/O callbacks already due.
 */
export const immediateScheduler: RefitScheduler = {
  schedule(task) {
    const handle = setImmediate(task);
    handle.unref();
    return handle;
  },
  cancel(handle) {
    if (handle !== undefined && handle !== null) clearImmediate(handle as NodeJS.Immediate);
  },
};

/**
 * A scheduler that runs slices only when told to, for tests: observe, then step through a refit
 * slice by slice and watch the model swap.
 *
 * @example
 * ```ts
 * const scheduler = new ManualScheduler();
 * const forest = new RandomForest(3, { scheduler, sliceMs: 0 });
 * // … observe until a refit starts …
 * scheduler.runNext(); // one slice
 * scheduler.runAll(); // the rest
 * ```
 */
export class ManualScheduler implements RefitScheduler {
  readonly #queue = new Map<number, () => void>();
  #next = 0;

  /** Tasks waiting. */
  get pending(): number {
    return this.#queue.size;
  }

  schedule(task: () => void): unknown {
    const id = this.#next++;
    this.#queue.set(id, task);
    return id;
  }

  cancel(handle: unknown): void {
    this.#queue.delete(handle as number);
  }

  /** Runs the oldest waiting task; false when none was waiting. */
  runNext(): boolean {
    const first = this.#queue.entries().next();
    if (first.done === true) return false;
    const [id, task] = first.value;
    this.#queue.delete(id);
    task();
    return true;
  }

  /** Runs tasks (including those they schedule) until none is left or `limit` ran; returns the count. */
  runAll(limit = 1_000_000): number {
    let ran = 0;
    while (ran < limit && this.runNext()) ran++;
    return ran;
  }
}
