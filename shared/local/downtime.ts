import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock, Queues, TimerEnvelope } from '../engine/ports.ts';

/**
 * The local server's downtime, and what it means for timers.
 *
 * On AWS the engine never stops, so a Task's HeartbeatSeconds and TimeoutSeconds are wall-clock deadlines. A
 * laptop's server does stop (Ctrl+C, a sleep, a crash): taken literally, every heartbeat and task timeout that
 * fell due while it was down would fail its Task the moment it starts again, although no worker had a chance to
 * answer. So the local server counts those two deadlines in its own running time: a heartbeat or task timeout set
 * before a downtime and not yet due when it began is moved on by the downtime. Waits, retries and execution
 * timeouts stay wall-clock deadlines, as on AWS (a Wait until a timestamp means that timestamp).
 *
 * The ledger lives in the data folder (`uptime.json`): the last moment the server was known to run, stamped
 * every few seconds and at a clean stop, and the downtimes seen at each start since.
 */

export interface Downtime {
  /** The last moment the server was known to be running (epoch ms). */
  from: number;
  /** When it started again. */
  to: number;
}

interface LedgerFile {
  aliveAt?: number;
  downtimes?: Downtime[];
}

const LEDGER_FILE = 'uptime.json';
/** Downtimes kept: enough for any timer still in the queues (a timer re-arms at least every 15 minutes). */
const KEPT_DOWNTIMES = 100;
/** The timer purposes that count running time only. */
const RUNNING_TIME_PURPOSES = new Set(['heartbeat', 'taskTimeout']);

/**
 * Milliseconds of downtime a deadline set at `armedAt` and due at `dueAt` is moved on by: the part of each
 * downtime after the deadline was set, for the downtimes that began before it was due.
 */
export function downtimeShift(downtimes: readonly Downtime[], armedAt: number, dueAt: number): number {
  let shift = 0;
  for (const downtime of downtimes) {
    if (downtime.to <= armedAt || downtime.from >= dueAt) continue;
    shift += downtime.to - Math.max(downtime.from, armedAt);
  }
  return shift;
}

/** Queues whose timers are moved on by the server's downtime where the rule above says so. */
export function downtimeAwareQueues(
  queues: Queues,
  downtimes: () => readonly Downtime[],
  clock: Clock,
): Queues {
  const shifted = (timer: TimerEnvelope): TimerEnvelope => {
    const { message } = timer.transition;
    if (timer.armedAt === undefined || message.type !== 'timerFired') return timer;
    if (!RUNNING_TIME_PURPOSES.has(message.purpose)) return timer;
    const shift = downtimeShift(downtimes(), timer.armedAt, timer.dueAt);
    if (shift === 0) return timer;
    // Re-armed now: the downtime counted once, however often the timer hops through the queue again.
    return { ...timer, dueAt: timer.dueAt + shift, armedAt: clock.now() };
  };
  return {
    sendTransitions: (envelopes) => queues.sendTransitions(envelopes),
    sendTasks: (envelopes) => queues.sendTasks(envelopes),
    sendRecords: (envelopes) => queues.sendRecords(envelopes),
    sendTimers: (timers) => queues.sendTimers(timers.map(shifted)),
  };
}

export interface UptimeLedgerOptions {
  dataDir: string;
  clock: Clock;
  /** Milliseconds between two stamps (and two looks at the data folder); default 2,000. */
  intervalMs?: number;
  /** The data folder disappeared (deleted while the server ran): nothing written from now on is kept. */
  onDataFolderLost?: (dataDir: string) => void;
}

/** The ledger of one running server: opened at start (recording the downtime before it), stamped while it runs. */
export class UptimeLedger {
  readonly #file: string;
  readonly #dataDir: string;
  readonly #clock: Clock;
  readonly #downtimes: Downtime[];
  readonly #folderId: string;
  #timer: NodeJS.Timeout | undefined;
  #lost = false;

  private constructor(options: UptimeLedgerOptions, downtimes: Downtime[]) {
    this.#dataDir = options.dataDir;
    this.#file = join(options.dataDir, LEDGER_FILE);
    this.#clock = options.clock;
    this.#downtimes = downtimes;
    this.#folderId = folderIdentity(options.dataDir) ?? '';
  }

  /** Reads the ledger (a missing or unreadable one: no downtime known) and records the downtime just ended. */
  static open(options: UptimeLedgerOptions): UptimeLedger {
    const file = join(options.dataDir, LEDGER_FILE);
    let saved: LedgerFile = {};
    if (existsSync(file)) {
      try {
        saved = JSON.parse(readFileSync(file, 'utf8')) as LedgerFile;
      } catch {
        // A torn write from a crash: the downtime before this start is unknown, the older ones are lost.
        saved = {};
      }
    }
    const now = options.clock.now();
    const downtimes = Array.isArray(saved.downtimes) ? saved.downtimes.filter(isDowntime) : [];
    if (typeof saved.aliveAt === 'number' && saved.aliveAt < now)
      downtimes.push({ from: saved.aliveAt, to: now });
    const ledger = new UptimeLedger(options, downtimes.slice(-KEPT_DOWNTIMES));
    ledger.#stamp();
    const intervalMs = options.intervalMs ?? 2_000;
    ledger.#timer = setInterval(() => {
      if (ledger.#lost) return;
      if (folderIdentity(ledger.#dataDir) !== ledger.#folderId) {
        ledger.#lost = true;
        options.onDataFolderLost?.(ledger.#dataDir);
        return;
      }
      ledger.#stamp();
    }, intervalMs);
    ledger.#timer.unref();
    return ledger;
  }

  get downtimes(): readonly Downtime[] {
    return this.#downtimes;
  }

  /** A clean stop: the downtime from now on counts from this moment. */
  close(): void {
    clearInterval(this.#timer);
    if (!this.#lost && folderIdentity(this.#dataDir) === this.#folderId) this.#stamp();
  }

  #stamp(): void {
    const ledger: LedgerFile = { aliveAt: this.#clock.now(), downtimes: this.#downtimes };
    // Written aside and renamed: a crash mid-write leaves the previous stamp, never half a file.
    const temporary = `${this.#file}.tmp`;
    writeFileSync(temporary, JSON.stringify(ledger));
    renameSync(temporary, this.#file);
  }
}

/** The folder's device and inode: a folder deleted and made again under the same name is another folder. */
function folderIdentity(dataDir: string): string | undefined {
  try {
    const stats = statSync(dataDir);
    return `${stats.dev}:${stats.ino}`;
  } catch {
    return undefined;
  }
}

function isDowntime(value: unknown): value is Downtime {
  const candidate = value as Downtime;
  return (
    typeof candidate?.from === 'number' && typeof candidate.to === 'number' && candidate.from < candidate.to
  );
}
