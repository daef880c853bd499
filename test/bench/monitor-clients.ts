/**
 * A child process of the monitor bench: opens N WebSocket clients on the monitor at `url` (argv:
 * url token n), prints `ready` once all are open, and counts what they receive until stdin
 * closes; then prints the count and exits. Kept out of the measured process, as browsers are.
 */
import WebSocket from 'ws';

const [url, token, n] = process.argv.slice(2) as [string, string, string];
const sockets: WebSocket[] = [];
let messages = 0;
await Promise.all(
  Array.from(
    { length: Number(n) },
    () =>
      new Promise<void>((resolve, reject) => {
        const ws = new WebSocket(url, ['switchyard-monitor', `token.${token}`]);
        sockets.push(ws);
        ws.on('message', () => messages++);
        ws.once('open', () => resolve());
        ws.once('error', reject);
      }),
  ),
);
console.log('ready');
process.stdin.resume();
process.stdin.on('end', () => {
  console.log(`messages ${messages}`);
  for (const ws of sockets) ws.terminate();
  process.exit(0);
});
