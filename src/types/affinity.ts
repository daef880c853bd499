/**
 * Session and prompt-cache affinity (`RouterOptions.affinity`): calls of the same session (or,
 * opt-in, with the same long prompt prefix) go back to the target that served the session while
 * that target is available and not overloaded, so the provider's prompt cache can hit. The
 * strategy still picks for new sessions and whenever the remembered target cannot take the call.
 *
 * @example
 * ```ts
 * new Router({ targets, strategy: 'least-connections', affinity: { by: 'session' } });
 * await router.complete({ sessionId: 'chat-42', messages });
 * ```
 */
export interface AffinityOptions {
  /**
   * What ties calls together: `session` uses the request's `sessionId` only;
   * `session-or-prefix` also groups calls without a `sessionId` whose prompt starts with the same
   * `prefixChars` characters (only a hash of the prefix is kept, never the text).
   * @default 'session'
   */
  readonly by?: 'session' | 'session-or-prefix';
  /** Characters of the prompt (system and first messages) that form the prefix key; shorter prompts get no key. @default 2048 */
  readonly prefixChars?: number;
  /** Most sessions remembered; the least recently used is forgotten first. @default 10000 */
  readonly maxSessions?: number;
  /**
   * Bounded load: the remembered target is skipped (the strategy picks, and the session moves)
   * when taking the call would put it above `ceil(loadFactor × average in-flight)` of the call's
   * available candidates, counting this call. At least 1. @default 1.25
   */
  readonly loadFactor?: number;
}

/** How the affinity step went for a call's first attempt (`route` event `affinity`). */
export type AffinityOutcome =
  /** The remembered target took the call; the strategy was not asked. */
  | 'hit'
  /** No target remembered for the key: the strategy picked, and the key now maps to its pick. */
  | 'miss'
  /** The remembered target is not available (ejected, blocked, full, not a candidate): the session moved. */
  | 'unavailable'
  /** The remembered target is above its bounded load: the strategy picked for this call only; the session stays (it returns when the load drops). */
  | 'overloaded';
