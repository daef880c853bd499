import { type Clock, type Router, SwitchyardError, systemClock } from '../../../index.js';
import type { Authenticate, Principal } from '../auth.js';
import { WireError } from '../wire-error.js';
import { principalOf, virtualKeyAuth } from './auth.js';
import { applySettings, type KeySettings, readKeySettings } from './records.js';
import { hashSecret, KEY_PREFIX, newKeyId, newSecret, type RandomBytes, secretHint } from './secret.js';
import type { KeyBudget, KeyMetadata, KeyRecord, KeyStore } from './types.js';

/** Options of {@link VirtualKeys}. */
export interface VirtualKeysOptions {
  /** The router whose budgets enforce the keys' `budget` (`router.setBudget`). @default no budgets (a key with one is refused) */
  readonly router?: Router;
  /** Time source for the records' times and rotation grace periods. @default systemClock */
  readonly clock?: Clock;
  /** Random bytes for secrets and ids (tests). @default crypto.randomBytes */
  readonly random?: RandomBytes;
  /** Time zone of the keys' daily and monthly budgets. @default 'UTC' */
  readonly budgetTimeZone?: string;
  /**
   * Keep budgets in the records without a router to enforce them (the `keys` CLI, which edits
   * the file a gateway loads). @default false: a key with a budget needs `router`
   */
  readonly storeBudgetsOnly?: boolean;
}

/** A key as the admin API and the CLI show it: no hash, no secret. */
export interface KeyView {
  readonly id: string;
  readonly name: string;
  /** `sk-sy-…AbCd`: the secret's last four characters. */
  readonly hint: string;
  readonly status: 'active' | 'revoked';
  readonly createdAt: string;
  readonly rotatedAt?: string;
  readonly revokedAt?: string;
  /** Until when the secret before the last rotation still works. */
  readonly previousValidUntil?: string;
  readonly models?: readonly string[];
  readonly rpm?: number;
  readonly tpm?: number;
  readonly budget?: KeyBudget;
  readonly metadata?: KeyMetadata;
}

/** A key just created or rotated, with its secret — shown this once, stored nowhere. */
export interface KeyWithSecret {
  readonly key: KeyView;
  readonly secret: string;
}

/** The view of a record (what leaves the gateway). */
export function keyView(record: KeyRecord): KeyView {
  const { hash: _hash, previous, ...rest } = record;
  return {
    ...rest,
    status: record.revokedAt === undefined ? 'active' : 'revoked',
    ...(previous === undefined ? {} : { previousValidUntil: previous.until }),
  };
}

/** The budget id of a key: `key:<id>`. */
export function keyBudgetId(keyId: string): string {
  return `key:${keyId}`;
}

function checked(settings: KeySettings, creating: boolean): KeySettings {
  try {
    return readKeySettings(settings, creating);
  } catch (error) {
    if (error instanceof WireError)
      throw new SwitchyardError('invalid_request', `virtual key: ${error.message}`);
    throw error;
  }
}

/**
 * Virtual keys over a {@link KeyStore}: create (the secret is returned once and only its SHA-256
 * kept), list, change, rotate and revoke, keeping each key's budget in the router
 * (`router.setBudget({ id: 'key:<id>', scope: { key: <id> }, … })`). Its
 * {@link VirtualKeys.authenticate} hook lets the keys in as principals whose limits the gateway
 * enforces. Used by the gateway's admin API and by the `keys` CLI.
 *
 * @example
 * ```ts
 * const keys = new VirtualKeys(new FileKeyStore('/var/lib/switchyard/keys.json'), { router });
 * const { secret } = await keys.create({ name: 'search', rpm: 600, models: ['chat'] });
 * createGateway(router, { keys, adminKey: process.env.SWITCHYARD_ADMIN_KEY });
 * ```
 */
export class VirtualKeys {
  readonly store: KeyStore;
  #router: Router | undefined;
  readonly #clock: Clock;
  readonly #random: RandomBytes | undefined;
  readonly #timeZone: string | undefined;
  readonly #storeOnly: boolean;
  #ready: Promise<void> | undefined;
  #loaded = false;
  /** Keys whose budget is in the router: id → the budget's settings as applied. */
  readonly #budgeted = new Map<string, string>();
  readonly #auth: Authenticate;

  constructor(store: KeyStore, options: VirtualKeysOptions = {}) {
    if (typeof store?.findByHash !== 'function' || typeof store.put !== 'function') {
      throw new SwitchyardError('config', 'VirtualKeys: store: expected a KeyStore');
    }
    this.store = store;
    this.#router = options.router;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random;
    this.#timeZone = options.budgetTimeZone;
    this.#storeOnly = options.storeBudgetsOnly === true;
    // Lookups also bring the router's copy of a key's budget up to date: with a shared store
    // (Redis), another replica may have created or changed the key.
    const seen = (record: KeyRecord | undefined): KeyRecord | undefined => {
      if (record !== undefined) this.#syncBudget(record);
      return record;
    };
    const lookups: KeyStore = {
      get: (id) => store.get(id),
      list: () => store.list(),
      put: (record) => store.put(record),
      findByHash: (hash) => {
        const found = store.findByHash(hash);
        return typeof (found as PromiseLike<unknown> | undefined)?.then === 'function'
          ? Promise.resolve(found).then(seen)
          : seen(found as KeyRecord | undefined);
      },
    };
    this.#auth = virtualKeyAuth(lookups, { clock: this.#clock, prefix: KEY_PREFIX });
  }

  /**
   * Keeps the keys' budgets in `router` from now on (after a config reload built a new router):
   * the budgets are applied to it on the next use (see {@link VirtualKeys.ready}).
   */
  useRouter(router: Router): void {
    this.#router = router;
    this.#budgeted.clear();
    this.#loaded = false;
    this.#ready = undefined;
  }

  /** A record seen by a lookup: its budget in the router as the record says (errors to no one: auth goes on). */
  #syncBudget(record: KeyRecord): void {
    const wanted = record.revokedAt === undefined ? budgetSignature(record) : undefined;
    if (wanted === this.#budgeted.get(record.id)) return;
    if (wanted !== undefined && this.#router === undefined) return;
    try {
      this.#applyBudget(record);
    } catch {
      // A budget this router cannot enforce: create() refused it on the replica that made it.
    }
  }

  /**
   * The gateway hook: lets in the keys of the store (see {@link virtualKeyAuth}). The first
   * call applies the stored keys' budgets to the router (see {@link VirtualKeys.ready}).
   */
  readonly authenticate: Authenticate = (request) => {
    if (this.#loaded) return this.#auth(request);
    return this.ready().then(() => this.#auth(request));
  };

  /** Applies the budgets of every active key to the router, once (later changes apply as they happen). */
  ready(): Promise<void> {
    if (this.#ready === undefined) {
      const loading = (async () => {
        for (const record of await this.store.list()) {
          if (record.revokedAt === undefined) this.#applyBudget(record);
        }
        this.#loaded = true;
      })();
      this.#ready = loading;
      // A store that failed (Redis out for a moment) is asked again by the next call.
      loading.catch(() => {
        if (this.#ready === loading) this.#ready = undefined;
      });
    }
    return this.#ready;
  }

  /**
   * Re-reads the store (`FileKeyStore.reload()` when it has one) and applies every key's budget
   * again, removing those of keys now revoked or gone — after another process (the `keys` CLI)
   * changed the keys, e.g. on SIGHUP.
   */
  async reload(): Promise<void> {
    const reloadable = this.store as { reload?: () => unknown };
    if (typeof reloadable.reload === 'function') await reloadable.reload();
    const records = await this.store.list();
    const present = new Set(records.map((r) => r.id));
    for (const id of [...this.#budgeted.keys()]) {
      if (!present.has(id)) {
        this.#router?.removeBudget(keyBudgetId(id));
        this.#budgeted.delete(id);
      }
    }
    for (const record of records) this.#applyBudget(record);
    this.#loaded = true;
    this.#ready = Promise.resolve();
  }

  #now(): string {
    return new Date(this.#clock.now()).toISOString();
  }

  #applyBudget(record: KeyRecord): void {
    const id = keyBudgetId(record.id);
    if (record.budget === undefined || record.revokedAt !== undefined) {
      this.#router?.removeBudget(id);
      this.#budgeted.delete(record.id);
      return;
    }
    if (this.#router === undefined) {
      if (this.#storeOnly) return;
      throw new SwitchyardError('config', 'VirtualKeys: budget: keys with a budget need the `router` option');
    }
    this.#router.setBudget({
      id,
      scope: { key: record.id },
      limitUsd: record.budget.limitUsd,
      period: record.budget.period,
      ...(this.#timeZone === undefined ? {} : { timeZone: this.#timeZone }),
    });
    this.#budgeted.set(record.id, budgetSignature(record)!);
  }

  /** The principal a key's calls run as. */
  principal(record: KeyRecord): Principal {
    return principalOf(record);
  }

  /**
   * Creates a key. The secret is in the answer only.
   * @throws {SwitchyardError} `invalid_request` naming a bad field; `config` when the router cannot enforce the budget.
   */
  async create(settings: KeySettings & { readonly name: string }): Promise<KeyWithSecret> {
    await this.ready();
    const s = checked(settings, true);
    const secret = newSecret(this.#random);
    const record = applySettings(
      {
        id: newKeyId(this.#random),
        name: s.name!,
        hash: hashSecret(secret),
        hint: secretHint(secret),
        createdAt: this.#now(),
      },
      s,
    );
    this.#applyBudget(record); // before storing: a budget the router cannot enforce refuses the key
    await this.store.put(record);
    return { key: keyView(record), secret };
  }

  /** Every key (revoked ones too), without secrets or hashes. */
  async list(): Promise<KeyView[]> {
    return (await this.store.list()).map(keyView);
  }

  /** One key, or `undefined`. */
  async get(id: string): Promise<KeyView | undefined> {
    const record = await this.store.get(id);
    return record === undefined ? undefined : keyView(record);
  }

  /**
   * Changes a key's name, models, limits, budget or metadata (`null` clears one). `undefined`
   * when there is no such key.
   * @throws {SwitchyardError} `invalid_request` for a bad field or a revoked key.
   */
  async update(id: string, settings: KeySettings): Promise<KeyView | undefined> {
    await this.ready();
    const s = checked(settings, false);
    const record = await this.store.get(id);
    if (record === undefined) return undefined;
    if (record.revokedAt !== undefined) throw revoked(id);
    const next = applySettings(record, s);
    this.#applyBudget(next);
    await this.store.put(next);
    return keyView(next);
  }

  /**
   * Gives a key a new secret (returned once). The old one stops working at once, or after
   * `graceMs` so clients can switch over. `undefined` when there is no such key.
   * @throws {SwitchyardError} `invalid_request` for a revoked key or a bad `graceMs`.
   */
  async rotate(id: string, options: { readonly graceMs?: number } = {}): Promise<KeyWithSecret | undefined> {
    const grace = options.graceMs ?? 0;
    if (!Number.isSafeInteger(grace) || grace < 0 || grace > 30 * 86_400_000) {
      throw new SwitchyardError(
        'invalid_request',
        'virtual key: graceMs: expected whole ms from 0 to 30 days',
      );
    }
    const record = await this.store.get(id);
    if (record === undefined) return undefined;
    if (record.revokedAt !== undefined) throw revoked(id);
    const secret = newSecret(this.#random);
    const { previous: _previous, ...rest } = record;
    const next: KeyRecord = {
      ...rest,
      hash: hashSecret(secret),
      hint: secretHint(secret),
      rotatedAt: this.#now(),
      ...(grace > 0
        ? { previous: { hash: record.hash, until: new Date(this.#clock.now() + grace).toISOString() } }
        : {}),
    };
    await this.store.put(next);
    return { key: keyView(next), secret };
  }

  /** Revokes a key (for good; it stays listed) and removes its budget. `undefined` when there is no such key. */
  async revoke(id: string): Promise<KeyView | undefined> {
    const record = await this.store.get(id);
    if (record === undefined) return undefined;
    if (record.revokedAt !== undefined) return keyView(record);
    const { previous: _previous, ...rest } = record;
    const next: KeyRecord = { ...rest, revokedAt: this.#now() };
    await this.store.put(next);
    this.#applyBudget(next);
    return keyView(next);
  }
}

/** The settings of a key's budget, to tell whether the router's copy is current. */
function budgetSignature(record: KeyRecord): string | undefined {
  return record.budget === undefined ? undefined : `${record.budget.limitUsd}/${record.budget.period}`;
}

function revoked(id: string): SwitchyardError {
  return new SwitchyardError('invalid_request', `virtual key: ${id} is revoked`, { code: 'key_revoked' });
}
