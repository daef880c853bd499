/** A lab worker thread: runs the jobs the main thread sends, one at a time, and posts summaries back. */
import { parentPort } from 'node:worker_threads';
import { type Job, runJob } from './job.js';

const port = parentPort;
if (port === null) throw new Error('worker.ts must run in a worker thread');
port.on('message', (job: Job | null) => {
  if (job === null) {
    port.close();
    return;
  }
  runJob(job).then(
    (summary) => port.postMessage({ summary }),
    (error: unknown) =>
      port.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
