import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../index.js';
import { CheckContext } from '../../src/validation/context.js';
import { isPlainValidRequest } from '../../src/validation/fast-path.js';
import { checkRequest } from '../../src/validation/request.js';

/** Whether the full check accepts `request`. */
function fullAccepts(request: unknown): boolean {
  const c = new CheckContext();
  checkRequest(c, request);
  return c.issues.length === 0;
}

const circular: Record<string, unknown> = { a: 1 };
circular.self = circular;
const shared = { x: 1 };

// Values that are valid for some fields and invalid for others.
const VALUES: unknown[] = [
  undefined,
  null,
  0,
  1,
  -1,
  0.5,
  2,
  1.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  '',
  'x',
  true,
  [],
  ['a'],
  [1],
  {},
  { a: 1 },
  { a: { b: [1, 'x', null] } },
  { a: shared, b: shared },
  { big: 1n },
  { f: () => 1 },
  { s: Symbol('s') },
  { nested: { deep: [2n] } },
  circular,
  new Map(),
  new AbortController().signal,
  [{ role: 'user', content: 'x' }],
];
const KEYS = [
  'maxOutputTokens',
  'temperature',
  'topP',
  'topK',
  'presencePenalty',
  'frequencyPenalty',
  'seed',
  'timeoutMs',
  'model',
  'strategy',
  'signal',
  'tags',
  'stopSequences',
  'metadata',
  'tools',
  'providerOptions',
  'unknownKey',
];
const MESSAGES: unknown[] = [
  [{ role: 'user', content: 'hi' }],
  [
    { role: 'system', content: 's' },
    { role: 'assistant', content: 'a' },
  ],
  [
    { role: 'system', content: 's' },
    { role: 'user', content: 'u' },
  ],
  [{ role: 'system', content: 's' }],
  [
    { role: 'system', content: 's' },
    { role: 'assistant', content: '' },
  ],
  [{ role: 'user', content: '' }],
  [{ role: 'user', content: [] }],
  [
    { role: 'user', content: 'u' },
    { role: 'system', content: '' },
  ],
  [{ role: 'tool', content: 'x' }],
  [{ role: 'user', content: 5 }],
  [{ role: 'user', content: [{ type: 'text', text: 'x' }] }],
  [],
  'nope',
  [null],
];
/** Keys whose every valid value the fast path takes (the rest are left to the full check). */
const FAST_KEYS = new Set(KEYS.filter((k) => k !== 'tools' && k !== 'providerOptions' && k !== 'unknownKey'));

describe('validation fast path', () => {
  it('never accepts a request that the full check rejects, and takes every valid plain one (20,000 random requests)', () => {
    const random = createSeededRandom(99);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
    let fastAccepted = 0;
    let fullRejected = 0;
    for (let i = 0; i < 20_000; i++) {
      const request: Record<string, unknown> = { messages: pick(MESSAGES) };
      const n = Math.floor(random() * 4);
      for (let k = 0; k < n; k++) request[pick(KEYS)] = pick(VALUES);
      const fast = isPlainValidRequest(request);
      const full = fullAccepts(request);
      if (!full) fullRejected++;
      if (fast) {
        fastAccepted++;
        expect(full, String(Object.keys(request))).toBe(true);
      }
      const plainShape =
        Array.isArray(request.messages) &&
        request.messages.every((m) => typeof (m as { content?: unknown } | null)?.content === 'string') &&
        Object.keys(request).every((k) => k === 'messages' || request[k] === undefined || FAST_KEYS.has(k));
      if (full && plainShape) expect(fast, String(Object.keys(request))).toBe(true);
    }
    expect(fastAccepted).toBeGreaterThan(1000); // the fast path is really taken
    expect(fullRejected).toBeGreaterThan(5000); // and the generator makes plenty of bad requests
  });

  it('accepts the common shape and leaves the rest to the full check', () => {
    expect(
      isPlainValidRequest({
        messages: [{ role: 'user', content: 'hi' }],
        maxOutputTokens: 16,
        temperature: 0.2,
        metadata: { user: 'u1', attempt: 2, flags: { beta: true } },
      }),
    ).toBe(true);
    expect(isPlainValidRequest({ messages: [{ role: 'user', content: 'hi' }], tools: [] })).toBe(false);
    expect(isPlainValidRequest(null)).toBe(false);
    expect(isPlainValidRequest({ messages: [{ role: 'user', content: 'hi' }], metadata: new Map() })).toBe(
      false,
    );
    expect(isPlainValidRequest({ messages: [{ role: 'user', content: '' }] })).toBe(false);
    expect(isPlainValidRequest({ messages: [{ role: 'system', content: 's' }] })).toBe(false);
    expect(isPlainValidRequest({ messages: [{ role: 'user', content: 'hi' }], metadata: circular })).toBe(
      false,
    );
    expect(isPlainValidRequest({ messages: [{ role: 'user', content: 'hi' }], metadata: { n: 1n } })).toBe(
      false,
    );
  });
});
