import { describeError } from '../lib/describe-error.ts';
import { unsentOf } from '../lib/unsent-messages.ts';
import type { Queues, RecordEnvelope, TaskEnvelope, TimerEnvelope, TransitionEnvelope } from './ports.ts';

/** What one record of a handler's batch sends. */
interface Sends {
  transitions: TransitionEnvelope[];
  tasks: TaskEnvelope[];
  timers: TimerEnvelope[];
  /** Records (listings, Map Run records) its commits sent that could not be applied where they were sent. */
  records: RecordEnvelope[];
}

const noSends = (): Sends => ({ transitions: [], tasks: [], timers: [], records: [] });
const isEmpty = (sends: Sends) =>
  sends.transitions.length === 0 &&
  sends.tasks.length === 0 &&
  sends.timers.length === 0 &&
  sends.records.length === 0;

/** A record's sends handed to the coalescer, and how to tell the record what became of them. */
interface Handed {
  sends: Sends;
  settle: (error?: unknown) => void;
}

/**
 * Milliseconds a finished record's sends wait, at most, for the records of the same batch still at work, so
 * that records finishing close together share SendMessageBatch calls. A record whose work takes longer (a long
 * evaluation, a slow write) holds the others' sends back by this much, no more.
 */
export const LINGER_MS = 5;

/**
 * The sends of a handler's batch, record by record. Each record's sends leave once that record's work is done
 * (its step committed), not when the whole batch is: a slow or failing execution in the batch holds back no
 * other's (by LINGER_MS at most). Records that finish together share SendMessageBatch calls (SQS bills per
 * request: one batch of ten costs what one message costs).
 *
 * A record is acknowledged only once its own sends are made, so a crash before then loses nothing: the record
 * comes back, finds its commit written and sends that commit's outbox again. When a shared call fails, the
 * queue adapter says which messages did not go (unsent-messages.ts): records whose messages all went are
 * done, and only the unsent messages are sent again, each record's alone. A record whose own sends fail again
 * fails alone; no message another record sent is sent twice.
 */
export class SendCoalescer {
  /** The queues sends go to. */
  readonly inner: Queues;
  #handed: Handed[] = [];
  /** Records given queues whose work has not ended yet. */
  #atWork = 0;
  #linger: ReturnType<typeof setTimeout> | undefined;

  constructor(inner: Queues) {
    this.inner = inner;
  }

  /** Queues whose sends are held until `flush`, for one record's work. */
  forRecord(): RecordSends {
    this.#atWork += 1;
    return new RecordSends(this);
  }

  /**
   * A record's work ended with these sends: they go with the others handed in by then, once no record is at
   * work any more (or LINGER_MS after the first was handed in). Resolves once they are sent.
   */
  finish(sends: Sends): Promise<void> {
    this.#atWork -= 1;
    const sent = isEmpty(sends)
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          this.#handed.push({ sends, settle: (error) => (error === undefined ? resolve() : reject(error)) });
        });
    if (this.#handed.length === 0) return sent;
    // With no record at work, none can join (a group's next record starts once this one is acknowledged).
    if (this.#atWork <= 0) this.#dispatch();
    else this.#linger ??= setTimeout(() => this.#dispatch(), LINGER_MS);
    return sent;
  }

  #dispatch(): void {
    clearTimeout(this.#linger);
    this.#linger = undefined;
    const handed = this.#handed;
    this.#handed = [];
    if (handed.length > 0) void this.#sendTogether(handed);
  }

  async #sendTogether(handed: readonly Handed[]): Promise<void> {
    if (handed.length === 1) {
      const only = handed[0] as Handed;
      await sendAll(this.inner, only.sends).then(
        () => only.settle(),
        (error: unknown) => only.settle(error),
      );
      return;
    }
    const all = noSends();
    for (const { sends } of handed) {
      all.transitions.push(...sends.transitions);
      all.tasks.push(...sends.tasks);
      all.timers.push(...sends.timers);
      all.records.push(...sends.records);
    }
    const [transitions, tasks, timers, records] = await Promise.all([
      attemptSend(all.transitions, (list) => this.inner.sendTransitions(list)),
      attemptSend(all.tasks, (list) => this.inner.sendTasks(list)),
      attemptSend(all.timers, (list) => this.inner.sendTimers(list)),
      attemptSend(all.records, (list) => this.inner.sendRecords(list)),
    ]);
    const at = { transitions: 0, tasks: 0, timers: 0, records: 0 };
    const resends: Promise<void>[] = [];
    for (const { sends, settle } of handed) {
      const left: Sends = {
        transitions: unsentSlice(sends.transitions, at.transitions, transitions),
        tasks: unsentSlice(sends.tasks, at.tasks, tasks),
        timers: unsentSlice(sends.timers, at.timers, timers),
        records: unsentSlice(sends.records, at.records, records),
      };
      at.transitions += sends.transitions.length;
      at.tasks += sends.tasks.length;
      at.timers += sends.timers.length;
      at.records += sends.records.length;
      if (isEmpty(left)) {
        settle();
        continue;
      }
      // Sent again on its own: a message of this record that cannot go fails this record only.
      resends.push(
        sendAll(this.inner, left).then(
          () => settle(),
          (error: unknown) => settle(error),
        ),
      );
    }
    await Promise.all(resends);
  }
}

/** The queues one record's work sends to: held, then sent by `flush` (through the batch's coalescer). */
export class RecordSends implements Queues {
  readonly #coalescer: SendCoalescer;
  readonly #sends: Sends = noSends();
  #flushed = false;

  constructor(coalescer: SendCoalescer) {
    this.#coalescer = coalescer;
  }

  async sendTransitions(envelopes: readonly TransitionEnvelope[]): Promise<void> {
    if (this.#flushed) return this.#coalescer.inner.sendTransitions(envelopes);
    this.#sends.transitions.push(...envelopes);
  }

  async sendTasks(envelopes: readonly TaskEnvelope[]): Promise<void> {
    if (this.#flushed) return this.#coalescer.inner.sendTasks(envelopes);
    this.#sends.tasks.push(...envelopes);
  }

  async sendTimers(timers: readonly TimerEnvelope[]): Promise<void> {
    if (this.#flushed) return this.#coalescer.inner.sendTimers(timers);
    this.#sends.timers.push(...timers);
  }

  async sendRecords(envelopes: readonly RecordEnvelope[]): Promise<void> {
    if (this.#flushed) return this.#coalescer.inner.sendRecords(envelopes);
    this.#sends.records.push(...envelopes);
  }

  /**
   * Hands each record held to `apply`, all at once (the parents they tell join the held transitions as each
   * ends); a record whose `apply` fails stays held, and the flush queues it.
   */
  async deliverRecords(apply: (record: RecordEnvelope) => Promise<void>): Promise<void> {
    const records = this.#sends.records;
    this.#sends.records = [];
    this.#sends.records.unshift(...(await applyEach(records, apply)));
  }

  /**
   * Ends the record's work: sends everything held (transitions in the order they were sent: FIFO order within
   * each execution). Once only: what the record's queues are given after it is sent at once, unbuffered.
   */
  flush(): Promise<void> {
    if (this.#flushed) return Promise.resolve();
    this.#flushed = true;
    return this.#coalescer.finish(this.#sends);
  }
}

/** Which messages of one call did not go: none, some (by index), or all of them. */
type SendResult = { unsent: ReadonlySet<number> | 'all' } | undefined;

async function attemptSend<T>(list: T[], send: (list: T[]) => Promise<void>): Promise<SendResult> {
  if (list.length === 0) return undefined;
  try {
    await send(list);
    return undefined;
  } catch (error) {
    return { unsent: unsentOf(error) ?? 'all' };
  }
}

function unsentSlice<T>(list: readonly T[], offset: number, result: SendResult): T[] {
  if (result === undefined) return [];
  const { unsent } = result;
  return list.filter((_, i) => unsent === 'all' || unsent.has(offset + i));
}

async function sendAll(queues: Queues, sends: Sends): Promise<void> {
  await Promise.all([
    sends.transitions.length > 0 ? queues.sendTransitions(sends.transitions) : undefined,
    sends.tasks.length > 0 ? queues.sendTasks(sends.tasks) : undefined,
    sends.timers.length > 0 ? queues.sendTimers(sends.timers) : undefined,
    sends.records.length > 0 ? queues.sendRecords(sends.records) : undefined,
  ]);
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
            error: describeError(error),
          }),
        );
        undelivered.push(record);
      }
    }),
  );
  return undelivered;
}
