import { childRunEntries } from '../history/child-run-set.ts';
import type { FailureHandling, StateExitedType } from '../history/events.ts';
import {
  childScopeId,
  type ExecutionState,
  ROOT_SCOPE,
  type ScopeState,
  writesToS3,
} from '../history/execution-state.ts';
import { payloadTooLargeCause, StatesErrors } from '../language/states-error.ts';
import type { StateDefinition } from '../language/types.ts';
import type { Json } from '../lib/json.ts';
import { chooseHandling } from './error-handling.ts';
import { failWritingResults, finishChildren, startNextChildren } from './states/children.ts';
import type { Step } from './step.ts';

/**
 * How control moves between states, scopes and the execution: leaving a state, ending a block, failing,
 * and aborting what runs beside a failure. Each function writes the events AWS writes, in AWS's order.
 */

export function nextOf(state: StateDefinition): string | null {
  return 'End' in state && state.End === true ? null : 'Next' in state ? (state.Next ?? null) : null;
}

/** AWS's variable quotas: 256 KiB per variable and per Assign (as UTF-8 JSON text). */
const MAX_ASSIGN_BYTES = 262_144;

const MAX_EXECUTION_VARIABLE_BYTES = 10 * 1024 * 1024;

function oversizedAssignment(
  state: ExecutionState,
  scope: ScopeState,
  assigned: Record<string, Json>,
): string | undefined {
  let total = 0;
  for (const [name, value] of Object.entries(assigned)) {
    const bytes = Buffer.byteLength(JSON.stringify(value));
    if (bytes > MAX_ASSIGN_BYTES)
      return `The value assigned to the variable '${name}' is ${bytes} bytes, more than the 262144 bytes a variable may hold.`;
    total += bytes;
  }
  if (total > MAX_ASSIGN_BYTES) {
    return `The variables assigned by this state are ${total} bytes, more than the 262144 bytes one Assign may hold.`;
  }
  // And 10 MiB for all the variables an execution holds, counting what this Assign replaces only once.
  let held = total;
  for (const other of Object.values(state.scopes)) {
    for (const [name, value] of Object.entries(other.variables ?? {})) {
      if (other !== scope || !Object.hasOwn(assigned, name)) held += Buffer.byteLength(JSON.stringify(value));
    }
  }
  return held > MAX_EXECUTION_VARIABLE_BYTES
    ? `The execution's variables would hold ${held} bytes, more than the 10485760 bytes an execution may hold.`
    : undefined;
}

/** Writes `<Type>StateExited` and moves on: to `next`, or to the end of the block. */
export function exitState(
  step: Step,
  scope: ScopeState,
  output: Json,
  next: string | null,
  prev: number,
  assigned?: Record<string, Json>,
): void {
  const tooLarge = assigned && oversizedAssignment(step.state, scope, assigned);
  if (tooLarge) {
    // Terminal, as AWS documents States.DataLimitExceeded: no catcher runs (one could loop on the same Assign).
    failScope(step, scope, StatesErrors.DataLimitExceeded, step.runtimeCause(scope, tooLarge), prev);
    return;
  }
  if (step.exceedsPayloadQuota(output)) {
    // A state's output is a payload like any other: over 256 KiB the execution fails, whatever the state type.
    failScope(step, scope, StatesErrors.DataLimitExceeded, payloadTooLargeCause(scope.stateName), prev);
    return;
  }
  const type = step.infoOf(scope).exited as StateExitedType;
  const exited = step.emitExited({
    id: 0,
    timestamp: 0,
    type,
    scope: scope.id,
    previousEventId: prev,
    name: scope.stateName,
    output,
    next,
    assigned,
  });
  if (next !== null) step.advance(scope, exited);
  else endScope(step, scope, exited);
}

/** A block reached its end: the execution succeeds, or the branch/iteration hands its output up. */
function endScope(step: Step, scope: ScopeState, lastEventId: number): void {
  if (scope.parent === undefined) {
    step.emit({
      type: 'ExecutionSucceeded',
      scope: ROOT_SCOPE,
      previousEventId: lastEventId,
      output: scope.output ?? null,
    });
    return;
  }
  const parent = step.state.scopes[scope.parent];
  const children = parent?.children;
  if (!parent || !children) return;
  if (children.kind === 'parallel') {
    // The branch was settled by its Exited event; the Parallel state ends when the last one does.
    if (children.running === 0) finishChildren(step, parent, lastEventId);
    return;
  }
  const settled = step.emit({
    type: 'MapIterationSucceeded',
    scope: scope.id,
    previousEventId: lastEventId,
    name: parent.stateName,
    index: scope.index,
    output: scope.output ?? null,
  });
  afterChildSettled(step, parent, lastEventId, settled.id);
}

/** After a child finished: start the next ones the concurrency allows, or end the state when all are done. */
export function afterChildSettled(
  step: Step,
  parent: ScopeState,
  startPrev: number,
  settledEventId: number,
): void {
  const children = parent.children;
  if (!children) return;
  startNextChildren(step, parent, startPrev);
  if (
    parent.children &&
    !children.reading &&
    children.running === 0 &&
    !children.redo?.length &&
    children.nextIndex >= children.total
  ) {
    finishChildren(step, parent, settledEventId);
  }
}

/** The block a scope runs failed with `error`: the execution fails, or the Parallel/Map state does. */
export function failScope(step: Step, scope: ScopeState, error: string, cause: string, prev: number): void {
  if (scope.parent === undefined) {
    step.emit({ type: 'ExecutionFailed', scope: ROOT_SCOPE, previousEventId: prev, error, cause });
    return;
  }
  const parent = step.state.scopes[scope.parent];
  const children = parent?.children;
  if (!parent || !children) return;
  if (children.kind === 'parallel') {
    abortChildren(step, parent, scope.id, prev);
    failCompositeState(step, parent, error, cause, prev);
    return;
  }
  step.emit({
    type: 'MapIterationFailed',
    scope: scope.id,
    previousEventId: prev,
    name: parent.stateName,
    index: scope.index,
    error,
    cause,
  });
  childFailed(step, parent, error, cause, prev);
}

/** A Map iteration or child run failed: go on while within the tolerated failures, else fail the Map. */
export function childFailed(
  step: Step,
  parent: ScopeState,
  error: string,
  cause: string,
  prev: number,
): void {
  const children = parent.children;
  if (!children) return;
  const tolerance = children.toleratedFailureCount > 0 || children.toleratedFailurePercentage > 0;
  const exceeded =
    children.failed > children.toleratedFailureCount &&
    (children.failed / Math.max(children.total, 1)) * 100 > children.toleratedFailurePercentage;
  if (!exceeded) {
    afterChildSettled(step, parent, prev, prev);
    return;
  }
  const failure = tolerance
    ? {
        error: StatesErrors.ExceedToleratedFailureThreshold,
        cause: 'The specified tolerated failure threshold was exceeded',
      }
    : { error, cause };
  if (children.kind === 'map-run' && writesToS3(children.writer)) {
    // AWS writes a failed Map Run's results too, before it fails the state.
    failWritingResults(step, parent, failure.error, failure.cause);
    return;
  }
  abortChildren(step, parent, undefined, prev);
  if (children.kind === 'map-run') {
    const runFailed = step.emit({
      type: 'MapRunFailed',
      scope: parent.id,
      previousEventId: prev,
      error: failure.error,
      cause: failure.cause,
    });
    failCompositeState(step, parent, failure.error, failure.cause, runFailed.id);
    return;
  }
  failCompositeState(step, parent, failure.error, failure.cause, prev);
}

export function failCompositeState(
  step: Step,
  scope: ScopeState,
  error: string,
  cause: string,
  prev: number,
): void {
  const state = step.stateOf(scope);
  const handling = chooseHandling(state, scope, error, {
    retriable: true,
    now: step.now,
    random: step.env.random,
  });
  if (handling.kind === 'retry') {
    // AWS writes nothing between attempts: the next ParallelStateStarted/MapStateStarted follows the failure.
    const scheduled = step.emit({
      type: 'RetryScheduled',
      scope: scope.id,
      previousEventId: prev,
      retrier: handling.retrier,
      until: handling.until,
    });
    step.startTimer(scope, scheduled.id, 'retry', handling.until);
    return;
  }
  const type = state.Type === 'Map' ? 'MapStateFailed' : 'ParallelStateFailed';
  const failed = step.emit({ type, scope: scope.id, previousEventId: prev, error, cause, handling });
  handleFailure(step, scope, handling, error, cause, failed.id);
}

/** Carries out a decided retry, catch or propagation. */
export function handleFailure(
  step: Step,
  scope: ScopeState,
  handling: FailureHandling,
  error: string,
  cause: string,
  prev: number,
): void {
  switch (handling.kind) {
    case 'retry':
      step.startTimer(scope, prev, 'retry', handling.until);
      return;
    case 'catch':
      step.infoOf(scope).evaluator.catchFailure(step, scope, handling.catcher, error, cause, prev);
      return;
    case 'propagate':
      failScope(step, scope, error, cause, prev);
      return;
  }
}

/** A failure raised while a state processes data (no event of its own): catch or propagate, never retry. */
export function failState(step: Step, scope: ScopeState, error: string, cause: string): void {
  const handling = chooseHandling(step.stateOf(scope), scope, error, {
    retriable: false,
    now: step.now,
    random: step.env.random,
  });
  handleFailure(step, scope, handling, error, cause, scope.lastEventId);
}

/**
 * Aborts every running child of a Parallel/Map scope except `except`; every Aborted event points at `prev`,
 * the event that caused the abort.
 */
export function abortChildren(
  step: Step,
  parent: ScopeState,
  except: string | undefined,
  prev: number,
): void {
  const children = parent.children;
  if (!children) return;
  if (children.kind === 'map-run') {
    if (children.running > 0) step.emit({ type: 'MapRunAborted', scope: parent.id, previousEventId: prev });
    stopChildRuns(step, parent);
    return;
  }
  for (let index = 0; index < children.nextIndex; index++) {
    const id = childScopeId(children.startedEventId, index);
    const child = step.state.scopes[id];
    if (!child || id === except || children.settled[index]) continue;
    abortScope(step, child, prev);
    if (children.kind === 'map') {
      step.emit({
        type: 'MapIterationAborted',
        scope: child.id,
        previousEventId: prev,
        name: parent.stateName,
        index,
      });
    }
  }
}

/** The Map Run's children still running are stopped, as AWS aborts them with their Map Run. */
export function stopChildRuns(step: Step, parent: ScopeState): void {
  const children = parent.children;
  if (children?.kind !== 'map-run') return;
  const mapRunArn = children.mapRunArn ?? '';
  for (const { executionName } of childRunEntries(children.openChildRuns, mapRunArn)) {
    step.commands.push({ type: 'stopChildRun', mapRunArn, executionName });
  }
}

/** Writes the Aborted events of whatever the scope is running. */
function abortScope(step: Step, scope: ScopeState, prev: number): void {
  if (scope.phase === 'ready' || scope.phase === 'done') return;
  const type = step.stateOf(scope).Type;
  if (type === 'Parallel' || type === 'Map') {
    abortChildren(step, scope, undefined, prev);
    step.emit({
      type: type === 'Map' ? 'MapStateAborted' : 'ParallelStateAborted',
      scope: scope.id,
      previousEventId: prev,
    });
  } else if (type === 'Wait') {
    step.emit({ type: 'WaitStateAborted', scope: scope.id, previousEventId: prev });
  } else if (type === 'Task') {
    stopNestedExecution(step, scope);
    step.emit({ type: 'TaskStateAborted', scope: scope.id, previousEventId: prev });
  }
}

/** A `states:startExecution.sync` task that ends before its child: AWS stops the child (best effort). */
export function stopNestedExecution(step: Step, scope: ScopeState): void {
  const executionArn = scope.phase === 'task' ? scope.task?.childExecutionArn : undefined;
  if (executionArn !== undefined) step.commands.push({ type: 'stopExecution', executionArn });
}
