import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { CallScope } from '../../src/reliability/call-scope.js';
import { VirtualClock } from '../../src/testing/index.js';
import { rejectionOf } from '../helpers/calls.js';

describe('CallScope', () => {
  it('creates its signal lazily; a signal created after the abort is already aborted with the reason', async () => {
    const clock = new VirtualClock();
    const scope = new CallScope(clock, 100, undefined);
    await clock.advance(100);
    expect(scope.aborted).toBe(true);
    expect(scope.reason?.kind).toBe('timeout');
    expect(scope.signal.aborted).toBe(true);
    expect(scope.signal.reason).toBe(scope.reason);
  });

  it('a signal created before the abort aborts with it', () => {
    const caller = new AbortController();
    const scope = new CallScope(new VirtualClock(), Number.POSITIVE_INFINITY, caller.signal);
    const signal = scope.signal;
    caller.abort('because');
    expect(signal.aborted).toBe(true);
    expect(scope.reason).toMatchObject({ kind: 'aborted', retryable: false, cause: 'because' });
  });

  it('race rejects at once after an abort and absorbs the late rejection of the raced promise', async () => {
    const scope = new CallScope(new VirtualClock(), 1000, undefined);
    let rejectLate!: (e: unknown) => void;
    const pending = scope.race(new Promise((_, reject) => (rejectLate = reject)));
    scope.abort(new (await import('../../index.js')).SwitchyardError('aborted', 'stop'));
    expect((await rejectionOf(pending)).message).toBe('stop');
    rejectLate(new Error('late')); // must not become an unhandled rejection
    const already = scope.race(Promise.reject(new Error('ignored')));
    expect((await rejectionOf(already)).message).toBe('stop');
  });

  it('race passes through values and errors when nothing aborts', async () => {
    const scope = new CallScope(new VirtualClock(), 1000, undefined);
    expect(await scope.race(Promise.resolve(42))).toBe(42);
    expect((await rejectionOf(scope.race(Promise.reject(new Error('no'))))).message).toBe('no');
  });

  it('the first abort reason wins; dispose is idempotent and removes the caller listener', async () => {
    const { SwitchyardError } = await import('../../index.js');
    const caller = new AbortController();
    const scope = new CallScope(new VirtualClock(), 1000, caller.signal);
    scope.abort(new SwitchyardError('aborted', 'first'));
    scope.abort(new SwitchyardError('timeout', 'second'));
    expect(scope.reason?.message).toBe('first');
    scope.dispose();
    scope.dispose();
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
  });
});
