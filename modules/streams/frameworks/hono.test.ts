/**
 * The Hono recipe of docs/frameworks.md (hono 4 on @hono/node-server), on a loopback port, read
 * with fetch.
 */
import { Hono } from 'hono';
import { describe } from 'vitest';
import type { Router } from '../../../index.js';
import { toSSEResponse } from '../index.js';
import { type ChatBody, chatRequest, frameworkChecks, listen, type RunningServer } from './harness.js';

async function startHono(router: Router): Promise<RunningServer> {
  const app = new Hono();
  // The recipe: return the Response; the request's signal cancels the call when the client leaves.
  app.post('/chat', async (c) => {
    const body = await c.req.json<ChatBody>();
    const signal = c.req.raw.signal;
    return toSSEResponse(
      router.stream(chatRequest(body)),
      body.format === 'ui-message' ? { format: 'ui-message', signal } : { model: 'chat', signal },
    );
  });
  return listen(app.fetch);
}

describe('Hono: toSSEResponse', () => {
  frameworkChecks(startHono);
});
