import type {
  BudgetHoldTicket,
  BudgetReservation,
  BudgetStateHandle,
  BudgetTotals,
  MaybePromise,
} from '../../index.js';
import type { RedisConnection } from './connection.js';
import { SCRIPTS } from './scripts.js';

/** Relative slack on the limit, as in the memory store: ten reservations of a tenth all fit. */
const ROUNDING = 1e-9;
/** Keys of a period outlive its end by two days (the period's time zone is not known here). */
const GRACE_MS = 2 * 86_400_000;

/** What a budget handle needs from its store. */
export interface BudgetContext {
  readonly connection: RedisConnection;
  readonly failClosed: boolean;
  now(): number;
  /** A hold id unique across instances. */
  holdId(): string;
  report(operation: string, error: unknown): void;
}

/** Prefix of the ids of holds taken locally while Redis was out (never in Redis). */
const LOCAL = 'local:';

/** A hold's member in the holds set: `<id>|<amount>` (the amount as the reserve script got it). */
function member(hold: BudgetHoldTicket): string {
  return `${hold.id}|${String(hold.amountUsd)}`;
}

/**
 * A budget's spend in Redis: one hash per period (`<prefix>b:<id>:<period>`, expiring two days
 * after the period ends; `total` has one hash, bounded) and its holds (`…:holds`, a sorted set by
 * expiry). Reservations are one Lua script each, so instances never overspend together; a hold
 * nobody settles (its process crashed) lapses at its expiry and is swept by the next reservation. The handle keeps the last known totals of the latest period
 * for synchronous reads and for the local fallback: while Redis is out, `open` reserves against
 * them and queues the settlements to replay; `closed` refuses.
 */
export class RedisBudgetState implements BudgetStateHandle {
  readonly #ctx: BudgetContext;
  readonly #id: string;
  #periodKey = '';
  #spent = 0;
  #reserved = 0;
  /** Settlements to replay in Redis, by period: summed spend and the Redis holds to release. */
  readonly #queued = new Map<string, { actualUsd: number; members: string[] }>();
  #localSeq = 0;
  /** Spend restored from a snapshot while Redis was out, by period, to replay (as a floor) first. */
  readonly #floors = new Map<string, number>();

  constructor(ctx: BudgetContext, id: string) {
    this.#ctx = ctx;
    this.#id = id;
  }

  #key(periodKey: string): string {
    return this.#ctx.connection.key(`b:${this.#id}:${periodKey}`);
  }

  #keys(periodKey: string): string[] {
    const key = this.#key(periodKey);
    return [key, `${key}:holds`];
  }

  /** Milliseconds the period's hash lives from now (0: no expiry, for `total`). */
  #ttl(periodKey: string): string {
    const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(periodKey);
    const month = /^(\d{4})-(\d{2})$/.exec(periodKey);
    let end: number;
    if (day !== null) end = Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]) + 1);
    else if (month !== null) end = Date.UTC(Number(month[1]), Number(month[2]), 1);
    else return '0';
    return String(Math.max(60_000, Math.round(end + GRACE_MS - this.#ctx.now())));
  }

  #seen(periodKey: string): void {
    if (periodKey !== this.#periodKey) {
      this.#periodKey = periodKey;
      this.#spent = 0;
      this.#reserved = 0;
    }
  }

  #apply(periodKey: string, reply: readonly string[]): BudgetTotals {
    this.#seen(periodKey);
    this.#spent = Number(reply[1]);
    this.#reserved = Number(reply[2]);
    return this.read(periodKey);
  }

  reserve(
    periodKey: string,
    amountUsd: number,
    limitUsd: number,
    now: number,
    holdMs: number,
  ): MaybePromise<BudgetReservation> {
    const connection = this.#ctx.connection;
    if (!connection.healthy) return this.#reserveLocally(periodKey, amountUsd, limitUsd, now, holdMs);
    const id = this.#ctx.holdId();
    return connection
      .eval(SCRIPTS.reserve, this.#keys(periodKey), [
        String(amountUsd),
        String(limitUsd),
        this.#ttl(periodKey),
        String(Math.max(1, Math.ceil(holdMs))),
        id,
      ])
      .then(
        (reply) => {
          const totals = this.#apply(periodKey, reply);
          if (reply[0] !== '1') return { reserved: false, totals };
          return { reserved: true, totals, hold: { id, amountUsd, expiresAt: Number(reply[3]) } };
        },
        (error: unknown) => {
          this.#ctx.report('budget reserve', error);
          return this.#reserveLocally(periodKey, amountUsd, limitUsd, now, holdMs);
        },
      );
  }

  /** Redis is out: `closed` refuses; `open` reserves against the last known totals (a local hold). */
  #reserveLocally(
    periodKey: string,
    amountUsd: number,
    limitUsd: number,
    now: number,
    holdMs: number,
  ): BudgetReservation {
    this.#seen(periodKey);
    if (this.#ctx.failClosed) return { reserved: false, totals: this.read(periodKey) };
    const fits = this.#spent + this.#reserved + amountUsd <= limitUsd * (1 + ROUNDING);
    if (!fits) return { reserved: false, totals: this.read(periodKey) };
    this.#reserved += amountUsd;
    const hold = { id: `${LOCAL}${++this.#localSeq}`, amountUsd, expiresAt: now + holdMs };
    return { reserved: true, totals: this.read(periodKey), hold };
  }

  settle(periodKey: string, hold: BudgetHoldTicket, actualUsd: number): MaybePromise<BudgetTotals> {
    // A hold taken locally (Redis was out) was never in Redis: only its spend goes there.
    const members = hold.id.startsWith(LOCAL) ? [] : [member(hold)];
    const connection = this.#ctx.connection;
    if (!connection.healthy) return this.#settleLocally(periodKey, hold, members, actualUsd);
    return connection
      .eval(SCRIPTS.settle, this.#keys(periodKey), [String(actualUsd), this.#ttl(periodKey), ...members])
      .then(
        (reply) => this.#apply(periodKey, reply),
        (error: unknown) => {
          this.#ctx.report('budget settle', error);
          return this.#settleLocally(periodKey, hold, members, actualUsd);
        },
      );
  }

  release(periodKey: string, hold: BudgetHoldTicket): MaybePromise<BudgetTotals> {
    return this.settle(periodKey, hold, 0);
  }

  #settleLocally(
    periodKey: string,
    hold: BudgetHoldTicket,
    members: readonly string[],
    actualUsd: number,
  ): BudgetTotals {
    const queued = this.#queued.get(periodKey) ?? { actualUsd: 0, members: [] };
    queued.actualUsd += actualUsd;
    queued.members.push(...members);
    this.#queued.set(periodKey, queued);
    if (periodKey === this.#periodKey) {
      this.#reserved = Math.max(0, this.#reserved - hold.amountUsd);
      this.#spent += actualUsd;
    }
    return this.read(periodKey);
  }

  /**
   * Raises the period's spend in Redis to at least `spentUsd` (one script: a shared spend that
   * outlived the process is never lowered or counted twice). While Redis is out the local copy is
   * raised and the floor replayed on resync, before the queued settlements.
   */
  restore(periodKey: string, spentUsd: number): MaybePromise<BudgetTotals> {
    const connection = this.#ctx.connection;
    if (!connection.healthy) return this.#restoreLocally(periodKey, spentUsd);
    return connection
      .eval(SCRIPTS.floor, [this.#key(periodKey)], [String(spentUsd), this.#ttl(periodKey)])
      .then(
        (reply) => this.#apply(periodKey, reply),
        (error: unknown) => {
          this.#ctx.report('budget restore', error);
          return this.#restoreLocally(periodKey, spentUsd);
        },
      );
  }

  #restoreLocally(periodKey: string, spentUsd: number): BudgetTotals {
    this.#floors.set(periodKey, Math.max(this.#floors.get(periodKey) ?? 0, spentUsd));
    if (periodKey >= this.#periodKey) {
      this.#seen(periodKey);
      this.#spent = Math.max(this.#spent, spentUsd);
    }
    return this.read(periodKey);
  }

  read(periodKey: string): BudgetTotals {
    return periodKey === this.#periodKey
      ? { periodKey, spentUsd: this.#spent, reservedUsd: this.#reserved }
      : { periodKey, spentUsd: 0, reservedUsd: 0 };
  }

  /** Replays the settlements queued while Redis was out, then reads the latest period's totals. */
  async resync(): Promise<void> {
    const connection = this.#ctx.connection;
    for (const [periodKey, floor] of [...this.#floors]) {
      await connection.eval(SCRIPTS.floor, [this.#key(periodKey)], [String(floor), this.#ttl(periodKey)]);
      this.#floors.delete(periodKey);
    }
    for (const [periodKey, q] of [...this.#queued]) {
      await connection.eval(SCRIPTS.settle, this.#keys(periodKey), [
        String(q.actualUsd),
        this.#ttl(periodKey),
        ...q.members,
      ]);
      this.#queued.delete(periodKey);
    }
    if (this.#periodKey === '') return;
    const periodKey = this.#periodKey;
    const reply = (await connection.command(['HMGET', this.#key(periodKey), 'spent', 'reserved'])) as (
      | string
      | null
    )[];
    this.#apply(periodKey, ['1', reply[0] ?? '0', reply[1] ?? '0']);
  }
}
