import { createHash } from 'node:crypto';
import type { TaskRequest, TransitionMessage } from '../execution/messages.ts';
import type { ExecutionInfo, ParentLink } from '../history/events.ts';
import type { ExecutionState } from '../history/execution-state.ts';
import { StatesErrors } from '../language/states-error.ts';
import { isJsonObject, type Json, type JsonObject } from '../lib/json.ts';
import { WIRE_ERRORS } from './api/api-error.ts';
import { nestedStopTransition, taskSubmittedTransition, taskTransition } from './command-messages.ts';
import { type EngineDeps, newUuid } from './engine-deps.ts';
import { type EngineError, isAnsweredError } from './engine-error.ts';
import { parseInput } from './execution-input.ts';
import { keepExpressRun, runExpress } from './express-executions.ts';
import { loadExecution } from './load-execution.ts';
import {
  executionArnOf,
  expressExecutionArnOf,
  parseQualifiedStateMachineArn,
  validateName,
} from './names.ts';
import { sendOutbox } from './outbox.ts';
import type { TaskEnvelope, TaskOutcome, TransitionEnvelope } from './ports.ts';
import { startExecution } from './start-execution.ts';
import { resolveStartTarget } from './state-machine-versions.ts';

/**
 * `arn:aws:states:::states:startExecution[.sync|.sync:2|.waitForTaskToken]`: a Task starts a child execution on
 * Statefold itself, through the engine's own StartExecution. Request-response answers `{ExecutionArn,
 * StartDate}` as AWS does; `.waitForTaskToken` records that answer as TaskSubmitted and waits for the token
 * (which the child receives in its input, as the user writes it); `.sync` and `.sync:2` record it as
 * TaskSubmitted and the child, whose parent link names the task, ends the task when it closes (see
 * `nestedResultTransition`): with its DescribeExecution, Output as text (`.sync`) or as JSON (`.sync:2`), or,
 * if it did not succeed, with States.TaskFailed and that description as the cause. An EXPRESS child of `.sync`
 * runs whole in the task handler (see `runExpressChild`).
 */

type ServiceRequest = Extract<TaskRequest, { kind: 'service' }>;

/** Whether a task request is a nested execution, which the task handler runs through the engine itself. */
export function isNestedExecution(request: TaskRequest): request is ServiceRequest {
  return (
    request.kind === 'service' &&
    !request.sdk &&
    request.service === 'states' &&
    request.action === 'startExecution'
  );
}

/**
 * A request-response start outside the task handler (an EXPRESS run on the engine): the child is started, and
 * the outcome is StartExecution's answer or its error. No name given: a random UUID, as AWS's.
 */
export async function startNestedExecution(deps: EngineDeps, request: ServiceRequest): Promise<TaskOutcome> {
  const parameters = isJsonObject(request.parameters) ? request.parameters : {};
  const stateMachineArn = parameters.StateMachineArn;
  if (typeof stateMachineArn !== 'string') return missingArn(request);
  const requestId = newUuid(deps);
  try {
    const started = await startExecution(deps, {
      stateMachineArn,
      ...(typeof parameters.Name === 'string' ? { name: parameters.Name } : {}),
      input: inputText(parameters.Input),
    });
    return { ok: true, output: startResponse(started, requestId) };
  } catch (error) {
    if (!isAnsweredError(error)) throw error;
    return stepFunctionsFailure(error, requestId);
  }
}

/** The task handler's part: start the child, report the start (or the failure to start) to the parent. */
export async function runNestedExecution(
  deps: EngineDeps,
  task: TaskEnvelope,
  request: ServiceRequest,
): Promise<void> {
  const target = { scope: task.scope, ref: task.ref };
  const report = (outcome: TaskOutcome) =>
    deps.queues.sendTransitions([taskTransition(task.executionArn, target, outcome)]);
  const parameters = isJsonObject(request.parameters) ? request.parameters : {};
  const stateMachineArn = parameters.StateMachineArn;
  if (typeof stateMachineArn !== 'string') return report(missingArn(request));
  const sync = request.pattern === 'sync' || request.pattern === 'sync:2' ? request.pattern : undefined;
  const parent: ParentLink | undefined = sync && {
    executionArn: task.executionArn,
    scope: task.scope,
    ref: task.ref,
    index: 0,
    task: sync,
  };
  const requestId = newUuid(deps);
  const submitted = (response: Json, child?: string) =>
    deps.queues.sendTransitions([taskSubmittedTransition(task.executionArn, target, response, child)]);
  try {
    // A version or alias ARN starts the child through it; the child's ARN and type are its machine's.
    const machineArn = parseQualifiedStateMachineArn(stateMachineArn).stateMachineArn;
    if (sync && (await deps.log.getStateMachine(machineArn))?.type === 'EXPRESS') {
      const express = { stateMachineArn, parameters, sync, requestId };
      return await runExpressChild(deps, express, submitted, report);
    }
    let response: Json | undefined;
    const name = typeof parameters.Name === 'string' ? parameters.Name : defaultChildName(task);
    if (parent && (await resumeOwnChild(deps, executionArnOf(machineArn, name), parent, requestId))) return;
    const started = await startExecution(
      deps,
      {
        stateMachineArn,
        // The same task asking again (a redelivered request) names the same child, which starts once.
        name,
        input: inputText(parameters.Input),
        ...(parent ? { parent } : {}),
      },
      // `.sync`: TaskSubmitted reaches the parent before anything the child sends, its close included.
      sync
        ? async (output) => {
            response = startResponse(output, requestId);
            await submitted(response, output.executionArn);
          }
        : undefined,
    );
    response ??= startResponse(started, requestId);
    if (sync) return;
    // `.waitForTaskToken`: the token is out (in the child's input); the result comes with SendTaskSuccess.
    if (task.taskToken !== undefined) return submitted(response);
    return report({ ok: true, output: response });
  } catch (error) {
    if (!isAnsweredError(error)) throw error;
    return report(stepFunctionsFailure(error, requestId));
  }
}

/**
 * `.sync` or `.sync:2` on an EXPRESS machine: the task waits for the child's end, as on AWS. An EXPRESS
 * execution runs whole in one place (at most five minutes), so the task handler runs it here, in memory, as
 * StartSyncExecution does: TaskSubmitted first (StartExecution's answer), then the child's description as for a
 * STANDARD child. Like every EXPRESS run it is at least once (a task request delivered again runs it again),
 * and nothing stops it (StopExecution does not apply to EXPRESS): a parent whose task ended first drops its
 * result. Its history is kept when its machine's logging is on.
 */
async function runExpressChild(
  deps: EngineDeps,
  start: { stateMachineArn: string; parameters: JsonObject; sync: 'sync' | 'sync:2'; requestId: string },
  submitted: (response: Json, child?: string) => Promise<void>,
  report: (outcome: TaskOutcome) => Promise<void>,
): Promise<void> {
  const { parameters } = start;
  const { machine, revisionId } = await resolveStartTarget(deps, start.stateMachineArn);
  const name = typeof parameters.Name === 'string' ? parameters.Name : newUuid(deps);
  validateName(name);
  const input = inputText(parameters.Input);
  parseInput(input);
  const revision = await deps.log.getRevision(machine.stateMachineArn, revisionId);
  const executionArn = expressExecutionArnOf(machine.stateMachineArn, name);
  const startTime = deps.clock.now();
  await submitted(startResponse({ executionArn, startDate: new Date(startTime) }, start.requestId));
  const result = await runExpress(deps, machine, {
    executionArn,
    name,
    input,
    startTime,
    revisionId,
    roleArn: revision?.roleArn ?? machine.roleArn,
  });
  await keepExpressRun(deps, machine, result);
  await report(
    syncOutcome(
      { executionArn, name, stateMachineArn: machine.stateMachineArn, startTime },
      {
        status: result.status,
        input: null,
        inputText: result.input,
        ...(result.output !== undefined ? { output: JSON.parse(result.output) as Json } : {}),
        ...(result.error !== undefined ? { error: result.error } : {}),
        ...(result.cause !== undefined ? { cause: result.cause } : {}),
        ...(result.stopDate !== undefined ? { stopTime: result.stopDate.getTime() } : {}),
      },
      start.sync,
    ),
  );
}

/**
 * The transition a closed nested `.sync` child sends its parent's task: TaskSucceeded with its description if
 * it succeeded, else States.TaskFailed with the description as the cause (AWS's), whatever ended it.
 */
export async function nestedResultTransition(
  deps: EngineDeps,
  executionArn: string,
  link: ParentLink & { task: 'sync' | 'sync:2' },
): Promise<TransitionEnvelope | undefined> {
  const loaded = await loadExecution(deps.log, executionArn);
  const execution = loaded?.state.execution;
  if (!loaded || !execution || loaded.state.status === 'RUNNING') return undefined;
  const outcome = syncOutcome(execution, loaded.state, link.task);
  return taskTransition(link.executionArn, { scope: link.scope, ref: link.ref }, outcome);
}

/**
 * The task's request delivered again after its `.sync` child started (a crash after the child's first commit):
 * whatever the child has done since, the parent hears of it as it would have, TaskSubmitted first. A child whose
 * first commit closed it may never have sent it: its first sends are finished now. True if the child is this
 * task's.
 */
async function resumeOwnChild(
  deps: EngineDeps,
  childArn: string,
  parent: ParentLink,
  requestId: string,
): Promise<boolean> {
  const loaded = await loadExecution(deps.log, childArn);
  const execution = loaded?.state.execution;
  const link = execution?.parent;
  if (
    !loaded ||
    !execution ||
    link?.executionArn !== parent.executionArn ||
    link.scope !== parent.scope ||
    link.ref !== parent.ref
  ) {
    return false;
  }
  const response = startResponse(
    { executionArn: childArn, startDate: new Date(execution.startTime) },
    requestId,
  );
  await deps.queues.sendTransitions([
    taskSubmittedTransition(parent.executionArn, parent, response, childArn),
  ]);
  if (loaded.lastCommit === 1) {
    const first = loaded.commits.find((commit) => commit.n === 1);
    if (first) await sendOutbox(deps, execution, first);
  } else if (loaded.state.status !== 'RUNNING' && link.task !== undefined) {
    const result = await nestedResultTransition(deps, childArn, { ...link, task: link.task });
    if (result) await deps.queues.sendTransitions([result]);
  }
  return true;
}

/**
 * A nested `.sync` child's start reached a parent that closed meanwhile (stopped before the task heard of its
 * child): the child is stopped, as it would have been had the parent known it.
 */
export async function stopOrphanedChild(deps: EngineDeps, message: TransitionMessage): Promise<void> {
  if (message.type === 'taskSubmitted' && message.child !== undefined) {
    await deps.queues.sendTransitions([nestedStopTransition(message.child)]);
  }
}

/** What a `.sync` task's answer is made of: the child, and how it closed. */
type SyncChild = Pick<ExecutionInfo, 'executionArn' | 'name' | 'stateMachineArn' | 'startTime'>;
type SyncClose = Pick<
  ExecutionState,
  'status' | 'input' | 'inputText' | 'output' | 'error' | 'cause' | 'stopTime'
>;

/**
 * How a `.sync` task ends when its child closed, on the durable engine and in memory alike: TaskSucceeded with
 * the child's description if it succeeded, else States.TaskFailed with that description as the cause (AWS's).
 */
export function syncOutcome(execution: SyncChild, state: SyncClose, pattern: 'sync' | 'sync:2'): TaskOutcome {
  const description = syncDescription(execution, state, pattern);
  return state.status === 'SUCCEEDED'
    ? { ok: true, output: description }
    : { ok: false, error: StatesErrors.TaskFailed, cause: JSON.stringify(description) };
}

/** DescribeExecution as `.sync` gives it: PascalCase, dates as epoch milliseconds; `.sync:2` parses Input/Output. */
export function syncDescription(
  execution: SyncChild,
  state: SyncClose,
  pattern: 'sync' | 'sync:2',
): JsonObject {
  const input = state.inputText ?? JSON.stringify(state.input);
  const asJson = (text: string): Json => (pattern === 'sync:2' ? (JSON.parse(text) as Json) : text);
  const out: JsonObject = {
    ExecutionArn: execution.executionArn,
    Input: asJson(input),
    InputDetails: { Included: true },
    Name: execution.name,
  };
  if (state.status === 'SUCCEEDED') {
    out.Output = asJson(JSON.stringify(state.output ?? null));
    out.OutputDetails = { Included: true };
  }
  if (state.error !== undefined) out.Error = state.error;
  if (state.cause !== undefined) out.Cause = state.cause;
  out.RedriveCount = 0;
  out.RedriveStatus = 'NOT_REDRIVABLE';
  out.RedriveStatusReason = `Execution is ${state.status} and cannot be redriven`;
  out.StartDate = execution.startTime;
  out.StateMachineArn = execution.stateMachineArn;
  out.Status = state.status;
  if (state.stopTime !== undefined) out.StopDate = state.stopTime;
  return out;
}

export function missingArn(request: ServiceRequest): TaskOutcome {
  return {
    ok: false,
    error: StatesErrors.Runtime,
    cause: `The Parameters of a 'states:startExecution' task must have a string 'StateMachineArn', got ${JSON.stringify(request.parameters)}`,
  };
}

/** AWS sends a JSON Input as its text; none is `{}`. */
export function inputText(input: Json | undefined): string {
  if (input === undefined || input === null) return '{}';
  return typeof input === 'string' ? input : JSON.stringify(input);
}

/** A UUID-shaped name derived from the task, so a task request delivered twice starts one child. */
function defaultChildName(task: TaskEnvelope): string {
  const hex = createHash('sha256').update(`${task.executionArn}:${task.scope}:${task.ref}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** StartExecution's answer as the optimized integration gives it, with AWS's HTTP metadata. */
export function startResponse(
  started: { executionArn: string; startDate: Date },
  requestId: string,
): JsonObject {
  const body = { ExecutionArn: started.executionArn, StartDate: started.startDate.getTime() };
  const headers = {
    'Content-Type': 'application/x-amz-json-1.0',
    'x-amzn-RequestId': requestId,
    'Content-Length': String(
      JSON.stringify({ executionArn: started.executionArn, startDate: body.StartDate / 1000 }).length,
    ),
  };
  const all: JsonObject = {};
  for (const [name, value] of Object.entries(headers)) all[name] = [value];
  return {
    ...body,
    SdkHttpMetadata: { AllHttpHeaders: all, HttpHeaders: headers, HttpStatusCode: 200 },
    SdkResponseMetadata: { RequestId: requestId },
  };
}

/**
 * StartExecution's error as AWS names it in the Task: `StepFunctions.<Code>Exception`, Java SDK v1's cause with
 * the HTTP status the API answers that error with.
 */
export function stepFunctionsFailure(error: EngineError, requestId: string): TaskOutcome {
  const name = error.code.endsWith('Exception') ? error.code : `${error.code}Exception`;
  const status = WIRE_ERRORS[error.code].status;
  return {
    ok: false,
    error: `StepFunctions.${name}`,
    cause: `${error.message} (Service: AWSStepFunctions; Status Code: ${status}; Error Code: ${error.code}; Request ID: ${requestId}; Proxy: null)`,
  };
}
