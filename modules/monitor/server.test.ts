/** The monitor's server: token and Origin checks, options, snapshots and events over a real WebSocket. */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Router, SwitchyardError } from '../../index.js';
import { MockAdapter } from '../../src/testing/index.js';
import { createMonitor, type Monitor } from './index.js';

const TOKEN = 'test-token-0123456789abcdef';
let failing = false;
const open: Monitor[] = [];
const sockets: WebSocket[] = [];

function router() {
  return new Router({
    targets: [
      { id: 'a', model: 'm', adapter: new MockAdapter(() => ({ text: 'secret answer canary' })) },
      {
        id: 'b',
        model: 'mb',
        adapter: new MockAdapter(() => (failing ? { error: { status: 500 } } : { text: 'ok' })),
      },
    ],
    retry: { maxAttempts: 1 },
    breaker: { failureThreshold: 2, cooldownMs: 60_000 },
  });
}

async function start(r = router(), extra: Record<string, unknown> = {}) {
  const m = await createMonitor(r, { port: 0, token: TOKEN, ...extra });
  open.push(m);
  return m;
}

/** Opens a WebSocket; resolves with it once open, or with the HTTP status of the refusal. */
function connect(
  m: Monitor,
  opts: { protocols?: string[]; headers?: Record<string, string>; origin?: string } = {},
): Promise<{ ws?: WebSocket; status?: number; messages: { type: string; data: Record<string, unknown> }[] }> {
  const url = `${m.baseUrl.replace('http', 'ws')}ws`;
  const ws = new WebSocket(url, opts.protocols ?? [], {
    headers: opts.headers ?? {},
    ...(opts.origin === undefined ? {} : { origin: opts.origin }),
  });
  sockets.push(ws);
  const messages: { type: string; data: Record<string, unknown> }[] = [];
  ws.on('message', (d) => messages.push(JSON.parse(String(d))));
  return new Promise((resolve) => {
    ws.once('open', () => resolve({ ws, messages }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0, messages });
      ws.terminate();
    });
    ws.once('error', () => resolve({ status: -1, messages }));
  });
}

const until = async (check: () => boolean, ms = 3_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

afterEach(async () => {
  failing = false;
  for (const ws of sockets.splice(0)) ws.terminate();
  await Promise.all(open.splice(0).map((m) => m.close()));
});

describe('createMonitor: options', () => {
  it.each([
    [{ port: 0 }, 'token'],
    [{ port: 0, token: 'short' }, 'token'],
    [{ port: 0, token: 'has spaces in it 0123456789' }, 'token'],
    [{ token: TOKEN }, 'port'],
    [{ port: 70_000, token: TOKEN }, 'port'],
    [{ port: 0, token: TOKEN, intervalMs: 100 }, 'intervalMs'],
    [{ port: 0, token: TOKEN, softBufferBytes: 10, hardBufferBytes: 5 }, 'hardBufferBytes'],
    [{ port: 0, token: TOKEN, alerts: {} }, 'alerts'],
    [{ port: 0, token: TOKEN, ledger: 1 }, 'ledger'],
  ])('refuses %j naming %s', async (options, field) => {
    const err = await createMonitor(router(), options as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SwitchyardError);
    expect((err as SwitchyardError).kind).toBe('config');
    expect((err as SwitchyardError).message).toContain(`options.${field}`);
    expect((err as SwitchyardError).message).not.toContain('0123456789');
  });

  it('binds 127.0.0.1 by default and puts the token in the fragment only', async () => {
    const m = await start();
    expect(m.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(m.url).toBe(`${m.baseUrl}#token=${TOKEN}`);
  });
});

describe('createMonitor: authentication', () => {
  it('refuses a WebSocket without a token, with a wrong token, or from another origin', async () => {
    const m = await start();
    expect((await connect(m)).status).toBe(401);
    expect(
      (await connect(m, { protocols: ['switchyard-monitor', 'token.wrong-token-0123456789ab'] })).status,
    ).toBe(401);
    expect((await connect(m, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    expect(
      (
        await connect(m, {
          protocols: ['switchyard-monitor', `token.${TOKEN}`],
          origin: 'http://evil.example',
        })
      ).status,
    ).toBe(403);
    // Same port, other host name (DNS rebinding): refused too.
    const port = new URL(m.baseUrl).port;
    expect(
      (
        await connect(m, {
          protocols: ['switchyard-monitor', `token.${TOKEN}`],
          headers: { host: `evil.example:${port}` },
          origin: `http://evil.example:${port}`,
        })
      ).status,
    ).toBe(403);
    expect(m.clients).toBe(0);
  });

  it('accepts the token as a subprotocol from the same origin, or as a Bearer header', async () => {
    const m = await start();
    const host = new URL(m.baseUrl).host;
    const byProtocol = await connect(m, {
      protocols: ['switchyard-monitor', `token.${TOKEN}`],
      origin: `http://${host}`,
    });
    expect(byProtocol.ws?.protocol).toBe('switchyard-monitor'); // never echoes the token
    const byHeader = await connect(m, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(byHeader.ws).toBeDefined();
    await until(() => byProtocol.messages.length > 0 && byHeader.messages.length > 0);
    expect(byProtocol.messages[0]!.type).toBe('snapshot');
    expect(m.clients).toBe(2);
  });

  it('serves the page to anyone but the JSON snapshot only with the token', async () => {
    const m = await start();
    const page = await fetch(m.baseUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/); // nothing from elsewhere (the SVG namespace is a name, not a fetch)
    expect((await fetch(`${m.baseUrl}snapshot`)).status).toBe(401);
    expect((await fetch(`${m.baseUrl}snapshot`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(
      401,
    );
    const ok = await fetch(`${m.baseUrl}snapshot`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { targets: unknown[] }).targets).toHaveLength(2);
  });
});

describe('createMonitor: pushes', () => {
  it('sends events as they happen and snapshots at most once a second, with no prompt or answer text', async () => {
    const r = router();
    const m = await start(r);
    const c = await connect(m, { headers: { authorization: `Bearer ${TOKEN}` } });
    await until(() => c.messages.length === 2);
    expect(c.messages.map((x) => x.type)).toEqual(['snapshot', 'events']);
    const t0 = Date.now();
    failing = true;
    for (let i = 0; i < 2; i++) {
      await r
        .complete({ model: 'mb', messages: [{ role: 'user', content: 'prompt canary' }] })
        .catch(() => undefined);
    }
    await r.complete({ model: 'm', messages: [{ role: 'user', content: 'prompt canary' }] });
    await until(() => c.messages.some((x) => x.type === 'event' && x.data.type === 'target:ejected'));
    expect(Date.now() - t0).toBeLessThan(500); // the event did not wait for a snapshot
    await until(() => c.messages.filter((x) => x.type === 'snapshot').length >= 3, 4_000);
    const snaps = c.messages.filter((x) => x.type === 'snapshot').map((x) => x.data as { at: number });
    for (let i = 2; i < snaps.length; i++)
      expect(snaps[i]!.at - snaps[i - 1]!.at).toBeGreaterThanOrEqual(990);
    const last = snaps[snaps.length - 1] as unknown as { targets: { id: string; state: string }[] };
    expect(last.targets.find((t) => t.id === 'b')!.state).toBe('open');
    // A client that connects later gets the recent events first (the page's feed after a reload).
    const late = await connect(m, { headers: { authorization: `Bearer ${TOKEN}` } });
    await until(() => late.messages.length >= 2);
    const backlog = late.messages[1]!.data as unknown as { type: string }[];
    expect(backlog.map((e) => e.type)).toContain('target:ejected');
    const all = JSON.stringify(c.messages) + JSON.stringify(late.messages);
    expect(all).not.toContain('canary');
    expect(all).not.toContain(TOKEN);
    await m.close();
    expect(r.listenerCount('attempt:success')).toBe(0);
    expect(r.listenerCount('route')).toBe(0);
  }, 10_000);
});
