import type { ExecutionState, ScopeState } from '../history/execution-state.ts';
import { ROOT_SCOPE } from '../history/execution-state.ts';
import { StatesErrors } from '../language/states-error.ts';
import type { StateMachineDefinition } from '../language/types.ts';
import { assertNever } from '../lib/assert-never.ts';
import { compileMachine } from './compile-machine.ts';
import type { StepEnv, StepResult, TransitionMessage } from './messages.ts';
import { retryChildren, runMap, runParallel, settleChildRun } from './states/children.ts';
import {
  completeJsonataTask,
  finishJsonataWait,
  resumeJsonataState,
  retryJsonataState,
  runJsonataState,
} from './states/jsonata-states.ts';
import { finishWait, runChoice, runFail, runPass, runSucceed, runWait } from './states/simple-states.ts';
import { completeTask, failTask, recordTaskSuccess, retryTask, runTask } from './states/task.ts';
import { Step } from './step.ts';

/**
 * The engine's one decision: given the execution's state and one message, the events to append and the
 * commands to send. It reads no clock and no randomness but `env`'s. Each event it builds is applied to
 * `state` at once, so on return `state` is the replay of the log including the new events.
 * A message that is stale or a duplicate (its ref no longer matches) yields no events and no commands.
 */
export async function decide(
  definition: StateMachineDefinition,
  state: ExecutionState,
  message: TransitionMessage,
  env: StepEnv,
): Promise<StepResult> {
  const step = new Step(compileMachine(definition), state, env);
  await decideStep(step, message);
  return step;
}

/**
 * `decide` into a Step the caller keeps: a runner that applies one message after another reuses one Step
 * and empties its events and commands between messages (`Step.clear`). JSONPath states decide
 * synchronously; a step that evaluates JSONata (an asynchronous evaluator) returns a promise.
 */
export function decideStep(step: Step, message: TransitionMessage): void | Promise<void> {
  const { state } = step;
  if (message.type === 'start') {
    if (state.execution === undefined) start(step, step.machine.definition, message);
    return;
  }
  if (state.status !== 'RUNNING') return;
  switch (message.type) {
    case 'advance': {
      const scope = awaiting(state, message.scope, 'ready', message.ref);
      if (!scope) break;
      if (step.infoOf(scope).jsonata) return runJsonataState(step, scope);
      runState(step, scope);
      break;
    }
    case 'taskSucceeded': {
      const scope = awaiting(state, message.scope, 'task', message.ref);
      const task = scope && step.stateOf(scope);
      if (!scope || task?.Type !== 'Task' || !scope.task) break;
      const succeeded = recordTaskSuccess(step, scope, message.output);
      if (step.infoOf(scope).jsonata)
        return completeJsonataTask(step, scope, task, message.output, succeeded);
      completeTask(step, scope, task, message.output, succeeded);
      break;
    }
    case 'taskFailed': {
      const scope = awaiting(state, message.scope, 'task', message.ref);
      const task = scope && step.stateOf(scope);
      if (scope && task?.Type === 'Task') {
        failTask(step, scope, task, { error: message.error, cause: message.cause });
      }
      break;
    }
    case 'taskSubmitted': {
      const scope = awaiting(state, message.scope, 'task', message.ref);
      const task = scope?.task;
      if (!scope || !task || task.legacyLambda) break;
      step.emit({
        type: 'TaskSubmitted',
        scope: scope.id,
        previousEventId: scope.lastEventId,
        resourceType: task.resourceType,
        resource: task.resource,
        output: message.output,
      });
      break;
    }
    case 'taskHeartbeat': {
      const scope = awaiting(state, message.scope, 'task', message.ref);
      const seconds = scope?.task?.heartbeatSeconds;
      if (!scope || seconds === undefined) break;
      const heartbeatAt = step.now + seconds * 1000;
      step.emit({ type: 'TaskHeartbeatReceived', scope: scope.id, previousEventId: 0, heartbeatAt });
      step.startTimer(scope, message.ref, 'heartbeat', heartbeatAt);
      break;
    }
    case 'timerFired':
      return fireTimer(step, message);
    case 'childSucceeded':
    case 'childFailed': {
      const scope = awaiting(state, message.scope, 'children', message.ref);
      if (
        !scope?.children ||
        scope.children.settled[message.index] ||
        message.index >= scope.children.nextIndex
      )
        break;
      settleChildRun(
        step,
        scope,
        message.index,
        message.type === 'childSucceeded'
          ? { ok: true, output: message.output }
          : { ok: false, error: message.error, cause: message.cause },
      );
      break;
    }
    case 'resume': {
      const scope = awaiting(state, message.scope, 'resuming', message.ref);
      if (scope) return resumeJsonataState(step, scope);
      break;
    }
    case 'stop':
      step.emit({
        type: 'ExecutionAborted',
        scope: ROOT_SCOPE,
        previousEventId: 0,
        ...(message.error !== undefined ? { error: message.error } : {}),
        ...(message.cause !== undefined ? { cause: message.cause } : {}),
      });
      break;
    case 'fail':
      step.emit({
        type: 'ExecutionFailed',
        scope: ROOT_SCOPE,
        previousEventId: state.lastEventId,
        error: message.error,
        cause: message.cause,
      });
      break;
    default:
      assertNever(message, 'message');
  }
}

function start(
  step: Step,
  definition: StateMachineDefinition,
  message: Extract<TransitionMessage, { type: 'start' }>,
) {
  const timeoutAt =
    definition.TimeoutSeconds !== undefined
      ? message.execution.startTime + definition.TimeoutSeconds * 1000
      : undefined;
  const started = step.emit({
    type: 'ExecutionStarted',
    scope: ROOT_SCOPE,
    previousEventId: 0,
    input: message.input,
    execution: message.execution,
    startAt: definition.StartAt,
    ...(timeoutAt !== undefined ? { timeoutAt } : {}),
  });
  const root = step.state.scopes[ROOT_SCOPE] as ScopeState;
  step.advance(root, started.id);
  if (timeoutAt !== undefined) step.startTimer(root, started.id, 'executionTimeout', timeoutAt);
}

function awaiting(
  state: ExecutionState,
  id: string,
  phase: ScopeState['phase'],
  ref: number,
): ScopeState | undefined {
  const scope = state.scopes[id];
  return scope && scope.phase === phase && scope.ref === ref ? scope : undefined;
}

function runState(step: Step, scope: ScopeState): void {
  const state = step.stateOf(scope);
  switch (state.Type) {
    case 'Pass':
      runPass(step, scope, state);
      return;
    case 'Task':
      runTask(step, scope, state);
      return;
    case 'Choice':
      runChoice(step, scope, state);
      return;
    case 'Wait':
      runWait(step, scope, state);
      return;
    case 'Succeed':
      runSucceed(step, scope, state);
      return;
    case 'Fail':
      runFail(step, scope, state);
      return;
    case 'Parallel':
      runParallel(step, scope, state);
      return;
    case 'Map':
      runMap(step, scope, state);
      return;
    default:
      assertNever(state, 'state type');
  }
}

function fireTimer(
  step: Step,
  message: Extract<TransitionMessage, { type: 'timerFired' }>,
): void | Promise<void> {
  const { state } = step;
  switch (message.purpose) {
    case 'executionTimeout':
      if (message.ref === 1) {
        step.emit({
          type: 'ExecutionTimedOut',
          scope: ROOT_SCOPE,
          previousEventId: state.lastEventId,
          error: StatesErrors.Timeout,
        });
      }
      return;
    case 'wait': {
      const scope = awaiting(state, message.scope, 'waiting', message.ref);
      const wait = scope && step.stateOf(scope);
      if (!scope || wait?.Type !== 'Wait') return;
      if (step.infoOf(scope).jsonata) return finishJsonataWait(step, scope, wait);
      finishWait(step, scope, wait);
      return;
    }
    case 'retry': {
      const scope = awaiting(state, message.scope, 'retrying', message.ref);
      if (!scope) return;
      const definition = step.stateOf(scope);
      if (step.infoOf(scope).jsonata) return retryJsonataState(step, scope);
      if (definition.Type === 'Task') retryTask(step, scope, definition);
      else retryChildren(step, scope);
      return;
    }
    case 'taskTimeout':
    case 'heartbeat': {
      const scope = awaiting(state, message.scope, 'task', message.ref);
      const task = scope && step.stateOf(scope);
      if (!scope || task?.Type !== 'Task') return;
      // A heartbeat received since this timer was set moved the deadline on (and set a timer for it).
      if (message.purpose === 'heartbeat' && (scope.task?.heartbeatAt ?? 0) > step.now) return;
      failTask(step, scope, task, {
        // AWS's TaskTimedOut has no cause; a catcher sees `"Cause": ""`.
        error: StatesErrors.Timeout,
        cause: '',
        timedOut: message.purpose === 'heartbeat' ? 'heartbeat' : 'timeout',
      });
      return;
    }
    default:
      assertNever(message.purpose, 'timer purpose');
  }
}
