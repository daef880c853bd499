import type { BudgetPeriod, MaybePromise } from '../../../index.js';

/** A virtual key's spend cap: a router budget scoped to the key (`scope: { key: id }`). */
export interface KeyBudget {
  /** The cap in USD per period. */
  readonly limitUsd: number;
  /** When the spend starts again from zero. */
  readonly period: BudgetPeriod;
}

/** Who a virtual key belongs to: flows into the call's metadata, tags, metrics and the usage ledger. */
export interface KeyMetadata {
  /** The user (`metadata.user`: budgets by user, the usage ledger's `user` dimension). */
  readonly user?: string;
  /** The team (`metadata.team`, and the tag `team:<team>`). */
  readonly team?: string;
  /** Tags added to every call made with the key. */
  readonly tags?: readonly string[];
}

/**
 * A virtual key as stored: everything but the secret, which is kept only as its SHA-256 hash.
 * Times are ISO 8601 strings. Plain JSON, so any store can keep it.
 */
export interface KeyRecord {
  /** `key_…`: the key's public id (in metadata, events, budgets and the admin API). Not secret. */
  readonly id: string;
  /** A human name (`search-service`). */
  readonly name: string;
  /** SHA-256 of the secret, hex. */
  readonly hash: string;
  /** The secret's first and last characters (`sk-sy-…AbCd`), to recognise it in a list. */
  readonly hint: string;
  readonly createdAt: string;
  readonly rotatedAt?: string;
  readonly revokedAt?: string;
  /** After a rotation with a grace period: the old secret's hash, valid until `until`. */
  readonly previous?: { readonly hash: string; readonly until: string };
  /** Aliases or models the key may call (the request's `model`); absent: every one. */
  readonly models?: readonly string[];
  /** Requests per rolling minute (absent: unlimited). */
  readonly rpm?: number;
  /** Tokens per rolling minute (absent: unlimited). */
  readonly tpm?: number;
  readonly budget?: KeyBudget;
  readonly metadata?: KeyMetadata;
}

/**
 * Where virtual keys live. Small on purpose, so a shared store (Redis, a database) is easy to
 * add: a record by id, by hash (current or in-grace previous), all of them, and insert-or-replace.
 * A revoked key stays (with `revokedAt`) for the record.
 */
export interface KeyStore {
  /** The key with this id. */
  get(id: string): MaybePromise<KeyRecord | undefined>;
  /** The key whose `hash` or `previous.hash` is `hash` (revoked ones included). */
  findByHash(hash: string): MaybePromise<KeyRecord | undefined>;
  /** Every key, in creation order. */
  list(): MaybePromise<readonly KeyRecord[]>;
  /** Inserts the record or replaces the one with its id. */
  put(record: KeyRecord): MaybePromise<void>;
}
