/**
 * The Next.js recipe of docs/frameworks.md: the route handler module (`next-route.ts`, a Next
 * App Router `POST(req: Request): Promise<Response>`) served by a standards server
 * (@hono/node-server hands it a web Request and streams its Response, as Next's Node runtime
 * does), read with fetch. Real `next` is not run here: see docs/frameworks.md for why.
 */
import { describe } from 'vitest';
import type { Router } from '../../../index.js';
import { frameworkChecks, listen, type RunningServer } from './harness.js';
import { POST, setRouter } from './next-route.js';

async function startNextRoute(router: Router): Promise<RunningServer> {
  setRouter(router);
  return listen((request) =>
    new URL(request.url).pathname === '/chat' && request.method === 'POST'
      ? POST(request)
      : new Response('not found', { status: 404 }),
  );
}

describe('Next.js route handler: toSSEResponse', () => {
  frameworkChecks(startNextRoute);
});
