import type { ExecutionEvent, ExecutionInfo } from '../history/events.ts';
import {
  type ChildClosing,
  childRedriveTransition,
  childStartTransition,
  childStopTransition,
  nestedStopTransition,
  timerTransition,
} from './command-messages.ts';
import type { EngineDeps } from './engine-deps.ts';
import type {
  Commit,
  ExecutionHead,
  RecordEnvelope,
  TaskEnvelope,
  TimerEnvelope,
  TransitionEnvelope,
} from './ports.ts';

/**
 * Sends what a stored commit asks for, and only sends: every effect (a transition, a task, a timer, a child
 * run's start, the execution's listing, a Map Run's record, the parent told that a child closed) is a queued
 * message. Everything sent is derived from the commit alone (ids included), so sending it again after a crash
 * sends the same messages: the FIFO queue drops duplicate transitions, a transition that arrives twice finds
 * its ref already consumed, and a listing or a Map Run record applied twice changes nothing (applyRecord).
 */
export async function sendOutbox(
  deps: EngineDeps,
  execution: ExecutionInfo,
  commit: Commit,
  /**
   * The reconciler's, sending a commit's outbox again long after: each transition's id and each task request
   * (TaskEnvelope.resend) carries it, so SQS's FIFO deduplication does not drop them as twins of the messages
   * that were lost. What applies them still applies each once: a message whose ref is consumed changes nothing.
   */
  resend?: string,
): Promise<void> {
  const executionArn = execution.executionArn;
  const transitions: TransitionEnvelope[] = commit.outbox.messages.map((message, i) => ({
    executionArn,
    id: `${commit.n}.${i}`,
    message,
  }));
  const tasks: TaskEnvelope[] = [];
  const timers: TimerEnvelope[] = [];
  const records = recordsOf(execution, commit).map((record) =>
    resend === undefined || record.record !== 'listing' ? record : { ...record, resend },
  );
  for (const command of commit.outbox.commands) {
    switch (command.type) {
      case 'runTask':
        tasks.push({
          executionArn,
          scope: command.scope,
          ref: command.ref,
          request: command.request,
          ...(command.taskToken !== undefined ? { taskToken: command.taskToken } : {}),
          ...(command.mock !== undefined ? { mock: command.mock } : {}),
          ...(resend !== undefined ? { resend } : {}),
        });
        break;
      case 'startTimer':
        timers.push({
          dueAt: command.dueAt,
          armedAt: deps.clock.now(),
          transition: timerTransition(executionArn, command),
        });
        break;
      case 'startChildRun':
        transitions.push(childStartTransition(execution, command, deps.clock.now()));
        break;
      case 'stopChildRun':
        transitions.push(childStopTransition(execution, command));
        break;
      case 'redriveChildRun':
        transitions.push(childRedriveTransition(execution, command));
        break;
      case 'stopExecution':
        transitions.push(nestedStopTransition(command.executionArn));
        break;
    }
  }
  const sent =
    resend === undefined
      ? transitions
      : transitions.map((envelope) => ({ ...envelope, id: `${envelope.id}:${resend}` }));
  await Promise.all([
    sent.length > 0 ? deps.queues.sendTransitions(sent) : undefined,
    tasks.length > 0 ? deps.queues.sendTasks(tasks) : undefined,
    timers.length > 0 ? deps.queues.sendTimers(timers) : undefined,
    records.length > 0 ? deps.queues.sendRecords(records) : undefined,
  ]);
}

/** The records a commit sends: its Map Runs' records, and the listing it asks for (listingOf). */
export function recordsOf(execution: ExecutionInfo, commit: Commit): RecordEnvelope[] {
  const records: RecordEnvelope[] = [];
  // A Map Run started: its record says where DescribeMapRun finds it.
  for (const event of commit.events) {
    if (event.type === 'MapRunStarted') {
      records.push({
        record: 'mapRun',
        executionArn: execution.executionArn,
        mapRun: {
          mapRunArn: event.mapRunArn,
          executionArn: execution.executionArn,
          startDate: event.timestamp,
        },
      });
    }
  }
  const listing = listingOf(execution, commit);
  if (listing) records.push(listing);
  return records;
}

/**
 * The listing a commit asks for, if any: closed by its closing commit (and then the parent, if any, told), RUNNING
 * again by a redrive's, and, for a Distributed Map's child, written by its first commit (its only listing write
 * when that commit closes it). StartExecution lists the other executions itself, before their first commit.
 */
function listingOf(
  execution: ExecutionInfo,
  commit: Commit,
): Extract<RecordEnvelope, { record: 'listing' }> | undefined {
  const redriven = commit.events.find((event) => event.type === 'ExecutionRedriven');
  if (redriven) {
    execution = { ...execution, redriveCount: redriven.redriveCount, redriveTime: redriven.timestamp };
  }
  const base = { record: 'listing' as const, executionArn: execution.executionArn, asOf: commit.n };
  const closing = commit.outbox.closed ? closingOf(commit.events) : undefined;
  if (closing) {
    const { timestamp, ...closed } = closing;
    const head: ExecutionHead = { ...headOf(execution), status: closing.status, stopDate: timestamp };
    const result = execution.mapRunArn !== undefined ? resultOf(commit) : undefined;
    if (result) head.result = result;
    const parent = execution.parent;
    return { ...base, head, ...(parent ? { closed: { parent, ...closed } } : {}) };
  }
  if (redriven || (commit.n === 1 && execution.mapRunArn !== undefined)) {
    return { ...base, head: headOf(execution) };
  }
  return undefined;
}

/** The most of a child's input and output (UTF-8 bytes) its listing may carry: its entry takes one write unit. */
const LISTED_RESULT_BYTES = 1024;

/**
 * The input and output of an execution that started and succeeded in this commit (a Map Run child of a Pass or
 * inline processor), as DescribeExecution gives them, when they are short enough for its listing.
 */
function resultOf(commit: Commit): ExecutionHead['result'] {
  let input: string | undefined;
  let output: string | undefined;
  for (const event of commit.events) {
    if (event.type === 'ExecutionStarted') input = event.inputText ?? JSON.stringify(event.input);
    if (event.type === 'ExecutionSucceeded') output = JSON.stringify(event.output ?? null);
  }
  if (input === undefined || output === undefined) return undefined;
  return Buffer.byteLength(input) + Buffer.byteLength(output) <= LISTED_RESULT_BYTES
    ? { input, output }
    : undefined;
}

type ClosingEvent = Extract<
  ExecutionEvent,
  { type: 'ExecutionSucceeded' | 'ExecutionFailed' | 'ExecutionTimedOut' | 'ExecutionAborted' }
>;

const CLOSED_STATUS = {
  ExecutionSucceeded: 'SUCCEEDED',
  ExecutionFailed: 'FAILED',
  ExecutionTimedOut: 'TIMED_OUT',
  ExecutionAborted: 'ABORTED',
} as const;

/** How the commit's events closed the execution, if they did. */
function closingOf(events: readonly ExecutionEvent[]): (ChildClosing & { timestamp: number }) | undefined {
  const event = events.find((candidate): candidate is ClosingEvent => candidate.type in CLOSED_STATUS);
  if (!event) return undefined;
  const status = CLOSED_STATUS[event.type];
  if (event.type === 'ExecutionSucceeded')
    return { status, output: event.output, timestamp: event.timestamp };
  return {
    status,
    timestamp: event.timestamp,
    ...(event.error !== undefined ? { error: event.error } : {}),
    ...(event.cause !== undefined ? { cause: event.cause } : {}),
  };
}

/** The execution's listing entry while it runs. */
export function headOf(execution: ExecutionInfo): ExecutionHead {
  return {
    executionArn: execution.executionArn,
    stateMachineArn: execution.stateMachineArn,
    name: execution.name,
    status: 'RUNNING',
    startDate: execution.startTime,
    ...(execution.mapRunArn !== undefined ? { mapRunArn: execution.mapRunArn } : {}),
    ...(execution.redriveCount !== undefined ? { redriveCount: execution.redriveCount } : {}),
    ...(execution.redriveTime !== undefined ? { redriveDate: execution.redriveTime } : {}),
    ...(execution.stateMachineVersionArn !== undefined
      ? { stateMachineVersionArn: execution.stateMachineVersionArn }
      : {}),
    ...(execution.stateMachineAliasArn !== undefined
      ? { stateMachineAliasArn: execution.stateMachineAliasArn }
      : {}),
  };
}
