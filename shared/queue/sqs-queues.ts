import { createHash } from 'node:crypto';
import {
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { EngineError } from '../engine/engine-error.ts';
import type {
  Clock,
  Queues,
  RecordEnvelope,
  TaskEnvelope,
  TimerEnvelope,
  TransitionEnvelope,
} from '../engine/ports.ts';
import { encodeEnvelope } from './envelope-codec.ts';

/** The engine's queues on SQS: FIFO transitions (one group per execution), standard tasks and timers. */

export interface QueueUrls {
  /** FIFO, no content-based deduplication: ids come from the envelopes. */
  transitions: string;
  tasks: string;
  timers: string;
}

/** SQS's longest DelaySeconds; a timer due later waits in hops of at most this. */
export const MAX_DELAY_SECONDS = 900;

/** SQS batch limits: 10 entries, 1 MiB for one message and for a whole SendMessageBatch (SQS developer guide). */
const MAX_BATCH_ENTRIES = 10;
export const MAX_MESSAGE_BYTES = 1_048_576;

export class SqsQueues implements Queues {
  readonly #client: SQSClient;
  readonly #urls: QueueUrls;
  readonly #clock: Clock;

  constructor(options: { client: SQSClient; urls: QueueUrls; clock: Clock }) {
    this.#client = options.client;
    this.#urls = options.urls;
    this.#clock = options.clock;
  }

  async sendTransitions(envelopes: readonly TransitionEnvelope[]): Promise<void> {
    const entries = envelopes.map(
      (envelope): Entry => ({
        MessageBody: encodeEnvelope(envelope),
        // Hashes: an ARN can pass SQS's 128-character limit on both ids.
        MessageGroupId: sha256(envelope.executionArn),
        MessageDeduplicationId: sha256(`${envelope.executionArn}\n${envelope.id}`),
      }),
    );
    // One batch after the other: within a group, SQS keeps the order the messages were sent in.
    for (const batch of toBatches(entries, 'transition')) await this.#send(this.#urls.transitions, batch);
  }

  async sendTasks(envelopes: readonly TaskEnvelope[]): Promise<void> {
    const entries = envelopes.map((envelope): Entry => ({ MessageBody: encodeEnvelope(envelope) }));
    await Promise.all(toBatches(entries, 'task').map((batch) => this.#send(this.#urls.tasks, batch)));
  }

  async sendRecords(envelopes: readonly RecordEnvelope[]): Promise<void> {
    const entries = envelopes.map((envelope): Entry => ({ MessageBody: encodeEnvelope(envelope) }));
    await Promise.all(toBatches(entries, 'record').map((batch) => this.#send(this.#urls.tasks, batch)));
  }

  async sendTimers(timers: readonly TimerEnvelope[]): Promise<void> {
    const now = this.#clock.now();
    const due = timers.filter((timer) => timer.dueAt <= now).map((timer) => timer.transition);
    const waiting = timers
      .filter((timer) => timer.dueAt > now)
      .map(
        (timer): Entry => ({
          MessageBody: encodeEnvelope(timer),
          DelaySeconds: delaySecondsUntil(timer.dueAt - now),
        }),
      );
    await Promise.all([
      due.length > 0 ? this.sendTransitions(due) : undefined,
      ...toBatches(waiting, 'timer').map((batch) => this.#send(this.#urls.timers, batch)),
    ]);
  }

  async #send(queueUrl: string, entries: readonly Entry[]): Promise<void> {
    const batch = entries.map((entry, index) => ({ ...entry, Id: String(index) }));
    const result = await this.#client.send(
      new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: batch }),
    );
    const failed = result.Failed ?? [];
    if (failed.length > 0) {
      const reasons = failed.map((entry) => `entry ${entry.Id}: ${entry.Code} ${entry.Message ?? ''}`.trim());
      const message = `SendMessageBatch to ${queueUrl}: ${failed.length} of ${batch.length} messages failed (${reasons.join('; ')})`;
      // SQS's own failures (not the sender's) pass: the record is retried, and left to the DLQ at worst.
      throw new EngineError(
        failed.some((entry) => entry.SenderFault) ? 'QueueSendRefused' : 'InfrastructureFailure',
        message,
      );
    }
  }
}

type Entry = Omit<SendMessageBatchRequestEntry, 'Id'>;

/** Whole seconds (rounded up, so never early) for a wait of `remainingMs`, capped at SQS's maximum. */
export function delaySecondsUntil(remainingMs: number): number {
  return Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil(remainingMs / 1000)));
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Consecutive runs of at most 10 entries and 1 MiB of bodies, in order. */
function toBatches(entries: readonly Entry[], what: string): Entry[][] {
  const batches: Entry[][] = [];
  let current: Entry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = Buffer.byteLength(entry.MessageBody ?? '', 'utf8');
    if (size > MAX_MESSAGE_BYTES) {
      throw new EngineError(
        'QueueSendRefused',
        `A ${what} message of ${size} bytes exceeds SQS's limit of ${MAX_MESSAGE_BYTES} bytes`,
      );
    }
    if (current.length === MAX_BATCH_ENTRIES || bytes + size > MAX_MESSAGE_BYTES) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
