import { mapInvokeResponse, type TaskOutcome } from '../integrations/lambda-result.ts';
import { StatesErrors } from '../language/states-error.ts';
import type { EngineDeps } from './engine-deps.ts';
import { runExpressRequest } from './express-executions.ts';
import { LambdaServiceError, type TaskEnvelope, type TimerEnvelope } from './ports.ts';

/**
 * The task handler's use case: do the task's I/O and report the outcome as a transition. The transition's id
 * names the task (`task:<scope>:<ref>`), so a task request delivered twice reports once, and a report for a
 * task that is no longer pending (timed out, stopped) changes nothing when the step applies it.
 * A `.waitForTaskToken` task reports its submission (or a failure to invoke); its result comes with
 * SendTaskSuccess/Failure.
 */
export async function runTaskRequest(deps: EngineDeps, task: TaskEnvelope): Promise<void> {
  if (task.request.kind === 'express') return runExpressRequest(deps, task.request);
  const outcome = await performTask(deps, task);
  const target = { scope: task.scope, ref: task.ref };
  if (task.taskToken !== undefined && outcome.ok) {
    // The token is out: AWS records TaskSubmitted with the call's response, and waits for the callback.
    await deps.queues.sendTransitions([
      {
        executionArn: task.executionArn,
        id: `submitted:${task.scope}:${task.ref}`,
        message: { type: 'taskSubmitted', ...target, output: outcome.output },
      },
    ]);
    return;
  }
  await deps.queues.sendTransitions([
    {
      executionArn: task.executionArn,
      id: `task:${task.scope}:${task.ref}`,
      message: outcome.ok
        ? { type: 'taskSucceeded', ...target, output: outcome.output }
        : { type: 'taskFailed', ...target, error: outcome.error, cause: outcome.cause },
    },
  ]);
}

async function performTask(deps: EngineDeps, task: TaskEnvelope): Promise<TaskOutcome> {
  const request = task.request;
  if (request.kind !== 'lambda') {
    return {
      ok: false,
      error: StatesErrors.Runtime,
      cause: `Statefold does not support the Task resource '${request.kind === 'unsupported' ? request.resource : request.kind}' yet. It runs Lambda functions (arn:aws:lambda:…:function:NAME, arn:aws:states:::lambda:invoke and arn:aws:states:::lambda:invoke.waitForTaskToken).`,
    };
  }
  try {
    const response = await deps.lambda.invoke({
      functionName: request.functionName,
      payload: request.payload,
      ...(request.invocationType !== undefined ? { invocationType: request.invocationType } : {}),
      ...(request.qualifier !== undefined ? { qualifier: request.qualifier } : {}),
      ...(request.clientContext !== undefined ? { clientContext: request.clientContext } : {}),
    });
    return mapInvokeResponse(response, request.style, request.functionName);
  } catch (error) {
    // A failed Invoke call fails the task with Lambda's error name, as AWS reports it (`Lambda.<Code>`).
    if (error instanceof LambdaServiceError) {
      return { ok: false, error: `Lambda.${error.code}`, cause: error.message };
    }
    throw error;
  }
}

/**
 * The timer handler's use case: a timer message arrived. A due one becomes its transition; one that is not due
 * yet (SQS delays at most 900 s) waits on the timers queue for another hop.
 */
export async function fireTimer(deps: EngineDeps, timer: TimerEnvelope): Promise<void> {
  await deps.queues.sendTimers([timer]);
}
