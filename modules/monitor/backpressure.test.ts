/** Back-pressure: a slow client gets snapshots only, and is disconnected past the hard limit. */
import { describe, expect, it } from 'vitest';
import { type MonitorClient, sendEvent, sendSnapshot } from './backpressure.js';

class FakeClient implements MonitorClient {
  bufferedAmount = 0;
  readonly sent: string[] = [];
  terminated = false;
  send(data: string): void {
    this.sent.push(data);
    this.bufferedAmount += data.length; // nothing is ever read: a stalled client
  }
  terminate(): void {
    this.terminated = true;
  }
}

const limits = { softBufferBytes: 100, hardBufferBytes: 1_000 };

describe('back-pressure', () => {
  it('drops events for a client past the soft limit but still sends it snapshots, then disconnects it past the hard limit', () => {
    const c = new FakeClient();
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) outcomes.push(sendEvent(c, 'e'.repeat(30), limits));
    expect(outcomes).toEqual(['sent', 'sent', 'sent', 'sent', 'dropped']); // 120 bytes > 100
    expect(sendSnapshot(c, 's'.repeat(400), limits)).toBe('sent');
    expect(sendEvent(c, 'e', limits)).toBe('dropped');
    expect(sendSnapshot(c, 's'.repeat(600), limits)).toBe('sent'); // 1120 now
    expect(c.terminated).toBe(false);
    expect(sendSnapshot(c, 's', limits)).toBe('disconnected');
    expect(c.terminated).toBe(true);
    expect(c.sent.filter((s) => s.startsWith('e'))).toHaveLength(4);
  });

  it('a client that catches up gets events again', () => {
    const c = new FakeClient();
    c.bufferedAmount = 500;
    expect(sendEvent(c, 'e', limits)).toBe('dropped');
    c.bufferedAmount = 0;
    expect(sendEvent(c, 'e', limits)).toBe('sent');
  });

  it('an event to a client past the hard limit disconnects it', () => {
    const c = new FakeClient();
    c.bufferedAmount = 1_001;
    expect(sendEvent(c, 'e', limits)).toBe('disconnected');
    expect(c.terminated).toBe(true);
  });
});
