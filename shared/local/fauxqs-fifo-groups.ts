import { randomUUID } from 'node:crypto';

/**
 * fauxqs 2.4.1 hands out one message per FIFO message group per ReceiveMessage: its FIFO dequeue loop takes a
 * group's first message and breaks, though its comment says "up to remaining count" and its group lock counts
 * the messages in flight one by one. SQS returns several messages of one group, in order, in one receive (up to
 * MaxNumberOfMessages), and Lambda's event source mapping hands them to one invocation; here an execution with
 * ten queued transitions took ten receives, ten invocations and ten deletes. And a message that comes back (its
 * visibility timeout ran out, or was set to 0) is put at the front of its group: with several of a group in
 * flight they came back in reverse order. The patch is fauxqs's own dequeue without that `break`, and a
 * group's returning messages put back in their sequence order. (The report for upstream:
 * docs/fauxqs-fifo-groups.md.)
 *
 * The store's module is imported by its file, the one fauxqs's own modules import, so the patched class is
 * the one its queues are made of.
 */

interface StoredMessage {
  messageId: string;
  body: string;
  md5OfBody: string;
  messageAttributes: Record<string, unknown>;
  md5OfMessageAttributes?: string;
  messageGroupId?: string;
  sequenceNumber?: string;
  approximateReceiveCount: number;
  approximateFirstReceiveTimestamp?: number;
}

interface ReceivedMessage {
  MessageId: string;
  ReceiptHandle: string;
  MD5OfBody: string;
  Body: string;
  MD5OfMessageAttributes?: string;
  MessageAttributes?: Record<string, unknown>;
}

interface DeadLetterQueue {
  enqueue(message: StoredMessage): void;
}

/** The parts of fauxqs's SqsQueue the patch uses. */
export interface FauxqsQueue {
  name: string;
  attributes: Record<string, string | undefined>;
  fifoMessages: Map<string, StoredMessage[]>;
  fifoLockedGroups: Map<string, number>;
  inflightMessages: Map<
    string,
    { message: StoredMessage; receiptHandle: string; visibilityDeadline: number }
  >;
  spy?: { addMessage(event: Record<string, unknown>): void };
  persistence?: {
    deleteMessage(messageId: string): void;
    updateMessageInflight(
      messageId: string,
      receiptHandle: string,
      visibilityDeadline: number,
      receiveCount: number,
      firstReceiveTimestamp: number | undefined,
    ): void;
  };
  isFifo(): boolean;
  dequeueFifo(
    maxCount: number,
    visibilityTimeoutOverride?: number,
    dlqResolver?: (arn: string) => DeadLetterQueue | undefined,
  ): ReceivedMessage[];
  processTimers(): void;
  changeVisibility(receiptHandle: string, timeoutSeconds: number): void;
}

const storeUrl = new URL('./sqs/sqsStore.js', import.meta.resolve('fauxqs')).href;
const { SqsQueue } = (await import(storeUrl)) as { SqsQueue: { prototype: FauxqsQueue } };

/** The prototype of fauxqs's queues (exported for the test that checks the patch is in place). */
export const FAUXQS_QUEUE_PROTOTYPE = SqsQueue.prototype;

const DEFAULT_GROUP = '__default';
const PATCHED = Symbol.for('statefold.fauxqsFifoGroups');

if (!(PATCHED in FAUXQS_QUEUE_PROTOTYPE)) {
  const { processTimers, changeVisibility } = FAUXQS_QUEUE_PROTOTYPE;
  Object.defineProperty(FAUXQS_QUEUE_PROTOTYPE, PATCHED, { value: true });

  /** fauxqs's FIFO dequeue, going on through a group: one lock count per message taken, as its deletes expect. */
  FAUXQS_QUEUE_PROTOTYPE.dequeueFifo = function dequeueWholeGroups(
    this: FauxqsQueue,
    maxCount,
    visibilityTimeoutOverride,
    dlqResolver,
  ) {
    this.processTimers();
    const visibilityTimeout =
      visibilityTimeoutOverride ?? Number.parseInt(this.attributes.VisibilityTimeout ?? '30', 10);
    const { maxReceiveCount, deadLetterTargetArn } = redrivePolicyOf(this);
    const result: ReceivedMessage[] = [];
    const count = Math.min(maxCount, 10);
    for (const [groupId, messages] of this.fifoMessages) {
      if (result.length >= count) break;
      if (this.fifoLockedGroups.has(groupId) || messages.length === 0) continue;
      while (result.length < count && messages.length > 0) {
        const message = messages.shift() as StoredMessage;
        message.approximateReceiveCount++;
        message.approximateFirstReceiveTimestamp ||= Date.now();
        const dlq =
          deadLetterTargetArn !== undefined && message.approximateReceiveCount > maxReceiveCount
            ? dlqResolver?.(deadLetterTargetArn)
            : undefined;
        if (dlq) {
          moveToDeadLetters(this, message, dlq);
          continue;
        }
        result.push(receive(this, message, visibilityTimeout));
        this.fifoLockedGroups.set(groupId, (this.fifoLockedGroups.get(groupId) ?? 0) + 1);
      }
      if (messages.length === 0) this.fifoMessages.delete(groupId);
    }
    return result;
  };

  FAUXQS_QUEUE_PROTOTYPE.processTimers = function processTimersInOrder(this: FauxqsQueue) {
    if (!this.isFifo()) return processTimers.call(this);
    const now = Date.now();
    const returning = new Set<string>();
    for (const entry of this.inflightMessages.values()) {
      if (entry.visibilityDeadline <= now) returning.add(entry.message.messageGroupId ?? DEFAULT_GROUP);
    }
    processTimers.call(this);
    for (const group of returning) inSequenceOrder(this, group);
  };

  FAUXQS_QUEUE_PROTOTYPE.changeVisibility = function changeVisibilityInOrder(
    this: FauxqsQueue,
    receiptHandle,
    timeoutSeconds,
  ) {
    const group = this.inflightMessages.get(receiptHandle)?.message.messageGroupId;
    changeVisibility.call(this, receiptHandle, timeoutSeconds);
    if (timeoutSeconds === 0 && group !== undefined && this.isFifo()) inSequenceOrder(this, group);
  };
}

function redrivePolicyOf(queue: FauxqsQueue): { maxReceiveCount: number; deadLetterTargetArn?: string } {
  const text = queue.attributes.RedrivePolicy;
  if (text === undefined) return { maxReceiveCount: Number.POSITIVE_INFINITY };
  try {
    const policy = JSON.parse(text) as { maxReceiveCount?: number; deadLetterTargetArn?: string };
    return {
      maxReceiveCount: policy.maxReceiveCount ?? Number.POSITIVE_INFINITY,
      ...(policy.deadLetterTargetArn === undefined
        ? {}
        : { deadLetterTargetArn: policy.deadLetterTargetArn }),
    };
  } catch {
    // As fauxqs: a policy that does not parse is ignored.
    return { maxReceiveCount: Number.POSITIVE_INFINITY };
  }
}

function moveToDeadLetters(queue: FauxqsQueue, message: StoredMessage, dlq: DeadLetterQueue): void {
  queue.spy?.addMessage({
    service: 'sqs',
    queueName: queue.name,
    messageId: message.messageId,
    body: message.body,
    messageAttributes: message.messageAttributes,
    status: 'dlq',
    timestamp: Date.now(),
  });
  queue.persistence?.deleteMessage(message.messageId);
  dlq.enqueue(message);
}

function receive(queue: FauxqsQueue, message: StoredMessage, visibilityTimeout: number): ReceivedMessage {
  const receiptHandle = randomUUID();
  const visibilityDeadline = Date.now() + visibilityTimeout * 1000;
  queue.inflightMessages.set(receiptHandle, { message, receiptHandle, visibilityDeadline });
  queue.persistence?.updateMessageInflight(
    message.messageId,
    receiptHandle,
    visibilityDeadline,
    message.approximateReceiveCount,
    message.approximateFirstReceiveTimestamp,
  );
  const received: ReceivedMessage = {
    MessageId: message.messageId,
    ReceiptHandle: receiptHandle,
    MD5OfBody: message.md5OfBody,
    Body: message.body,
  };
  if (message.md5OfMessageAttributes) received.MD5OfMessageAttributes = message.md5OfMessageAttributes;
  if (Object.keys(message.messageAttributes).length > 0)
    received.MessageAttributes = message.messageAttributes;
  return received;
}

/** A group's messages in the order they were sent (SequenceNumber is zero-padded: text order is number order). */
function inSequenceOrder(queue: FauxqsQueue, group: string): void {
  queue.fifoMessages
    .get(group)
    ?.sort((a, b) => (a.sequenceNumber ?? '').localeCompare(b.sequenceNumber ?? ''));
}
