/**
 * Child-process entry of `npm run loadtest`: `servers.ts mock`, `servers.ts gateway <upstream origin>`
 * (`… gateway <origin> sdk`: the adapter on the SDK's request path) or `servers.ts bare <upstream origin>`
 * (the bare pass-through proxy, the floor).
 * Sends `{ origin }` over IPC once listening, then answers IPC probes:
 * `'heap'` → the V8 heap in use after a full GC (`--expose-gc`), and the RSS, in bytes;
 * `'heap-raw'` → the same without the GC (a forced full GC stalls the server for tens of ms);
 * `'cpu'` → the process's CPU time so far in µs. SIGTERM closes the server and exits.
 */
import { getHeapStatistics } from 'node:v8';
import { startBareProxy } from './bare-proxy.js';
import { startMockUpstream } from './mock-upstream.js';
import { startGatewayStack } from './stack.js';

const [kind, upstream, variant] = process.argv.slice(2);
const started =
  kind === 'mock'
    ? await startMockUpstream()
    : kind === 'gateway' && upstream
      ? await startGatewayStack(upstream, 0, variant === 'sdk')
      : kind === 'bare' && upstream
        ? await startBareProxy(upstream)
        : undefined;
if (started === undefined) {
  console.error('usage: servers.ts mock | servers.ts gateway|bare <upstream origin>');
  process.exit(2);
}
const server = started;

type Probe = 'heap' | 'heap-raw' | 'cpu';
process.on('message', (message: Probe) => {
  if (message === 'heap' || message === 'heap-raw') {
    const gc = message === 'heap' ? (globalThis as { gc?: () => void }).gc : undefined;
    gc?.();
    process.send?.({
      heapUsed: getHeapStatistics().used_heap_size,
      rss: process.memoryUsage.rss(),
      afterGc: gc !== undefined,
    });
  } else if (message === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send?.({ cpuMicros: user + system });
  }
});
process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
process.send?.({ origin: server.origin });
