import { assertNever } from '../lib/assert-never.ts';
import type { Json } from '../lib/json.ts';
import { type ExecutionEvent, HIDDEN_EVENT_TYPES } from './events.ts';

/** One event as GetExecutionHistory returns it (the AWS SDK's `HistoryEvent`). */
export interface HistoryEvent {
  timestamp: Date;
  type: string;
  id: number;
  previousEventId: number;
  [details: string]: unknown;
}

export interface ProjectionOptions {
  /** GetExecutionHistory's includeExecutionData: false leaves out inputs, outputs and parameters. */
  includeExecutionData?: boolean;
}

const NOT_TRUNCATED = { truncated: false } as const;

/** The events AWS shows, in AWS's shape. */
export function toHistoryEvents(
  events: readonly ExecutionEvent[],
  options: ProjectionOptions = {},
): HistoryEvent[] {
  const out: HistoryEvent[] = [];
  for (const event of events) {
    if (!HIDDEN_EVENT_TYPES.has(event.type)) out.push(toHistoryEvent(event, options));
  }
  return out;
}

export function toHistoryEvent(event: ExecutionEvent, options: ProjectionOptions = {}): HistoryEvent {
  const data = options.includeExecutionData !== false;
  const text = (value: Json) => (data ? JSON.stringify(value) : undefined);
  const base: HistoryEvent = {
    timestamp: new Date(event.timestamp),
    type: event.type,
    id: event.id,
    previousEventId: event.previousEventId,
  };
  const withDetails = (key: string, details: Record<string, unknown>): HistoryEvent => {
    for (const name of Object.keys(details)) if (details[name] === undefined) delete details[name];
    base[key] = details;
    return base;
  };
  // AWS leaves out an error or cause that is absent or empty (a Fail state without Cause, a timeout).
  const failure = (e: { error?: string; cause?: string }) => ({
    error: e.error || undefined,
    cause: e.cause || undefined,
  });

  switch (event.type) {
    case 'ExecutionStarted':
      return withDetails('executionStartedEventDetails', {
        input: text(event.input),
        inputDetails: NOT_TRUNCATED,
        roleArn: event.execution.roleArn,
      });
    case 'ExecutionSucceeded':
      return withDetails('executionSucceededEventDetails', {
        output: text(event.output),
        outputDetails: NOT_TRUNCATED,
      });
    case 'ExecutionFailed':
      return withDetails('executionFailedEventDetails', failure(event));
    case 'ExecutionTimedOut':
      return withDetails('executionTimedOutEventDetails', failure(event));
    case 'ExecutionAborted':
      return withDetails('executionAbortedEventDetails', failure(event));
    case 'PassStateEntered':
    case 'TaskStateEntered':
    case 'ChoiceStateEntered':
    case 'WaitStateEntered':
    case 'SucceedStateEntered':
    case 'FailStateEntered':
    case 'ParallelStateEntered':
    case 'MapStateEntered':
      return withDetails('stateEnteredEventDetails', {
        name: event.name,
        input: text(event.input),
        inputDetails: NOT_TRUNCATED,
      });
    case 'PassStateExited':
    case 'TaskStateExited':
    case 'ChoiceStateExited':
    case 'WaitStateExited':
    case 'SucceedStateExited':
    case 'ParallelStateExited':
    case 'MapStateExited':
      return withDetails('stateExitedEventDetails', {
        name: event.name,
        output: text(event.output),
        outputDetails: NOT_TRUNCATED,
        // AWS writes each assigned value as JSON text (42 → "42").
        assignedVariables: event.assigned && assignedText(event.assigned),
        assignedVariablesDetails: event.assigned && NOT_TRUNCATED,
      });
    case 'TaskScheduled':
      return withDetails('taskScheduledEventDetails', {
        resourceType: event.resourceType,
        resource: event.resource,
        region: event.region,
        parameters: data ? JSON.stringify(event.parameters) : '',
        timeoutInSeconds: event.timeoutInSeconds,
        heartbeatInSeconds: event.heartbeatInSeconds,
      });
    case 'TaskStarted':
      return withDetails('taskStartedEventDetails', {
        resourceType: event.resourceType,
        resource: event.resource,
      });
    case 'TaskSucceeded':
    case 'TaskSubmitted':
      return withDetails(
        event.type === 'TaskSucceeded' ? 'taskSucceededEventDetails' : 'taskSubmittedEventDetails',
        {
          resourceType: event.resourceType,
          resource: event.resource,
          output: text(event.output),
          outputDetails: NOT_TRUNCATED,
        },
      );
    case 'TaskFailed':
    case 'TaskTimedOut':
      return withDetails(
        event.type === 'TaskFailed' ? 'taskFailedEventDetails' : 'taskTimedOutEventDetails',
        {
          resourceType: event.resourceType,
          resource: event.resource,
          ...failure(event),
        },
      );
    case 'LambdaFunctionScheduled':
      return withDetails('lambdaFunctionScheduledEventDetails', {
        resource: event.resource,
        input: text(event.input),
        inputDetails: NOT_TRUNCATED,
        timeoutInSeconds: event.timeoutInSeconds,
      });
    case 'LambdaFunctionStarted':
      return base;
    case 'LambdaFunctionSucceeded':
      return withDetails('lambdaFunctionSucceededEventDetails', {
        output: text(event.output),
        outputDetails: NOT_TRUNCATED,
      });
    case 'LambdaFunctionFailed':
      return withDetails('lambdaFunctionFailedEventDetails', failure(event));
    case 'LambdaFunctionTimedOut':
      return withDetails('lambdaFunctionTimedOutEventDetails', failure(event));
    case 'MapStateStarted':
      return withDetails('mapStateStartedEventDetails', { length: event.length });
    case 'MapIterationStarted':
      return withDetails('mapIterationStartedEventDetails', { name: event.name, index: event.index });
    case 'MapIterationSucceeded':
      return withDetails('mapIterationSucceededEventDetails', { name: event.name, index: event.index });
    case 'MapIterationFailed':
      return withDetails('mapIterationFailedEventDetails', { name: event.name, index: event.index });
    case 'MapIterationAborted':
      return withDetails('mapIterationAbortedEventDetails', { name: event.name, index: event.index });
    case 'MapRunStarted':
      return withDetails('mapRunStartedEventDetails', { mapRunArn: event.mapRunArn });
    case 'MapRunFailed':
      return withDetails('mapRunFailedEventDetails', failure(event));
    case 'EvaluationFailed':
      return withDetails('evaluationFailedEventDetails', {
        error: event.error,
        cause: event.cause,
        location: event.location,
        state: event.state,
      });
    case 'TaskStateAborted':
    case 'WaitStateAborted':
    case 'ParallelStateAborted':
    case 'MapStateAborted':
    case 'ParallelStateStarted':
    case 'ParallelStateSucceeded':
    case 'MapStateSucceeded':
    case 'MapRunSucceeded':
    case 'MapRunAborted':
    case 'ParallelStateFailed':
    case 'MapStateFailed':
      return base;
    case 'MapRunChildStarted':
    case 'MapRunChildSucceeded':
    case 'MapRunChildFailed':
    case 'RetryScheduled':
    case 'TaskHeartbeatReceived':
      throw new Error(`${event.type} is not a history event`);
    default:
      return assertNever(event, 'event');
  }
}

function assignedText(assigned: Record<string, Json>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(assigned)) out[name] = JSON.stringify(value);
  return out;
}
