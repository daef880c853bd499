/** A worker thread of the ML comparison: runs the jobs the main thread sends, one at a time. */
import { parentPort } from 'node:worker_threads';
import '../../../index.js'; // registers the built-in strategies
import { type PredictJob, runPredict } from './predict.js';
import { type RouteJob, runRoute } from './route.js';
import { selectFamilies } from './setup.js';

const port = parentPort;
if (port === null) throw new Error('worker.ts must run in a worker thread');
port.on('message', (job: ((PredictJob | RouteJob) & { families?: readonly string[] }) | null) => {
  if (job === null) {
    port.close();
    return;
  }
  if (job.families !== undefined) selectFamilies(job.families);
  const work = job.kind === 'predict' ? runPredict(job) : runRoute(job);
  work.then(
    (summary) => port.postMessage({ summary }),
    (error: unknown) =>
      port.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
