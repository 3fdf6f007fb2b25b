import type { TaskRequest } from '../execution/messages.ts';
import { StatesErrors } from '../language/states-error.ts';
import { isJsonObject } from '../lib/json.ts';
import { isEngineError } from './engine-error.ts';
import { mapInvokeResponse } from './lambda-outcome.ts';
import type { HttpInspector, LambdaInvoker, ServiceCalls, TaskOutcome } from './ports.ts';

/**
 * A task request the task handler (durable) or the in-memory runner performs itself: not an EXPRESS run, not
 * an activity task (a worker performs it).
 */
export type PerformedTask = Exclude<TaskRequest, { kind: 'express' | 'activity' }>;

/** Starts a nested execution for a request-response `states:startExecution` Task (an EXPRESS run's). */
export type NestedExecutions = (request: Extract<PerformedTask, { kind: 'service' }>) => Promise<TaskOutcome>;

/** The ports a task's I/O goes through. Without `services`, only Lambda tasks can run. */
export interface TaskPorts {
  lambda: LambdaInvoker;
  services?: ServiceCalls | undefined;
  /** Without it, a `states:startExecution` Task fails: the in-memory runner has no engine to start it on. */
  nestedExecutions?: NestedExecutions | undefined;
}

/**
 * Performs a task's I/O and says how the task ended, for the durable engine's task handler and the in-memory
 * runner alike. A failed Invoke call fails the task with Lambda's error name, as AWS reports it
 * (`Lambda.<Code>`); a service integration fails with the service's error as the adapter names it; an error
 * that never reached the service (network, credentials) is thrown, for the caller to retry or to report as it
 * sees fit. `executionArn` names the execution for local functions' console output; `inspectHttp` (TestState at
 * TRACE) receives an HTTP Task's request and response.
 */
export async function performTask(
  ports: TaskPorts,
  request: PerformedTask,
  signal?: AbortSignal,
  executionArn?: string,
  inspectHttp?: HttpInspector,
): Promise<TaskOutcome> {
  switch (request.kind) {
    case 'unsupported':
      return {
        ok: false,
        error: StatesErrors.Runtime,
        cause: `Statefold does not support the Task resource '${request.resource}' yet. It runs Lambda functions (arn:aws:lambda:…:function:NAME, arn:aws:states:::lambda:invoke[.waitForTaskToken]) and the service integrations of arn:aws:states:::<service>:<action> and arn:aws:states:::aws-sdk:<service>:<action>.`,
      };
    case 'service':
      return callService(ports, request, signal, inspectHttp);
    case 'items':
      return readItems(ports.services, request, signal);
    case 'results':
      // The durable engine's task handler writes them (see runTaskRequest): it can read the child executions.
      return {
        ok: false,
        error: StatesErrors.ResultWriterFailed,
        cause:
          "Statefold's in-memory runner cannot write a Map Run's results to S3: its child executions are not kept. Run it with statefold start, or remove the ResultWriter.",
      };
    case 'lambda':
      return invokeLambda(ports.lambda, request, signal, executionArn);
  }
}

async function callService(
  ports: TaskPorts,
  request: Extract<PerformedTask, { kind: 'service' }>,
  signal: AbortSignal | undefined,
  inspectHttp?: HttpInspector,
): Promise<TaskOutcome> {
  const services = ports.services;
  const suffix = request.pattern === 'request-response' ? '' : `.${request.pattern}`;
  const name = `${request.sdk ? 'aws-sdk:' : ''}${request.service}:${request.action}${suffix}`;
  if (!request.sdk && request.service === 'states') {
    // An EXPRESS run on the engine starts one (request-response, the only pattern EXPRESS allows).
    if (ports.nestedExecutions && request.pattern === 'request-response')
      return ports.nestedExecutions(request);
    // The durable engine's task handler starts nested executions itself (runNestedExecution); here there is no
    // engine to start them on. Catchable, like any call this runner cannot make.
    return {
      ok: false,
      error: StatesErrors.TaskFailed,
      cause: `Statefold's in-memory runner cannot start nested executions (${name}): they run on the durable engine (statefold start, or a deployment).`,
    };
  }
  if (!services) {
    // Catchable, unlike States.Runtime: a workflow can route around a service this runner cannot reach.
    return {
      ok: false,
      error: StatesErrors.TaskFailed,
      cause: `Statefold cannot call ${name} here: no service integrations are configured for this runner (give it an 'integrations' configuration, or run it with statefold start).`,
    };
  }
  return services.call({
    service: request.service,
    action: request.action,
    sdk: request.sdk,
    pattern: request.pattern,
    parameters: request.parameters,
    ...(signal !== undefined ? { signal } : {}),
    ...(inspectHttp !== undefined ? { inspectHttp } : {}),
  });
}

/** One page of a Distributed Map's ItemReader; the outcome names the page it answers. */
async function readItems(
  services: ServiceCalls | undefined,
  request: Extract<PerformedTask, { kind: 'items' }>,
  signal: AbortSignal | undefined,
): Promise<TaskOutcome> {
  if (!services?.readItems) {
    return {
      ok: false,
      error: StatesErrors.ItemReaderFailed,
      cause: `Statefold cannot read items with s3:${request.resource} here: no service integrations are configured for this runner (give it an 'integrations' configuration with an s3 endpoint, or run it with statefold start).`,
    };
  }
  const outcome = await services.readItems({
    resource: request.resource,
    parameters: request.parameters,
    readerConfig: request.readerConfig,
    cursor: request.cursor,
    maxItems: request.maxItems,
    ...(signal !== undefined ? { signal } : {}),
  });
  return outcome.ok && isJsonObject(outcome.output)
    ? { ok: true, output: { ...outcome.output, page: request.page } }
    : outcome;
}

async function invokeLambda(
  lambda: LambdaInvoker,
  request: Extract<PerformedTask, { kind: 'lambda' }>,
  signal: AbortSignal | undefined,
  executionArn: string | undefined,
): Promise<TaskOutcome> {
  try {
    const response = await lambda.invoke({
      functionName: request.functionName,
      payload: invokePayloadText(request),
      ...(request.invocationType !== undefined ? { invocationType: request.invocationType } : {}),
      ...(request.qualifier !== undefined ? { qualifier: request.qualifier } : {}),
      ...(request.clientContext !== undefined ? { clientContext: request.clientContext } : {}),
      ...(signal !== undefined ? { signal } : {}),
      ...(executionArn !== undefined ? { executionArn } : {}),
    });
    return mapInvokeResponse(response, request.style, request.functionName);
  } catch (error) {
    if (isEngineError(error, 'LambdaServiceFailure')) {
      return { ok: false, error: `Lambda.${error.serviceCode}`, cause: error.message };
    }
    throw error;
  }
}

/**
 * The text Step Functions sends as a Lambda function's event. A legacy function ARN sends the state's input as
 * JSON. `lambda:invoke` sends its Payload, except that a Payload string holding JSON text is sent as that text,
 * unquoted (`"true"` arrives as true, `"0.0"` as the number 0.0), and a null Payload (or none) arrives as `{}`.
 */
export function invokePayloadText(request: Extract<PerformedTask, { kind: 'lambda' }>): string {
  const payload = request.payload;
  if (request.style === 'invoke') {
    if (payload === null) return '{}';
    if (typeof payload === 'string' && isJsonText(payload)) return payload;
  }
  return JSON.stringify(payload);
}

function isJsonText(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
