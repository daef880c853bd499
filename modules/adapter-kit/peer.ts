/**
 * Loading a vendor SDK (an optional peer dependency) on first use, with an error that says what
 * to install when it is missing, and building its client on first use.
 */
import { createRequire } from 'node:module';
import { isSwitchyardError, SwitchyardError } from '../../src/index.js';

/** What {@link optionalPeer} needs to know. */
export interface OptionalPeerOptions<T> {
  /** The npm package, e.g. `@anthropic-ai/sdk`. */
  readonly packageName: string;
  /** The module that needs it, as users import it, e.g. `switchyard-llm/adapters/anthropic`. */
  readonly neededBy: string;
  /**
   * Loads the package: `() => import('@anthropic-ai/sdk')`. Keep the `import()` literal in your
   * own code, so that bundlers see it (and leave it external).
   */
  readonly load: () => Promise<T>;
}

const NOT_FOUND = new Set(['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND']);

function isMissing(error: unknown, packageName: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const message = (error as { message?: unknown } | null)?.message;
  return (
    typeof code === 'string' &&
    NOT_FOUND.has(code) &&
    typeof message === 'string' &&
    (message.includes(`'${packageName}'`) || message.includes(`"${packageName}"`))
  );
}

/**
 * A loader for an optional peer dependency: the first call imports the package (later calls get
 * the same promise), so that importing an adapter costs nothing until it is used, and an adapter
 * whose SDK is not installed can still be imported and constructed.
 *
 * When the package is not installed the promise rejects with a `config` {@link SwitchyardError}
 * that says what to install, e.g. `switchyard-llm/adapters/anthropic needs the optional peer
 * dependency @anthropic-ai/sdk: npm install @anthropic-ai/sdk`; any other failure to load it is
 * a `config` error as well, with the loader's error as `cause`. Works in ESM and CommonJS builds.
 *
 * @example
 * ```ts
 * const loadSdk = optionalPeer({
 *   packageName: 'acme-ai',
 *   neededBy: 'my-switchyard-acme',
 *   load: () => import('acme-ai'),
 * });
 * // in complete() / stream():
 * const { AcmeClient } = await loadSdk();
 * ```
 */
export function optionalPeer<T>(options: OptionalPeerOptions<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= options.load().catch((error: unknown) => {
      throw peerError(error, options.packageName, options.neededBy);
    });
    return loading;
  };
}

/**
 * The `config` error of an optional peer that could not be loaded: what to install when it is
 * missing, else the loader's error (as `cause`).
 */
function peerError(error: unknown, packageName: string, neededBy: string): SwitchyardError {
  if (isMissing(error, packageName)) {
    return new SwitchyardError(
      'config',
      `${neededBy} needs the optional peer dependency ${packageName}: npm install ${packageName}`,
    );
  }
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new SwitchyardError('config', `${neededBy} could not load ${packageName}: ${text}`, {
    cause: error,
  });
}

/** Node's `require`, resolving from this file (in the CommonJS build, tsup's shim of `import.meta.url`). */
let nodeRequire: NodeJS.Require | undefined;

/**
 * A synchronous loader for an optional peer dependency, for the modules whose factories are
 * synchronous (`collectMetrics`, `otelMiddleware`): the module imports only the peer's types,
 * so importing it works without the peer, and the factory calls the loader, which `require`s
 * the package once (later calls return it) or throws the same `config` error as
 * {@link optionalPeer}: `switchyard-llm/metrics needs the optional peer dependency prom-client:
 * npm install prom-client`. A failed load is not cached (the package may be installed later).
 *
 * The package is loaded through `require` in the ESM build as well, so it must have a CommonJS
 * entry (prom-client and `@opentelemetry/api` have). Internal to switchyard-llm's modules.
 */
export function requirePeer<T>(packageName: string, neededBy: string): () => T {
  let loaded: { readonly module: T } | undefined;
  return () => {
    if (loaded !== undefined) return loaded.module;
    try {
      nodeRequire ??= createRequire(import.meta.url);
      loaded = { module: nodeRequire(packageName) as T };
    } catch (error) {
      throw peerError(error, packageName, neededBy);
    }
    return loaded.module;
  };
}

/** A vendor SDK client built on first use: see {@link lazyClient}. */
export interface LazyClient<Sdk, Client> {
  /**
   * The client once built, else `undefined`. Read it before {@link LazyClient.load} so that calls
   * after the first take no `await`: `const client = lazy.current ?? (await lazy.load())`.
   */
  readonly current: Client | undefined;
  /** The SDK once loaded (e.g. for its error classes), else `undefined`. */
  readonly sdk: Sdk | undefined;
  /**
   * Loads the SDK and builds the client, once: later calls get the same promise, a rejected one
   * included (a missing SDK or options it refuses do not get better with time).
   */
  load(): Promise<Client>;
}

class LazySdkClient<Sdk, Client> implements LazyClient<Sdk, Client> {
  current: Client | undefined;
  sdk: Sdk | undefined;
  #loading: Promise<Client> | undefined;
  readonly #load: () => Promise<Sdk>;
  readonly #create: (sdk: Sdk) => Client;
  readonly #rejectedBy: string;

  constructor(load: () => Promise<Sdk>, create: (sdk: Sdk) => Client, rejectedBy: string) {
    this.#load = load;
    this.#create = create;
    this.#rejectedBy = rejectedBy;
  }

  load(): Promise<Client> {
    this.#loading ??= this.#load().then((sdk) => {
      this.sdk = sdk;
      try {
        this.current = this.#create(sdk);
      } catch (error) {
        throw clientOptionsError(error, this.#rejectedBy);
      }
      return this.current;
    });
    return this.#loading;
  }
}

/** The SDK refused the client options (e.g. conflicting credentials): a `config` error. */
function clientOptionsError(error: unknown, rejectedBy: string): SwitchyardError {
  if (isSwitchyardError(error)) return error;
  const text = error instanceof Error ? error.message : String(error);
  return new SwitchyardError('config', `${rejectedBy} rejected the client options: ${text}`, {
    cause: error,
  });
}

/**
 * A vendor SDK client that is built on the first call, not in the adapter's constructor: the
 * constructor stays synchronous and an adapter whose SDK is missing can still be constructed.
 * `load` is typically an {@link optionalPeer} loader (a missing SDK is then its `config` error);
 * `create` builds the client from the loaded SDK. When `create` throws, the call fails with a
 * `config` {@link SwitchyardError} (a `SwitchyardError` it throws is kept as it is) whose message
 * starts with `rejectedBy`: `AcmeAdapter: acme-sdk` gives `AcmeAdapter: acme-sdk rejected the
 * client options: …`.
 *
 * @example
 * ```ts
 * const loadSdk = optionalPeer({ packageName: 'acme-sdk', neededBy: 'my-acme-adapter', load: () => import('acme-sdk') });
 *
 * class AcmeAdapter implements Adapter {
 *   readonly #client = lazyClient(loadSdk, (sdk) => new sdk.AcmeClient({ apiKey }), 'AcmeAdapter: acme-sdk');
 *
 *   async complete(request: AdapterRequest, options: AdapterCallOptions): Promise<AdapterResponse> {
 *     const client = this.#client.current ?? (await this.#client.load());
 *     // ...
 *   }
 * }
 * ```
 */
export function lazyClient<Sdk, Client>(
  load: () => Promise<Sdk>,
  create: (sdk: Sdk) => Client,
  rejectedBy: string,
): LazyClient<Sdk, Client> {
  return new LazySdkClient(load, create, rejectedBy);
}
