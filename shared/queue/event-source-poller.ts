import { randomUUID } from 'node:crypto';
import {
  DeleteMessageBatchCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSEvent, SQSMessageAttribute, SQSRecord, SQSRecordAttributes } from 'aws-lambda';
import { queueArnOf } from './queue-setup.ts';

/**
 * Lambda's SQS event source mapping, in this process: receive loops that hand batches to the same handler
 * that runs on AWS, then delete what succeeded. A handler that throws deletes nothing (the messages come
 * back after the visibility timeout and, past the redrive policy's maxReceiveCount, land in the DLQ); a
 * partial batch response deletes every record it does not list (ReportBatchItemFailures is always on).
 */

export type SqsBatchHandler = (event: SQSEvent, context: Context) => Promise<unknown>;

/** What became of one batch: which records were kept for redelivery, and why. */
export interface BatchOutcome {
  records: readonly SQSRecord[];
  /** Message ids left on the queue. */
  retained: readonly string[];
  /** Set when the handler threw or its response failed the whole batch. */
  error?: unknown;
}

export interface PollerOptions {
  client: SQSClient;
  queueUrl: string;
  /** The queue's ARN, for `eventSourceARN`; read from the queue when absent. */
  queueArn?: string;
  handler: SqsBatchHandler;
  /** Messages per batch, 1–10 (default 10). */
  batchSize?: number;
  /** Long-poll seconds per receive, 0–20 (default 1). */
  waitTimeSeconds?: number;
  /** Parallel receive loops (default 1). */
  concurrency?: number;
  /** The name the handler sees in its context (default: the queue's name). */
  functionName?: string;
  onBatch?: (outcome: BatchOutcome) => void;
  /** A receive or delete call failed (the loop backs off and goes on). */
  onError?: (error: unknown) => void;
}

export interface Poller {
  /** Batches being handled now. */
  readonly inFlight: number;
  /** Every loop's last receive came back empty and no batch is in hand. */
  readonly idle: boolean;
  /** Batches handled so far. */
  readonly batches: number;
  /**
   * Stops receiving; resolves once the receives in progress have returned (at most `waitTimeSeconds`) and
   * the batches they brought are handled and deleted.
   */
  stop(): Promise<void>;
}

/** Receive errors back off from this to ten times it. */
const BACKOFF_MS = 100;

export async function startPoller(options: PollerOptions): Promise<Poller> {
  const batchSize = options.batchSize ?? 10;
  const waitTimeSeconds = options.waitTimeSeconds ?? 1;
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10) {
    throw new Error(`batchSize must be an integer from 1 to 10, got ${batchSize}`);
  }
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new Error(`concurrency must be a positive integer, got ${concurrency}`);
  }
  const { client, queueUrl, handler } = options;
  const queueArn = options.queueArn ?? (await queueArnOf(client, queueUrl));
  // arn:aws:sqs:<region>:<account>:<name>
  const [, , , awsRegion = '', accountId = '', queueName = 'poller'] = queueArn.split(':');
  const functionArn = `arn:aws:lambda:${awsRegion}:${accountId}:function:${options.functionName ?? queueName}`;

  const stopping = new AbortController();
  const emptyLoops = new Set<number>();
  let inFlight = 0;
  let batches = 0;

  const handleBatch = async (messages: readonly Message[]): Promise<void> => {
    const records = messages.map((message) => toRecord(message, queueArn, awsRegion));
    let retained: string[];
    let error: unknown;
    try {
      const response = await handler({ Records: records }, newContext(functionArn));
      const failures = readBatchItemFailures(response, records);
      if (failures === 'all') {
        retained = records.map((record) => record.messageId);
        error = new Error(
          'The batch response names an item that is not in the batch: the whole batch failed',
        );
      } else {
        retained = failures;
      }
    } catch (thrown) {
      retained = records.map((record) => record.messageId);
      error = thrown;
    }
    const toDelete = records.filter((record) => !retained.includes(record.messageId));
    if (toDelete.length > 0) {
      try {
        const result = await client.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: toDelete.map((record, index) => ({
              Id: String(index),
              ReceiptHandle: record.receiptHandle,
            })),
          }),
        );
        if ((result.Failed ?? []).length > 0) {
          options.onError?.(new Error(`DeleteMessageBatch: ${JSON.stringify(result.Failed)}`));
        }
      } catch (deleteError) {
        options.onError?.(deleteError);
      }
    }
    batches += 1;
    options.onBatch?.({ records, retained, ...(error === undefined ? {} : { error }) });
  };

  const runLoop = async (loop: number): Promise<void> => {
    let failures = 0;
    while (!stopping.signal.aborted) {
      let messages: Message[];
      try {
        const result = await client.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: batchSize,
            WaitTimeSeconds: waitTimeSeconds,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
          // Not aborted on stop: SQS would still hand the messages to the dropped request, hiding them
          // for a visibility timeout and counting a receive; a stop waits out the long poll instead.
        );
        messages = result.Messages ?? [];
        failures = 0;
      } catch (receiveError) {
        options.onError?.(receiveError);
        failures += 1;
        await sleep(BACKOFF_MS * Math.min(10, failures), stopping.signal);
        continue;
      }
      if (messages.length === 0) {
        emptyLoops.add(loop);
        continue;
      }
      emptyLoops.delete(loop);
      inFlight += 1;
      try {
        await handleBatch(messages);
      } catch (hookError) {
        // Only the onBatch hook can throw here; the loop goes on.
        options.onError?.(hookError);
      } finally {
        inFlight -= 1;
      }
    }
  };

  const loops = Array.from({ length: concurrency }, (_, loop) => runLoop(loop));
  return {
    get inFlight() {
      return inFlight;
    },
    get idle() {
      return inFlight === 0 && emptyLoops.size === concurrency;
    },
    get batches() {
      return batches;
    },
    async stop() {
      stopping.abort();
      await Promise.all(loops);
    },
  };
}

/** An SQS message as Lambda puts it in an event record. */
export function toRecord(message: Message, queueArn: string, awsRegion: string): SQSRecord {
  const system = message.Attributes ?? {};
  const attributes: SQSRecordAttributes = {
    ApproximateReceiveCount: system.ApproximateReceiveCount ?? '1',
    SentTimestamp: system.SentTimestamp ?? '',
    SenderId: system.SenderId ?? '',
    ApproximateFirstReceiveTimestamp: system.ApproximateFirstReceiveTimestamp ?? '',
  };
  // FIFO queues add these; a traced sender adds AWSTraceHeader.
  for (const name of [
    'SequenceNumber',
    'MessageGroupId',
    'MessageDeduplicationId',
    'AWSTraceHeader',
  ] as const) {
    const value = system[name];
    if (value !== undefined) attributes[name] = value;
  }
  const messageAttributes: Record<string, SQSMessageAttribute> = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] = toRecordAttribute(value);
  }
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes,
    messageAttributes,
    md5OfBody: message.MD5OfBody ?? '',
    ...(message.MD5OfMessageAttributes === undefined
      ? {}
      : { md5OfMessageAttributes: message.MD5OfMessageAttributes }),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion,
  };
}

function toRecordAttribute(value: MessageAttributeValue): SQSMessageAttribute {
  return {
    ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
    ...(value.BinaryValue === undefined
      ? {}
      : { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }),
    stringListValues: value.StringListValues ?? [],
    binaryListValues: (value.BinaryListValues ?? []).map((bytes) => Buffer.from(bytes).toString('base64')),
    dataType: value.DataType ?? 'String',
  };
}

/**
 * The message ids a handler's response keeps on the queue, or 'all'. As Lambda reads a partial batch
 * response: no response, no list or an empty list is full success; an item whose identifier is empty,
 * missing or not a message of the batch fails the whole batch (Lambda developer guide, "Success and
 * failure conditions").
 */
function readBatchItemFailures(response: unknown, records: readonly SQSRecord[]): string[] | 'all' {
  if (typeof response !== 'object' || response === null || !('batchItemFailures' in response)) return [];
  const failures = response.batchItemFailures;
  if (failures === null || failures === undefined) return [];
  if (!Array.isArray(failures)) return 'all';
  const ids = new Set(records.map((record) => record.messageId));
  const retained: string[] = [];
  for (const failure of failures as unknown[]) {
    const id =
      typeof failure === 'object' && failure !== null && 'itemIdentifier' in failure
        ? failure.itemIdentifier
        : undefined;
    if (typeof id !== 'string' || !ids.has(id)) return 'all';
    retained.push(id);
  }
  return retained;
}

function newContext(functionArn: string): Context {
  const functionName = functionArn.split(':')[6] ?? '';
  const awsRequestId = randomUUID();
  const deadline = Date.now() + 900_000;
  const unsupported = () => {
    throw new Error('context.done/fail/succeed are not supported: return a value or throw');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn,
    memoryLimitInMB: '128',
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${awsRequestId}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
