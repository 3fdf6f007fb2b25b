import { applyEvent } from '../history/apply-event.ts';
import { upgradeLegacyChildRuns } from '../history/child-run-set.ts';
import { createExecutionState, type ExecutionState } from '../history/execution-state.ts';
import { InvariantError } from '../lib/invariant-error.ts';
import type { Commit, EventLog } from './ports.ts';

/**
 * A step reads the newest SNAPSHOT_EVERY commits and never more: every commit that would leave the newest
 * snapshot out of that window carries a snapshot itself (so does one after SNAPSHOT_EVENTS events), which keeps
 * a step's read the same size at 10 events of history as at 100,000.
 */
export const SNAPSHOT_EVERY = 8;
export const SNAPSHOT_EVENTS = 64;

export interface LoadedExecution {
  state: ExecutionState;
  /** The commits read, ascending (the newest is last). */
  commits: Commit[];
  lastCommit: number;
  /** Commit number of the snapshot the state was rebuilt from (0: replayed from the first commit). */
  snapshotAt: number;
  /** Events in the commits after that snapshot. */
  eventsSinceSnapshot: number;
}

export async function loadExecution(
  log: EventLog,
  executionArn: string,
): Promise<LoadedExecution | undefined> {
  const tail = await log.readTail(executionArn, SNAPSHOT_EVERY);
  const commits = tail?.commits ?? [];
  const last = commits.at(-1);
  if (!last) return undefined;
  let base = commits.length - 1;
  while (base >= 0 && !commits[base]?.snapshot) base--;
  const first = commits[0] as Commit;
  if (base < 0 && first.n !== 1) {
    throw new InvariantError(
      `The log of ${executionArn} has no snapshot in its last ${commits.length} commits (${first.n}–${last.n})`,
    );
  }
  // A snapshot comes from JSON the adapter just decoded: the fold may own it.
  const state = base >= 0 ? (commits[base]?.snapshot as ExecutionState) : createExecutionState();
  if (base >= 0) upgradeSnapshot(state);
  let eventsSinceSnapshot = 0;
  for (let i = base + 1; i < commits.length; i++) {
    for (const event of (commits[i] as Commit).events) applyEvent(state, event);
    eventsSinceSnapshot += (commits[i] as Commit).events.length;
  }
  return {
    state,
    commits,
    lastCommit: last.n,
    snapshotAt: base >= 0 ? (commits[base] as Commit).n : 0,
    eventsSinceSnapshot,
  };
}

/** A snapshot written by an earlier Statefold, in the shape this one folds onto (in place). */
function upgradeSnapshot(state: ExecutionState): void {
  for (const scope of Object.values(state.scopes)) {
    if (scope.children?.kind === 'map-run') upgradeLegacyChildRuns(scope.children);
    if (scope.retained?.kind === 'map-run') upgradeLegacyChildRuns(scope.retained);
  }
}

/** Whether commit `n` (with `events` more events) must carry a snapshot. */
export function needsSnapshot(loaded: LoadedExecution | undefined, n: number, events: number): boolean {
  if (!loaded) return false;
  return n - loaded.snapshotAt >= SNAPSHOT_EVERY || loaded.eventsSinceSnapshot + events >= SNAPSHOT_EVENTS;
}
