import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { describeExecution } from '../../../shared/engine/executions.ts';
import type { LambdaInvoker, TaskEnvelope, TimerEnvelope } from '../../../shared/engine/ports.ts';
import { startExecution } from '../../../shared/engine/start-execution.ts';
import { createStateMachine } from '../../../shared/engine/state-machines.ts';
import { createStepHandler } from '../../../shared/handlers/step-handler.ts';
import { createTaskHandler } from '../../../shared/handlers/task-handler.ts';
import { createTimerHandler } from '../../../shared/handlers/timer-handler.ts';
import { encodeEnvelope } from '../../../shared/queue/envelope-codec.ts';
import { createMemoryEngine, type MemoryEngine } from '../../support/memory-ports.ts';

/**
 * The Lambda handlers as Lambda calls them (an SQS event and a context), over the engine's ports in memory:
 * what each acknowledges, what it sends, and what happens to a record that cannot be applied.
 */
const MAX_RECEIVE_COUNT = 3;

function record(
  id: string,
  body: string,
  options: { group?: string; receiveCount?: number } = {},
): SQSRecord {
  return {
    messageId: id,
    receiptHandle: `receipt-${id}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(options.receiveCount ?? 1),
      SentTimestamp: '0',
      SenderId: 'test',
      ApproximateFirstReceiveTimestamp: '0',
      ...(options.group !== undefined ? { MessageGroupId: options.group } : {}),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:queue',
    awsRegion: 'us-east-1',
  };
}

function context(remainingMs = 900_000): Context {
  const deadline = Date.now() + remainingMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'statefold-test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:statefold-test',
    memoryLimitInMB: '128',
    awsRequestId: 'request-1',
    logGroupName: '/aws/lambda/statefold-test',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

const event = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

/** An execution of Pass → Pass, started: its first state ran in commit 1, whose transition is queued. */
async function startedPassChain(engine: MemoryEngine, name: string): Promise<string> {
  const { stateMachineArn } = await createStateMachine(engine.deps, {
    name: `machine-${name}`,
    definition: JSON.stringify({
      StartAt: 'A',
      States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', End: true } },
    }),
    roleArn: 'arn:aws:iam::123456789012:role/StatefoldExecutionRole',
  });
  const { executionArn } = await startExecution(engine.deps, { stateMachineArn, name });
  return executionArn;
}

describe('the step handler', () => {
  it('applies each transition of the batch and acknowledges it', async () => {
    const engine = createMemoryEngine();
    const executionArn = await startedPassChain(engine, 'applied');
    const envelope = engine.queues.transitions.shift();
    const handler = createStepHandler(() => engine.deps, MAX_RECEIVE_COUNT);
    const answer = await handler(
      event(record('m1', encodeEnvelope(envelope as never), { group: executionArn })),
      context(),
    );
    expect(answer).toEqual({ batchItemFailures: [] });
    expect((await describeExecution(engine.deps, { executionArn })).status).toBe('SUCCEEDED');
  });

  it.each([
    ['a body that is not JSON', 'not json'],
    ['an envelope without a message', JSON.stringify({ executionArn: 'arn:x', id: '1' })],
  ])(
    'fails the record of %s, and the records after it in its message group, but not other groups',
    async (_, body) => {
      const engine = createMemoryEngine();
      const executionArn = await startedPassChain(engine, 'other');
      const good = engine.queues.transitions.shift();
      const handler = createStepHandler(() => engine.deps, MAX_RECEIVE_COUNT);
      const answer = await handler(
        event(
          record('bad', body, { group: 'group-a' }),
          record('held', body, { group: 'group-a' }),
          record('good', encodeEnvelope(good as never), { group: executionArn }),
        ),
        context(),
      );
      expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad' }, { itemIdentifier: 'held' }] });
      expect((await describeExecution(engine.deps, { executionArn })).status).toBe('SUCCEEDED');
    },
  );

  it.each([
    [1, 'RUNNING'],
    [MAX_RECEIVE_COUNT - 1, 'RUNNING'],
    [MAX_RECEIVE_COUNT, 'FAILED'],
  ])(
    'a message its execution cannot apply on delivery %i leaves the execution %s',
    async (receiveCount, status) => {
      const engine = createMemoryEngine();
      const executionArn = await startedPassChain(engine, `poison-${receiveCount}`);
      const body = JSON.stringify({ executionArn, id: 'x', message: { type: 'no-such-message' } });
      const handler = createStepHandler(() => engine.deps, MAX_RECEIVE_COUNT);
      const answer = await handler(
        event(record('poison', body, { group: executionArn, receiveCount })),
        context(),
      );
      expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'poison' }] });
      const description = await describeExecution(engine.deps, { executionArn });
      expect(description.status).toBe(status);
      if (status === 'FAILED') {
        expect(description.error).toBe('States.Runtime');
        expect(description.cause).toMatch(
          /^Statefold could not apply a transition message \(SQS message poison\) after 3 attempts and moved it to the dead-letter queue: transition message body: 'message.type' must be one of/,
        );
      }
    },
  );
});

describe('a queue handler given its event source', () => {
  const OWN = 'arn:aws:sqs:us-east-1:123456789012:queue';
  const handlers = (engine: MemoryEngine) => [
    createStepHandler(() => engine.deps, MAX_RECEIVE_COUNT, OWN),
    createTaskHandler(() => engine.deps, OWN),
    createTimerHandler(() => engine.deps, OWN),
  ];

  it('refuses an event with a record from anywhere else (a direct Invoke), before handling any record', async () => {
    const engine = createMemoryEngine();
    const executionArn = await startedPassChain(engine, 'foreign');
    const envelope = engine.queues.transitions.shift();
    const own = record('own', encodeEnvelope(envelope as never), { group: executionArn });
    const forged = {
      ...record('forged', encodeEnvelope(envelope as never)),
      eventSourceARN: 'arn:aws:sqs:us-east-1:999999999999:other',
    };
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (line: unknown) => void errors.push(line);
    try {
      for (const handler of handlers(engine)) {
        await expect(handler(event(own, forged), context())).rejects.toThrow(
          `takes SQS events of ${OWN} only, not a record from arn:aws:sqs:us-east-1:999999999999:other`,
        );
        await expect(handler({ Records: [] } as SQSEvent, context())).rejects.toThrow(
          'an event without records',
        );
      }
    } finally {
      console.error = original;
    }
    // Nothing of the event was applied: the execution is still at its first state.
    expect((await describeExecution(engine.deps, { executionArn })).status).toBe('RUNNING');
  });

  it('handles the records of its own queue as before', async () => {
    const engine = createMemoryEngine();
    const executionArn = await startedPassChain(engine, 'own');
    const envelope = engine.queues.transitions.shift();
    const [step] = handlers(engine);
    const answer = await step?.(
      event(record('m1', encodeEnvelope(envelope as never), { group: executionArn })),
      context(),
    );
    expect(answer).toEqual({ batchItemFailures: [] });
    expect((await describeExecution(engine.deps, { executionArn })).status).toBe('SUCCEEDED');
  });
});

describe('the task handler', () => {
  // A task of a Parallel branch (scope 3.0) of an execution that does not exist.
  const task = (functionName: string, scope = '3.0'): TaskEnvelope => ({
    executionArn: 'arn:aws:states:us-east-1:123456789012:execution:m:e',
    scope,
    ref: 3,
    request: { kind: 'lambda', functionName, payload: { n: 1 }, style: 'legacy' },
  });

  /** An execution of one top-level Task (doubling its input's `n`), started; its task request taken off the queue. */
  const topLevelTask = async (name: string) => {
    const engine = createMemoryEngine({
      functions: { double: (input: { n: number }) => ({ n: input.n * 2 }) },
    });
    const { stateMachineArn } = await createStateMachine(engine.deps, {
      name,
      definition: JSON.stringify({
        StartAt: 'Double',
        States: {
          Double: {
            Type: 'Task',
            Resource: 'arn:aws:lambda:us-east-1:123456789012:function:double',
            End: true,
          },
        },
      }),
      roleArn: 'arn:aws:iam::123456789012:role/StatefoldExecutionRole',
    });
    const { executionArn } = await startExecution(engine.deps, { stateMachineArn, input: '{"n":21}' });
    return { engine, executionArn, request: engine.queues.tasks.shift() };
  };

  it("reports a branch task's outcome as a transition named for the task while a sibling's advance is queued", async () => {
    const engine = createMemoryEngine({
      functions: { double: (input: { n: number }) => ({ n: input.n * 2 }) },
    });
    const double = {
      Type: 'Task',
      Resource: 'arn:aws:lambda:us-east-1:123456789012:function:double',
      End: true,
    };
    const { stateMachineArn } = await createStateMachine(engine.deps, {
      name: 'branch-task',
      definition: JSON.stringify({
        StartAt: 'Both',
        States: {
          Both: {
            Type: 'Parallel',
            Branches: [
              { StartAt: 'Left', States: { Left: double } },
              { StartAt: 'Right', States: { Right: double } },
            ],
            End: true,
          },
        },
      }),
      roleArn: 'arn:aws:iam::123456789012:role/StatefoldExecutionRole',
    });
    const { executionArn } = await startExecution(engine.deps, { stateMachineArn, input: '{"n":1}' });
    // The left branch's advance applied; the right one's still queued.
    const [left, right] = engine.queues.transitions.splice(0, 2);
    const step = createStepHandler(() => engine.deps, 5);
    await step(event(record('m1', encodeEnvelope(left as never), { group: executionArn })), context());
    const request = engine.queues.tasks.shift();
    const handler = createTaskHandler(() => engine.deps);
    const answer = await handler(event(record('t1', encodeEnvelope(request as never))), context());
    expect(answer).toEqual({ batchItemFailures: [] });
    expect(engine.queues.transitions).toEqual([
      {
        executionArn,
        id: 'task:3.0:5',
        message: { type: 'taskSucceeded', scope: '3.0', ref: 5, output: { n: 2 } },
      },
    ]);
    expect(right?.message).toMatchObject({ type: 'advance', scope: '3.1' });
  });

  it("applies a top-level task's outcome itself: the execution moves on, nothing goes to the transitions queue", async () => {
    const { engine, executionArn, request } = await topLevelTask('top-level-task');
    const handler = createTaskHandler(() => engine.deps);
    expect(await handler(event(record('t1', encodeEnvelope(request as never))), context())).toEqual({
      batchItemFailures: [],
    });
    expect(engine.queues.transitions).toEqual([]);
    const described = await describeExecution(engine.deps, { executionArn });
    expect(described).toMatchObject({ status: 'SUCCEEDED', output: '{"n":42}' });
  });

  it("sends a top-level task's outcome to the transitions queue when it cannot apply it (DynamoDB throttling)", async () => {
    const { engine, executionArn, request } = await topLevelTask('throttled-task');
    const throttling = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $retryable: { throttling: true },
    });
    const append = vi.spyOn(engine.log, 'append').mockRejectedValueOnce(throttling);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const handler = createTaskHandler(() => engine.deps);
    expect(await handler(event(record('t1', encodeEnvelope(request as never))), context())).toEqual({
      batchItemFailures: [],
    });
    append.mockRestore();
    warn.mockRestore();
    expect(engine.queues.transitions).toEqual([
      {
        executionArn,
        id: 'task:root:3',
        message: expect.objectContaining({ type: 'taskSucceeded', output: { n: 42 } }),
      },
    ]);
    expect((await describeExecution(engine.deps, { executionArn })).status).toBe('RUNNING');
  });

  it("aborts a call still running near Lambda's deadline: the record fails and comes back", async () => {
    const engine = createMemoryEngine();
    let aborted = false;
    const hanging: LambdaInvoker = {
      invoke: (request) =>
        new Promise((_, reject) => {
          request.signal?.addEventListener('abort', () => {
            aborted = true;
            reject(request.signal?.reason);
          });
        }),
    };
    engine.deps.lambda = hanging;
    const handler = createTaskHandler(() => engine.deps);
    // 5 s of margin: 5,050 ms left means the signal fires after about 50 ms.
    const answer = await handler(event(record('t2', encodeEnvelope(task('slow')))), context(5_050));
    expect(aborted).toBe(true);
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 't2' }] });
    expect(engine.queues.transitions).toEqual([]);
  });
});

describe('the timer handler', () => {
  // Whether a timer is due is the queues adapter's call (SqsQueues: due ones go to the transitions queue,
  // others wait another hop); test/integration/timer-handler.test.ts shows both on fauxqs.
  it('hands each timer of the batch back to the queues once, unchanged', async () => {
    const engine = createMemoryEngine();
    const timers: TimerEnvelope[] = [0, 3_600_000].map((dueIn, i) => ({
      dueAt: engine.clock.now() + dueIn,
      transition: {
        executionArn: 'arn:aws:states:us-east-1:123456789012:execution:m:e',
        id: `timer:root:${i}:wait:${dueIn}`,
        message: { type: 'timerFired', scope: 'root', ref: i, purpose: 'wait' },
      },
    }));
    const handler = createTimerHandler(() => engine.deps);
    const records = timers.map((timer, i) => record(`w${i}`, encodeEnvelope(timer)));
    expect(await handler(event(...records), context())).toEqual({ batchItemFailures: [] });
    const sent: TimerEnvelope[] = [];
    for (let timer = engine.queues.timers.pop(); timer; timer = engine.queues.timers.pop()) sent.push(timer);
    expect(sent).toEqual(timers);
  });
});
