import type { MaybePromise, QuotaAdmission, QuotaStateHandle, QuotaUsage } from '../../index.js';
import type { RedisConnection } from './connection.js';
import { SCRIPTS } from './scripts.js';

/** Slots of a window, as in the in-memory quota (a minute: 1 s slots). */
const SLOTS = 60;

/** What a quota handle needs from its store. */
export interface QuotaContext {
  readonly connection: RedisConnection;
  /** The local quota used while Redis is out (seeded from nothing: the window self-heals). */
  readonly local: QuotaStateHandle;
  report(operation: string, error: unknown): void;
}

/**
 * A rolling-window quota in Redis, shared by every process on the store: one hash per quota
 * (`<prefix>q:<id>:<windowMs>`, slot start → units, expiring a window after its last take).
 * `take` and `adjust` are one Lua script each, so processes never both take the last unit; each
 * reply carries the live slots, which a local mirror keeps for the synchronous `read`. While
 * Redis is out the handle counts locally (limits then hold per process, not across them).
 */
export class RedisQuotaState implements QuotaStateHandle {
  readonly #ctx: QuotaContext;
  readonly #key: string;
  readonly #windowMs: number;
  readonly #slotMs: number;
  /** Live slots as Redis last answered: [start, units]. */
  #mirror: [number, number][] = [];

  constructor(ctx: QuotaContext, id: string, windowMs: number) {
    this.#ctx = ctx;
    this.#key = ctx.connection.key(`q:${id}:${windowMs}`);
    this.#windowMs = windowMs;
    this.#slotMs = windowMs / SLOTS;
  }

  #args(...values: number[]): string[] {
    return [...values, this.#windowMs, this.#slotMs].map((v) => String(v));
  }

  #apply(reply: readonly string[]): void {
    const slots: [number, number][] = [];
    for (let i = 2; i + 1 < reply.length; i += 2) slots.push([Number(reply[i]), Number(reply[i + 1])]);
    this.#mirror = slots;
  }

  take(now: number, amount: number, limit: number): MaybePromise<QuotaAdmission> {
    const connection = this.#ctx.connection;
    if (!connection.healthy) return this.#ctx.local.take(now, amount, limit);
    return connection.eval(SCRIPTS.quotaTake, [this.#key], this.#args(now, amount, limit)).then(
      (reply) => {
        this.#apply(reply);
        const usage = this.read(now);
        return { admitted: reply[0] === '1', retryAt: Number(reply[1]), ...usage };
      },
      (error: unknown) => {
        this.#ctx.report('quota take', error);
        return this.#ctx.local.take(now, amount, limit);
      },
    );
  }

  adjust(now: number, takenAt: number, delta: number): MaybePromise<void> {
    const connection = this.#ctx.connection;
    if (!connection.healthy) return this.#ctx.local.adjust(now, takenAt, delta);
    return connection.eval(SCRIPTS.quotaAdjust, [this.#key], this.#args(now, takenAt, delta)).then(
      (reply) => this.#apply(reply),
      (error: unknown) => {
        this.#ctx.report('quota adjust', error);
        return this.#ctx.local.adjust(now, takenAt, delta);
      },
    );
  }

  read(now: number): QuotaUsage {
    if (!this.#ctx.connection.healthy) return this.#ctx.local.read(now);
    const oldest = now - this.#windowMs;
    let used = 0;
    let resetAt = Number.POSITIVE_INFINITY;
    for (const [start, units] of this.#mirror) {
      if (start <= oldest || units <= 0) continue;
      used += units;
      resetAt = Math.min(resetAt, start + this.#windowMs);
    }
    return { used, resetAt: used === 0 ? now : resetAt };
  }
}
