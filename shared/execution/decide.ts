import { hasChildRun } from '../history/child-run-set.ts';
import type { ExecutionState, ScopeState } from '../history/execution-state.ts';
import { ROOT_SCOPE } from '../history/execution-state.ts';
import { StatesErrors } from '../language/states-error.ts';
import type { StateMachineDefinition } from '../language/types.ts';
import { assertNever } from '../lib/assert-never.ts';
import { compileMachine } from './compile-machine.ts';
import { stopChildRuns, stopNestedExecution } from './flow.ts';
import type { StepEnv, StepResult, TransitionMessage } from './messages.ts';
import { redrive } from './redrive.ts';
import {
  awaitingItems,
  awaitingWrittenResults,
  dropItemsPage,
  failMapRun,
  receiveItemsPage,
  receiveWrittenResults,
  settleChildRun,
  startNextChildren,
} from './states/children.ts';
import { resumeJsonataState } from './states/jsonata-states.ts';
import { failTask, recordActivityScheduled, recordTaskSuccess, startActivity } from './states/task.ts';
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

/** What one type of message does to the execution. */
type Decider<M extends TransitionMessage> = (step: Step, message: M) => void | Promise<void>;

/** One decider per message type: a message type without one is a type error here. */
type Deciders = { [K in TransitionMessage['type']]: Decider<Extract<TransitionMessage, { type: K }>> };

/**
 * `decide` into a Step the caller keeps: a runner that applies one message after another reuses one Step
 * and empties its events and commands between messages (`Step.clear`). JSONPath states decide
 * synchronously; a step that evaluates JSONata (an asynchronous evaluator) returns a promise.
 */
export function decideStep(step: Step, message: TransitionMessage): void | Promise<void> {
  // Once the execution has ended, no message but a (duplicate) start is even looked at.
  if (step.state.status !== 'RUNNING' && message.type !== 'start' && message.type !== 'redrive') return;
  // Nearly every message is an `advance`; a call through the table (a lookup by a varying key, a target V8
  // cannot inline) costs the Pass chain benchmark about a tenth of its speed, so it has a call site of its own.
  if (message.type === 'advance') return decideAdvance(step, message);
  return ((DECIDERS[message.type] ?? rejectMessage) as Decider<TransitionMessage>)(step, message);
}

const DECIDERS: Deciders = {
  start: (step, message) => {
    if (step.state.execution === undefined) start(step, step.machine.definition, message);
  },
  advance: decideAdvance,
  taskSucceeded: decideTaskSucceeded,
  taskFailed: (step, message) => {
    // A Map Run's own task (a page of items, its results written) failing fails the run; a page a failing run
    // asked for is dropped, whatever came of it.
    const reading = awaitingItems(step, message.scope, message.ref);
    if (reading?.children?.failing) return dropItemsPage(step, reading);
    const mapRun = reading ?? awaitingWrittenResults(step, message.scope, message.ref);
    if (mapRun) {
      const prev = mapRun.children?.mapRunStartedEventId ?? mapRun.lastEventId;
      failMapRun(step, mapRun, message.error, message.cause, prev);
      return;
    }
    const scope = awaiting(step.state, message.scope, 'task', message.ref);
    const task = scope && step.stateOf(scope);
    if (scope && task?.Type === 'Task') {
      failTask(step, scope, task, { error: message.error, cause: message.cause });
    }
  },
  taskSubmitted: decideTaskSubmitted,
  activityScheduled: (step, message) => {
    const scope = awaiting(step.state, message.scope, 'task', message.ref);
    if (scope) recordActivityScheduled(step, scope);
  },
  activityStarted: (step, message) => {
    const scope = awaiting(step.state, message.scope, 'task', message.ref);
    if (scope) startActivity(step, scope, message.workerName);
  },
  activityScheduleFailed: (step, message) => {
    const scope = awaiting(step.state, message.scope, 'task', message.ref);
    const task = scope && step.stateOf(scope);
    if (scope?.task?.activity && !scope.task.activity.scheduled && task?.Type === 'Task') {
      failTask(step, scope, task, { error: message.error, cause: message.cause, scheduleFailed: true });
    }
  },
  taskHeartbeat: decideTaskHeartbeat,
  timerFired: fireTimer,
  childSucceeded: (step, message) => settleChild(step, message, { ok: true, output: message.output }),
  childFailed: (step, message) =>
    settleChild(step, message, { ok: false, error: message.error, cause: message.cause }),
  resume: (step, message) => {
    const scope = awaiting(step.state, message.scope, 'resuming', message.ref);
    if (scope) return resumeJsonataState(step, scope);
  },
  stop: (step, message) => {
    // A stopped execution's Map Runs stop their children too.
    for (const scope of Object.values(step.state.scopes)) {
      stopChildRuns(step, scope);
      // …and its nested `.sync` executions theirs.
      stopNestedExecution(step, scope);
    }
    step.emit({
      type: 'ExecutionAborted',
      scope: ROOT_SCOPE,
      previousEventId: 0,
      ...(message.error !== undefined ? { error: message.error } : {}),
      ...(message.cause !== undefined ? { cause: message.cause } : {}),
    });
  },
  updateMapRun: (step, message) => {
    const scope = Object.values(step.state.scopes).find(
      (candidate) => candidate.phase === 'children' && candidate.children?.mapRunArn === message.mapRunArn,
    );
    if (!scope) return;
    const { type: _type, mapRunArn: _arn, ...settings } = message;
    step.emit({ type: 'MapRunUpdated', scope: scope.id, previousEventId: 0, ...settings });
    // A higher MaxConcurrency starts the children it now allows.
    startNextChildren(step, scope, scope.lastEventId);
  },
  redrive: (step, message) => {
    if (step.state.status !== 'RUNNING' && step.state.execution !== undefined)
      redrive(step, message.clientToken);
  },
  fail: (step, message) => {
    step.emit({
      type: 'ExecutionFailed',
      scope: ROOT_SCOPE,
      previousEventId: step.state.lastEventId,
      error: message.error,
      cause: message.cause,
    });
  },
};

function rejectMessage(_step: Step, message: TransitionMessage): never {
  return assertNever(message as never, 'message');
}

type MessageOf<K extends TransitionMessage['type']> = Extract<TransitionMessage, { type: K }>;

function decideAdvance(step: Step, message: MessageOf<'advance'>): void | Promise<void> {
  const scope = awaiting(step.state, message.scope, 'ready', message.ref);
  if (scope) return step.infoOf(scope).evaluator.run(step, scope);
}

function decideTaskSucceeded(step: Step, message: MessageOf<'taskSucceeded'>): void | Promise<void> {
  const reading = awaitingItems(step, message.scope, message.ref, message.output);
  if (reading) return receiveItemsPage(step, reading, message.output);
  const writing = awaitingWrittenResults(step, message.scope, message.ref);
  if (writing) return receiveWrittenResults(step, writing, message.output);
  const scope = awaiting(step.state, message.scope, 'task', message.ref);
  const task = scope && step.stateOf(scope);
  if (!scope || task?.Type !== 'Task' || !scope.task) return;
  const succeeded = recordTaskSuccess(step, scope, message.output);
  return step.infoOf(scope).evaluator.completeTask(step, scope, task, message.output, succeeded);
}

function decideTaskSubmitted(step: Step, message: MessageOf<'taskSubmitted'>): void {
  const scope = awaiting(step.state, message.scope, 'task', message.ref);
  const task = scope?.task;
  if (!scope || !task || task.legacyLambda || task.submitted) return;
  step.emit({
    type: 'TaskSubmitted',
    scope: scope.id,
    previousEventId: scope.lastEventId,
    resourceType: task.resourceType,
    resource: task.resource,
    output: message.output,
  });
}

function decideTaskHeartbeat(step: Step, message: MessageOf<'taskHeartbeat'>): void {
  const scope = awaiting(step.state, message.scope, 'task', message.ref);
  const seconds = scope?.task?.heartbeatSeconds;
  if (!scope || seconds === undefined) return;
  const heartbeatAt = step.now + seconds * 1000;
  step.emit({ type: 'TaskHeartbeatReceived', scope: scope.id, previousEventId: 0, heartbeatAt });
  step.startTimer(scope, message.ref, 'heartbeat', heartbeatAt);
}

/** A Distributed Map child run ended: settled once, and only if it was started. */
function settleChild(
  step: Step,
  message: MessageOf<'childSucceeded' | 'childFailed'>,
  outcome: Parameters<typeof settleChildRun>[3],
): void {
  const scope = awaiting(step.state, message.scope, 'children', message.ref);
  const children = scope?.children;
  if (
    !scope ||
    !children ||
    message.index >= children.nextIndex ||
    !hasChildRun(children.openChildRuns, message.index)
  )
    return;
  settleChildRun(step, scope, message.index, outcome);
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
    ...(message.inputText !== undefined && message.inputText !== JSON.stringify(message.input)
      ? { inputText: message.inputText }
      : {}),
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

function fireTimer(step: Step, message: MessageOf<'timerFired'>): void | Promise<void> {
  const { state } = step;
  switch (message.purpose) {
    case 'executionTimeout':
      // The timer of the execution's start, or of its last redrive (which counts TimeoutSeconds again).
      if (message.ref === (state.timeoutRef ?? 1)) {
        for (const scope of Object.values(state.scopes)) stopNestedExecution(step, scope);
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
      return step.infoOf(scope).evaluator.finishWait(step, scope, wait);
    }
    case 'retry': {
      const scope = awaiting(state, message.scope, 'retrying', message.ref);
      if (!scope) return;
      return step.infoOf(scope).evaluator.retry(step, scope);
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
