/**
 * Alerts: a router whose `flaky` target starts failing; an error-rate rule (warning) and a
 * breaker ejection rule (critical) fire. The critical goes to a local signed webhook (verified
 * here, as your receiver should); the warning about the same target is inhibited by it, so it
 * is not sent. Once the target recovers, the resolve follows. No API keys, no network
 * beyond 127.0.0.1. Takes about 6 seconds.
 *
 * Run: npx tsx examples/alerts.ts
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Router } from 'switchyard-llm';
import {
  AlertManager,
  type AlertRule,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  verifyWebhook,
  webhookSink,
} from 'switchyard-llm/alerts';
import { MockAdapter } from 'switchyard-llm/testing';

const SECRET = 'example-secret-0123456789';

// A receiver: verify the signature and the timestamp (replays older than 5 minutes are refused).
const server = createServer((req, res) => {
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
    if (!ok) return console.log('receiver: rejected a request with a bad signature');
    const n = JSON.parse(body) as {
      status: string;
      rule: string;
      alerts: { summary: string; state: string }[];
    };
    for (const a of n.alerts) console.log(`receiver: ${n.rule} ${a.state.toUpperCase()}: ${a.summary}`);
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`;

let failing = false;
const router = new Router({
  targets: [
    { id: 'steady', model: 'm', aliases: ['chat'], adapter: new MockAdapter(() => ({ text: 'ok' })) },
    {
      id: 'flaky',
      model: 'm',
      aliases: ['chat'],
      adapter: new MockAdapter(() => (failing ? { error: { status: 503 } } : { text: 'ok' })),
    },
  ],
  strategy: 'round-robin',
  retry: { maxAttempts: 2, baseDelayMs: 1 },
  breaker: { failureThreshold: 5, cooldownMs: 1_500 },
});

const rules: AlertRule[] = [
  {
    name: 'target-errors',
    type: 'error_rate',
    severity: 'warning',
    windowMs: 1_000,
    threshold: 0.2,
    minCalls: 5,
    keepFiringForMs: 1_000,
  },
  { name: 'target-ejected', type: 'target_ejected', severity: 'critical', keepFiringForMs: 0 },
];

const alerts = new AlertManager({
  rules,
  sinks: { hook: webhookSink({ url, secret: SECRET }) },
  intervalMs: 250, // short periods for the example; the defaults are 10 s
  groupWindowMs: 250,
});
alerts.attach(router);
alerts.on('alert:firing', (a) => console.log(`manager: firing ${a.rule} ${JSON.stringify(a.labels)}`));
alerts.on('alert:resolved', (a) => console.log(`manager: resolved ${a.rule} ${JSON.stringify(a.labels)}`));
alerts.on('delivery:failure', (e) =>
  console.log(`manager: delivery to ${e.sink} failed: ${e.error.message}`),
);

const traffic = async (ms: number) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    await router
      .complete({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] })
      .catch(() => undefined);
    await new Promise((r) => setTimeout(r, 10));
  }
};

console.log('healthy traffic…');
await traffic(1_000);
console.log('flaky starts failing…');
failing = true;
await traffic(2_000);
console.log('flaky recovers…');
failing = false;
await traffic(3_000);
await alerts.flush();
await alerts.close();
await router.close();
server.close();
