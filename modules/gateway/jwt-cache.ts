import { createHash } from 'node:crypto';
import type { JwtClaims } from './jwt-options.js';

/** Longest time a verified token is reused without checking its signature again. */
export const CACHE_TTL_MS = 60_000;

/**
 * Verified tokens by the SHA-256 of their text (the token itself is not kept), least recently
 * used evicted first. An entry expires at the earliest of the token's `exp`, its `iat` plus the
 * maximum age, and {@link CACHE_TTL_MS} after it was verified.
 */
export class VerifiedTokenCache {
  readonly #entries = new Map<string, { readonly claims: JwtClaims; readonly until: number }>();
  constructor(
    readonly size: number,
    readonly maxTokenAgeMs: number | undefined,
  ) {}

  static key(token: string): string {
    return createHash('sha256').update(token).digest('base64url');
  }

  /** The claims of a token verified before and still fresh at `now`. */
  get(key: string, now: number): JwtClaims | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    if (now >= entry.until) return undefined;
    this.#entries.set(key, entry);
    return entry.claims;
  }

  set(key: string, claims: JwtClaims, now: number): void {
    if (this.size === 0) return;
    let until = now + CACHE_TTL_MS;
    if (typeof claims.exp === 'number') until = Math.min(until, claims.exp * 1000);
    if (this.maxTokenAgeMs !== undefined && typeof claims.iat === 'number') {
      until = Math.min(until, claims.iat * 1000 + this.maxTokenAgeMs);
    }
    if (until <= now) return;
    this.#entries.set(key, { claims, until });
    if (this.#entries.size > this.size) this.#entries.delete(this.#entries.keys().next().value as string);
  }

  clear(): void {
    this.#entries.clear();
  }
}
