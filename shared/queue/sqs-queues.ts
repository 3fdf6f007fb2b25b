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
import { unsentOf, withUnsent } from '../lib/unsent-messages.ts';
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
    await this.#sendBatches(this.#urls.transitions, entries, 'transition', true);
  }

  async sendTasks(envelopes: readonly TaskEnvelope[]): Promise<void> {
    const entries = envelopes.map((envelope): Entry => ({ MessageBody: encodeEnvelope(envelope) }));
    await this.#sendBatches(this.#urls.tasks, entries, 'task', false);
  }

  async sendRecords(envelopes: readonly RecordEnvelope[]): Promise<void> {
    const entries = envelopes.map((envelope): Entry => ({ MessageBody: encodeEnvelope(envelope) }));
    await this.#sendBatches(this.#urls.tasks, entries, 'record', false);
  }

  async sendTimers(timers: readonly TimerEnvelope[]): Promise<void> {
    const now = this.#clock.now();
    const due: number[] = [];
    const waiting: number[] = [];
    timers.forEach((timer, i) => {
      (timer.dueAt <= now ? due : waiting).push(i);
    });
    const entries = waiting.map((i): Entry => {
      const timer = timers[i] as TimerEnvelope;
      return { MessageBody: encodeEnvelope(timer), DelaySeconds: delaySecondsUntil(timer.dueAt - now) };
    });
    // Each part's unsent messages, as indices of `timers`.
    const results = await Promise.allSettled([
      due.length > 0
        ? this.sendTransitions(due.map((i) => (timers[i] as TimerEnvelope).transition))
        : undefined,
      this.#sendBatches(this.#urls.timers, entries, 'timer', false),
    ]);
    const unsent: number[] = [];
    let first: unknown;
    results.forEach((result, part) => {
      if (result.status === 'fulfilled') return;
      first ??= result.reason;
      const indices = part === 0 ? due : waiting;
      const marked = unsentOf(result.reason);
      indices.forEach((index, i) => {
        if (!marked || marked.has(i)) unsent.push(index);
      });
    });
    if (first !== undefined) throw withUnsent(asError(first), unsent);
  }

  /**
   * Sends `entries` in batches (one after the other when `sequential`: a failed batch stops the rest). A failure
   * is thrown marked with the indices of the entries that did not go (unsent-messages.ts).
   */
  async #sendBatches(
    queueUrl: string,
    entries: readonly Entry[],
    what: string,
    sequential: boolean,
  ): Promise<void> {
    if (entries.length === 0) return;
    let batches: { start: number; entries: Entry[] }[];
    try {
      batches = toBatches(entries, what);
    } catch (error) {
      throw withUnsent(asError(error), entries.keys());
    }
    const unsent: number[] = [];
    let first: unknown;
    const sendOne = async (batch: { start: number; entries: Entry[] }) => {
      try {
        await this.#send(queueUrl, batch.entries);
      } catch (error) {
        first ??= error;
        const failed = unsentOf(error);
        batch.entries.forEach((_, i) => {
          if (!failed || failed.has(i)) unsent.push(batch.start + i);
        });
      }
    };
    if (sequential) {
      for (const [n, batch] of batches.entries()) {
        await sendOne(batch);
        if (first === undefined) continue;
        for (const rest of batches.slice(n + 1)) {
          for (let i = 0; i < rest.entries.length; i++) unsent.push(rest.start + i);
        }
        break;
      }
    } else {
      await Promise.all(batches.map(sendOne));
    }
    if (first !== undefined) throw withUnsent(asError(first), unsent);
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
      throw withUnsent(
        new EngineError(
          failed.some((entry) => entry.SenderFault) ? 'QueueSendRefused' : 'InfrastructureFailure',
          message,
        ),
        failed.map((entry) => Number(entry.Id)),
      );
    }
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

type Entry = Omit<SendMessageBatchRequestEntry, 'Id'>;

/** Whole seconds (rounded up, so never early) for a wait of `remainingMs`, capped at SQS's maximum. */
export function delaySecondsUntil(remainingMs: number): number {
  return Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil(remainingMs / 1000)));
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Consecutive runs of at most 10 entries and 1 MiB of bodies, in order, each with the index of its first entry. */
function toBatches(entries: readonly Entry[], what: string): { start: number; entries: Entry[] }[] {
  const batches: { start: number; entries: Entry[] }[] = [];
  let current: Entry[] = [];
  let start = 0;
  let bytes = 0;
  entries.forEach((entry, index) => {
    const size = Buffer.byteLength(entry.MessageBody ?? '', 'utf8');
    if (size > MAX_MESSAGE_BYTES) {
      throw new EngineError(
        'QueueSendRefused',
        `A ${what} message of ${size} bytes exceeds SQS's limit of ${MAX_MESSAGE_BYTES} bytes`,
      );
    }
    if (current.length === MAX_BATCH_ENTRIES || bytes + size > MAX_MESSAGE_BYTES) {
      batches.push({ start, entries: current });
      current = [];
      start = index;
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  });
  if (current.length > 0) batches.push({ start, entries: current });
  return batches;
}
