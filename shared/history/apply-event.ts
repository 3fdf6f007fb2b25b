import { assertNever } from '../lib/assert-never.ts';
import type { ExecutionEvent, FailureHandling } from './events.ts';
import { HIDDEN_EVENT_TYPES } from './events.ts';
import {
  type ChildRuns,
  childScopeId,
  createExecutionState,
  type ExecutionState,
  ROOT_SCOPE,
  type ScopeState,
} from './execution-state.ts';

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

  switch (event.type) {
    // The events of every state come first: they are most of any history.
    case 'PassStateEntered':
    case 'TaskStateEntered':
    case 'ChoiceStateEntered':
    case 'WaitStateEntered':
    case 'SucceedStateEntered':
    case 'FailStateEntered':
    case 'ParallelStateEntered':
    case 'MapStateEntered': {
      const s = need(scope, event);
      s.stateName = event.name;
      s.input = event.input;
      s.enteredEventId = event.id;
      s.enteredTime = event.timestamp;
      s.retries = [];
      s.retryCount = 0;
      s.effectiveInput = undefined;
      s.task = undefined;
      s.children = undefined;
      if (event.waitUntil !== undefined) {
        s.phase = 'waiting';
        s.ref = event.id;
        s.waitUntil = event.waitUntil;
      } else {
        s.phase = 'ready';
        s.ref = -1;
      }
      return state;
    }
    case 'PassStateExited':
    case 'TaskStateExited':
    case 'ChoiceStateExited':
    case 'WaitStateExited':
    case 'SucceedStateExited':
    case 'ParallelStateExited':
    case 'MapStateExited': {
      const s = need(scope, event);
      s.effectiveInput = undefined;
      s.task = undefined;
      s.children = undefined;
      s.waitUntil = undefined;
      s.resume = undefined;
      if (event.assigned) s.variables = { ...s.variables, ...event.assigned };
      if (event.next !== null) {
        s.stateName = event.next;
        s.input = event.output;
        s.phase = 'ready';
        s.ref = event.id;
        return state;
      }
      s.phase = 'done';
      s.output = event.output;
      finishBranch(state, s);
      return state;
    }

    case 'ExecutionStarted': {
      state.execution = event.execution;
      state.input = event.input;
      if (event.timeoutAt !== undefined) state.timeoutAt = event.timeoutAt;
      state.scopes[ROOT_SCOPE] = newScope(ROOT_SCOPE, event.startAt, event.input, event.id, 0);
      state.scopes[ROOT_SCOPE].lastEventId = 0;
      return state;
    }
    case 'ExecutionSucceeded':
      state.status = 'SUCCEEDED';
      state.output = event.output;
      return close(state, event);
    case 'ExecutionFailed':
    case 'ExecutionTimedOut':
    case 'ExecutionAborted':
      state.status =
        event.type === 'ExecutionFailed'
          ? 'FAILED'
          : event.type === 'ExecutionTimedOut'
            ? 'TIMED_OUT'
            : 'ABORTED';
      if (event.error) state.error = event.error;
      if (event.cause) state.cause = event.cause;
      return close(state, event);

    case 'TaskScheduled':
    case 'LambdaFunctionScheduled': {
      const s = need(scope, event);
      const legacyLambda = event.type === 'LambdaFunctionScheduled';
      s.phase = 'task';
      s.ref = event.id;
      s.task = {
        target: event.target,
        resourceType: legacyLambda ? 'lambda' : event.resourceType,
        resource: event.resource,
        legacyLambda,
      };
      if (event.type === 'TaskScheduled') {
        if (event.heartbeatInSeconds !== undefined) s.task.heartbeatSeconds = event.heartbeatInSeconds;
        if (event.taskToken !== undefined) s.task.taskToken = event.taskToken;
      }
      return state;
    }
    case 'TaskSubmitted':
      return state;
    case 'TaskHeartbeatReceived': {
      const task = need(scope, event).task;
      if (task) task.heartbeatAt = event.heartbeatAt;
      return state;
    }
    case 'TaskStarted':
    case 'LambdaFunctionStarted': {
      const task = need(scope, event).task;
      if (task) {
        if (event.timeoutAt !== undefined) task.timeoutAt = event.timeoutAt;
        if (event.heartbeatAt !== undefined) task.heartbeatAt = event.heartbeatAt;
      }
      return state;
    }
    case 'TaskSucceeded':
    case 'LambdaFunctionSucceeded': {
      const s = need(scope, event);
      s.task = undefined;
      s.phase = 'ready';
      s.ref = -1;
      return state;
    }
    case 'TaskFailed':
    case 'TaskTimedOut':
    case 'LambdaFunctionFailed':
    case 'LambdaFunctionTimedOut':
    case 'ParallelStateFailed':
    case 'MapStateFailed': {
      const s = need(scope, event);
      s.task = undefined;
      if (s.children) {
        removeChildren(state, s.children);
        s.children = undefined;
      }
      applyHandling(s, event.handling, event);
      return state;
    }
    case 'TaskStateAborted':
    case 'WaitStateAborted':
      return state;
    case 'ParallelStateAborted':
    case 'MapStateAborted': {
      const s = need(scope, event);
      if (s.children) {
        removeChildren(state, s.children);
        s.children = undefined;
      }
      return state;
    }

    case 'ParallelStateStarted': {
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
      return state;
    }
    case 'MapStateStarted': {
      const s = need(scope, event);
      s.phase = 'children';
      s.ref = event.id;
      const children = newChildren(
        event.distributed ? 'map-run' : 'map',
        event.id,
        event.length,
        event.items,
      );
      children.maxConcurrency = event.maxConcurrency;
      children.toleratedFailureCount = event.toleratedFailureCount;
      children.toleratedFailurePercentage = event.toleratedFailurePercentage;
      children.preselected = event.preselected === true;
      s.children = children;
      s.effectiveInput = event.input;
      return state;
    }
    case 'MapRunStarted': {
      const children = need(scope, event).children;
      if (children) children.mapRunArn = event.mapRunArn;
      return state;
    }
    case 'MapIterationStarted': {
      const s = need(scope, event);
      const children = s.children;
      if (!children) return state;
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
      children.nextIndex = event.index + 1;
      children.running += 1;
      return state;
    }
    case 'MapIterationSucceeded':
    case 'MapRunChildSucceeded':
      settleChild(state, scope, event.index, 'succeeded', event.output);
      return state;
    case 'MapIterationFailed':
      settleChild(state, scope, event.index, 'failed', { Error: event.error, Cause: event.cause });
      return state;
    case 'MapRunChildFailed':
      // A tolerated failed child run's entry carries its status, as AWS's child execution results do.
      settleChild(state, scope, event.index, 'failed', {
        Error: event.error,
        Cause: event.cause,
        Status: 'FAILED',
      });
      return state;
    case 'MapIterationAborted':
      return state;
    case 'RetryScheduled': {
      const s = need(scope, event);
      if (s.children) {
        removeChildren(state, s.children);
        s.children = undefined;
      }
      applyHandling(s, { kind: 'retry', retrier: event.retrier, until: event.until }, event);
      // The next attempt's Started event follows the failure that caused the retry.
      s.lastEventId = event.previousEventId;
      return state;
    }
    case 'MapRunChildStarted': {
      const children = need(scope, event).children;
      if (children) {
        children.nextIndex = event.index + 1;
        children.running += 1;
      }
      return state;
    }
    case 'ParallelStateSucceeded':
    case 'MapStateSucceeded': {
      const s = need(scope, event);
      s.children = undefined;
      s.phase = 'resuming';
      s.ref = event.id;
      s.resume = { kind: 'children', result: event.output, prev: event.previousEventId };
      return state;
    }
    case 'EvaluationFailed':
      // A Task's own evaluation failure records its handling here; a Parallel/Map's is in its Failed event.
      if (event.handling && event.handling.kind !== 'propagate')
        applyHandling(need(scope, event), event.handling, event);
      return state;
    case 'MapRunSucceeded':
    case 'MapRunFailed':
    case 'MapRunAborted':
      return state;
    default:
      return assertNever(event, 'event');
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
      s.retries = s.retries.slice();
      s.retries[handling.retrier] = (s.retries[handling.retrier] ?? 0) + 1;
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
    retries: [],
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
    throw new Error(`Event ${event.id} (${event.type}) names scope '${event.scope}', which is not running`);
  return scope;
}

function close(state: ExecutionState, event: ExecutionEvent): ExecutionState {
  state.stopTime = event.timestamp;
  for (const id of Object.keys(state.scopes)) if (id !== ROOT_SCOPE) delete state.scopes[id];
  const root = state.scopes[ROOT_SCOPE];
  if (root) {
    root.phase = 'done';
    delete root.task;
    delete root.children;
  }
  return state;
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
  children.results[index] = result;
  children.settled[index] = true;
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
