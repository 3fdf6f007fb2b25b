import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventLog, Queues } from '../../shared/engine/ports.ts';
import { sendTaskSuccess } from '../../shared/engine/task-callbacks.ts';
import type { HistoryEvent } from '../../shared/history/to-history-event.ts';
import type { SqsBatchHandler } from '../../shared/queue/event-source-poller.ts';
import { startTestbed, type Testbed } from '../support/durable-testbed.ts';
import { waitFor } from '../support/eventually.ts';

/**
 * The durable engine under faults: messages delivered twice, crashes at every I/O boundary of every handler,
 * wide fan-outs, poison messages. Each run's history must be the history of a run without the fault: same events,
 * same order, ids 1..N with none lost or doubled. The cases run at once (each on executions of its own, its faults
 * and duplicate deliveries keyed by execution), so the crash cases' waits for redelivery and timers overlap the
 * fan-outs' work.
 */
const ROLE = 'arn:aws:lambda:us-east-1:123456789012:function';

/** Pass → Task (retried once) → Wait 1 s (a real timer through the timers queue) → Choice → Succeed. */
const SEQUENTIAL = {
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Pass', Parameters: { 'n.$': '$.n' }, Next: 'Work' },
    Work: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'flaky', Payload: { 'n.$': '$.n', 'attempt.$': '$$.State.RetryCount' } },
      ResultSelector: { 'n.$': '$.Payload.n' },
      Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 1, MaxAttempts: 2 }],
      Next: 'Pause',
    },
    Pause: { Type: 'Wait', Seconds: 1, Next: 'Check' },
    Check: {
      Type: 'Choice',
      Choices: [{ Variable: '$.n', NumericGreaterThan: 1, Next: 'Done' }],
      Default: 'Done',
    },
    Done: { Type: 'Succeed' },
  },
};

const functions = {
  // Fails its first attempt: deterministic, so a task run twice gives the same result twice.
  flaky: (event: { n: number; attempt: number }) => {
    if (event.attempt === 0) throw Object.assign(new Error('first attempt'), { name: 'Flaky' });
    return { n: event.n * 2 };
  },
  double: (event: { value: number }) => event.value * 2,
};

const shape = (events: HistoryEvent[]) => events.map((e) => [e.id, e.previousEventId, e.type]);

function expectIntactHistory(events: HistoryEvent[]): void {
  expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
}

type Queue = 'transitions' | 'tasks' | 'timers';
const running = new AsyncLocalStorage<Queue>();

/** A fault to inject once, for one execution, in one handler. */
interface Fault {
  queue: Queue;
  point: 'before-write' | 'after-write' | 'after-send';
  /** Which occurrence of the point (1-based) crashes. */
  nth: number;
}

const faults = new Map<string, Fault & { seen: number; fired: boolean }>();
/** Executions whose every message is delivered twice (the rest of a batch once). */
const duplicated = new Set<string>();

class InjectedCrash extends Error {
  override name = 'InjectedCrash';
}

/** Throws when this execution's fault is at this point of the handler now running. */
function crashAt(executionArn: string, point: Fault['point']): void {
  const fault = faults.get(executionArn);
  if (!fault || fault.fired || fault.point !== point || fault.queue !== running.getStore()) return;
  fault.seen += 1;
  if (fault.seen === fault.nth) {
    fault.fired = true;
    throw new InjectedCrash(`crash ${point} in the ${fault.queue} handler`);
  }
}

/** The handler's "write" is its append (step) or its send (task, timer); its "send" is the outbox. */
function faultyLog(log: EventLog): EventLog {
  return new Proxy(log, {
    get(target, key, receiver) {
      if (key === 'append') {
        return async (executionArn: string, commit: Parameters<EventLog['append']>[1]) => {
          crashAt(executionArn, 'before-write');
          const written = await target.append(executionArn, commit);
          crashAt(executionArn, 'after-write');
          return written;
        };
      }
      const value = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function faultyQueues(queues: Queues): Queues {
  const writeThen = async (executionArns: string[], send: () => Promise<void>) => {
    // The step handler's write is its append (see faultyLog); the task and timer handlers' is this send.
    const queue = running.getStore();
    const handlerWrites = queue === 'tasks' || queue === 'timers';
    if (handlerWrites) for (const arn of executionArns) crashAt(arn, 'before-write');
    await send();
    if (handlerWrites) for (const arn of executionArns) crashAt(arn, 'after-write');
  };
  return {
    sendTransitions: (envelopes) =>
      writeThen(
        envelopes.map((e) => e.executionArn),
        () => queues.sendTransitions(envelopes),
      ),
    sendTasks: (envelopes) =>
      writeThen(
        envelopes.map((e) => e.executionArn),
        () => queues.sendTasks(envelopes),
      ),
    sendTimers: (timers) =>
      writeThen(
        timers.map((t) => t.transition.executionArn),
        () => queues.sendTimers(timers),
      ),
    sendRecords: (envelopes) =>
      writeThen(
        envelopes.map((e) => e.executionArn),
        () => queues.sendRecords(envelopes),
      ),
  };
}

function wrapHandler(queue: Queue, handler: SqsBatchHandler): SqsBatchHandler {
  return async (event: SQSEvent, context) => {
    const response = await running.run(queue, async () => {
      const twice = event.Records.filter((record) => duplicated.has(executionArnOf(record.body) ?? ''));
      if (twice.length > 0) await handler({ Records: twice }, context);
      return handler(event, context);
    });
    for (const record of event.Records) {
      const arn = executionArnOf(record.body);
      if (arn !== undefined) running.run(queue, () => crashAt(arn, 'after-send'));
    }
    return response;
  };
}

function executionArnOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { executionArn?: string; transition?: { executionArn?: string } };
    return parsed.executionArn ?? parsed.transition?.executionArn;
  } catch {
    return undefined;
  }
}

let testbed: Testbed;
let sequentialMachine: string;
let baseline: HistoryEvent[];

beforeAll(async () => {
  testbed = await startTestbed({ visibilityTimeout: 1, maxReceiveCount: 3, wrapHandler });
  testbed.engine.deps.log = faultyLog(testbed.engine.deps.log);
  testbed.engine.deps.queues = faultyQueues(testbed.engine.deps.queues);
  testbed.engine.setFunctions(functions);
  sequentialMachine = await testbed.createMachine(SEQUENTIAL, 'Sequential');
  const run = await startAndWait(sequentialMachine, 'baseline', { n: 21 });
  expect(run.status).toBe('SUCCEEDED');
  baseline = run.events;
});

afterAll(async () => {
  await testbed?.stop();
});

async function startAndWait(
  stateMachineArn: string,
  name: string,
  input: object,
  before?: (arn: string) => void,
) {
  const { startExecution } = await import('../../shared/engine/start-execution.ts');
  const arn = `arn:aws:states:us-east-1:123456789012:execution:${stateMachineArn.split(':').at(-1)}:${name}`;
  before?.(arn);
  await startExecution(testbed.engine.deps, { stateMachineArn, name, input: JSON.stringify(input) });
  return testbed.waitForClose(arn, 60_000);
}

describe.concurrent('faults', () => {
  it('the baseline run retries once, waits, and succeeds', () => {
    expectIntactHistory(baseline);
    expect(baseline.map((e) => e.type)).toContain('WaitStateExited');
    expect(baseline.filter((e) => e.type === 'TaskScheduled')).toHaveLength(2);
  });

  const crashes: Fault[] = [];
  for (const queue of ['transitions', 'tasks', 'timers'] as const) {
    for (const point of ['before-write', 'after-write', 'after-send'] as const) {
      crashes.push({ queue, point, nth: queue === 'transitions' ? 3 : 1 });
    }
  }
  it.concurrent.each(crashes.map((fault) => [`${fault.queue} handler, ${fault.point}`, fault] as const))(
    'a crash in the %s still completes the execution with the history of a run without it',
    async (_name, fault) => {
      const name = `crash-${fault.queue}-${fault.point}`;
      const run = await startAndWait(sequentialMachine, name, { n: 21 }, (arn) =>
        faults.set(arn, { ...fault, seen: 0, fired: false }),
      );
      expect(faults.get(run.executionArn)?.fired).toBe(true);
      expect(run.status).toBe('SUCCEEDED');
      expect(run.output).toBe('{"n":42}');
      expect(shape(run.events)).toEqual(shape(baseline));
    },
    60_000,
  );

  it.concurrent('every message delivered twice gives the same history as once', async () => {
    const run = await startAndWait(sequentialMachine, 'twice', { n: 21 }, (arn) => duplicated.add(arn));
    expect(run.status).toBe('SUCCEEDED');
    expect(shape(run.events)).toEqual(shape(baseline));
  }, 60_000);
});

describe.concurrent('fan-out', () => {
  it.concurrent('a Map of 200 Lambda tasks with MaxConcurrency 40 loses and doubles no event', async () => {
    const machine = await testbed.createMachine(
      {
        StartAt: 'Fan',
        States: {
          Fan: {
            Type: 'Map',
            MaxConcurrency: 40,
            ItemProcessor: {
              StartAt: 'Double',
              States: {
                Double: { Type: 'Task', Resource: `${ROLE}:double`, End: true },
              },
            },
            End: true,
          },
        },
      },
      'Map200',
    );
    const items = Array.from({ length: 200 }, (_, i) => ({ value: i }));
    const run = await startAndWait(machine, 'wide', items as unknown as object);
    expect(run.status).toBe('SUCCEEDED');
    expect(JSON.parse(run.output ?? 'null')).toEqual(items.map((item) => item.value * 2));
    expectIntactHistory(run.events);
    const count = (type: string) => run.events.filter((e) => e.type === type).length;
    expect([
      count('MapIterationStarted'),
      count('MapIterationSucceeded'),
      count('LambdaFunctionSucceeded'),
    ]).toEqual([200, 200, 200]);
  }, 90_000);

  it.concurrent('a Parallel of 10 branches, each a Lambda task, ends with every branch once and in order', async () => {
    const branches = Array.from({ length: 10 }, (_, i) => ({
      StartAt: `B${i}`,
      States: {
        [`B${i}`]: {
          Type: 'Task',
          Resource: `${ROLE}:double`,
          Parameters: { value: i },
          End: true,
        },
      },
    }));
    const machine = await testbed.createMachine(
      { StartAt: 'All', States: { All: { Type: 'Parallel', Branches: branches, End: true } } },
      'Parallel10',
    );
    const run = await startAndWait(machine, 'ten', {}, (arn) => duplicated.add(arn));
    expect(run.status).toBe('SUCCEEDED');
    expect(JSON.parse(run.output ?? 'null')).toEqual(branches.map((_, i) => i * 2));
    expectIntactHistory(run.events);
    expect(run.events.filter((e) => e.type === 'LambdaFunctionSucceeded')).toHaveLength(10);
  }, 60_000);
});

describe.concurrent('poison messages', () => {
  const callback = {
    StartAt: 'Wait for approval',
    States: {
      'Wait for approval': {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: 'keep', Payload: { 'token.$': '$$.Task.Token' } },
        End: true,
      },
    },
  };

  it('a message that can never be applied fails its execution with the reason and ends in the DLQ', async () => {
    const tokens: string[] = [];
    testbed.engine.setFunctions({
      ...functions,
      keep: (event: { token: string }) => void tokens.push(event.token),
    });
    const machine = await testbed.createMachine(callback, 'Callback');
    const { startExecution } = await import('../../shared/engine/start-execution.ts');
    const { executionArn } = await startExecution(testbed.engine.deps, {
      stateMachineArn: machine,
      name: 'poisoned',
    });
    await waitFor('the task token', () => tokens.length > 0);
    const body = JSON.stringify({ executionArn, id: 'poison-1', message: { type: 'explode' } });
    await testbed.engine.sqs.client.send(
      new SendMessageCommand({
        QueueUrl: testbed.engine.sqs.urls.transitions,
        MessageBody: body,
        MessageGroupId: createHash('sha256').update(executionArn).digest('hex'),
        MessageDeduplicationId: 'poison-1',
      }),
    );
    const run = await testbed.waitForClose(executionArn, 30_000);
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('States.Runtime');
    expect(run.cause).toMatch(
      /could not apply a transition message .* after 3 attempts .*dead-letter queue: transition message body: 'message.type'/,
    );
    expect(run.events.at(-1)?.type).toBe('ExecutionFailed');
    // A callback arriving now finds the execution closed.
    await expect(
      sendTaskSuccess(testbed.engine.deps, { taskToken: tokens[0] as string, output: '{}' }),
    ).rejects.toMatchObject({ code: 'TaskTimedOut' });
    const dead = await receiveAll(testbed.engine.sqs.dlqUrls.transitions, 10_000, body);
    expect(dead).toContain(body);
  });

  it('a body that is not JSON ends in the DLQ and stops nothing else', async () => {
    await testbed.engine.sqs.client.send(
      new SendMessageCommand({
        QueueUrl: testbed.engine.sqs.urls.transitions,
        MessageBody: 'not json at all',
        MessageGroupId: 'garbage',
        MessageDeduplicationId: 'garbage-1',
      }),
    );
    const run = await startAndWait(sequentialMachine, 'beside-garbage', { n: 1 });
    expect(run.status).toBe('SUCCEEDED');
    const dead = await receiveAll(testbed.engine.sqs.dlqUrls.transitions, 10_000, 'not json at all');
    expect(dead).toContain('not json at all');
  });
});

/**
 * Bodies on a queue, polling until `until` shows up or the time runs out. What it receives stays visible, so the
 * tests that run at once each find their own message on the DLQ.
 */
async function receiveAll(queueUrl: string, timeoutMs: number, until?: string): Promise<string[]> {
  const bodies: string[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { Messages = [] } = await testbed.engine.sqs.client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        VisibilityTimeout: 0,
      }),
    );
    bodies.push(...Messages.map((m) => m.Body ?? ''));
    if (until === undefined ? bodies.length > 0 : bodies.includes(until)) break;
  }
  return bodies;
}
