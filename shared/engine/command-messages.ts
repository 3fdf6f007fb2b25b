import type { Command, TransitionMessage } from '../execution/messages.ts';
import type { ExecutionInfo, ParentLink } from '../history/events.ts';
import { StatesErrors } from '../language/states-error.ts';
import type { Json } from '../lib/json.ts';
import { childInfo } from './child-runs.ts';
import type { ClosedChild, TaskOutcome, TransitionEnvelope } from './ports.ts';

/**
 * What each command a step emits comes back as: the transition message (and, for the durable engine, the
 * envelope with its deterministic id) that tells the execution the command is done. The durable engine's
 * outbox and task handler and the in-memory runner all map commands here, so both deliver the same messages.
 */

type TimerCommand = Extract<Command, { type: 'startTimer' }>;
type ChildRunCommand = Extract<Command, { type: 'startChildRun' }>;

/** Stops a Map Run's child that is still running (its Map Run ended or its parent stopped). */
export function childStopTransition(
  parent: ExecutionInfo,
  command: Extract<Command, { type: 'stopChildRun' }>,
): TransitionEnvelope {
  const child = childInfo(parent, command.mapRunArn, command.executionName, 0, '');
  return {
    executionArn: child.executionArn,
    // Each attempt of the parent (a redrive) stops its children anew.
    id: `stop:map-run${attemptSuffix(parent.redriveCount)}`,
    message: { type: 'stop', cause: `The Map Run ${command.mapRunArn} was aborted.` },
  };
}

/** A redriven Map Run redrives its child that did not succeed: the child's own RedriveExecution. */
export function childRedriveTransition(
  parent: ExecutionInfo,
  command: Extract<Command, { type: 'redriveChildRun' }>,
): TransitionEnvelope {
  const child = childInfo(parent, command.mapRunArn, command.executionName, 0, '');
  return {
    executionArn: child.executionArn,
    id: `redrive:map-run${attemptSuffix(parent.redriveCount)}`,
    message: { type: 'redrive' },
  };
}

/** Messages of a redriven execution's attempt: ids of their own, so none passes for the first attempt's. */
function attemptSuffix(redriveCount: number | undefined): string {
  return redriveCount ? `:r${redriveCount}` : '';
}

/** Stops a nested `.sync` execution whose parent's task ended first (the parent stopped, timed out, aborted it). */
export function nestedStopTransition(executionArn: string): TransitionEnvelope {
  return { executionArn, id: 'stop:parent', message: { type: 'stop' } };
}

/** The message a timer delivers when it fires. */
export function timerMessage(command: TimerCommand): TransitionMessage {
  return { type: 'timerFired', scope: command.scope, ref: command.ref, purpose: command.purpose };
}

/** A timer's transition, due at `command.dueAt`. Its id names the timer, so re-arming it sends one message. */
export function timerTransition(executionArn: string, command: TimerCommand): TransitionEnvelope {
  const { scope, ref, purpose, dueAt } = command;
  return { executionArn, id: `timer:${scope}:${ref}:${purpose}:${dueAt}`, message: timerMessage(command) };
}

/** How a task ended, as the message that ends its Task state. */
export function taskOutcomeMessage(
  task: { scope: string; ref: number },
  outcome: TaskOutcome,
): TransitionMessage {
  // Only the task's address: a command passed as `task` must not lend the message its other members.
  const target = { scope: task.scope, ref: task.ref };
  return outcome.ok
    ? { type: 'taskSucceeded', ...target, output: outcome.output }
    : { type: 'taskFailed', ...target, error: outcome.error, cause: outcome.cause };
}

/** A task's result as a transition; the id names the task, so a task run twice reports once. */
export function taskTransition(
  executionArn: string,
  target: { scope: string; ref: number },
  outcome: TaskOutcome,
  /** An ItemReader's page: each page of one Map Run is a task of its own. */
  page?: number,
): TransitionEnvelope {
  return {
    executionArn,
    id: `task:${target.scope}:${target.ref}${page === undefined ? '' : `:page${page}`}`,
    message: taskOutcomeMessage(target, outcome),
  };
}

/** A `.waitForTaskToken` task's call went through: the token is out, and its result comes by callback. */
export function taskSubmittedTransition(
  executionArn: string,
  target: { scope: string; ref: number },
  output: Json,
  /** A nested `.sync` execution's ARN. */
  child?: string,
): TransitionEnvelope {
  return {
    executionArn,
    id: `submitted:${target.scope}:${target.ref}`,
    message: {
      type: 'taskSubmitted',
      scope: target.scope,
      ref: target.ref,
      output,
      ...(child !== undefined ? { child } : {}),
    },
  };
}

/** A Distributed Map child's identity: an execution of the Map's ItemProcessor linked to its Map Run. */
function childExecutionInfo(parent: ExecutionInfo, command: ChildRunCommand, now: number): ExecutionInfo {
  return childInfo(parent, command.mapRunArn, command.executionName, now, command.mapState, {
    executionArn: parent.executionArn,
    scope: command.scope,
    ref: command.ref,
    index: command.index,
  });
}

/** The message that starts a child run, sent to the child execution itself (its own message group). */
export function childStartTransition(
  parent: ExecutionInfo,
  command: ChildRunCommand,
  now: number,
): TransitionEnvelope {
  const execution = childExecutionInfo(parent, command, now);
  return {
    executionArn: execution.executionArn,
    id: START_MESSAGE_ID,
    message: { type: 'start', execution, input: command.input },
  };
}

/** The id of the message that starts an execution (commit 1 records it as what it applied). */
export const START_MESSAGE_ID = 'start';

/** How a child run closed. */
export type ChildClosing = Omit<ClosedChild, 'parent'>;

/** A child run closed: the message its Map Run hears. A timeout without an error name is `States.Timeout`. */
export function childClosedMessage(
  link: Omit<ParentLink, 'executionArn'>,
  closing: ChildClosing,
): TransitionMessage {
  const target = { scope: link.scope, ref: link.ref, index: link.index };
  if (closing.status === 'SUCCEEDED')
    return { type: 'childSucceeded', ...target, output: closing.output ?? null };
  return {
    type: 'childFailed',
    ...target,
    error: closing.error ?? (closing.status === 'TIMED_OUT' ? StatesErrors.Timeout : StatesErrors.TaskFailed),
    cause: closing.cause ?? '',
  };
}

/** The transition that tells a Map Run its child closed; its id names the child, so it is applied once. */
export function childClosedTransition(
  link: ParentLink,
  closing: ChildClosing,
  /** The child's redrives: a redriven child's close is a message of its own. */
  redriveCount?: number,
): TransitionEnvelope {
  return {
    executionArn: link.executionArn,
    id: `child:${link.scope}:${link.ref}:${link.index}${attemptSuffix(redriveCount)}`,
    message: childClosedMessage(link, closing),
  };
}

/**
 * An activity task with a mocked answer, or in the in-memory runner: a mock answers as a worker would (the task
 * is scheduled, taken, then answered: the messages are applied in this order); without one, it cannot be
 * scheduled in the in-memory runner, for no worker can reach it: workers poll GetActivityTask on the Step
 * Functions API, which the durable engine serves. The durable task handler and the runner both answer here.
 */
export function activityAnswers(
  command: { scope: string; ref: number },
  mocked: TaskOutcome | undefined,
): TransitionMessage[] {
  const { scope, ref } = command;
  if (!mocked) {
    return [
      {
        type: 'activityScheduleFailed',
        scope,
        ref,
        error: StatesErrors.Runtime,
        cause:
          "Statefold's in-memory runner cannot hand an activity task to a worker: workers poll GetActivityTask on the Step Functions API, which the durable engine serves (statefold start).",
      },
    ];
  }
  return [
    { type: 'activityScheduled', scope, ref },
    { type: 'activityStarted', scope, ref, workerName: '' },
    taskOutcomeMessage(command, mocked),
  ];
}
