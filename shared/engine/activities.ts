import type { TaskRequest } from '../execution/messages.ts';
import { StatesErrors } from '../language/states-error.ts';
import type { Json } from '../lib/json.ts';
import type { EngineDeps } from './engine-deps.ts';
import { EngineError } from './engine-error.ts';
import { loadExecution } from './load-execution.ts';
import { activityArnOf, parseActivityArn, validateName } from './names.ts';
import { pageSize } from './page-size.ts';
import type { ActivityRecord, ActivityStore, PendingActivityTask, TaskEnvelope } from './ports.ts';

/**
 * Activities: CreateActivity, DescribeActivity, DeleteActivity, ListActivities, GetActivityTask, and the
 * queueing of an activity Task's work (the task handler's part). A Task state whose Resource is an activity
 * writes ActivityScheduled and a task request; the task handler puts the task in the activity's queue (the
 * engine's table, so no restart loses it); a worker's GetActivityTask claims it with one conditional write
 * (one task to exactly one worker), tells the execution (ActivityStarted) and answers with the token and the
 * input. The worker completes it with SendTaskSuccess/SendTaskFailure/SendTaskHeartbeat (task-callbacks.ts).
 */

/** What activities run on: the store, and how GetActivityTask long-polls. */
export interface ActivityPorts {
  store: ActivityStore;
  /** Seconds a GetActivityTask waits for a task before answering with none (AWS: 60). */
  pollSeconds: number;
  /** Milliseconds between two looks at the queue while a GetActivityTask waits. */
  pollIntervalMs: number;
  /** Ends every waiting GetActivityTask at once (with no task): the server is stopping. */
  signal?: AbortSignal;
}

/** AWS holds a GetActivityTask for at most 60 s. */
export const AWS_ACTIVITY_POLL_SECONDS = 60;
/** A claim this old whose hand-off was never recorded (the claimer stopped) is recorded by the next poller. */
const CLAIM_REPAIR_MS = 10_000;
/** Tasks looked at per look at the queue. */
const TASKS_PER_LOOK = 10;

function activityPorts(deps: EngineDeps): ActivityPorts {
  if (!deps.activities) {
    throw new EngineError('ValidationException', 'This Statefold deployment has no activity store');
  }
  return deps.activities;
}

function activityDoesNotExist(activityArn: string): EngineError {
  return new EngineError('ActivityDoesNotExist', `Activity Does Not Exist: '${activityArn}'`);
}

export async function createActivity(
  deps: EngineDeps,
  request: {
    name: string;
    tags?: ReadonlyArray<{ key: string; value: string }>;
    encryptionConfiguration?: Json;
  },
): Promise<{ activityArn: string; creationDate: Date }> {
  validateName(request.name);
  const { store } = activityPorts(deps);
  const activityArn = activityArnOf(deps, request.name);
  const activity: ActivityRecord = {
    activityArn,
    name: request.name,
    creationDate: deps.clock.now(),
    tags: Object.fromEntries((request.tags ?? []).map((tag) => [tag.key, tag.value])),
    ...(request.encryptionConfiguration !== undefined
      ? { encryptionConfiguration: request.encryptionConfiguration }
      : {}),
  };
  if (await store.createActivity(activity)) {
    return { activityArn, creationDate: new Date(activity.creationDate) };
  }
  // Idempotent by name (AWS ignores the tags of a repeated create); a different encryption is a conflict.
  const existing = await store.getActivity(activityArn);
  if (!existing) return createActivity(deps, request);
  if (!sameEncryption(existing.encryptionConfiguration, request.encryptionConfiguration)) {
    throw new EngineError('ActivityAlreadyExists', `Activity already exists: '${activityArn}'`);
  }
  return { activityArn, creationDate: new Date(existing.creationDate) };
}

function sameEncryption(stored: Json | undefined, requested: Json | undefined): boolean {
  const typeOf = (value: Json | undefined) =>
    value !== null && typeof value === 'object' && !Array.isArray(value) ? value.type : undefined;
  return (typeOf(stored) ?? 'AWS_OWNED_KEY') === (typeOf(requested) ?? 'AWS_OWNED_KEY');
}

export async function describeActivity(
  deps: EngineDeps,
  request: { activityArn: string },
): Promise<{ activityArn: string; name: string; creationDate: Date; encryptionConfiguration?: Json }> {
  const activity = await requireActivity(deps, request.activityArn);
  return {
    activityArn: activity.activityArn,
    name: activity.name,
    creationDate: new Date(activity.creationDate),
    ...(activity.encryptionConfiguration !== undefined
      ? { encryptionConfiguration: activity.encryptionConfiguration }
      : {}),
  };
}

/** DeleteActivity: AWS answers for an activity that does not exist as for one that does. */
export async function deleteActivity(deps: EngineDeps, request: { activityArn: string }): Promise<void> {
  parseActivityArn(request.activityArn);
  await activityPorts(deps).store.deleteActivity(request.activityArn);
}

export async function listActivities(
  deps: EngineDeps,
  request: { maxResults?: number; nextToken?: string },
): Promise<{
  activities: Array<{ activityArn: string; name: string; creationDate: Date }>;
  nextToken?: string;
}> {
  const page = await activityPorts(deps).store.listActivities({
    limit: pageSize(request.maxResults),
    ...(request.nextToken !== undefined ? { nextToken: request.nextToken } : {}),
  });
  return {
    activities: page.items.map((activity) => ({
      activityArn: activity.activityArn,
      name: activity.name,
      creationDate: new Date(activity.creationDate),
    })),
    ...(page.nextToken !== undefined ? { nextToken: page.nextToken } : {}),
  };
}

export async function requireActivity(deps: EngineDeps, activityArn: string): Promise<ActivityRecord> {
  parseActivityArn(activityArn);
  const activity = await activityPorts(deps).store.getActivity(activityArn);
  if (!activity) throw activityDoesNotExist(activityArn);
  return activity;
}

/**
 * GetActivityTask: the oldest task of the activity that is still waiting for a worker, or, when none comes
 * within the poll (AWS: 60 s), no task (`{}`; the SDK's taskToken is undefined).
 */
export async function getActivityTask(
  deps: EngineDeps,
  request: { activityArn: string; workerName?: string },
): Promise<{ taskToken?: string; input?: string }> {
  const ports = activityPorts(deps);
  await requireActivity(deps, request.activityArn);
  const workerName = request.workerName ?? '';
  const deadline = Date.now() + ports.pollSeconds * 1000;
  for (;;) {
    const task = await takeTask(deps, ports.store, request.activityArn, workerName);
    if (task) return { taskToken: task.taskToken, input: task.input };
    const left = deadline - Date.now();
    if (left <= 0 || ports.signal?.aborted) return {};
    await pause(Math.min(left, ports.pollIntervalMs), ports.signal);
  }
}

/** One look at the queue: claims the oldest task still waiting, records its hand-off and returns it. */
async function takeTask(
  deps: EngineDeps,
  store: ActivityStore,
  activityArn: string,
  workerName: string,
): Promise<PendingActivityTask | undefined> {
  const tasks = await store.listTasks(activityArn, TASKS_PER_LOOK);
  for (const task of tasks) {
    if (task.claim) {
      if (deps.clock.now() - task.claim.claimedAt >= CLAIM_REPAIR_MS) await finishHandOff(deps, task);
      continue;
    }
    const claim = { workerName, claimedAt: deps.clock.now() };
    if (!(await store.claimTask(task, claim))) continue;
    if (await finishHandOff(deps, { ...task, claim })) return task;
  }
  return undefined;
}

/**
 * A claimed task: when its Task state still waits for it, the execution hears ActivityStarted (the message's
 * id names the task, so a repeat is dropped); either way the task leaves the queue. True when it was handed off.
 */
async function finishHandOff(deps: EngineDeps, task: PendingActivityTask): Promise<boolean> {
  const waiting = await isWaiting(deps, task);
  const { claim } = task;
  if (waiting && claim) {
    await deps.queues
      .sendTransitions([
        {
          executionArn: task.executionArn,
          id: `activity-started:${task.scope}:${task.ref}`,
          message: {
            type: 'activityStarted',
            scope: task.scope,
            ref: task.ref,
            workerName: claim.workerName,
          },
        },
      ])
      .catch(async (error: unknown) => {
        // Not recorded, so not handed off: the task waits for the next worker (this one gets an error).
        await activityPorts(deps).store.releaseTask(task, claim);
        throw error;
      });
  }
  await activityPorts(deps).store.deleteTask(task);
  return waiting;
}

/** Whether the task's Task state still waits for a worker (not timed out, stopped or taken already). */
async function isWaiting(deps: EngineDeps, task: PendingActivityTask): Promise<boolean> {
  const loaded = await loadExecution(deps.log, task.executionArn);
  if (loaded?.state.status !== 'RUNNING') return false;
  const scope = loaded.state.scopes[task.scope];
  return (
    scope?.phase === 'task' &&
    scope.ref === task.ref &&
    scope.task?.taskToken === task.taskToken &&
    scope.task.activity?.started === false
  );
}

/**
 * The task handler's part of an activity Task: queue the task for the activity's workers and tell the
 * execution (ActivityScheduled). An activity that does not exist fails the state (ActivityScheduleFailed).
 */
export async function queueActivityTask(
  deps: EngineDeps,
  envelope: TaskEnvelope,
  request: Extract<TaskRequest, { kind: 'activity' }>,
): Promise<void> {
  const { store } = activityPorts(deps);
  const activity = await store.getActivity(request.activityArn);
  if (!activity || envelope.taskToken === undefined) {
    await deps.queues.sendTransitions([
      {
        executionArn: envelope.executionArn,
        id: `task:${envelope.scope}:${envelope.ref}`,
        message: {
          type: 'activityScheduleFailed',
          scope: envelope.scope,
          ref: envelope.ref,
          error: StatesErrors.Runtime,
          cause: `Activity Does Not Exist: '${request.activityArn}'`,
        },
      },
    ]);
    return;
  }
  // ActivityScheduled is on its way before any worker can see the task, so the execution hears it before
  // ActivityStarted (one message group, in order). A crash in between sends it again on the redelivery.
  await deps.queues.sendTransitions([
    {
      executionArn: envelope.executionArn,
      id: `activity-scheduled:${envelope.scope}:${envelope.ref}`,
      message: { type: 'activityScheduled', scope: envelope.scope, ref: envelope.ref },
    },
  ]);
  await store.putTask({
    activityArn: request.activityArn,
    executionArn: envelope.executionArn,
    scope: envelope.scope,
    ref: envelope.ref,
    taskToken: envelope.taskToken,
    input: JSON.stringify(request.input),
    scheduledAt: request.scheduledAt,
  });
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
