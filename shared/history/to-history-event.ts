import { assertNever } from '../lib/assert-never.ts';
import { InvariantError } from '../lib/invariant-error.ts';
import type { Json } from '../lib/json.ts';
import {
  type EventOfType,
  type ExecutionEvent,
  type ExecutionEventType,
  HIDDEN_EVENT_TYPES,
  type StateEnteredType,
  type StateExitedType,
} from './events.ts';

/**
 * One event as GetExecutionHistory returns it (the AWS SDK's `HistoryEvent`). The events of one history that
 * have the same timestamp share its Date, whose setters throw: change a copy.
 */
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
  const data = options.includeExecutionData !== false;
  // One value is often several events' text (a state's output is the next state's input): written once.
  texts = new WeakMap();
  try {
    for (const event of events) {
      // States entering and exiting are most of any history: they skip the lookups by type (see applyEvent).
      switch (event.type) {
        case 'PassStateEntered':
        case 'TaskStateEntered':
        case 'ChoiceStateEntered':
        case 'WaitStateEntered':
        case 'SucceedStateEntered':
        case 'FailStateEntered':
        case 'ParallelStateEntered':
        case 'MapStateEntered':
          out.push(projectEntered(event, data));
          continue;
        case 'PassStateExited':
        case 'TaskStateExited':
        case 'ChoiceStateExited':
        case 'WaitStateExited':
        case 'SucceedStateExited':
        case 'ParallelStateExited':
        case 'MapStateExited':
          out.push(projectExited(event, data));
          continue;
      }
      if (!HIDDEN_EVENT_TYPES.has(event.type)) out.push(toHistoryEvent(event, options));
    }
  } finally {
    texts = undefined;
    lastValue = undefined;
    lastText = undefined;
    lastDate = undefined;
    lastTimestamp = Number.NaN;
  }
  return out;
}

/**
 * The last Date built while toHistoryEvents runs: the events of the same millisecond share it (on the virtual
 * clock, most of a run's), as building a Date costs more than the rest of an event.
 */
let lastDate: Date | undefined;
let lastTimestamp = Number.NaN;

function dateOf(timestamp: number): Date {
  if (timestamp === lastTimestamp && lastDate !== undefined) return lastDate;
  if (texts === undefined) return new Date(timestamp);
  lastDate = new SharedDate(timestamp);
  lastTimestamp = timestamp;
  return lastDate;
}

/**
 * A Date several events hold: its setters throw, so that a caller changing one event's timestamp (the library's
 * runExecution hands the events out) cannot change the others'. A copy (`new Date(date)`) is the caller's own.
 * As cheap to build as a Date.
 */
class SharedDate extends Date {}
for (const name of Object.getOwnPropertyNames(Date.prototype)) {
  if (!name.startsWith('set')) continue;
  Object.defineProperty(SharedDate.prototype, name, {
    value(): never {
      throw new TypeError(`Date.${name}: this timestamp is shared by several history events; change a copy`);
    },
  });
}

/** The JSON text of the objects projected so far, while toHistoryEvents runs (events' values never change). */
let texts: WeakMap<object, string> | undefined;
/** The last of them, looked at before `texts`: a state's input is most often the output just written. */
let lastValue: object | undefined;
let lastText: string | undefined;

/** AWS's shape of one type of event; `data` is includeExecutionData. */
type Projector<E extends ExecutionEvent> = (event: E, data: boolean) => HistoryEvent;

/** One projector per event type: an event type without one is a type error here. */
type Projectors = { [K in ExecutionEventType]: Projector<EventOfType<K>> };

export function toHistoryEvent(event: ExecutionEvent, options: ProjectionOptions = {}): HistoryEvent {
  return ((PROJECTORS[event.type] ?? rejectEvent) as Projector<ExecutionEvent>)(
    event,
    options.includeExecutionData !== false,
  );
}

const PROJECTORS: Projectors = {
  ExecutionStarted: (event, data) =>
    withDetails(event, 'executionStartedEventDetails', {
      input: data ? (event.inputText ?? JSON.stringify(event.input)) : undefined,
      inputDetails: NOT_TRUNCATED,
      roleArn: event.execution.roleArn,
      stateMachineAliasArn: event.execution.stateMachineAliasArn,
      stateMachineVersionArn: event.execution.stateMachineVersionArn,
    }),
  ExecutionSucceeded: (event, data) => withOutput(event, 'executionSucceededEventDetails', data),
  ExecutionFailed: withFailure('executionFailedEventDetails'),
  ExecutionTimedOut: withFailure('executionTimedOutEventDetails'),
  ExecutionAborted: withFailure('executionAbortedEventDetails'),
  ExecutionRedriven: (event) =>
    withDetails(event, 'executionRedrivenEventDetails', { redriveCount: event.redriveCount }),
  PassStateEntered: projectEntered,
  TaskStateEntered: projectEntered,
  ChoiceStateEntered: projectEntered,
  WaitStateEntered: projectEntered,
  SucceedStateEntered: projectEntered,
  FailStateEntered: projectEntered,
  ParallelStateEntered: projectEntered,
  MapStateEntered: projectEntered,
  PassStateExited: projectExited,
  TaskStateExited: projectExited,
  ChoiceStateExited: projectExited,
  WaitStateExited: projectExited,
  SucceedStateExited: projectExited,
  ParallelStateExited: projectExited,
  MapStateExited: projectExited,
  TaskScheduled: (event, data) =>
    withDetails(event, 'taskScheduledEventDetails', {
      resourceType: event.resourceType,
      resource: event.resource,
      region: event.region,
      parameters: data ? JSON.stringify(event.parameters) : '',
      timeoutInSeconds: event.timeoutInSeconds,
      heartbeatInSeconds: event.heartbeatInSeconds,
    }),
  TaskStarted: (event) =>
    withDetails(event, 'taskStartedEventDetails', {
      resourceType: event.resourceType,
      resource: event.resource,
    }),
  TaskSucceeded: withTaskOutput('taskSucceededEventDetails'),
  TaskSubmitted: withTaskOutput('taskSubmittedEventDetails'),
  TaskFailed: withTaskFailure('taskFailedEventDetails'),
  TaskTimedOut: withTaskFailure('taskTimedOutEventDetails'),
  ActivityScheduled: (event, data) =>
    withDetails(event, 'activityScheduledEventDetails', {
      resource: event.resource,
      input: text(event.input, data),
      inputDetails: NOT_TRUNCATED,
      timeoutInSeconds: event.timeoutInSeconds,
      heartbeatInSeconds: event.heartbeatInSeconds,
    }),
  ActivityStarted: (event) =>
    withDetails(event, 'activityStartedEventDetails', { workerName: event.workerName || undefined }),
  ActivitySucceeded: (event, data) => withOutput(event, 'activitySucceededEventDetails', data),
  ActivityFailed: withFailure('activityFailedEventDetails'),
  ActivityTimedOut: withFailure('activityTimedOutEventDetails'),
  ActivityScheduleFailed: withFailure('activityScheduleFailedEventDetails'),
  LambdaFunctionScheduled: (event, data) =>
    withDetails(event, 'lambdaFunctionScheduledEventDetails', {
      resource: event.resource,
      input: text(event.input, data),
      inputDetails: NOT_TRUNCATED,
      timeoutInSeconds: event.timeoutInSeconds,
    }),
  LambdaFunctionStarted: baseOf,
  LambdaFunctionSucceeded: (event, data) => withOutput(event, 'lambdaFunctionSucceededEventDetails', data),
  LambdaFunctionFailed: withFailure('lambdaFunctionFailedEventDetails'),
  LambdaFunctionTimedOut: withFailure('lambdaFunctionTimedOutEventDetails'),
  MapStateStarted: (event) => withDetails(event, 'mapStateStartedEventDetails', { length: event.length }),
  MapIterationStarted: withIteration('mapIterationStartedEventDetails'),
  MapIterationSucceeded: withIteration('mapIterationSucceededEventDetails'),
  MapIterationFailed: withIteration('mapIterationFailedEventDetails'),
  MapIterationAborted: withIteration('mapIterationAbortedEventDetails'),
  MapRunStarted: (event) => withDetails(event, 'mapRunStartedEventDetails', { mapRunArn: event.mapRunArn }),
  MapRunRedriven: (event) =>
    withDetails(event, 'mapRunRedrivenEventDetails', {
      mapRunArn: event.mapRunArn,
      redriveCount: event.redriveCount,
    }),
  MapRunFailed: withFailure('mapRunFailedEventDetails'),
  EvaluationFailed: (event) =>
    withDetails(event, 'evaluationFailedEventDetails', {
      error: event.error,
      cause: event.cause,
      location: event.location || undefined,
      state: event.state,
    }),
  // AWS shows these with no details.
  TaskStateAborted: baseOf,
  WaitStateAborted: baseOf,
  ParallelStateAborted: baseOf,
  MapStateAborted: baseOf,
  ParallelStateStarted: baseOf,
  ParallelStateSucceeded: baseOf,
  MapStateSucceeded: baseOf,
  MapRunSucceeded: baseOf,
  MapRunAborted: baseOf,
  ParallelStateFailed: baseOf,
  MapStateFailed: baseOf,
  // Replay's own events (HIDDEN_EVENT_TYPES): toHistoryEvents leaves them out.
  MapRunChildStarted: rejectHidden,
  MapRunChildSucceeded: rejectHidden,
  MapRunItemsRead: rejectHidden,
  MapRunItemsRequested: rejectHidden,
  MapRunFailing: rejectHidden,
  MapRunUpdated: rejectHidden,
  MapRunChildFailed: rejectHidden,
  RetryScheduled: rejectHidden,
  TaskHeartbeatReceived: rejectHidden,
  ActivityScheduling: rejectHidden,
};

function baseOf(event: ExecutionEvent): HistoryEvent {
  return {
    timestamp: dateOf(event.timestamp),
    type: event.type,
    id: event.id,
    previousEventId: event.previousEventId,
  };
}

/** The event with its details under `key`, leaving out the details that are undefined. */
function withDetails(event: ExecutionEvent, key: string, details: Record<string, unknown>): HistoryEvent {
  const base = baseOf(event);
  // Copied rather than `delete`d: deleting a member makes an object slow for every later use.
  const defined: Record<string, unknown> = {};
  for (const name in details) if (details[name] !== undefined) defined[name] = details[name];
  base[key] = defined;
  return base;
}

function text(value: Json, data: boolean): string | undefined {
  if (!data) return undefined;
  if (typeof value !== 'object' || value === null || texts === undefined) return JSON.stringify(value);
  if (value === lastValue) return lastText;
  let written = texts.get(value);
  if (written === undefined) {
    written = JSON.stringify(value);
    texts.set(value, written);
  }
  lastValue = value;
  lastText = written;
  return written;
}

/** AWS leaves out an error or cause that is absent or empty (a Fail state without Cause, a timeout). */
function failure(event: { error?: string; cause?: string }) {
  return { error: event.error || undefined, cause: event.cause || undefined };
}

function withOutput(event: ExecutionEvent & { output: Json }, key: string, data: boolean): HistoryEvent {
  return withDetails(event, key, { output: text(event.output, data), outputDetails: NOT_TRUNCATED });
}

function withFailure(key: string) {
  return (event: ExecutionEvent & { error?: string; cause?: string }) =>
    withDetails(event, key, failure(event));
}

function withTaskOutput(key: string) {
  return (event: EventOfType<'TaskSucceeded' | 'TaskSubmitted'>, data: boolean) =>
    withDetails(event, key, {
      resourceType: event.resourceType,
      resource: event.resource,
      output: text(event.output, data),
      outputDetails: NOT_TRUNCATED,
    });
}

function withTaskFailure(key: string) {
  return (event: EventOfType<'TaskFailed' | 'TaskTimedOut'>) =>
    withDetails(event, key, {
      resourceType: event.resourceType,
      resource: event.resource,
      ...failure(event),
    });
}

function withIteration(key: string) {
  return (event: ExecutionEvent & { name: string; index: number }) =>
    withDetails(event, key, { name: event.name, index: event.index });
}

/** State entries and exits are most of a history: each is built as one literal, its shape always the same. */
function projectEntered(event: EventOfType<StateEnteredType>, data: boolean): HistoryEvent {
  return {
    timestamp: dateOf(event.timestamp),
    type: event.type,
    id: event.id,
    previousEventId: event.previousEventId,
    stateEnteredEventDetails: data
      ? { name: event.name, input: text(event.input, data), inputDetails: NOT_TRUNCATED }
      : { name: event.name, inputDetails: NOT_TRUNCATED },
  };
}

function projectExited(event: EventOfType<StateExitedType>, data: boolean): HistoryEvent {
  // An empty Assign assigns nothing, and AWS records no assignedVariables for it.
  const assigned = event.assigned && hasMembers(event.assigned) ? event.assigned : undefined;
  const details: Record<string, unknown> = data
    ? { name: event.name, output: text(event.output, data), outputDetails: NOT_TRUNCATED }
    : { name: event.name, outputDetails: NOT_TRUNCATED };
  if (assigned) {
    // AWS writes each assigned value as JSON text (42 → "42").
    details.assignedVariables = assignedText(assigned);
    details.assignedVariablesDetails = NOT_TRUNCATED;
  }
  return {
    timestamp: dateOf(event.timestamp),
    type: event.type,
    id: event.id,
    previousEventId: event.previousEventId,
    stateExitedEventDetails: details,
  };
}

function hasMembers(object: Record<string, Json>): boolean {
  for (const _ in object) return true;
  return false;
}

function rejectHidden(event: ExecutionEvent): never {
  throw new InvariantError(`${event.type} is not a history event`);
}

function rejectEvent(event: ExecutionEvent): never {
  return assertNever(event as never, 'event');
}

function assignedText(assigned: Record<string, Json>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(assigned)) out[name] = JSON.stringify(value);
  return out;
}
