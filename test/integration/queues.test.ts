import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SendMessageBatchCommandInput,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TaskEnvelope, TimerEnvelope, TransitionEnvelope } from '../../shared/engine/ports.ts';
import { unsentOf } from '../../shared/lib/unsent-messages.ts';
import { type EmbeddedSqs, startEmbeddedSqs } from '../../shared/local/embedded-sqs.ts';
import {
  decodeTaskEnvelope,
  decodeTimerEnvelope,
  decodeTransitionEnvelope,
  encodeEnvelope,
} from '../../shared/queue/envelope-codec.ts';
import { type BatchOutcome, startPoller } from '../../shared/queue/event-source-poller.ts';
import { MAX_DELAY_SECONDS, SqsQueues } from '../../shared/queue/sqs-queues.ts';
import { waitFor } from '../support/eventually.ts';

/**
 * The engine's queues on the embedded SQS (fauxqs) through the real SQS SDK client: what arrives where,
 * how often, and in what order; and the local event source poller feeding handlers as Lambda would.
 * Visibility timeout 1 s and maxReceiveCount 2 keep redelivery and dead-lettering within seconds.
 */

const ARN = (name: string) => `arn:aws:states:us-east-1:123456789012:execution:machine:${name}`;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const advance = (executionArn: string, id: string, ref = 1): TransitionEnvelope => ({
  executionArn,
  id,
  message: { type: 'advance', scope: '', ref },
});
const task = (ref: number): TaskEnvelope => ({
  executionArn: ARN('tasks'),
  scope: '',
  ref,
  request: { kind: 'lambda', functionName: 'f', payload: { ref }, style: 'invoke' },
});

let sqs: EmbeddedSqs;
let queues: SqsQueues;
let now = Date.UTC(2026, 0, 1);
const allUrls = () => [...Object.values(sqs.urls), ...Object.values(sqs.dlqUrls)];

beforeAll(async () => {
  sqs = await startEmbeddedSqs({ visibilityTimeout: 1, maxReceiveCount: 2, prefix: 'it-' });
  queues = new SqsQueues({ client: sqs.client, urls: sqs.urls, clock: { now: () => now } });
});
afterAll(() => sqs.stop());
beforeEach(async () => {
  now = Date.UTC(2026, 0, 1);
  await Promise.all(allUrls().map((QueueUrl) => sqs.client.send(new PurgeQueueCommand({ QueueUrl }))));
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** Receives and deletes until a receive comes back empty; the bodies in the order they arrived. */
async function drain(queueUrl: string): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.client.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return bodies;
    for (const message of Messages) {
      bodies.push(message.Body ?? '');
      await sqs.client.send(
        new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }),
      );
    }
  }
}

async function countMessages(queueUrl: string) {
  const { Attributes = {} } = await sqs.client.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }),
  );
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible),
    delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed),
  };
}

/** The SendMessageBatch inputs the adapter sends, while still sending them. */
function spyOnBatches(): SendMessageBatchCommandInput[] {
  const inputs: SendMessageBatchCommandInput[] = [];
  const send = sqs.client.send.bind(sqs.client);
  vi.spyOn(sqs.client, 'send').mockImplementation(((command: unknown, ...rest: unknown[]) => {
    if (command instanceof SendMessageBatchCommand) inputs.push(command.input);
    return (send as (...args: unknown[]) => unknown)(command, ...rest);
  }) as typeof sqs.client.send);
  return inputs;
}

/** What `run` throws (it must throw). */
function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('Expected a throw');
}

describe('envelope codec', () => {
  const timer: TimerEnvelope = { dueAt: 1_767_225_600_000, transition: advance(ARN('t'), 'timer:1') };
  it.each<[string, TransitionEnvelope | TaskEnvelope | TimerEnvelope, (body: string) => unknown]>([
    [
      'a start transition with emoji and U+FFFF in its input',
      {
        executionArn: ARN('e'),
        id: 'start',
        message: {
          type: 'start',
          execution: {
            executionArn: ARN('e'),
            name: 'e',
            stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:machine',
            stateMachineName: 'machine',
            roleArn: 'arn:aws:iam::123456789012:role/r',
            region: 'us-east-1',
            accountId: '123456789012',
            startTime: 1_767_225_600_000,
          },
          input: { text: 'héllo 🎉 \uffff \u0001', n: [1, null, true] },
        },
      },
      decodeTransitionEnvelope,
    ],
    ['a task with a token', { ...task(3), taskToken: 'token' }, decodeTaskEnvelope],
    ['a timer', timer, decodeTimerEnvelope],
  ])('%s decodes to what was encoded, in a body of SQS-safe characters', (_label, envelope, decode) => {
    const body = encodeEnvelope(envelope);
    expect(body).not.toMatch(/[\uD800-\uDFFF\uFFFE\uFFFF]/);
    expect(body).not.toContain(String.fromCharCode(1));
    expect(decode(body)).toEqual(envelope);
  });

  const advanceBody = (message: object) => JSON.stringify({ executionArn: ARN('e'), id: '1', message });
  it.each<[string, string, (body: string) => unknown, string | RegExp]>([
    ['text that is not JSON', 'advance', decodeTransitionEnvelope, /^transition message body: not JSON \(/],
    ['an array', '[]', decodeTransitionEnvelope, 'transition message body: the body must be an object'],
    [
      'no executionArn',
      JSON.stringify({ id: '1', message: { type: 'advance', scope: '', ref: 1 } }),
      decodeTransitionEnvelope,
      "transition message body: 'executionArn' is missing",
    ],
    [
      'a numeric executionArn',
      JSON.stringify({ executionArn: 5, id: '1', message: { type: 'advance', scope: '', ref: 1 } }),
      decodeTransitionEnvelope,
      "transition message body: 'executionArn' must be a string",
    ],
    [
      'an unknown message type',
      advanceBody({ type: 'bogus' }),
      decodeTransitionEnvelope,
      /^transition message body: 'message.type' must be one of 'start', 'advance', /,
    ],
    [
      'a fractional ref',
      advanceBody({ type: 'advance', scope: '', ref: 1.5 }),
      decodeTransitionEnvelope,
      "transition message body: 'message.ref' must be an integer",
    ],
    [
      'an unknown timer purpose',
      advanceBody({ type: 'timerFired', scope: '', ref: 1, purpose: 'later' }),
      decodeTransitionEnvelope,
      "transition message body: 'message.purpose' must be one of 'wait', 'retry', 'taskTimeout', 'heartbeat', 'executionTimeout'",
    ],
    [
      'a start whose execution has no name',
      advanceBody({ type: 'start', input: {}, execution: { ...timer, executionArn: 'a' } }),
      decodeTransitionEnvelope,
      "transition message body: 'message.execution.name' is missing",
    ],
    [
      'a taskSucceeded without output',
      advanceBody({ type: 'taskSucceeded', scope: '', ref: 1 }),
      decodeTransitionEnvelope,
      "transition message body: 'message.output' is missing",
    ],
    [
      'a lambda task of unknown style',
      JSON.stringify({ ...task(1), request: { ...task(1).request, style: 'new' } }),
      decodeTaskEnvelope,
      "task message body: 'request.style' must be one of 'legacy', 'invoke'",
    ],
    [
      'a task with a null qualifier',
      JSON.stringify({ ...task(1), request: { ...task(1).request, qualifier: null } }),
      decodeTaskEnvelope,
      "task message body: 'request.qualifier' must be a string",
    ],
    [
      'a transition body on the timers queue',
      encodeEnvelope(advance(ARN('e'), '1')),
      decodeTimerEnvelope,
      "timer message body: 'dueAt' is missing",
    ],
    [
      'a timer whose transition has no scope',
      JSON.stringify({
        dueAt: 1,
        transition: { executionArn: 'a', id: '1', message: { type: 'advance', ref: 1 } },
      }),
      decodeTimerEnvelope,
      "timer message body: 'transition.message.scope' is missing",
    ],
  ])('%s is a malformed message, named where it is wrong', (_label, body, decode, message) => {
    expect(() => decode(body)).toThrow(message);
    expect(thrownBy(() => decode(body))).toMatchObject({ name: 'EngineError', code: 'MalformedMessage' });
  });
});

describe('SqsQueues on the embedded SQS', () => {
  it.each<[string, (envelope: TransitionEnvelope) => Promise<void>]>([
    ['twice in one call', (e) => queues.sendTransitions([e, e])],
    [
      'in two calls',
      async (e) => {
        await queues.sendTransitions([e]);
        await queues.sendTransitions([e]);
      },
    ],
  ])('a transition sent %s is delivered once', async (label, sendTwice) => {
    const envelope = advance(ARN(`dedup-${label.replaceAll(' ', '-')}`), 'commit:1:0');
    await sendTwice(envelope);
    const bodies = await drain(sqs.urls.transitions);
    expect(bodies.map(decodeTransitionEnvelope)).toEqual([envelope]);
  });

  it('delivers the transitions of one execution in the order they were sent, whatever else is queued', async () => {
    const a = ARN('order-a');
    const b = ARN('order-b');
    const sent = [advance(a, 'a1'), advance(b, 'b1'), advance(a, 'a2'), advance(a, 'a3'), advance(b, 'b2')];
    await queues.sendTransitions(sent);
    const received = (await drain(sqs.urls.transitions)).map(decodeTransitionEnvelope);
    expect(received).toHaveLength(5);
    expect(received.filter((e) => e.executionArn === a).map((e) => e.id)).toEqual(['a1', 'a2', 'a3']);
    expect(received.filter((e) => e.executionArn === b).map((e) => e.id)).toEqual(['b1', 'b2']);
  });

  it('groups by a hash of the execution ARN and deduplicates by a hash of ARN and id, however long the ARN', async () => {
    const arn = ARN('x'.repeat(200));
    await queues.sendTransitions([advance(arn, 'commit:7:0')]);
    const { Messages = [] } = await sqs.client.send(
      new ReceiveMessageCommand({ QueueUrl: sqs.urls.transitions, MessageSystemAttributeNames: ['All'] }),
    );
    expect(Messages[0]?.Attributes).toMatchObject({
      MessageGroupId: sha256(arn),
      MessageDeduplicationId: sha256(`${arn}\ncommit:7:0`),
    });
  });

  it.each<[string, () => Promise<void>, number, number]>([
    [
      '25 transitions',
      () => queues.sendTransitions(Array.from({ length: 25 }, (_, i) => advance(ARN(`many-${i}`), 'x'))),
      25,
      3,
    ],
    [
      '3 transitions of 400 KB (more than 1 MiB together)',
      () =>
        queues.sendTransitions(
          [1, 2, 3].map((i) => ({
            executionArn: ARN(`big-${i}`),
            id: 'x',
            message: { type: 'taskSucceeded', scope: '', ref: 1, output: 'x'.repeat(400_000) },
          })),
        ),
      3,
      2,
    ],
  ])('%s go in batches SQS accepts and all arrive', async (_label, send, count, batches) => {
    const inputs = spyOnBatches();
    await send();
    expect(inputs).toHaveLength(batches);
    expect(await drain(sqs.urls.transitions)).toHaveLength(count);
  });

  it('refuses a message above 1 MiB before sending anything', async () => {
    const inputs = spyOnBatches();
    const huge: TransitionEnvelope = {
      executionArn: ARN('huge'),
      id: 'x',
      message: { type: 'taskSucceeded', scope: '', ref: 1, output: 'x'.repeat(1_048_576) },
    };
    await expect(queues.sendTransitions([huge])).rejects.toThrow(/exceeds SQS's limit of 1048576 bytes/);
    expect(inputs).toHaveLength(0);
  });

  it('a transition whose output holds emoji and U+FFFF arrives intact', async () => {
    const envelope: TransitionEnvelope = {
      executionArn: ARN('emoji'),
      id: 'x',
      message: { type: 'taskSucceeded', scope: '', ref: 1, output: { text: 'party 🎉 \uffff' } },
    };
    await queues.sendTransitions([envelope]);
    expect((await drain(sqs.urls.transitions)).map(decodeTransitionEnvelope)).toEqual([envelope]);
  });

  it('tasks go to the tasks queue', async () => {
    await queues.sendTasks([task(1), task(2)]);
    const received = (await drain(sqs.urls.tasks)).map(decodeTaskEnvelope);
    expect(received.map((e) => e.ref).sort()).toEqual([1, 2]);
  });

  it.each<[string, string, number, { queue: 'transitions' } | { queue: 'timers'; delaySeconds: number }]>([
    [
      'due a year from now',
      'timers queue, delayed 900 s',
      365 * 86_400_000,
      { queue: 'timers', delaySeconds: MAX_DELAY_SECONDS },
    ],
    [
      'due 1 ms past the longest delay',
      'timers queue, delayed 900 s',
      900_001,
      { queue: 'timers', delaySeconds: 900 },
    ],
    ['due in 2.5 s', 'timers queue, delayed 3 s', 2_500, { queue: 'timers', delaySeconds: 3 }],
    ['due in 1 ms', 'timers queue, delayed 1 s', 1, { queue: 'timers', delaySeconds: 1 }],
    ['due now', 'transitions queue', 0, { queue: 'transitions' }],
    ['overdue', 'transitions queue', -5_000, { queue: 'transitions' }],
  ])('a timer %s goes to the %s', async (_label, _where, dueIn, expected) => {
    const timer: TimerEnvelope = { dueAt: now + dueIn, transition: advance(ARN('timer'), `t${dueIn}`) };
    const inputs = spyOnBatches();
    await queues.sendTimers([timer]);
    expect(inputs).toHaveLength(1);
    const entry = inputs[0]?.Entries?.[0];
    if (expected.queue === 'transitions') {
      expect(inputs[0]?.QueueUrl).toBe(sqs.urls.transitions);
      expect(decodeTransitionEnvelope(entry?.MessageBody ?? '')).toEqual(timer.transition);
      expect(entry?.DelaySeconds).toBeUndefined();
    } else {
      expect(inputs[0]?.QueueUrl).toBe(sqs.urls.timers);
      expect(decodeTimerEnvelope(entry?.MessageBody ?? '')).toEqual(timer);
      expect(entry?.DelaySeconds).toBe(expected.delaySeconds);
    }
  });

  it('a timer due in a year waits, hidden, on the timers queue; one due now is on the transitions queue', async () => {
    const later: TimerEnvelope = { dueAt: now + 365 * 86_400_000, transition: advance(ARN('later'), 'w') };
    const due: TimerEnvelope = { dueAt: now, transition: advance(ARN('due'), 'w') };
    await queues.sendTimers([later, due]);
    expect(await countMessages(sqs.urls.timers)).toEqual({ visible: 0, inFlight: 0, delayed: 1 });
    expect((await drain(sqs.urls.transitions)).map(decodeTransitionEnvelope)).toEqual([due.transition]);
  });

  it('a failed send names the messages that did not go: a timers queue that is gone loses the waiting timer, not the due one', async () => {
    const broken = new SqsQueues({
      client: sqs.client,
      urls: { ...sqs.urls, timers: `${sqs.urls.timers}-gone` },
      clock: { now: () => now },
    });
    const later: TimerEnvelope = { dueAt: now + 60_000, transition: advance(ARN('gone-later'), 'w') };
    const due: TimerEnvelope = { dueAt: now, transition: advance(ARN('gone-due'), 'w') };
    const error = await broken.sendTimers([later, due]).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(unsentOf(error)).toEqual(new Set([0]));
    expect((await drain(sqs.urls.transitions)).map(decodeTransitionEnvelope)).toEqual([due.transition]);
  });

  it('a message over 1 MiB among others: every message of the call is named unsent (none went)', async () => {
    const huge: TransitionEnvelope = {
      executionArn: ARN('huge-among'),
      id: 'x',
      message: { type: 'taskSucceeded', scope: '', ref: 1, output: 'x'.repeat(1_048_576) },
    };
    const error = await queues.sendTransitions([advance(ARN('small'), 'x'), huge]).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(unsentOf(error)).toEqual(new Set([0, 1]));
    expect(await drain(sqs.urls.transitions)).toEqual([]);
  });

  it('a timer due in half a second arrives on the timers queue a second later', async () => {
    const timer: TimerEnvelope = { dueAt: now + 500, transition: advance(ARN('soon'), 'w') };
    const sentAt = Date.now();
    await queues.sendTimers([timer]);
    const { Messages = [] } = await sqs.client.send(
      new ReceiveMessageCommand({ QueueUrl: sqs.urls.timers, WaitTimeSeconds: 3 }),
    );
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(900);
    expect(Messages.map((m) => decodeTimerEnvelope(m.Body ?? ''))).toEqual([timer]);
  });
});

/**
 * Each poller test has its own embedded SQS, so they run side by side: a poller's stop waits out its long
 * poll (up to a second), and redelivery waits out the visibility timeout.
 */
describe.concurrent('event source poller', () => {
  // All of them at once: each mostly waits on timers.
  vi.setConfig({ maxConcurrency: 16 });
  type Context = { onTestFinished: (fn: () => Promise<void>) => void };
  /** An embedded SQS and a poller on its tasks (or transitions) queue, both stopped when the test ends. */
  async function pollerOn(
    context: Context,
    queue: 'tasks' | 'transitions',
    options: Omit<Parameters<typeof startPoller>[0], 'client' | 'queueUrl'>,
    before: (local: { sqs: EmbeddedSqs; queues: SqsQueues }) => Promise<void>,
  ) {
    const local = await startEmbeddedSqs({ visibilityTimeout: 1, maxReceiveCount: 2 });
    const localQueues = new SqsQueues({ client: local.client, urls: local.urls, clock: { now: () => now } });
    await before({ sqs: local, queues: localQueues });
    const poller = await startPoller({ client: local.client, queueUrl: local.urls[queue], ...options });
    context.onTestFinished(async () => {
      await poller.stop();
      await local.stop();
    });
    const count = async (url: string) => {
      const { Attributes = {} } = await local.client.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
      );
      return {
        visible: Number(Attributes.ApproximateNumberOfMessages),
        inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible),
      };
    };
    return { sqs: local, poller, count };
  }

  it('hands the handler records shaped as Lambda shapes them', async ({ expect, onTestFinished }) => {
    const events: SQSEvent[] = [];
    const envelope = advance(ARN('record'), 'commit:1:0');
    const {
      sqs: local,
      poller,
      count,
    } = await pollerOn(
      { onTestFinished },
      'transitions',
      {
        handler: async (event) => {
          events.push(event);
        },
      },
      ({ queues: q }) => q.sendTransitions([envelope]),
    );
    await waitFor('the first batch', () => poller.batches === 1);
    const { Attributes = {} } = await local.client.send(
      new GetQueueAttributesCommand({ QueueUrl: local.urls.transitions, AttributeNames: ['QueueArn'] }),
    );
    const record = events[0]?.Records[0] as SQSRecord;
    expect(events[0]?.Records).toHaveLength(1);
    expect(record).toMatchObject({
      body: encodeEnvelope(envelope),
      md5OfBody: createHash('md5').update(encodeEnvelope(envelope)).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: Attributes.QueueArn,
      awsRegion: 'us-east-1',
      messageAttributes: {},
      attributes: {
        ApproximateReceiveCount: '1',
        MessageGroupId: sha256(envelope.executionArn),
        MessageDeduplicationId: sha256(`${envelope.executionArn}\ncommit:1:0`),
      },
    });
    expect(record.messageId).toMatch(/\S/);
    expect(record.receiptHandle).toMatch(/\S/);
    expect(record.attributes.SequenceNumber).toMatch(/^\d+$/);
    expect(Number(record.attributes.SentTimestamp)).toBeGreaterThan(0);
    await waitFor('the poller to be idle', () => poller.idle);
    expect(await count(local.urls.transitions)).toEqual({ visible: 0, inFlight: 0 });
  });

  it('deletes the records a partial batch response does not list; a listed one returns until it is dead-lettered', async ({
    expect,
    onTestFinished,
  }) => {
    const seen: [number, string][] = [];
    const { sqs: local, count } = await pollerOn(
      { onTestFinished },
      'tasks',
      {
        handler: async (event) => {
          const failed = event.Records.filter((record) => {
            const { ref } = decodeTaskEnvelope(record.body);
            seen.push([ref, record.attributes.ApproximateReceiveCount]);
            return ref === 2;
          });
          return { batchItemFailures: failed.map((record) => ({ itemIdentifier: record.messageId })) };
        },
      },
      ({ queues: q }) => q.sendTasks([task(1), task(2), task(3)]),
    );
    await waitFor('a message in the tasks DLQ', async () => (await count(local.dlqUrls.tasks)).visible === 1);
    expect(seen.sort()).toEqual([
      [1, '1'],
      [2, '1'],
      [2, '2'],
      [3, '1'],
    ]);
    expect(await count(local.urls.tasks)).toEqual({ visible: 0, inFlight: 0 });
    const { Messages = [] } = await local.client.send(
      new ReceiveMessageCommand({ QueueUrl: local.dlqUrls.tasks }),
    );
    expect(Messages.map((m) => decodeTaskEnvelope(m.Body ?? '').ref)).toEqual([2]);
  });

  it('deletes nothing when the handler throws: the whole batch comes back', async ({
    expect,
    onTestFinished,
  }) => {
    const seen: [number, string][] = [];
    const outcomes: BatchOutcome[] = [];
    const {
      sqs: local,
      poller,
      count,
    } = await pollerOn(
      { onTestFinished },
      'tasks',
      {
        onBatch: (outcome) => outcomes.push(outcome),
        handler: async (event) => {
          for (const record of event.Records) {
            seen.push([decodeTaskEnvelope(record.body).ref, record.attributes.ApproximateReceiveCount]);
          }
          if (outcomes.length === 0) throw new Error('crashed');
        },
      },
      ({ queues: q }) => q.sendTasks([task(1), task(2)]),
    );
    await waitFor('two outcomes, none in flight', () => outcomes.length === 2 && poller.inFlight === 0);
    expect(seen.sort()).toEqual([
      [1, '1'],
      [1, '2'],
      [2, '1'],
      [2, '2'],
    ]);
    expect(outcomes.map((o) => [o.retained.length, o.error])).toEqual([
      [2, new Error('crashed')],
      [0, undefined],
    ]);
    expect(await count(local.urls.tasks)).toEqual({ visible: 0, inFlight: 0 });
    expect(await count(local.dlqUrls.tasks)).toEqual({ visible: 0, inFlight: 0 });
  });

  it.for<[string, 'none' | 'the first' | 'all', (ids: string[]) => unknown]>([
    ['nothing', 'none', () => undefined],
    ['an empty object', 'none', () => ({})],
    ['a null list', 'none', () => ({ batchItemFailures: null })],
    ['an empty list', 'none', () => ({ batchItemFailures: [] })],
    ['the first record', 'the first', (ids) => ({ batchItemFailures: [{ itemIdentifier: ids[0] }] })],
    ['an empty identifier', 'all', () => ({ batchItemFailures: [{ itemIdentifier: '' }] })],
    ['a missing identifier', 'all', () => ({ batchItemFailures: [{}] })],
    ['an id not in the batch', 'all', () => ({ batchItemFailures: [{ itemIdentifier: 'other' }] })],
  ])(
    'a handler returning %s keeps %s of the batch on the queue',
    async ([, kept, respond], { expect, onTestFinished }) => {
      const outcomes: BatchOutcome[] = [];
      const {
        sqs: local,
        poller,
        count,
      } = await pollerOn(
        { onTestFinished },
        'tasks',
        {
          onBatch: (outcome) => outcomes.push(outcome),
          handler: async (event) => respond(event.Records.map((record) => record.messageId)),
        },
        ({ queues: q }) => q.sendTasks([task(1), task(2)]),
      );
      await waitFor('one outcome', () => outcomes.length === 1);
      const ids = outcomes[0]?.records.map((record) => record.messageId) ?? [];
      expect(ids).toHaveLength(2);
      const expected = { none: [], 'the first': ids.slice(0, 1), all: ids }[kept];
      expect(outcomes[0]?.retained).toEqual(expected);
      expect(await count(local.urls.tasks)).toEqual({ visible: 0, inFlight: expected.length });
      expect(poller.batches).toBe(1);
    },
  );

  it('runs several receive loops, is idle once the queue is drained, and stops', async ({
    expect,
    onTestFinished,
  }) => {
    let handled = 0;
    const {
      sqs: local,
      poller,
      count,
    } = await pollerOn(
      { onTestFinished },
      'tasks',
      {
        batchSize: 5,
        concurrency: 3,
        handler: async (event) => {
          handled += event.Records.length;
        },
      },
      ({ queues: q }) => q.sendTasks(Array.from({ length: 30 }, (_, i) => task(i))),
    );
    await waitFor('30 handled and the poller idle', () => handled === 30 && poller.idle);
    expect(poller.batches).toBeGreaterThanOrEqual(6);
    await poller.stop();
    expect(poller.inFlight).toBe(0);
    expect(await count(local.urls.tasks)).toEqual({ visible: 0, inFlight: 0 });
  });

  it.for([0, 11, 2.5])('refuses a batch size of %s', async (batchSize, { expect }) => {
    await expect(
      startPoller({
        client: sqs.client,
        queueUrl: sqs.urls.tasks,
        batchSize,
        handler: async () => undefined,
      }),
    ).rejects.toThrow(`batchSize must be an integer from 1 to 10, got ${batchSize}`);
  });
});

describe('embedded SQS', () => {
  it('starts again over the same data folder, keeping queued messages', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'statefold-sqs-'));
    const first = await startEmbeddedSqs({ dataDir });
    await new SqsQueues({ client: first.client, urls: first.urls, clock: { now: () => now } }).sendTasks([
      task(9),
    ]);
    await first.stop();
    const second = await startEmbeddedSqs({ dataDir, visibilityTimeout: 2 });
    try {
      const { Attributes = {} } = await second.client.send(
        new GetQueueAttributesCommand({ QueueUrl: second.urls.tasks, AttributeNames: ['VisibilityTimeout'] }),
      );
      expect(Attributes.VisibilityTimeout).toBe('2');
      const { Messages = [] } = await second.client.send(
        new ReceiveMessageCommand({ QueueUrl: second.urls.tasks }),
      );
      expect(Messages.map((m) => decodeTaskEnvelope(m.Body ?? '').ref)).toEqual([9]);
    } finally {
      await second.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
