import { createHash } from 'node:crypto';

/**
 * A Map Run's children by index, as its parent's state keeps them: the children it started and has not heard
 * from, those that failed, those a redrive is to redrive. A child's execution name derives from the Map Run and
 * its index (mapRunChildName), so the set holds indexes, as ranges: a thousand open children are a few
 * numbers, not a thousand names, in each of the parent's snapshots. A child named otherwise (one a Map Run
 * started before names were derived) keeps its name in `names`.
 */
export interface ChildRunSet {
  /** Indexes of children named by mapRunChildName, as ascending, disjoint ranges: start, end (exclusive), … */
  ranges: number[];
  /** Children named otherwise: index → execution name. */
  names?: Record<string, string>;
}

/** The namespace of mapRunChildName's name-based UUIDs (a random UUID, fixed: changing it renames children). */
const CHILD_NAME_NAMESPACE = Buffer.from('5b0c3f3e8d2a4c6f9e1b7a4d2c8f6e10', 'hex');

/**
 * The execution name of a Map Run's child: a name-based UUID (RFC 9562 version 5, SHA-1) of the Map Run's ARN
 * and the child's index, in the 36-character form AWS gives its Map Run children. The same child always has
 * the same name, so a redrive, the reconciler and a restart find it without the parent keeping its name.
 */
export function mapRunChildName(mapRunArn: string, index: number): string {
  const hash = createHash('sha1').update(CHILD_NAME_NAMESPACE).update(`${mapRunArn}#${index}`).digest();
  hash[6] = ((hash[6] as number) & 0x0f) | 0x50;
  hash[8] = ((hash[8] as number) & 0x3f) | 0x80;
  const hex = hash.toString('hex', 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function emptyChildRunSet(): ChildRunSet {
  return { ranges: [] };
}

/** Adds the child (in place: a copy per child would cost the square of a large Map Run). */
export function addChildRun(set: ChildRunSet, mapRunArn: string, index: number, executionName: string): void {
  if (executionName === mapRunChildName(mapRunArn, index)) addIndex(set.ranges, index);
  else nameChild(set, index, executionName);
}

function nameChild(set: ChildRunSet, index: number, executionName: string): void {
  set.names ??= {};
  set.names[index] = executionName;
}

export function hasChildRun(set: ChildRunSet | undefined, index: number): boolean {
  return set !== undefined && (set.names?.[index] !== undefined || rangeAt(set.ranges, index) >= 0);
}

/** Removes the child (in place), and says whether the set had it. */
export function deleteChildRun(set: ChildRunSet | undefined, index: number): boolean {
  if (!set) return false;
  if (set.names?.[index] !== undefined) {
    delete set.names[index];
    return true;
  }
  return removeIndex(set.ranges, index);
}

/** Moves the child, if `from` has it, to `to` (named as it was). */
export function moveChildRun(from: ChildRunSet | undefined, to: ChildRunSet, index: number): void {
  const name = from?.names?.[index];
  if (name !== undefined) {
    delete from?.names?.[index];
    nameChild(to, index, name);
  } else if (from && removeIndex(from.ranges, index)) addIndex(to.ranges, index);
}

export function childRunName(
  set: ChildRunSet | undefined,
  mapRunArn: string,
  index: number,
): string | undefined {
  if (!set) return undefined;
  return (
    set.names?.[index] ?? (rangeAt(set.ranges, index) >= 0 ? mapRunChildName(mapRunArn, index) : undefined)
  );
}

export function childRunCount(set: ChildRunSet | undefined): number {
  if (!set) return 0;
  let count = Object.keys(set.names ?? {}).length;
  for (let i = 0; i < set.ranges.length; i += 2)
    count += (set.ranges[i + 1] as number) - (set.ranges[i] as number);
  return count;
}

/** The union of the sets (a new set). */
export function unionOfChildRuns(...sets: Array<ChildRunSet | undefined>): ChildRunSet {
  const union = emptyChildRunSet();
  for (const set of sets) {
    if (!set) continue;
    for (let i = 0; i < set.ranges.length; i += 2) {
      for (let index = set.ranges[i] as number; index < (set.ranges[i + 1] as number); index++) {
        addIndex(union.ranges, index);
      }
    }
    if (set.names) union.names = { ...union.names, ...set.names };
  }
  return union;
}

/** The set's indexes, ascending. */
export function childRunIndexes(set: ChildRunSet | undefined): number[] {
  if (!set) return [];
  const indexes: number[] = Object.keys(set.names ?? {}).map(Number);
  for (let i = 0; i < set.ranges.length; i += 2) {
    for (let index = set.ranges[i] as number; index < (set.ranges[i + 1] as number); index++)
      indexes.push(index);
  }
  return indexes.sort((a, b) => a - b);
}

/** The set's children in index order, with their names. */
export function childRunEntries(
  set: ChildRunSet | undefined,
  mapRunArn: string,
): Array<{ index: number; executionName: string }> {
  if (!set) return [];
  const entries: Array<{ index: number; executionName: string }> = [];
  for (let i = 0; i < set.ranges.length; i += 2) {
    for (let index = set.ranges[i] as number; index < (set.ranges[i + 1] as number); index++) {
      entries.push({ index, executionName: mapRunChildName(mapRunArn, index) });
    }
  }
  for (const [index, executionName] of Object.entries(set.names ?? {})) {
    entries.push({ index: Number(index), executionName });
  }
  return entries.sort((a, b) => a.index - b.index);
}

// ─── Ranges ────────────────────────────────────────────────────────────────────────────────────────────

/** The position (even) of the range holding `index`, or -1. */
function rangeAt(ranges: readonly number[], index: number): number {
  const at = lastStartAtOrBefore(ranges, index);
  return at >= 0 && index < (ranges[at + 1] as number) ? at : -1;
}

/** The position (even) of the last range starting at or before `index`, or -1. */
function lastStartAtOrBefore(ranges: readonly number[], index: number): number {
  let low = 0;
  let high = ranges.length / 2 - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if ((ranges[mid * 2] as number) <= index) {
      found = mid * 2;
      low = mid + 1;
    } else high = mid - 1;
  }
  return found;
}

function addIndex(ranges: number[], index: number): void {
  const at = lastStartAtOrBefore(ranges, index);
  if (at >= 0 && index < (ranges[at + 1] as number)) return;
  const joinsBefore = at >= 0 && ranges[at + 1] === index;
  const next = at >= 0 ? at + 2 : 0;
  const joinsAfter = next < ranges.length && ranges[next] === index + 1;
  if (joinsBefore && joinsAfter) ranges.splice(at + 1, 2);
  else if (joinsBefore) ranges[at + 1] = index + 1;
  else if (joinsAfter) ranges[next] = index;
  else ranges.splice(next, 0, index, index + 1);
}

function removeIndex(ranges: number[], index: number): boolean {
  const at = rangeAt(ranges, index);
  if (at < 0) return false;
  const start = ranges[at] as number;
  const end = ranges[at + 1] as number;
  if (start === index && end === index + 1) ranges.splice(at, 2);
  else if (start === index) ranges[at] = index + 1;
  else if (end === index + 1) ranges[at + 1] = index;
  else ranges.splice(at + 1, 0, index, index + 1);
  return true;
}

/** How a snapshot written before children's names were derived keeps a Map Run's children: index → name. */
interface LegacyChildRuns {
  open?: Record<string, string>;
  failedRuns?: Record<string, string>;
  rerun?: Record<string, string>;
  openChildRuns?: ChildRunSet;
  failedChildRuns?: ChildRunSet;
  rerunChildRuns?: ChildRunSet;
}

/**
 * A Map Run's children as such a snapshot keeps them, as sets (in place): their random names are kept as they
 * were, so an execution that was running when Statefold was upgraded goes on with the same children.
 */
export function upgradeLegacyChildRuns(children: object): void {
  const legacy = children as LegacyChildRuns;
  const sets = [
    ['open', 'openChildRuns'],
    ['failedRuns', 'failedChildRuns'],
    ['rerun', 'rerunChildRuns'],
  ] as const;
  for (const [old, current] of sets) {
    const names = legacy[old];
    if (names === undefined) continue;
    legacy[current] = { ranges: [], names: { ...names } };
    delete legacy[old];
  }
}
