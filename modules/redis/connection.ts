import { isIP } from 'node:net';
import { createClient, ErrorReply, type RedisClientType } from 'redis';
import { SwitchyardError } from '../../index.js';
import { asError, type StoreEmitter } from './events.js';
import type { ResolvedRedisOptions } from './options.js';
import type { Script } from './scripts.js';

/** Node's codes for a server certificate that does not verify. */
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|HOSTNAME/;
/** TLS alerts of a server that wants a (valid) client certificate. */
const CLIENT_CERT_ALERTS =
  /ALERT_CERTIFICATE_REQUIRED|ALERT_BAD_CERTIFICATE|ALERT_UNKNOWN_CA|certificate required/i;
/** Redis's answers to bad credentials. */
const AUTH_ERRORS = /WRONGPASS|NOAUTH|NOPERM|invalid username-password|AUTH failed/i;

/** Raised (and caught inside the store) when a command is not even sent: Redis is known to be out. */
export class StoreUnavailable extends Error {}

/**
 * The store's two connections to Redis — commands, and pub/sub for breaker changes — and its
 * health: `healthy` while Redis answers within `commandTimeoutMs`. The first failure makes it
 * degraded (one `degraded` event); node-redis reconnects with backoff, a ping loop watches a slow
 * server, and once Redis answers the store resyncs and only then is healthy again (`restored`).
 */
export class RedisConnection {
  readonly #options: ResolvedRedisOptions;
  readonly #events: StoreEmitter;
  readonly #client: RedisClientType;
  #subscriber: RedisClientType | undefined;
  readonly #channel: string;
  readonly #onMessage: (message: string) => void;
  /** Pulls shared state into the mirror and replays queued writes; must succeed before `restored`. */
  resync: () => Promise<void> = async () => {};
  /** Called once when the store becomes degraded, before any operation falls back to local state. */
  onDown: () => void = () => {};
  #healthy = false;
  #started = false;
  #closed = false;
  #downSince = 0;
  #recovering = false;
  #pingTimer: NodeJS.Timeout | undefined;
  #fatal: SwitchyardError | undefined;
  #connecting: Promise<void> | undefined;

  constructor(options: ResolvedRedisOptions, events: StoreEmitter, onMessage: (message: string) => void) {
    this.#options = options;
    this.#events = events;
    this.#channel = `${options.prefix}events`;
    this.#onMessage = onMessage;
    const tls = options.tls;
    this.#client = createClient({
      username: options.username,
      password: options.password,
      database: options.database,
      disableOfflineQueue: true,
      socket: {
        host: options.host,
        port: options.port,
        connectTimeout: options.connectTimeoutMs,
        reconnectStrategy: (retries: number, cause: Error) => this.#backoff(retries, cause),
        ...(tls === undefined
          ? {}
          : {
              tls: true as const,
              ca: tls.ca as string | Buffer | (string | Buffer)[] | undefined,
              cert: tls.cert,
              key: tls.key,
              servername: tls.servername ?? (isIP(options.host) === 0 ? options.host : undefined),
            }),
      },
    }) as unknown as RedisClientType;
    this.#client.on('error', (error: unknown) => {
      if (this.#stopOnFatal(this.#client, error)) return;
      this.#down(describe(error, options));
    });
    this.#client.on('ready', () => {
      if (this.#started) this.#recover();
    });
  }

  /** Whether Redis answers: operations go to Redis only then. */
  get healthy(): boolean {
    return this.#healthy;
  }

  /** The key of `name` under the prefix. */
  key(name: string): string {
    return this.#options.prefix + name;
  }

  /** The pub/sub channel of breaker changes. */
  get channel(): string {
    return this.#channel;
  }

  /**
   * Connects both connections and resyncs. Rejects with a `config` error for bad credentials or a
   * certificate that does not verify (no retry helps), or a `connection` error when Redis is not
   * reachable within `connectTimeoutMs` (the store keeps trying in the background and serves from
   * local state meanwhile).
   */
  connect(): Promise<void> {
    this.#connecting ??= this.#connect();
    return this.#connecting;
  }

  async #connect(): Promise<void> {
    this.#started = true;
    const { connectTimeoutMs, address } = this.#options;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new SwitchyardError(
              'connection',
              `RedisStateStore: could not connect to Redis at ${address} within ${connectTimeoutMs} ms; serving from local state and retrying`,
              { retryable: true },
            ),
          ),
        connectTimeoutMs,
      );
    });
    const connecting = this.#client.connect().then(() => undefined);
    connecting.catch(() => {}); // reported below or through the client's `error`
    try {
      await Promise.race([connecting, timeout]);
      await Promise.race([this.#recoverNow(), timeout]); // the subscriber's connect may hang too
    } catch (error) {
      if (this.#downSince === 0) this.#downSince = this.#options.clock.now(); // `restored` once it connects
      // Connected, but the first command was refused (e.g. NOAUTH): no retry helps either.
      this.#fatal ??= fatalError(asError(error), this.#options);
      if (this.#fatal !== undefined) {
        await this.close();
        throw this.#fatal;
      }
      if (error instanceof SwitchyardError) throw error;
      throw new SwitchyardError(
        'connection',
        `RedisStateStore: could not connect to Redis at ${address}: ${describe(error, this.#options)}`,
        { retryable: true },
      );
    } finally {
      clearTimeout(timer);
    }
  }

  /** Runs a script (EVALSHA, EVAL when the server does not have it yet) within `commandTimeoutMs`. */
  async eval(script: Script, keys: readonly string[], args: readonly string[]): Promise<string[]> {
    try {
      return (await this.#send(['EVALSHA', script.sha, String(keys.length), ...keys, ...args])) as string[];
    } catch (error) {
      if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error;
      return (await this.#send(['EVAL', script.source, String(keys.length), ...keys, ...args])) as string[];
    }
  }

  /** Sends one command within `commandTimeoutMs`. */
  command(args: readonly string[]): Promise<unknown> {
    return this.#send(args);
  }

  async #send(args: readonly string[]): Promise<unknown> {
    if (!this.#healthy) throw new StoreUnavailable('Redis is unavailable');
    try {
      return await withTimeout(this.#client.sendCommand(args), this.#options.commandTimeoutMs);
    } catch (error) {
      // An error reply (e.g. NOSCRIPT, a script error) means Redis answered: not a health problem.
      if (isReplyError(error)) throw error;
      this.#down(describe(error, this.#options));
      throw error;
    }
  }

  /** Whether the subscriber got a message: for tests and the resync loop. */
  async #subscribe(): Promise<void> {
    if (this.#subscriber !== undefined) return;
    const subscriber = this.#client.duplicate() as unknown as RedisClientType;
    // The command connection reports health; a fatal error still stops this one at once.
    subscriber.on('error', (error: unknown) => this.#stopOnFatal(subscriber, error));
    this.#subscriber = subscriber;
    await withTimeout(subscriber.connect(), this.#options.connectTimeoutMs);
    await subscriber.subscribe(this.#channel, (message: string) => {
      try {
        this.#onMessage(message);
      } catch (error) {
        this.#events.emit('error', { operation: 'pub/sub message', error: asError(error) });
      }
    });
  }

  /**
   * A client reported an error no retry can fix (a TLS alert such as "certificate required",
   * refused credentials): remember it for `connect()` and destroy the client now, in the same
   * tick. Why now: node-redis (5.12) listens to its socket's `error` with `once`, but a TLS socket
   * whose handshake the client already finished (TLS 1.3: the server checks the client's
   * certificate after that) emits the alert as one `error` without being destroyed, and then the
   * server's reset as a second (`read ECONNRESET`), which nothing listens to: an uncaught
   * exception. Destroying the socket before the next I/O callback means the reset is never read.
   */
  #stopOnFatal(client: RedisClientType, error: unknown): boolean {
    const fatal = fatalError(asError(error), this.#options);
    if (fatal === undefined) return false;
    if (this.#fatal === undefined) {
      this.#fatal = fatal;
      if (this.#started) this.#events.emit('error', { operation: 'connect', error: fatal });
    }
    if (client.isOpen) destroyQuietly(client);
    return true;
  }

  #down(reason: string): void {
    if (this.#closed) return;
    if (!this.#healthy) {
      this.#watch();
      return;
    }
    this.#healthy = false;
    this.#downSince = this.#options.clock.now();
    this.onDown();
    this.#events.emit('degraded', { reason, at: this.#downSince });
    this.#watch();
  }

  /** While degraded with the client still connected (a slow server), ping until Redis answers. */
  #watch(): void {
    if (this.#pingTimer !== undefined || this.#closed) return;
    let delay = this.#options.minDelayMs;
    const tick = () => {
      this.#pingTimer = undefined;
      if (this.#closed || this.#healthy) return;
      if (!this.#client.isReady) {
        // node-redis is reconnecting; its `ready` event resumes. Keep watching in case it is already up.
        this.#pingTimer = setTimeout(tick, delay).unref();
        return;
      }
      this.#recover();
      delay = Math.min(delay * 2, this.#options.maxDelayMs);
      if (!this.#healthy) this.#pingTimer = setTimeout(tick, delay).unref();
    };
    this.#pingTimer = setTimeout(tick, delay).unref();
  }

  #recover(): void {
    if (this.#recovering || this.#closed || this.#healthy) return;
    this.#recovering = true;
    this.#recoverNow()
      .catch(() => this.#watch())
      .finally(() => {
        this.#recovering = false;
      });
  }

  /** Pings within the timeout, subscribes, resyncs, then marks the store healthy. */
  async #recoverNow(): Promise<void> {
    await withTimeout(this.#client.sendCommand(['PING']), this.#options.commandTimeoutMs);
    await this.#subscribe();
    this.#healthy = true;
    try {
      await this.resync();
    } catch (error) {
      this.#healthy = false;
      throw error;
    }
    if (this.#downSince > 0) {
      const at = this.#options.clock.now();
      this.#events.emit('restored', { downMs: at - this.#downSince, at });
    }
    this.#downSince = 0;
  }

  #backoff(retries: number, cause: Error): number | false {
    if (this.#closed) return false;
    const fatal = fatalError(cause, this.#options);
    if (fatal !== undefined) {
      this.#fatal = fatal;
      this.#events.emit('error', { operation: 'connect', error: fatal });
      return false;
    }
    return Math.min(this.#options.minDelayMs * 2 ** Math.min(retries, 16), this.#options.maxDelayMs);
  }

  /** Closes both connections and stops the ping loop. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#healthy = false;
    clearTimeout(this.#pingTimer);
    for (const client of [this.#subscriber, this.#client]) {
      if (client === undefined) continue;
      if (client.isReady) {
        // QUIT waits for the server's answer: a connection the server has dropped may never give one.
        await withTimeout(client.close(), this.#options.commandTimeoutMs).catch(() => destroyQuietly(client));
      } else if (client.isOpen) {
        destroyQuietly(client);
      }
    }
  }
}

/** Destroys a client's socket; one the server already closed throws "The client is closed", which is fine. */
function destroyQuietly(client: RedisClientType): void {
  try {
    client.destroy();
  } catch {
    // already closed
  }
}

/**
 * `promise`, or a rejection once `ms` pass (node-redis's own command timeout stops counting once
 * the command is written, so a server that is slow to answer would not be noticed).
 */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`command timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

function isReplyError(error: unknown): boolean {
  return error instanceof ErrorReply;
}

/** A connection failure that no retry can fix: bad credentials or a certificate that does not verify. */
function fatalError(cause: Error, options: ResolvedRedisOptions): SwitchyardError | undefined {
  const message = describe(cause, options);
  const code = String((cause as { code?: unknown }).code ?? '');
  if (AUTH_ERRORS.test(cause.message)) {
    return new SwitchyardError(
      'config',
      `RedisStateStore: Redis at ${options.address} refused the credentials${options.username === undefined ? '' : ` of user "${options.username}"`}: ${message}`,
      { retryable: false },
    );
  }
  if (options.tls !== undefined && CLIENT_CERT_ALERTS.test(`${code} ${cause.message}`)) {
    return new SwitchyardError(
      'config',
      `RedisStateStore: Redis at ${options.address} refused the TLS connection for want of an acceptable client certificate (tls.cert and tls.key): ${message}`,
      { retryable: false },
    );
  }
  if (options.tls !== undefined && (TLS_CODES.test(code) || /certificate/i.test(cause.message))) {
    return new SwitchyardError(
      'config',
      `RedisStateStore: the TLS certificate of Redis at ${options.address} did not verify: ${message}`,
      { retryable: false },
    );
  }
  return undefined;
}

/** An error's message with any credential cut out. */
export function describe(error: unknown, options: ResolvedRedisOptions): string {
  const e = asError(error);
  const code = (e as { code?: unknown }).code;
  let text = typeof code === 'string' && !e.message.includes(code) ? `${e.message} (${code})` : e.message;
  if (options.password !== undefined && options.password !== '') {
    text = text.split(options.password).join('***');
  }
  return text;
}
