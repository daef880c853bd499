import { describe, expect, it } from 'vitest';
import { isSwitchyardError } from '../../src/index.js';
import { ManualClock } from '../../strategies/testing.js';
import { responseOf } from '../../test/helpers/middleware.js';
import { type CacheEntry, MemoryCacheStore } from './index.js';

const entry = (text: string): CacheEntry => ({ response: responseOf(text) });
const bytesOf = (e: CacheEntry) => Buffer.byteLength(JSON.stringify(e));

describe('MemoryCacheStore', () => {
  it('keeps entries until their ttl, on its clock', () => {
    const clock = new ManualClock();
    const store = new MemoryCacheStore({ maxEntries: 10, maxBytes: 1e6, clock });
    const e = entry('a');
    store.set('k', e, 100);
    expect(store.get('k')).toBe(e);
    clock.advance(99);
    expect(store.get('k')).toBe(e);
    clock.advance(1);
    expect(store.get('k')).toBeUndefined();
    expect(store.size).toBe(0);
    expect(store.bytes).toBe(0);
  });

  it('drops the least recently used entry past maxEntries (a read counts as a use)', () => {
    const store = new MemoryCacheStore({ maxEntries: 2, maxBytes: 1e6 });
    store.set('a', entry('a'), 1e6);
    store.set('b', entry('b'), 1e6);
    store.get('a');
    store.set('c', entry('c'), 1e6);
    expect(store.get('b')).toBeUndefined();
    expect(store.get('a')).toBeDefined();
    expect(store.get('c')).toBeDefined();
    expect(store.size).toBe(2);
  });

  it('drops the least recently used entries past maxBytes, and keeps no entry larger than maxBytes', () => {
    const size = bytesOf(entry('x'));
    const store = new MemoryCacheStore({ maxEntries: 100, maxBytes: size * 2 + 1 });
    store.set('a', entry('a'), 1e6);
    store.set('b', entry('b'), 1e6);
    expect(store.bytes).toBe(size * 2);
    store.set('c', entry('c'), 1e6);
    expect(store.size).toBe(2);
    expect(store.get('a')).toBeUndefined();
    store.set('big', entry('x'.repeat(size * 3)), 1e6);
    expect(store.get('big')).toBeUndefined();
    expect(store.size).toBe(2);
    expect(store.bytes).toBe(size * 2);
  });

  it('replaces an entry, deletes and clears', () => {
    const store = new MemoryCacheStore({ maxEntries: 10, maxBytes: 1e6 });
    store.set('a', entry('a'), 1e6);
    store.set('a', entry('longer text'), 1e6);
    expect(store.size).toBe(1);
    expect(store.bytes).toBe(bytesOf(entry('longer text')));
    store.delete('a');
    store.delete('nothing');
    expect(store.bytes).toBe(0);
    store.set('b', entry('b'), 1e6);
    store.set('zero-ttl', entry('c'), 0);
    expect(store.size).toBe(1);
    store.clear();
    expect(store.size).toBe(0);
    expect(store.bytes).toBe(0);
  });

  it.each([
    [{ maxEntries: 0, maxBytes: 1 }, 'MemoryCacheStore: maxEntries: expected a positive integer'],
    [{ maxEntries: 1.5, maxBytes: 1 }, 'maxEntries'],
    [{ maxEntries: 1, maxBytes: -1 }, 'MemoryCacheStore: maxBytes: expected a positive number'],
    [{ maxEntries: 1 }, 'maxBytes'],
    [undefined, 'options'],
  ])('rejects %j with a config error', (options, message) => {
    let error: unknown;
    try {
      new MemoryCacheStore(options as never);
    } catch (e) {
      error = e;
    }
    expect(isSwitchyardError(error) && error.kind).toBe('config');
    expect((error as Error).message).toContain(message);
  });
});
