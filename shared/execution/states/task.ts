import { applyPayloadTemplate } from '../../dataflow/payload-template.ts';
import type { TaskResource } from '../../history/events.ts';
import type { ScopeState } from '../../history/execution-state.ts';
import { evaluatePath, NOT_FOUND } from '../../jsonpath/paths.ts';
import { inputTooLargeCause, StatesError, StatesErrors } from '../../language/states-error.ts';
import type { TaskState } from '../../language/types.ts';
import { assertNever } from '../../lib/assert-never.ts';
import { InvariantError } from '../../lib/invariant-error.ts';
import { exceedsJsonBytes, isJsonObject, type Json } from '../../lib/json.ts';
import { chooseHandling } from '../error-handling.ts';
import { exitState, handleFailure, nextOf, stopNestedExecution } from '../flow.ts';
import type { MockedInvocation, TaskRequest } from '../messages.ts';
import { attempt, type Step } from '../step.ts';
import { parseTaskResource } from '../task-resource.ts';
import { enterState, failWith } from './enter.ts';
import { processResult } from './state-result.ts';

/**
 * Task: InputPath and Parameters make the request; the task runs outside the step (a `runTask` command)
 * and its result or failure comes back as a message. Timeouts and heartbeats are timers.
 */
interface Timeouts {
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
}

export function runTask(step: Step, scope: ScopeState, state: TaskState): void {
  enterState(step, scope);
  prepareAndSchedule(step, scope, state);
}

/** A retry's backoff ended: AWS evaluates the input again (`$$.State.RetryCount` has moved on) and reschedules. */
export function retryTask(step: Step, scope: ScopeState, state: TaskState): void {
  prepareAndSchedule(step, scope, state);
}

function prepareAndSchedule(step: Step, scope: ScopeState, state: TaskState): void {
  const prepared = attempt(() => {
    const afterInput = step.select(scope, state.InputPath, scope.input);
    step.env.inspect?.('afterInputPath', afterInput);
    const parameters =
      state.Parameters === undefined
        ? afterInput
        : applyPayloadTemplate(state.Parameters, step.sources(scope, afterInput), step.intrinsicEnv());
    step.env.inspect?.('afterParameters', parameters);
    const timeouts: Timeouts = {};
    const timeout = readSeconds(
      step,
      scope,
      afterInput,
      state.TimeoutSeconds,
      state.TimeoutSecondsPath,
      'TimeoutSecondsPath',
    );
    if (timeout !== undefined) timeouts.timeoutSeconds = timeout;
    const heartbeat = readSeconds(
      step,
      scope,
      afterInput,
      state.HeartbeatSeconds,
      state.HeartbeatSecondsPath,
      'HeartbeatSecondsPath',
    );
    if (heartbeat !== undefined) timeouts.heartbeatSeconds = heartbeat;
    return { parameters, timeouts };
  });
  if (!prepared.ok) {
    failWith(step, scope, prepared.error);
    return;
  }
  scheduleTask(step, scope, state, prepared.value.parameters, prepared.value.timeouts);
}

/** Schedules (again, on a retry) the task with its already-prepared input. */
export function scheduleTask(
  step: Step,
  scope: ScopeState,
  state: TaskState,
  parameters: Json,
  timeouts: Timeouts,
): void {
  if (exceedsJsonBytes(parameters)) {
    // The task's input (after Parameters or Arguments) is a payload like any other (AWS's quota names it).
    failWith(
      step,
      scope,
      new StatesError(StatesErrors.DataLimitExceeded, inputTooLargeCause(scope.stateName)),
    );
    return;
  }
  const parsed = step.infoOf(scope).resource ?? parseTaskResource(state.Resource);
  if (parsed.target.kind === 'activity') {
    scheduleActivity(step, scope, parsed.target.activityArn, parameters, timeouts);
    return;
  }
  const request = attempt(() => buildRequest(state.Resource, parsed.target, parameters));
  if (!request.ok) {
    failWith(step, scope, request.error);
    return;
  }
  const timeoutAt =
    timeouts.timeoutSeconds !== undefined ? step.now + timeouts.timeoutSeconds * 1000 : undefined;
  const heartbeatAt =
    timeouts.heartbeatSeconds !== undefined ? step.now + timeouts.heartbeatSeconds * 1000 : undefined;
  const deadlines = {
    ...(timeoutAt !== undefined ? { timeoutAt } : {}),
    ...(heartbeatAt !== undefined ? { heartbeatAt } : {}),
  };
  let scheduledId: number;
  const taskToken = step.infoOf(scope).waitForTaskToken ? step.taskToken(scope) : undefined;
  if (parsed.target.kind === 'lambda-function') {
    const scheduled = step.emit({
      type: 'LambdaFunctionScheduled',
      scope: scope.id,
      previousEventId: scope.lastEventId,
      resource: state.Resource,
      input: parameters,
      ...(timeouts.timeoutSeconds !== undefined ? { timeoutInSeconds: timeouts.timeoutSeconds } : {}),
      target: parsed.target,
    });
    scheduledId = scheduled.id;
    step.emit({
      type: 'LambdaFunctionStarted',
      scope: scope.id,
      previousEventId: scheduled.id,
      ...deadlines,
    });
  } else {
    const scheduled = step.emit({
      type: 'TaskScheduled',
      scope: scope.id,
      previousEventId: scope.lastEventId,
      resourceType: parsed.resourceType,
      resource: parsed.resource,
      region: step.state.execution?.region ?? '',
      parameters,
      ...(timeouts.timeoutSeconds !== undefined ? { timeoutInSeconds: timeouts.timeoutSeconds } : {}),
      ...(timeouts.heartbeatSeconds !== undefined ? { heartbeatInSeconds: timeouts.heartbeatSeconds } : {}),
      target: parsed.target,
      ...(taskToken !== undefined ? { taskToken } : {}),
    });
    scheduledId = scheduled.id;
    step.emit({
      type: 'TaskStarted',
      scope: scope.id,
      previousEventId: scheduled.id,
      resourceType: parsed.resourceType,
      resource: parsed.resource,
      ...deadlines,
    });
  }
  step.commands.push({
    type: 'runTask',
    scope: scope.id,
    ref: scheduledId,
    request: request.value,
    ...(taskToken !== undefined ? { taskToken } : {}),
    ...mockedInvocation(step, scope),
  });
  if (timeoutAt !== undefined) step.startTimer(scope, scheduledId, 'taskTimeout', timeoutAt);
  if (heartbeatAt !== undefined) step.startTimer(scope, scheduledId, 'heartbeat', heartbeatAt);
}

/**
 * An activity task: its queueing is asked for (the hidden ActivityScheduling, with the token a worker will
 * receive); ActivityScheduled follows when the task is in the activity's queue (`recordActivityScheduled`).
 */
function scheduleActivity(
  step: Step,
  scope: ScopeState,
  activityArn: string,
  input: Json,
  timeouts: Timeouts,
): void {
  // A hidden event takes the id of the event before it: that id is this attempt's ref.
  const ref = step.state.lastEventId;
  const taskToken = step.taskToken(scope, ref);
  step.emit({
    type: 'ActivityScheduling',
    scope: scope.id,
    previousEventId: scope.lastEventId,
    resource: activityArn,
    input,
    ...(timeouts.timeoutSeconds !== undefined ? { timeoutInSeconds: timeouts.timeoutSeconds } : {}),
    ...(timeouts.heartbeatSeconds !== undefined ? { heartbeatInSeconds: timeouts.heartbeatSeconds } : {}),
    target: { kind: 'activity', activityArn },
    taskToken,
  });
  // The scheduling time orders the activity's queue; it is the commit's, so a resent outbox sends the same.
  const request: TaskRequest = { kind: 'activity', activityArn, input, scheduledAt: step.now };
  step.commands.push({
    type: 'runTask',
    scope: scope.id,
    ref,
    request,
    taskToken,
    ...mockedInvocation(step, scope),
  });
}

/** In a mocked test case, the invocation just scheduled (its Scheduled event counted it). */
function mockedInvocation(step: Step, scope: ScopeState): { mock?: MockedInvocation } {
  const mockCase = step.state.execution?.mockCase;
  if (!mockCase) return {};
  const count = step.state.invocations?.[scope.stateName] ?? 1;
  return { mock: { ...mockCase, stateName: scope.stateName, invocation: count - 1 } };
}

/**
 * The activity task is in its activity's queue: ActivityScheduled. No clock runs yet: as on AWS, an activity
 * Task does not start until a worker takes its task (a machine-level TimeoutSeconds bounds the wait).
 */
export function recordActivityScheduled(step: Step, scope: ScopeState): void {
  const task = scope.task;
  const progress = task?.activity;
  if (!task || !progress || progress.scheduled) return;
  step.emit({
    type: 'ActivityScheduled',
    scope: scope.id,
    previousEventId: scope.lastEventId,
    resource: task.resource,
    input: progress.input,
    ...(progress.timeoutSeconds !== undefined ? { timeoutInSeconds: progress.timeoutSeconds } : {}),
    ...(task.heartbeatSeconds !== undefined ? { heartbeatInSeconds: task.heartbeatSeconds } : {}),
  });
}

/** A worker took the activity task: ActivityStarted, and the TimeoutSeconds and heartbeat clocks start. */
export function startActivity(step: Step, scope: ScopeState, workerName: string): void {
  const task = scope.task;
  if (!task?.activity?.scheduled || task.activity.started) return;
  const timeoutAt =
    task.activity.timeoutSeconds !== undefined ? step.now + task.activity.timeoutSeconds * 1000 : undefined;
  const heartbeatAt =
    task.heartbeatSeconds !== undefined ? step.now + task.heartbeatSeconds * 1000 : undefined;
  step.emit({
    type: 'ActivityStarted',
    scope: scope.id,
    previousEventId: scope.lastEventId,
    workerName,
    ...(timeoutAt !== undefined ? { timeoutAt } : {}),
    ...(heartbeatAt !== undefined ? { heartbeatAt } : {}),
  });
  if (timeoutAt !== undefined) step.startTimer(scope, scope.ref, 'taskTimeout', timeoutAt);
  if (heartbeatAt !== undefined) step.startTimer(scope, scope.ref, 'heartbeat', heartbeatAt);
}

/** Writes TaskSucceeded (ActivitySucceeded, LambdaFunctionSucceeded); returns its id. */
export function recordTaskSuccess(step: Step, scope: ScopeState, output: Json): number {
  const task = scope.task as NonNullable<ScopeState['task']>;
  if (task.activity) {
    return step.emit({
      type: 'ActivitySucceeded',
      scope: scope.id,
      previousEventId: scope.lastEventId,
      output,
    }).id;
  }
  const succeeded = task.legacyLambda
    ? step.emit({
        type: 'LambdaFunctionSucceeded',
        scope: scope.id,
        previousEventId: scope.lastEventId,
        output,
      })
    : step.emit({
        type: 'TaskSucceeded',
        scope: scope.id,
        previousEventId: scope.lastEventId,
        resourceType: task.resourceType,
        resource: task.resource,
        output,
      });
  return succeeded.id;
}

export function completeTask(
  step: Step,
  scope: ScopeState,
  state: TaskState,
  output: Json,
  succeededId: number,
): void {
  const done = attempt(() => processResult(step, scope, state, output));
  if (!done.ok) {
    failWith(step, scope, done.error);
    return;
  }
  exitState(step, scope, done.value.output, nextOf(state), succeededId, done.value.assigned);
}

export function failTask(
  step: Step,
  scope: ScopeState,
  state: TaskState,
  failure: {
    error: string;
    cause: string;
    timedOut?: 'timeout' | 'heartbeat';
    /** The activity task could not be queued (ActivityScheduleFailed). */
    scheduleFailed?: boolean;
  },
): void {
  const task = scope.task;
  if (!task) return;
  if (failure.timedOut !== undefined) stopNestedExecution(step, scope);
  const handling = chooseHandling(state, scope, failure.error, {
    retriable: true,
    ...(failure.timedOut === 'heartbeat' ? { alias: StatesErrors.HeartbeatTimeout } : {}),
    now: step.now,
    random: step.env.random,
  });
  const common = {
    scope: scope.id,
    previousEventId: scope.lastEventId,
    error: failure.error,
    cause: failure.cause,
    handling,
  };
  const failed = task.activity
    ? step.emit({
        type: failure.scheduleFailed
          ? 'ActivityScheduleFailed'
          : failure.timedOut !== undefined
            ? 'ActivityTimedOut'
            : 'ActivityFailed',
        ...common,
      })
    : task.legacyLambda
      ? step.emit({
          type: failure.timedOut !== undefined ? 'LambdaFunctionTimedOut' : 'LambdaFunctionFailed',
          ...common,
        })
      : step.emit({
          type: failure.timedOut !== undefined ? 'TaskTimedOut' : 'TaskFailed',
          resourceType: task.resourceType,
          resource: task.resource,
          ...common,
        });
  handleFailure(step, scope, handling, failure.error, failure.cause, failed.id);
}

function readSeconds(
  step: Step,
  scope: ScopeState,
  input: Json,
  fixed: number | string | undefined,
  path: string | undefined,
  field: string,
): number | undefined {
  if (typeof fixed === 'number') return fixed;
  if (path === undefined) return undefined;
  const value = evaluatePath(path, step.sources(scope, input));
  if (value === NOT_FOUND || typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new StatesError(
      StatesErrors.Runtime,
      `The ${field} parameter does not reference a valid positive integer: ${value === NOT_FOUND ? path : JSON.stringify(value)}`,
    );
  }
  return value;
}

function buildRequest(resource: string, target: TaskResource, parameters: Json): TaskRequest {
  switch (target.kind) {
    case 'lambda-function':
      return { kind: 'lambda', functionName: resource, payload: parameters, style: 'legacy' };
    case 'unsupported':
      return { kind: 'unsupported', resource };
    case 'activity':
      throw new InvariantError('An activity task is scheduled by scheduleActivity');
    case 'service':
      return {
        kind: 'service',
        service: target.service,
        action: target.action,
        pattern: target.pattern,
        sdk: target.sdk,
        parameters,
      };
    case 'lambda-invoke':
      return buildInvokeRequest(parameters);
    default:
      return assertNever(target, 'task resource');
  }
}

function buildInvokeRequest(parameters: Json): TaskRequest {
  if (!isJsonObject(parameters) || typeof parameters.FunctionName !== 'string') {
    throw new StatesError(
      StatesErrors.Runtime,
      `The Parameters of a 'lambda:invoke' task must be an object with a string 'FunctionName', got ${JSON.stringify(parameters)}`,
    );
  }
  const request: TaskRequest = {
    kind: 'lambda',
    functionName: parameters.FunctionName,
    payload: parameters.Payload === undefined ? {} : parameters.Payload,
    style: 'invoke',
  };
  const invocationType = parameters.InvocationType;
  if (invocationType === 'RequestResponse' || invocationType === 'Event' || invocationType === 'DryRun') {
    request.invocationType = invocationType;
  }
  if (typeof parameters.Qualifier === 'string') request.qualifier = parameters.Qualifier;
  if (typeof parameters.ClientContext === 'string') request.clientContext = parameters.ClientContext;
  return request;
}
