import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedSqs, startEmbeddedSqs } from '../../shared/local/embedded-sqs.ts';

/**
 * The embedded SQS gives several messages of one FIFO message group in one receive, in order, as SQS does
 * (fauxqs 2.4.1 gave one per group: see shared/local/fauxqs-fifo-groups.ts), and those of a group that come
 * back come back in their order.
 */
let sqs: EmbeddedSqs;

beforeAll(async () => {
  sqs = await startEmbeddedSqs({ prefix: 'fifo-groups-', visibilityTimeout: 1 });
});
afterAll(async () => {
  await sqs?.stop();
});

async function send(group: string, bodies: string[]): Promise<void> {
  await sqs.client.send(
    new SendMessageBatchCommand({
      QueueUrl: sqs.urls.transitions,
      Entries: bodies.map((body) => ({
        Id: body,
        MessageBody: body,
        MessageGroupId: group,
        MessageDeduplicationId: `${group}-${body}`,
      })),
    }),
  );
}

async function receive(max: number) {
  const { Messages = [] } = await sqs.client.send(
    new ReceiveMessageCommand({
      QueueUrl: sqs.urls.transitions,
      MaxNumberOfMessages: max,
      MessageSystemAttributeNames: ['All'],
    }),
  );
  return Messages;
}

async function remove(messages: Awaited<ReturnType<typeof receive>>): Promise<void> {
  if (messages.length === 0) return;
  await sqs.client.send(
    new DeleteMessageBatchCommand({
      QueueUrl: sqs.urls.transitions,
      Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
    }),
  );
}

describe('the embedded SQS FIFO queue', () => {
  it('gives several messages of one group in one receive, in order, and holds the group while they are out', async () => {
    await send('a', ['a1', 'a2', 'a3', 'a4']);
    await send('b', ['b1', 'b2']);
    const first = await receive(5);
    expect(first.map((m) => m.Body)).toEqual(['a1', 'a2', 'a3', 'a4', 'b1']);
    // Group b has a message in flight: its next waits for it, and group a is empty.
    expect(await receive(10)).toEqual([]);
    await remove(first);
    const second = await receive(10);
    expect(second.map((m) => m.Body)).toEqual(['b2']);
    await remove(second);
  });

  it('puts the messages of a group that come back in their order, before the rest', async () => {
    await send('c', ['c1', 'c2', 'c3', 'c4']);
    const batch = await receive(3);
    expect(batch.map((m) => m.Body)).toEqual(['c1', 'c2', 'c3']);
    // c1 is done; c2 and c3 come back, one made visible at once, the other when its timeout runs out.
    await remove(batch.slice(0, 1));
    await sqs.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: sqs.urls.transitions,
        ReceiptHandle: batch[2]?.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const again = await receive(10);
    expect(again.map((m) => m.Body)).toEqual(['c2', 'c3', 'c4']);
    expect(again.map((m) => m.Attributes?.ApproximateReceiveCount)).toEqual(['2', '2', '1']);
    await remove(again);
  });
});
