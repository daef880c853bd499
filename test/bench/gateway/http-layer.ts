/**
 * Chooses the gateway's HTTP layer by measurement: the same chat-completions route (the same
 * OpenAI mapping, the same router with an instant mock upstream) served by bare `node:http` and
 * by hono on @hono/node-server, plus the gateway itself (node:http with everything it adds:
 * hints, limits, in-flight tracking, disconnect abort), loaded with autocannon, plain and streamed.
 * GATEWAY_BENCH_PROFILE=<layer> writes a CPU profile of that layer to /tmp/gateway-prof.
 *
 *   npx tsx test/bench/gateway/http-layer.ts [seconds=5] [connections=64] [rounds=2]
 *
 * Each layer runs in its own child process; autocannon runs in this one. The order alternates
 * between rounds.
 *
 * Loopback only; every run is bounded in time. Prints one line per layer and mode, with the
 * server process's CPU time per request (the steadier figure on a shared machine).
 */
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import autocannon from 'autocannon';
import { Hono } from 'hono';
import { Router } from '../../../index.js';
import {
  ChunkEncoder,
  chatCompletionToOpenAI,
  chatRequestFromOpenAI,
  createGateway,
} from '../../../modules/gateway/index.js';
import { MockAdapter } from '../../../src/testing/index.js';

const seconds = Number(process.argv[2] ?? 5);
const connections = Number(process.argv[3] ?? 64);

const WORDS = ['Hello', ' from', ' the', ' mock', ' upstream', '.'];

function makeRouter(): Router {
  return new Router({
    targets: [
      {
        id: 'mock',
        model: 'mock-model',
        aliases: ['fast'],
        adapter: new MockAdapter(() => ({ stream: WORDS }), { recordCalls: false }),
      },
    ],
  });
}

const body = (stream: boolean) =>
  JSON.stringify({ model: 'fast', messages: [{ role: 'user', content: 'Say hello' }], stream });

async function load(
  url: string,
  stream: boolean,
): Promise<{ rps: number; p50: number; p99: number; errors: number; total: number }> {
  const result = await autocannon({
    url: `${url}/v1/chat/completions`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body(stream),
    connections,
    duration: seconds,
  });
  const bad = result.errors + result.timeouts + result.non2xx;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: bad,
    total: result.requests.total,
  };
}

async function nodeHttp(): Promise<{ url: string; close: () => Promise<void> }> {
  const gateway = createGateway(makeRouter(), { port: 0 });
  const { url } = await gateway.start();
  return { url, close: () => gateway.stop() };
}

/** The hono route's work on bare node:http: the HTTP layer alone, without the gateway's extras. */
async function bareNode(): Promise<{ url: string; close: () => Promise<void> }> {
  const router = makeRouter();
  let n = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const chat = chatRequestFromOpenAI(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      const id = `chatcmpl-${++n}`;
      const request = { ...chat.request, signal: new AbortController().signal };
      if (!chat.stream) {
        const response = await router.complete(request);
        const text = JSON.stringify(chatCompletionToOpenAI(response, id, Math.floor(Date.now() / 1000)));
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.end(text);
        return;
      }
      const encoder = new ChunkEncoder({ id, created: 0, model: chat.request.model, includeUsage: false });
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
      for await (const event of router.stream(request)) {
        for (const chunk of encoder.encode(event)) res.write(`data: ${JSON.stringify(chunk)}\n\n`);
      }
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

async function hono(): Promise<{ url: string; close: () => Promise<void> }> {
  const router = makeRouter();
  const app = new Hono();
  let n = 0;
  app.post('/v1/chat/completions', async (c) => {
    const chat = chatRequestFromOpenAI(await c.req.json());
    const id = `chatcmpl-${++n}`;
    // The same router work as the gateway: every call carries an abort signal.
    const request = { ...chat.request, signal: new AbortController().signal };
    if (!chat.stream) {
      const response = await router.complete(request);
      return c.json(chatCompletionToOpenAI(response, id, Math.floor(Date.now() / 1000)));
    }
    const encoder = new ChunkEncoder({ id, created: 0, model: chat.request.model, includeUsage: false });
    const events = router.stream(request);
    const text = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        for await (const event of events) {
          for (const chunk of encoder.encode(event))
            controller.enqueue(text.encode(`data: ${JSON.stringify(chunk)}\n\n`));
        }
        controller.enqueue(text.encode('data: [DONE]\n\n'));
        controller.close();
      },
    });
    return new Response(body, { headers: { 'content-type': 'text/event-stream; charset=utf-8' } });
  });
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

type Layer = 'gateway' | 'node:http' | 'hono';
const LAYERS: Record<Layer, () => Promise<{ url: string; close: () => Promise<void> }>> = {
  gateway: nodeHttp,
  'node:http': bareNode,
  hono,
};

async function serveIn(layer: Layer): Promise<void> {
  const server = await LAYERS[layer]();
  process.send?.(server.url);
  process.on('message', (message) => {
    if (message === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send?.(user + system);
    } else {
      void server.close().then(() => process.exit(0));
    }
  });
}

/** Starts a layer in its own process (so the load generator does not share its event loop). */
function spawnLayer(layer: string): Promise<{ url: string; stop: () => void; cpu: () => Promise<number> }> {
  const execArgv = [
    '--import',
    'tsx',
    ...(process.env.GATEWAY_BENCH_PROFILE === layer
      ? ['--cpu-prof', '--cpu-prof-dir=/tmp/gateway-prof']
      : []),
  ];
  const child = fork(fileURLToPath(import.meta.url), ['serve', layer], { execArgv });
  return new Promise((resolve) => {
    child.once('message', (url) =>
      resolve({
        url: String(url),
        stop: () => child.send('stop'),
        // The server process's CPU time so far, in µs: CPU per request holds up under the
        // machine's other load far better than requests per second do.
        cpu: () =>
          new Promise<number>((done) => {
            child.once('message', (us) => done(Number(us)));
            child.send('cpu');
          }),
      }),
    );
  });
}

if (process.argv[2] === 'serve') {
  await serveIn(process.argv[3] as Layer);
} else {
  const rounds = Number(process.argv[4] ?? 2);
  for (let round = 1; round <= rounds; round++) {
    const names = Object.keys(LAYERS);
    const order = round % 2 === 1 ? names : [...names].reverse();
    for (const name of order) {
      const server = await spawnLayer(name);
      await load(server.url, false); // warm-up
      for (const stream of [false, true]) {
        const before = await server.cpu();
        const r = await load(server.url, stream);
        const cpuPerRequest = ((await server.cpu()) - before) / Math.max(1, r.total);
        console.log(
          `round ${round} ${name.padEnd(10)} ${stream ? 'stream' : 'plain '} ${Math.round(r.rps)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  server CPU ${cpuPerRequest.toFixed(0)} µs/req  errors ${r.errors}`,
        );
      }
      server.stop();
    }
  }
}
