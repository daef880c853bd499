import { readFileSync } from 'node:fs';
import type { ServerOptions as HttpServerOptions, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import { SwitchyardError } from '../../index.js';

/**
 * HTTPS for the gateway: the certificate and key as files (re-read by `gateway.reloadTls()`) or
 * PEM strings. Give `cert` or `certFile`, and `key` or `keyFile`.
 */
export interface GatewayTlsOptions {
  /** The certificate chain (PEM file): the server certificate first, then intermediates. */
  readonly certFile?: string;
  /** The private key (PEM file). */
  readonly keyFile?: string;
  /** CA certificates (PEM file) that client certificates must chain to (with `clientCertificate`). */
  readonly caFile?: string;
  /** The certificate chain as a PEM string. */
  readonly cert?: string;
  /** The private key as a PEM string. */
  readonly key?: string;
  /** CA certificates as a PEM string. */
  readonly ca?: string;
  /** Lowest TLS version accepted; older clients fail the handshake. @default 'TLSv1.3' */
  readonly minVersion?: 'TLSv1.2' | 'TLSv1.3';
  /**
   * `'require'`: clients must present a certificate that chains to `ca`/`caFile` (mutual TLS),
   * else the handshake fails. @default 'none'
   */
  readonly clientCertificate?: 'none' | 'require';
}

/** The TLS options, checked; {@link loadTls} reads the files. */
export interface ResolvedTls {
  readonly options: GatewayTlsOptions;
  /** What the first `loadTls` read (checked at `createGateway`). */
  readonly initial: SecureContextOptions;
}

function bad(field: string, problem: string): SwitchyardError {
  return new SwitchyardError('config', `createGateway: tls.${field}: ${problem}`);
}

/** One PEM input: the string, or the file's content. Errors name the field, never the content. */
function pem(o: GatewayTlsOptions, name: 'cert' | 'key' | 'ca', required: boolean): string | undefined {
  const text = o[name];
  const file = o[`${name}File`];
  if (text !== undefined && file !== undefined) throw bad(name, `give ${name} or ${name}File, not both`);
  if (text !== undefined) {
    if (typeof text !== 'string' || !text.includes('-----BEGIN ')) throw bad(name, 'expected a PEM string');
    return text;
  }
  if (file === undefined) {
    if (required) throw bad(`${name}File`, `expected a PEM file path (or ${name} as a PEM string)`);
    return undefined;
  }
  if (typeof file !== 'string' || file === '') throw bad(`${name}File`, 'expected a file path');
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (error) {
    throw bad(
      `${name}File`,
      `cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`,
    );
  }
  if (!content.includes('-----BEGIN ')) throw bad(`${name}File`, 'the file holds no PEM block');
  return content;
}

/**
 * Reads the certificate, key and CA and checks that they make a secure context (the key matches
 * the certificate). Used at `createGateway` and by `reloadTls()`.
 * @throws {SwitchyardError} `config` naming the field; never the key or file content.
 */
export function loadTls(o: GatewayTlsOptions): SecureContextOptions {
  const material: SecureContextOptions = {
    cert: pem(o, 'cert', true),
    key: pem(o, 'key', true),
    minVersion: o.minVersion ?? 'TLSv1.3',
  };
  const ca = pem(o, 'ca', o.clientCertificate === 'require');
  if (ca !== undefined) (material as { ca?: string }).ca = ca;
  try {
    createSecureContext(material);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw bad(
      'cert',
      `the certificate and key cannot be used together (${typeof code === 'string' ? code : 'invalid'})`,
    );
  }
  return material;
}

/**
 * Checks the `tls` option of `createGateway` and reads its files now.
 * @throws {SwitchyardError} `config` naming the field.
 */
export function resolveTls(value: unknown): ResolvedTls | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) {
    throw new SwitchyardError('config', 'createGateway: tls: expected an object');
  }
  const o = value as GatewayTlsOptions;
  if (o.minVersion !== undefined && o.minVersion !== 'TLSv1.2' && o.minVersion !== 'TLSv1.3') {
    throw bad('minVersion', "expected 'TLSv1.2' or 'TLSv1.3'");
  }
  if (
    o.clientCertificate !== undefined &&
    o.clientCertificate !== 'none' &&
    o.clientCertificate !== 'require'
  ) {
    throw bad('clientCertificate', "expected 'none' or 'require'");
  }
  return { options: { ...o }, initial: loadTls(o) };
}

/**
 * A `createServer`-like factory of the `node:https` server of a gateway with `tls` (typed as the
 * `node:http` server it extends). A slow handshake fails after `handshakeTimeoutMs`.
 */
export function tlsServerFactory(
  tls: ResolvedTls,
  handshakeTimeoutMs: number,
): (http: HttpServerOptions, handler: (req: IncomingMessage, res: ServerResponse) => void) => Server {
  const mutual = tls.options.clientCertificate === 'require';
  return (http, handler) =>
    createHttpsServer(
      {
        ...http,
        ...tls.initial,
        handshakeTimeout: handshakeTimeoutMs,
        requestCert: mutual,
        rejectUnauthorized: mutual,
      },
      handler,
    ) as unknown as Server;
}
