import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeExecution, listExecutions } from '../../shared/engine/executions.ts';
import { loadExecution } from '../../shared/engine/load-execution.ts';
import { describeMapRun } from '../../shared/engine/map-runs.ts';
import { recordsOf } from '../../shared/engine/outbox.ts';
import type { RecordEnvelope } from '../../shared/engine/ports.ts';
import type { ExecutionInfo } from '../../shared/history/events.ts';
import type { HistoryEvent } from '../../shared/history/to-history-event.ts';
import { startTestbed, type Testbed } from '../support/durable-testbed.ts';

/**
 * The records a commit sends (an execution's listing, a Map Run's record, and with a child's close the notice
 * its parent hears), delivered again through the tasks queue to the task handler, as SQS may deliver them
 * twice or the reconciler send them again: nothing is counted twice and no listing goes back to an older
 * state. Over the real adapters (dynalite, fauxqs, the pollers feeding functions/step and task).
 */

const LAMBDA = 'arn:aws:lambda:us-east-1:123456789012:function';

let testbed: Testbed;
const deps = () => testbed.engine.deps;

beforeAll(async () => {
  testbed = await startTestbed({
    functions: { double: (event: { value: number }) => ({ value: event.value * 2 }) },
    virtualClock: Date.UTC(2026, 0, 1),
  });
});
afterAll(async () => {
  await testbed?.stop();
});

/** Sends `records` to the tasks queue and waits until the task handler and whatever they cause are done. */
async function deliverAgain(records: RecordEnvelope[]): Promise<void> {
  await deps().queues.sendRecords(records);
  await testbed.settle();
}

async function commitsOf(executionArn: string) {
  const loaded = await loadExecution(deps().log, executionArn);
  const commits = await deps().log.readCommits(executionArn, { limit: 100 });
  return { execution: loaded?.state.execution as ExecutionInfo, commits };
}

describe('records delivered again', () => {
  it('a Distributed Map child’s listings and its close, and the Map Run’s record, change nothing the second time', async () => {
    const items = [{ value: 1 }, { value: 2 }, { value: 3 }];
    const run = await testbed.run({
      input: { items },
      definition: {
        StartAt: 'Each',
        States: {
          Each: {
            Type: 'Map',
            ItemsPath: '$.items',
            ItemProcessor: {
              ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
              StartAt: 'Double',
              States: { Double: { Type: 'Task', Resource: `${LAMBDA}:double`, End: true } },
            },
            End: true,
          },
        },
      },
    });
    expect(run.status).toBe('SUCCEEDED');
    const started = run.events.find((event) => event.type === 'MapRunStarted') as HistoryEvent;
    const { mapRunArn } = started.mapRunStartedEventDetails as { mapRunArn: string };
    const listed = (await listExecutions(deps(), { mapRunArn })).executions;
    expect(listed.map((child) => child.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    const mapRun = await describeMapRun(deps(), { mapRunArn });
    expect(mapRun.itemCounts).toMatchObject({ succeeded: 3, total: 3, running: 0 });

    // The child's first commit listed it RUNNING; its second (the task's result) closed it and told the parent.
    const child = listed[0] as (typeof listed)[number];
    const { execution, commits } = await commitsOf(child.executionArn);
    expect(commits.map((commit) => commit.n)).toEqual([1, 2]);
    const [first, closing] = commits.map((commit) => recordsOf(execution, commit));
    expect(first).toEqual([expect.objectContaining({ record: 'listing', asOf: 1 })]);
    expect(closing).toEqual([
      expect.objectContaining({ record: 'listing', asOf: 2, closed: expect.any(Object) }),
    ]);
    const parent = await commitsOf(run.executionArn);
    const mapRunRecords = parent.commits
      .flatMap((commit) => recordsOf(parent.execution, commit))
      .filter((record) => record.record === 'mapRun');
    expect(mapRunRecords).toHaveLength(1);

    // Delivered again: the close twice, resent past the FIFO queue's deduplication as the reconciler resends
    // (so the parent's step does hear the child close again), then the RUNNING listing of commit 1 after it.
    const resent = (closing as RecordEnvelope[]).map((record) => ({ ...record, resend: 'again' }));
    await deliverAgain([...resent, ...resent, ...mapRunRecords]);
    await deliverAgain(first as RecordEnvelope[]);

    expect((await listExecutions(deps(), { mapRunArn })).executions).toEqual(listed);
    expect((await listExecutions(deps(), { mapRunArn, statusFilter: 'RUNNING' })).executions).toEqual([]);
    expect(await describeMapRun(deps(), { mapRunArn })).toEqual(mapRun);
    expect(await testbed.history(run.executionArn)).toEqual(run.events);
    expect((await describeExecution(deps(), { executionArn: run.executionArn })).output).toBe(run.output);
    expect((await commitsOf(run.executionArn)).commits).toHaveLength(parent.commits.length);
  });

  it('a child that succeeded in its first commit: its listing, with its input and output, comes through the queue whole', async () => {
    const run = await testbed.run({
      input: { items: [{ value: 7 }] },
      definition: {
        StartAt: 'Each',
        States: {
          Each: {
            Type: 'Map',
            ItemsPath: '$.items',
            ItemProcessor: {
              ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
              StartAt: 'Keep',
              States: { Keep: { Type: 'Pass', Parameters: { 'kept.$': '$.value' }, End: true } },
            },
            End: true,
          },
        },
      },
    });
    expect(run.status).toBe('SUCCEEDED');
    const started = run.events.find((event) => event.type === 'MapRunStarted') as HistoryEvent;
    const { mapRunArn } = started.mapRunStartedEventDetails as { mapRunArn: string };
    const [child] = (await deps().log.listExecutions({ mapRunArn, limit: 10 })).items;
    expect(child?.result).toEqual({ input: '{"value":7}', output: '{"kept":7}' });
    const { execution, commits } = await commitsOf(child?.executionArn ?? '');
    expect(commits.map((commit) => commit.n)).toEqual([1]);
    const records = recordsOf(execution, commits[0] as (typeof commits)[number]);
    expect(records).toEqual([
      expect.objectContaining({
        record: 'listing',
        head: expect.objectContaining({ result: child?.result }),
      }),
    ]);

    await deliverAgain(records.map((record) => ({ ...record, resend: 'again' })));

    expect((await deps().log.listExecutions({ mapRunArn, limit: 10 })).items).toEqual([child]);
    expect((await describeExecution(deps(), { executionArn: run.executionArn })).output).toBe(run.output);
  });

  it('a top-level execution’s close delivered again keeps its listing closed, with its stop date', async () => {
    const run = await testbed.run({
      input: { value: 4 },
      definition: {
        StartAt: 'Double',
        States: { Double: { Type: 'Task', Resource: `${LAMBDA}:double`, End: true } },
      },
    });
    expect(run.status).toBe('SUCCEEDED');
    const description = await describeExecution(deps(), { executionArn: run.executionArn });
    const { execution, commits } = await commitsOf(run.executionArn);
    const closing = commits.at(-1);
    if (!closing) throw new Error('no commits');
    const before = (await listExecutions(deps(), { stateMachineArn: description.stateMachineArn }))
      .executions;
    expect(before).toEqual([
      expect.objectContaining({ status: 'SUCCEEDED', stopDate: description.stopDate }),
    ]);

    await deliverAgain(recordsOf(execution, closing));
    await deliverAgain(recordsOf(execution, closing));

    expect(
      (await listExecutions(deps(), { stateMachineArn: description.stateMachineArn })).executions,
    ).toEqual(before);
  });
});
