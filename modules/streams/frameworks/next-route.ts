/**
 * The Next.js recipe of docs/frameworks.md: an App Router route handler
 * (`app/api/chat/route.ts`), as a module of its own. `router` would be a module-level Router of the app; the test
 * injects its own (`setRouter`).
 */
import type { Router } from '../../../index.js';
import { toSSEResponse } from '../index.js';

let router: Router | undefined;

/** Test seam: the router the route answers with (an app would import its own). */
export function setRouter(r: Router): void {
  router = r;
}

/** POST /api/chat: `{ message, format? }` in, server-sent events out. */
export async function POST(req: Request): Promise<Response> {
  if (router === undefined) return Response.json({ error: { message: 'no router' } }, { status: 500 });
  const body = (await req.json()) as { message: string; format?: 'openai' | 'ui-message' };
  const stream = router.stream({ model: 'chat', messages: [{ role: 'user', content: body.message }] });
  return toSSEResponse(
    stream,
    body.format === 'ui-message'
      ? { format: 'ui-message', signal: req.signal }
      : { model: 'chat', signal: req.signal },
  );
}
