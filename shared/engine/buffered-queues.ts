import { unsentOf } from '../lib/unsent-messages.ts';
import type { Queues, TaskEnvelope, TimerEnvelope, TransitionEnvelope } from './ports.ts';

/** What one record of a handler's batch sends. */
interface Sends {
  transitions: TransitionEnvelope[];
  tasks: TaskEnvelope[];
  timers: TimerEnvelope[];
}

const noSends = (): Sends => ({ transitions: [], tasks: [], timers: [] });
const isEmpty = (sends: Sends) =>
  sends.transitions.length === 0 && sends.tasks.length === 0 && sends.timers.length === 0;

/** A record's sends handed to the coalescer, and how to tell the record what became of them. */
interface Handed {
  sends: Sends;
  settle: (error?: unknown) => void;
}

/**
 * The sends of a handler's batch, record by record. Each record's sends leave as soon as that record's work
 * is done (its step committed), not when the whole batch is: a slow or failing execution in the batch holds
 * back no other's. Records that finish in the same turn of the event loop still share SendMessageBatch calls
 * (SQS bills per request: one batch of ten costs what one message costs).
 *
 * A record is acknowledged only once its own sends are made, so a crash before then loses nothing: the record
 * comes back, finds its commit written and sends that commit's outbox again. When a shared call fails, the
 * queue adapter says which messages did not go (unsent-messages.ts): records whose messages all went are
 * done, and only the unsent messages are sent again, each record's alone. A record whose own sends fail again
 * fails alone; no message another record sent is sent twice.
 */
export class SendCoalescer {
  readonly #inner: Queues;
  #handed: Handed[] = [];
  #scheduled = false;

  constructor(inner: Queues) {
    this.#inner = inner;
  }

  /** Queues whose sends are held until `flush`, for one record's work. */
  forRecord(): RecordSends {
    return new RecordSends(this);
  }

  /** Sends `sends` with whatever else is handed in this turn of the event loop; resolves once they are sent. */
  send(sends: Sends): Promise<void> {
    if (isEmpty(sends)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.#handed.push({ sends, settle: (error) => (error === undefined ? resolve() : reject(error)) });
      if (this.#scheduled) return;
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        const handed = this.#handed;
        this.#handed = [];
        void this.#sendTogether(handed);
      });
    });
  }

  async #sendTogether(handed: readonly Handed[]): Promise<void> {
    if (handed.length === 1) {
      const only = handed[0] as Handed;
      await sendAll(this.#inner, only.sends).then(
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
    }
    const [transitions, tasks, timers] = await Promise.all([
      attemptSend(all.transitions, (list) => this.#inner.sendTransitions(list)),
      attemptSend(all.tasks, (list) => this.#inner.sendTasks(list)),
      attemptSend(all.timers, (list) => this.#inner.sendTimers(list)),
    ]);
    const at = { transitions: 0, tasks: 0, timers: 0 };
    const resends: Promise<void>[] = [];
    for (const { sends, settle } of handed) {
      const left: Sends = {
        transitions: unsentSlice(sends.transitions, at.transitions, transitions),
        tasks: unsentSlice(sends.tasks, at.tasks, tasks),
        timers: unsentSlice(sends.timers, at.timers, timers),
      };
      at.transitions += sends.transitions.length;
      at.tasks += sends.tasks.length;
      at.timers += sends.timers.length;
      if (isEmpty(left)) {
        settle();
        continue;
      }
      // Sent again on its own: a message of this record that cannot go fails this record only.
      resends.push(
        sendAll(this.#inner, left).then(
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
  #sends: Sends = noSends();

  constructor(coalescer: SendCoalescer) {
    this.#coalescer = coalescer;
  }

  async sendTransitions(envelopes: readonly TransitionEnvelope[]): Promise<void> {
    this.#sends.transitions.push(...envelopes);
  }

  async sendTasks(envelopes: readonly TaskEnvelope[]): Promise<void> {
    this.#sends.tasks.push(...envelopes);
  }

  async sendTimers(timers: readonly TimerEnvelope[]): Promise<void> {
    this.#sends.timers.push(...timers);
  }

  /** Sends everything held (transitions in the order they were sent: FIFO order within each execution). */
  flush(): Promise<void> {
    const sends = this.#sends;
    this.#sends = noSends();
    return this.#coalescer.send(sends);
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
  ]);
}
