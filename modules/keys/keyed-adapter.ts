import type {
  Adapter,
  AdapterCallOptions,
  AdapterCapabilities,
  AdapterRequest,
  AdapterResponse,
  AdapterStreamPart,
  Price,
} from '../../index.js';
import { SwitchyardError } from '../../index.js';
import { errorFromException, scrubSecrets } from '../adapter-kit/index.js';
import type { KeyLease, KeySet } from './key-set.js';

/** Options of {@link keyedAdapter}. */
export interface KeyedAdapterOptions {
  /** Provider name. @default the provider of the adapter made for the first key */
  readonly provider?: string;
  /** Capabilities. @default those of the adapter made for the first key */
  readonly capabilities?: AdapterCapabilities;
}

interface Cached {
  readonly secret: string;
  readonly adapter: Adapter;
}

/**
 * An adapter that serves each call with a key of a {@link KeySet}: it makes (and keeps) one
 * adapter per key with `create(key)`, takes the healthiest key for each attempt, and reports the
 * attempt's outcome back to the set — `auth` (401/403) disables the key, `rate_limited` (429)
 * cools it down while the other keys serve. Errors are passed on with the key scrubbed from them.
 *
 * @example
 * ```ts
 * const keys = vault.keySet('openai', { pick: 'least-used' });
 * const adapter = keyedAdapter(keys, (apiKey) => new OpenAIAdapter({ apiKey }));
 * new Router({ targets: [{ id: 'gpt', adapter, model: 'gpt-4o-mini' }] });
 * ```
 */
export function keyedAdapter(
  keys: KeySet,
  create: (apiKey: string) => Adapter,
  options: KeyedAdapterOptions = {},
): Adapter {
  return new KeyedAdapter(keys, create, options);
}

class KeyedAdapter implements Adapter {
  readonly provider: string;
  readonly capabilities: AdapterCapabilities;
  readonly #keys: KeySet;
  readonly #create: (apiKey: string) => Adapter;
  readonly #cache = new Map<string, Cached>();
  readonly #retired = new Set<Adapter>();

  constructor(keys: KeySet, create: (apiKey: string) => Adapter, options: KeyedAdapterOptions) {
    if (typeof create !== 'function')
      throw new SwitchyardError('config', 'keyedAdapter: create must be a function');
    this.#keys = keys;
    this.#create = create;
    let provider = options.provider;
    let capabilities = options.capabilities;
    if (provider === undefined || capabilities === undefined) {
      const lease = keys.peek();
      if (lease === undefined) {
        throw new SwitchyardError(
          'config',
          'keyedAdapter: the key set has no usable key; pass options.provider and options.capabilities',
        );
      }
      const first = this.#adapterFor(lease);
      provider ??= first.provider;
      capabilities ??= first.capabilities;
    }
    this.provider = provider;
    this.capabilities = capabilities;
  }

  async complete(request: AdapterRequest, options: AdapterCallOptions): Promise<AdapterResponse> {
    const lease = this.#acquire(options);
    try {
      const response = await this.#adapterFor(lease).complete(request, options);
      this.#keys.release(lease);
      return response;
    } catch (error) {
      throw this.#failed(lease, error, options);
    }
  }

  async *stream(request: AdapterRequest, options: AdapterCallOptions): AsyncIterable<AdapterStreamPart> {
    const lease = this.#acquire(options);
    try {
      for await (const part of this.#adapterFor(lease).stream(request, options)) yield part;
      this.#keys.release(lease);
    } catch (error) {
      throw this.#failed(lease, error, options);
    } finally {
      // A consumer that stops early: the key served, count it as a success.
      this.#keys.release(lease);
    }
  }

  priceFor(model: string): Price | undefined {
    for (const { adapter } of this.#cache.values()) {
      const price = adapter.priceFor?.(model);
      if (price !== undefined) return price;
    }
    return undefined;
  }

  async close(): Promise<void> {
    const adapters = [...[...this.#cache.values()].map((c) => c.adapter), ...this.#retired];
    this.#cache.clear();
    this.#retired.clear();
    await Promise.all(adapters.map((a) => a.close?.()));
  }

  #acquire(options: AdapterCallOptions): KeyLease {
    try {
      return this.#keys.acquire();
    } catch (error) {
      throw error instanceof SwitchyardError ? error.with({ target: options.target }) : error;
    }
  }

  #adapterFor(lease: KeyLease): Adapter {
    const cached = this.#cache.get(lease.id);
    if (cached !== undefined && cached.secret === lease.secret) return cached.adapter;
    if (cached !== undefined) {
      // The key was rotated: the old adapter closes once its calls are done.
      this.#retired.add(cached.adapter);
      void Promise.resolve(cached.adapter.close?.())
        .catch(() => undefined)
        .finally(() => this.#retired.delete(cached.adapter));
    }
    const adapter = this.#create(lease.secret);
    this.#cache.set(lease.id, { secret: lease.secret, adapter });
    return adapter;
  }

  #failed(lease: KeyLease, error: unknown, options: AdapterCallOptions): SwitchyardError {
    const mapped = errorFromException(error, { target: options.target, signal: options.signal });
    this.#keys.release(lease, mapped);
    const scrubbed = scrubSecrets(mapped, [lease.secret]);
    // A 429 rests this key only: while another key can serve, the router must not hold the whole
    // target back for the key's Retry-After (the key set keeps that wait).
    return scrubbed.kind === 'rate_limited' &&
      scrubbed.retryAfterMs !== undefined &&
      this.#keys.available() > 0
      ? scrubbed.with({ retryAfterMs: undefined })
      : scrubbed;
  }
}
