import { isSwitchyardError, SwitchyardError } from '../../index.js';

/** How a {@link KeySet} picks among its usable keys. */
export type KeyPick = 'round-robin' | 'least-used';

/** One key given to a {@link KeySet}. */
export interface KeyInput {
  /** A stable id (the vault's record id); appears in events and stats, unlike the secret. */
  readonly id: string;
  readonly secret: string;
}

/** Options of a {@link KeySet}. */
export interface KeySetOptions {
  /** The keys. More can be set later with {@link KeySet.setKeys}. */
  readonly keys: readonly KeyInput[];
  /** A name for errors and events (e.g. the provider). @default 'keys' */
  readonly name?: string;
  /** `round-robin` (default) or `least-used` (fewest calls in flight, then fewest calls). */
  readonly pick?: KeyPick;
  /** How long a key rests after a 429 without Retry-After, in ms. @default 60000 */
  readonly cooldownMs?: number;
  /** Clock time in ms (the router's clock in tests). @default Date.now */
  readonly now?: () => number;
}

/** Per-key state and usage, without the secret. */
export interface KeyStats {
  readonly id: string;
  /** `active`, `cooling` (after a 429, until `cooldownUntil`) or `disabled` (after a 401/403). */
  readonly state: 'active' | 'cooling' | 'disabled';
  readonly cooldownUntil?: number;
  /** Calls started with the key. */
  readonly calls: number;
  readonly inFlight: number;
  readonly successes: number;
  readonly failures: number;
  readonly rateLimited: number;
  readonly authFailures: number;
}

/** Events of a {@link KeySet}. Payloads carry key ids, never secrets. */
export interface KeySetEvents {
  /** A key answered 401/403 (or billing) and is out until re-enabled. */
  'key:disabled': (event: { set: string; keyId: string; status?: number; reason: 'auth' }) => void;
  /** A key answered 429 and rests until `until`; the other keys keep serving. */
  'key:cooldown': (event: { set: string; keyId: string; until: number; cooldownMs: number }) => void;
  /** A cooled-down key serves again. */
  'key:restored': (event: { set: string; keyId: string }) => void;
  /** A listener threw (it never reaches the call). */
  error: (event: { error: unknown }) => void;
}

/** The key a call uses. The secret is a getter: it is not enumerated, logged or serialised. */
export class KeyLease {
  readonly id: string;
  readonly #secret: string;
  #done = false;
  constructor(id: string, secret: string) {
    this.id = id;
    this.#secret = secret;
  }
  /** The API key, for the adapter. */
  get secret(): string {
    return this.#secret;
  }
  /** @internal */
  settle(): boolean {
    const first = !this.#done;
    this.#done = true;
    return first;
  }
  toJSON(): { id: string } {
    return { id: this.id };
  }
}

interface Slot {
  id: string;
  secret: string;
  disabled: boolean;
  cooldownUntil: number;
  calls: number;
  inFlight: number;
  successes: number;
  failures: number;
  rateLimited: number;
  authFailures: number;
}

type Listeners = { [E in keyof KeySetEvents]: Set<KeySetEvents[E]> };

/**
 * Several API keys of one provider or target. {@link acquire} gives a call the healthiest key
 * (round-robin or least-used among the keys neither disabled nor cooling down); {@link release}
 * reports how it went: a 401/403 disables the key (`key:disabled`), a 429 rests it for its
 * Retry-After or `cooldownMs` (`key:cooldown`) while the others keep serving. Usage is counted
 * per key. Secrets never leave through errors, events, stats or `JSON.stringify`.
 */
export class KeySet {
  readonly name: string;
  readonly #pick: KeyPick;
  readonly #cooldownMs: number;
  readonly #now: () => number;
  readonly #listeners: Listeners = {
    'key:disabled': new Set(),
    'key:cooldown': new Set(),
    'key:restored': new Set(),
    error: new Set(),
  };
  #slots: Slot[] = [];
  #next = 0;

  constructor(options: KeySetOptions) {
    if (options === null || typeof options !== 'object' || !Array.isArray(options.keys)) {
      throw new SwitchyardError('config', 'KeySet: options.keys must be an array of { id, secret }');
    }
    const pick = options.pick ?? 'round-robin';
    if (pick !== 'round-robin' && pick !== 'least-used') {
      throw new SwitchyardError('config', "KeySet: options.pick must be 'round-robin' or 'least-used'");
    }
    const cooldownMs = options.cooldownMs ?? 60_000;
    if (!(Number.isFinite(cooldownMs) && cooldownMs >= 0)) {
      throw new SwitchyardError('config', 'KeySet: options.cooldownMs must be a number ≥ 0');
    }
    this.name = options.name ?? 'keys';
    this.#pick = pick;
    this.#cooldownMs = cooldownMs;
    this.#now = options.now ?? Date.now;
    this.setKeys(options.keys);
  }

  /**
   * Replaces the keys (after a rotation, an addition or a revocation), keeping the state and
   * counts of ids that stay. A key whose secret changed starts enabled again.
   */
  setKeys(keys: readonly KeyInput[]): void {
    const old = new Map(this.#slots.map((s) => [s.id, s]));
    const seen = new Set<string>();
    this.#slots = keys.map((key, index) => {
      if (key === null || typeof key !== 'object' || typeof key.id !== 'string' || key.id === '') {
        throw new SwitchyardError('config', `KeySet: keys[${index}].id must be a non-empty string`);
      }
      if (typeof key.secret !== 'string' || key.secret === '') {
        throw new SwitchyardError(
          'config',
          `KeySet: keys[${index}].secret (key '${key.id}') must be a non-empty string`,
        );
      }
      if (seen.has(key.id)) throw new SwitchyardError('config', `KeySet: key id '${key.id}' appears twice`);
      seen.add(key.id);
      const before = old.get(key.id);
      if (before && before.secret === key.secret) return before;
      return {
        id: key.id,
        secret: key.secret,
        disabled: false,
        cooldownUntil: 0,
        calls: before?.calls ?? 0,
        inFlight: before?.inFlight ?? 0,
        successes: before?.successes ?? 0,
        failures: before?.failures ?? 0,
        rateLimited: before?.rateLimited ?? 0,
        authFailures: before?.authFailures ?? 0,
      };
    });
  }

  /**
   * The key for one call. Throws `rate_limited` (with `retryAfterMs`) when every usable key is
   * cooling down, and `auth` when every key is disabled or there is none — errors the router
   * falls back on.
   */
  acquire(): KeyLease {
    const now = this.#now();
    const usable: Slot[] = [];
    for (const slot of this.#slots) {
      if (slot.disabled) continue;
      if (slot.cooldownUntil > now) continue;
      if (slot.cooldownUntil !== 0) {
        slot.cooldownUntil = 0;
        this.#emit('key:restored', { set: this.name, keyId: slot.id });
      }
      usable.push(slot);
    }
    const slot = this.#choose(usable);
    if (slot === undefined) {
      const cooling = this.#slots.filter((s) => !s.disabled);
      if (cooling.length > 0) {
        const wait = Math.max(0, Math.min(...cooling.map((s) => s.cooldownUntil)) - now);
        throw new SwitchyardError(
          'rate_limited',
          `KeySet '${this.name}': every key is cooling down after a 429`,
          {
            retryAfterMs: wait,
          },
        );
      }
      throw new SwitchyardError('auth', `KeySet '${this.name}': no usable key (all disabled or none set)`);
    }
    slot.calls++;
    slot.inFlight++;
    return new KeyLease(slot.id, slot.secret);
  }

  /** How many keys could serve a call now (neither disabled nor cooling down). */
  available(): number {
    const now = this.#now();
    return this.#slots.filter((s) => !s.disabled && s.cooldownUntil <= now).length;
  }

  /** A usable key without counting a call (to build a first adapter, say); `undefined` when none. */
  peek(): KeyLease | undefined {
    const now = this.#now();
    const slot = this.#slots.find((s) => !s.disabled && s.cooldownUntil <= now);
    if (slot === undefined) return undefined;
    const lease = new KeyLease(slot.id, slot.secret);
    lease.settle(); // a peek is never released
    return lease;
  }

  /**
   * Reports how a call with `lease` ended: `undefined` for success, else the error. `auth`
   * disables the key, `rate_limited` cools it down; other failures are only counted. Only the
   * first report of a lease counts.
   */
  release(lease: KeyLease, error?: unknown): void {
    if (!lease.settle()) return;
    const slot = this.#slots.find((s) => s.id === lease.id);
    if (slot === undefined) return; // removed meanwhile
    slot.inFlight = Math.max(0, slot.inFlight - 1);
    if (error === undefined) {
      slot.successes++;
      return;
    }
    slot.failures++;
    if (!isSwitchyardError(error)) return;
    // A rotated key (new secret) is a new slot: a failure of the old secret does not touch it.
    if (slot.secret !== lease.secret) return;
    if (error.kind === 'auth' && !slot.disabled) {
      slot.authFailures++;
      slot.disabled = true;
      this.#emit('key:disabled', { set: this.name, keyId: slot.id, status: error.status, reason: 'auth' });
    } else if (error.kind === 'rate_limited') {
      slot.rateLimited++;
      const ms = error.retryAfterMs ?? this.#cooldownMs;
      const until = this.#now() + ms;
      if (until > slot.cooldownUntil) {
        slot.cooldownUntil = until;
        this.#emit('key:cooldown', { set: this.name, keyId: slot.id, until, cooldownMs: ms });
      }
    }
  }

  /** Puts a disabled key back into service (after the provider fixed it, say). */
  enable(id: string): void {
    const slot = this.#slots.find((s) => s.id === id);
    if (slot === undefined)
      throw new SwitchyardError('invalid_request', `KeySet '${this.name}': no key '${id}'`);
    slot.disabled = false;
    slot.cooldownUntil = 0;
  }

  /** State and usage of every key, without secrets. */
  stats(): KeyStats[] {
    const now = this.#now();
    return this.#slots.map((s) => ({
      id: s.id,
      state: s.disabled ? 'disabled' : s.cooldownUntil > now ? 'cooling' : 'active',
      ...(s.cooldownUntil > now ? { cooldownUntil: s.cooldownUntil } : {}),
      calls: s.calls,
      inFlight: s.inFlight,
      successes: s.successes,
      failures: s.failures,
      rateLimited: s.rateLimited,
      authFailures: s.authFailures,
    }));
  }

  /** Subscribes to an event. Returns a function that unsubscribes. */
  on<E extends keyof KeySetEvents>(event: E, listener: KeySetEvents[E]): () => void {
    (this.#listeners[event] as Set<KeySetEvents[E]>).add(listener);
    return () => this.off(event, listener);
  }

  /** Unsubscribes. */
  off<E extends keyof KeySetEvents>(event: E, listener: KeySetEvents[E]): void {
    (this.#listeners[event] as Set<KeySetEvents[E]>).delete(listener);
  }

  /** A summary without secrets. */
  toJSON(): { name: string; keys: KeyStats[] } {
    return { name: this.name, keys: this.stats() };
  }

  #choose(usable: Slot[]): Slot | undefined {
    if (usable.length === 0) return undefined;
    if (this.#pick === 'least-used') {
      return usable.reduce((best, s) =>
        s.inFlight < best.inFlight || (s.inFlight === best.inFlight && s.calls < best.calls) ? s : best,
      );
    }
    // The next usable key after the last one picked, in the set's order.
    const n = this.#slots.length;
    for (let step = 0; step < n; step++) {
      const index = (this.#next + step) % n;
      const slot = this.#slots[index];
      if (slot !== undefined && usable.includes(slot)) {
        this.#next = (index + 1) % n;
        return slot;
      }
    }
    return usable[0];
  }

  #emit<E extends keyof KeySetEvents>(event: E, payload: Parameters<KeySetEvents[E]>[0]): void {
    for (const listener of this.#listeners[event]) {
      try {
        (listener as (p: typeof payload) => void)(payload);
      } catch (error) {
        if (event === 'error') continue;
        this.#emit('error', { error });
      }
    }
  }
}
