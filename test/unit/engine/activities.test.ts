import { describe, expect, it } from 'vitest';
import {
  createActivity,
  deleteActivity,
  getActivityTask,
  listActivities,
} from '../../../shared/engine/activities.ts';
import { getExecutionHistory } from '../../../shared/engine/execution-history.ts';
import { describeExecution } from '../../../shared/engine/executions.ts';
import { startExecution } from '../../../shared/engine/start-execution.ts';
import { createStateMachine } from '../../../shared/engine/state-machines.ts';
import { sendTaskSuccess } from '../../../shared/engine/task-callbacks.ts';
import { createMemoryEngine, type MemoryEngine, runUntilIdle } from '../../support/memory-ports.ts';

/**
 * Activity use cases over the in-memory ports, driven step by step: the queue of an activity and what a
 * GetActivityTask takes from it (a poll of 0 s: one look, then an answer).
 */

const ROLE = 'arn:aws:iam::123456789012:role/StatefoldExecutionRole';

async function startOn(
  engine: MemoryEngine,
  activityArn: string,
  task: object = {},
  machine: object = {},
): Promise<string> {
  const { stateMachineArn } = await createStateMachine(engine.deps, {
    name: `machine-${Math.random().toString(36).slice(2)}`,
    definition: JSON.stringify({
      ...machine,
      StartAt: 'Work',
      States: { Work: { Type: 'Task', Resource: activityArn, ...task, End: true } },
    }),
    roleArn: ROLE,
  });
  const { executionArn } = await startExecution(engine.deps, { stateMachineArn, input: '{"n":1}' });
  await runUntilIdle(engine);
  return executionArn;
}

describe('the queue of an activity', () => {
  it('tasks are handed out oldest first, each once', async () => {
    const engine = createMemoryEngine();
    const { activityArn } = await createActivity(engine.deps, { name: 'work' });
    const first = await startOn(engine, activityArn);
    engine.clock.time += 1_000;
    const second = await startOn(engine, activityArn);

    const a = await getActivityTask(engine.deps, { activityArn, workerName: 'a' });
    const b = await getActivityTask(engine.deps, { activityArn, workerName: 'b' });
    const none = await getActivityTask(engine.deps, { activityArn, workerName: 'c' });
    expect(none).toEqual({});
    await runUntilIdle(engine);
    await sendTaskSuccess(engine.deps, { taskToken: a.taskToken as string, output: '"a"' });
    await sendTaskSuccess(engine.deps, { taskToken: b.taskToken as string, output: '"b"' });
    await runUntilIdle(engine);
    expect(await describeExecution(engine.deps, { executionArn: first })).toMatchObject({
      status: 'SUCCEEDED',
      output: '"a"',
    });
    expect(await describeExecution(engine.deps, { executionArn: second })).toMatchObject({
      status: 'SUCCEEDED',
      output: '"b"',
    });
  });

  it('a task whose execution timed out before any worker came is dropped, not handed out', async () => {
    const engine = createMemoryEngine();
    const { activityArn } = await createActivity(engine.deps, { name: 'slow' });
    // The Task's own TimeoutSeconds waits for a worker to start it; the machine's bounds the wait.
    const executionArn = await startOn(engine, activityArn, { TimeoutSeconds: 5 }, { TimeoutSeconds: 60 });
    // runUntilIdle fired the machine's timeout (the clock jumped to it).
    expect(await describeExecution(engine.deps, { executionArn })).toMatchObject({
      status: 'TIMED_OUT',
      error: 'States.Timeout',
    });
    expect(await engine.activities.listTasks(activityArn, 10)).toHaveLength(1);
    expect(await getActivityTask(engine.deps, { activityArn, workerName: 'late' })).toEqual({});
    expect(await engine.activities.listTasks(activityArn, 10)).toEqual([]);
  });

  it('ActivityStarted names the worker; the heartbeat clock starts there', async () => {
    const engine = createMemoryEngine();
    const { activityArn } = await createActivity(engine.deps, { name: 'beats' });
    const executionArn = await startOn(engine, activityArn, { HeartbeatSeconds: 30 });
    await getActivityTask(engine.deps, { activityArn, workerName: 'worker-7' });
    engine.clock.time += 10_000;
    await runUntilIdle(engine);
    const { events } = await getExecutionHistory(engine.deps, { executionArn });
    expect(events.map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'ActivityScheduled',
      'ActivityStarted',
      'ActivityTimedOut',
      'ExecutionFailed',
    ]);
    expect(events[3]).toMatchObject({ activityStartedEventDetails: { workerName: 'worker-7' } });
    // 30 s after the hand-off, not after the scheduling.
    const [scheduled, started, timedOut] = events.slice(2, 5).map((event) => event.timestamp.getTime());
    expect((timedOut as number) - (started as number)).toBe(30_000);
    expect(started as number).toBeGreaterThan(scheduled as number);
  });

  it('a deleted activity: listings forget it, and a Task on it fails to schedule', async () => {
    const engine = createMemoryEngine();
    const { activityArn } = await createActivity(engine.deps, { name: 'gone' });
    await createActivity(engine.deps, { name: 'kept' });
    await deleteActivity(engine.deps, { activityArn });
    expect((await listActivities(engine.deps, {})).activities.map((activity) => activity.name)).toEqual([
      'kept',
    ]);
    const executionArn = await startOn(engine, activityArn);
    expect(await describeExecution(engine.deps, { executionArn })).toMatchObject({
      status: 'FAILED',
      error: 'States.Runtime',
      cause: `Activity Does Not Exist: '${activityArn}'`,
    });
  });
});
