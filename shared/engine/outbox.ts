import type { Command, TransitionMessage } from '../execution/messages.ts';
import type { ExecutionEvent, ExecutionInfo } from '../history/events.ts';
import { StatesErrors } from '../language/states-error.ts';
import type { EngineDeps } from './engine-deps.ts';
import type { Commit, ExecutionHead, TaskEnvelope, TimerEnvelope, TransitionEnvelope } from './ports.ts';
import { startChildExecution } from './start-execution.ts';

/**
 * Sends what a stored commit asks for. Everything sent is derived from the commit alone (ids included), so
 * sending it again after a crash sends the same messages: the FIFO queue drops duplicate transitions, and a
 * transition that arrives twice finds its ref already consumed.
 */
export async function sendOutbox(deps: EngineDeps, execution: ExecutionInfo, commit: Commit): Promise<void> {
  const executionArn = execution.executionArn;
  const transitions: TransitionEnvelope[] = commit.outbox.messages.map((message, i) => ({
    executionArn,
    id: `${commit.n}.${i}`,
    message,
  }));
  const tasks: TaskEnvelope[] = [];
  const timers: TimerEnvelope[] = [];
  for (const command of commit.outbox.commands) {
    switch (command.type) {
      case 'runTask':
        tasks.push({
          executionArn,
          scope: command.scope,
          ref: command.ref,
          request: command.request,
          ...(command.taskToken !== undefined ? { taskToken: command.taskToken } : {}),
        });
        break;
      case 'startTimer':
        timers.push({ dueAt: command.dueAt, transition: timerTransition(executionArn, command) });
        break;
      case 'startChildRun':
        await startChildExecution(deps, execution, command);
        break;
    }
  }
  if (commit.outbox.closed) {
    const closing = closingOf(commit.events);
    if (closing) {
      await deps.log.closeHead({
        ...headOf(execution),
        status: CLOSED_STATUS[closing.type],
        stopDate: closing.timestamp,
      });
      if (execution.parent) transitions.push(parentTransition(execution, closing));
    }
  }
  await Promise.all([
    transitions.length > 0 ? deps.queues.sendTransitions(transitions) : undefined,
    tasks.length > 0 ? deps.queues.sendTasks(tasks) : undefined,
    timers.length > 0 ? deps.queues.sendTimers(timers) : undefined,
  ]);
}

function timerTransition(
  executionArn: string,
  command: Extract<Command, { type: 'startTimer' }>,
): TransitionEnvelope {
  const { scope, ref, purpose, dueAt } = command;
  return {
    executionArn,
    id: `timer:${scope}:${ref}:${purpose}:${dueAt}`,
    message: { type: 'timerFired', scope, ref, purpose },
  };
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

function closingOf(events: readonly ExecutionEvent[]): ClosingEvent | undefined {
  return events.find((event): event is ClosingEvent => event.type in CLOSED_STATUS);
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
  };
}

/** A Map Run child closed: its Map Run hears how. */
function parentTransition(execution: ExecutionInfo, event: ClosingEvent): TransitionEnvelope {
  const parent = execution.parent as NonNullable<ExecutionInfo['parent']>;
  const target = { scope: parent.scope, ref: parent.ref, index: parent.index };
  const message: TransitionMessage =
    event.type === 'ExecutionSucceeded'
      ? { type: 'childSucceeded', ...target, output: event.output }
      : {
          type: 'childFailed',
          ...target,
          error:
            event.error ??
            (event.type === 'ExecutionTimedOut' ? StatesErrors.Timeout : StatesErrors.TaskFailed),
          cause: event.cause ?? '',
        };
  return {
    executionArn: parent.executionArn,
    id: `child:${parent.scope}:${parent.ref}:${parent.index}`,
    message,
  };
}
