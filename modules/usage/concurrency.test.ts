/** The ledger keeps calls in flight together apart: their alias, metadata and estimates. */
import { describe, expect, it } from 'vitest';
import { Router } from '../../index.js';
import { MockAdapter } from '../../src/testing/index.js';
import { UsageLedger } from './ledger.js';

const messages = [{ role: 'user' as const, content: 'hello there' }];

describe('UsageLedger with calls in flight together', () => {
  it('records each call under its own alias, user and tag', async () => {
    const adapter = new MockAdapter(() => ({ text: 'ok', usage: { inputTokens: 3, outputTokens: 1 } }));
    const router = new Router({
      targets: [
        { id: 'a', adapter, model: 'm', aliases: ['x', 'y'] },
        { id: 'b', adapter, model: 'm', aliases: ['x', 'y'] },
      ],
      strategy: 'round-robin',
    });
    const ledger = new UsageLedger({ dimensions: ['target', 'alias', 'user', 'tag'] });
    ledger.attach(router);
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        router.complete({
          messages,
          model: i % 3 === 0 ? 'x' : 'y',
          tags: [`t${i % 2}`],
          metadata: { user: `u${i % 5}` },
        }),
      ),
    );
    const count = (rows: ReturnType<UsageLedger['query']>) =>
      Object.fromEntries(rows.map((r) => [Object.values(r.key).join('/'), r.calls]));
    expect(count(ledger.query({ by: ['alias'] }))).toEqual({ x: 10, y: 20 });
    expect(count(ledger.query({ by: ['user'] }))).toEqual({ u0: 6, u1: 6, u2: 6, u3: 6, u4: 6 });
    expect(count(ledger.query({ by: ['tag'] }))).toEqual({ t0: 15, t1: 15 });
    expect(count(ledger.query({ by: ['target'] }))).toEqual({ a: 15, b: 15 });
    expect(ledger.query()[0]?.inputTokens).toBe(90);
    expect(ledger.stats().pending).toBe(0);
    // Sequential calls after concurrent ones, and after clear().
    await router.complete({ messages, model: 'x', metadata: { user: 'u9' } });
    ledger.clear();
    await router.complete({ messages, model: 'x', tags: ['t0', 't0', 't1'], metadata: { user: 'u9' } });
    expect(count(ledger.query({ by: ['user'] }))).toEqual({ u9: 1 });
    expect(count(ledger.query({ by: ['tag'] }))).toEqual({ t0: 1, t1: 1 });
  });
});
