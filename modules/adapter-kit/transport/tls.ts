import { SwitchyardError } from '../../../src/index.js';

/**
 * TLS settings of an adapter's own transport (its undici pool), for `https:` upstreams.
 *
 * @example
 * ```ts
 * new OpenAIAdapter({ tls: { minVersion: 'TLSv1.3' } });
 * ```
 */
export interface TransportTlsOptions {
  /**
   * Lowest TLS version accepted from the upstream: a server that cannot do it fails the
   * handshake (a `connection` error). @default Node's default ('TLSv1.2')
   */
  readonly minVersion?: 'TLSv1.2' | 'TLSv1.3';
  /**
   * CA certificates (PEM) to verify the upstream with, e.g. a private CA of a self-hosted
   * model server. Replaces Node's default trust store for this transport. @default Node's store
   */
  readonly ca?: string | readonly string[];
}

/**
 * Checks a {@link TransportTlsOptions} value.
 * @throws {SwitchyardError} `config` naming `field` (e.g. `OpenAIAdapter: tls`).
 */
export function checkTransportTls(value: unknown, field: string): TransportTlsOptions | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) {
    throw new SwitchyardError('config', `${field}: expected an object`);
  }
  const { minVersion, ca } = value as TransportTlsOptions;
  if (minVersion !== undefined && minVersion !== 'TLSv1.2' && minVersion !== 'TLSv1.3') {
    throw new SwitchyardError('config', `${field}.minVersion: expected 'TLSv1.2' or 'TLSv1.3'`);
  }
  const cas = ca === undefined ? [] : typeof ca === 'string' ? [ca] : ca;
  if (
    !Array.isArray(cas) ||
    !cas.every((c) => typeof c === 'string' && c.includes('-----BEGIN CERTIFICATE'))
  ) {
    throw new SwitchyardError(
      'config',
      `${field}.ca: expected PEM certificates (a string or an array of them)`,
    );
  }
  return {
    ...(minVersion === undefined ? {} : { minVersion }),
    ...(ca === undefined ? {} : { ca: typeof ca === 'string' ? ca : [...ca] }),
  };
}

/**
 * The `tls` option of an adapter, checked, for `createFastFetch({ tls })`. A custom `fetch`
 * brings its own transport, so the two together are a `config` error.
 */
export function adapterTls(
  options: { readonly tls?: unknown; readonly fetch?: unknown },
  adapter: string,
): TransportTlsOptions | undefined {
  const tls = checkTransportTls(options.tls, `${adapter}: tls`);
  if (tls !== undefined && options.fetch !== undefined) {
    throw new SwitchyardError(
      'config',
      `${adapter}: tls: applies to the adapter's own transport; with a custom fetch, set TLS on that fetch's dispatcher`,
    );
  }
  return tls;
}
