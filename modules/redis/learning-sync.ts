import { randomBytes } from 'node:crypto';
import { type LearningShare, type PeerRouterLearning, type Router, SwitchyardError } from '../../index.js';
import type { RedisConnection } from './connection.js';
import { LEARNING_SCRIPTS } from './learning-scripts.js';

/** Options of {@link RedisStateStore.syncLearning}. */
export interface LearningSyncOptions {
  /**
   * Routers that share what they learn: the same group on the same prefix. Use one per set of
   * targets and strategy (target ids key the shared state). @default 'default'
   */
  readonly group?: string;
  /** How often this instance publishes its own learned state and merges the others'. @default 5000 */
  readonly everyMs?: number;
  /**
   * How long an instance's published state counts after its last sync: an instance that stopped
   * (or crashed) drops out after this. @default 3 × everyMs
   */
  readonly ttlMs?: number;
  /** Largest share (JSON bytes) this instance publishes; a larger one is not published (an `error` event). @default 262144 */
  readonly maxBytes?: number;
  /** Most peers merged (the freshest). @default 32 */
  readonly maxPeers?: number;
  /** This instance's id in the group. @default random */
  readonly instance?: string;
}

/** The outcome of one {@link LearningSync.syncNow}. */
export interface LearningSyncResult {
  /** Whether Redis answered (when not, nothing was merged: the strategies keep learning alone). */
  readonly synced: boolean;
  /** Peers merged. */
  readonly peers: number;
  /** Bytes of this instance's share (0 when none was published). */
  readonly bytes: number;
}

/** What the sync needs of a router. */
export type LearningRouter = Pick<Router, 'shareLearning' | 'mergeLearning'>;

/** Reports a failure of the sync's own work (the store's `error` event). */
export type LearningSyncReport = (operation: string, error: unknown) => void;

/** The envelope of a share in Redis. */
interface Envelope {
  readonly v: 1;
  readonly strategies: LearningShare;
}

function configError(field: string, message: string): SwitchyardError {
  return new SwitchyardError('config', `RedisStateStore.syncLearning: ${field}: ${message}`, {
    retryable: false,
  });
}

function positive(value: unknown, field: string, fallback: number, whole = false): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || (whole && !Number.isInteger(v))) {
    throw configError(field, `expected a positive ${whole ? 'whole number' : 'number'}, got ${String(v)}`);
  }
  return v;
}

function name(value: unknown, field: string, fallback: string): string {
  const v = value ?? fallback;
  if (typeof v !== 'string' || v === '' || v.length > 200 || /[\s\n]/.test(v)) {
    throw configError(field, 'expected a non-empty string without spaces, at most 200 characters');
  }
  return v;
}

/**
 * Periodic sync of a router's learned strategy state through Redis (issue #18): every `everyMs`
 * this instance publishes what its strategies learned from their own outcomes
 * (`router.shareLearning()`) and merges the other live instances' (`router.mergeLearning()`),
 * each aged by how long ago it was published. Each instance keeps learning locally; shared
 * state is merged by evidence, never overwrites the own. Runs on an unref'ed timer, off the call
 * path; one Lua script per round; while Redis is out it does nothing (the strategies keep their
 * own evidence and the peers' last contribution fades). Created by
 * {@link RedisStateStore.syncLearning}; stopped by {@link stop} or the store's `close()`.
 */
export class LearningSync {
  readonly #router: LearningRouter;
  readonly #connection: RedisConnection;
  readonly #report: LearningSyncReport;
  readonly #keys: readonly [string, string];
  readonly #instance: string;
  readonly #everyMs: number;
  readonly #ttlMs: number;
  readonly #maxBytes: number;
  readonly #maxPeers: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<LearningSyncResult> | undefined;
  #stopped = false;
  #rounds = 0;
  readonly #onStop: () => void;

  /** @internal Use {@link RedisStateStore.syncLearning}. */
  constructor(
    router: LearningRouter,
    connection: RedisConnection,
    options: LearningSyncOptions,
    report: LearningSyncReport,
    onStop: () => void,
  ) {
    if (
      typeof router !== 'object' ||
      router === null ||
      typeof router.shareLearning !== 'function' ||
      typeof router.mergeLearning !== 'function'
    ) {
      throw configError('router', 'expected a Router (with shareLearning and mergeLearning)');
    }
    if (typeof options !== 'object' || options === null) throw configError('options', 'expected an object');
    const group = name(options.group, 'group', 'default');
    this.#instance = name(options.instance, 'instance', randomBytes(8).toString('hex'));
    this.#everyMs = positive(options.everyMs, 'everyMs', 5000);
    this.#ttlMs = Math.ceil(positive(options.ttlMs, 'ttlMs', 3 * this.#everyMs));
    this.#maxBytes = positive(options.maxBytes, 'maxBytes', 262_144, true);
    this.#maxPeers = positive(options.maxPeers, 'maxPeers', 32, true);
    this.#router = router;
    this.#connection = connection;
    this.#report = report;
    this.#onStop = onStop;
    this.#keys = [connection.key(`learn:${group}`), connection.key(`learn:${group}:exp`)];
    this.#schedule();
  }

  /** This instance's id in the group. */
  get instance(): string {
    return this.#instance;
  }

  /** Rounds that reached Redis so far (published and merged). */
  get rounds(): number {
    return this.#rounds;
  }

  /** Whether {@link stop} was called (or the store closed): no timer is left. */
  get stopped(): boolean {
    return this.#stopped;
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.syncNow().finally(() => this.#schedule());
    }, this.#everyMs).unref();
  }

  /**
   * Publishes and merges now (also what the timer does). A round already running is joined, not
   * repeated. Never rejects: failures go to the store's `error` event; with Redis out it resolves
   * `{ synced: false }`.
   */
  syncNow(): Promise<LearningSyncResult> {
    this.#running ??= this.#round().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #round(): Promise<LearningSyncResult> {
    const none: LearningSyncResult = { synced: false, peers: 0, bytes: 0 };
    if (this.#stopped || !this.#connection.healthy) return none;
    let payload = '';
    try {
      const envelope: Envelope = { v: 1, strategies: this.#router.shareLearning() };
      payload = JSON.stringify(envelope);
    } catch (error) {
      this.#report('learning sync: share', error);
    }
    const bytes = Buffer.byteLength(payload);
    if (bytes > this.#maxBytes) {
      this.#report(
        'learning sync: share',
        new Error(`the share is ${bytes} bytes, over maxBytes (${this.#maxBytes}); not published`),
      );
      payload = '';
    }
    let reply: string[];
    try {
      reply = await this.#connection.eval(LEARNING_SCRIPTS.sync, this.#keys, [
        this.#instance,
        payload,
        String(this.#ttlMs),
        String(this.#maxPeers),
      ]);
    } catch (error) {
      this.#report('learning sync', error);
      return none;
    }
    if (this.#stopped) return none;
    const now = Number(reply[0]);
    const peers: PeerRouterLearning[] = [];
    for (const entry of reply.slice(1)) {
      // Each instance bounds its own share; a bigger one (another configuration) is not read.
      const peer = Buffer.byteLength(entry) > this.#maxBytes + 32 ? undefined : parsePeer(entry, now);
      if (peer === undefined) {
        this.#report(
          'learning sync: read',
          new Error('a peer share that is not ours or over maxBytes: skipped'),
        );
      } else peers.push(peer);
    }
    for (const error of this.#router.mergeLearning(peers)) this.#report('learning sync: merge', error);
    this.#rounds++;
    return { synced: true, peers: peers.length, bytes: payload === '' ? 0 : bytes };
  }

  /**
   * Stops the timer, waits for a round in flight and removes this instance's share from Redis
   * (its peers stop counting it at their next round instead of after `ttlMs`). Idempotent.
   */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#onStop();
    await this.#running;
    if (!this.#connection.healthy) return;
    try {
      await this.#connection.eval(LEARNING_SCRIPTS.leave, this.#keys, [this.#instance]);
    } catch (error) {
      this.#report('learning sync: leave', error);
    }
  }
}

/** `<publishedAt>\n<envelope JSON>` as a peer, aged to `now`; undefined when it is not ours. */
function parsePeer(entry: string, now: number): PeerRouterLearning | undefined {
  const cut = entry.indexOf('\n');
  if (cut < 0) return undefined;
  const at = Number(entry.slice(0, cut));
  let envelope: unknown;
  try {
    envelope = JSON.parse(entry.slice(cut + 1));
  } catch {
    return undefined;
  }
  if (!Number.isFinite(at) || typeof envelope !== 'object' || envelope === null) return undefined;
  const { v, strategies } = envelope as { v?: unknown; strategies?: unknown };
  if (v !== 1 || typeof strategies !== 'object' || strategies === null || Array.isArray(strategies)) {
    return undefined;
  }
  return { strategies: strategies as LearningShare, ageMs: Math.max(0, now - at) };
}
