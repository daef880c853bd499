/**
 * Loading a vendor SDK (an optional peer dependency) on first use, with an error that says what
 * to install when it is missing.
 */
import { SwitchyardError } from '../../src/index.js';

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
      const { packageName, neededBy } = options;
      if (isMissing(error, packageName)) {
        throw new SwitchyardError(
          'config',
          `${neededBy} needs the optional peer dependency ${packageName}: npm install ${packageName}`,
        );
      }
      const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new SwitchyardError('config', `${neededBy} could not load ${packageName}: ${text}`, {
        cause: error,
      });
    });
    return loading;
  };
}
