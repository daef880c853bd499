/**
 * Streams for web frameworks: answer router streams as server-sent events from a node:http
 * server (`pipeToNodeResponse`, as in Express and Fastify) and as a web `Response`
 * (`toSSEResponse`, as in Hono, Next.js route handlers, Bun and Deno). Shows the OpenAI chunk
 * format read by the official `openai` SDK, the AI SDK UI message stream, a failure before and
 * after content, and a client that leaves. Mock upstream: no keys, no network beyond 127.0.0.1.
 *
 * Run: npx tsx examples/streams.ts
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { Router } from 'switchyard-llm';
import { pipeToNodeResponse, toSSEResponse } from 'switchyard-llm/streams';
import { MockAdapter } from 'switchyard-llm/testing';

const adapter = new MockAdapter((request) => {
  const last = request.messages.at(-1);
  switch (typeof last?.content === 'string' ? last.content : '') {
    case 'broken':
      return { stream: ['Half an ', 'answer'], error: { status: 500, message: 'upstream broke' } };
    case 'limited':
      return { error: { status: 429, retryAfterMs: 2_000 } };
    case 'long':
      return { stream: Array.from({ length: 100 }, (_, i) => `word${i} `), chunkDelayMs: 20 };
    default:
      return { stream: ['Hello', ' from', ' the', ' router.'] };
  }
});
const router = new Router({
  targets: [{ id: 'mock', model: 'mock-model', aliases: ['chat'], adapter }],
  retry: { maxAttempts: 1 },
});

async function main(): Promise<void> {
  // 1. node:http (Express's `res` and Fastify's `reply.raw` are the same object) with OpenAI chunks,
  //    at the path OpenAI clients call.
  const server = createServer(async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const body = JSON.parse(raw) as { model: string; messages: Array<{ role: 'user'; content: string }> };
    await pipeToNodeResponse(router.stream({ model: body.model, messages: body.messages }), res, {
      model: body.model,
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const openai = new OpenAI({ baseURL: url, apiKey: 'unused', maxRetries: 0 });
  const chunks = await openai.chat.completions.create({
    model: 'chat',
    messages: [{ role: 'user', content: 'hello' }],
    stream: true,
  });
  let text = '';
  for await (const chunk of chunks) text += chunk.choices[0]?.delta.content ?? '';
  console.log(`openai SDK over pipeToNodeResponse: "${text}"`);

  // A failure after content: the status is already 200, so it arrives as a last error event.
  const broken = await openai.chat.completions.create({
    model: 'chat',
    messages: [{ role: 'user', content: 'broken' }],
    stream: true,
  });
  let partial = '';
  try {
    for await (const chunk of broken) partial += chunk.choices[0]?.delta.content ?? '';
  } catch (error) {
    console.log(`broken upstream: got "${partial}", then the SDK raised: ${(error as Error).message}`);
  }

  const limited = await fetch(`${url}/chat/completions`, {
    method: 'POST',
    body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'limited' }] }),
  });
  const limitedBody = (await limited.json()) as { error: { code: string } };
  console.log(
    `failure before content: HTTP ${limited.status}, retry-after ${limited.headers.get('retry-after')}, ${limitedBody.error.code}`,
  );

  const leaving = new AbortController();
  const long = await fetch(`${url}/chat/completions`, {
    method: 'POST',
    body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'long' }] }),
    signal: leaving.signal,
  });
  await long.body?.getReader().read(); // the first event, then the client leaves
  leaving.abort();
  const call = adapter.calls.at(-1)!;
  while (call.result === undefined) await new Promise((r) => setTimeout(r, 10));
  console.log(`client left after the first event: upstream call ${call.result}`);
  server.closeAllConnections();
  await new Promise((r) => server.close(r));

  // 2. A web Response with the AI SDK UI message stream (what a Next.js route handler returns).
  const response = await toSSEResponse(
    router.stream({ model: 'chat', messages: [{ role: 'user', content: 'hello' }] }),
    { format: 'ui-message', messageMetadata: (r) => ({ target: r.target }) },
  );
  const parts = (await response.text())
    .split('\n\n')
    .filter((frame) => frame.startsWith('data: '))
    .map((frame) => frame.slice(6));
  const types = parts.map((p) => (p === '[DONE]' ? p : (JSON.parse(p) as { type: string }).type));
  console.log(
    `UI message stream (${response.headers.get('x-vercel-ai-ui-message-stream')}): ${types.join(', ')}`,
  );
  console.log(`finish part: ${parts.at(-2)}`);
  await router.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
