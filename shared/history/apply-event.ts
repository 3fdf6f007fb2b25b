import { assertNever } from '../lib/assert-never.ts';
import { InvariantError } from '../lib/invariant-error.ts';
import { isJsonObject } from '../lib/json.ts';
import {
  addChildRun,
  childRunIndexes,
  deleteChildRun,
  emptyChildRunSet,
  moveChildRun,
} from './child-run-set.ts';
import type {
  EventOfType,
  ExecutionEvent,
  ExecutionEventType,
  FailureHandling,
  StateEnteredType,
  StateExitedType,
} from './events.ts';
import { HIDDEN_EVENT_TYPES } from './events.ts';
import {
  type ChildRuns,
  childScopeId,
  createExecutionState,
  type ExecutionState,
  type ExecutionStatus,
  type PendingTask,
  ROOT_SCOPE,
  type ScopeState,
  unsuccessfulChildRuns,
  writesToS3,
} from './execution-state.ts';

/** What folding one type of event does to the state; `scope` is the scope the event names, if it runs. */
type Applier<E extends ExecutionEvent> = (
  state: ExecutionState,
  event: E,
  scope: ScopeState | undefined,
) => void;

/** One applier per event type: an event type without one is a type error here. */
type Appliers = { [K in ExecutionEventType]: Applier<EventOfType<K>> };

/**
 * Folds one event into the state. The state passed in is owned by the fold and updated in place (an
 * execution's state is rebuilt, never shared); values taken from the event are never mutated afterwards.
 */
export function applyEvent(state: ExecutionState, event: ExecutionEvent): ExecutionState {
  const scope = state.scopes[event.scope];
  if (!HIDDEN_EVENT_TYPES.has(event.type)) {
    state.lastEventId = event.id;
    if (scope) scope.lastEventId = event.id;
  }
  // Most of any history is states entering and exiting. V8 does not inline a call whose target varies, nor
  // make a lookup by a varying key as cheap as a compare, so those two appliers get call sites of their own:
  // the table dispatch alone made the interpreter benchmark's Pass chain about 15% slower.
  switch (event.type) {
    case 'PassStateEntered':
    case 'TaskStateEntered':
    case 'ChoiceStateEntered':
    case 'WaitStateEntered':
    case 'SucceedStateEntered':
    case 'FailStateEntered':
    case 'ParallelStateEntered':
    case 'MapStateEntered':
      enterState(state, event, scope);
      return state;
    case 'PassStateExited':
    case 'TaskStateExited':
    case 'ChoiceStateExited':
    case 'WaitStateExited':
    case 'SucceedStateExited':
    case 'ParallelStateExited':
    case 'MapStateExited':
      exitState(state, event, scope);
      return state;
  }
  ((APPLIERS[event.type] ?? rejectEvent) as Applier<ExecutionEvent>)(state, event, scope);
  return state;
}

/**
 * `applyEvent` for a state's Entered or Exited event, from a caller that knows which it is (the step that
 * writes it): with no dispatch on the type, and reading only these events' shapes, the hot path of every
 * interpreter run stays monomorphic.
 */
export function applyStateEntered(state: ExecutionState, event: EventOfType<StateEnteredType>): void {
  const scope = state.scopes[event.scope];
  state.lastEventId = event.id;
  if (scope) scope.lastEventId = event.id;
  enterState(state, event, scope);
}

export function applyStateExited(state: ExecutionState, event: EventOfType<StateExitedType>): void {
  const scope = state.scopes[event.scope];
  state.lastEventId = event.id;
  if (scope) scope.lastEventId = event.id;
  exitState(state, event, scope);
}

/** An event that changes nothing replay keeps (its meaning is in the events around it). */
function ignoreEvent(): void {}

const APPLIERS: Appliers = {
  // The events of every state come first: they are most of any history.
  PassStateEntered: enterState,
  TaskStateEntered: enterState,
  ChoiceStateEntered: enterState,
  WaitStateEntered: enterState,
  SucceedStateEntered: enterState,
  FailStateEntered: enterState,
  ParallelStateEntered: enterState,
  MapStateEntered: enterState,
  PassStateExited: exitState,
  TaskStateExited: exitState,
  ChoiceStateExited: exitState,
  WaitStateExited: exitState,
  SucceedStateExited: exitState,
  ParallelStateExited: exitState,
  MapStateExited: exitState,

  ExecutionStarted: startExecution,
  ExecutionSucceeded: (state, event) => {
    state.status = 'SUCCEEDED';
    state.output = event.output;
    close(state, event);
  },
  ExecutionFailed: (state, event) => stopExecution(state, event, 'FAILED'),
  ExecutionTimedOut: (state, event) => stopExecution(state, event, 'TIMED_OUT'),
  ExecutionAborted: (state, event) => stopExecution(state, event, 'ABORTED'),
  ExecutionRedriven: redriveExecution,

  TaskScheduled: (state, event, scope) => {
    countInvocation(state, scope);
    const task = scheduleTask(need(scope, event), event, event.resourceType, false);
    if (event.heartbeatInSeconds !== undefined) task.heartbeatSeconds = event.heartbeatInSeconds;
    if (event.taskToken !== undefined) task.taskToken = event.taskToken;
  },
  LambdaFunctionScheduled: (state, event, scope) => {
    countInvocation(state, scope);
    scheduleTask(need(scope, event), event, 'lambda', true);
  },
  ActivityScheduling: (state, event, scope) => {
    countInvocation(state, scope);
    const s = need(scope, event);
    s.phase = 'task';
    s.ref = event.id;
    s.task = {
      target: event.target,
      resourceType: 'activity',
      resource: event.resource,
      legacyLambda: false,
      activity: {
        scheduled: false,
        started: false,
        input: event.input,
        ...(event.timeoutInSeconds !== undefined ? { timeoutSeconds: event.timeoutInSeconds } : {}),
      },
      taskToken: event.taskToken,
    };
    if (event.heartbeatInSeconds !== undefined) s.task.heartbeatSeconds = event.heartbeatInSeconds;
  },
  ActivityScheduled: (_state, event, scope) => {
    const task = need(scope, event).task;
    if (task?.activity && !task.activity.scheduled) {
      const { timeoutSeconds } = task.activity;
      task.activity = {
        scheduled: true,
        started: false,
        ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
      };
    }
  },
  ActivityStarted: (_state, event, scope) => {
    const task = need(scope, event).task;
    if (task?.activity) {
      task.activity = { scheduled: true, started: true };
      if (event.timeoutAt !== undefined) task.timeoutAt = event.timeoutAt;
      if (event.heartbeatAt !== undefined) task.heartbeatAt = event.heartbeatAt;
    }
  },
  ActivitySucceeded: finishTask,
  ActivityFailed: failState,
  ActivityTimedOut: failState,
  ActivityScheduleFailed: failState,
  TaskSubmitted: (_state, event, scope) => {
    const task = need(scope, event).task;
    if (task) task.submitted = true;
    const output = event.output;
    // A nested `.sync` execution: the task knows its child, to stop it if the task ends first.
    if (
      task?.resourceType === 'states' &&
      task.resource.startsWith('startExecution.sync') &&
      isJsonObject(output) &&
      typeof output.ExecutionArn === 'string'
    ) {
      task.childExecutionArn = output.ExecutionArn;
    }
  },
  TaskHeartbeatReceived: (_state, event, scope) => {
    const task = need(scope, event).task;
    if (task) task.heartbeatAt = event.heartbeatAt;
  },
  TaskStarted: startTask,
  LambdaFunctionStarted: startTask,
  TaskSucceeded: finishTask,
  LambdaFunctionSucceeded: finishTask,
  TaskFailed: failState,
  TaskTimedOut: failState,
  LambdaFunctionFailed: failState,
  LambdaFunctionTimedOut: failState,
  ParallelStateFailed: failState,
  MapStateFailed: failState,
  TaskStateAborted: ignoreEvent,
  WaitStateAborted: ignoreEvent,
  ParallelStateAborted: (state, event, scope) => dropChildren(state, need(scope, event), true),
  MapStateAborted: (state, event, scope) => dropChildren(state, need(scope, event), true),

  ParallelStateStarted: startParallel,
  MapStateStarted: startMap,
  MapRunStarted: (_state, event, scope) => {
    const children = need(scope, event).children;
    if (children) {
      children.mapRunArn = event.mapRunArn;
      children.mapRunStartedEventId = event.id;
    }
  },
  MapIterationStarted: startIteration,
  MapIterationSucceeded: (state, event, scope) =>
    settleChild(state, scope, event.index, 'succeeded', event.output),
  MapRunChildSucceeded: (state, event, scope) =>
    settleChild(state, scope, event.index, 'succeeded', event.output),
  MapIterationFailed: (state, event, scope) =>
    settleChild(state, scope, event.index, 'failed', { Error: event.error, Cause: event.cause }),
  // A tolerated failed child run's entry carries its status, as AWS's child execution results do.
  MapRunChildFailed: (state, event, scope) =>
    settleChild(state, scope, event.index, 'failed', {
      Error: event.error,
      Cause: event.cause,
      Status: 'FAILED',
    }),
  MapIterationAborted: ignoreEvent,
  MapRunItemsRead: (_state, event, scope) => {
    const children = need(scope, event).children;
    const reading = children?.reading;
    if (!children || !reading) return;
    if (event.source !== undefined) recordSource(children, event.source);
    for (const item of event.items) children.items.push(item);
    children.total += event.items.length;
    children.preselected = event.preselected;
    children.reading = event.done
      ? undefined
      : {
          page: reading.page + 1,
          cursor: event.cursor,
          itemsRead: reading.itemsRead + event.read,
          paused: event.paused,
        };
  },
  MapRunUpdated: (_state, event, scope) => {
    const children = need(scope, event).children;
    if (!children) return;
    if (event.maxConcurrency !== undefined) children.maxConcurrency = event.maxConcurrency;
    if (event.toleratedFailureCount !== undefined)
      children.toleratedFailureCount = event.toleratedFailureCount;
    if (event.toleratedFailurePercentage !== undefined) {
      children.toleratedFailurePercentage = event.toleratedFailurePercentage;
    }
  },
  MapRunFailing: (_state, event, scope) => {
    const children = need(scope, event).children;
    if (children) children.failing = { error: event.error, cause: event.cause };
  },
  MapRunItemsRequested: (_state, event, scope) => {
    const reading = need(scope, event).children?.reading;
    if (reading) reading.paused = false;
  },
  RetryScheduled: (state, event, scope) => {
    const s = need(scope, event);
    dropChildren(state, s);
    applyHandling(s, { kind: 'retry', retrier: event.retrier, until: event.until }, event);
    // The next attempt's Started event follows the failure that caused the retry.
    s.lastEventId = event.previousEventId;
  },
  MapRunChildStarted: (_state, event, scope) => {
    const children = need(scope, event).children;
    if (children) {
      // A redriven Map Run takes up its unsuccessful children first, then goes on where it stopped.
      if (children.redo?.[0] === event.index) {
        children.redo = children.redo.slice(1);
        deleteChildRun(children.rerunChildRuns, event.index);
      } else children.nextIndex = event.index + 1;
      children.running += 1;
      children.openChildRuns ??= emptyChildRunSet();
      addChildRun(children.openChildRuns, children.mapRunArn ?? '', event.index, event.executionName);
      // A Map Run reading its items keeps only those not started yet.
      if (children.itemsOffset !== undefined) {
        while (children.itemsOffset < children.nextIndex && children.items.length > 0) {
          children.items.shift();
          children.itemsOffset += 1;
        }
      }
    }
  },
  ParallelStateSucceeded: childrenSucceeded,
  MapStateSucceeded: childrenSucceeded,
  EvaluationFailed: (_state, event, scope) => {
    // A Task's own evaluation failure records its handling here; a Parallel/Map's is in its Failed event.
    if (event.handling && event.handling.kind !== 'propagate')
      applyHandling(need(scope, event), event.handling, event);
  },
  MapRunRedriven: (_state, event, scope) => {
    const children = need(scope, event).children;
    if (children) children.mapRunRedriveCount = event.redriveCount;
  },
  MapRunSucceeded: ignoreEvent,
  MapRunFailed: ignoreEvent,
  MapRunAborted: ignoreEvent,
};

/** A page's Source, from the run's next item on; the runs wholly before the next child to start are let go. */
function recordSource(children: ChildRuns, source: string): void {
  const sources = children.sources ?? [];
  while (sources.length > 1 && (sources[1]?.from ?? 0) <= children.nextIndex) sources.shift();
  if (sources.at(-1)?.source !== source) sources.push({ from: children.total, source });
  children.sources = sources;
}

function rejectEvent(_state: ExecutionState, event: ExecutionEvent): never {
  return assertNever(event as never, 'event');
}

/**
 * A state entered has made no retries yet: one empty list shared by every such scope (every state entered
 * would otherwise allocate one), frozen so that nothing counts into it; a retry copies it (countRetry).
 */
const NO_RETRIES: readonly number[] = Object.freeze([]);

function countRetry(retries: readonly number[], retrier: number): number[] {
  const counted = retries.slice();
  counted[retrier] = (counted[retrier] ?? 0) + 1;
  return counted;
}

function enterState(
  _state: ExecutionState,
  event: EventOfType<StateEnteredType>,
  scope: ScopeState | undefined,
): void {
  const s = need(scope, event);
  s.stateName = event.name;
  s.input = event.input;
  s.enteredEventId = event.id;
  s.enteredTime = event.timestamp;
  s.retries = NO_RETRIES;
  s.retryCount = 0;
  s.effectiveInput = undefined;
  s.task = undefined;
  s.children = undefined;
  s.retained = undefined;
  if (event.waitUntil !== undefined) {
    s.phase = 'waiting';
    s.ref = event.id;
    s.waitUntil = event.waitUntil;
  } else {
    s.phase = 'ready';
    s.ref = -1;
  }
}

function exitState(
  state: ExecutionState,
  event: EventOfType<StateExitedType>,
  scope: ScopeState | undefined,
): void {
  const s = need(scope, event);
  s.effectiveInput = undefined;
  s.task = undefined;
  s.children = undefined;
  s.retained = undefined;
  s.waitUntil = undefined;
  s.resume = undefined;
  if (event.assigned) s.variables = { ...s.variables, ...event.assigned };
  if (event.next !== null) {
    s.stateName = event.next;
    s.input = event.output;
    s.phase = 'ready';
    s.ref = event.id;
    return;
  }
  s.phase = 'done';
  s.output = event.output;
  finishBranch(state, s);
}

function startExecution(state: ExecutionState, event: EventOfType<'ExecutionStarted'>): void {
  state.execution = event.execution;
  state.input = event.input;
  if (event.inputText !== undefined) state.inputText = event.inputText;
  if (event.timeoutAt !== undefined) state.timeoutAt = event.timeoutAt;
  state.scopes[ROOT_SCOPE] = newScope(ROOT_SCOPE, event.startAt, event.input, event.id, 0);
  state.scopes[ROOT_SCOPE].lastEventId = 0;
}

function stopExecution(
  state: ExecutionState,
  event: EventOfType<'ExecutionFailed' | 'ExecutionTimedOut' | 'ExecutionAborted'>,
  status: ExecutionStatus,
): void {
  state.status = status;
  if (event.error) state.error = event.error;
  if (event.cause) state.cause = event.cause;
  close(state, event);
}

/** A mocked test case's Task invocations, by state name (its mocked responses are numbered by them). */
function countInvocation(state: ExecutionState, scope: ScopeState | undefined): void {
  if (!state.execution?.mockCase || !scope) return;
  state.invocations ??= {};
  state.invocations[scope.stateName] = (state.invocations[scope.stateName] ?? 0) + 1;
}

function scheduleTask(
  s: ScopeState,
  event: EventOfType<'TaskScheduled' | 'LambdaFunctionScheduled'>,
  resourceType: string,
  legacyLambda: boolean,
): PendingTask {
  s.phase = 'task';
  s.ref = event.id;
  s.task = { target: event.target, resourceType, resource: event.resource, legacyLambda };
  return s.task;
}

function startTask(
  _state: ExecutionState,
  event: EventOfType<'TaskStarted' | 'LambdaFunctionStarted'>,
  scope: ScopeState | undefined,
): void {
  const task = need(scope, event).task;
  if (task) {
    if (event.timeoutAt !== undefined) task.timeoutAt = event.timeoutAt;
    if (event.heartbeatAt !== undefined) task.heartbeatAt = event.heartbeatAt;
  }
}

function finishTask(_state: ExecutionState, event: ExecutionEvent, scope: ScopeState | undefined): void {
  const s = need(scope, event);
  s.task = undefined;
  s.phase = 'ready';
  s.ref = -1;
}

/** A task or a Parallel/Map failed: its children go, and the failure's handling decides what comes next. */
function failState(
  state: ExecutionState,
  event: EventOfType<
    | 'TaskFailed'
    | 'TaskTimedOut'
    | 'LambdaFunctionFailed'
    | 'LambdaFunctionTimedOut'
    | 'ActivityFailed'
    | 'ActivityTimedOut'
    | 'ActivityScheduleFailed'
    | 'ParallelStateFailed'
    | 'MapStateFailed'
  >,
  scope: ScopeState | undefined,
): void {
  const s = need(scope, event);
  s.task = undefined;
  // A failure that propagates may close the execution: what its children did is kept for a redrive.
  dropChildren(state, s, event.handling.kind === 'propagate');
  applyHandling(s, event.handling, event);
}

function startParallel(
  state: ExecutionState,
  event: EventOfType<'ParallelStateStarted'>,
  scope: ScopeState | undefined,
): void {
  const s = need(scope, event);
  s.phase = 'children';
  s.ref = event.id;
  s.effectiveInput = event.input;
  s.children = newChildren('parallel', event.id, event.startAt.length, []);
  s.children.running = event.startAt.length;
  s.children.nextIndex = event.startAt.length;
  event.startAt.forEach((startAt, index) => {
    const child = newScope(childScopeId(event.id, index), startAt, event.input, event.id, index);
    child.parent = s.id;
    child.owner = s.stateName;
    state.scopes[child.id] = child;
  });
}

function startMap(
  _state: ExecutionState,
  event: EventOfType<'MapStateStarted'>,
  scope: ScopeState | undefined,
): void {
  const s = need(scope, event);
  s.phase = 'children';
  s.ref = event.id;
  const children = newChildren(
    event.distributed ? 'map-run' : 'map',
    event.id,
    event.items.length,
    event.items,
  );
  children.maxConcurrency = event.maxConcurrency;
  children.toleratedFailureCount = event.toleratedFailureCount;
  children.toleratedFailurePercentage = event.toleratedFailurePercentage;
  children.preselected = event.preselected === true;
  if (event.reader) {
    // A fresh array: the pages read are pushed onto it, never onto the event's own.
    children.items = [];
    children.itemsOffset = 0;
    children.reader = event.reader;
    children.reading = { page: 0, cursor: null, itemsRead: 0, paused: false };
  }
  if (event.writer) children.writer = event.writer;
  s.children = children;
  s.effectiveInput = event.input;
}

function startIteration(
  state: ExecutionState,
  event: EventOfType<'MapIterationStarted'>,
  scope: ScopeState | undefined,
): void {
  const s = need(scope, event);
  const children = s.children;
  if (!children) return;
  const child = newScope(
    childScopeId(children.startedEventId, event.index),
    event.startAt,
    event.input,
    event.id,
    event.index,
  );
  child.parent = s.id;
  child.owner = s.stateName;
  state.scopes[child.id] = child;
  // A redriven Map starts its unsuccessful iterations again first, then goes on where it stopped.
  if (children.redo?.[0] === event.index) children.redo = children.redo.slice(1);
  else children.nextIndex = event.index + 1;
  children.running += 1;
}

function childrenSucceeded(
  _state: ExecutionState,
  event: EventOfType<'ParallelStateSucceeded' | 'MapStateSucceeded'>,
  scope: ScopeState | undefined,
): void {
  const s = need(scope, event);
  s.children = undefined;
  s.phase = 'resuming';
  s.ref = event.id;
  s.resume = { kind: 'children', result: event.output, prev: event.previousEventId };
}

/**
 * The scope's Parallel branches or Map iterations end with it (a failure, an abort, a retry); `retain` keeps
 * their outcomes (not their scopes) for a redrive.
 */
function dropChildren(state: ExecutionState, s: ScopeState, retain = false): void {
  if (s.children) {
    removeChildren(state, s.children);
    s.retained = retain ? s.children : undefined;
    s.children = undefined;
  } else if (!retain) {
    s.retained = undefined;
  }
}

/**
 * What a failure leads to: a retry (the scope waits for its backoff timer, counting the attempt), a catch (a
 * JSONata state resumes in a step of its own; a JSONPath one exits at once), or nothing for now (the failure
 * propagates, and the following events say how).
 */
function applyHandling(
  s: ScopeState,
  handling: FailureHandling,
  event: { id: number; error?: string; cause?: string },
): void {
  s.ref = event.id;
  switch (handling.kind) {
    case 'retry':
      s.phase = 'retrying';
      s.waitUntil = handling.until;
      s.retries = countRetry(s.retries, handling.retrier);
      s.retryCount += 1;
      return;
    case 'catch':
      s.phase = 'resuming';
      s.resume = {
        kind: 'catch',
        catcher: handling.catcher,
        error: event.error ?? '',
        cause: event.cause ?? '',
        prev: event.id,
      };
      return;
    case 'propagate':
      s.phase = 'ready';
      s.ref = -1;
      return;
    default:
      assertNever(handling, 'failure handling');
  }
}

/** Rebuilds an execution's state from its events. */
export function replay(
  events: Iterable<ExecutionEvent>,
  from: ExecutionState = createExecutionState(),
): ExecutionState {
  let state = from;
  for (const event of events) state = applyEvent(state, event);
  return state;
}

function newScope(
  id: string,
  stateName: string,
  input: ScopeState['input'],
  ref: number,
  index: number,
): ScopeState {
  return {
    id,
    index,
    phase: 'ready',
    ref,
    stateName,
    input,
    enteredEventId: 0,
    enteredTime: 0,
    lastEventId: ref,
    retries: NO_RETRIES,
    retryCount: 0,
  };
}

function newChildren(
  kind: ChildRuns['kind'],
  startedEventId: number,
  total: number,
  items: ChildRuns['items'],
) {
  const children: ChildRuns = {
    kind,
    startedEventId,
    total,
    items,
    nextIndex: 0,
    running: 0,
    succeeded: 0,
    failed: 0,
    results: [],
    preselected: false,
    settled: [],
    maxConcurrency: 0,
    toleratedFailureCount: 0,
    toleratedFailurePercentage: 0,
  };
  return children;
}

function need(scope: ScopeState | undefined, event: ExecutionEvent): ScopeState {
  if (!scope)
    throw new InvariantError(
      `Event ${event.id} (${event.type}) names scope '${event.scope}', which is not running`,
    );
  return scope;
}

function close(state: ExecutionState, event: ExecutionEvent): ExecutionState {
  state.stopTime = event.timestamp;
  for (const id of Object.keys(state.scopes)) if (id !== ROOT_SCOPE) delete state.scopes[id];
  const root = state.scopes[ROOT_SCOPE];
  if (root) {
    root.phase = 'done';
    delete root.task;
    // A Parallel/Map still running when the execution closed (stopped, timed out) keeps its children's outcomes.
    if (root.children) root.retained = root.children;
    delete root.children;
  }
  return state;
}

/**
 * RedriveExecution: the closed execution runs again from where it ended (see shared/execution/redrive.ts, which
 * decides `restart`). The top-level scope enters its state again, or takes back the children it kept, with new
 * scopes for the branches that run again; the Map's iterations to run again wait in `redo`.
 */
function redriveExecution(state: ExecutionState, event: EventOfType<'ExecutionRedriven'>): void {
  state.status = 'RUNNING';
  delete state.error;
  delete state.cause;
  delete state.output;
  delete state.stopTime;
  if (state.execution) {
    state.execution = { ...state.execution, redriveCount: event.redriveCount, redriveTime: event.timestamp };
  }
  if (event.clientToken !== undefined) state.redriveToken = event.clientToken;
  else delete state.redriveToken;
  if (event.timeoutAt !== undefined) state.timeoutAt = event.timeoutAt;
  state.timeoutRef = event.id;
  const root = state.scopes[ROOT_SCOPE];
  if (!root) return;
  root.task = undefined;
  root.waitUntil = undefined;
  root.resume = undefined;
  const restart = event.restart;
  const children = root.retained;
  root.retained = undefined;
  if (restart.kind === 'state' || !children) {
    root.phase = 'ready';
    root.ref = event.id;
    root.children = undefined;
    return;
  }
  root.phase = 'children';
  root.ref = children.startedEventId;
  root.children = children;
  children.running = 0;
  children.failed = 0;
  if (restart.kind === 'parallel') {
    for (const { index, startAt } of restart.branches) {
      const child = newScope(
        childScopeId(children.startedEventId, index),
        startAt,
        root.effectiveInput ?? null,
        event.id,
        index,
      );
      child.parent = root.id;
      child.owner = root.stateName;
      state.scopes[child.id] = child;
      children.running += 1;
    }
    return;
  }
  if (restart.kind === 'map-run') {
    // The same Map Run goes on: its unsuccessful children are redriven first (see `MapRunChildStarted`).
    const rerun = unsuccessfulChildRuns(children);
    children.rerunChildRuns = rerun;
    children.redo = childRunIndexes(rerun);
    children.openChildRuns = emptyChildRunSet();
    delete children.failedChildRuns;
    // A redriven Map Run goes on: the failure it wrote its results for is behind it.
    delete children.failing;
    return;
  }
  delete children.unsuccessful;
  children.redo = restart.indexes;
  children.settled = children.settled.slice();
  for (const index of restart.indexes) children.settled[index] = false;
}

/** A Parallel branch that reaches its end hands its output to the Parallel state (AWS writes no event for it). */
function finishBranch(state: ExecutionState, scope: ScopeState): void {
  if (scope.parent === undefined) return;
  const parent = state.scopes[scope.parent];
  const children = parent?.children;
  if (children?.kind !== 'parallel') return;
  children.results[scope.index] = scope.output ?? null;
  children.settled[scope.index] = true;
  children.running -= 1;
  children.succeeded += 1;
  delete state.scopes[scope.id];
}

function settleChild(
  state: ExecutionState,
  scope: ScopeState | undefined,
  index: number,
  outcome: 'succeeded' | 'failed',
  result: ChildRuns['results'][number],
): void {
  // MapIteration* events name the iteration's scope; MapRunChild* events name the Map's own scope.
  const iteration = scope?.parent !== undefined ? scope : undefined;
  const parent = iteration ? state.scopes[iteration.parent as string] : scope;
  const children = parent?.children;
  if (!children) return;
  // A Map Run whose ResultWriter writes the results keeps none: the child executions hold them.
  if (!writesToS3(children.writer)) children.results[index] = result;
  if (children.kind === 'map-run') {
    if (outcome === 'failed') {
      children.failedChildRuns ??= emptyChildRunSet();
      moveChildRun(children.openChildRuns, children.failedChildRuns, index);
    } else deleteChildRun(children.openChildRuns, index);
  } else children.settled[index] = true;
  if (children.kind === 'map' && outcome === 'failed') {
    children.unsuccessful = [...(children.unsuccessful ?? []), index];
  }
  children.running -= 1;
  if (outcome === 'succeeded') children.succeeded += 1;
  else children.failed += 1;
  if (iteration) {
    removeScope(state, iteration.id);
  }
}

function removeChildren(state: ExecutionState, children: ChildRuns): void {
  for (let index = 0; index < children.nextIndex; index++) {
    removeScope(state, childScopeId(children.startedEventId, index));
  }
}

function removeScope(state: ExecutionState, id: string): void {
  const scope = state.scopes[id];
  if (!scope) return;
  if (scope.children) removeChildren(state, scope.children);
  delete state.scopes[id];
}
