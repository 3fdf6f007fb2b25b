import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { describeError } from '../lib/describe-error.ts';

/**
 * Lambda's SQS partial batch response: every record that failed is listed and comes back later (then to the DLQ
 * after the queue's maxReceiveCount); the rest are deleted. Written here rather than taken from
 * @middy/sqs-partial-batch-failure because a FIFO batch needs more than it does: records of one message group
 * run in order, and once one fails the records after it in that group must fail too (returned unprocessed), or
 * an execution's later transition would be applied before an earlier one.
 */
export function processSqsBatch(
  event: SQSEvent,
  handle: (record: SQSRecord) => Promise<void>,
  onFailure: (record: SQSRecord, error: unknown) => void = logFailure,
): Promise<SQSBatchResponse> {
  return processSqsRuns(
    event,
    async ([record]) => {
      await handle(record as SQSRecord);
      return 1;
    },
    onFailure,
  );
}

/**
 * processSqsBatch for a handler that may take several records of a message group at once: `handle` is given
 * the group's records not handled yet (in order) and handles some of them from the first, at least that one,
 * and says how many; when it throws, the first of them failed, and it and every later one of its group come
 * back.
 */
export async function processSqsRuns(
  event: SQSEvent,
  handle: (records: readonly SQSRecord[]) => Promise<number>,
  onFailure: (record: SQSRecord, error: unknown) => void = logFailure,
): Promise<SQSBatchResponse> {
  const groups = new Map<string, SQSRecord[]>();
  for (const record of event.Records) {
    // Standard queues have no groups: each record is its own.
    const group = record.attributes.MessageGroupId ?? record.messageId;
    const list = groups.get(group);
    if (list) list.push(record);
    else groups.set(group, [record]);
  }
  const failed: string[] = [];
  await Promise.all(
    [...groups.values()].map(async (records) => {
      let i = 0;
      while (i < records.length) {
        try {
          i += Math.max(1, await handle(records.slice(i)));
        } catch (error) {
          onFailure(records[i] as SQSRecord, error);
          for (const rest of records.slice(i)) failed.push(rest.messageId);
          return;
        }
      }
    }),
  );
  const order = new Map(event.Records.map((record, i) => [record.messageId, i]));
  failed.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
}

function logFailure(record: SQSRecord, error: unknown): void {
  console.error(
    JSON.stringify({
      level: 'ERROR',
      message: 'SQS record failed; it will be retried, then moved to the dead-letter queue',
      messageId: record.messageId,
      receiveCount: record.attributes.ApproximateReceiveCount,
      error: describeError(error),
    }),
  );
}

/** How many times SQS has delivered this record (1 on the first delivery). */
export function receiveCountOf(record: SQSRecord): number {
  return Number(record.attributes.ApproximateReceiveCount) || 1;
}
