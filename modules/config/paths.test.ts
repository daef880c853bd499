/** File paths in a config file are resolved against the config file's directory. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from './index.js';

const target = { id: 't1', provider: 'openai', model: 'gpt-x', apiKey: 'sk-test-0123456789' };

const withFiles = {
  targets: [target],
  gateway: {
    tls: { certFile: 'tls/cert.pem', keyFile: '/etc/switchyard/key.pem' },
    keys: { store: 'file', file: '../state/keys.json' },
    jwt: {
      jwksUrl: 'https://idp.example/jwks.json',
      issuer: 'https://idp.example/',
      audience: 'switchyard',
      remote: { caFile: ['ca/a.pem', '/abs/b.pem'] },
    },
  },
  redis: {
    url: 'rediss://redis.internal:6380',
    tls: { caFile: 'ca.pem', certFile: 'c.pem', keyFile: 'k.pem' },
  },
};

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('config file paths', () => {
  it('resolves every relative file path against baseDir and keeps absolute ones', () => {
    const c = parseConfig(withFiles, {}, { baseDir: '/srv/app/config' });
    expect(c.gateway?.tls).toEqual({
      certFile: '/srv/app/config/tls/cert.pem',
      keyFile: '/etc/switchyard/key.pem',
    });
    expect(c.gateway?.keys).toEqual({ store: 'file', file: '/srv/app/state/keys.json' });
    expect(c.gateway?.jwt?.remote?.caFile).toEqual(['/srv/app/config/ca/a.pem', '/abs/b.pem']);
    expect(c.redis?.tls).toEqual({
      caFile: '/srv/app/config/ca.pem',
      certFile: '/srv/app/config/c.pem',
      keyFile: '/srv/app/config/k.pem',
    });
  });

  it('resolves jwksFile and the CA of a remote JWKS given as { url, caFile }', () => {
    const jwt = { issuer: 'https://idp.example/', audience: 'switchyard' };
    const local = parseConfig(
      { targets: [target], gateway: { jwt: { ...jwt, jwksFile: 'jwks.json' } } },
      {},
      {
        baseDir: '/cfg',
      },
    );
    expect(local.gateway?.jwt?.jwksFile).toBe('/cfg/jwks.json');
    const remote = parseConfig(
      {
        targets: [target],
        gateway: { jwt: { ...jwt, jwks: { url: 'https://idp.example/k', caFile: 'ca.pem' } } },
      },
      {},
      { baseDir: '/cfg' },
    );
    expect(remote.gateway?.jwt?.jwks).toEqual({ url: 'https://idp.example/k', caFile: '/cfg/ca.pem' });
  });

  it('keeps the paths as written without baseDir', () => {
    const c = parseConfig(withFiles, {});
    expect(c.gateway?.tls?.certFile).toBe('tls/cert.pem');
    expect(c.gateway?.keys).toEqual({ store: 'file', file: '../state/keys.json' });
  });

  it('loadConfig resolves against the config file, whatever the working directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-config-paths-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'conf'));
    const file = join(dir, 'conf', 'switchyard.config.json');
    writeFileSync(file, JSON.stringify(withFiles));
    const c = await loadConfig(file, {});
    expect(c.gateway?.tls?.certFile).toBe(join(dir, 'conf', 'tls', 'cert.pem'));
    expect(c.gateway?.keys).toEqual({ store: 'file', file: join(dir, 'state', 'keys.json') });
    expect(process.cwd()).not.toBe(join(dir, 'conf'));
  });
});
