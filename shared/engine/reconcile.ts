import type { TimerPurpose, TransitionMessage } from '../execution/messages.ts';
import { childRunIndexes } from '../history/child-run-set.ts';
import type { ExecutionInfo } from '../history/events.ts';
import type { ExecutionState, ScopeState } from '../history/execution-state.ts';
import { ROOT_SCOPE, writesToS3 } from '../history/execution-state.ts';
import { StatesErrors } from '../language/states-error.ts';
import type { Json } from '../lib/json.ts';
import { applyMessage } from './apply-transition.ts';
import { childRedriveTransition, childStartTransition, childStopTransition } from './command-messages.ts';
import type { EngineDeps } from './engine-deps.ts';
import { loadExecution } from './load-execution.ts';
import { sendOutbox } from './outbox.ts';
import type { Commit, ExecutionHead, TransitionEnvelope } from './ports.ts';

/**
 * The reconciler: a periodic sweep over RUNNING executions for those that wait for something nothing will bring
 * (a transition lost, a message dead-lettered, a queue an operator purged). Such an execution is quiet (no commit
 * for `quietMs`) and what its state waits for is overdue: a scope ready to run or to resume, a timer past its
 * due time, a task (not a callback) that has not reported for `taskQuietMs`. The sweep sends again the outbox of
 * its last commit and, for each overdue wait, the message that ends it (a fresh advance, the timer's firing);
 * the engine applies them exactly once (a message whose ref is consumed changes nothing). Later sweeps send them
 * again (at most once per `quietMs`) while the execution stays at the same commit; after `failAfterMs` of that
 * it fails the execution with States.Runtime and a cause that says what it waited for.
 *
 * An execution whose log closed while its listing still says RUNNING (a crash between the two writes) has the
 * closing commit's outbox sent again: the listing closes and a Map Run parent hears of it.
 */
export interface ReconcileOptions {
  /** An execution with a commit this recent is active, and left alone (default 5 minutes). */
  quietMs?: number;
  /** A task that has not reported this long is taken as lost (default 2 hours: SQS redelivery of a task request takes long). */
  taskQuietMs?: number;
  /**
   * How long a stuck execution's messages are sent again (each sweep at least `quietMs` after the last) before it
   * is failed (default 30 minutes): long enough that a backlog on the queues is not taken for a loss.
   */
  failAfterMs?: number;
  /**
   * How much later a Task's heartbeat or timeout deadline really falls, set at `armedAt` and due at `dueAt`:
   * the local server counts those two in its running time, not its downtime (shared/local/downtime.ts), so
   * a deadline that passed while it was down is not overdue yet. None on AWS.
   */
  runningTimeShift?: (armedAt: number, dueAt: number) => number;
}

export type ReconcileOutcome =
  /** Closed, or active within `quietMs`, or waiting for something that is not overdue. */
  | 'fine'
  /** Its log closed but its listing did not: the closing commit's outbox was sent again. */
  | 'closed'
  /** Listed, but its start was cut off before its first commit: the listing was removed (it never existed). */
  | 'forgotten'
  /** Stuck: its last commit's outbox and the overdue waits' messages were sent again. */
  | 'resent'
  /** Sent again earlier; waiting `quietMs` to see it move. */
  | 'watching'
  /** Still stuck after its messages were sent again: failed. */
  | 'failed';

export interface ReconcileReport {
  checked: number;
  closed: string[];
  forgotten: string[];
  resent: string[];
  failed: string[];
}

export const DEFAULT_QUIET_MS = 5 * 60_000;
export const DEFAULT_TASK_QUIET_MS = 2 * 60 * 60_000;
export const DEFAULT_FAIL_AFTER_MS = 30 * 60_000;
const PAGE = 100;

export class Reconciler {
  readonly #deps: EngineDeps;
  readonly #quietMs: number;
  readonly #taskQuietMs: number;
  readonly #failAfterMs: number;
  readonly #runningTimeShift: (armedAt: number, dueAt: number) => number;
  /**
   * Executions whose messages this reconciler sent again: at which commit, first and last when. Kept in memory:
   * a reconciler that starts afresh (a Lambda's cold start) only takes longer to fail one.
   */
  readonly #attempts = new Map<string, { commit: number; first: number; last: number }>();

  constructor(deps: EngineDeps, options: ReconcileOptions = {}) {
    this.#deps = deps;
    this.#quietMs = options.quietMs ?? DEFAULT_QUIET_MS;
    this.#taskQuietMs = options.taskQuietMs ?? DEFAULT_TASK_QUIET_MS;
    this.#failAfterMs = options.failAfterMs ?? DEFAULT_FAIL_AFTER_MS;
    this.#runningTimeShift = options.runningTimeShift ?? (() => 0);
  }

  /** One sweep over every RUNNING execution of every Standard machine, Map Run children included. */
  async sweep(): Promise<ReconcileReport> {
    const report: ReconcileReport = { checked: 0, closed: [], forgotten: [], resent: [], failed: [] };
    const seen = new Set<string>();
    const visit = async (head: ExecutionHead): Promise<void> => {
      if (seen.has(head.executionArn)) return;
      seen.add(head.executionArn);
      report.checked += 1;
      const { outcome, mapRunArns } = await this.#reconcile(head);
      if (outcome === 'closed') report.closed.push(head.executionArn);
      if (outcome === 'forgotten') report.forgotten.push(head.executionArn);
      if (outcome === 'resent') report.resent.push(head.executionArn);
      if (outcome === 'failed') report.failed.push(head.executionArn);
      for (const mapRunArn of mapRunArns) {
        for await (const child of this.#running({ mapRunArn })) await visit(child);
      }
    };
    let nextToken: string | undefined;
    do {
      const page = await this.#deps.log.listStateMachines({
        limit: PAGE,
        ...(nextToken !== undefined ? { nextToken } : {}),
      });
      for (const machine of page.items) {
        if (machine.type !== 'STANDARD') continue;
        for await (const head of this.#running({ stateMachineArn: machine.stateMachineArn }))
          await visit(head);
      }
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
    // Forget executions that are no longer stuck.
    for (const arn of this.#attempts.keys()) if (!seen.has(arn)) this.#attempts.delete(arn);
    return report;
  }

  /** One execution, by ARN (what a sweep does to each). */
  async reconcile(executionArn: string): Promise<ReconcileOutcome> {
    const head = await this.#deps.log.getHead(executionArn);
    if (!head) return 'fine';
    return (await this.#reconcile(head)).outcome;
  }

  async *#running(query: { stateMachineArn: string } | { mapRunArn: string }): AsyncGenerator<ExecutionHead> {
    let nextToken: string | undefined;
    do {
      const page = await this.#deps.log.listExecutions({
        ...query,
        status: 'RUNNING',
        limit: PAGE,
        ...(nextToken !== undefined ? { nextToken } : {}),
      });
      yield* page.items;
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
  }

  async #reconcile(head: ExecutionHead): Promise<{ outcome: ReconcileOutcome; mapRunArns: string[] }> {
    const deps = this.#deps;
    const loaded = await loadExecution(deps.log, head.executionArn);
    const last = loaded?.commits.at(-1);
    const execution = loaded?.state.execution;
    if (!loaded && head.status === 'RUNNING' && deps.clock.now() - head.startDate >= this.#quietMs) {
      // StartExecution lists before it writes commit 1; a start cut off in between never began.
      await deps.log.deleteHead(head);
      return { outcome: 'forgotten', mapRunArns: [] };
    }
    if (!loaded || !last || !execution) return { outcome: 'fine', mapRunArns: [] };
    const { state } = loaded;
    if (state.status !== 'RUNNING') {
      // The log says closed, the listing RUNNING: the closing commit's sends did not all happen.
      const closing = [...loaded.commits].reverse().find((commit) => commit.outbox.closed);
      if (closing && head.status === 'RUNNING') await sendOutbox(deps, execution, closing);
      return { outcome: closing ? 'closed' : 'fine', mapRunArns: [] };
    }
    const mapRunArns = Object.values(state.scopes).flatMap((scope) =>
      scope.phase === 'children' && scope.children?.mapRunArn ? [scope.children.mapRunArn] : [],
    );
    const now = deps.clock.now();
    const lastAt = commitTime(last, execution);
    const overdue = now - lastAt < this.#quietMs ? [] : this.#overdueWaits(state, now, lastAt);
    if (overdue.length === 0) {
      this.#attempts.delete(head.executionArn);
      // A Distributed Map waits for its children, which is never overdue; once it has been quiet as long as a
      // task may be, each unsettled child is looked at: one never started is started, one closed unheard is heard.
      const revived =
        now - lastAt >= this.#taskQuietMs
          ? await this.#reviveChildren(execution, state, loaded.lastCommit, now)
          : 0;
      return { outcome: revived > 0 ? 'resent' : 'fine', mapRunArns };
    }
    const attempt = this.#attempts.get(head.executionArn);
    if (attempt?.commit === last.n) {
      if (now - attempt.first >= this.#failAfterMs) {
        this.#attempts.delete(head.executionArn);
        await applyMessage(deps, head.executionArn, 'reconciler', {
          type: 'fail',
          error: StatesErrors.Runtime,
          cause: `Statefold's reconciler found the execution stuck: nothing has moved it since ${iso(lastAt)}, and ${overdue.map((wait) => wait.what).join('; ')}. Sending its last messages again from ${iso(attempt.first)} to ${iso(attempt.last)} did not move it on (were they dead-lettered? see statefold dlq list).`,
        });
        return { outcome: 'failed', mapRunArns };
      }
      if (now - attempt.last < this.#quietMs) return { outcome: 'watching', mapRunArns };
    }
    await sendOutbox(deps, execution, last, `reconcile-${now}`);
    // A task that never reported whose request an earlier commit sent (a sibling branch committed since): that
    // commit's request for it is sent again too; the last commit's outbox alone would never bring it back.
    const lostTasks = new Set(
      overdue.flatMap((wait) => (wait.lostTask !== undefined ? [wait.lostTask] : [])),
    );
    for (const command of last.outbox.commands)
      if (command.type === 'runTask') lostTasks.delete(command.scope);
    if (lostTasks.size > 0) {
      for (const { commit, command } of await taskRequests(
        deps,
        head.executionArn,
        loaded.commits,
        lostTasks,
      )) {
        const only: Commit = { ...commit, events: [], outbox: { messages: [], commands: [command] } };
        await sendOutbox(deps, execution, only, `reconcile-${now}`);
      }
    }
    const envelopes: TransitionEnvelope[] = overdue.flatMap((wait) =>
      wait.message
        ? [
            {
              executionArn: head.executionArn,
              // Fresh on each sweep: an earlier sweep's may still be in SQS's FIFO deduplication window.
              id: `reconcile-${now}:${'scope' in wait.message ? wait.message.scope : ROOT_SCOPE}:${wait.message.type}`,
              message: wait.message,
            },
          ]
        : [],
    );
    if (envelopes.length > 0) await deps.queues.sendTransitions(envelopes);
    this.#attempts.set(head.executionArn, {
      commit: last.n,
      first: attempt?.commit === last.n ? attempt.first : now,
      last: now,
    });
    console.warn(
      JSON.stringify({
        level: 'WARN',
        message: 'The reconciler found a stuck execution and sent its messages again',
        executionArn: head.executionArn,
        lastCommit: last.n,
        quietSince: iso(lastAt),
        overdue: overdue.map((wait) => wait.what),
      }),
    );
    return { outcome: 'resent', mapRunArns };
  }

  /**
   * The children a Distributed Map started and has not heard from: each one's MapRunChildStarted event (read back
   * through the log from its newest commit) names it. A child that does not exist gets its start message again;
   * one that closed without its Map hearing of it sends its closing commit's outbox again (the message to the
   * Map); one still running that a failing Map Run stopped is stopped again. All are idempotent. Returns how many children were revived.
   */
  async #reviveChildren(
    execution: ExecutionInfo,
    state: ExecutionState,
    lastCommit: number,
    now: number,
  ): Promise<number> {
    const deps = this.#deps;
    let revived = 0;
    // A fresh id: the lost message's may still be in SQS's five-minute FIFO deduplication window.
    const sendAgain = (transition: TransitionEnvelope) =>
      deps.queues.sendTransitions([{ ...transition, id: `${transition.id}:reconcile-${now}` }]);
    for (const scope of Object.values(state.scopes)) {
      const children = scope.children;
      if (scope.phase !== 'children' || children?.kind !== 'map-run' || !children.mapRunArn) continue;
      // A Map Run keeps the children it has not heard from as its open set (`settled` is an inline Map's).
      const unsettled = new Set(childRunIndexes(children.openChildRuns));
      if (unsettled.size === 0) continue;
      const started = await startedChildren(deps, execution.executionArn, scope, lastCommit, unsettled);
      for (const child of started) {
        const command = {
          type: 'startChildRun' as const,
          scope: scope.id,
          ref: children.startedEventId,
          index: child.index,
          mapState: scope.stateName,
          mapRunArn: children.mapRunArn,
          executionName: child.executionName,
          input: child.input,
        };
        // A fresh id: the lost start's may still be in SQS's five-minute FIFO deduplication window.
        const start = { ...childStartTransition(execution, command, now), id: `start:reconcile-${now}` };
        const loaded = await loadExecution(deps.log, start.executionArn);
        if (!loaded || !(await deps.log.getHead(start.executionArn))) {
          // Never started (or started but never listed: the start again finishes that).
          await deps.queues.sendTransitions([start]);
          revived += 1;
        } else if (
          child.redriven &&
          loaded.state.status !== 'RUNNING' &&
          (loaded.state.stopTime ?? 0) <= child.startedAt
        ) {
          // A redriven Map Run's child that closed before its Map Run redrove it: the redrive was lost.
          await sendAgain(
            childRedriveTransition(execution, {
              type: 'redriveChildRun',
              mapRunArn: command.mapRunArn,
              executionName: command.executionName,
            }),
          );
          revived += 1;
        } else if (children.failing && loaded.state.status === 'RUNNING') {
          // A Map Run failing beyond its tolerance waits for the children it stopped: this one's stop was lost.
          await sendAgain(
            childStopTransition(execution, {
              type: 'stopChildRun',
              mapRunArn: command.mapRunArn,
              executionName: command.executionName,
            }),
          );
          revived += 1;
        } else if (loaded.state.status !== 'RUNNING' && loaded.state.execution) {
          const closing = [...loaded.commits].reverse().find((commit) => commit.outbox.closed);
          if (closing) {
            await sendOutbox(deps, loaded.state.execution, closing, `reconcile-${now}`);
            revived += 1;
          }
        }
      }
    }
    return revived;
  }

  /** What the execution waits for that should have come by now, with the message that would end each wait. */
  #overdueWaits(state: ExecutionState, now: number, lastAt: number): OverdueWait[] {
    const waits: OverdueWait[] = [];
    const grace = this.#quietMs;
    if (state.timeoutAt !== undefined && state.timeoutAt + grace <= now) {
      waits.push({
        what: `its TimeoutSeconds (due ${iso(state.timeoutAt)}) never fired`,
        message: timer(ROOT_SCOPE, 1, 'executionTimeout'),
      });
    }
    for (const scope of Object.values(state.scopes)) {
      const wait = overdueWait(scope, now, grace, now - lastAt >= this.#taskQuietMs, this.#runningTimeShift);
      if (wait) waits.push(wait);
    }
    return waits;
  }
}

interface StartedChild {
  index: number;
  executionName: string;
  input: Json;
  /** A redriven Map Run redrove this child (rather than starting it) at `startedAt`. */
  redriven: boolean;
  startedAt: number;
}

/** The MapRunChildStarted events of `indices` in the scope's current Map run, newest commits first. */
async function startedChildren(
  deps: EngineDeps,
  executionArn: string,
  scope: ScopeState,
  lastCommit: number,
  indices: Set<number>,
): Promise<StartedChild[]> {
  const found: StartedChild[] = [];
  const wanted = new Set(indices);
  const startedEventId = scope.children?.startedEventId ?? 0;
  for await (const commit of commitsNewestFirst(deps, executionArn, lastCommit)) {
    if (wanted.size === 0) break;
    for (const event of commit.events) {
      if (event.type === 'MapRunChildStarted' && event.scope === scope.id && wanted.has(event.index)) {
        wanted.delete(event.index);
        found.push({
          index: event.index,
          executionName: event.executionName,
          input: event.input,
          redriven: event.redriven === true,
          startedAt: event.timestamp,
        });
      }
    }
    // Nothing of this Map run comes before the event that started it.
    if (commit.events.some((event) => event.id <= startedEventId)) break;
  }
  return found;
}

/** An execution's commits from `from` down to its first, read back through the log a page at a time. */
async function* commitsNewestFirst(
  deps: EngineDeps,
  executionArn: string,
  from: number,
): AsyncGenerator<Commit> {
  for (let at = from; at >= 1; ) {
    const commits = await deps.log.readCommits(executionArn, { from: at, reverse: true, limit: PAGE });
    if (commits.length === 0) return;
    yield* commits;
    at = (commits.at(-1) as Commit).n - 1;
  }
}

interface OverdueWait {
  what: string;
  /** The message that ends the wait; none for a lost task (only its request, in the outbox, brings it back). */
  message?: TransitionMessage;
  /** A task that never reported: the scope whose newest task request brings it back. */
  lostTask?: string;
}

type RunTaskCommand = Extract<Commit['outbox']['commands'][number], { type: 'runTask' }>;

/**
 * Each scope's newest task request (`runTask` command), with the commit that sent it: the log's tail already read
 * (`tail`, oldest first) is searched first, then the commits before it, read back through the log newest first.
 */
async function taskRequests(
  deps: EngineDeps,
  executionArn: string,
  tail: readonly Commit[],
  scopes: ReadonlySet<string>,
): Promise<{ commit: Commit; command: RunTaskCommand }[]> {
  const found: { commit: Commit; command: RunTaskCommand }[] = [];
  const wanted = new Set(scopes);
  const take = (commit: Commit) => {
    for (const command of commit.outbox.commands) {
      if (command.type === 'runTask' && wanted.has(command.scope)) {
        wanted.delete(command.scope);
        found.push({ commit, command });
      }
    }
  };
  for (const commit of [...tail].reverse()) take(commit);
  if (wanted.size === 0) return found;
  for await (const commit of commitsNewestFirst(deps, executionArn, (tail[0]?.n ?? 1) - 1)) {
    take(commit);
    if (wanted.size === 0) break;
  }
  return found;
}

function overdueWait(
  scope: ScopeState,
  now: number,
  grace: number,
  taskQuiet: boolean,
  runningTimeShift: (armedAt: number, dueAt: number) => number,
): OverdueWait | undefined {
  const name = `the state '${scope.stateName}'`;
  const due = (at: number | undefined) => at !== undefined && at + grace <= now;
  switch (scope.phase) {
    case 'ready':
      return { what: `${name} waits to run`, message: { type: 'advance', scope: scope.id, ref: scope.ref } };
    case 'resuming':
      return {
        what: `${name} waits to resume`,
        message: { type: 'resume', scope: scope.id, ref: scope.ref },
      };
    case 'waiting':
    case 'retrying': {
      if (!due(scope.waitUntil)) return undefined;
      const purpose = scope.phase === 'waiting' ? 'wait' : 'retry';
      return {
        what: `${name}'s ${purpose} timer (due ${iso(scope.waitUntil as number)}) never fired`,
        message: timer(scope.id, scope.ref, purpose),
      };
    }
    case 'task': {
      const task = scope.task;
      // A heartbeat deadline was set HeartbeatSeconds before it; a timeout's start is not kept, so every
      // downtime before it counts (this safety net may wait longer, never fire early).
      const heartbeatArmedAt = (task?.heartbeatAt ?? 0) - (task?.heartbeatSeconds ?? 0) * 1000;
      const deadline = (at: number | undefined, armedAt: number) =>
        at === undefined ? undefined : at + runningTimeShift(armedAt, at);
      if (due(deadline(task?.timeoutAt, 0))) {
        return {
          what: `${name}'s task timeout (due ${iso(task?.timeoutAt as number)}) never fired`,
          message: timer(scope.id, scope.ref, 'taskTimeout'),
        };
      }
      if (due(deadline(task?.heartbeatAt, heartbeatArmedAt))) {
        return {
          what: `${name}'s heartbeat timeout (due ${iso(task?.heartbeatAt as number)}) never fired`,
          message: timer(scope.id, scope.ref, 'heartbeat'),
        };
      }
      // A callback task may wait as long as its timeouts let it; any other reports when its call returns.
      if (task?.taskToken === undefined && taskQuiet)
        return { what: `${name}'s task never reported`, lostTask: scope.id };
      return undefined;
    }
    case 'children': {
      // A Map Run whose children have all ended waits on a task of its own: a page of items, or its results
      // written to S3. Only that task's request, in the outbox, brings it back.
      const children = scope.children;
      if (!children || children.running > 0 || !taskQuiet) return undefined;
      if (children.reading && !children.reading.paused) {
        return { what: `${name}'s Map Run never got page ${children.reading.page} of its items` };
      }
      if (writesToS3(children.writer) && !children.reading && children.nextIndex >= children.total) {
        return { what: `${name}'s Map Run never heard its results were written` };
      }
      return undefined;
    }
    case 'done':
      return undefined;
  }
}

function timer(scope: string, ref: number, purpose: TimerPurpose): TransitionMessage {
  return { type: 'timerFired', scope, ref, purpose };
}

/** When a commit was written: its newest event's time. */
function commitTime(commit: Commit, execution: ExecutionInfo): number {
  let at = execution.startTime;
  for (const event of commit.events) if (event.timestamp > at) at = event.timestamp;
  return at;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
