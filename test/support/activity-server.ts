import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateActivityCommand,
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetActivityTaskCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll } from 'vitest';
import { type LocalServer, startLocalServer } from '../../shared/local/local-server.ts';
import { until } from './eventually.ts';
import { createSfnClient } from './sfn-client.ts';

/**
 * The activities tests' server and the calls their workers make (test/integration/activities*.test.ts, split
 * over files so that vitest runs them on two workers): startLocalServer with dynalite and fauxqs persisted in a
 * temporary folder, and @aws-sdk/client-sfn against it. `server` and `sfn` are live bindings: a test that
 * restarts the server (stopServer, startServer) is seen by every helper. GetActivityTask polls for 2 s here (the
 * server's default is AWS's 60 s), so an empty poll costs the suite 2 s, not a minute.
 */

export const ROLE = 'arn:aws:iam::123456789012:role/StatefoldExecutionRole';
export const PREFIX = 'arn:aws:states:us-east-1:123456789012';
export const POLL_SECONDS = 2;

let dataDir: string;
export let server: LocalServer;
export let sfn: SFNClient;

export async function startServer(): Promise<void> {
  server = await startLocalServer({
    port: 0,
    dataDir,
    activityPollSeconds: POLL_SECONDS,
    activityPollIntervalMs: 50,
  });
  sfn = createSfnClient(server.endpoint);
}

/** A server for the file's tests, in a data folder of its own. */
export function useActivityServer(): void {
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'statefold-activities-'));
    await startServer();
  });
  afterAll(async () => {
    sfn?.destroy();
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });
}

let sequence = 0;
export const unique = (prefix: string) => `${prefix}-${++sequence}`;

export async function createActivity(name = unique('activity')): Promise<string> {
  const { activityArn } = await sfn.send(new CreateActivityCommand({ name }));
  return activityArn as string;
}

export async function startWorkflow(definition: object, input: object = {}): Promise<string> {
  const { stateMachineArn } = await sfn.send(
    new CreateStateMachineCommand({
      name: unique('machine'),
      definition: JSON.stringify(definition),
      roleArn: ROLE,
    }),
  );
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }),
  );
  return executionArn as string;
}

export async function historyOf(executionArn: string): Promise<HistoryEvent[]> {
  const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
  return events;
}

export const typesOf = (events: HistoryEvent[]) => events.map((event) => event.type);

export const statusOf = async (executionArn: string) =>
  (await sfn.send(new DescribeExecutionCommand({ executionArn }))).status;

/** Until the task handler has queued a task of the activity for a worker (the Task state is scheduled). */
export const untilQueued = (activityArn: string) =>
  until(`a task in the queue of ${activityArn}`, async () => {
    const tasks = await server.engine.deps.activities?.store.listTasks(activityArn, 10);
    return tasks && tasks.length > 0 ? true : undefined;
  });

/** One task of the activity, as a worker's loop gets it: polls until a token comes. */
export async function pollTask(
  activityArn: string,
  workerName: string,
): Promise<{ taskToken: string; input: unknown }> {
  return until(
    `a task of ${activityArn}`,
    async () => {
      const task = await sfn.send(new GetActivityTaskCommand({ activityArn, workerName }));
      return task.taskToken
        ? { taskToken: task.taskToken, input: JSON.parse(task.input ?? 'null') }
        : undefined;
    },
    { timeoutMs: 20_000 },
  );
}

/**
 * A worker as users write one: poll, work, report, until `stop` says so. `work` returns the output, or throws
 * an error whose name and message become SendTaskFailure's error and cause.
 */
export function runWorker(
  activityArn: string,
  workerName: string,
  work: (input: unknown) => Promise<unknown> | unknown,
): { stop: () => Promise<void>; handled: () => number } {
  let running = true;
  let handled = 0;
  const loop = (async () => {
    while (running) {
      const task = await sfn.send(new GetActivityTaskCommand({ activityArn, workerName }));
      if (!task.taskToken) continue;
      try {
        const output = await work(JSON.parse(task.input ?? '{}'));
        await sfn.send(
          new SendTaskSuccessCommand({ taskToken: task.taskToken, output: JSON.stringify(output) }),
        );
      } catch (error) {
        await sfn.send(
          new SendTaskFailureCommand({
            taskToken: task.taskToken,
            error: (error as Error).name,
            cause: (error as Error).message,
          }),
        );
      }
      handled += 1;
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    },
    handled: () => handled,
  };
}
