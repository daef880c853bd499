import type {
  Admission,
  BreakerState,
  Ejection,
  FailureRecord,
  MaybePromise,
  TargetPolicy,
  TargetStateHandle,
  TargetStateSnapshot,
} from '../../index.js';
import type { RedisConnection } from './connection.js';
import { SCRIPTS } from './scripts.js';

const ADMITTED: Admission = Object.freeze({ admitted: true, probe: false });
const ADMITTED_AS_PROBE: Admission = Object.freeze({ admitted: true, probe: true });
const WINDOW_MS = 60_000;
/** Index of the first state field in a script's reply. */
const STATE_AT = 3;

/**
 * The last known shared state of one target (all routers of the store share it): refreshed by
 * every script reply, by pub/sub messages of breaker changes and by the periodic resync.
 */
export class TargetMirror {
  readonly id: string;
  st = 0;
  cf = 0;
  ej = 0;
  oa = 0;
  ou = 0;
  /** Clock time until which another instance's half-open probe holds the target (0: none). */
  pu = 0;
  ra = 0;
  bu = 0;
  v = -1;
  /** Start times of attempts in the window, as last seen (for snapshots and the local fallback). */
  stamps: number[] = [];
  /** Start times of this process's own admitted attempts in the window (the local fallback's log). */
  own: number[] = [];
  /** Resyncs so far: a handle recomputes its rate window from `stamps` after one. */
  resyncs = 0;
  /** The latest `now` a handle saw (for `probeInFlight` in snapshots). */
  lastNow = 0;

  constructor(id: string) {
    this.id = id;
  }

  /** Applies the state fields at `reply[at…]` unless they are older than what the mirror has (`force`: resync). */
  apply(reply: readonly string[], at: number, force = false): void {
    const v = Number(reply[at + 8]);
    if (!force && v < this.v) return;
    this.st = Number(reply[at]);
    this.cf = Number(reply[at + 1]);
    this.ej = Number(reply[at + 2]);
    this.oa = Number(reply[at + 3]);
    this.ou = Number(reply[at + 4]);
    this.pu = Number(reply[at + 5]);
    this.ra = Number(reply[at + 6]);
    this.bu = Number(reply[at + 7]);
    this.v = v;
  }

  /** Records an admitted attempt at `now` in the known stamps, dropping those out of the window. */
  stamp(now: number): void {
    push(this.stamps, now);
    push(this.own, now);
  }

  breaker(): BreakerState {
    return {
      state: this.st === 1 ? 'open' : 'closed',
      consecutiveFailures: this.cf,
      ejections: this.ej,
      openedAt: this.oa,
      openUntil: this.ou,
      probeInFlight: this.pu > this.lastNow,
      restoredAt: this.ra,
    };
  }

  snapshot(): TargetStateSnapshot {
    const from = this.lastNow - WINDOW_MS;
    return {
      breaker: this.breaker(),
      blockedUntil: this.bu,
      rateStamps: this.stamps.filter((s) => s > from),
    };
  }

  /**
   * The state the local fallback starts from when Redis goes away: the shared breaker and block,
   * and this process's own attempts only — each process then keeps the limit by itself (fail-open).
   */
  seed(): TargetStateSnapshot {
    const from = this.lastNow - WINDOW_MS;
    return { breaker: this.breaker(), blockedUntil: this.bu, rateStamps: this.own.filter((s) => s > from) };
  }
}

/** Appends `now` to a sorted list of stamps, dropping those out of the window. */
function push(stamps: number[], now: number): void {
  let drop = 0;
  while (drop < stamps.length && stamps[drop]! <= now - WINDOW_MS) drop++;
  if (drop > 0) stamps.splice(0, drop);
  stamps.push(now);
}

/** What a target handle needs from its store. */
export interface TargetContext {
  readonly connection: RedisConnection;
  readonly mirror: TargetMirror;
  /** The local fallback (a memory store's handle), seeded from the mirror when Redis goes away. */
  readonly local: TargetStateHandle;
  readonly probeLeaseMs: number;
  readonly stateTtlMs: number;
  /** A unique rate-set member. */
  member(): string;
  /** The store clock's time (key expiry when no call's time is at hand). */
  now(): number;
  /** Reports a failure of the store's own that is not a Redis outage (e.g. a script error). */
  report(operation: string, error: unknown): void;
}

/**
 * One router's view of a shared target. Reads answer from the mirror (or, while Redis is out,
 * from the local fallback); a claim goes to Redis only where atomicity needs it — a rate-window
 * slot or the half-open probe — and writes only when they change the shared state.
 */
export class RedisTargetState implements TargetStateHandle {
  readonly #ctx: TargetContext;
  readonly #policy: TargetPolicy;
  readonly #hashKey: string;
  readonly #rateKey: string;
  readonly #ttl: string;
  /** When this handle's rate window is full until, from its last claim or the last resync (0: not full). */
  #rateFullUntil = 0;
  /** The mirror's resync count `#rateFullUntil` was worked out at. */
  #rateEpoch = 0;

  constructor(ctx: TargetContext, policy: TargetPolicy) {
    this.#ctx = ctx;
    this.#policy = policy;
    const id = ctx.mirror.id;
    this.#hashKey = ctx.connection.key(`{t:${id}}`);
    this.#rateKey = ctx.connection.key(`{t:${id}}:rate`);
    this.#ttl = String(ctx.stateTtlMs);
  }

  readyAt(now: number): number {
    const ctx = this.#ctx;
    if (!ctx.connection.healthy) return ctx.local.readyAt(now);
    const m = ctx.mirror;
    m.lastNow = now;
    let at = Math.max(m.bu, now);
    if (this.#policy.breaker !== undefined && m.st === 1) {
      if (now < m.ou) at = Math.max(at, m.ou);
      else if (m.pu > now) at = Math.max(at, m.pu);
    }
    const rpm = this.#policy.requestsPerMinute;
    if (rpm > 0) {
      if (this.#rateEpoch !== m.resyncs) {
        this.#rateEpoch = m.resyncs;
        const stamps = m.stamps;
        this.#rateFullUntil = stamps.length >= rpm ? stamps[stamps.length - rpm]! + WINDOW_MS : 0;
      }
      if (this.#rateFullUntil > now) at = Math.max(at, this.#rateFullUntil);
    }
    return at;
  }

  blockedUntil(): number {
    return this.#ctx.connection.healthy ? this.#ctx.mirror.bu : this.#ctx.local.blockedUntil();
  }

  acquire(now: number): MaybePromise<Admission> {
    const ctx = this.#ctx;
    if (!ctx.connection.healthy) return ctx.local.acquire(now);
    const m = ctx.mirror;
    const rpm = this.#policy.requestsPerMinute;
    const open = this.#policy.breaker !== undefined && m.st === 1;
    if (!open && rpm === 0) {
      // Nothing to claim atomically: admitted from the mirror, no round trip.
      return m.bu > now ? { admitted: false, retryAt: m.bu } : ADMITTED;
    }
    if (open && (now < m.ou || m.pu > now)) return { admitted: false, retryAt: Math.max(m.ou, m.pu) };
    return ctx.connection
      .eval(
        SCRIPTS.acquire,
        [this.#hashKey, this.#rateKey],
        [
          String(now),
          String(rpm),
          this.#policy.breaker === undefined ? '0' : '1',
          String(ctx.probeLeaseMs),
          ctx.member(),
          this.#ttl,
          ctx.connection.channel,
          m.id,
        ],
      )
      .then(
        (reply) => {
          m.apply(reply, STATE_AT);
          this.#rateFullUntil = Number(reply[2]);
          this.#rateEpoch = m.resyncs;
          if (reply[0] !== '1') return { admitted: false, retryAt: Number(reply[1]) };
          if (rpm > 0) m.stamp(now);
          return reply[1] === '1' ? ADMITTED_AS_PROBE : ADMITTED;
        },
        (error: unknown) => {
          ctx.report('acquire', error);
          return ctx.local.acquire(now);
        },
      );
  }

  recordSuccess(now: number, probe: boolean): MaybePromise<number> {
    const ctx = this.#ctx;
    if (!ctx.connection.healthy) return ctx.local.recordSuccess(now, probe);
    const breaker = this.#policy.breaker;
    if (breaker === undefined) return -1;
    const m = ctx.mirror;
    if (!probe) {
      if (m.st === 1) return -1; // while ejected only the probe's success counts
      if (m.cf === 0 && !(m.ej > 0 && now - m.ra >= breaker.maxCooldownMs)) return -1; // nothing to change
    }
    return ctx.connection
      .eval(
        SCRIPTS.success,
        [this.#hashKey],
        [
          String(now),
          probe ? '1' : '0',
          String(breaker.maxCooldownMs),
          this.#ttl,
          ctx.connection.channel,
          m.id,
        ],
      )
      .then(
        (reply) => {
          m.apply(reply, STATE_AT);
          return Number(reply[0]);
        },
        (error: unknown) => {
          ctx.report('recordSuccess', error);
          return ctx.local.recordSuccess(now, probe);
        },
      );
  }

  recordFailure(now: number, failure: FailureRecord): MaybePromise<Ejection | undefined> {
    const ctx = this.#ctx;
    if (!ctx.connection.healthy) return ctx.local.recordFailure(now, failure);
    const breaker = this.#policy.breaker;
    const block = failure.blockForMs;
    const m = ctx.mirror;
    const breakerWork =
      breaker !== undefined && (failure.probe || (failure.countsAgainstHealth && m.st === 0));
    if ((block === undefined || now + block <= m.bu) && !breakerWork) return undefined;
    return ctx.connection
      .eval(
        SCRIPTS.failure,
        [this.#hashKey],
        [
          String(now),
          failure.countsAgainstHealth ? '1' : '0',
          failure.probe ? '1' : '0',
          String(block ?? -1),
          breaker === undefined ? '0' : '1',
          String(breaker?.failureThreshold ?? 0),
          String(breaker?.cooldownMs ?? 0),
          String(breaker?.maxCooldownMs ?? 0),
          this.#ttl,
          ctx.connection.channel,
          m.id,
        ],
      )
      .then(
        (reply): Ejection | undefined => {
          m.apply(reply, STATE_AT);
          const cooldownMs = Number(reply[0]);
          if (cooldownMs < 0) return undefined;
          return { until: m.ou, cooldownMs, consecutiveFailures: m.cf, ejections: m.ej };
        },
        (error: unknown) => {
          ctx.report('recordFailure', error);
          return ctx.local.recordFailure(now, failure);
        },
      );
  }

  read(): TargetStateSnapshot {
    return this.#ctx.connection.healthy ? this.#ctx.mirror.snapshot() : this.#ctx.local.read();
  }

  restore(snapshot: TargetStateSnapshot): MaybePromise<void> {
    const ctx = this.#ctx;
    const local = ctx.local.restore(snapshot);
    if (!ctx.connection.healthy) return local;
    const b = snapshot.breaker;
    const now = Math.max(ctx.mirror.lastNow, ctx.now());
    return ctx.connection
      .eval(
        SCRIPTS.restore,
        [this.#hashKey, this.#rateKey],
        [
          String(now),
          this.#ttl,
          ctx.connection.channel,
          ctx.mirror.id,
          b.state === 'open' ? '1' : '0',
          String(b.consecutiveFailures),
          String(b.ejections),
          String(b.openedAt),
          String(b.openUntil),
          String(b.restoredAt),
          String(snapshot.blockedUntil),
          ...snapshot.rateStamps.map(String),
        ],
      )
      .then(
        (reply) => {
          ctx.mirror.apply(reply, STATE_AT, true);
          ctx.mirror.stamps = [...snapshot.rateStamps];
        },
        (error: unknown) => ctx.report('restore', error),
      );
  }
}

/** Pulls a target's shared state into its mirror (the resync). */
export async function readTarget(
  connection: RedisConnection,
  mirror: TargetMirror,
  now: number,
): Promise<void> {
  const reply = await connection.eval(
    SCRIPTS.read,
    [connection.key(`{t:${mirror.id}}`), connection.key(`{t:${mirror.id}}:rate`)],
    [String(now)],
  );
  mirror.apply(reply, STATE_AT, true);
  mirror.stamps = reply.slice(STATE_AT + 9).map(Number);
  mirror.resyncs++;
  mirror.lastNow = Math.max(mirror.lastNow, now);
}
