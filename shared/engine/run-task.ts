import { ROOT_SCOPE } from '../history/execution-state.ts';
import { describeError } from '../lib/describe-error.ts';
import { queueActivityTask } from './activities.ts';
import { applyRecord } from './apply-record.ts';
import { type ApplyOptions, applyIfAdmitted, applyTransition } from './apply-transition.ts';
import { activityAnswers, taskSubmittedTransition, taskTransition } from './command-messages.ts';
import type { EngineDeps } from './engine-deps.ts';
import { runExpressRequest } from './express-executions.ts';
import { writeMapRunResults } from './map-run-results.ts';
import { isNestedExecution, runNestedExecution } from './nested-executions.ts';
import { performTask } from './perform-task.ts';
import type {
  RecordEnvelope,
  TaskEnvelope,
  TaskOutcome,
  TimerEnvelope,
  TransitionEnvelope,
} from './ports.ts';
import { answerSdkCallback, sdkCallbackOf } from './task-callbacks.ts';

/** A message of the tasks queue: a record a commit sent (applyRecord), or a task request (runTaskRequest). */
export function runTaskQueueMessage(
  deps: EngineDeps,
  envelope: TaskEnvelope | RecordEnvelope,
  signal?: AbortSignal,
): Promise<void> {
  return 'record' in envelope ? applyRecord(deps, envelope) : runTaskRequest(deps, envelope, signal);
}

/**
 * The task handler's use case: do the task's I/O and report the outcome as a transition. The transition's id
 * names the task (`task:<scope>:<ref>`), so a task request delivered twice reports once, and a report for a
 * task that is no longer pending (timed out, stopped) changes nothing when the step applies it.
 * A `.waitForTaskToken` task reports its submission (or a failure to invoke); its result comes with
 * SendTaskSuccess/Failure. `signal` aborts the task's call when the handler's deadline is near.
 */
export async function runTaskRequest(
  deps: EngineDeps,
  task: TaskEnvelope,
  signal?: AbortSignal,
): Promise<void> {
  if (task.request.kind === 'express') return runExpressRequest(deps, task.request);
  // A mocked test case: the MockConfigFile's answer stands for the call (a callback's and a worker's too).
  const mocked = task.mock && deps.mocks?.answer(task.mock);
  if (mocked) return answerFromMock(deps, task, mocked);
  // An activity's worker does the work: the task waits in the activity's queue for its GetActivityTask.
  if (task.request.kind === 'activity') return queueActivityTask(deps, task, task.request);
  // A nested execution starts through the engine's own StartExecution.
  if (isNestedExecution(task.request)) return runNestedExecution(deps, task, task.request);
  // SendTaskSuccess/Failure/Heartbeat with one of Statefold's tokens: answered here, as the API would.
  const callback = sdkCallbackOf(task.request);
  const outcome = callback
    ? await answerSdkCallback(deps, callback)
    : task.request.kind === 'results'
      ? await writeMapRunResults(deps, task.request, signal, task)
      : await performTask(deps, task.request, signal, task.executionArn);
  const target = { scope: task.scope, ref: task.ref };
  // The token is out: AWS records TaskSubmitted with the call's response, and waits for the callback.
  const transition =
    task.taskToken !== undefined && outcome.ok
      ? taskSubmittedTransition(task.executionArn, target, outcome.output)
      : taskTransition(
          task.executionArn,
          target,
          outcome,
          task.request.kind === 'items' ? task.request.page : undefined,
        );
  // A redriven Map Run's results, written again: not the first attempt's outcome.
  const attempt = task.request.kind === 'results' ? task.request.attempt : undefined;
  const id = attempt === undefined ? transition.id : `${transition.id}:results${attempt}`;
  await reportOutcome(
    deps,
    task,
    task.resend === undefined ? { ...transition, id } : { ...transition, id: `${id}:${task.resend}` },
  );
}

/**
 * A task reports by applying its outcome itself, as the step handler would (the same use case: one conditional
 * commit): no FIFO send, receive and delete, and no step invocation. A task of the execution's top-level flow has
 * nothing else in flight but the odd stop or timer, so it rarely meets another writer, and reads again when it
 * does. A task inside a Parallel branch or a Map iteration has siblings: it applies its outcome only when the
 * execution, as read, waits for no queued message of its own flow (no scope `ready` for its `advance`, none
 * `resuming`), so that its events come after those the queue holds, as they would through the queue, and
 * at most one sibling task is running (CHILD_SCOPE_APPLY); and it tries once. A sibling that committed first, or a message still queued, sends it to the FIFO queue, which orders
 * an execution's many writers without contention. Whatever goes wrong applying it (the log kept moving,
 * DynamoDB throttled, a bug), the outcome is sent to the queue after all, where the step handler's retries and
 * poison policy take over; applying it twice changes nothing (its id names the task).
 */
async function reportOutcome(
  deps: EngineDeps,
  task: TaskEnvelope,
  transition: TransitionEnvelope,
): Promise<void> {
  try {
    const outcome = await (task.scope === ROOT_SCOPE
      ? applyTransition(deps, transition)
      : applyIfAdmitted(deps, transition, CHILD_SCOPE_APPLY));
    if (outcome.kind !== 'declined') return;
  } catch (error) {
    console.warn(
      JSON.stringify({
        level: 'WARN',
        message:
          "A task's outcome could not be applied by the task handler: it goes through the transitions queue",
        executionArn: task.executionArn,
        id: transition.id,
        error: describeError(error),
      }),
    );
  }
  await deps.queues.sendTransitions([transition]);
}

/**
 * A branch's or an iteration's task applies its outcome once, only behind the messages already queued, and only
 * when at most one other task of the execution is running: a wide Map's results, finishing together, would
 * otherwise race each other and the step handler for the same commit, and go through the queue in the end.
 */
const CHILD_SCOPE_APPLY: ApplyOptions = {
  attempts: 1,
  admits: (state) => {
    let running = 0;
    for (const scope of Object.values(state.scopes)) {
      if (scope.phase === 'ready' || scope.phase === 'resuming') return false;
      if (scope.phase === 'task') running++;
    }
    return running <= MAX_RUNNING_TASKS;
  },
};
/** The task reporting, and one sibling. */
const MAX_RUNNING_TASKS = 2;

/**
 * A mocked answer as the task's transitions: an activity's as a worker's would come (scheduled, started, then
 * its outcome, in this order on the execution's FIFO group), any other task's as its outcome.
 */
async function answerFromMock(deps: EngineDeps, task: TaskEnvelope, outcome: TaskOutcome): Promise<void> {
  const target = { scope: task.scope, ref: task.ref };
  const transitions =
    task.request.kind === 'activity'
      ? activityAnswers(target, outcome).map((message, i) => ({
          executionArn: task.executionArn,
          id: `task:${task.scope}:${task.ref}:mock${i}`,
          message,
        }))
      : [taskTransition(task.executionArn, target, outcome)];
  await deps.queues.sendTransitions(
    task.resend === undefined
      ? transitions
      : transitions.map((transition) => ({ ...transition, id: `${transition.id}:${task.resend}` })),
  );
}

/**
 * The timer handler's use case: a timer message arrived. A due one becomes its transition; one that is not due
 * yet (SQS delays at most 900 s) waits on the timers queue for another hop.
 */
export async function fireTimer(deps: EngineDeps, timer: TimerEnvelope): Promise<void> {
  await deps.queues.sendTimers([timer]);
}
