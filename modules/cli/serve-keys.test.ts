/**
 * `switchyard-llm serve` with `gateway.keys` in a key file: `SIGHUP` re-reads the file (keys
 * added or revoked by the `keys` CLI take effect) without dropping a call in flight; an invalid
 * file is refused (`keys_reload_failed`) and the keys already loaded keep serving.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScriptedServer } from '../adapter-kit/index.js';
import { FileKeyStore, VirtualKeys } from '../gateway/index.js';
import { runCli } from './index.js';
import { fakeIo, upstreamTarget } from './test-helpers.js';

const KEY = 'sk-upstream-test-0123456789';

describe('serve: SIGHUP reloads the key file', () => {
  let upstream: ScriptedServer;
  let dir: string;
  let release: () => void;
  let arrived: Promise<void>;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gw-ops-keys-'));
    upstream = await ScriptedServer.start();
    let open!: () => void;
    const released = new Promise<void>((resolve) => (open = resolve));
    release = open;
    let came!: () => void;
    arrived = new Promise<void>((resolve) => (came = resolve));
    upstream.setDefault(async (req, res: ServerResponse) => {
      const slow = (req.body as { messages: Array<{ content: string }> }).messages[0]!.content === 'slow';
      if (slow) {
        came();
        await released;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'x',
          object: 'chat.completion',
          created: 1,
          model: 'm',
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: slow ? 'late' : 'ok' },
              finish_reason: 'stop',
            },
          ],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        }),
      );
    });
  });
  afterEach(async () => {
    release();
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('picks up added and revoked keys, keeps a call in flight, refuses an invalid file and keeps the old keys', async () => {
    const keyFile = join(dir, 'keys.json');
    // What the `keys` CLI does: edit the file the gateway loads.
    const cli = () => new VirtualKeys(new FileKeyStore(keyFile), { storeBudgetsOnly: true });
    const first = await cli().create({ name: 'first' });
    const path = join(dir, 'config.json');
    writeFileSync(
      path,
      JSON.stringify({
        targets: [upstreamTarget(upstream.url)],
        gateway: { port: 0, keys: { store: 'file', file: keyFile } },
        metrics: false,
      }),
    );
    const fake = fakeIo({ KEY });
    const exit = runCli(['serve', '--config', path], fake.io);
    const listening = await fake.waitFor('listening');
    expect(listening.auth).toBe('virtual keys');
    const url = String(listening.url);
    const chat = (key: string, content = 'hi') =>
      fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content }] }),
      });

    expect((await chat(first.secret)).status).toBe(200);
    const inFlight = chat(first.secret, 'slow');
    await arrived;

    // The CLI adds a key and revokes the first: nothing changes until SIGHUP.
    const second = await cli().create({ name: 'second' });
    await cli().revoke(first.key.id);
    expect((await chat(second.secret)).status).toBe(401);

    let mark = fake.lines().length;
    fake.raise('SIGHUP');
    expect((await fake.waitFor('keys_reloaded', mark)).keys).toBe(2);
    expect((await chat(second.secret)).status).toBe(200);
    expect((await chat(first.secret)).status).toBe(401);
    // The call that was in flight with the now revoked key finishes normally.
    release();
    const late = await inFlight;
    expect(late.status).toBe(200);
    expect(
      ((await late.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message
        .content,
    ).toBe('late');

    // An invalid key file: refused, the keys loaded before keep serving.
    const good = readFileSync(keyFile, 'utf8');
    writeFileSync(keyFile, good.replace(/"hash": "[0-9a-f]+"/, '"hash": "not-a-hash"'));
    mark = fake.lines().length;
    fake.raise('SIGHUP');
    const failed = await fake.waitFor('keys_reload_failed', mark);
    expect(failed).toMatchObject({ level: 'error', serving: 'previous keys' });
    expect(String(failed.message)).toMatch(/keys\[\d\]\.hash: expected a SHA-256 hex digest/);
    // The config itself reloaded fine.
    expect(
      fake
        .lines()
        .slice(mark)
        .some((l) => l.event === 'reloaded'),
    ).toBe(true);
    expect((await chat(second.secret)).status).toBe(200);
    expect((await chat(first.secret)).status).toBe(401);

    fake.raise('SIGTERM');
    expect(await exit).toBe(0);
    expect(fake.out.stderr).not.toContain(first.secret);
    expect(fake.out.stderr).not.toContain(second.secret);
  }, 60_000);
});
