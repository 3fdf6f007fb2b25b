import { type Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineDeps } from '../../shared/engine/engine-deps.ts';
import type { EventLog, Queues } from '../../shared/engine/ports.ts';
import { startExecution } from '../../shared/engine/start-execution.ts';
import { createStepHandler } from '../../shared/handlers/step-handler.ts';
import { withUnsent } from '../../shared/lib/unsent-messages.ts';
import { toRecord } from '../../shared/queue/event-source-poller.ts';
import { startTestbed, type Testbed } from '../support/durable-testbed.ts';
import { until, waitFor } from '../support/eventually.ts';

/**
 * The step handler's sends leave per execution, not per batch (shared/engine/buffered-queues.ts), on the
 * durable engine (dynalite, fauxqs, the task poller and local Lambda all real). The transitions poller is
 * stopped, so the test receives two executions' transitions from the real FIFO queue into ONE batch and hands
 * it to the step handler itself, over ports where one execution is held or fails.
 */
const MACHINE = {
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Pass', Next: 'Work' },
    Work: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'work', 'Payload.$': '$' },
      OutputPath: '$.Payload',
      End: true,
    },
  },
};

/** Each `work` invocation, by the execution's name (the input carries it). */
const invocations = new Map<string, number>();

let testbed: Testbed;
let machineArn: string;

beforeAll(async () => {
  testbed = await startTestbed({ maxReceiveCount: 5 });
  testbed.engine.setFunctions({
    work: (event: { name: string }) => {
      invocations.set(event.name, (invocations.get(event.name) ?? 0) + 1);
      return { done: event.name };
    },
  });
  await testbed.engine.pollers.transitions.stop();
  machineArn = await testbed.createMachine(MACHINE, 'PerExecutionSends');
});

afterAll(async () => {
  await testbed?.stop();
});

/** Starts executions `names`; their first transitions wait in the transitions queue, nobody polling it. */
async function startAll(names: string[]): Promise<string[]> {
  const arns: string[] = [];
  for (const name of names) {
    const started = await startExecution(testbed.engine.deps, {
      stateMachineArn: machineArn,
      name,
      input: JSON.stringify({ name }),
    });
    arns.push(started.executionArn);
  }
  return arns;
}

/** The waiting transitions of `count` executions, received from the real FIFO queue as one Lambda batch. */
async function receiveBatch(count: number) {
  const { client, urls } = testbed.engine.sqs;
  const messages: Message[] = [];
  await waitFor(`${count} transition messages`, async () => {
    const answer = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: urls.transitions,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        VisibilityTimeout: 60,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    messages.push(...(answer.Messages ?? []));
    return messages.length >= count;
  });
  return {
    Records: messages.map((message) =>
      toRecord(message, 'arn:aws:sqs:us-east-1:123456789012:transitions.fifo', 'us-east-1'),
    ),
  };
}

const context = () => ({ getRemainingTimeInMillis: () => 900_000 }) as never;

const recordOf = (event: Awaited<ReturnType<typeof receiveBatch>>, executionArn: string) =>
  event.Records.find((record) => record.body.includes(executionArn))?.messageId;

describe('a batch of two executions through the step handler', () => {
  it("sends a fast execution's task request while a slow one's step is still being written", async () => {
    const [slow, fast] = await startAll(['slow-1', 'fast-1']);
    const event = await receiveBatch(2);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const log = testbed.engine.deps.log;
    // The slow execution's commit takes as long as the test holds it.
    const slowLog = new Proxy(log, {
      get(target, key, receiver) {
        if (key === 'append') {
          return async (arn: string, commit: Parameters<EventLog['append']>[1]) => {
            if (arn === slow) await gate;
            return target.append(arn, commit);
          };
        }
        const value = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const deps: EngineDeps = { ...testbed.engine.deps, log: slowLog };
    const handler = createStepHandler(() => deps, 5);
    const answer = handler(event, context());
    // The fast execution's task ran (its request left the step handler) while the batch is still in hand.
    await until('the fast execution to run its task', () => invocations.get('fast-1'), { timeoutMs: 10_000 });
    expect(invocations.get('slow-1')).toBeUndefined();
    release();
    await expect(answer).resolves.toEqual({ batchItemFailures: [] });
    const [slowRun, fastRun] = await Promise.all([
      testbed.waitForClose(slow as string),
      testbed.waitForClose(fast as string),
    ]);
    expect(fastRun.status).toBe('SUCCEEDED');
    expect(slowRun.status).toBe('SUCCEEDED');
    expect(JSON.parse(fastRun.output ?? 'null')).toEqual({ done: 'fast-1' });
  });

  it("fails only the record whose own sends fail, and sends the other's task request once", async () => {
    const [failing, healthy] = await startAll(['failing-2', 'healthy-2']);
    const event = await receiveBatch(2);
    const queues = testbed.engine.deps.queues;
    // SQS refusing the failing execution's messages of a SendMessageBatch (as a per-entry failure) and taking
    // the rest of the call's.
    const refusing: Queues = {
      ...queues,
      sendTasks: async (envelopes) => {
        const refused = envelopes.flatMap((envelope, i) => (envelope.executionArn === failing ? [i] : []));
        await queues.sendTasks(envelopes.filter((envelope) => envelope.executionArn !== failing));
        if (refused.length > 0) throw withUnsent(new Error('SendMessageBatch: entry failed'), refused);
      },
      sendTransitions: (envelopes) => queues.sendTransitions(envelopes),
      sendTimers: (timers) => queues.sendTimers(timers),
    };
    const deps: EngineDeps = { ...testbed.engine.deps, queues: refusing };
    const answer = await createStepHandler(() => deps, 5)(event, context());
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: recordOf(event, failing as string) }] });
    const healthyRun = await testbed.waitForClose(healthy as string);
    expect(healthyRun.status).toBe('SUCCEEDED');
    // Time for a second task request, had one been sent, to be run too.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(invocations.get('healthy-2')).toBe(1);
    expect(invocations.get('failing-2')).toBeUndefined();
  });
});
