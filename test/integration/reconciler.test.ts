import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeExecution } from '../../shared/engine/executions.ts';
import { startExecution } from '../../shared/engine/start-execution.ts';
import type { HistoryEvent } from '../../shared/history/to-history-event.ts';
import type { SqsBatchHandler } from '../../shared/queue/event-source-poller.ts';
import { startTestbed, type Testbed } from '../support/durable-testbed.ts';
import { until } from '../support/eventually.ts';

/**
 * The reconciler through the durable engine (dynalite, fauxqs, the handlers' pollers): an execution whose
 * pending message is gone (a lost timer, a message lost) is found by a sweep and finished; one that cannot be
 * moved is failed with a cause saying why; one that waits for a callback is left alone. The engine runs on a
 * virtual clock: the reconciler's quiet times pass when a test moves the clock on (after the engine has settled),
 * never by sleeping, so "still RUNNING" is checked once nothing is left that could move the execution.
 */
const QUIET_MS = 300;
const TASK_QUIET_MS = 1_000;
const FAIL_AFTER_MS = 600;

/** Executions whose messages on a queue are taken off it unhandled (lost): `once` for the next one only. */
const lose = new Map<string, { queue: string; once: boolean }>();
const invocations = new Map<string, number>();
/** Messages taken off the transitions queue unhandled, once each: the first that matches each predicate. */
const loseOnce: ((body: { executionArn?: string; message?: { type?: string } }) => boolean)[] = [];
/** How many transition messages were delivered (lost or not), by execution ARN and message type. */
const delivered = new Map<string, number>();

function losing(queue: string, handler: SqsBatchHandler): SqsBatchHandler {
  return (event: SQSEvent, context) => {
    const kept = event.Records.filter((record) => {
      const body = JSON.parse(record.body) as {
        executionArn?: string;
        transition?: { executionArn?: string };
        message?: { type?: string };
      };
      if (queue === 'transitions') {
        const key = `${body.executionArn} ${body.message?.type}`;
        delivered.set(key, (delivered.get(key) ?? 0) + 1);
      }
      const matching = queue === 'transitions' ? loseOnce.findIndex((matches) => matches(body)) : -1;
      if (matching >= 0) {
        loseOnce.splice(matching, 1);
        return false;
      }
      const arn = body.executionArn ?? body.transition?.executionArn ?? '';
      const rule = lose.get(arn);
      if (rule?.queue !== queue) return true;
      if (rule.once) lose.delete(arn);
      return false;
    });
    return kept.length > 0 ? handler({ Records: kept }, context) : Promise.resolve({ batchItemFailures: [] });
  };
}

let testbed: Testbed;

beforeAll(async () => {
  testbed = await startTestbed({
    virtualClock: Date.UTC(2026, 0, 1),
    reconcile: { quietMs: QUIET_MS, taskQuietMs: TASK_QUIET_MS, failAfterMs: FAIL_AFTER_MS },
    wrapHandler: losing,
  });
  testbed.engine.setFunctions({
    echo: (event: { name?: string }) => {
      invocations.set(event.name ?? '', (invocations.get(event.name ?? '') ?? 0) + 1);
      return event;
    },
  });
});

afterAll(async () => {
  await testbed?.stop();
});

const ECHO = 'arn:aws:lambda:us-east-1:123456789012:function:echo';

async function start(
  definition: object,
  name: string,
  rule?: { queue: string; once: boolean },
  input: object = { name },
) {
  const stateMachineArn = await testbed.createMachine(definition, name);
  const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  if (rule) lose.set(executionArn, rule);
  await startExecution(testbed.engine.deps, { stateMachineArn, name, input: JSON.stringify(input) });
  return executionArn;
}

async function status(executionArn: string) {
  return (await describeExecution(testbed.engine.deps, { executionArn })).status;
}

/** Sweeps until the execution closes (each sweep a little after the reconciler's quiet time, on the clock). */
async function sweepUntilClosed(executionArn: string) {
  return until(
    `${executionArn} to close`,
    async () => {
      await testbed.advanceClock(QUIET_MS + 50);
      await testbed.engine.sweep();
      return (await status(executionArn)) === 'RUNNING' ? undefined : testbed.waitForClose(executionArn);
    },
    { timeoutMs: 20_000, intervalMs: 0 },
  );
}

function expectIntactHistory(events: HistoryEvent[]): void {
  expect(events.map((event) => event.id)).toEqual(events.map((_, i) => i + 1));
  const entered = events.filter((event) => event.type.endsWith('StateEntered')).map((event) => event.type);
  const exited = events.filter((event) => event.type.endsWith('StateExited')).map((event) => event.type);
  expect(exited.length).toBe(entered.length);
}

describe('the reconciler', () => {
  it('finishes an execution whose timer was lost (as a purged timers queue loses it)', async () => {
    const executionArn = await start(
      {
        StartAt: 'Pause',
        States: { Pause: { Type: 'Wait', Seconds: 1, Next: 'Done' }, Done: { Type: 'Pass', End: true } },
      },
      'purged-timer',
    );
    await until('the Wait state', async () =>
      (await testbed.history(executionArn)).some((event) => event.type === 'WaitStateEntered')
        ? true
        : undefined,
    );
    await testbed.settle();
    // The Wait's timer is lost, as a purged timers queue loses it: past its second, nothing fires it.
    expect(testbed.dropTimers()).toBe(1);
    await testbed.advanceClock(1_500);
    expect(await status(executionArn)).toBe('RUNNING');
    const run = await sweepUntilClosed(executionArn);
    expect(run.status).toBe('SUCCEEDED');
    expectIntactHistory(run.events);
    expect(run.events.filter((event) => event.type === 'WaitStateExited')).toHaveLength(1);
  });

  it('finishes an execution whose next transition was lost', async () => {
    const executionArn = await start(
      {
        StartAt: 'First',
        States: { First: { Type: 'Pass', Next: 'Second' }, Second: { Type: 'Pass', End: true } },
      },
      'lost-transition',
      { queue: 'transitions', once: true },
    );
    await until('the transition to be lost', () => (lose.has(executionArn) ? undefined : true));
    await testbed.settle();
    expect(await status(executionArn)).toBe('RUNNING');
    const run = await sweepUntilClosed(executionArn);
    expect(run.status).toBe('SUCCEEDED');
    expectIntactHistory(run.events);
    expect(run.events.map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'PassStateEntered',
      'PassStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
  });

  it('finishes an execution whose task never reported (its request lost), running the task once it is taken as lost', async () => {
    // In a Parallel branch. A task's handler applies its result itself (a branch's when nothing of its flow is
    // queued and at most one sibling runs), so a task that never reports is one whose request never ran.
    const executionArn = await start(
      {
        StartAt: 'Branches',
        States: {
          Branches: {
            Type: 'Parallel',
            Branches: [{ StartAt: 'Call', States: { Call: { Type: 'Task', Resource: ECHO, End: true } } }],
            End: true,
          },
        },
      },
      'lost-result',
      { queue: 'tasks', once: true },
    );
    await until('the request to be lost', () => (lose.has(executionArn) ? undefined : true));
    // Quiet, but not yet for as long as a task may take: left alone.
    await testbed.advanceClock(QUIET_MS + 50);
    expect((await testbed.engine.sweep()).resent).not.toContain(executionArn);
    await testbed.settle();
    expect(invocations.get('lost-result')).toBeUndefined();
    await testbed.advanceClock(TASK_QUIET_MS);
    const run = await sweepUntilClosed(executionArn);
    expect(run.status).toBe('SUCCEEDED');
    expect(invocations.get('lost-result')).toBe(1);
    expectIntactHistory(run.events);
    expect(
      run.events.filter(
        (event) => event.type === 'TaskSucceeded' || event.type === 'LambdaFunctionSucceeded',
      ),
    ).toHaveLength(1);
  });

  it('finishes a Parallel whose branch task request was lost while its sibling branch went on and committed', async () => {
    // Both requests leave in one commit; the sibling's result is a later commit, whose outbox holds no request for
    // the lost task: the reconciler finds that request in the earlier commit and sends it again.
    const branch = (name: string) => ({
      StartAt: name,
      States: { [name]: { Type: 'Task', Resource: ECHO, Parameters: { name }, End: true } },
    });
    const executionArn = await start(
      {
        StartAt: 'Branches',
        States: {
          Branches: { Type: 'Parallel', Branches: [branch('branch-a'), branch('branch-b')], End: true },
        },
      },
      'lost-branch',
      { queue: 'tasks', once: true },
    );
    const ran = () => (invocations.get('branch-a') ?? 0) + (invocations.get('branch-b') ?? 0);
    await until('one request to be lost and the other task to run', () =>
      !lose.has(executionArn) && ran() === 1 ? true : undefined,
    );
    await testbed.settle();
    expect(await status(executionArn)).toBe('RUNNING');
    await testbed.advanceClock(TASK_QUIET_MS);
    const run = await sweepUntilClosed(executionArn);
    expect(run.status).toBe('SUCCEEDED');
    expect([invocations.get('branch-a'), invocations.get('branch-b')]).toEqual([1, 1]);
    expectIntactHistory(run.events);
    expect(run.events.filter((event) => event.type === 'LambdaFunctionSucceeded')).toHaveLength(2);
  });

  it('finishes a Distributed Map whose request for a page of its items was lost', async () => {
    const s3 = new S3Client({
      region: 'us-east-1',
      endpoint: testbed.engine.sqs.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await s3.send(new CreateBucketCommand({ Bucket: 'reconciled-items' }));
    await s3.send(new PutObjectCommand({ Bucket: 'reconciled-items', Key: 'items.json', Body: '[1,2]' }));
    s3.destroy();
    const executionArn = await start(
      {
        StartAt: 'Each',
        States: {
          Each: {
            Type: 'Map',
            ItemReader: {
              Resource: 'arn:aws:states:::s3:getObject',
              ReaderConfig: { InputType: 'JSON' },
              Parameters: { Bucket: 'reconciled-items', Key: 'items.json' },
            },
            ItemProcessor: {
              ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
              StartAt: 'P',
              States: { P: { Type: 'Pass', End: true } },
            },
            End: true,
          },
        },
      },
      'lost-page',
      { queue: 'tasks', once: true },
    );
    await until('the page request to be lost', () => (lose.has(executionArn) ? undefined : true));
    await testbed.settle();
    expect(await status(executionArn)).toBe('RUNNING');
    await testbed.advanceClock(QUIET_MS + TASK_QUIET_MS);
    const run = await sweepUntilClosed(executionArn);
    expect(run.status).toBe('SUCCEEDED');
    expect(JSON.parse(run.output ?? 'null')).toEqual([1, 2]);
  });

  it('fails an execution its re-sent messages cannot move, saying why', async () => {
    const executionArn = await start(
      {
        StartAt: 'First',
        States: { First: { Type: 'Pass', Next: 'Second' }, Second: { Type: 'Pass', End: true } },
      },
      'black-hole',
      { queue: 'transitions', once: false },
    );
    await testbed.advanceClock(QUIET_MS + 50);
    expect((await testbed.engine.sweep()).resent).toEqual([executionArn]);
    // Sent again on each sweep a quiet time after the last, until FAIL_AFTER_MS have passed since the first.
    await testbed.advanceClock(QUIET_MS + 50);
    expect((await testbed.engine.sweep()).resent).toEqual([executionArn]);
    await testbed.advanceClock(FAIL_AFTER_MS - QUIET_MS);
    expect((await testbed.engine.sweep()).failed).toEqual([executionArn]);
    const run = await testbed.waitForClose(executionArn);
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('States.Runtime');
    expect(run.cause).toMatch(
      /^Statefold's reconciler found the execution stuck: nothing has moved it since \S+, and the state 'Second' waits to run\. Sending its last messages again from \S+ to \S+ did not move it on/,
    );
    lose.delete(executionArn);
  });

  const distributed = {
    StartAt: 'Fan',
    States: {
      Fan: {
        Type: 'Map',
        ItemsPath: '$.items',
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'Item',
          States: { Item: { Type: 'Pass', End: true } },
        },
        End: true,
      },
    },
  };
  type Body = { executionArn?: string; message?: { type?: string } };

  it.each([
    [
      "a child run's start message was lost",
      'dmap-lost-start',
      (name: string) => (body: Body) =>
        body.message?.type === 'start' && (body.executionArn ?? '').includes(`:execution:${name}/`),
    ],
    [
      "the Map never heard of a child's closing",
      'dmap-lost-closing',
      (name: string) => (body: Body) =>
        body.message?.type === 'childSucceeded' && (body.executionArn ?? '').endsWith(`:${name}:${name}`),
    ],
  ])('finishes a Distributed Map when %s', async (_case, name, matches) => {
    loseOnce.push(matches(name));
    const executionArn = await start(distributed, name, undefined, { items: [1, 2] });
    await until('the message to be lost', () => (loseOnce.length === 0 ? true : undefined));
    await testbed.advanceClock(QUIET_MS + 50);
    // Quiet, but not yet for as long as a task may take: a Map waits for its children as long as they run.
    expect((await testbed.engine.sweep()).resent).not.toContain(executionArn);
    await testbed.settle();
    expect(await status(executionArn)).toBe('RUNNING');
    await testbed.advanceClock(TASK_QUIET_MS);
    const run = await sweepUntilClosed(executionArn);
    expect(run.status).toBe('SUCCEEDED');
    expect(JSON.parse(run.output ?? 'null')).toEqual([1, 2]);
    expectIntactHistory(run.events);
  });

  it('hears again only the child whose closing the Map never heard of, not those it heard', async () => {
    const name = 'dmap-lost-one-closing';
    let lost = false;
    loseOnce.push((body: Body) => {
      // The second child's closing (the first to close is heard; the one after it is lost).
      const matches =
        body.message?.type === 'childSucceeded' && (body.executionArn ?? '').endsWith(`:${name}:${name}`);
      if (matches && !lost) {
        lost = true;
        return false;
      }
      return matches;
    });
    const executionArn = await start(distributed, name, undefined, { items: [1, 2, 3] });
    await until('the message to be lost', () => (loseOnce.length === 0 ? true : undefined));
    await testbed.settle();
    await testbed.advanceClock(QUIET_MS + TASK_QUIET_MS);
    const run = await sweepUntilClosed(executionArn);
    expect(run.status).toBe('SUCCEEDED');
    expect(JSON.parse(run.output ?? 'null')).toEqual([1, 2, 3]);
    // Three closings delivered, one of them lost and sent again by the reconciler: the two heard are not.
    expect(delivered.get(`${executionArn} childSucceeded`)).toBe(4);
  });

  it("stops again a child a failing Map Run stopped, whose stop was lost, and writes the run's results", async () => {
    const name = 'dmap-lost-stop';
    const s3 = new S3Client({
      region: 'us-east-1',
      endpoint: testbed.engine.sqs.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await s3.send(new CreateBucketCommand({ Bucket: 'reconciled-results' }));
    s3.destroy();
    loseOnce.push(
      (body: Body) =>
        body.message?.type === 'stop' && (body.executionArn ?? '').includes(`:execution:${name}/`),
    );
    const executionArn = await start(
      {
        StartAt: 'Fan',
        States: {
          Fan: {
            Type: 'Map',
            ItemsPath: '$.items',
            ItemProcessor: {
              ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
              StartAt: 'Which',
              States: {
                Which: {
                  Type: 'Choice',
                  Choices: [{ Variable: '$.fail', BooleanEquals: true, Next: 'Boom' }],
                  Default: 'Long',
                },
                Boom: { Type: 'Fail', Error: 'Boom', Cause: 'item failed' },
                // Far longer than the test moves the clock: only a stop ends it.
                Long: { Type: 'Wait', Seconds: 86_400, End: true },
              },
            },
            ResultWriter: {
              Resource: 'arn:aws:states:::s3:putObject',
              Parameters: { Bucket: 'reconciled-results', Prefix: 'runs' },
            },
            End: true,
          },
        },
      },
      name,
      undefined,
      { items: [{ fail: false }, { fail: true }] },
    );
    await until('the stop to be lost', () => (loseOnce.length === 0 ? true : undefined));
    await testbed.settle();
    expect(await status(executionArn)).toBe('RUNNING');
    await testbed.advanceClock(QUIET_MS + TASK_QUIET_MS);
    const run = await sweepUntilClosed(executionArn);
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('Boom');
    expect(run.events.map((event) => event.type)).toContain('MapRunFailed');
  });

  it('leaves alone an execution that waits for a callback', async () => {
    const executionArn = await start(
      {
        StartAt: 'Approve',
        States: {
          Approve: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
            Parameters: { FunctionName: 'echo', Payload: { name: 'callback', 'token.$': '$$.Task.Token' } },
            End: true,
          },
        },
      },
      'callback',
    );
    await until('the callback to be sent', () => (invocations.get('callback') === 1 ? true : undefined));
    // Longer than a task may take: a callback has no such bound, so the sweep leaves it waiting.
    await testbed.advanceClock(TASK_QUIET_MS + QUIET_MS);
    const report = await testbed.engine.sweep();
    expect(report.resent).not.toContain(executionArn);
    expect(report.failed).not.toContain(executionArn);
    expect(await status(executionArn)).toBe('RUNNING');
  });
});
