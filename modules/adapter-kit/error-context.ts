import type { AbortSignalLike } from '../../src/index.js';

/** What an adapter's error mapping needs to know about the attempt. */
export interface AdapterErrorContext {
  /** Target id, put on every error. */
  readonly target: string;
  /**
   * The attempt's abort state (`options.cancellation ?? options.signal`): aborted means the
   * caller or the router's deadline.
   */
  readonly signal: AbortSignalLike;
  /** The API key in use, removed from every message and cause. */
  readonly apiKey: string | undefined;
}
