import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ChunkEncoder } from '../streams/index.js';
import { textDeltaFrame } from './chat.js';
import { SseBatch } from './sse-batch.js';

/** A response that records its writes; `full` makes it report a full socket buffer. */
class FakeResponse extends EventEmitter {
  readonly writes: string[] = [];
  ended: string | undefined;
  destroyed = false;
  writableNeedDrain = false;
  write(text: string): boolean {
    this.writes.push(text);
    return !this.writableNeedDrain;
  }
  end(text: string): void {
    this.ended = text;
  }
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('textDeltaFrame', () => {
  it('is byte for byte the frame of the encoder chunk it stands for', () => {
    const deltas = [
      'Hello',
      ' "quoted" ',
      'line\nbreak\r\n',
      'tab\t\\ back',
      'é 👋 日本',
      '\u2028\u2029',
      '</script>',
      '\u0000\u001f',
    ];
    for (const includeUsage of [false, true]) {
      for (const [id, model] of [
        ['chatcmpl-abc1', 'gpt-4o-mini'],
        ['id "odd" \\', 'model/with "quotes" é'],
      ] as const) {
        const encoder = new ChunkEncoder({ id, created: 1_764_000_000, model, includeUsage });
        encoder.encode({ type: 'text-delta', delta: 'first' }); // the role goes with the first chunk
        const [head, tail] = textDeltaFrame(id, 1_764_000_000, model, includeUsage);
        for (const delta of deltas) {
          const [chunk] = encoder.encode({ type: 'text-delta', delta });
          expect(`${head}${JSON.stringify(delta)}${tail}`).toBe(`data: ${JSON.stringify(chunk)}\n\n`);
        }
      }
    }
  });
});

describe('SseBatch', () => {
  it('writes the frames of one turn in one write, and ends with what is queued', async () => {
    const res = new FakeResponse();
    const batch = new SseBatch(res as unknown as ServerResponse);
    expect(batch.add('a\n\n')).toBeUndefined();
    expect(batch.add('b\n\n')).toBeUndefined();
    expect(res.writes).toEqual([]);
    await turn();
    expect(res.writes).toEqual(['a\n\nb\n\n']);
    batch.add('c\n\n');
    batch.end('data: [DONE]\n\n');
    expect(res.ended).toBe('c\n\ndata: [DONE]\n\n');
    await turn();
    expect(res.writes).toEqual(['a\n\nb\n\n']); // nothing left for the scheduled flush
  });

  it('writes a long burst at once and makes the producer wait for drain when the buffer is full', async () => {
    const res = new FakeResponse();
    const batch = new SseBatch(res as unknown as ServerResponse);
    const big = 'x'.repeat(70 * 1024);
    res.writableNeedDrain = true;
    const wait = batch.add(big);
    expect(res.writes).toEqual([big]);
    expect(wait).toBeInstanceOf(Promise);
    let drained = false;
    void wait?.then(() => (drained = true));
    await turn();
    expect(drained).toBe(false);
    res.writableNeedDrain = false;
    res.emit('drain');
    await turn();
    expect(drained).toBe(true);
    expect(res.listenerCount('drain') + res.listenerCount('close')).toBe(0);
  });

  it('writes nothing once the response is gone, and a close releases a waiting producer', async () => {
    const res = new FakeResponse();
    const batch = new SseBatch(res as unknown as ServerResponse);
    res.writableNeedDrain = true;
    const wait = batch.add('a');
    res.destroyed = true;
    res.emit('close');
    await wait;
    await turn();
    batch.end('b');
    expect(res.writes).toEqual([]);
    expect(res.ended).toBeUndefined();
  });
});
