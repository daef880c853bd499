import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../index.js';
import { isPlainValidRequest } from '../../src/validation/fast-path.js';
import { requestSchema } from '../../src/validation/schemas.js';

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
  'unknownKey',
];
const MESSAGES: unknown[] = [
  [{ role: 'user', content: 'hi' }],
  [
    { role: 'system', content: 's' },
    { role: 'assistant', content: '' },
  ],
  [{ role: 'tool', content: 'x' }],
  [{ role: 'user', content: 5 }],
  [{ role: 'user', content: [{ type: 'text', text: 'x' }] }],
  [],
  'nope',
  [null],
];

describe('validation fast path', () => {
  it('never accepts a request that zod rejects (20,000 random requests)', () => {
    const random = createSeededRandom(99);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
    let fastAccepted = 0;
    for (let i = 0; i < 20_000; i++) {
      const request: Record<string, unknown> = { messages: pick(MESSAGES) };
      const n = Math.floor(random() * 4);
      for (let k = 0; k < n; k++) request[pick(KEYS)] = pick(VALUES);
      const fast = isPlainValidRequest(request);
      if (fast) {
        fastAccepted++;
        expect(requestSchema.safeParse(request).success, JSON.stringify(request)).toBe(true);
      }
    }
    expect(fastAccepted).toBeGreaterThan(1000); // the fast path is really taken
  });

  it('accepts the common shape and leaves the rest to zod', () => {
    expect(
      isPlainValidRequest({
        messages: [{ role: 'user', content: 'hi' }],
        maxOutputTokens: 16,
        temperature: 0.2,
      }),
    ).toBe(true);
    expect(isPlainValidRequest({ messages: [{ role: 'user', content: 'hi' }], tools: [] })).toBe(false);
    expect(isPlainValidRequest(null)).toBe(false);
    expect(isPlainValidRequest({ messages: [{ role: 'user', content: 'hi' }], metadata: new Map() })).toBe(
      false,
    );
  });
});
