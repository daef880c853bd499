/**
 * A request or router options that throw when read (a getter, a proxy trap) fail as the
 * caller's mistake: `invalid_request` for requests, `config` for options, naming the field that
 * could not be read, the message redacted and the cause sanitised; never as an upstream failure,
 * and never with anything but a SwitchyardError.
 */
import { describe, expect, it } from 'vitest';
import { isSwitchyardError, Router } from '../../index.js';
import { MockAdapter } from '../../src/testing/index.js';
import { validateRequest, validateRouterOptions } from '../../src/validation/validate.js';
import { refusalOf, rejectionOf } from '../helpers/calls.js';

const adapter = new MockAdapter(() => ({ text: 'ok' }));
const router = new Router({ targets: [{ id: 'a', adapter, model: 'm' }] });
const SECRET = 'sk-live0123456789abcdef';
const user = (content: any = 'hi') => ({ role: 'user' as const, content });
const throwing = (message = `boom with ${SECRET}`) => {
  throw new Error(message);
};
/** `base` with a getter `key` that throws. */
function withGetter(base: object, key: string, thrown: () => never = () => throwing()): object {
  return Object.defineProperty({ ...base }, key, { get: thrown, enumerable: true });
}

const refusal = (request: unknown) => refusalOf(router, adapter, request);

describe('a request that throws when read', () => {
  it.each([
    ['messages', withGetter({}, 'messages'), 'request.messages'],
    ['temperature', withGetter({ messages: [user()] }, 'temperature'), 'request.temperature'],
    ['a message role', { messages: [withGetter({ content: 'x' }, 'role')] }, 'request.messages[0].role'],
    [
      'a content part',
      { messages: [user([withGetter({ type: 'text' }, 'text')])] },
      'request.messages[0].content[0].text',
    ],
    [
      'a provider option',
      { messages: [user()], providerOptions: { openai: withGetter({}, 'x') } },
      'request.providerOptions.openai.x',
    ],
    [
      'a tool schema',
      {
        messages: [user()],
        tools: [{ type: 'function', name: 'f', inputSchema: withGetter({ type: 'object' }, 'properties') }],
      },
      'request.tools[0].inputSchema.properties',
    ],
  ])(
    '%s: invalid_request naming the field, the message redacted, the cause sanitised',
    async (_l, request, field) => {
      const error = await refusal(request);
      expect(isSwitchyardError(error)).toBe(true);
      expect(error.kind).toBe('invalid_request');
      expect(error.retryable).toBe(false);
      expect(error.message).toContain(`${field} could not be read: boom with [redacted]`);
      expect(error.message).not.toContain(SECRET);
      expect(error.cause).toBeInstanceOf(Error);
      expect((error.cause as Error).message).toBe('boom with [redacted]');
      expect((error.cause as Error).stack ?? '').not.toContain(SECRET);
    },
  );

  it('a proxy whose traps throw, a revoked proxy, a thrown non-Error', async () => {
    const trapThrows = new Proxy({ messages: [user()] }, { get: () => throwing('no access') });
    const { proxy: revoked, revoke } = Proxy.revocable({ messages: [user()] }, {});
    revoke();
    const stringThrown = withGetter({}, 'messages', () => {
      throw 'plain string';
    });
    const badToString = withGetter({}, 'messages', () => {
      throw {
        toString() {
          throw new Error('nope');
        },
      };
    });
    for (const [request, text] of [
      // The first field read is named (the router reads `signal` before validating).
      [trapThrows, 'could not be read: no access'],
      [revoked, 'could not be read:'],
      [stringThrown, 'request.messages could not be read: plain string'],
      [badToString, 'request.messages could not be read:'],
    ] as const) {
      const error = await refusal(request);
      expect(error.kind).toBe('invalid_request');
      expect(error.message).toContain(text);
    }
  });

  it('a stream rejects with invalid_request as well', async () => {
    const stream = router.stream(withGetter({ messages: [user()] }, 'maxOutputTokens') as never);
    const error = await rejectionOf(stream.response);
    expect(error.kind).toBe('invalid_request');
    expect(error.message).toContain('request.maxOutputTokens could not be read');
  });

  it('validateRequest throws nothing but a SwitchyardError', () => {
    const getterEverywhere = (depth: number): unknown =>
      depth === 0
        ? withGetter({}, 'x')
        : new Proxy(
            {},
            {
              get: () => getterEverywhere(depth - 1),
              ownKeys: () => ['messages', 'metadata'],
              getOwnPropertyDescriptor: () => ({ enumerable: true, configurable: true }),
            },
          );
    const inputs = [
      withGetter({}, 'messages', () => {
        throw new RangeError('x');
      }),
      getterEverywhere(1),
      getterEverywhere(3),
      getterEverywhere(6),
      new Proxy({}, { getPrototypeOf: () => throwing() }),
      { messages: [user(new Proxy([], { get: () => throwing() }))] },
      { messages: [user()], signal: new Proxy({}, { getPrototypeOf: () => throwing() }) },
    ];
    for (const input of inputs) {
      let thrown: unknown;
      try {
        validateRequest(input);
      } catch (error) {
        thrown = error;
      }
      expect(isSwitchyardError(thrown), String(thrown)).toBe(true);
      expect((thrown as { kind: string }).kind).toBe('invalid_request');
    }
  });
});

describe('router options that throw when read', () => {
  it('config naming the option, redacted, the cause sanitised', () => {
    const target = withGetter({ id: 'a', model: 'm' }, 'adapter');
    for (const [options, field] of [
      [withGetter({}, 'targets'), 'options.targets'],
      [{ targets: [target] }, 'options.targets[0].adapter'],
      [
        { targets: [{ id: 'a', adapter, model: 'm' }], retry: withGetter({}, 'maxAttempts') },
        'options.retry.maxAttempts',
      ],
    ] as const) {
      let thrown: any;
      try {
        validateRouterOptions(options);
      } catch (error) {
        thrown = error;
      }
      expect(isSwitchyardError(thrown)).toBe(true);
      expect(thrown.kind).toBe('config');
      expect(thrown.message).toContain(`${field} could not be read: boom with [redacted]`);
      expect(thrown.cause.message).not.toContain(SECRET);
      expect(() => new Router(options as never)).toThrow(/could not be read/);
    }
  });
});
