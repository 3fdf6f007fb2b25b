import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { Context, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DefinitionCache, type EngineDeps } from '../../shared/engine/engine-deps.ts';
import type { TimerEnvelope } from '../../shared/engine/ports.ts';
import { createTimerHandler } from '../../shared/handlers/timer-handler.ts';
import { type EmbeddedSqs, startEmbeddedSqs } from '../../shared/local/embedded-sqs.ts';
import { encodeEnvelope } from '../../shared/queue/envelope-codec.ts';
import { SqsQueues } from '../../shared/queue/sqs-queues.ts';
import { MemoryEventLog } from '../support/memory-ports.ts';

/**
 * The timer handler on real SQS (fauxqs): SQS delays a message at most 900 s, so a timer due later comes back
 * to the timers queue for another hop until it is due, and then becomes its transition. A Wait of a year is
 * some 35,000 hops.
 */
const NOW = Date.UTC(2026, 0, 1);
let sqs: EmbeddedSqs;
let handler: ReturnType<typeof createTimerHandler>;

/** Fresh queues (each case counts what lands on them), and the timer handler over them. */
async function startQueues(): Promise<void> {
  await sqs?.stop();
  sqs = await startEmbeddedSqs({ prefix: 'timer-handler-' });
  const clock = { now: () => NOW };
  const log = new MemoryEventLog();
  const deps: EngineDeps = {
    region: 'us-east-1',
    accountId: '123456789012',
    log,
    queues: new SqsQueues({ client: sqs.client, urls: sqs.urls, clock }),
    lambda: { invoke: () => Promise.reject(new Error('no Lambda in this test')) },
    clock,
    definitions: new DefinitionCache(log),
  };
  handler = createTimerHandler(() => deps);
}

beforeAll(startQueues);

afterAll(async () => {
  await sqs?.stop();
});

function timer(dueAt: number, id: string): TimerEnvelope {
  return {
    dueAt,
    transition: {
      executionArn: 'arn:aws:states:us-east-1:123456789012:execution:m:e',
      id,
      message: { type: 'timerFired', scope: 'root', ref: 3, purpose: 'wait' },
    },
  };
}

function eventOf(envelope: TimerEnvelope): SQSEvent {
  const record = {
    messageId: envelope.transition.id,
    receiptHandle: 'r',
    body: encodeEnvelope(envelope),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(NOW),
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: String(NOW),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:timers',
    awsRegion: 'us-east-1',
  };
  return { Records: [record] };
}

async function counts(url: string): Promise<{ ready: number; delayed: number }> {
  const { Attributes = {} } = await sqs.client.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesDelayed'],
    }),
  );
  return {
    ready: Number(Attributes.ApproximateNumberOfMessages),
    delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed),
  };
}

describe('the timer handler', () => {
  it.each([
    ['due in a year', 365 * 24 * 3600 * 1000, { timers: { ready: 0, delayed: 1 }, transitions: 0 }],
    ['due in 20 minutes', 20 * 60 * 1000, { timers: { ready: 0, delayed: 1 }, transitions: 0 }],
    ['due now', 0, { timers: { ready: 0, delayed: 0 }, transitions: 1 }],
    ['overdue', -5000, { timers: { ready: 0, delayed: 0 }, transitions: 1 }],
  ] as const)(
    'a timer %s is re-armed on the timers queue or forwarded as its transition',
    async (name, inMs, expected) => {
      await startQueues();
      const response = await handler(
        eventOf(timer(NOW + inMs, `t-${name.replace(/\W/g, '-')}`)),
        {} as Context,
      );
      expect(response).toEqual({ batchItemFailures: [] });
      expect(await counts(sqs.urls.timers)).toEqual(expected.timers);
      expect((await counts(sqs.urls.transitions)).ready).toBe(expected.transitions);
    },
  );

  it('a body that is not a timer fails only its record, naming what is wrong', async () => {
    const event = eventOf(timer(NOW, 'bad'));
    (event.Records[0] as { body: string }).body = '{"dueAt":"soon"}';
    expect(await handler(event, {} as Context)).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad' }] });
  });
});
