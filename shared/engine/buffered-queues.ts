import type { Queues, RecordEnvelope, TaskEnvelope, TimerEnvelope, TransitionEnvelope } from './ports.ts';

/**
 * Queues that hold what a handler's batch sends and send it all at the end, as few SendMessageBatch calls
 * as the batch allows (SQS bills per request: one batch of ten costs what one message costs). Nothing is
 * lost to a crash before the flush: the records are not acknowledged yet, so they come back, and each finds
 * its commit already written and sends that commit's outbox again.
 */
export class BufferedQueues implements Queues {
  readonly #inner: Queues;
  #transitions: TransitionEnvelope[] = [];
  #tasks: TaskEnvelope[] = [];
  #timers: TimerEnvelope[] = [];
  #records: RecordEnvelope[] = [];

  constructor(inner: Queues) {
    this.#inner = inner;
  }

  async sendTransitions(envelopes: readonly TransitionEnvelope[]): Promise<void> {
    this.#transitions.push(...envelopes);
  }

  async sendTasks(envelopes: readonly TaskEnvelope[]): Promise<void> {
    this.#tasks.push(...envelopes);
  }

  async sendTimers(timers: readonly TimerEnvelope[]): Promise<void> {
    this.#timers.push(...timers);
  }

  async sendRecords(envelopes: readonly RecordEnvelope[]): Promise<void> {
    this.#records.push(...envelopes);
  }

  /**
   * Hands each record held to `apply`, all at once (the parents they tell join the held transitions as each
   * ends); a record whose `apply` fails stays held, and the flush queues it.
   */
  async deliverRecords(apply: (record: RecordEnvelope) => Promise<void>): Promise<void> {
    const records = this.#records;
    this.#records = [];
    this.#records.unshift(...(await applyEach(records, apply)));
  }

  /** Sends everything held (transitions in the order they were sent: FIFO order within each execution). */
  async flush(): Promise<void> {
    const transitions = this.#transitions;
    const tasks = this.#tasks;
    const timers = this.#timers;
    const records = this.#records;
    this.#transitions = [];
    this.#tasks = [];
    this.#timers = [];
    this.#records = [];
    await Promise.all([
      transitions.length > 0 ? this.#inner.sendTransitions(transitions) : undefined,
      tasks.length > 0 ? this.#inner.sendTasks(tasks) : undefined,
      timers.length > 0 ? this.#inner.sendTimers(timers) : undefined,
      records.length > 0 ? this.#inner.sendRecords(records) : undefined,
    ]);
  }
}

/**
 * Applies each record where it was sent (all at once); returns those whose `apply` failed, for the tasks queue,
 * where the task handler applies them with its retries.
 */
export async function applyEach(
  records: readonly RecordEnvelope[],
  apply: (record: RecordEnvelope) => Promise<void>,
): Promise<RecordEnvelope[]> {
  const undelivered: RecordEnvelope[] = [];
  await Promise.all(
    records.map(async (record) => {
      try {
        await apply(record);
      } catch (error) {
        console.warn(
          JSON.stringify({
            level: 'WARN',
            message: 'A record could not be applied where it was sent: it goes to the tasks queue',
            record: record.record,
            executionArn: record.executionArn,
            error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
          }),
        );
        undelivered.push(record);
      }
    }),
  );
  return undelivered;
}
