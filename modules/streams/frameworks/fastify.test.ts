/**
 * The Fastify recipe of docs/frameworks.md (fastify 5), on a loopback port, read with fetch.
 */
import Fastify from 'fastify';
import { describe } from 'vitest';
import type { Router } from '../../../index.js';
import { pipeToNodeResponse } from '../index.js';
import { type ChatBody, chatRequest, frameworkChecks, type RunningServer } from './harness.js';

async function startFastify(router: Router): Promise<RunningServer> {
  const app = Fastify({ logger: false, forceCloseConnections: true });
  // The recipe: take the response over from Fastify (hijack), then pipe into reply.raw.
  app.post('/chat', async (request, reply) => {
    const body = request.body as ChatBody;
    reply.hijack();
    await pipeToNodeResponse(
      router.stream(chatRequest(body)),
      reply.raw,
      body.format === 'ui-message' ? { format: 'ui-message' } : { model: 'chat' },
    );
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url, close: () => app.close() };
}

describe('Fastify 5: pipeToNodeResponse over reply.raw', () => {
  frameworkChecks(startFastify);
});
