/**
 * HTTPS inbound: certificates made with openssl in the test, a TLS 1.3 client served, a TLS
 * 1.2-only client refused, `reloadTls()` picked up by new connections, bad files refused.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConnectionOptions, connect } from 'node:tls';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Router } from '../../index.js';
import { MockAdapter } from '../../src/testing/index.js';
import { makeCertificates, type TestCertificates } from '../../test/helpers/certificates.js';
import { createGateway, type Gateway } from './gateway.js';
import type { GatewayOptions } from './options.js';

let dir: string;
let one: TestCertificates;
let two: TestCertificates;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gw-jwt-tls-'));
  for (const sub of ['one', 'two', 'live']) mkdirSync(join(dir, sub));
  one = makeCertificates(join(dir, 'one'));
  two = makeCertificates(join(dir, 'two'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a certificate set where the gateway reads it. */
function install(certs: TestCertificates): { certFile: string; keyFile: string } {
  const certFile = join(dir, 'live', 'cert.pem');
  const keyFile = join(dir, 'live', 'key.pem');
  writeFileSync(certFile, certs.serverCert);
  writeFileSync(keyFile, certs.serverKey);
  return { certFile, keyFile };
}

async function start(
  options: GatewayOptions,
): Promise<{ gateway: Gateway; url: string; port: number; close(): Promise<void> }> {
  const router = new Router({
    targets: [
      { id: 'mock-1', model: 'mock-model', aliases: ['fast'], adapter: new MockAdapter([{ text: 'hi' }]) },
    ],
  });
  const gateway = createGateway(router, { port: 0, ...options });
  const { url, port } = await gateway.start();
  return {
    gateway,
    url,
    port,
    close: async () => {
      await gateway.stop();
      await router.close();
    },
  };
}

/** A TLS handshake with the gateway: the negotiated protocol, or the client's error code. */
function handshake(port: number, options: ConnectionOptions): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, ...options });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('timeout');
    }, 5_000);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const protocol = socket.getProtocol() ?? 'unknown';
      socket.end();
      resolve(protocol);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(error.code ?? error.message);
    });
  });
}

/** GET /healthz over HTTPS with undici, trusting `ca`. */
async function healthz(url: string, connectOptions: Record<string, unknown>): Promise<number | string> {
  const agent = new Agent({ connect: { timeout: 5_000, ...connectOptions } });
  try {
    const response = await fetch(`${url}/healthz`, { dispatcher: agent });
    await response.arrayBuffer();
    return response.status;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return cause?.code ?? String(error);
  } finally {
    await agent.close();
  }
}

describe('gateway TLS (inbound)', () => {
  it('serves HTTPS with TLS 1.3 by default and refuses a TLS 1.2-only client', async () => {
    const gw = await start({ tls: install(one) });
    try {
      expect(gw.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(await healthz(gw.url, { ca: one.ca })).toBe(200);
      expect(await handshake(gw.port, { ca: one.ca })).toBe('TLSv1.3');
      const refused = await handshake(gw.port, { ca: one.ca, maxVersion: 'TLSv1.2' });
      expect(refused).toBe('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION'); // the server's protocol_version alert
      // A client that does not trust the CA fails; plain HTTP on the port gets no answer.
      expect(await handshake(gw.port, { ca: one.otherCa })).toMatch(/CERT|SELF_SIGNED|UNABLE/);
      expect(await healthz(gw.url.replace('https', 'http'), {})).not.toBe(200);
      // Still serving.
      expect(await healthz(gw.url, { ca: one.ca })).toBe(200);
    } finally {
      await gw.close();
    }
  });

  it("minVersion 'TLSv1.2' lets a TLS 1.2 client in (PEM strings instead of files)", async () => {
    const gw = await start({ tls: { cert: one.serverCert, key: one.serverKey, minVersion: 'TLSv1.2' } });
    try {
      expect(await handshake(gw.port, { ca: one.ca, maxVersion: 'TLSv1.2' })).toBe('TLSv1.2');
    } finally {
      await gw.close();
    }
  });

  it('reloadTls() re-reads the files: new connections get the new certificate; bad new files keep the old one', async () => {
    const files = install(one);
    const gw = await start({ tls: files });
    try {
      expect(await handshake(gw.port, { ca: one.ca })).toBe('TLSv1.3');
      install(two);
      expect(await handshake(gw.port, { ca: one.ca })).toBe('TLSv1.3'); // not re-read yet
      gw.gateway.reloadTls();
      expect(await handshake(gw.port, { ca: two.ca })).toBe('TLSv1.3');
      expect(await handshake(gw.port, { ca: one.ca })).toMatch(/CERT|UNABLE/);
      expect(await healthz(gw.url, { ca: two.ca })).toBe(200);

      // A key that does not match, then an unreadable file: config errors; the current cert stays.
      writeFileSync(files.keyFile, one.serverKey);
      expect(() => gw.gateway.reloadTls()).toThrow(
        /^createGateway: tls\.cert: the certificate and key cannot be used together/,
      );
      rmSync(files.keyFile);
      expect(() => gw.gateway.reloadTls()).toThrow(
        'createGateway: tls.keyFile: cannot read the file (ENOENT)',
      );
      expect(await handshake(gw.port, { ca: two.ca })).toBe('TLSv1.3');
    } finally {
      await gw.close();
    }
  });

  it("clientCertificate 'require': only clients with a certificate from the CA get through", async () => {
    const gw = await start({ tls: { ...install(one), ca: one.ca, clientCertificate: 'require' } });
    try {
      expect(await healthz(gw.url, { ca: one.ca, cert: one.clientCert, key: one.clientKey })).toBe(200);
      expect(await healthz(gw.url, { ca: one.ca })).not.toBe(200);
    } finally {
      await gw.close();
    }
  });

  it('bad tls options are config errors at createGateway naming the field, never the key', () => {
    const router = new Router({
      targets: [{ id: 'm', model: 'm', adapter: new MockAdapter([{ text: 'x' }]) }],
    });
    const error = (tls: unknown): string => {
      try {
        createGateway(router, { tls: tls as GatewayOptions['tls'] });
      } catch (e) {
        expect(e).toMatchObject({ kind: 'config' });
        const message = (e as Error).message;
        expect(message).not.toContain('PRIVATE KEY');
        return message;
      }
      throw new Error('no error');
    };
    const keyFile = join(dir, 'one', 'server.key');
    const certFile = join(dir, 'one', 'server.crt');
    expect(error({ certFile: join(dir, 'missing.pem'), keyFile })).toBe(
      'createGateway: tls.certFile: cannot read the file (ENOENT)',
    );
    expect(error({ certFile, keyFile: dir })).toBe(
      'createGateway: tls.keyFile: cannot read the file (EISDIR)',
    );
    expect(error({ certFile })).toMatch(/^createGateway: tls\.keyFile: expected a PEM file path/);
    expect(error({ certFile: keyFile, keyFile: certFile })).toMatch(/^createGateway: tls\.cert: /);
    expect(error({ cert: one.serverCert, key: two.serverKey })).toMatch(
      /^createGateway: tls\.cert: the certificate and key cannot be used together/,
    );
    expect(error({ cert: 'not pem', key: one.serverKey })).toBe(
      'createGateway: tls.cert: expected a PEM string',
    );
    expect(error({ cert: one.serverCert, certFile, keyFile })).toBe(
      'createGateway: tls.cert: give cert or certFile, not both',
    );
    expect(error({ certFile, keyFile, minVersion: 'TLSv1.1' })).toMatch(/^createGateway: tls\.minVersion:/);
    expect(error({ certFile, keyFile, clientCertificate: 'require' })).toMatch(
      /^createGateway: tls\.caFile:/,
    );
    expect(error('yes')).toBe('createGateway: tls: expected an object');
    expect(() => createGateway(router, {}).reloadTls()).toThrow(/no tls option/);
    return router.close();
  });
});
