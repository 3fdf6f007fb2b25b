import { randomUUID } from 'node:crypto';
import type { TaskRequest } from '../execution/messages.ts';
import { decodeTaskToken, type TaskTokenFields } from '../execution/task-token.ts';
import type { ExecutionState, ScopeState } from '../history/execution-state.ts';
import { isJsonObject, type Json, MAX_PAYLOAD_BYTES, utf8Length } from '../lib/json.ts';
import { findExcessiveNesting, nestingTooDeepMessage } from '../lib/json-depth.ts';
import { WIRE_ERRORS } from './api/api-error.ts';
import { type EngineDeps, newUuid } from './engine-deps.ts';
import { EngineError, isAnsweredError } from './engine-error.ts';
import { checkErrorAndCause } from './executions.ts';
import { loadExecution } from './load-execution.ts';
import type { TaskOutcome } from './ports.ts';

/**
 * SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat. The token names its execution, scope and TaskScheduled
 * event; the call checks that this very task is still waiting, then sends the result as a transition (the step
 * that applies it checks again, so a result racing a timeout or a stop is dropped, never applied twice).
 */
export async function sendTaskSuccess(
  deps: EngineDeps,
  request: { taskToken: string; output: string },
): Promise<void> {
  const output = parseOutput(request.output);
  const { fields } = await pendingTask(deps, request.taskToken);
  await deps.queues.sendTransitions([
    {
      executionArn: fields.executionArn,
      id: `task:${fields.scope}:${fields.ref}`,
      message: { type: 'taskSucceeded', scope: fields.scope, ref: fields.ref, output },
    },
  ]);
}

export async function sendTaskFailure(
  deps: EngineDeps,
  request: { taskToken: string; error?: string; cause?: string },
): Promise<void> {
  checkErrorAndCause(request);
  const { fields } = await pendingTask(deps, request.taskToken);
  await deps.queues.sendTransitions([
    {
      executionArn: fields.executionArn,
      id: `task:${fields.scope}:${fields.ref}`,
      message: {
        type: 'taskFailed',
        scope: fields.scope,
        ref: fields.ref,
        error: request.error ?? '',
        cause: request.cause ?? '',
      },
    },
  ]);
}

export async function sendTaskHeartbeat(deps: EngineDeps, request: { taskToken: string }): Promise<void> {
  const { fields, scope } = await pendingTask(deps, request.taskToken);
  // Without HeartbeatSeconds there is no clock to reset: nothing to record.
  if (scope.task?.heartbeatSeconds === undefined) return;
  await deps.queues.sendTransitions([
    {
      executionArn: fields.executionArn,
      id: `heartbeat:${fields.scope}:${fields.ref}:${newUuid(deps)}`,
      message: { type: 'taskHeartbeat', scope: fields.scope, ref: fields.ref },
    },
  ]);
}

async function pendingTask(
  deps: EngineDeps,
  token: string,
): Promise<{ fields: TaskTokenFields; scope: ScopeState }> {
  if (typeof token !== 'string' || token.length < 1 || token.length > 2048) {
    throw new EngineError('InvalidToken', 'Invalid Token: the task token must be 1 to 2048 characters');
  }
  const fields = decodeTaskToken(token);
  if (!fields) throw new EngineError('InvalidToken', `Invalid Token: '${token}'`);
  const loaded = await loadExecution(deps.log, fields.executionArn);
  if (!loaded) throw new EngineError('TaskDoesNotExist', `Task Does Not Exist: '${token}'`);
  return { fields, scope: waitingScope(loaded.state, fields, token) };
}

/**
 * The scope whose task `token` answers, when that task still waits in `state` (the durable engine's or an
 * in-memory run's); TaskTimedOut when it closed (it succeeded, failed, timed out, or its execution ended) or the
 * token was never issued.
 */
export function waitingScope(
  state: ExecutionState | undefined,
  fields: TaskTokenFields,
  token: string,
): ScopeState {
  const scope = state?.scopes[fields.scope];
  const waiting =
    state?.status === 'RUNNING' &&
    scope?.phase === 'task' &&
    scope.ref === fields.ref &&
    scope.task?.taskToken === token;
  if (!waiting || !scope) {
    throw new EngineError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
  }
  return scope;
}

export function parseOutput(text: string): Json {
  if (typeof text !== 'string' || utf8Length(text) > MAX_PAYLOAD_BYTES) {
    throw new EngineError(
      'InvalidOutput',
      'Invalid Output: the output must be JSON text of at most 262144 bytes',
    );
  }
  const depth = findExcessiveNesting(text);
  if (depth !== undefined)
    throw new EngineError('InvalidOutput', `Invalid Output: '${nestingTooDeepMessage(depth)}'`);
  try {
    return JSON.parse(text) as Json;
  } catch (error) {
    throw new EngineError('InvalidOutput', `Invalid Output: '${(error as Error).message}'`, { cause: error });
  }
}

/** A Task of the AWS SDK form that answers a task token: `arn:aws:states:::aws-sdk:sfn:sendTask…`. */
export type SdkCallback =
  | { action: 'sendTaskSuccess'; taskToken: string; output: string }
  | { action: 'sendTaskFailure'; taskToken: string; error?: string; cause?: string }
  | { action: 'sendTaskHeartbeat'; taskToken: string };

/**
 * The callback a Task sends, when it is `aws-sdk:sfn:sendTaskSuccess`, `sendTaskFailure` or `sendTaskHeartbeat`
 * with a token Statefold made (the AWS pattern: a child execution answers its parent's token). No other Step
 * Functions knows Statefold's tokens, so Statefold answers such a Task itself; any other token goes to the
 * service as the Task names it. `Output` given as JSON (not as its text) is sent as its text.
 */
export function sdkCallbackOf(request: TaskRequest): SdkCallback | undefined {
  if (request.kind !== 'service' || !request.sdk || request.service !== 'sfn') return undefined;
  const parameters = isJsonObject(request.parameters) ? request.parameters : {};
  const taskToken = parameters.TaskToken;
  if (typeof taskToken !== 'string' || decodeTaskToken(taskToken) === undefined) return undefined;
  const text = (name: string) => {
    const value = parameters[name];
    return value === undefined || typeof value === 'string' ? value : JSON.stringify(value);
  };
  switch (request.action) {
    case 'sendTaskSuccess':
      return { action: 'sendTaskSuccess', taskToken, output: text('Output') as string };
    case 'sendTaskFailure': {
      const error = text('Error');
      const cause = text('Cause');
      return {
        action: 'sendTaskFailure',
        taskToken,
        ...(error !== undefined ? { error } : {}),
        ...(cause !== undefined ? { cause } : {}),
      };
    }
    case 'sendTaskHeartbeat':
      return { action: 'sendTaskHeartbeat', taskToken };
    default:
      return undefined;
  }
}

/**
 * How an `aws-sdk:sfn:sendTask…` Task ends: the action's empty response, or its error as the AWS SDK form
 * names it (`Sfn.TaskTimedOutException`, the cause in the Java SDK v2's words).
 */
export function sdkCallbackOutcome(error?: EngineError): TaskOutcome {
  if (error === undefined) return { ok: true, output: {} };
  const name = error.code.endsWith('Exception') ? error.code : `${error.code}Exception`;
  return {
    ok: false,
    error: `Sfn.${name}`,
    cause: `${error.message} (Service: Sfn, Status Code: ${WIRE_ERRORS[error.code].status}, Request ID: ${randomUUID()})`,
  };
}

/** The durable engine's answer to an `aws-sdk:sfn:sendTask…` Task with one of its tokens. */
export async function answerSdkCallback(deps: EngineDeps, callback: SdkCallback): Promise<TaskOutcome> {
  try {
    switch (callback.action) {
      case 'sendTaskSuccess':
        await sendTaskSuccess(deps, callback);
        break;
      case 'sendTaskFailure':
        await sendTaskFailure(deps, callback);
        break;
      case 'sendTaskHeartbeat':
        await sendTaskHeartbeat(deps, callback);
        break;
    }
    return sdkCallbackOutcome();
  } catch (error) {
    return sdkCallbackFailure(error);
  }
}

/**
 * A sendTask… Task's failure: an error the API would answer (a closed task, a bad output) fails it as the AWS SDK
 * form names it; any other (DynamoDB or SQS failing) is not the Task's and is thrown, to be retried.
 */
export function sdkCallbackFailure(error: unknown): TaskOutcome {
  if (!isAnsweredError(error)) throw error;
  return sdkCallbackOutcome(error);
}
