import { childRunCount } from '../history/child-run-set.ts';
import type { RedriveRestart } from '../history/events.ts';
import {
  childScopeId,
  type ExecutionState,
  ROOT_SCOPE,
  type ScopeState,
  unsuccessfulChildRuns,
} from '../history/execution-state.ts';
import { afterChildSettled } from './flow.ts';
import type { Step } from './step.ts';

/**
 * RedriveExecution, decided over the replayed state of a closed execution (AWS: "Redriving executions"): the
 * execution continues from the state it ended in, with the input and variables it had there. That state is
 * entered again, unless it is a Parallel or an inline Map whose children it kept: then only the branches or
 * iterations that did not succeed run again (each from its first state), and the results of the others stand;
 * or a Distributed Map whose Map Run failed: the same Map Run goes on (MapRunRedriven), its child executions
 * that did not succeed are redriven and the items it never started start.
 * ExecutionRedriven (its applier does the reset) is followed by the messages that restart the work, and the
 * machine's TimeoutSeconds counts again from the redrive.
 */
export function redrive(step: Step, clientToken: string | undefined): void {
  const { state } = step;
  const root = state.scopes[ROOT_SCOPE];
  if (!root || state.execution === undefined) return;
  const restart = restartOf(step, root);
  const timeoutSeconds = step.machine.definition.TimeoutSeconds;
  const timeoutAt = timeoutSeconds !== undefined ? step.now + timeoutSeconds * 1000 : undefined;
  const redriven = step.emit({
    type: 'ExecutionRedriven',
    scope: ROOT_SCOPE,
    previousEventId: state.lastEventId,
    redriveCount: (state.execution.redriveCount ?? 0) + 1,
    ...(clientToken !== undefined ? { clientToken } : {}),
    ...(timeoutAt !== undefined ? { timeoutAt } : {}),
    restart,
  });
  if (timeoutAt !== undefined) step.startTimer(root, redriven.id, 'executionTimeout', timeoutAt);
  switch (restart.kind) {
    case 'state':
      step.advance(root, redriven.id);
      return;
    case 'parallel': {
      const startedEventId = root.children?.startedEventId ?? 0;
      for (const { index } of restart.branches) {
        step.send({ type: 'advance', scope: childScopeId(startedEventId, index), ref: redriven.id });
      }
      return;
    }
    case 'map':
      // The iterations to run again start (as MaxConcurrency allows); with none left, the Map ends now.
      afterChildSettled(step, root, redriven.id, redriven.id);
      return;
    case 'map-run': {
      // AWS: MapRunRedriven (the same Map Run, its own redrive count), then its unsuccessful children go again.
      const mapRun = step.emit({
        type: 'MapRunRedriven',
        scope: ROOT_SCOPE,
        previousEventId: redriven.id,
        mapRunArn: restart.mapRunArn,
        redriveCount: (root.children?.mapRunRedriveCount ?? 0) + 1,
      });
      afterChildSettled(step, root, mapRun.id, mapRun.id);
      return;
    }
  }
}

/** What a redrive restarts: see `redrive`. Pure over the state and the definition. */
export function restartOf(step: Pick<Step, 'stateOf'>, root: ScopeState): RedriveRestart {
  const kept = root.retained;
  if (!kept) return { kind: 'state' };
  const definition = step.stateOf(root);
  if (kept.kind === 'parallel' && definition.Type === 'Parallel') {
    const branches: Array<{ index: number; startAt: string }> = [];
    definition.Branches.forEach((branch, index) => {
      if (!kept.settled[index]) branches.push({ index, startAt: branch.StartAt });
    });
    return { kind: 'parallel', branches };
  }
  if (kept.kind === 'map' && definition.Type === 'Map') {
    const failed = new Set(kept.unsuccessful ?? []);
    const indexes: number[] = [];
    for (let index = 0; index < kept.nextIndex; index++) {
      if (!kept.settled[index] || failed.has(index)) indexes.push(index);
    }
    return { kind: 'map', indexes };
  }
  if (kept.kind === 'map-run' && definition.Type === 'Map' && kept.mapRunArn !== undefined) {
    // The Map Run's children that failed, and those still open when it ended (aborted with it), are redriven.
    return {
      kind: 'map-run',
      mapRunArn: kept.mapRunArn,
      redriven: childRunCount(unsuccessfulChildRuns(kept)),
    };
  }
  // A Map Run that never started (its MapRunStarted not written): the state runs again.
  return { kind: 'state' };
}

/** The reasons AWS gives for an execution it cannot redrive (DescribeExecution's redriveStatusReason). */
export const NOT_REDRIVABLE = {
  running: 'Execution is RUNNING and cannot be redriven',
  succeeded: 'Execution is SUCCEEDED and cannot be redriven',
  deleting: 'State machine is in DELETING status',
  historyLimit: 'Execution history event limit exceeded',
  maxTime: 'Execution has exceeded the max execution time',
  period: 'Execution redrivable period exceeded',
} as const;

const DAY_MS = 86_400_000;
/** AWS: a closed execution may be redriven for 14 days, within a year of its start, below 24,999 events. */
const REDRIVABLE_DAYS = 14;
const MAX_OPEN_DAYS = 365;
const MAX_REDRIVE_EVENTS = 24_999;

/**
 * Why the execution cannot be redriven now, or undefined when it can (`machineExists`: its state machine is
 * still there). Pure: `now` is the caller's clock.
 */
export function redriveBlocker(
  state: ExecutionState,
  now: number,
  machineExists: boolean,
): string | undefined {
  if (state.status === 'RUNNING') return NOT_REDRIVABLE.running;
  if (state.status === 'SUCCEEDED') return NOT_REDRIVABLE.succeeded;
  if (!machineExists) return NOT_REDRIVABLE.deleting;
  if (state.lastEventId >= MAX_REDRIVE_EVENTS) return NOT_REDRIVABLE.historyLimit;
  const startTime = state.execution?.startTime ?? 0;
  if (now - startTime > MAX_OPEN_DAYS * DAY_MS) return NOT_REDRIVABLE.maxTime;
  if (now - (state.stopTime ?? now) > REDRIVABLE_DAYS * DAY_MS) return NOT_REDRIVABLE.period;
  return undefined;
}
