/**
 * Streaming: text deltas as they arrive, the final response, a fallback before the first token,
 * and a stream that breaks after content was sent. No API keys, no network.
 *
 * Run: npx tsx examples/streaming.ts
 */
import { isSwitchyardError, Router } from 'switchyard-llm';
import { MockAdapter } from 'switchyard-llm/testing';

const write = (text: string) => process.stdout.write(text);
const messages = [{ role: 'user' as const, content: 'Tell me about rail yards.' }];

async function main(): Promise<void> {
  // 1. A plain stream: iterate the events, then read the assembled response.
  {
    const adapter = new MockAdapter(() => ({
      stream: ['A switchyard ', 'sorts cars ', 'onto trains.'],
      chunkDelayMs: 30,
    }));
    const router = new Router({ targets: [{ id: 'solo', adapter, model: 'm' }] });

    const stream = router.stream({ messages });
    write('1. deltas: ');
    for await (const event of stream) {
      if (event.type === 'text-delta') write(`[${event.delta}]`);
    }
    const res = await stream.response; // the same response as the `finish` event carries
    console.log(
      `\n   response: ${JSON.stringify(res.text)} from ${res.target}, ${res.usage.outputTokens} output tokens`,
    );
  }

  // 2. The first target fails before sending any content: the router falls back, and the
  //    consumer only ever sees the second target's tokens.
  {
    const down = new MockAdapter(() => ({ error: { status: 503 }, delayMs: 20 }));
    const up = new MockAdapter(() => ({ stream: ['Fallback ', 'worked.'], chunkDelayMs: 20 }));
    const router = new Router({
      targets: [
        { id: 'down', adapter: down, model: 'm' },
        { id: 'up', adapter: up, model: 'm' },
      ],
      strategy: 'priority', // always try `down` first
    });

    const stream = router.stream({ messages });
    write('2. text: ');
    for await (const text of stream.textStream) write(text); // text deltas only
    const res = await stream.response;
    const path = res.attempts.map((a) => `${a.target} ${a.outcome === 'success' ? 'ok' : a.errorKind}`);
    console.log(`\n   attempts: ${path.join(' → ')}`);
  }

  // 3. The stream breaks after content was sent: the router never restarts it elsewhere (that
  //    would repeat text); the call fails with `stream_interrupted` and the text so far.
  {
    const breaks = new MockAdapter(() => ({
      stream: ['This answer ', 'gets cut ', 'off'],
      chunkDelayMs: 20,
      error: { kind: 'connection', message: 'socket hang up' },
    }));
    const spare = new MockAdapter(() => ({ text: 'never used' }));
    const router = new Router({
      targets: [
        { id: 'breaks', adapter: breaks, model: 'm' },
        { id: 'spare', adapter: spare, model: 'm' },
      ],
      strategy: 'priority',
    });

    const stream = router.stream({ messages });
    write('3. text: ');
    try {
      for await (const text of stream.textStream) write(text);
    } catch (error) {
      if (!isSwitchyardError(error) || error.kind !== 'stream_interrupted') throw error;
      console.log(
        `\n   ${error.kind} on ${error.target}: partialText = ${JSON.stringify(error.partialText)}`,
      );
      console.log(`   spare was called ${spare.callCount} times`);
    }
  }

  // 4. Leaving the loop early cancels the call (the adapter's request is aborted).
  {
    const adapter = new MockAdapter(() => ({ stream: ['one ', 'two ', 'three'], chunkDelayMs: 20 }));
    const router = new Router({ targets: [{ id: 'solo', adapter, model: 'm' }] });
    const stream = router.stream({ messages });
    for await (const text of stream.textStream) {
      console.log(`4. got ${JSON.stringify(text)}, stopping`);
      break;
    }
    const outcome = await stream.response.then(
      () => 'resolved',
      (e: unknown) => (isSwitchyardError(e) ? e.kind : String(e)),
    );
    console.log(`   response: ${outcome}; upstream call ended as: ${adapter.calls[0]?.result}`);
  }
}

await main();
