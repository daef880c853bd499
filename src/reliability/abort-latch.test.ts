import { describe, expect, it, vi } from 'vitest';
import { AbortLatch, isAbortSignalLike } from './abort-latch.js';

describe('AbortLatch', () => {
  it('aborts once: the first reason stays, listeners run once each, in the order added', () => {
    const latch = new AbortLatch();
    const order: string[] = [];
    const events: Event[] = [];
    latch.addEventListener('abort', (event) => {
      order.push('fn');
      events.push(event);
    });
    latch.addEventListener('abort', { handleEvent: () => order.push('object') });
    expect(latch.aborted).toBe(false);
    expect(latch.reason).toBeUndefined();
    latch.abort('first');
    latch.abort('second');
    expect(latch.aborted).toBe(true);
    expect(latch.reason).toBe('first');
    expect(order).toEqual(['fn', 'object']);
    expect(events[0]?.type).toBe('abort');
  });

  it('without a reason aborts with an AbortError DOMException, like AbortController', () => {
    const latch = new AbortLatch();
    latch.abort();
    expect(latch.reason).toBeInstanceOf(DOMException);
    expect((latch.reason as DOMException).name).toBe('AbortError');
    expect(() => latch.throwIfAborted()).toThrow(latch.reason as DOMException);
  });

  it('adds a listener once, removes it, and never runs one added after the abort', () => {
    const latch = new AbortLatch();
    const twice = vi.fn();
    const removed = vi.fn();
    const kept = vi.fn();
    latch.addEventListener('abort', twice);
    latch.addEventListener('abort', twice);
    latch.addEventListener('abort', removed);
    latch.addEventListener('abort', kept);
    latch.removeEventListener('abort', removed);
    latch.abort('x');
    const late = vi.fn();
    latch.addEventListener('abort', late);
    expect(twice).toHaveBeenCalledTimes(1);
    expect(removed).not.toHaveBeenCalled();
    expect(kept).toHaveBeenCalledTimes(1);
    expect(late).not.toHaveBeenCalled();
  });

  it('removing the only listener leaves nothing to run', () => {
    const latch = new AbortLatch();
    const only = vi.fn();
    latch.addEventListener('abort', only);
    latch.removeEventListener('abort', only);
    latch.abort();
    expect(only).not.toHaveBeenCalled();
  });

  it('a throwing listener does not stop the others; its error is reported, not thrown by abort()', async () => {
    const latch = new AbortLatch();
    const after = vi.fn();
    const reported = new Promise<unknown>((resolve) => process.once('uncaughtException', resolve));
    latch.addEventListener('abort', () => {
      throw new Error('listener failed');
    });
    latch.addEventListener('abort', after);
    expect(() => latch.abort()).not.toThrow();
    expect(after).toHaveBeenCalledTimes(1);
    expect(((await reported) as Error).message).toBe('listener failed');
  });
});

describe('isAbortSignalLike', () => {
  it('accepts AbortSignals, latches and look-alikes; refuses the rest', () => {
    expect(isAbortSignalLike(new AbortController().signal)).toBe(true);
    expect(isAbortSignalLike(new AbortLatch())).toBe(true);
    expect(isAbortSignalLike({ aborted: false, addEventListener() {}, removeEventListener() {} })).toBe(true);
    expect(isAbortSignalLike({ aborted: 'no', addEventListener() {}, removeEventListener() {} })).toBe(false);
    expect(isAbortSignalLike({ aborted: false })).toBe(false);
    expect(isAbortSignalLike(null)).toBe(false);
    expect(isAbortSignalLike('signal')).toBe(false);
  });
});
