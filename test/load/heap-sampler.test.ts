import { describe, expect, it } from 'vitest';
import { HeapSampler, type SamplerTime } from './heap-sampler.js';

/** Time that moves only when the test releases a wait. */
function manualTime(): SamplerTime & { release(): Promise<void> } {
  let now = 0;
  const waits: (() => void)[] = [];
  return {
    now: () => now,
    wait: (ms) =>
      new Promise<void>((resolve) =>
        waits.push(() => {
          now += ms;
          resolve();
        }),
      ),
    async release() {
      waits.shift()?.();
      for (let i = 0; i < 10; i++) await Promise.resolve(); // let the sample land
    },
  };
}

describe('soak heap sampler', () => {
  it('forces a full GC only for the first and the last sample', async () => {
    const time = manualTime();
    const asked: boolean[] = [];
    let heapUsed = 50 * 2 ** 20;
    const sampler = new HeapSampler(
      async (collect) => {
        asked.push(collect);
        heapUsed += 2 ** 20;
        return { heapUsed, rss: 2 * heapUsed, afterGc: collect };
      },
      6000,
      time,
    );
    await sampler.start();
    for (let i = 0; i < 4; i++) await time.release();
    const stopped = sampler.stop();
    await time.release(); // the wait in progress ends; no sample after stop() but the last
    await stopped;
    expect(asked).toEqual([true, false, false, false, false, true]);
    expect(sampler.samples.map((s) => s.afterGc)).toEqual([true, false, false, false, false, true]);
    expect(sampler.samples.map((s) => s.second)).toEqual([0, 6, 12, 18, 24, 30]);
    expect(sampler.samples[0]).toMatchObject({ heapMB: 51, rssMB: 102 });
    expect(sampler.afterGc).toBe(true);
  });

  it('says so when the forced GC was not available', async () => {
    const time = manualTime();
    const sampler = new HeapSampler(async () => ({ heapUsed: 1, rss: 1, afterGc: false }), 1000, time);
    await sampler.start();
    const stopped = sampler.stop();
    await time.release();
    await stopped;
    expect(sampler.afterGc).toBe(false);
    expect(sampler.samples.every((s) => s.afterGc === false)).toBe(true);
  });
});
