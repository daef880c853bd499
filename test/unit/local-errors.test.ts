import { describe, expect, it } from 'vitest';
import {
  checkRequestBody,
  findUnserializable,
  mapRequest,
  requestMappingError,
  responseMappingError,
  serializeRequestBody,
} from '../../modules/adapter-kit/index.js';
import { SwitchyardError } from '../../src/index.js';

const context = { target: 't', adapter: 'the test adapter' };

describe('findUnserializable', () => {
  it('finds what JSON.stringify cannot take, with its path', () => {
    const circular: Record<string, unknown> = {};
    circular.again = [1, { back: circular }];
    const getterInArray: unknown[] = [1];
    Object.defineProperty(getterInArray, '0', {
      get: () => {
        throw new TypeError('no');
      },
      enumerable: true,
    });
    const proxy = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('no keys');
        },
      },
    );
    expect(findUnserializable({ a: [1, { 'b-c': 2n }] })).toEqual({
      path: 'a[1]["b-c"]',
      problem: 'is a BigInt, which JSON cannot represent',
    });
    expect(findUnserializable({ x: circular })).toEqual({
      path: 'x.again[1].back',
      problem: 'is a circular reference',
    });
    expect(findUnserializable({ list: getterInArray })).toEqual({
      path: 'list[0]',
      problem: 'threw TypeError when read',
    });
    expect(findUnserializable({ p: proxy })).toEqual({
      path: 'p',
      problem: 'threw Error when its fields were listed',
    });
    expect(findUnserializable({ j: { toJSON: () => 1n } })?.path).toBe('j');
    expect(findUnserializable(5n)).toEqual({ path: '', problem: 'is a BigInt, which JSON cannot represent' });
  });

  it('accepts what JSON.stringify accepts: bytes, maps, functions, undefined, deep nesting, shared objects', () => {
    const shared = { s: 1 };
    let deep: unknown = { leaf: true };
    for (let i = 0; i < 500; i++) deep = { deep };
    const value = {
      bytes: new Uint8Array(3),
      map: new Map([[1, 2]]),
      f: () => 1,
      u: undefined,
      date: new Date(0),
      a: shared,
      b: shared,
      deep,
    };
    expect(() => JSON.stringify(value)).not.toThrow();
    expect(findUnserializable(value)).toBeUndefined();
    let deepBad: unknown = { n: 1n };
    for (let i = 0; i < 500; i++) deepBad = { deepBad };
    expect(findUnserializable(deepBad)?.problem).toMatch(/nested 100 levels deep and threw TypeError/);
  });
});

describe('local error helpers', () => {
  it('checkRequestBody and serializeRequestBody: invalid_request naming the field', () => {
    expect(() => checkRequestBody({ ok: 'yes' }, context)).not.toThrow();
    expect(serializeRequestBody({ ok: 'yes' }, context)).toBe('{"ok":"yes"}');
    for (const call of [checkRequestBody, serializeRequestBody]) {
      let error: unknown;
      try {
        call({ metadata: { n: 1n } }, context);
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ kind: 'invalid_request', retryable: false, target: 't' });
      expect((error as Error).message).toContain("request body field 'metadata.n' is a BigInt");
    }
    expect(() => serializeRequestBody(undefined, context)).toThrow(/built no JSON request body/);
  });

  it('requestMappingError and responseMappingError keep SwitchyardErrors and stamp the target', () => {
    const own = new SwitchyardError('invalid_request', 'messages[0]: no files here');
    expect(requestMappingError(own, {}, context)).toMatchObject({ kind: 'invalid_request', target: 't' });
    const malformed = new SwitchyardError('server', 'malformed', { target: 'other' });
    expect(responseMappingError(malformed, context)).toBe(malformed);
    const bug = responseMappingError(new TypeError('x is undefined'), context);
    expect(bug).toMatchObject({ kind: 'config', retryable: false, target: 't' });
    expect(bug.message).toBe(
      "config: bug in the test adapter: mapping the response of target 't' threw TypeError: x is undefined (please report it)",
    );
    const unnamed = requestMappingError(new RangeError('odd'), { fine: true }, context);
    expect(unnamed.message).toContain('could not map the request: RangeError: odd');
  });

  it('mapRequest: the mapping, an exception of it as requestMappingError, a body checked to serialise', () => {
    const mapped = { body: { model: 'm' }, warnings: ['w'] };
    expect(mapRequest(() => mapped, { fine: true }, context)).toBe(mapped);
    const thrown = (() => {
      try {
        mapRequest(
          () => {
            throw new RangeError('odd');
          },
          { fine: true },
          context,
        );
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toMatchObject({ kind: 'invalid_request', retryable: false, target: 't' });
    expect((thrown as Error).message).toContain(
      'the test adapter could not map the request: RangeError: odd',
    );
    expect(() => mapRequest((r: { n: bigint }) => ({ body: { n: r.n } }), { n: 1n }, context)).toThrow(
      "request body field 'n' is a BigInt",
    );
  });
});
