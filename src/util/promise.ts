/** Whether a store's answer is a promise (a shared store) rather than a value (the in-memory one). */
export function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | undefined)?.then === 'function';
}

/** Swallows a rejection nobody waits for (a shared store's failed write-behind). */
export function ignore(): void {}
