import { applyRecord } from '../../shared/engine/apply-record.ts';
import { applyTransition } from '../../shared/engine/apply-transition.ts';
import { DefinitionCache, type EngineDeps } from '../../shared/engine/engine-deps.ts';
import { invalidPageToken } from '../../shared/engine/engine-error.ts';
import type {
  ActivityRecord,
  ActivityStore,
  Clock,
  Commit,
  EventLog,
  ExecutionHead,
  MapRunRecord,
  Page,
  PendingActivityTask,
  Queues,
  RecordEnvelope,
  StateMachineRecord,
  StateMachineRevision,
  Tail,
  TaskEnvelope,
  TimerEnvelope,
  TransitionEnvelope,
} from '../../shared/engine/ports.ts';
import { runTaskRequest } from '../../shared/engine/run-task.ts';
import type { ExecutionStatus } from '../../shared/history/execution-state.ts';
import { type LambdaHandler, LocalFunctions } from '../../shared/integrations/local-functions.ts';
import { TimerHeap } from '../../shared/lib/timer-heap.ts';
import { MemoryVersionStore } from './memory-version-store.ts';

/**
 * The durable engine's ports in memory, for tests that drive the use cases step by step without dynalite and
 * fauxqs. They keep the contracts of ports.ts (conditional appends, bounded tails, ordered listings, FIFO
 * deduplication) and copy everything they store, as the real adapters do by serializing it.
 */

const copy = <T>(value: T): T => structuredClone(value);

/** The event log: commits per execution (as JSON text, as DynamoDB stores them), heads and state machines. */
export class MemoryEventLog implements EventLog {
  readonly #commits = new Map<string, string[]>();
  readonly #heads = new Map<string, ExecutionHead>();
  /** The commit each head's listing shows (recordListing). */
  readonly #listedAsOf = new Map<string, number>();
  readonly #machines = new Map<string, StateMachineRecord>();
  readonly #revisions = new Map<string, StateMachineRevision>();
  readonly #mapRuns = new Map<string, MapRunRecord>();

  async putMapRun(record: MapRunRecord): Promise<void> {
    this.#mapRuns.set(record.mapRunArn, { ...record });
  }

  async getMapRun(mapRunArn: string): Promise<MapRunRecord | undefined> {
    const record = this.#mapRuns.get(mapRunArn);
    return record && { ...record };
  }
  /** Commits returned by readTail and readCommits since the log was made: what the reads cost. */
  commitsRead = 0;
  /** Number of commits each readTail call returned, in call order. */
  readonly tailSizes: number[] = [];

  async append(executionArn: string, commit: Commit): Promise<boolean> {
    const commits = this.#commits.get(executionArn) ?? [];
    if (commit.n <= commits.length) return false;
    if (commit.n !== commits.length + 1) {
      throw new Error(`Commit ${commit.n} of ${executionArn} would leave a gap after ${commits.length}`);
    }
    commits.push(JSON.stringify(commit));
    this.#commits.set(executionArn, commits);
    return true;
  }

  async readTail(executionArn: string, limit: number): Promise<Tail | undefined> {
    const commits = this.#commits.get(executionArn);
    if (!commits || commits.length === 0) return undefined;
    const tail = commits.slice(-limit).map((text) => JSON.parse(text) as Commit);
    this.commitsRead += tail.length;
    this.tailSizes.push(tail.length);
    return { commits: tail };
  }

  async readCommits(
    executionArn: string,
    options: { from?: number; reverse?: boolean; limit: number },
  ): Promise<Commit[]> {
    const commits = this.#commits.get(executionArn) ?? [];
    let texts: string[];
    if (options.reverse === true) {
      const newest = Math.min(options.from ?? commits.length, commits.length);
      texts = commits.slice(Math.max(0, newest - options.limit), Math.max(0, newest)).reverse();
    } else {
      const oldest = Math.max(options.from ?? 1, 1);
      texts = commits.slice(oldest - 1, oldest - 1 + options.limit);
    }
    this.commitsRead += texts.length;
    return texts.map((text) => JSON.parse(text) as Commit);
  }

  /** How many commits an execution has. */
  commitCount(executionArn: string): number {
    return this.#commits.get(executionArn)?.length ?? 0;
  }

  async createHead(head: ExecutionHead): Promise<boolean> {
    if (this.#heads.has(head.executionArn)) return false;
    this.#heads.set(head.executionArn, copy(head));
    return true;
  }

  async recordListing(head: ExecutionHead, asOf: number): Promise<void> {
    if ((this.#listedAsOf.get(head.executionArn) ?? 0) >= asOf) return;
    this.#listedAsOf.set(head.executionArn, asOf);
    this.#heads.set(head.executionArn, copy(head));
  }

  async deleteHead(head: ExecutionHead): Promise<void> {
    this.#heads.delete(head.executionArn);
    this.#listedAsOf.delete(head.executionArn);
  }

  async getHead(executionArn: string): Promise<ExecutionHead | undefined> {
    const head = this.#heads.get(executionArn);
    return head && copy(head);
  }

  async listExecutions(query: {
    stateMachineArn?: string;
    qualifier?: 'version' | 'alias';
    mapRunArn?: string;
    status?: ExecutionStatus;
    limit: number;
    nextToken?: string;
  }): Promise<Page<ExecutionHead>> {
    const listedUnder = (head: ExecutionHead) =>
      query.qualifier === 'version'
        ? head.stateMachineVersionArn
        : query.qualifier === 'alias'
          ? head.stateMachineAliasArn
          : head.stateMachineArn;
    const heads = [...this.#heads.values()]
      .filter((head) =>
        query.mapRunArn !== undefined
          ? head.mapRunArn === query.mapRunArn
          : listedUnder(head) === query.stateMachineArn && head.mapRunArn === undefined,
      )
      .filter((head) => query.status === undefined || head.status === query.status)
      .sort((a, b) => b.startDate - a.startDate || (a.executionArn < b.executionArn ? 1 : -1));
    return pageOf(heads, query);
  }

  async createStateMachine(machine: StateMachineRecord, revision: StateMachineRevision): Promise<boolean> {
    if (this.#machines.has(machine.stateMachineArn)) return false;
    this.#revisions.set(revisionKey(revision.stateMachineArn, revision.revisionId), copy(revision));
    this.#machines.set(machine.stateMachineArn, copy(machine));
    return true;
  }

  async getStateMachine(stateMachineArn: string): Promise<StateMachineRecord | undefined> {
    const machine = this.#machines.get(stateMachineArn);
    return machine && copy(machine);
  }

  async updateStateMachine(
    machine: StateMachineRecord,
    revision: StateMachineRevision | undefined,
    expectedRevisionId: string,
  ): Promise<boolean> {
    const current = this.#machines.get(machine.stateMachineArn);
    if (!current || current.revisionId !== expectedRevisionId) return false;
    if (revision)
      this.#revisions.set(revisionKey(revision.stateMachineArn, revision.revisionId), copy(revision));
    this.#machines.set(machine.stateMachineArn, copy(machine));
    return true;
  }

  async deleteStateMachine(stateMachineArn: string): Promise<void> {
    this.#machines.delete(stateMachineArn);
  }

  async getRevision(stateMachineArn: string, revisionId: string): Promise<StateMachineRevision | undefined> {
    const revision = this.#revisions.get(revisionKey(stateMachineArn, revisionId));
    return revision && copy(revision);
  }

  async listStateMachines(query: { limit: number; nextToken?: string }): Promise<Page<StateMachineRecord>> {
    const machines = [...this.#machines.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
    return pageOf(machines, query);
  }
}

function revisionKey(stateMachineArn: string, revisionId: string): string {
  return `${stateMachineArn}\n${revisionId}`;
}

/** A page of a sorted listing; the token is the offset of the next page. */
export function pageOf<T>(items: readonly T[], query: { limit: number; nextToken?: string }): Page<T> {
  let start = 0;
  if (query.nextToken !== undefined) {
    start = Number(Buffer.from(query.nextToken, 'base64url').toString('utf8'));
    if (!Number.isInteger(start) || start < 1) {
      throw invalidPageToken(query.nextToken);
    }
  }
  const end = start + query.limit;
  const page = items.slice(start, end).map(copy);
  if (end >= items.length) return { items: page };
  return { items: page, nextToken: Buffer.from(String(end), 'utf8').toString('base64url') };
}

/** Activities by ARN and their pending tasks, oldest first; a claim succeeds once per task. */
export class MemoryActivityStore implements ActivityStore {
  readonly #activities = new Map<string, ActivityRecord>();
  readonly #tasks = new Map<string, PendingActivityTask>();

  async createActivity(activity: ActivityRecord): Promise<boolean> {
    if (this.#activities.has(activity.activityArn)) return false;
    this.#activities.set(activity.activityArn, copy(activity));
    return true;
  }

  async getActivity(activityArn: string): Promise<ActivityRecord | undefined> {
    const activity = this.#activities.get(activityArn);
    return activity && copy(activity);
  }

  async updateActivity(activity: ActivityRecord): Promise<boolean> {
    if (!this.#activities.has(activity.activityArn)) return false;
    this.#activities.set(activity.activityArn, copy(activity));
    return true;
  }

  async deleteActivity(activityArn: string): Promise<void> {
    this.#activities.delete(activityArn);
  }

  async listActivities(query: { limit: number; nextToken?: string }): Promise<Page<ActivityRecord>> {
    const activities = [...this.#activities.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
    return pageOf(activities, query);
  }

  async putTask(task: PendingActivityTask): Promise<void> {
    const key = taskKey(task);
    if (!this.#tasks.has(key)) this.#tasks.set(key, copy(task));
  }

  async listTasks(activityArn: string, limit: number): Promise<PendingActivityTask[]> {
    return [...this.#tasks.entries()]
      .filter(([, task]) => task.activityArn === activityArn)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .slice(0, limit)
      .map(([, task]) => copy(task));
  }

  async claimTask(
    task: PendingActivityTask,
    claim: { workerName: string; claimedAt: number },
  ): Promise<boolean> {
    const stored = this.#tasks.get(taskKey(task));
    if (!stored || stored.claim) return false;
    stored.claim = { ...claim };
    return true;
  }

  async releaseTask(task: PendingActivityTask): Promise<void> {
    const stored = this.#tasks.get(taskKey(task));
    if (stored) delete stored.claim;
  }

  async deleteTask(task: PendingActivityTask): Promise<void> {
    this.#tasks.delete(taskKey(task));
  }
}

function taskKey(task: PendingActivityTask): string {
  return `${String(task.scheduledAt).padStart(13, '0')}\n${task.executionArn}\n${task.scope}\n${task.ref}`;
}

/** The three queues as arrays. Transitions are deduplicated by execution and id, as the FIFO queue does. */
export class MemoryQueues implements Queues {
  readonly transitions: TransitionEnvelope[] = [];
  readonly tasks: TaskEnvelope[] = [];
  readonly timers = new TimerHeap<TimerEnvelope>();
  /** Listings and Map Run records (on the tasks queue in the durable engine). */
  readonly records: RecordEnvelope[] = [];
  readonly #sent = new Set<string>();

  async sendTransitions(envelopes: readonly TransitionEnvelope[]): Promise<void> {
    for (const envelope of envelopes) {
      const key = `${envelope.executionArn}\n${envelope.id}`;
      if (this.#sent.has(key)) continue;
      this.#sent.add(key);
      this.transitions.push(copy(envelope));
    }
  }

  async sendTasks(envelopes: readonly TaskEnvelope[]): Promise<void> {
    for (const envelope of envelopes) this.tasks.push(copy(envelope));
  }

  async sendTimers(timers: readonly TimerEnvelope[]): Promise<void> {
    for (const timer of timers) this.timers.push(copy(timer));
  }

  async sendRecords(envelopes: readonly RecordEnvelope[]): Promise<void> {
    for (const envelope of envelopes) this.records.push(copy(envelope));
  }
}

/** A clock that moves only when told to. */
export class ManualClock implements Clock {
  time: number;
  constructor(start: number) {
    this.time = start;
  }
  now(): number {
    return this.time;
  }
}

export interface MemoryEngine {
  deps: EngineDeps;
  log: MemoryEventLog;
  activities: MemoryActivityStore;
  versions: MemoryVersionStore;
  queues: MemoryQueues;
  clock: ManualClock;
}

export function createMemoryEngine(
  options: { functions?: Record<string, LambdaHandler>; start?: number } = {},
): MemoryEngine {
  const region = 'us-east-1';
  const accountId = '123456789012';
  const log = new MemoryEventLog();
  const queues = new MemoryQueues();
  const clock = new ManualClock(options.start ?? Date.UTC(2026, 0, 1));
  const functions = new LocalFunctions(options.functions ?? {}, region, accountId);
  const activities = new MemoryActivityStore();
  const versions = new MemoryVersionStore();
  const deps: EngineDeps = {
    region,
    accountId,
    log,
    queues,
    lambda: functions,
    // GetActivityTask answers at once: a test drives the engine itself between polls.
    activities: { store: activities, pollSeconds: 0, pollIntervalMs: 0 },
    versions,
    clock,
    definitions: new DefinitionCache(log),
  };
  return { deps, log, queues, clock, activities, versions };
}

/** One unit of work the driver did: a transition applied, a task run or a record written. */
export type DrivenStep = 'transition' | 'task' | 'record';

/**
 * Does what the pollers and handlers would, one message at a time, until nothing is left: transitions first
 * (applyTransition), then tasks (runTaskRequest), then records (applyRecord); when only timers remain, the clock jumps to the earliest.
 * Returns the number of steps; `afterStep` sees each one as it ends.
 */
export async function runUntilIdle(
  engine: MemoryEngine,
  afterStep?: (step: DrivenStep) => void,
): Promise<number> {
  const { deps, queues, clock } = engine;
  let steps = 0;
  for (;;) {
    const transition = queues.transitions.shift();
    if (transition) {
      await applyTransition(deps, transition);
      steps++;
      afterStep?.('transition');
      continue;
    }
    const task = queues.tasks.shift();
    if (task) {
      await runTaskRequest(deps, task);
      steps++;
      afterStep?.('task');
      continue;
    }
    const record = queues.records.shift();
    if (record) {
      await applyRecord(deps, record);
      steps++;
      afterStep?.('record');
      continue;
    }
    const timer = queues.timers.pop();
    if (!timer) return steps;
    if (timer.dueAt > clock.time) clock.time = timer.dueAt;
    await queues.sendTransitions([timer.transition]);
  }
}
