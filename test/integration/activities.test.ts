import { spawn } from 'node:child_process';
import { join } from 'node:path';
import {
  ActivityDoesNotExist,
  CreateActivityCommand,
  DeleteActivityCommand,
  DescribeActivityCommand,
  GetActivityTaskCommand,
  InvalidArn,
  InvalidName,
  InvalidToken,
  ListActivitiesCommand,
  ListTagsForResourceCommand,
  paginateListActivities,
  ResourceNotFound,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  TagResourceCommand,
  TaskTimedOut,
  UntagResourceCommand,
  ValidationException,
} from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { createEngineDeps } from '../../shared/composition/engine-endpoints.ts';
import { engineDepsFromEnvironment } from '../../shared/composition/lambda-environment.ts';
import {
  createActivity,
  historyOf,
  POLL_SECONDS,
  PREFIX,
  pollTask,
  runWorker,
  server,
  sfn,
  startWorkflow,
  statusOf,
  typesOf,
  unique,
  untilQueued,
  useActivityServer,
} from '../support/activity-server.ts';
import { until } from '../support/eventually.ts';
import { waitForClosedExecution } from '../support/sfn-client.ts';
import { thrown } from '../support/thrown.ts';

/**
 * Activities as their users meet them: @aws-sdk/client-sfn against startLocalServer (dynalite and fauxqs
 * persisted in a temporary folder, the pollers, functions/api behind the local HTTP server), workers written
 * as users write them (GetActivityTask → work → SendTaskSuccess). GetActivityTask polls for 2 s here (the
 * server's default is AWS's 60 s), so an empty poll costs the suite 2 s, not a minute. The AWS CLI worker and the
 * server restarts are in activities-restarts.test.ts, which vitest runs beside this file; the server and the
 * helpers both use are test/support/activity-server.ts.
 */

useActivityServer();

describe('the activity operations', () => {
  it('CreateActivity, DescribeActivity, an idempotent create, DeleteActivity', async () => {
    const name = unique('resize');
    const created = await sfn.send(
      new CreateActivityCommand({ name, tags: [{ key: 'team', value: 'images' }] }),
    );
    expect(created.activityArn).toBe(`${PREFIX}:activity:${name}`);
    expect(created.creationDate).toBeInstanceOf(Date);

    const described = await sfn.send(new DescribeActivityCommand({ activityArn: created.activityArn }));
    expect(described).toMatchObject({ activityArn: created.activityArn, name });
    expect(described.creationDate?.getTime()).toBe(created.creationDate?.getTime());

    // The same name again: the same activity (AWS ignores the repeated create's tags).
    const again = await sfn.send(new CreateActivityCommand({ name, tags: [{ key: 'other', value: 'x' }] }));
    expect(again.activityArn).toBe(created.activityArn);
    expect(again.creationDate?.getTime()).toBe(created.creationDate?.getTime());
    const { tags } = await sfn.send(new ListTagsForResourceCommand({ resourceArn: created.activityArn }));
    expect(tags).toEqual([{ key: 'team', value: 'images' }]);

    await sfn.send(new DeleteActivityCommand({ activityArn: created.activityArn }));
    expect(
      await thrown(sfn.send(new DescribeActivityCommand({ activityArn: created.activityArn }))),
    ).toBeInstanceOf(ActivityDoesNotExist);
    // Deleting again answers as the first delete did.
    await expect(
      sfn.send(new DeleteActivityCommand({ activityArn: created.activityArn })),
    ).resolves.toBeDefined();
  });

  it('TagResource, ListTagsForResource and UntagResource on an activity', async () => {
    const activityArn = await createActivity();
    await sfn.send(
      new TagResourceCommand({
        resourceArn: activityArn,
        tags: [
          { key: 'a', value: '1' },
          { key: 'b', value: '2' },
        ],
      }),
    );
    await sfn.send(new UntagResourceCommand({ resourceArn: activityArn, tagKeys: ['a'] }));
    const { tags } = await sfn.send(new ListTagsForResourceCommand({ resourceArn: activityArn }));
    expect(tags).toEqual([{ key: 'b', value: '2' }]);
    const missing = `${PREFIX}:activity:${unique('missing')}`;
    expect(await thrown(sfn.send(new ListTagsForResourceCommand({ resourceArn: missing })))).toBeInstanceOf(
      ResourceNotFound,
    );
  });

  it('ListActivities pages by maxResults and nextToken, by name', async () => {
    const run = unique('pages');
    const names = ['page-c', 'page-a', 'page-e', 'page-b', 'page-d'].map((name) => `${name}-${run}`);
    for (const name of names) await createActivity(name);
    const pages: string[][] = [];
    for await (const page of paginateListActivities({ client: sfn, pageSize: 2 }, {})) {
      pages.push((page.activities ?? []).map((activity) => activity.name as string));
    }
    expect(pages.every((page) => page.length <= 2)).toBe(true);
    expect(pages.slice(0, -1).every((page) => page.length === 2)).toBe(true);
    const listed = pages.flat();
    expect(listed.filter((name) => names.includes(name))).toEqual([...names].sort());
    expect(listed).toEqual([...listed].sort());

    const first = await sfn.send(new ListActivitiesCommand({ maxResults: 1 }));
    expect(first.activities).toHaveLength(1);
    expect(first.activities?.[0]).toMatchObject({ activityArn: expect.stringContaining(':activity:') });
    expect(first.activities?.[0]?.creationDate).toBeInstanceOf(Date);
    expect(first.nextToken).toEqual(expect.any(String));
  });

  it.each<[string, () => Promise<unknown>, new (...args: never[]) => Error, RegExp]>([
    [
      'CreateActivity with a name holding a space',
      () => sfn.send(new CreateActivityCommand({ name: 'has space' })),
      InvalidName,
      /Invalid Name: 'has space'/,
    ],
    [
      'CreateActivity with a name of 81 characters',
      () => sfn.send(new CreateActivityCommand({ name: 'n'.repeat(81) })),
      ValidationException,
      /Member must have length less than or equal to 80/,
    ],
    [
      'CreateActivity with a reserved tag key',
      () =>
        sfn.send(new CreateActivityCommand({ name: unique('tagged'), tags: [{ key: 'aws:x', value: 'v' }] })),
      ValidationException,
      /reserved/,
    ],
    [
      'DescribeActivity of a malformed ARN',
      () => sfn.send(new DescribeActivityCommand({ activityArn: 'not-an-arn' })),
      InvalidArn,
      /Invalid Arn: 'not-an-arn'/,
    ],
    [
      'DescribeActivity of a state machine ARN',
      () => sfn.send(new DescribeActivityCommand({ activityArn: `${PREFIX}:stateMachine:m` })),
      InvalidArn,
      /Resource type not valid in this context: stateMachine/,
    ],
    [
      'DescribeActivity of an activity that does not exist',
      () => sfn.send(new DescribeActivityCommand({ activityArn: `${PREFIX}:activity:nobody` })),
      ActivityDoesNotExist,
      /Activity Does Not Exist: 'arn:aws:states:us-east-1:123456789012:activity:nobody'/,
    ],
    [
      'DeleteActivity of a malformed ARN',
      () => sfn.send(new DeleteActivityCommand({ activityArn: 'arn:aws:states:us-east-1:1:activity:x' })),
      InvalidArn,
      /Invalid Arn/,
    ],
    [
      'ListActivities with a nextToken it never gave',
      () => sfn.send(new ListActivitiesCommand({ nextToken: 'bogus' })),
      InvalidToken,
      /Invalid Token: 'bogus'/,
    ],
    [
      'ListActivities with maxResults over 1000',
      () => sfn.send(new ListActivitiesCommand({ maxResults: 1001 })),
      ValidationException,
      /maxResults/,
    ],
    [
      'GetActivityTask of an activity that does not exist',
      () => sfn.send(new GetActivityTaskCommand({ activityArn: `${PREFIX}:activity:nobody` })),
      ActivityDoesNotExist,
      /Activity Does Not Exist/,
    ],
    [
      'GetActivityTask of an execution ARN',
      () => sfn.send(new GetActivityTaskCommand({ activityArn: `${PREFIX}:execution:m:e` })),
      InvalidArn,
      /Resource type not valid in this context: execution/,
    ],
    [
      'GetActivityTask with a workerName of 81 characters',
      () =>
        sfn.send(
          new GetActivityTaskCommand({ activityArn: `${PREFIX}:activity:any`, workerName: 'w'.repeat(81) }),
        ),
      ValidationException,
      /workerName/,
    ],
  ])('%s', async (_case, call, type, message) => {
    const error = await thrown(call());
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toMatch(message);
  });

  it('GetActivityTask answers with no task when none comes within its poll', async () => {
    const activityArn = await createActivity();
    const startedAt = Date.now();
    const answer = await sfn.send(new GetActivityTaskCommand({ activityArn, workerName: 'idle' }));
    const waited = Date.now() - startedAt;
    expect(answer.taskToken).toBeUndefined();
    expect(answer.input).toBeUndefined();
    expect(waited).toBeGreaterThanOrEqual(POLL_SECONDS * 1000 - 100);
    expect(waited).toBeLessThan(POLL_SECONDS * 1000 + 3000);
  });

  it("the server's own poll is AWS's 60 s; the deployed API's is 20 s (it answers within 29 s)", () => {
    const local = createEngineDeps({
      region: 'us-east-1',
      accountId: '123456789012',
      tableName: 'unused',
      queueUrls: { transitions: 'q', tasks: 'q', timers: 'q' },
      dynamodb: server.engine.dynamodb.client,
      sqs: server.engine.sqs.client,
      lambda: {} as never,
    });
    expect(local.activities?.pollSeconds).toBe(60);
    const deployed = engineDepsFromEnvironment({
      STATEFOLD_TABLE: 't',
      STATEFOLD_TRANSITIONS_QUEUE_URL: 'q',
      STATEFOLD_TASKS_QUEUE_URL: 'q',
      STATEFOLD_TIMERS_QUEUE_URL: 'q',
      STATEFOLD_ACCOUNT_ID: '123456789012',
    });
    expect(deployed.activities?.pollSeconds).toBe(20);
  });
});

describe('Task states on activities', () => {
  it('a worker loop runs the workflow: ActivityScheduled, ActivityStarted, ActivitySucceeded', async () => {
    const activityArn = await createActivity();
    const worker = runWorker(activityArn, 'resizer-1', (input) => ({
      resized: (input as { size: number }).size / 2,
    }));
    const executionArn = await startWorkflow(
      {
        StartAt: 'Resize',
        States: {
          Resize: {
            Type: 'Task',
            Resource: activityArn,
            Parameters: { 'size.$': '$.image.size' },
            TimeoutSeconds: 300,
            HeartbeatSeconds: 60,
            ResultPath: '$.result',
            Next: 'Done',
          },
          Done: { Type: 'Pass', End: true },
        },
      },
      { image: { size: 640 } },
    );
    const closed = await waitForClosedExecution(sfn, executionArn);
    await worker.stop();
    expect(closed.status).toBe('SUCCEEDED');
    expect(JSON.parse(closed.output ?? '')).toEqual({ image: { size: 640 }, result: { resized: 320 } });

    const events = await historyOf(executionArn);
    expect(typesOf(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'ActivityScheduled',
      'ActivityStarted',
      'ActivitySucceeded',
      'TaskStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
    const [scheduled, started, succeeded] = events.slice(2, 5);
    expect(scheduled?.activityScheduledEventDetails).toEqual({
      resource: activityArn,
      input: '{"size":640}',
      inputDetails: { truncated: false },
      timeoutInSeconds: 300,
      heartbeatInSeconds: 60,
    });
    expect(started).toMatchObject({
      previousEventId: scheduled?.id,
      activityStartedEventDetails: { workerName: 'resizer-1' },
    });
    expect(succeeded).toMatchObject({
      previousEventId: started?.id,
      activitySucceededEventDetails: { output: '{"resized":320}', outputDetails: { truncated: false } },
    });
  });

  it('SendTaskFailure fails the task with its error and cause, and Catch takes it', async () => {
    const activityArn = await createActivity();
    const worker = runWorker(activityArn, 'checker', () => {
      throw Object.assign(new Error('the card was declined'), { name: 'PaymentDeclined' });
    });
    const executionArn = await startWorkflow({
      StartAt: 'Charge',
      States: {
        Charge: {
          Type: 'Task',
          Resource: activityArn,
          Catch: [{ ErrorEquals: ['PaymentDeclined'], ResultPath: '$.error', Next: 'Declined' }],
          End: true,
        },
        Declined: { Type: 'Pass', End: true },
      },
    });
    const closed = await waitForClosedExecution(sfn, executionArn);
    await worker.stop();
    expect(closed.status).toBe('SUCCEEDED');
    expect(JSON.parse(closed.output ?? '')).toEqual({
      error: { Error: 'PaymentDeclined', Cause: 'the card was declined' },
    });
    const events = await historyOf(executionArn);
    expect(typesOf(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'ActivityScheduled',
      'ActivityStarted',
      'ActivityFailed',
      'TaskStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events[4]?.activityFailedEventDetails).toEqual({
      error: 'PaymentDeclined',
      cause: 'the card was declined',
    });
  });

  it('a worker that stops mid-task: the heartbeat times out, Retry schedules the task again, another worker completes it', async () => {
    const activityArn = await createActivity();
    const executionArn = await startWorkflow({
      StartAt: 'Work',
      States: {
        Work: {
          Type: 'Task',
          Resource: activityArn,
          HeartbeatSeconds: 2,
          Retry: [{ ErrorEquals: ['States.HeartbeatTimeout'], IntervalSeconds: 1, MaxAttempts: 1 }],
          End: true,
        },
      },
    });
    // The first worker takes the task, beats once, and is gone (killed mid-task).
    const first = await pollTask(activityArn, 'doomed');
    await sfn.send(new SendTaskHeartbeatCommand({ taskToken: first.taskToken }));
    // The second worker gets the retry's task: a new token.
    const second = await pollTask(activityArn, 'survivor');
    expect(second.taskToken).not.toBe(first.taskToken);
    await sfn.send(
      new SendTaskSuccessCommand({ taskToken: second.taskToken, output: JSON.stringify({ done: true }) }),
    );
    const closed = await waitForClosedExecution(sfn, executionArn);
    expect(closed).toMatchObject({ status: 'SUCCEEDED', output: '{"done":true}' });
    // The first worker's token belongs to a task that timed out.
    expect(
      await thrown(sfn.send(new SendTaskSuccessCommand({ taskToken: first.taskToken, output: '{}' }))),
    ).toBeInstanceOf(TaskTimedOut);

    const events = await historyOf(executionArn);
    expect(typesOf(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'ActivityScheduled',
      'ActivityStarted',
      'ActivityTimedOut',
      'ActivityScheduled',
      'ActivityStarted',
      'ActivitySucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events[3]?.activityStartedEventDetails).toEqual({ workerName: 'doomed' });
    expect(events[4]?.activityTimedOutEventDetails).toEqual({ error: 'States.Timeout' });
    expect(events[6]?.activityStartedEventDetails).toEqual({ workerName: 'survivor' });
  });

  it('a worker process killed mid-task: its heartbeat runs out, and the retry goes to the next worker', async () => {
    const activityArn = await createActivity();
    const executionArn = await startWorkflow(
      {
        StartAt: 'Work',
        States: {
          Work: {
            Type: 'Task',
            Resource: activityArn,
            HeartbeatSecondsPath: '$.heartbeat',
            Retry: [{ ErrorEquals: ['States.Timeout'], IntervalSeconds: 1, MaxAttempts: 2 }],
            End: true,
          },
        },
      },
      { heartbeat: 2 },
    );
    const worker = spawn(
      process.execPath,
      [join(import.meta.dirname, '../support/activity-worker.ts'), server.endpoint, activityArn, 'killed'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let printed = '';
    worker.stdout.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
    });
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    try {
      await until('the worker process to take the task and beat', () =>
        printed.includes('BEAT') ? true : undefined,
      );
    } finally {
      worker.kill('SIGKILL');
      await exited;
    }
    const killedToken = /TASK (\S+)/.exec(printed)?.[1] as string;

    const next = await pollTask(activityArn, 'next');
    expect(next.taskToken).not.toBe(killedToken);
    await sfn.send(new SendTaskSuccessCommand({ taskToken: next.taskToken, output: '{"ok":true}' }));
    expect(await waitForClosedExecution(sfn, executionArn)).toMatchObject({ status: 'SUCCEEDED' });
    const events = await historyOf(executionArn);
    expect(
      events
        .filter((event) => event.type === 'ActivityStarted')
        .map((event) => event.activityStartedEventDetails?.workerName),
    ).toEqual(['killed', 'next']);
    expect(
      events.find((event) => event.type === 'ActivityScheduled')?.activityScheduledEventDetails,
    ).toMatchObject({
      heartbeatInSeconds: 2,
    });
    expect(typesOf(events)).toContain('ActivityTimedOut');
  });

  it('a GetActivityTask that stopped between its claim and the hand-off: the next poll records it, the heartbeat times it out', async () => {
    const activityArn = await createActivity();
    const executionArn = await startWorkflow({
      StartAt: 'Work',
      States: {
        Work: {
          Type: 'Task',
          Resource: activityArn,
          HeartbeatSeconds: 1,
          Retry: [{ ErrorEquals: ['States.HeartbeatTimeout'], IntervalSeconds: 1, MaxAttempts: 1 }],
          End: true,
        },
      },
    });
    const store = server.engine.deps.activities?.store;
    if (!store) throw new Error('the local server has an activity store');
    const [queued] = await until('the task in the activity queue', async () => {
      const tasks = await store.listTasks(activityArn, 10);
      return tasks.length > 0 ? tasks : undefined;
    });
    // A claim made long enough ago whose API call never went on (its Lambda stopped).
    expect(
      await store.claimTask(queued as never, { workerName: 'vanished', claimedAt: Date.now() - 60_000 }),
    ).toBe(true);

    const next = await pollTask(activityArn, 'next');
    await sfn.send(new SendTaskSuccessCommand({ taskToken: next.taskToken, output: '{}' }));
    expect(await waitForClosedExecution(sfn, executionArn)).toMatchObject({ status: 'SUCCEEDED' });
    const events = await historyOf(executionArn);
    expect(typesOf(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'ActivityScheduled',
      'ActivityStarted',
      'ActivityTimedOut',
      'ActivityScheduled',
      'ActivityStarted',
      'ActivitySucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events[3]?.activityStartedEventDetails).toEqual({ workerName: 'vanished' });
    expect(events[6]?.activityStartedEventDetails).toEqual({ workerName: 'next' });
  });

  it('a hand-off that cannot be recorded gives the task back: the worker gets an error, the next one the task', async () => {
    const activityArn = await createActivity();
    const executionArn = await startWorkflow({
      StartAt: 'Work',
      States: { Work: { Type: 'Task', Resource: activityArn, End: true } },
    });
    const { deps } = server.engine;
    const queues = deps.queues;
    let failed = 0;
    deps.queues = {
      ...queues,
      sendTransitions: async (envelopes) => {
        if (failed === 0 && envelopes.some((envelope) => envelope.message.type === 'activityStarted')) {
          failed += 1;
          throw new Error('SQS is unreachable');
        }
        return queues.sendTransitions(envelopes);
      },
    };
    try {
      await until('a GetActivityTask that fails on its hand-off', async () => {
        const error = await sfn.send(new GetActivityTaskCommand({ activityArn, workerName: 'unlucky' })).then(
          () => undefined,
          (caught: unknown) => caught,
        );
        return failed > 0 ? error : undefined;
      });
    } finally {
      deps.queues = queues;
    }
    const task = await pollTask(activityArn, 'lucky');
    await sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{}' }));
    expect(await waitForClosedExecution(sfn, executionArn)).toMatchObject({ status: 'SUCCEEDED' });
    const started = (await historyOf(executionArn)).filter((event) => event.type === 'ActivityStarted');
    expect(started.map((event) => event.activityStartedEventDetails?.workerName)).toEqual(['lucky']);
  });

  it('TimeoutSeconds counts from the hand-off: a worker that takes the task and never answers, ActivityTimedOut', async () => {
    const activityArn = await createActivity();
    // The timers the engine arms, seen as they are sent: the timeout is armed by the hand-off, not before.
    const { deps } = server.engine;
    const queues = deps.queues;
    const armed: { executionArn: string; dueAt: number }[] = [];
    deps.queues = {
      sendTransitions: (envelopes) => queues.sendTransitions(envelopes),
      sendTasks: (envelopes) => queues.sendTasks(envelopes),
      sendTimers: (timers) => {
        for (const timer of timers)
          armed.push({ executionArn: timer.transition.executionArn, dueAt: timer.dueAt });
        return queues.sendTimers(timers);
      },
      sendRecords: (records) => queues.sendRecords(records),
    };
    let executionArn: string;
    try {
      executionArn = await startWorkflow({
        StartAt: 'Work',
        States: { Work: { Type: 'Task', Resource: activityArn, TimeoutSeconds: 1, End: true } },
      });
      // No worker yet: the Task waits in the activity's queue, and its TimeoutSeconds does not run.
      await untilQueued(activityArn);
      expect(armed.filter((timer) => timer.executionArn === executionArn)).toEqual([]);
      expect(await statusOf(executionArn)).toBe('RUNNING');
      await pollTask(activityArn, 'silent');
      const closed = await waitForClosedExecution(sfn, executionArn);
      expect(closed).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    } finally {
      deps.queues = queues;
    }
    const events = await historyOf(executionArn);
    // Due TimeoutSeconds after the hand-off (sent twice: armed, then handed on by the timer handler once due).
    const dueTimes = armed.filter((timer) => timer.executionArn === executionArn).map((timer) => timer.dueAt);
    expect([...new Set(dueTimes)]).toEqual([(events[3]?.timestamp?.getTime() ?? 0) + 1_000]);
    expect(typesOf(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'ActivityScheduled',
      'ActivityStarted',
      'ActivityTimedOut',
      'ExecutionFailed',
    ]);
    expect(events[4]?.activityTimedOutEventDetails).toEqual({ error: 'States.Timeout' });
  });

  it("the machine's TimeoutSeconds bounds the wait for a worker; a worker that comes later gets nothing", async () => {
    const activityArn = await createActivity();
    const executionArn = await startWorkflow({
      TimeoutSeconds: 1,
      StartAt: 'Work',
      States: { Work: { Type: 'Task', Resource: activityArn, End: true } },
    });
    expect(await waitForClosedExecution(sfn, executionArn)).toMatchObject({
      status: 'TIMED_OUT',
      error: 'States.Timeout',
    });
    expect(typesOf(await historyOf(executionArn))).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'ActivityScheduled',
      'ExecutionTimedOut',
    ]);
    const late = await sfn.send(new GetActivityTaskCommand({ activityArn, workerName: 'late' }));
    expect(late.taskToken).toBeUndefined();
  });

  it('an activity that does not exist: ActivityScheduleFailed', async () => {
    const missing = `${PREFIX}:activity:${unique('never-created')}`;
    const executionArn = await startWorkflow({
      StartAt: 'Work',
      States: { Work: { Type: 'Task', Resource: missing, End: true } },
    });
    const closed = await waitForClosedExecution(sfn, executionArn);
    expect(closed).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    const events = await historyOf(executionArn);
    expect(typesOf(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'ActivityScheduleFailed',
      'ExecutionFailed',
    ]);
    expect(events[2]?.activityScheduleFailedEventDetails).toEqual({
      error: 'States.Runtime',
      cause: `Activity Does Not Exist: '${missing}'`,
    });
  });

  it('one task goes to exactly one of the workers polling at once', async () => {
    const activityArn = await createActivity();
    const executionArn = await startWorkflow({
      StartAt: 'Work',
      States: { Work: { Type: 'Task', Resource: activityArn, End: true } },
    });
    const answers = await Promise.all(
      ['w1', 'w2', 'w3', 'w4'].map((workerName) =>
        sfn.send(new GetActivityTaskCommand({ activityArn, workerName })),
      ),
    );
    const taken = answers.filter((answer) => answer.taskToken !== undefined);
    expect(taken).toHaveLength(1);
    await sfn.send(new SendTaskSuccessCommand({ taskToken: taken[0]?.taskToken, output: '"ok"' }));
    expect(await waitForClosedExecution(sfn, executionArn)).toMatchObject({ status: 'SUCCEEDED' });
    const started = (await historyOf(executionArn)).filter((event) => event.type === 'ActivityStarted');
    expect(started).toHaveLength(1);
  });
});
