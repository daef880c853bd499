import { describe, expect, it } from 'vitest';
import { SnapshotReader } from '../snapshot.js';
import { BASE_FEATURES } from './features.js';
import { TagCombinations } from './tag-combinations.js';

/** A feature vector with the given tag features set. */
function withTags(tags: number, set: readonly number[]): Float64Array {
  const values = new Float64Array(BASE_FEATURES + tags);
  for (const i of set) values[BASE_FEATURES + i] = 1;
  return values;
}

describe('TagCombinations', () => {
  it('records per target which combinations of tag features it has outcomes on', () => {
    const c = new TagCombinations(2, 3);
    expect(c.active).toBe(true);
    const batch = c.combinationOf(withTags(3, [0]));
    const batchAndEu = c.combinationOf(withTags(3, [0, 2]));
    const none = c.combinationOf(withTags(3, []));
    expect(new Set([batch, batchAndEu, none]).size).toBe(3);
    c.add(0, batch);
    expect(c.has(0, batch)).toBe(true);
    expect(c.has(0, batchAndEu)).toBe(false);
    expect(c.has(0, none)).toBe(false);
    expect(c.has(1, batch)).toBe(false);
  });

  it('without tags there is one combination and every target has it', () => {
    const c = new TagCombinations(2, 0);
    expect(c.active).toBe(false);
    expect(c.combinationOf(withTags(0, []))).toBe(0);
    expect(c.has(1, 0)).toBe(true);
    expect(c.toJson(1)).toEqual([0]);
  });

  it('round-trips through JSON and refuses a combination out of range, naming the path', () => {
    const c = new TagCombinations(1, 2);
    c.add(0, 3);
    c.add(0, 1);
    expect(c.toJson(0)).toEqual([1, 3]);
    const copy = new TagCombinations(1, 2);
    const read = new SnapshotReader('intelligent');
    copy.set(0, copy.read(read, c.toJson(0), 'targets.a.tagCombinations'));
    expect(copy.toJson(0)).toEqual([1, 3]);
    expect(() => copy.read(read, [4], 'targets.a.tagCombinations')).toThrow(
      /targets\.a\.tagCombinations\[0\]/,
    );
  });
});
