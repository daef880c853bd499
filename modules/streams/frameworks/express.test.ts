/**
 * The Express recipe of docs/frameworks.md (express 5), on a loopback port, read with fetch.
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe } from 'vitest';
import type { Router } from '../../../index.js';
import { pipeToNodeResponse } from '../index.js';
import { type ChatBody, chatRequest, frameworkChecks, type RunningServer } from './harness.js';

async function startExpress(router: Router): Promise<RunningServer> {
  const app = express();
  app.use(express.json());
  // The recipe: the router stream piped into Express's response.
  app.post('/chat', async (req, res) => {
    const body = req.body as ChatBody;
    const stream = router.stream(chatRequest(body));
    await pipeToNodeResponse(
      stream,
      res,
      body.format === 'ui-message' ? { format: 'ui-message' } : { model: 'chat' },
    );
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

describe('Express 5: pipeToNodeResponse', () => {
  frameworkChecks(startExpress);
});
