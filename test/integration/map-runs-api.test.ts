import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  DescribeMapRunCommand,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  InvalidArn,
  ListExecutionsCommand,
  ListMapRunsCommand,
  ResourceNotFound,
  StartExecutionCommand,
  StopExecutionCommand,
  UpdateMapRunCommand,
  ValidationException,
} from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { awsStepFunctions } from '../support/aws-cli.ts';
import { until } from '../support/eventually.ts';
import { localServerPerFile } from '../support/local-server-per-file.ts';
import { waitForClosedExecution } from '../support/sfn-client.ts';
import { thrown } from '../support/thrown.ts';

/**
 * ListMapRuns, DescribeMapRun and UpdateMapRun as the AWS SDK meets them: @aws-sdk/client-sfn against
 * startLocalServer (dynalite and fauxqs in a temporary folder). Children that Wait an hour hold a run open
 * while it is described and updated; StopExecution ends it.
 */

const ROLE = 'arn:aws:iam::123456789012:role/StatefoldExecutionRole';
const local = localServerPerFile('statefold-map-runs-');

let sequence = 0;
const unique = (prefix: string) => `${prefix}-${++sequence}`;

const fanOut = (seconds: number) =>
  JSON.stringify({
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        Label: 'Rows',
        ItemsPath: '$.items',
        MaxConcurrency: 1,
        ToleratedFailureCount: 2,
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'Hold',
          States: { Hold: { Type: 'Wait', Seconds: seconds, End: true } },
        },
        End: true,
      },
    },
  });

async function start(definition: string, items: unknown[]) {
  const { stateMachineArn } = await local.sfn.send(
    new CreateStateMachineCommand({ name: unique('map-runs'), definition, roleArn: ROLE }),
  );
  const { executionArn } = await local.sfn.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify({ items }) }),
  );
  return executionArn as string;
}

const mapRunOf = (executionArn: string) =>
  until('the Map Run to be listed', async () => {
    const { mapRuns } = await local.sfn.send(new ListMapRunsCommand({ executionArn }));
    return mapRuns?.[0];
  });

describe('the Map Run API', () => {
  it('ListMapRuns and DescribeMapRun: the run, its settings and its counts, after it succeeds', async () => {
    const executionArn = await start(fanOut(0), [1, 2, 3]);
    const closed = await waitForClosedExecution(local.sfn, executionArn);
    expect(closed.status).toBe('SUCCEEDED');
    const { mapRuns, nextToken } = await local.sfn.send(new ListMapRunsCommand({ executionArn }));
    expect(nextToken).toBeUndefined();
    expect(mapRuns).toEqual([
      {
        executionArn,
        mapRunArn: expect.stringMatching(/:mapRun:map-runs-\d+\/Rows:[\w-]+$/),
        stateMachineArn: expect.stringMatching(/:stateMachine:map-runs-\d+\/Rows$/),
        startDate: expect.any(Date),
        stopDate: expect.any(Date),
      },
    ]);
    const described = await local.sfn.send(new DescribeMapRunCommand({ mapRunArn: mapRuns?.[0]?.mapRunArn }));
    const counts = {
      pending: 0,
      running: 0,
      succeeded: 3,
      failed: 0,
      timedOut: 0,
      aborted: 0,
      total: 3,
      resultsWritten: 0,
      failuresNotRedrivable: 0,
      pendingRedrive: 0,
    };
    expect(described).toMatchObject({
      mapRunArn: mapRuns?.[0]?.mapRunArn,
      executionArn,
      status: 'SUCCEEDED',
      maxConcurrency: 1,
      toleratedFailureCount: 2,
      toleratedFailurePercentage: 0,
      itemCounts: counts,
      executionCounts: counts,
      redriveCount: 0,
    });
    expect(described.startDate).toBeInstanceOf(Date);
    expect(described.stopDate).toBeInstanceOf(Date);
  });

  it('ListExecutions of a Map Run with a statusFilter: the children with that status, newest first, page by page', async () => {
    const definition = JSON.stringify({
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          ToleratedFailureCount: 2,
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'Pick',
            States: {
              Pick: {
                Type: 'Choice',
                Choices: [{ Variable: '$.fail', BooleanEquals: true, Next: 'Broken' }],
                Default: 'Fine',
              },
              Broken: { Type: 'Fail', Error: 'Item.Broken', Cause: 'this item fails' },
              Fine: { Type: 'Succeed' },
            },
          },
          End: true,
        },
      },
    });
    const items = [false, true, false, false, true].map((fail) => ({ fail }));
    const executionArn = await start(definition, items);
    expect((await waitForClosedExecution(local.sfn, executionArn)).status).toBe('SUCCEEDED');
    const { mapRunArn } = await mapRunOf(executionArn);
    const all = await until('five closed children listed', async () => {
      const listed = (await local.sfn.send(new ListExecutionsCommand({ mapRunArn }))).executions ?? [];
      return listed.length === 5 && listed.every((child) => child.status !== 'RUNNING') ? listed : undefined;
    });
    // Each child's listing (an entry in its Map Run's partition, its ARNs derived) says what DescribeExecution and
    // its history say of it.
    for (const child of all) {
      const described = await local.sfn.send(
        new DescribeExecutionCommand({ executionArn: child.executionArn }),
      );
      expect(child).toEqual({
        executionArn: described.executionArn,
        stateMachineArn: described.stateMachineArn,
        name: described.name,
        status: described.status,
        startDate: described.startDate,
        stopDate: described.stopDate,
        mapRunArn: described.mapRunArn,
      });
      expect(described.mapRunArn).toBe(mapRunArn);
      expect(JSON.parse(described.input ?? 'null')).toHaveProperty('fail');
      const history = await local.sfn.send(
        new GetExecutionHistoryCommand({ executionArn: child.executionArn }),
      );
      expect(history.events?.[0]?.type).toBe('ExecutionStarted');
      expect(history.events?.at(-1)?.type).toBe(
        described.status === 'SUCCEEDED' ? 'ExecutionSucceeded' : 'ExecutionFailed',
      );
    }
    const byStatus = async (statusFilter: 'SUCCEEDED' | 'FAILED' | 'RUNNING' | 'ABORTED') =>
      (await local.sfn.send(new ListExecutionsCommand({ mapRunArn, statusFilter }))).executions ?? [];
    const arnsWith = (status: string) =>
      all.filter((child) => child.status === status).map((child) => child.executionArn);
    expect(arnsWith('SUCCEEDED')).toHaveLength(3);
    expect((await byStatus('SUCCEEDED')).map((child) => child.executionArn)).toEqual(arnsWith('SUCCEEDED'));
    const failed = await byStatus('FAILED');
    expect(failed.map((child) => child.executionArn)).toEqual(arnsWith('FAILED'));
    expect(failed).toHaveLength(2);
    expect(failed[0]).toMatchObject({ status: 'FAILED', mapRunArn, stopDate: expect.any(Date) });
    expect(await byStatus('RUNNING')).toEqual([]);
    expect(await byStatus('ABORTED')).toEqual([]);
    // One child a page: each page's token goes on after the child it ended with.
    const paged: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await local.sfn.send(
        new ListExecutionsCommand({ mapRunArn, statusFilter: 'SUCCEEDED', maxResults: 1, nextToken }),
      );
      expect(page.executions?.length ?? 0).toBeLessThanOrEqual(1);
      paged.push(...(page.executions ?? []).map((child) => child.executionArn as string));
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
    expect(paged).toEqual(arnsWith('SUCCEEDED'));
  });

  it('while it runs: one child at a time; UpdateMapRun raises MaxConcurrency and the rest start; a stop aborts them', async () => {
    const executionArn = await start(fanOut(3600), [1, 2, 3, 4]);
    const { mapRunArn } = await mapRunOf(executionArn);
    const running = await until('one child running', async () => {
      const described = await local.sfn.send(new DescribeMapRunCommand({ mapRunArn }));
      return described.executionCounts?.running === 1 ? described : undefined;
    });
    expect(running).toMatchObject({
      status: 'RUNNING',
      executionCounts: { pending: 3, running: 1, total: 4 },
    });
    expect(running.stopDate).toBeUndefined();

    await local.sfn.send(
      new UpdateMapRunCommand({ mapRunArn, maxConcurrency: 10, toleratedFailurePercentage: 12.5 }),
    );
    const updated = await until('every child running', async () => {
      const described = await local.sfn.send(new DescribeMapRunCommand({ mapRunArn }));
      return described.executionCounts?.running === 4 ? described : undefined;
    });
    expect(updated).toMatchObject({
      maxConcurrency: 10,
      toleratedFailurePercentage: 12.5,
      toleratedFailureCount: 2,
    });
    // The children themselves start a moment after the parent counts them.
    const executions = await until('four child executions', async () => {
      const listed = (await local.sfn.send(new ListExecutionsCommand({ mapRunArn }))).executions ?? [];
      return listed.length === 4 ? listed : undefined;
    });
    expect(executions.map((child) => child.status)).toEqual(['RUNNING', 'RUNNING', 'RUNNING', 'RUNNING']);
    const withStatus = async (statusFilter: 'RUNNING' | 'ABORTED') =>
      (await local.sfn.send(new ListExecutionsCommand({ mapRunArn, statusFilter }))).executions ?? [];
    expect(await withStatus('RUNNING')).toHaveLength(4);

    await local.sfn.send(new StopExecutionCommand({ executionArn }));
    const aborted = await until('the Map Run to end', async () => {
      const described = await local.sfn.send(new DescribeMapRunCommand({ mapRunArn }));
      return described.status === 'RUNNING' ? undefined : described;
    });
    expect(aborted).toMatchObject({
      status: 'ABORTED',
      executionCounts: { running: 0, aborted: 4, total: 4 },
    });
    // Listed RUNNING, then closed: they leave the RUNNING filter and are found under ABORTED.
    const abortedChildren = await until('four aborted children listed', async () => {
      const listed = await withStatus('ABORTED');
      return listed.length === 4 ? listed : undefined;
    });
    expect(abortedChildren.map((child) => child.status)).toEqual([
      'ABORTED',
      'ABORTED',
      'ABORTED',
      'ABORTED',
    ]);
    expect(await withStatus('RUNNING')).toEqual([]);
    const error = await thrown(local.sfn.send(new UpdateMapRunCommand({ mapRunArn, maxConcurrency: 2 })));
    expect(error).toBeInstanceOf(ValidationException);
  });

  it('with an ItemBatcher, itemCounts count the items and executionCounts the batches', async () => {
    const definition = JSON.stringify({
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemBatcher: { MaxItemsPerBatch: 2 },
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'P',
            States: { P: { Type: 'Pass', End: true } },
          },
          End: true,
        },
      },
    });
    const executionArn = await start(definition, [1, 2, 3, 4, 5]);
    expect((await waitForClosedExecution(local.sfn, executionArn)).status).toBe('SUCCEEDED');
    const { mapRunArn } = await mapRunOf(executionArn);
    const described = await local.sfn.send(new DescribeMapRunCommand({ mapRunArn }));
    expect(described.itemCounts).toMatchObject({ total: 5, succeeded: 5, pending: 0 });
    expect(described.executionCounts).toMatchObject({ total: 3, succeeded: 3, pending: 0 });
  });

  it('answers AWS errors: a Map Run or execution that does not exist, a malformed ARN, an update of nothing', async () => {
    const missing =
      'arn:aws:states:us-east-1:123456789012:mapRun:nothing/Rows:00000000-0000-0000-0000-000000000000';
    expect(await thrown(local.sfn.send(new DescribeMapRunCommand({ mapRunArn: missing })))).toBeInstanceOf(
      ResourceNotFound,
    );
    expect(
      await thrown(local.sfn.send(new UpdateMapRunCommand({ mapRunArn: missing, maxConcurrency: 1 }))),
    ).toBeInstanceOf(ResourceNotFound);
    expect(await thrown(local.sfn.send(new UpdateMapRunCommand({ mapRunArn: missing })))).toBeInstanceOf(
      ValidationException,
    );
    expect(
      await thrown(local.sfn.send(new DescribeMapRunCommand({ mapRunArn: 'not-an-arn' }))),
    ).toBeInstanceOf(InvalidArn);
    const noExecution = 'arn:aws:states:us-east-1:123456789012:execution:nothing:gone';
    expect(
      await thrown(local.sfn.send(new ListMapRunsCommand({ executionArn: noExecution }))),
    ).toBeInstanceOf(ExecutionDoesNotExist);
    const percentage = await thrown(
      local.sfn.send(new UpdateMapRunCommand({ mapRunArn: missing, toleratedFailurePercentage: 101 })),
    );
    expect(percentage).toBeInstanceOf(ValidationException);
  });

  it('ListMapRuns pages: one run per page with maxResults 1', async () => {
    const definition = JSON.stringify({
      StartAt: 'First',
      States: {
        First: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'P',
            States: { P: { Type: 'Pass', End: true } },
          },
          ResultPath: null,
          Next: 'Second',
        },
        Second: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'Q',
            States: { Q: { Type: 'Pass', End: true } },
          },
          End: true,
        },
      },
    });
    const executionArn = await start(definition, [1]);
    expect((await waitForClosedExecution(local.sfn, executionArn)).status).toBe('SUCCEEDED');
    const first = await local.sfn.send(new ListMapRunsCommand({ executionArn, maxResults: 1 }));
    expect(first.mapRuns).toHaveLength(1);
    expect(first.nextToken).toEqual(expect.any(String));
    const second = await local.sfn.send(
      new ListMapRunsCommand({ executionArn, maxResults: 1, nextToken: first.nextToken }),
    );
    expect(second.mapRuns).toHaveLength(1);
    expect(second.nextToken).toBeUndefined();
    expect(second.mapRuns?.[0]?.mapRunArn).not.toBe(first.mapRuns?.[0]?.mapRunArn);
  });

  it('the AWS CLI: list-map-runs, describe-map-run, update-map-run', async () => {
    const aws = async (...args: string[]) =>
      (await awsStepFunctions(local.server.endpoint, ...args)) as Record<string, unknown>;
    const executionArn = await start(fanOut(3600), [1, 2]);
    const listed = await until('the CLI to list the run', async () => {
      const answer = (await aws('list-map-runs', '--execution-arn', executionArn)) as {
        mapRuns?: { mapRunArn: string }[];
      };
      return answer.mapRuns?.[0];
    });
    expect(await aws('update-map-run', '--map-run-arn', listed.mapRunArn, '--max-concurrency', '5')).toEqual(
      {},
    );
    const described = await until('the CLI to see both children running', async () => {
      const answer = (await aws('describe-map-run', '--map-run-arn', listed.mapRunArn)) as {
        executionCounts?: { running: number };
      };
      return answer.executionCounts?.running === 2 ? answer : undefined;
    });
    expect(described).toMatchObject({ status: 'RUNNING', maxConcurrency: 5, executionArn });
    await local.sfn.send(new StopExecutionCommand({ executionArn }));
  });
});
