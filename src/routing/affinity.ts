/**
 * The affinity table: a bounded LRU map from an affinity key (session or prompt-prefix hash) to
 * the id of the target that serves it, and the bounded-load test. See {@link AffinityOptions}.
 */
import type { TargetRuntime } from '../target-runtime.js';
import type { AffinityOptions } from '../types/affinity.js';
import type { Message } from '../types/message.js';
import type { CompletionRequest } from '../types/request.js';

/** Defaults of {@link AffinityOptions}. */
export const AFFINITY_DEFAULTS = {
  by: 'session',
  prefixChars: 2048,
  maxSessions: 10_000,
  loadFactor: 1.25,
} as const;

/** The session-to-target table of one router. */
export class AffinityTable {
  readonly #byPrefix: boolean;
  readonly #prefixChars: number;
  readonly #max: number;
  readonly #loadFactor: number;
  /** Key → target id; Map order is recency order (oldest first). */
  readonly #map = new Map<string, string>();

  constructor(options: AffinityOptions) {
    this.#byPrefix = (options.by ?? AFFINITY_DEFAULTS.by) === 'session-or-prefix';
    this.#prefixChars = options.prefixChars ?? AFFINITY_DEFAULTS.prefixChars;
    this.#max = options.maxSessions ?? AFFINITY_DEFAULTS.maxSessions;
    this.#loadFactor = options.loadFactor ?? AFFINITY_DEFAULTS.loadFactor;
  }

  /** Number of keys remembered. */
  get size(): number {
    return this.#map.size;
  }

  /**
   * The call's affinity key, or `undefined` when it has none (no `sessionId`, and no prefix mode or
   * a prompt shorter than `prefixChars`). Scoped by the model alias: one session may use several.
   */
  keyOf(request: CompletionRequest): string | undefined {
    const model = request.model ?? '';
    if (request.sessionId !== undefined) return `s\u0000${model}\u0000${request.sessionId}`;
    if (!this.#byPrefix) return undefined;
    const hash = prefixHash(request.messages, this.#prefixChars);
    return hash === undefined ? undefined : `p\u0000${model}\u0000${hash}`;
  }

  /** The target id remembered for `key` (marking it recently used). */
  get(key: string): string | undefined {
    const id = this.#map.get(key);
    if (id !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, id);
    }
    return id;
  }

  /** Remembers `key` → `targetId`, forgetting the least recently used key beyond `maxSessions`. */
  set(key: string, targetId: string): void {
    this.#map.delete(key);
    this.#map.set(key, targetId);
    if (this.#map.size > this.#max) {
      const oldest = this.#map.keys().next().value as string;
      this.#map.delete(oldest);
    }
  }

  /**
   * Whether `target` is above its bounded load among `pool` (Mirrokni et al., consistent hashing
   * with bounded loads): taking this call would put it above `ceil(loadFactor × average)`, where
   * the average counts this call.
   */
  overloaded(target: TargetRuntime, pool: readonly TargetRuntime[]): boolean {
    let total = 0;
    for (const t of pool) total += t.inFlight;
    const capacity = Math.ceil((this.#loadFactor * (total + 1)) / pool.length);
    return target.inFlight + 1 > capacity;
  }
}

/**
 * FNV-1a (32-bit; a collision only sends two prefixes to one target) over the first `chars` characters of the prompt (role and text of each message
 * in order), as hex; `undefined` when the prompt has fewer characters. Only text counts.
 */
export function prefixHash(messages: readonly Message[], chars: number): string | undefined {
  let hash = 0x811c9dc5;
  let left = chars;
  const feed = (text: string): void => {
    const n = Math.min(text.length, left);
    for (let i = 0; i < n; i++) {
      hash ^= text.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193);
    }
    left -= n;
  };
  for (const m of messages) {
    if (left <= 0) break;
    // The role and a separator (not counted): the same text under another role or split differently differs.
    for (let i = 0; i < m.role.length; i++) hash = Math.imul(hash ^ m.role.charCodeAt(i), 0x01000193);
    hash = Math.imul(hash ^ 0xffff, 0x01000193);
    if (typeof m.content === 'string') feed(m.content);
    else {
      for (const part of m.content) {
        if (left <= 0) break;
        if (part.type === 'text') feed(part.text);
      }
    }
  }
  return left > 0 ? undefined : (hash >>> 0).toString(16);
}
