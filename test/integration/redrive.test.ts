import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeExecutionCommand,
  DescribeMapRunCommand,
  ExecutionDoesNotExist,
  ExecutionNotRedrivable,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  InvalidArn,
  ListExecutionsCommand,
  ListMapRunsCommand,
  RedriveExecutionCommand,
  type SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  ValidationException,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalServer, startLocalServer } from '../../shared/local/local-server.ts';
import { awsStepFunctions } from '../support/aws-cli.ts';
import { until } from '../support/eventually.ts';
import { createSfnClient, waitForClosedExecution } from '../support/sfn-client.ts';
import { thrown } from '../support/thrown.ts';

/**
 * RedriveExecution as the AWS SDK (and the AWS CLI) meet it: @aws-sdk/client-sfn against startLocalServer
 * (the durable engine on dynalite and fauxqs in a temporary folder). Local Lambda functions count their calls
 * by key and fail the first ones, so a redrive shows what runs again: the failed Task, the Parallel branch that
 * failed, the Map iteration that failed, and nothing else (AWS: "Redriving executions").
 */

const ROLE = 'arn:aws:iam::123456789012:role/StatefoldExecutionRole';
const DAY_MS = 86_400_000;
let dataDir: string;
let server: LocalServer;
let sfn: SFNClient;
/** The server's clock runs this far ahead of the real one (a test of the 14-day redrive period moves it). */
let clockOffset = 0;

const calls = new Map<string, number>();
const seen: Array<{ key: string; redriveCount?: number; redriveTime?: string }> = [];

interface WorkEvent {
  key: string;
  /** Calls of this key that fail. */
  failures?: number;
  /** With failItem: only the item of this number fails. */
  item?: number;
  failItem?: number;
  /** Fail only once the execution's history shows this many events of this type (siblings done first). */
  after?: { execution: string; type: string; count: number };
  redriveCount?: number;
  redriveTime?: string;
}

const functions = {
  work: async (event: WorkEvent) => {
    const count = (calls.get(event.key) ?? 0) + 1;
    calls.set(event.key, count);
    seen.push({
      key: event.key,
      ...(event.redriveCount !== undefined ? { redriveCount: event.redriveCount } : {}),
      ...(event.redriveTime !== undefined ? { redriveTime: event.redriveTime } : {}),
    });
    const failing = event.failItem === undefined || event.item === event.failItem;
    if (failing && count <= (event.failures ?? 0)) {
      const after = event.after;
      if (after) {
        await until(`${after.count} ${after.type} events`, async () => {
          const events = await historyOf(after.execution);
          return events.filter((e) => e.type === after.type).length >= after.count ? true : undefined;
        });
      }
      throw Object.assign(new Error(`call ${count} of ${event.key} fails`), { name: 'WorkFailed' });
    }
    return { key: event.key, call: count };
  },
};

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'statefold-redrive-'));
  server = await startLocalServer({
    port: 0,
    dataDir,
    functions,
    clock: { now: () => Date.now() + clockOffset },
  });
  sfn = createSfnClient(server.endpoint);
});
afterAll(async () => {
  sfn?.destroy();
  await server?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

let sequence = 0;
const unique = (prefix: string) => `${prefix}-${++sequence}`;

async function createMachine(definition: object, prefix = 'redrive'): Promise<string> {
  const { stateMachineArn } = await sfn.send(
    new CreateStateMachineCommand({
      name: unique(prefix),
      definition: JSON.stringify(definition),
      roleArn: ROLE,
    }),
  );
  return stateMachineArn as string;
}

async function start(stateMachineArn: string, input: object = {}): Promise<string> {
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }),
  );
  return executionArn as string;
}

async function historyOf(executionArn: string): Promise<HistoryEvent[]> {
  const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
  return events ?? [];
}

/** The history's event types after the event with this id. */
const typesAfter = (events: HistoryEvent[], id: number) =>
  events.filter((event) => (event.id ?? 0) > id).map((event) => event.type);

const work = (key: string, extra: Record<string, unknown> = {}) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Parameters: { FunctionName: 'work', Payload: { key, ...extra } },
  OutputPath: '$.Payload',
});

const TASK_EVENTS = ['TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited'];

describe('RedriveExecution', () => {
  it('redrives a failed Task: it runs again with the input it had, the states before it do not', async () => {
    const key = unique('task');
    const machine = await createMachine({
      StartAt: 'Before',
      States: {
        Before: { Type: 'Pass', Result: 'kept', ResultPath: '$.before', Next: 'Work' },
        Work: {
          ...work(key, {
            failures: 1,
            'redriveCount.$': '$$.Execution.RedriveCount',
            'before.$': '$.before',
          }),
          Next: 'After',
        },
        After: { Type: 'Pass', End: true },
      },
    });
    const executionArn = await start(machine, { order: 7 });
    const failed = await waitForClosedExecution(sfn, executionArn);
    expect(failed).toMatchObject({
      status: 'FAILED',
      error: 'WorkFailed',
      redriveCount: 0,
      redriveStatus: 'REDRIVABLE',
    });
    expect(failed.redriveStatusReason).toBeUndefined();
    const before = await historyOf(executionArn);
    const lastId = before.at(-1)?.id ?? 0;

    const { redriveDate } = await sfn.send(new RedriveExecutionCommand({ executionArn }));
    expect(redriveDate).toBeInstanceOf(Date);
    const succeeded = await waitForClosedExecution(sfn, executionArn);
    expect(succeeded).toMatchObject({
      status: 'SUCCEEDED',
      redriveCount: 1,
      redriveDate,
      redriveStatus: 'NOT_REDRIVABLE',
      redriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven',
    });
    expect(JSON.parse(succeeded.output ?? 'null')).toEqual({ key, call: 2 });
    expect(succeeded.error).toBeUndefined();
    expect(calls.get(key)).toBe(2);
    // The second call saw the redrive in the context object.
    expect(seen.filter((entry) => entry.key === key).map((entry) => entry.redriveCount)).toEqual([0, 1]);

    const events = await historyOf(executionArn);
    // The history goes on: what was written stays, the redrive continues its numbering.
    expect(events.slice(0, before.length)).toEqual(before);
    expect(typesAfter(events, lastId)).toEqual([
      'ExecutionRedriven',
      ...TASK_EVENTS,
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
    const [redriven, entered] = events.slice(before.length);
    expect(redriven).toEqual({
      id: lastId + 1,
      previousEventId: lastId,
      timestamp: redriveDate,
      type: 'ExecutionRedriven',
      executionRedrivenEventDetails: { redriveCount: 1 },
    });
    expect(entered).toMatchObject({
      previousEventId: lastId + 1,
      stateEnteredEventDetails: { name: 'Work', input: JSON.stringify({ order: 7, before: 'kept' }) },
    });
    expect(events.filter((event) => event.type === 'PassStateEntered')).toHaveLength(2);
  });

  it('redrives a failed Parallel branch: only that branch runs again', async () => {
    const key = unique('parallel');
    const machine = await createMachine({
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'Zero', States: { Zero: { ...work(`${key}-zero`), End: true } } },
            {
              StartAt: 'One',
              States: {
                One: {
                  ...work(`${key}-one`, {
                    failures: 1,
                    after: { 'execution.$': '$$.Execution.Id', type: 'TaskStateExited', count: 1 },
                  }),
                  End: true,
                },
              },
            },
            { StartAt: 'Two', States: { Two: { Type: 'Pass', Result: 'two', End: true } } },
          ],
          End: true,
        },
      },
    });
    const executionArn = await start(machine);
    expect((await waitForClosedExecution(sfn, executionArn)).status).toBe('FAILED');
    const before = await historyOf(executionArn);
    const lastId = before.at(-1)?.id ?? 0;
    expect(before.filter((event) => event.type === 'ParallelStateFailed')).toHaveLength(1);

    await sfn.send(new RedriveExecutionCommand({ executionArn }));
    const succeeded = await waitForClosedExecution(sfn, executionArn);
    expect(succeeded.status).toBe('SUCCEEDED');
    expect(JSON.parse(succeeded.output ?? 'null')).toEqual([
      { key: `${key}-zero`, call: 1 },
      { key: `${key}-one`, call: 2 },
      'two',
    ]);
    expect([calls.get(`${key}-zero`), calls.get(`${key}-one`)]).toEqual([1, 2]);
    const events = await historyOf(executionArn);
    expect(typesAfter(events, lastId)).toEqual([
      'ExecutionRedriven',
      ...TASK_EVENTS,
      'ParallelStateSucceeded',
      'ParallelStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events.find((event) => event.id === lastId + 2)).toMatchObject({
      previousEventId: lastId + 1,
      stateEnteredEventDetails: { name: 'One' },
    });
  });

  it('redrives a failed inline Map iteration: only that iteration runs again', async () => {
    const key = unique('map');
    const machine = await createMachine({
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemSelector: { 'item.$': '$$.Map.Item.Value', 'execution.$': '$$.Execution.Id' },
          ItemProcessor: {
            StartAt: 'Item',
            States: {
              Item: {
                Type: 'Task',
                Resource: 'arn:aws:states:::lambda:invoke',
                Parameters: {
                  FunctionName: 'work',
                  Payload: {
                    'key.$': `States.Format('${key}-{}', $.item)`,
                    'item.$': '$.item',
                    failItem: 2,
                    failures: 1,
                    after: { 'execution.$': '$.execution', type: 'MapIterationSucceeded', count: 2 },
                  },
                },
                ResultSelector: { 'call.$': '$.Payload.call' },
                End: true,
              },
            },
          },
          End: true,
        },
      },
    });
    const executionArn = await start(machine, { items: [0, 1, 2] });
    expect((await waitForClosedExecution(sfn, executionArn)).status).toBe('FAILED');
    const before = await historyOf(executionArn);
    const lastId = before.at(-1)?.id ?? 0;
    expect(
      before.find((event) => event.type === 'MapIterationFailed')?.mapIterationFailedEventDetails,
    ).toEqual({
      name: 'Each',
      index: 2,
    });

    await sfn.send(new RedriveExecutionCommand({ executionArn }));
    const succeeded = await waitForClosedExecution(sfn, executionArn);
    expect(succeeded.status).toBe('SUCCEEDED');
    expect(JSON.parse(succeeded.output ?? 'null')).toEqual([{ call: 1 }, { call: 1 }, { call: 2 }]);
    expect([0, 1, 2].map((item) => calls.get(`${key}-${item}`))).toEqual([1, 1, 2]);
    const events = await historyOf(executionArn);
    expect(typesAfter(events, lastId)).toEqual([
      'ExecutionRedriven',
      'MapIterationStarted',
      ...TASK_EVENTS,
      'MapIterationSucceeded',
      'MapStateSucceeded',
      'MapStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events.find((event) => event.id === lastId + 2)).toMatchObject({
      previousEventId: lastId + 1,
      mapIterationStartedEventDetails: { name: 'Each', index: 2 },
    });
  });

  it('redrives a failed Distributed Map: the same Map Run redrives its failed child, starts the items it never started', async () => {
    const key = unique('dmap');
    const machine = await createMachine({
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          // One child at a time: item 1 fails the Map Run before item 2 starts.
          MaxConcurrency: 1,
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'Item',
            States: {
              Item: {
                Type: 'Task',
                Resource: 'arn:aws:states:::lambda:invoke',
                Parameters: {
                  FunctionName: 'work',
                  Payload: {
                    'key.$': `States.Format('${key}-{}', $)`,
                    'item.$': '$',
                    failItem: 1,
                    failures: 1,
                  },
                },
                ResultSelector: { 'call.$': '$.Payload.call' },
                End: true,
              },
            },
          },
          End: true,
        },
      },
    });
    const executionArn = await start(machine, { items: [0, 1, 2] });
    expect((await waitForClosedExecution(sfn, executionArn)).status).toBe('FAILED');
    const { mapRuns } = await sfn.send(new ListMapRunsCommand({ executionArn }));
    const mapRunArn = mapRuns?.[0]?.mapRunArn as string;
    const children = async () => {
      const { executions } = await sfn.send(new ListExecutionsCommand({ mapRunArn }));
      return Promise.all(
        (executions ?? []).map((e) =>
          sfn.send(new DescribeExecutionCommand({ executionArn: e.executionArn })),
        ),
      );
    };
    const failedChild = (await children()).find((child) => child.input === '1');
    expect(failedChild).toMatchObject({ status: 'FAILED', redriveStatus: 'REDRIVABLE_BY_MAP_RUN' });
    expect((await children()).map((child) => child.input).sort()).toEqual(['0', '1']);
    // A Map Run's child is redriven by its Map Run, never on its own.
    expect(
      await thrown(sfn.send(new RedriveExecutionCommand({ executionArn: failedChild?.executionArn }))),
    ).toBeInstanceOf(ExecutionNotRedrivable);
    expect(await sfn.send(new DescribeMapRunCommand({ mapRunArn }))).toMatchObject({
      status: 'FAILED',
      redriveCount: 0,
      executionCounts: { succeeded: 1, failed: 1 },
    });
    const lastId = (await historyOf(executionArn)).at(-1)?.id ?? 0;

    await sfn.send(new RedriveExecutionCommand({ executionArn }));
    const succeeded = await waitForClosedExecution(sfn, executionArn);
    expect(succeeded.status).toBe('SUCCEEDED');
    expect(JSON.parse(succeeded.output ?? 'null')).toEqual([{ call: 1 }, { call: 2 }, { call: 1 }]);
    expect([0, 1, 2].map((item) => calls.get(`${key}-${item}`))).toEqual([1, 2, 1]);
    expect((await sfn.send(new ListMapRunsCommand({ executionArn }))).mapRuns).toHaveLength(1);
    const events = await historyOf(executionArn);
    expect(typesAfter(events, lastId)).toEqual([
      'ExecutionRedriven',
      'MapRunRedriven',
      'MapRunSucceeded',
      'MapStateSucceeded',
      'MapStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events.find((event) => event.type === 'MapRunRedriven')?.mapRunRedrivenEventDetails).toEqual({
      mapRunArn,
      redriveCount: 1,
    });
    const described = await sfn.send(new DescribeMapRunCommand({ mapRunArn }));
    expect(described).toMatchObject({
      status: 'SUCCEEDED',
      redriveCount: 1,
      executionCounts: { succeeded: 3, failed: 0, aborted: 0, pendingRedrive: 0, total: 3 },
      itemCounts: { succeeded: 3, failed: 0, total: 3 },
    });
    expect(described.redriveDate).toBeInstanceOf(Date);
    // The failed child was redriven (the same execution, its redriveCount 1); the others ran once.
    const after = await children();
    expect(after).toHaveLength(3);
    const byInput = Object.fromEntries(after.map((child) => [child.input, child]));
    expect(byInput['1']).toMatchObject({
      executionArn: failedChild?.executionArn,
      status: 'SUCCEEDED',
      redriveCount: 1,
    });
    expect(byInput['0']?.redriveCount).toBe(0);
    expect(byInput['2']?.redriveCount).toBe(0);
    const childEvents = await historyOf(failedChild?.executionArn as string);
    expect(childEvents.filter((event) => event.type === 'ExecutionRedriven')).toHaveLength(1);
  });

  it('redrives an aborted execution: RUNNING again in the listings, then ABORTED again', async () => {
    const machine = await createMachine({
      StartAt: 'Hold',
      States: { Hold: { Type: 'Wait', Seconds: 3600, End: true } },
    });
    const executionArn = await start(machine);
    const running = await thrown(sfn.send(new RedriveExecutionCommand({ executionArn })));
    expect(running).toBeInstanceOf(ExecutionNotRedrivable);
    expect((running as Error).message).toBe('Execution is RUNNING and cannot be redriven');
    expect(await sfn.send(new DescribeExecutionCommand({ executionArn }))).toMatchObject({
      redriveStatus: 'NOT_REDRIVABLE',
      redriveStatusReason: 'Execution is RUNNING and cannot be redriven',
    });
    await sfn.send(new StopExecutionCommand({ executionArn }));
    const listed = async (statusFilter: 'RUNNING' | 'ABORTED') =>
      (await sfn.send(new ListExecutionsCommand({ stateMachineArn: machine, statusFilter }))).executions?.map(
        (execution) => execution.executionArn,
      );
    expect(await listed('ABORTED')).toEqual([executionArn]);

    const clientToken = unique('token');
    const { redriveDate } = await sfn.send(new RedriveExecutionCommand({ executionArn, clientToken }));
    expect(await listed('RUNNING')).toEqual([executionArn]);
    expect(await listed('ABORTED')).toEqual([]);
    const all = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machine }));
    expect(all.executions).toEqual([
      expect.objectContaining({ executionArn, status: 'RUNNING', redriveCount: 1, redriveDate }),
    ]);
    expect(all.executions?.[0]?.stopDate).toBeUndefined();
    // The same clientToken again is the same redrive; another one is refused while it runs.
    expect(await sfn.send(new RedriveExecutionCommand({ executionArn, clientToken }))).toMatchObject({
      redriveDate,
    });
    expect(await thrown(sfn.send(new RedriveExecutionCommand({ executionArn })))).toBeInstanceOf(
      ExecutionNotRedrivable,
    );
    const events = await historyOf(executionArn);
    expect(events.map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'WaitStateEntered',
      'ExecutionAborted',
      'ExecutionRedriven',
      'WaitStateEntered',
    ]);
    await sfn.send(new StopExecutionCommand({ executionArn }));
    expect(await listed('ABORTED')).toEqual([executionArn]);
    expect(await listed('RUNNING')).toEqual([]);
    expect(await sfn.send(new DescribeExecutionCommand({ executionArn }))).toMatchObject({
      status: 'ABORTED',
      redriveCount: 1,
      redriveDate,
      redriveStatus: 'REDRIVABLE',
    });
  });

  it('redrives a timed-out execution: TimeoutSeconds counts again from the redrive', async () => {
    const machine = await createMachine({
      TimeoutSeconds: 1,
      StartAt: 'Hold',
      States: { Hold: { Type: 'Wait', Seconds: 60, End: true } },
    });
    const executionArn = await start(machine);
    expect((await waitForClosedExecution(sfn, executionArn)).status).toBe('TIMED_OUT');
    await sfn.send(new RedriveExecutionCommand({ executionArn }));
    expect((await waitForClosedExecution(sfn, executionArn)).status).toBe('TIMED_OUT');
    expect((await historyOf(executionArn)).map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'WaitStateEntered',
      'ExecutionTimedOut',
      'ExecutionRedriven',
      'WaitStateEntered',
      'ExecutionTimedOut',
    ]);
  });

  it('ListExecutions redriveFilter: REDRIVEN and NOT_REDRIVEN', async () => {
    const machine = await createMachine({
      StartAt: 'Stop',
      States: { Stop: { Type: 'Fail', Error: 'Stopped', Cause: 'on purpose' } },
    });
    const redriven = await start(machine);
    const notRedriven = await start(machine);
    await waitForClosedExecution(sfn, redriven);
    await waitForClosedExecution(sfn, notRedriven);
    await sfn.send(new RedriveExecutionCommand({ executionArn: redriven }));
    // A Fail state fails again.
    await until('the redriven execution to fail again', async () => {
      const events = await historyOf(redriven);
      return events.at(-1)?.type === 'ExecutionFailed' && events.length > 3 ? true : undefined;
    });
    const list = async (redriveFilter?: 'REDRIVEN' | 'NOT_REDRIVEN') =>
      (
        await sfn.send(
          new ListExecutionsCommand({
            stateMachineArn: machine,
            ...(redriveFilter !== undefined ? { redriveFilter } : {}),
          }),
        )
      ).executions ?? [];
    expect((await list('REDRIVEN')).map((e) => [e.executionArn, e.status, e.redriveCount])).toEqual([
      [redriven, 'FAILED', 1],
    ]);
    expect((await list('NOT_REDRIVEN')).map((e) => [e.executionArn, e.redriveCount])).toEqual([
      [notRedriven, undefined],
    ]);
    expect(await list()).toHaveLength(2);
    const cli = await awsStepFunctions(
      server.endpoint,
      'list-executions',
      '--state-machine-arn',
      machine,
      '--redrive-filter',
      'REDRIVEN',
    );
    expect((cli.executions as Array<{ executionArn: string }>).map((e) => e.executionArn)).toEqual([
      redriven,
    ]);
  });

  it('the AWS CLI: redrive-execution answers the redriveDate', async () => {
    const machine = await createMachine({
      StartAt: 'Stop',
      States: { Stop: { Type: 'Fail', Error: 'Stopped' } },
    });
    const executionArn = await start(machine);
    await waitForClosedExecution(sfn, executionArn);
    const answer = await awsStepFunctions(
      server.endpoint,
      'redrive-execution',
      '--execution-arn',
      executionArn,
    );
    expect(Object.keys(answer)).toEqual(['redriveDate']);
    const described = await waitForClosedExecution(sfn, executionArn);
    expect(described.redriveCount).toBe(1);
    // The CLI prints the date as epoch seconds.
    expect(described.redriveDate?.getTime()).toBe(Math.round((answer.redriveDate as number) * 1000));
  });

  describe('errors', () => {
    it('a SUCCEEDED execution: ExecutionNotRedrivable', async () => {
      const machine = await createMachine({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } });
      const executionArn = await start(machine);
      expect((await waitForClosedExecution(sfn, executionArn)).redriveStatus).toBe('NOT_REDRIVABLE');
      const error = await thrown(sfn.send(new RedriveExecutionCommand({ executionArn })));
      expect(error).toBeInstanceOf(ExecutionNotRedrivable);
      expect(error).toMatchObject({
        message: 'Execution is SUCCEEDED and cannot be redriven',
        $metadata: { httpStatusCode: 400 },
      });
    });

    it('an execution that does not exist: ExecutionDoesNotExist', async () => {
      const executionArn = 'arn:aws:states:us-east-1:123456789012:execution:nothing:here';
      const error = await thrown(sfn.send(new RedriveExecutionCommand({ executionArn })));
      expect(error).toBeInstanceOf(ExecutionDoesNotExist);
      expect((error as Error).message).toBe(`Execution Does Not Exist: '${executionArn}'`);
    });

    it('an EXPRESS execution: ExecutionNotRedrivable', async () => {
      const executionArn =
        'arn:aws:states:us-east-1:123456789012:express:quick:run:0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0';
      const error = await thrown(sfn.send(new RedriveExecutionCommand({ executionArn })));
      expect(error).toBeInstanceOf(ExecutionNotRedrivable);
      expect((error as Error).message).toBe('Express executions cannot be redriven');
    });

    it.each(['not-an-arn', 'arn:aws:states:us-east-1:123456789012:stateMachine:machine'])(
      'a malformed or wrong ARN (%s): InvalidArn',
      async (executionArn) => {
        expect(await thrown(sfn.send(new RedriveExecutionCommand({ executionArn })))).toBeInstanceOf(
          InvalidArn,
        );
      },
    );

    it.each([
      { clientToken: 'has space', member: 'clientToken' },
      { clientToken: 'x'.repeat(65), member: 'clientToken' },
    ])('a clientToken outside [!-~]{1,64}: ValidationException', async ({ clientToken, member }) => {
      const executionArn = 'arn:aws:states:us-east-1:123456789012:execution:nothing:here';
      const error = await thrown(sfn.send(new RedriveExecutionCommand({ executionArn, clientToken })));
      expect(error).toBeInstanceOf(ValidationException);
      expect((error as Error).message).toContain(member);
    });

    it('an execution whose state machine was deleted: ExecutionNotRedrivable', async () => {
      const machine = await createMachine({ StartAt: 'Stop', States: { Stop: { Type: 'Fail' } } });
      const executionArn = await start(machine);
      await waitForClosedExecution(sfn, executionArn);
      await sfn.send(new DeleteStateMachineCommand({ stateMachineArn: machine }));
      const error = await thrown(sfn.send(new RedriveExecutionCommand({ executionArn })));
      expect(error).toBeInstanceOf(ExecutionNotRedrivable);
      expect((error as Error).message).toBe('State machine is in DELETING status');
    });

    // Last: it moves the server's clock on 15 days.
    it('an execution closed more than 14 days ago: ExecutionNotRedrivable', async () => {
      const machine = await createMachine({ StartAt: 'Stop', States: { Stop: { Type: 'Fail' } } });
      const executionArn = await start(machine);
      await waitForClosedExecution(sfn, executionArn);
      clockOffset = 15 * DAY_MS;
      expect(await sfn.send(new DescribeExecutionCommand({ executionArn }))).toMatchObject({
        redriveStatus: 'NOT_REDRIVABLE',
        redriveStatusReason: 'Execution redrivable period exceeded',
      });
      const error = await thrown(sfn.send(new RedriveExecutionCommand({ executionArn })));
      expect(error).toBeInstanceOf(ExecutionNotRedrivable);
      expect((error as Error).message).toBe('Execution redrivable period exceeded');
    });
  });
});
