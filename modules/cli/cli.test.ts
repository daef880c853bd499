import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { json, ScriptedServer } from '../adapter-kit/index.js';
import { TRAIN_USAGE } from '../ml/index.js';
import { COMMANDS, runCli } from './index.js';
import { fakeIo, OK_COMPLETION } from './test-helpers.js';

const KEY = 'sk-cli-test-0123456789abcdef';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gw-cli-unit-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function writeConfig(config: unknown, file = 'c.json'): string {
  const path = join(dir, file);
  writeFileSync(path, JSON.stringify(config));
  return path;
}

const target = (extra: Record<string, unknown> = {}) => ({
  id: 'a',
  provider: 'openai',
  model: 'm-a',
  apiKey: '${KEY}',
  baseURL: 'http://127.0.0.1:9/v1',
  aliases: ['chat'],
  ...extra,
});

describe('runCli: commands and usage', () => {
  it('an unknown command or flag prints the usage on stderr and exits 2', async () => {
    const a = fakeIo();
    expect(await runCli(['frobnicate'], a.io)).toBe(2);
    expect(a.out.stderr).toMatch(/^Unknown command: frobnicate\n\nUsage: switchyard-llm <command>/);
    const b = fakeIo();
    expect(await runCli(['serve', '--config', 'x.json', '--prot', '1'], b.io)).toBe(2);
    expect(b.out.stderr).toContain("Unknown option '--prot'");
    expect(b.out.stderr).toContain('Usage: switchyard-llm serve --config <path>');
    const c = fakeIo();
    expect(await runCli(['serve'], c.io)).toBe(2);
    expect(c.out.stderr).toMatch(/^--config <path> is required\nUsage: switchyard-llm serve/);
    const d = fakeIo();
    expect(await runCli(['serve', '--config', 'x.json', '--port', '70000'], d.io)).toBe(2);
    expect(d.out.stderr).toMatch(/^--port: expected an integer from 0 to 65535/);
    const e = fakeIo();
    expect(await runCli([], e.io)).toBe(2);
    expect(e.out.stderr).toMatch(/^No command given\./);
    const f = fakeIo();
    expect(await runCli(['toString'], f.io)).toBe(2);
  });

  it("train is the ML module's command, its arguments passed through as they are", async () => {
    const a = fakeIo();
    expect(await runCli(['train', '--bogus'], a.io)).toBe(2);
    expect(a.out.stderr).toContain(TRAIN_USAGE);
    const b = fakeIo();
    expect(
      await runCli(
        ['train', '--data', join(dir, 'none.jsonl'), '--family', 'linear', '--out', join(dir, 'm.json')],
        b.io,
      ),
    ).toBe(1);
    expect(b.out.stderr).toContain('none.jsonl');
  });

  it("keys is the gateway's key-file command: create shows the secret once, list never shows it", async () => {
    const file = join(dir, 'keys.json');
    const a = fakeIo();
    expect(await runCli(['keys', 'create', '--name', 'ci', '--rpm', '5', '--file', file], a.io)).toBe(0);
    const secret = /sk-sy-[A-Za-z0-9_-]+/.exec(a.out.stdout)?.[0];
    expect(secret).toBeDefined();
    const b = fakeIo();
    expect(await runCli(['keys', 'list', '--file', file], b.io)).toBe(0);
    expect(b.out.stdout).toContain('ci');
    expect(b.out.stdout).not.toContain(secret!);
    const c = fakeIo();
    expect(await runCli(['keys', 'bogus'], c.io)).toBe(2);
  });

  it('help lists every command of the table; --version prints the package version', async () => {
    const a = fakeIo();
    expect(await runCli(['help'], a.io)).toBe(0);
    for (const command of Object.values(COMMANDS)) expect(a.out.stdout).toContain(command.usage);
    const b = fakeIo();
    expect(await runCli(['check', '--help'], b.io)).toBe(0);
    expect(b.out.stdout).toMatch(/^Usage: switchyard-llm check --config <path>/);
    const c = fakeIo();
    expect(await runCli(['--version'], c.io)).toBe(0);
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8'));
    expect(c.out.stdout).toBe(`${pkg.version}\n`);
  });
});

describe('check', () => {
  it('prints what a valid config would serve, and exits 0', async () => {
    const path = writeConfig({
      targets: [target(), target({ id: 'b', model: 'm-b', aliases: [] })],
      metrics: false,
    });
    const { io, out } = fakeIo({ KEY });
    expect(await runCli(['check', '--config', path], io)).toBe(0);
    expect(out.stdout).toContain(`${path}: valid`);
    expect(out.stdout).toContain('  a  openai  m-a  aliases: chat');
    expect(out.stdout).toContain('models: chat, m-a, m-b');
    expect(out.stdout).toContain('gateway: http://127.0.0.1:8080, auth: none, metrics: off, tls: off');
    expect(out.stdout).not.toContain(KEY);
  });

  it('prints the problems of an invalid config (resolved against cwd), and exits 1', async () => {
    writeConfig({ targets: [target({ wieght: 1 })], gateway: { port: 'x' } }, 'rel.json');
    const { io, out } = fakeIo({ KEY }, dir);
    expect(await runCli(['check', '-c', 'rel.json'], io)).toBe(1);
    expect(out.stderr).toBe(
      `${join(dir, 'rel.json')}: config: 2 problems: targets[0].wieght: unknown key; gateway.port: expected number, received string\n`,
    );
    const missing = fakeIo({}, dir);
    expect(await runCli(['check', '-c', 'nope.json'], missing.io)).toBe(1);
    expect(missing.out.stderr).toBe(
      `${join(dir, 'nope.json')}: config: cannot read ${join(dir, 'nope.json')} (ENOENT)\n`,
    );
  });
});

describe('serve (in process, with fake signals)', () => {
  let upstream: ScriptedServer;
  beforeEach(async () => {
    upstream = await ScriptedServer.start();
    upstream.setDefault(json(200, OK_COMPLETION));
  });
  afterEach(() => upstream.close());

  const served = (extra: Record<string, unknown> = {}) => ({
    targets: [target({ baseURL: `${upstream.url}/v1` })],
    gateway: { port: 0, masterKey: '${MASTER}' },
    ...extra,
  });
  const env = { KEY, MASTER: 'mk-0123456789abcdef-unit' };

  it('rotates the master key on reload, refuses to turn auth off, warns about settings that need a restart', async () => {
    const path = writeConfig(served());
    const fake = fakeIo(env);
    const exit = runCli(['serve', '--config', path], fake.io);
    const url = String((await fake.waitFor('listening')).url);
    const models = (key: string) =>
      fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${key}` } }).then((r) => r.status);
    expect(await models(env.MASTER)).toBe(200);

    // A new master key: the old one stops working, the new one works; the port change needs a restart.
    writeConfig({ ...served(), gateway: { port: 1234, masterKey: 'mk-rotated-0123456789' } });
    let mark = fake.lines().length;
    fake.raise('SIGHUP');
    await fake.waitFor('reloaded', mark);
    expect(
      fake
        .lines()
        .slice(mark)
        .find((l) => l.event === 'restart_needed'),
    ).toMatchObject({
      level: 'warn',
      fields: ['gateway.port'],
    });
    expect(await models(env.MASTER)).toBe(401);
    expect(await models('mk-rotated-0123456789')).toBe(200);

    // Without a master key: refused, the rotated key still guards the gateway.
    writeConfig({ ...served(), gateway: { port: 0 } });
    mark = fake.lines().length;
    fake.raise('SIGHUP');
    expect((await fake.waitFor('reload_failed', mark)).message).toBe(
      'gateway.masterKey: authentication cannot be turned off by a reload; restart to do so',
    );
    expect(await models('mk-rotated-0123456789')).toBe(200);
    expect(await models('')).toBe(401);

    fake.raise('SIGTERM');
    expect(await exit).toBe(0);
    expect(fake.listeners()).toBe(0);
    expect(fake.out.stderr).not.toContain('mk-rotated-0123456789');
    expect(fake.out.stderr).not.toContain(env.MASTER);
    expect(fake.out.stderr).not.toContain(KEY);
  }, 30_000);

  it('serves /metrics across a reload, from the current router', async () => {
    const path = writeConfig(served({ metrics: true }));
    const fake = fakeIo(env);
    const exit = runCli(['serve', '--config', path], fake.io);
    const url = String((await fake.waitFor('listening')).url);
    const call = () =>
      fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${env.MASTER}` },
        body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] }),
      }).then((r) => r.status);
    const metric = async () =>
      (await (await fetch(`${url}/metrics`)).text()).match(/switchyard_requests_total\{[^}]*\} (\d+)/)?.[1];
    expect(await call()).toBe(200);
    expect(await metric()).toBe('1');
    writeConfig(served({ metrics: { prefix: 'switchyard_' } }));
    const mark = fake.lines().length;
    fake.raise('SIGHUP');
    await fake.waitFor('reloaded', mark);
    expect(await call()).toBe(200);
    expect(await call()).toBe(200);
    // The new router's collector: counters start again (a reload is a counter reset to Prometheus).
    expect(await metric()).toBe('2');
    fake.raise('SIGINT');
    expect(await exit).toBe(0);
  }, 30_000);

  it('starts the monitor of the config, restarts it on the new router on reload, closes it on stop', async () => {
    const token = 'monitor-token-0123456789';
    const path = writeConfig(served({ monitor: { port: 0, token: '${MONITOR_TOKEN}' } }));
    const fake = fakeIo({ ...env, MONITOR_TOKEN: token });
    const exit = runCli(['serve', '--config', path], fake.io);
    const first = String((await fake.waitFor('monitor_listening')).url);
    expect(first).not.toContain(token);
    const targets = async (url: string) => {
      const res = await fetch(`${url}snapshot`, { headers: { authorization: `Bearer ${token}` } });
      return ((await res.json()) as { targets: Array<{ id: string }> }).targets.map((t) => t.id);
    };
    expect(await targets(first)).toEqual(['a']);
    writeConfig(
      served({
        targets: [
          target({ baseURL: `${upstream.url}/v1` }),
          target({ id: 'b', baseURL: `${upstream.url}/v1` }),
        ],
        monitor: { port: 0, token: '${MONITOR_TOKEN}' },
      }),
    );
    const mark = fake.lines().length;
    fake.raise('SIGHUP');
    const second = String((await fake.waitFor('monitor_listening', mark)).url);
    expect(await targets(second)).toEqual(['a', 'b']);
    await expect(fetch(`${first}snapshot`)).rejects.toThrow();
    fake.raise('SIGTERM');
    expect(await exit).toBe(0);
    await expect(fetch(`${second}snapshot`)).rejects.toThrow();
    expect(fake.out.stderr).not.toContain(token);
  }, 30_000);

  it('a second stop signal during the graceful stop exits at once with 1', async () => {
    const path = writeConfig(served());
    const fake = fakeIo(env);
    const exit = runCli(['serve', '--config', path], fake.io);
    await fake.waitFor('listening');
    fake.raise('SIGTERM');
    fake.raise('SIGTERM');
    expect(await exit).toBe(1);
    expect(fake.lines().map((l) => l.event)).toContain('forced_exit');
  }, 30_000);

  it('a port in use is a startup failure with exit code 1', async () => {
    const port = Number(new URL(upstream.url).port);
    const path = writeConfig(served({ gateway: { port, host: '127.0.0.1' } }));
    const fake = fakeIo(env);
    expect(await runCli(['serve', '--config', path], fake.io)).toBe(1);
    expect(String((await fake.waitFor('startup_failed')).message)).toContain('EADDRINUSE');
  });
});
