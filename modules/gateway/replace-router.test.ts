import { afterEach, describe, expect, it } from 'vitest';
import { type Adapter, Router, SwitchyardError } from '../../index.js';
import { MockAdapter } from '../../src/testing/index.js';
import { createGateway, type Gateway } from './gateway.js';
import { postChat, send } from './test-helpers.js';

/** A mock adapter whose calls wait until `release()`; `started` resolves when the first call arrives. */
function heldAdapter(text: string): { adapter: MockAdapter; started: Promise<void>; release: () => void } {
  let release!: () => void;
  let onStart!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const started = new Promise<void>((resolve) => (onStart = resolve));
  const adapter = new MockAdapter(async () => {
    onStart();
    await released;
    return { text };
  });
  return { adapter, started, release };
}

let gateway: Gateway | undefined;
const routers: Router[] = [];
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
  await Promise.all(routers.splice(0).map((r) => r.close()));
});

function router(id: string, adapter: Adapter, aliases: string[]): Router {
  const r = new Router({
    targets: [{ id, adapter, model: `${id}-model`, aliases }],
    retry: { maxAttempts: 1 },
  });
  routers.push(r);
  return r;
}

describe('replaceRouter', () => {
  it('serves new requests from the new router while a call in flight finishes on the old one', async () => {
    const held = heldAdapter('from old');
    gateway = createGateway(router('old', held.adapter, ['chat', 'legacy']), { port: 0 });
    const { port } = await gateway.start();

    const inFlight = postChat(port, { model: 'chat' });
    await held.started;
    expect(gateway.inFlight).toBe(1);

    let drained = false;
    const replaced = gateway
      .replaceRouter(router('new', new MockAdapter([{ text: 'from new' }]), ['chat', 'fresh']))
      .then(() => (drained = true));

    const models = (await send(port, 'GET', '/v1/models')).json() as { data: Array<{ id: string }> };
    expect(models.data.map((m) => m.id)).toEqual(['chat', 'fresh', 'new-model']);
    const fresh = await postChat(port, { model: 'chat' });
    expect(fresh.status).toBe(200);
    expect(
      (fresh.json() as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content,
    ).toBe('from new');
    expect((await postChat(port, { model: 'legacy' })).status).toBe(404);
    expect(drained).toBe(false);

    held.release();
    const old = await inFlight;
    expect(old.status).toBe(200);
    expect(
      (old.json() as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content,
    ).toBe('from old');
    await replaced;
    expect(drained).toBe(true);
  });

  it('resolves at once when nothing is in flight, and refuses what is not a Router', async () => {
    gateway = createGateway(router('a', new MockAdapter([{ text: 'a' }]), ['chat']), { port: 0 });
    await expect(
      gateway.replaceRouter(router('b', new MockAdapter([{ text: 'b' }]), ['chat'])),
    ).resolves.toBe(undefined);
    expect(() => gateway!.replaceRouter({} as Router)).toThrow(SwitchyardError);
  });
});
