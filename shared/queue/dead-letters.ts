import { createHash } from 'node:crypto';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { executionArnOfBody } from './envelope-codec.ts';
import type { QueueUrls } from './sqs-queues.ts';

/**
 * The engine's dead-letter queues, read and re-driven (`statefold dlq list|redrive`), locally and on AWS alike:
 * plain SQS calls on a queue and its dead-letter queue. A message goes to a dead-letter queue after its last
 * delivery failed: a transition whose execution the infrastructure kept from applying (throttling, an outage),
 * a task request or a timer whose handler kept failing. Re-driving sends each one back to the queue it came
 * from, where the engine applies it as any redelivery: exactly once (a transition already applied only sends
 * its commit's outbox again, one whose target moved on changes nothing).
 */

export type EngineQueue = keyof QueueUrls;
export const ENGINE_QUEUES: readonly EngineQueue[] = ['transitions', 'tasks', 'timers'];

/** A queue of the engine and the dead-letter queue its redrive policy names. */
export interface DeadLetterRoute {
  queue: EngineQueue;
  sourceUrl: string;
  deadLetterUrl: string;
}

export interface DeadLetter {
  queue: EngineQueue;
  messageId: string;
  /** The execution its body names (undefined for an unreadable body). */
  executionArn?: string;
  /** What it carries: the transition's type, the task's kind, the timer's purpose (`unreadable` if none). */
  kind: string;
  /** Deliveries so far, as SQS counts them (those before it was dead-lettered and this look's). */
  receiveCount: number;
  /** When it was first sent (epoch ms), if SQS says. */
  sentAt?: number;
  body: string;
}

/** Seconds a message being re-driven stays hidden from any other reader. */
const HOLD_SECONDS = 60;
/**
 * Seconds a message a look has read stays hidden: long enough that one look does not read it twice, short
 * enough that a redrive just after finds it. (Listing cannot hide them longer and then let them go at once:
 * fauxqs loses a message whose visibility is set to 0 when it persists its queues.)
 */
const LOOK_SECONDS = 2;
/** Messages read per queue at most (a look at a DLQ, not an export of it). */
const DEFAULT_LIMIT = 1000;

/** The messages of each route's dead-letter queue; each is visible again a moment after this returns. */
export async function listDeadLetters(
  client: SQSClient,
  routes: readonly DeadLetterRoute[],
  limit = DEFAULT_LIMIT,
): Promise<DeadLetter[]> {
  const letters: DeadLetter[] = [];
  for (const route of routes) {
    const messages = await receiveAll(client, route.deadLetterUrl, limit);
    for (const message of messages) letters.push(describeLetter(route.queue, message));
  }
  return letters;
}

export interface Redriven {
  queue: EngineQueue;
  moved: number;
}

/**
 * Sends every message of each route's dead-letter queue back to its source queue, then deletes it from the
 * dead-letter queue (a crash in between sends one twice, which the engine's ids make harmless). A FIFO
 * message keeps its group (its execution) and gets a fresh deduplication id: the original's may still be
 * within SQS's five-minute deduplication window, which would drop the re-sent message.
 */
export async function redriveDeadLetters(
  client: SQSClient,
  routes: readonly DeadLetterRoute[],
  limit = DEFAULT_LIMIT,
): Promise<Redriven[]> {
  const results: Redriven[] = [];
  for (const route of routes) {
    const fifo = route.sourceUrl.endsWith('.fifo');
    let moved = 0;
    const seen = new Set<string>();
    const giveUpAt = Date.now() + (LOOK_SECONDS + 3) * 1000;
    while (moved < limit) {
      const messages = (await receiveBatch(client, route.deadLetterUrl, HOLD_SECONDS)).filter(
        (message) => !seen.has(message.MessageId ?? ''),
      );
      if (messages.length === 0) {
        // Messages a look (`dlq list`) holds for a moment come back on their own: wait for them, briefly.
        if (Date.now() < giveUpAt && (await hiddenCount(client, route.deadLetterUrl)) > 0) {
          await new Promise((resolve) => setTimeout(resolve, 250));
          continue;
        }
        break;
      }
      for (const message of messages) {
        seen.add(message.MessageId ?? '');
        const body = message.Body ?? '';
        await client.send(
          new SendMessageCommand({
            QueueUrl: route.sourceUrl,
            MessageBody: body,
            ...(fifo
              ? {
                  MessageGroupId:
                    message.Attributes?.MessageGroupId ?? sha256(executionArnOfBody(body) ?? body),
                  MessageDeduplicationId: sha256(`redrive\n${message.MessageId}\n${Date.now()}`),
                }
              : {}),
          }),
        );
        await client.send(
          new DeleteMessageCommand({ QueueUrl: route.deadLetterUrl, ReceiptHandle: message.ReceiptHandle }),
        );
        moved += 1;
      }
    }
    results.push({ queue: route.queue, moved });
  }
  return results;
}

async function hiddenCount(client: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return Number(Attributes?.ApproximateNumberOfMessagesNotVisible) || 0;
}

async function receiveBatch(client: SQSClient, queueUrl: string, holdSeconds: number): Promise<Message[]> {
  const { Messages = [] } = await client.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      VisibilityTimeout: holdSeconds,
      WaitTimeSeconds: 0,
      MessageSystemAttributeNames: ['All'],
    }),
  );
  return Messages;
}

/**
 * Every message of the queue, each held hidden for a moment while the others are read (one seen again is
 * skipped). A FIFO queue gives a group's messages in order, and none of the group while one is held; a few empty
 * receives in a row end the read (a standard queue's receives sample its servers).
 */
async function receiveAll(client: SQSClient, queueUrl: string, limit: number): Promise<Message[]> {
  const messages: Message[] = [];
  /** When each message read so far shows again (it is skipped when it does). */
  const heldUntil = new Map<string, number>();
  const giveUpAt = Date.now() + (LOOK_SECONDS + 3) * 1000;
  let empty = 0;
  while (messages.length < limit && empty < 3) {
    const batch = await receiveBatch(client, queueUrl, LOOK_SECONDS);
    const fresh = batch.filter((message) => !heldUntil.has(message.MessageId ?? ''));
    for (const message of batch) heldUntil.set(message.MessageId ?? '', Date.now() + LOOK_SECONDS * 1000);
    if (fresh.length > 0) {
      empty = 0;
      messages.push(...fresh);
      continue;
    }
    // Hidden messages that are not this look's (a look just before, by another `dlq list`) show again soon.
    const ours = [...heldUntil.values()].filter((until) => until > Date.now()).length;
    if (Date.now() < giveUpAt && (await hiddenCount(client, queueUrl)) > ours) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      continue;
    }
    empty += 1;
  }
  return messages;
}

function describeLetter(queue: EngineQueue, message: Message): DeadLetter {
  const body = message.Body ?? '';
  const executionArn = executionArnOfBody(body) ?? timerExecutionArn(body);
  const sentAt = Number(message.Attributes?.SentTimestamp);
  return {
    queue,
    messageId: message.MessageId ?? '',
    ...(executionArn !== undefined ? { executionArn } : {}),
    kind: kindOf(queue, body),
    receiveCount: Number(message.Attributes?.ApproximateReceiveCount) || 0,
    ...(Number.isFinite(sentAt) && sentAt > 0 ? { sentAt } : {}),
    body,
  };
}

/** What the body carries, read loosely: a dead letter may be one because it does not decode. */
function kindOf(queue: EngineQueue, body: string): string {
  const parsed = parseObject(body);
  if (!parsed) return 'unreadable';
  switch (queue) {
    case 'transitions':
      return transitionKind(parsed.message) ?? 'unreadable';
    case 'tasks': {
      const request = parseField(parsed.request);
      if (!request || typeof request.kind !== 'string') return 'unreadable';
      if (request.kind === 'lambda' && typeof request.functionName === 'string') {
        // `arn:aws:lambda:…:function:NAME[:QUALIFIER]` → NAME[:QUALIFIER]
        return `lambda ${request.functionName.replace(/^arn:[^:]+:lambda:[^:]*:[^:]*:function:/, '')}`;
      }
      if (request.kind === 'service') return `service ${String(request.service)}:${String(request.action)}`;
      return request.kind;
    }
    case 'timers': {
      const transition = parseField(parsed.transition);
      const kind = transition && transitionKind(transition.message);
      return kind ? `timer ${kind}` : 'unreadable';
    }
  }
}

function transitionKind(value: unknown): string | undefined {
  const message = parseField(value);
  if (!message || typeof message.type !== 'string') return undefined;
  return typeof message.purpose === 'string' ? `${message.type} (${message.purpose})` : message.type;
}

function timerExecutionArn(body: string): string | undefined {
  const transition = parseField(parseObject(body)?.transition);
  return typeof transition?.executionArn === 'string' ? transition.executionArn : undefined;
}

function parseObject(body: string): Record<string, unknown> | undefined {
  try {
    return parseField(JSON.parse(body));
  } catch {
    return undefined;
  }
}

function parseField(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
