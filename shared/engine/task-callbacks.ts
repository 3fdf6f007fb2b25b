import { decodeTaskToken, type TaskTokenFields } from '../execution/task-token.ts';
import type { ScopeState } from '../history/execution-state.ts';
import type { Json } from '../lib/json.ts';
import { MAX_PAYLOAD_BYTES, utf8Length } from '../lib/json.ts';
import { findExcessiveNesting, nestingTooDeepMessage } from '../lib/json-depth.ts';
import { type EngineDeps, newUuid } from './engine-deps.ts';
import { EngineError } from './engine-error.ts';
import { checkErrorAndCause } from './executions.ts';
import { loadExecution } from './load-execution.ts';

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
  const scope = loaded.state.scopes[fields.scope];
  const waiting =
    loaded.state.status === 'RUNNING' &&
    scope?.phase === 'task' &&
    scope.ref === fields.ref &&
    scope.task?.taskToken === token;
  if (!waiting || !scope) {
    // The task closed (it succeeded, failed, timed out, or its execution ended) or the token was never issued.
    throw new EngineError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
  }
  return { fields, scope };
}

function parseOutput(text: string): Json {
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
