/**
 * The verification keys of {@link jwtAuth}: a JWKS file (re-read on reload), an inline JWKS, or a
 * remote JWKS URL (jose's `createRemoteJWKSet`). jose is loaded on the first token.
 */
import { readFileSync } from 'node:fs';
import { createFastFetch, optionalPeer } from '../adapter-kit/index.js';
import { checkJwks, type JsonWebKeySet, jwtConfigError, type ResolvedJwtOptions } from './jwt-options.js';

type Jose = typeof import('jose');
/** jose's key-lookup function, as `jwtVerify` takes it. */
export type KeyLookup = ReturnType<Jose['createLocalJWKSet']> | ReturnType<Jose['createRemoteJWKSet']>;

/** Loads jose on first use, with an install hint when it is missing. */
export const loadJose = optionalPeer<Jose>({
  packageName: 'jose',
  neededBy: 'switchyard-llm/gateway jwtAuth',
  load: () => import('jose') as Promise<Jose>,
});

/** Reads and checks a JWKS file; errors name `jwksFile`, never the file's content. */
export function readJwksFile(path: string): JsonWebKeySet {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw jwtConfigError('jwksFile', `cannot read the file (${code})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw jwtConfigError('jwksFile', 'the file is not valid JSON');
  }
  return checkJwks(parsed, 'jwksFile');
}

/** The current key lookup, and how to refresh it. */
export interface KeyStore {
  /** The lookup to verify with now (loads jose on the first call). */
  lookup(): Promise<KeyLookup>;
  /** Re-reads the file or re-fetches the URL; a bad file rejects and the old keys stay. */
  reload(): Promise<void>;
}

/** The key store of the resolved options. The file is read now (a `config` error when bad). */
export function createKeyStore(o: ResolvedJwtOptions): KeyStore {
  const source = o.source;
  if (source.kind === 'remote') {
    let remote: ReturnType<Jose['createRemoteJWKSet']> | undefined;
    const lookup = async () => {
      if (remote === undefined) {
        const jose = await loadJose();
        // A private CA: the JWKS request goes through an own pool that trusts it (and only it).
        const fetchImpl =
          source.ca === undefined ? undefined : createFastFetch({ connections: 2, tls: { ca: source.ca } });
        remote ??= jose.createRemoteJWKSet(source.url, {
          timeoutDuration: o.timeoutMs,
          cooldownDuration: o.cooldownMs,
          cacheMaxAge: o.cacheMaxAgeMs,
          headers: { ...o.headers },
          ...(fetchImpl === undefined ? {} : { [jose.customFetch]: fetchImpl as unknown as typeof fetch }),
        });
      }
      return remote;
    };
    return {
      lookup,
      async reload() {
        await (await lookup()).reload();
      },
    };
  }
  let jwks = source.kind === 'file' ? readJwksFile(source.path) : source.jwks;
  let local: Promise<KeyLookup> | undefined;
  return {
    lookup() {
      local ??= loadJose().then((jose) => jose.createLocalJWKSet(structuredClone(jwks) as never));
      return local;
    },
    async reload() {
      if (source.kind !== 'file') return;
      jwks = readJwksFile(source.path);
      local = undefined;
    },
  };
}
