import {
  GetActivityTaskCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
} from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import {
  createActivity,
  POLL_SECONDS,
  PREFIX,
  pollTask,
  server,
  sfn,
  startServer,
  startWorkflow,
  unique,
  untilQueued,
  useActivityServer,
} from '../support/activity-server.ts';
import { awsStepFunctions } from '../support/aws-cli.ts';
import { until } from '../support/eventually.ts';
import { waitForClosedExecution } from '../support/sfn-client.ts';

/**
 * Activities (see activities.test.ts) driven by the AWS CLI, and across restarts of the server: a file of its own,
 * so that vitest runs it beside activities.test.ts, with a server of its own.
 */

useActivityServer();

describe('Task states on activities', () => {
  it('the AWS CLI as the worker: create-activity, get-activity-task, send-task-success', async () => {
    const aws = async (...args: string[]) =>
      (await awsStepFunctions(server.endpoint, ...args)) as Record<string, string>;
    const name = unique('cli');
    const { activityArn } = await aws('create-activity', '--name', name);
    expect(activityArn).toBe(`${PREFIX}:activity:${name}`);
    expect(await aws('describe-activity', '--activity-arn', activityArn as string)).toMatchObject({ name });
    const executionArn = await startWorkflow(
      { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: activityArn, End: true } } },
      { from: 'cli' },
    );
    const task = await until('a task for the CLI', async () => {
      const answer = await aws(
        'get-activity-task',
        '--activity-arn',
        activityArn as string,
        '--worker-name',
        'cli',
      );
      return answer.taskToken ? answer : undefined;
    });
    expect(JSON.parse(task.input as string)).toEqual({ from: 'cli' });
    await aws('send-task-success', '--task-token', task.taskToken as string, '--task-output', '{"cli":true}');
    expect(await waitForClosedExecution(sfn, executionArn)).toMatchObject({
      status: 'SUCCEEDED',
      output: '{"cli":true}',
    });
    // Four AWS CLI processes or more, each a Python start of a second or more on a busy machine.
  }, 60_000);

  it('a heartbeat deadline that passed while the server was down counts from the restart', async () => {
    const activityArn = await createActivity();
    const executionArn = await startWorkflow(
      {
        StartAt: 'Work',
        States: { Work: { Type: 'Task', Resource: activityArn, HeartbeatSeconds: 3, End: true } },
      },
      { order: 8 },
    );
    const task = await pollTask(activityArn, 'before-downtime');
    await server.stop();
    sfn.destroy();
    // Down for longer than HeartbeatSeconds: AWS never is; locally the downtime does not count. A real wait is the
    // thing under test: the server measures its downtime on the system clock, across a stop and a start.
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    await startServer();

    await sfn.send(new SendTaskHeartbeatCommand({ taskToken: task.taskToken }));
    await sfn.send(
      new SendTaskSuccessCommand({ taskToken: task.taskToken, output: JSON.stringify({ shipped: 8 }) }),
    );
    expect(await waitForClosedExecution(sfn, executionArn)).toMatchObject({
      status: 'SUCCEEDED',
      output: '{"shipped":8}',
    });
  });

  it('a task pending across a server restart is handed to a worker after it', async () => {
    const activityArn = await createActivity();
    const executionArn = await startWorkflow(
      { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: activityArn, End: true } } },
      { order: 7 },
    );
    // The task handler has queued the task in the table.
    await untilQueued(activityArn);
    // A worker polling another activity while the server stops is answered at once, with no task.
    const idle = await createActivity();
    const store = server.engine.deps.activities?.store;
    if (!store) throw new Error('the local server has no activity store');
    const listTasks = store.listTasks.bind(store);
    let idleLooks = 0;
    store.listTasks = (arn, limit) => {
      if (arn === idle) idleLooks += 1;
      return listTasks(arn, limit);
    };
    const polling = sfn.send(new GetActivityTaskCommand({ activityArn: idle, workerName: 'idle' }));
    // The poll is waiting in the server: it has looked at the empty queue and will look again.
    await until('the idle worker to be polling', () => (idleLooks >= 2 ? true : undefined));
    const stoppedAt = Date.now();
    await server.stop();
    expect((await polling).taskToken).toBeUndefined();
    expect(Date.now() - stoppedAt).toBeLessThan(POLL_SECONDS * 1000);
    sfn.destroy();
    await startServer();

    const task = await pollTask(activityArn, 'after-restart');
    expect(task.input).toEqual({ order: 7 });
    await sfn.send(
      new SendTaskSuccessCommand({ taskToken: task.taskToken, output: JSON.stringify({ shipped: 7 }) }),
    );
    expect(await waitForClosedExecution(sfn, executionArn)).toMatchObject({
      status: 'SUCCEEDED',
      output: '{"shipped":7}',
    });
  });
});
