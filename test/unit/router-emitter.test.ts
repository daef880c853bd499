import { describe, expect, it } from 'vitest';
import { RouterEmitter, type TargetRestoredEvent } from '../../src/events.js';

const restored = (downMs: number): TargetRestoredEvent => ({ target: 't', downMs });

describe('RouterEmitter', () => {
  it('calls listeners in registration order, a listener registered twice twice, with no `this`', () => {
    const events = new RouterEmitter();
    const seen: string[] = [];
    const twice = () => seen.push('twice');
    events.on('target:restored', (e) => seen.push(`a${e.downMs}`));
    events.on('target:restored', twice);
    events.on('target:restored', twice);
    events.on('target:restored', function (this: unknown) {
      seen.push(this === undefined ? 'no this' : 'this');
    });
    events.emit('target:restored', restored(1));
    expect(seen).toEqual(['a1', 'twice', 'twice', 'no this']);
  });

  it('has() and listenerCount() follow on, once, off; off(listener) removes every registration of it', () => {
    const events = new RouterEmitter();
    const a = () => {};
    const b = () => {};
    expect(events.has('target:restored')).toBe(false);
    events.on('target:restored', a);
    events.on('target:restored', a);
    events.once('target:restored', b);
    expect(events.has('target:restored')).toBe(true);
    expect(events.has('request:start')).toBe(false);
    expect(events.listenerCount('target:restored')).toBe(3);
    events.off('target:restored', a);
    expect(events.listenerCount('target:restored')).toBe(1);
    events.off('target:restored', a); // not registered any more: nothing happens
    expect(events.listenerCount('target:restored')).toBe(1);
    events.emit('target:restored', restored(1)); // the once-listener goes
    expect(events.listenerCount('target:restored')).toBe(0);
    expect(events.has('target:restored')).toBe(false);
    events.on('target:restored', a);
    events.on('target:restored', b);
    events.off('target:restored');
    expect(events.has('target:restored')).toBe(false);
  });

  it('a once-listener runs once, even when it emits the same event again', () => {
    const events = new RouterEmitter();
    let runs = 0;
    events.once('target:restored', () => {
      runs++;
      events.emit('target:restored', restored(2));
    });
    events.emit('target:restored', restored(1));
    events.emit('target:restored', restored(3));
    expect(runs).toBe(1);
  });

  it('a listener added or removed during a delivery takes effect from the next event', () => {
    const events = new RouterEmitter();
    const seen: string[] = [];
    const late = () => seen.push('late');
    const removed = () => seen.push('removed');
    events.on('target:restored', () => {
      seen.push('first');
      events.on('target:restored', late);
      events.off('target:restored', removed);
    });
    events.on('target:restored', removed);
    events.emit('target:restored', restored(1));
    expect(seen).toEqual(['first', 'removed']);
    seen.length = 0;
    events.emit('target:restored', restored(2));
    expect(seen).toEqual(['first', 'late']);
  });

  it('a listener that throws is reported as listener:error and the others still run; a throwing listener:error listener does not recurse', () => {
    const events = new RouterEmitter();
    const errors: unknown[] = [];
    let after = 0;
    events.on('listener:error', (e) => errors.push([e.event, (e.error as Error).message]));
    events.on('listener:error', () => {
      throw new Error('again');
    });
    events.on('target:restored', () => {
      throw new Error('boom');
    });
    events.on('target:restored', () => after++);
    expect(() => events.emit('target:restored', restored(1))).not.toThrow();
    expect(after).toBe(1);
    expect(errors).toEqual([['target:restored', 'boom']]);
  });
});
