/**
 * Live monitor: three in-process mock providers (`fast`, `slow`, `flaky`, as in the demo) under
 * steady traffic, with an alert manager that posts to a local signed webhook receiver, and the
 * monitor page at a loopback URL. Every 20 s `flaky` has an outage: the breaker ejects it (its
 * row turns red), the alert fires, and it is restored after the cooldown. No API keys, no network
 * beyond 127.0.0.1.
 *
 * Run: npx tsx examples/monitor.ts          (until Ctrl-C; open the printed URL)
 *      npx tsx examples/monitor.ts --once   (one outage, checks the page's feed itself, exits)
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSeededRandom, Router } from 'switchyard-llm';
import {
  AlertManager,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  verifyWebhook,
  webhookSink,
} from 'switchyard-llm/alerts';
import { createMonitor, MONITOR_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from 'switchyard-llm/monitor';
import { MockAdapter } from 'switchyard-llm/testing';
import WebSocket from 'ws';

const once = process.argv.includes('--once');
const SECRET = randomBytes(16).toString('hex');
const TOKEN = randomBytes(18).toString('base64url'); // a fresh token per run

// A local webhook receiver for the alerts (verifies the signature, as yours should).
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => {
    body += c.toString('utf8');
  });
  req.on('end', () => {
    const ok = verifyWebhook({
      secret: SECRET,
      body,
      timestamp: req.headers[TIMESTAMP_HEADER] as string | undefined,
      signature: req.headers[SIGNATURE_HEADER] as string | undefined,
    });
    res.writeHead(ok ? 204 : 401).end();
    if (!ok) return;
    const n = JSON.parse(body) as { rule: string; alerts: { state: string; summary: string }[] };
    for (const a of n.alerts) console.log(`webhook: ${n.rule} ${a.state.toUpperCase()}: ${a.summary}`);
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/alerts`;

const random = createSeededRandom(7);
const between = (min: number, max: number) => Math.round(min + random() * (max - min));
let outage = false;
const usage = { inputTokens: 40, outputTokens: 120 };
const router = new Router({
  targets: [
    {
      id: 'fast',
      model: 'fast-model',
      aliases: ['chat'],
      price: { inputPerMTok: 0.15, outputPerMTok: 0.6 },
      adapter: new MockAdapter(() => ({ text: 'fast answer', delayMs: between(30, 60), usage })),
    },
    {
      id: 'slow',
      model: 'slow-model',
      aliases: ['chat'],
      price: { inputPerMTok: 3, outputPerMTok: 15 },
      adapter: new MockAdapter((_req, { stream }) =>
        stream
          ? { stream: ['slow ', 'streamed ', 'answer'], chunkDelayMs: between(40, 80), usage }
          : { text: 'slow answer', delayMs: between(250, 400), usage },
      ),
    },
    {
      id: 'flaky',
      model: 'flaky-model',
      aliases: ['chat'],
      price: { inputPerMTok: 0.5, outputPerMTok: 1.5 },
      adapter: new MockAdapter(() =>
        outage
          ? { error: { status: 503 }, delayMs: 10 }
          : { text: 'flaky answer', delayMs: between(60, 120), usage },
      ),
    },
  ],
  strategy: 'round-robin',
  retry: { maxAttempts: 2, baseDelayMs: 5 },
  breaker: { failureThreshold: 3, cooldownMs: once ? 1_500 : 8_000 },
  budgets: [{ id: 'daily', period: 'day', limitUsd: 5 }],
});

const alerts = new AlertManager({
  rules: [
    { name: 'target-ejected', type: 'target_ejected', severity: 'critical', keepFiringForMs: 0 },
    { name: 'errors', type: 'error_rate', severity: 'warning', windowMs: 5_000, threshold: 0.2, minCalls: 5 },
  ],
  sinks: { hook: webhookSink({ url: hookUrl, secret: SECRET }) },
  intervalMs: 500,
  groupWindowMs: 500,
});
alerts.attach(router);

const monitor = await createMonitor(router, {
  port: Number(process.env.MONITOR_PORT ?? 0),
  token: TOKEN,
  alerts,
});
console.log(`monitor: open ${monitor.url}`);

// Traffic: a call every ~60 ms, one in five streamed; an outage of flaky every 20 s.
let running = true;
const traffic = (async () => {
  let n = 0;
  while (running) {
    n++;
    const request = { model: 'chat', messages: [{ role: 'user' as const, content: `question ${n}` }] };
    const call =
      n % 5 === 0
        ? (async () => {
            for await (const _ of router.stream(request)) {
              // consume
            }
          })()
        : router.complete(request);
    void call.catch(() => undefined);
    await new Promise((r) => setTimeout(r, between(30, 90)));
  }
})();
const outages = once
  ? undefined
  : setInterval(() => {
      outage = !outage;
      console.log(outage ? 'flaky: outage starts' : 'flaky: outage ends');
    }, 10_000);

const stop = async () => {
  running = false;
  if (outages) clearInterval(outages);
  await traffic;
  await monitor.close();
  await alerts.flush();
  await alerts.close();
  await router.close();
  receiver.close();
};

if (once) {
  // Watch the feed as the page does (the token as a subprotocol), through one outage.
  const seen: string[] = [];
  let targets: { id: string; state: string }[] = [];
  const ws = new WebSocket(`${monitor.baseUrl.replace('http', 'ws')}ws`, [
    MONITOR_PROTOCOL,
    `${TOKEN_PROTOCOL_PREFIX}${TOKEN}`,
  ]);
  ws.on('message', (data) => {
    const msg = JSON.parse(String(data)) as {
      type: string;
      data: { type: string; target?: string; targets: typeof targets };
    };
    if (msg.type === 'snapshot') targets = msg.data.targets;
    else {
      // As the page does: an ejection or a restore shows at once, before the next snapshot.
      seen.push(msg.data.type);
      const state = { 'target:ejected': 'open', 'target:restored': 'closed' }[msg.data.type];
      if (state) targets = targets.map((t) => (t.id === msg.data.target ? { ...t, state } : t));
    }
  });
  await new Promise((r) => setTimeout(r, 1_500));
  outage = true;
  console.log('flaky: outage starts');
  await new Promise((r) => setTimeout(r, 1_500));
  console.log(`page sees: ${targets.map((t) => `${t.id} ${t.state}`).join(', ')}`);
  outage = false;
  console.log('flaky: outage ends');
  await new Promise((r) => setTimeout(r, 3_000));
  console.log(`page sees: ${targets.map((t) => `${t.id} ${t.state}`).join(', ')}`);
  const count = (type: string) => seen.filter((t) => t === type).length;
  console.log(
    `events: ejected ${count('target:ejected')}, restored ${count('target:restored')}, alert firing ${count('alert:firing')}, resolved ${count('alert:resolved')}`,
  );
  ws.close();
  await stop();
} else {
  process.once('SIGINT', () => void stop());
}
