/**
 * The soak's heap samples of the gateway process. Only the first and the last sample force a full
 * GC: the heap goal's growth is last minus first, both after GC, and a forced GC every few seconds
 * stalls the gateway and was most of the soak's latency tail (decision 0010, sixth-pass update).
 */

/** A heap sample of the gateway process. */
export interface HeapSample {
  readonly second: number;
  readonly heapMB: number;
  readonly rssMB: number;
  /** Taken right after a forced full GC (the first and the last sample). */
  readonly afterGc?: boolean;
}

/** One reading of a process's heap (`ServerProcess.heap`). */
export type HeapReader = (collect: boolean) => Promise<{ heapUsed: number; rss: number; afterGc: boolean }>;

/** What the sampler waits with and reads the time from (injected by tests). */
export interface SamplerTime {
  /** Milliseconds, monotonic. */
  now(): number;
  /** Resolves after `ms`. */
  wait(ms: number): Promise<void>;
}

const REAL_TIME: SamplerTime = {
  now: () => performance.now(),
  wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Samples a heap every `everyMs` between {@link start} and {@link stop}: the first and the last
 * sample after a forced full GC, the ones between raw.
 */
export class HeapSampler {
  readonly samples: HeapSample[] = [];
  /** Whether every forced-GC sample really followed a GC (false when `--expose-gc` was missing). */
  afterGc = true;
  readonly #read: HeapReader;
  readonly #everyMs: number;
  readonly #time: SamplerTime;
  #start = 0;
  #sampling = false;
  #loop: Promise<void> | undefined;

  constructor(read: HeapReader, everyMs: number, time: SamplerTime = REAL_TIME) {
    this.#read = read;
    this.#everyMs = everyMs;
    this.#time = time;
  }

  /** Takes the first sample (after a full GC), then one raw sample every `everyMs`. */
  async start(): Promise<void> {
    this.#start = this.#time.now();
    await this.#sample(true);
    this.#sampling = true;
    this.#loop = this.#run();
  }

  /** Ends the raw samples, then takes the last sample (after a full GC). */
  async stop(): Promise<void> {
    this.#sampling = false;
    await this.#loop;
    await this.#sample(true);
  }

  async #run(): Promise<void> {
    while (this.#sampling) {
      await this.#time.wait(this.#everyMs);
      if (this.#sampling) await this.#sample(false);
    }
  }

  async #sample(collect: boolean): Promise<void> {
    const h = await this.#read(collect);
    if (collect) this.afterGc &&= h.afterGc;
    this.samples.push({
      second: (this.#time.now() - this.#start) / 1000,
      heapMB: h.heapUsed / 2 ** 20,
      rssMB: h.rss / 2 ** 20,
      afterGc: collect && h.afterGc,
    });
  }
}
