/**
 * Memory stays flat with the metrics collector and the usage ledger attached: 100,000 calls with
 * tags of their own after warm-up, heap growth after a full GC under 5 MB. A collector or a
 * ledger that kept anything per call (a pending entry, a label value, a key, a request id) would
 * grow by far more: 100,000 small objects are several MB. `npm run bench` runs 1,000,000.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { MAX_LEDGER_KEYS, MAX_TAG_VALUES, observedMemory } from '../../test/helpers/observed-memory.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const CALLS = 100_000;

describe('memory with metrics and the usage ledger attached', () => {
  it(`${CALLS} calls with distinct tags: heap growth < 5 MB, labels and keys capped, nothing pending`, async () => {
    const row = await observedMemory({ calls: CALLS, warmup: 5_000, gc });
    console.log(
      `memory: ${CALLS} calls in ${row.seconds.toFixed(1)} s, heap ${row.heapBeforeMb.toFixed(2)} -> ${row.heapAfterMb.toFixed(2)} MB (growth ${row.heapGrowthMb.toFixed(2)} MB), ${row.seriesLines} series lines, ${row.ledgerCells} ledger cells in ${row.ledgerBuckets} buckets`,
    );
    // Every call reached the ledger (warm-up included) and none is left pending.
    expect(row.ledgerCalls).toBe(CALLS + 5_000);
    expect(row.ledgerPending).toBe(0);
    // Caps hold: the collector's tag values (plus `other`), the ledger's tag keys (plus its overflow key).
    expect(row.metricTags).toBe(MAX_TAG_VALUES + 1);
    expect(row.ledgerTagKeys).toBeLessThanOrEqual(MAX_LEDGER_KEYS + 1);
    expect(row.heapGrowthMb).toBeLessThan(5);
  }, 120_000);
});
