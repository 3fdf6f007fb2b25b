import { describe, expect, it } from 'vitest';
import {
  addChildRun,
  type ChildRunSet,
  childRunCount,
  childRunEntries,
  childRunIndexes,
  childRunName,
  deleteChildRun,
  emptyChildRunSet,
  hasChildRun,
  mapRunChildName,
  moveChildRun,
  unionOfChildRuns,
  upgradeLegacyChildRuns,
} from '../../../shared/history/child-run-set.ts';

const MAP_RUN =
  'arn:aws:states:us-east-1:123456789012:mapRun:machine/Map:0c9c1b5e-7b9e-4a34-9d2f-5f4e1c2b3a41';

/** A seeded generator, so a failure can be replayed. */
function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

describe('mapRunChildName', () => {
  it('names a child with a version 5 UUID of its Map Run and index: the same each time, different per child', () => {
    const name = mapRunChildName(MAP_RUN, 7);
    expect(name).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(mapRunChildName(MAP_RUN, 7)).toBe(name);
    expect(mapRunChildName(MAP_RUN, 8)).not.toBe(name);
    expect(mapRunChildName(`${MAP_RUN}x`, 7)).not.toBe(name);
  });
});

describe('a set of child runs', () => {
  it('holds what a set of indexes holds, as few ranges, through adds and deletes in any order', () => {
    const random = seeded(14);
    const set = emptyChildRunSet();
    const reference = new Set<number>();
    for (let i = 0; i < 5_000; i++) {
      const index = Math.floor(random() * 300);
      if (random() < 0.55) {
        addChildRun(set, MAP_RUN, index, mapRunChildName(MAP_RUN, index));
        reference.add(index);
      } else {
        expect(deleteChildRun(set, index)).toBe(reference.delete(index));
      }
      expect(childRunCount(set)).toBe(reference.size);
    }
    expect(childRunIndexes(set)).toEqual([...reference].sort((a, b) => a - b));
    for (let index = 0; index < 300; index++) expect(hasChildRun(set, index)).toBe(reference.has(index));
    // Ascending, disjoint, never touching: each range as long as it can be.
    for (let i = 2; i < set.ranges.length; i += 2) {
      expect(set.ranges[i] as number).toBeGreaterThan(set.ranges[i - 1] as number);
    }
    expect(set.names).toBeUndefined();
  });

  it('keeps a thousand children started in order as one range', () => {
    const set = emptyChildRunSet();
    for (let index = 0; index < 1_000; index++)
      addChildRun(set, MAP_RUN, index, mapRunChildName(MAP_RUN, index));
    expect(set).toEqual({ ranges: [0, 1_000] });
    deleteChildRun(set, 500);
    expect(set.ranges).toEqual([0, 500, 501, 1_000]);
  });

  it('keeps the name of a child named otherwise, and moves, lists and joins children with their names', () => {
    const open = emptyChildRunSet();
    addChildRun(open, MAP_RUN, 0, mapRunChildName(MAP_RUN, 0));
    addChildRun(open, MAP_RUN, 1, 'a-random-name');
    addChildRun(open, MAP_RUN, 2, mapRunChildName(MAP_RUN, 2));
    expect(open).toEqual({ ranges: [0, 1, 2, 3], names: { 1: 'a-random-name' } });
    expect(childRunName(open, MAP_RUN, 1)).toBe('a-random-name');
    expect(childRunName(open, MAP_RUN, 2)).toBe(mapRunChildName(MAP_RUN, 2));
    expect(childRunName(open, MAP_RUN, 3)).toBeUndefined();
    const failed: ChildRunSet = emptyChildRunSet();
    moveChildRun(open, failed, 1);
    moveChildRun(open, failed, 2);
    expect(open).toEqual({ ranges: [0, 1], names: {} });
    expect(childRunEntries(failed, MAP_RUN)).toEqual([
      { index: 1, executionName: 'a-random-name' },
      { index: 2, executionName: mapRunChildName(MAP_RUN, 2) },
    ]);
    expect(childRunIndexes(unionOfChildRuns(open, failed, undefined))).toEqual([0, 1, 2]);
  });

  it("takes a Map Run's children as a snapshot from before kept them, by name", () => {
    const children = { open: { 3: 'name-3' }, failedRuns: { 1: 'name-1' } };
    upgradeLegacyChildRuns(children);
    expect(children).toEqual({
      openChildRuns: { ranges: [], names: { 3: 'name-3' } },
      failedChildRuns: { ranges: [], names: { 1: 'name-1' } },
    });
  });
});
