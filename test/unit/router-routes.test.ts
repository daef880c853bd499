import { describe, expect, it } from 'vitest';
import { type RouteEvent, Router, type RouterOptions } from '../../index.js';
import { MockAdapter, VirtualClock } from '../../src/testing/index.js';
import { ask, constructionError, rejectionOf } from '../helpers/calls.js';

const echo = (id: string) => new MockAdapter(() => ({ text: id }));

function routed(routes: RouterOptions['routes']) {
  const clock = new VirtualClock();
  const router = new Router({
    targets: [
      { id: 'eu-1', adapter: echo('eu-1'), model: 'gpt', aliases: ['chat'] },
      { id: 'eu-2', adapter: echo('eu-2'), model: 'gpt', aliases: ['chat'] },
      { id: 'us', adapter: echo('us'), model: 'gpt', aliases: ['chat'] },
      { id: 'long', adapter: echo('long'), model: 'gemini', aliases: ['chat'] },
    ],
    strategy: 'priority',
    clock,
    routes,
  });
  const routes_: RouteEvent[] = [];
  router.on('route', (e) => routes_.push(e));
  const targetOf = async (request: Parameters<Router['complete']>[0]) =>
    (await clock.run(router.complete(request))).target;
  return { router, clock, routes: routes_, targetOf };
}

describe('conditional routes', () => {
  it('narrows the candidates of matching calls; the first matching rule wins', async () => {
    const { targetOf, routes } = routed([
      { name: 'long-prompts', when: { minInputTokens: 1000 }, targets: ['long'] },
      { name: 'team-eu', when: { tags: ['eu', 'gdpr'] }, targets: ['eu-2', 'eu-1'] },
      { name: 'never', when: { tags: ['eu'] }, targets: ['us'] },
    ]);
    expect(await targetOf(ask('hi', { tags: ['gdpr'] }))).toBe('eu-1'); // priority among the rule's targets
    expect(routes.at(-1)).toMatchObject({
      rule: 'team-eu',
      candidates: [{ target: 'eu-1' }, { target: 'eu-2' }],
    });
    expect(await targetOf(ask('x'.repeat(4000), { tags: ['eu'] }))).toBe('long');
    expect(routes.at(-1)?.rule).toBe('long-prompts');
    expect(await targetOf(ask('hi'))).toBe('eu-1'); // no rule: every target, the router's strategy
    expect(routes.at(-1)?.rule).toBeUndefined();
    expect(routes.at(-1)?.candidates).toHaveLength(4);
  });

  it('matches on model, user, key, metadata, tools, images and stream', async () => {
    const { targetOf, router, clock } = routed([
      { name: 'vip', when: { user: ['u-vip'], model: ['chat'] }, targets: ['us'] },
      { name: 'key', when: { key: ['k1'] }, targets: ['eu-2'] },
      { name: 'meta', when: { metadata: { tier: 'gold', beta: true } }, targets: ['long'] },
      { name: 'tools', when: { hasTools: true }, targets: ['eu-2'] },
      { name: 'images', when: { hasImages: true }, targets: ['us'] },
      { name: 'streams', when: { stream: true }, targets: ['long'] },
    ]);
    expect(await targetOf(ask('hi', { model: 'chat', metadata: { user: 'u-vip' } }))).toBe('us');
    expect(await targetOf(ask('hi', { metadata: { user: 'u-vip' } }))).toBe('eu-1'); // no model: 'vip' needs chat
    expect(await targetOf(ask('hi', { metadata: { key: 'k1' } }))).toBe('eu-2');
    expect(await targetOf(ask('hi', { metadata: { tier: 'gold', beta: true } }))).toBe('long');
    expect(await targetOf(ask('hi', { metadata: { tier: 'gold' } }))).toBe('eu-1');
    const tool = { type: 'function', name: 'f', description: 'd', inputSchema: { type: 'object' } } as const;
    expect(await targetOf(ask('hi', { tools: [tool] }))).toBe('eu-2');
    const image = {
      role: 'user' as const,
      content: [
        { type: 'text' as const, text: 'what is this' },
        { type: 'file' as const, mediaType: 'image/png', data: 'iVBORw0KGgo=' },
      ],
    };
    expect(await targetOf({ messages: [image] })).toBe('us');
    expect((await clock.run(router.stream(ask('hi')).response)).target).toBe('long');
  });

  it("sets the strategy of matching calls; a request's own strategy still wins", async () => {
    const { targetOf, routes } = routed([
      { name: 'spread', when: { tags: ['batch'] }, strategy: 'round-robin' },
    ]);
    await targetOf(ask('a', { tags: ['batch'] }));
    expect(routes.at(-1)).toMatchObject({ rule: 'spread', strategy: 'round-robin' });
    await targetOf(ask('a', { tags: ['batch'], strategy: 'priority' }));
    expect(routes.at(-1)).toMatchObject({ rule: 'spread', strategy: 'priority' });
  });

  it('fails with no_target naming the rule when it leaves no candidate for the alias', async () => {
    const clock = new VirtualClock();
    const router = new Router({
      targets: [
        { id: 'a', adapter: echo('a'), model: 'm1' },
        { id: 'b', adapter: echo('b'), model: 'm2' },
      ],
      routes: [{ name: 'only-b', when: { tags: ['x'] }, targets: ['b'] }],
      clock,
    });
    const error = await rejectionOf(clock.run(router.complete(ask('hi', { model: 'm1', tags: ['x'] }))));
    expect(error.kind).toBe('no_target');
    expect(error.message).toContain("route 'only-b' matched, but none of its targets serves model 'm1'");
  });

  it('refuses invalid routes at construction, naming the field', () => {
    const targets = [{ id: 'a', adapter: echo('a'), model: 'm' }];
    const message = (routes: unknown) => constructionError({ targets, routes }).message as string;
    expect(message([{ when: { tags: ['x'] }, targets: ['nope'] }])).toContain(
      "routes[0].targets: no target has id 'nope'",
    );
    expect(message([{ when: {}, strategy: 'fastest-ever' }])).toContain(
      "routes[0].strategy: unknown strategy 'fastest-ever'; registered: ",
    );
    expect(message([{ when: { tag: ['x'] }, targets: ['a'] }])).toContain(
      "routes[0].when: unknown option 'tag' (did you mean 'tags'?)",
    );
    expect(message([{ when: { tags: ['x'] } }])).toContain(
      'a route needs `targets`, `strategy`, `hedge` or a combination',
    );
    expect(message([{ when: { hasTools: 'yes' }, targets: ['a'] }])).toContain(
      'routes[0].when.hasTools: expected a boolean',
    );
    expect(message([{ when: { tags: [] }, targets: ['a'] }])).toContain(
      'routes[0].when.tags: expected a non-empty array',
    );
    expect(constructionError({ targets, routes: [{ when: {}, targets: ['nope'] }] }).kind).toBe('config');
  });
});
