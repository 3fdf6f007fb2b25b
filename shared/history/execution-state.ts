import type { ItemReaderPlan, ResultWriterPlan } from '../language/types.ts';
import type { Json } from '../lib/json.ts';
import { type ChildRunSet, unionOfChildRuns } from './child-run-set.ts';
import type { ExecutionInfo, TaskResource } from './events.ts';

/**
 * The state of one execution, as a replay of its events builds it. Everything the engine decides with is here;
 * nothing here is anything but a fold of the log.
 */
/** An execution's statuses, in the order the API lists them. */
export const EXECUTION_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

export interface ExecutionState {
  status: ExecutionStatus;
  lastEventId: number;
  execution: ExecutionInfo | undefined;
  input: Json;
  /** The input's text as the caller sent it, when it differs from `JSON.stringify(input)`. */
  inputText?: string;
  output?: Json | undefined;
  error?: string;
  cause?: string;
  /** Epoch ms when the machine-level TimeoutSeconds expires. */
  timeoutAt?: number;
  /** The event whose execution-timeout timer counts (ExecutionStarted's, 1, until a redrive sets its own). */
  timeoutRef?: number;
  /** The clientToken of the last RedriveExecution (a retried call with it answers as the first did). */
  redriveToken?: string;
  stopTime?: number;
  scopes: Record<string, ScopeState>;
  /** An execution of a mocked test case (`execution.mockCase`): how many times each Task state was scheduled. */
  invocations?: Record<string, number>;
}

/**
 * A scope runs one `States` block: the top level ("root"), a Parallel branch or a Map iteration.
 * `phase` says what it waits for; `ref` is the id of the event that started that wait, and only a message
 * that names the same ref may end it (so a duplicate or stale message is a no-op).
 */
export type ScopePhase =
  /** Waiting for an `advance` message to run `stateName` with `input`. */
  | 'ready'
  /** Wait state timer. */
  | 'waiting'
  /** A task is running (ref = its Scheduled event). */
  | 'task'
  /** Backing off before a retry. */
  | 'retrying'
  /** A Parallel or Map state's children are running. */
  | 'children'
  /** A JSONata state continues in a step of its own (`resume` says with what). */
  | 'resuming'
  /** The block finished; `output` holds its result. */
  | 'done';

export interface ScopeState {
  id: string;
  /** Owning scope and the index of this branch or iteration; undefined for the root. */
  parent?: string;
  index: number;
  /** Name of the Parallel/Map state whose block this scope runs; undefined for the root. */
  owner?: string;
  phase: ScopePhase;
  ref: number;
  stateName: string;
  /** Raw input of the current state. */
  input: Json;
  /** A Parallel's branch input (for its retries) or a Map's input after InputPath (ItemSelector's `$`). */
  effectiveInput?: Json | undefined;
  enteredEventId: number;
  enteredTime: number;
  lastEventId: number;
  /** Retries made by each retrier of the current state (copied on write: see NO_RETRIES), and in all. */
  retries: readonly number[];
  retryCount: number;
  task?: PendingTask | undefined;
  waitUntil?: number | undefined;
  children?: ChildRuns | undefined;
  /**
   * The children of a Parallel/Map state that failed or was aborted and took the execution with it: kept, so a
   * redrive runs again only those that did not succeed (cleared once the scope moves on).
   */
  retained?: ChildRuns | undefined;
  resume?: ResumePoint | undefined;
  /** Variables assigned in this scope (its States block); inner scopes read outer ones, never write them. */
  variables?: Record<string, Json> | undefined;
  output?: Json | undefined;
}

/** Where a JSONata state picks up: its children ended with `result`, or a catcher took its failure. */
export type ResumePoint =
  | { kind: 'children'; result: Json; prev: number }
  | { kind: 'catch'; catcher: number; error: string; cause: string; prev: number };

export interface PendingTask {
  target: TaskResource;
  resourceType: string;
  resource: string;
  legacyLambda: boolean;
  /**
   * An activity task (Activity* events): `scheduled` once it is in the activity's queue (until then it holds
   * what ActivityScheduled will show), `started` once a worker took it.
   */
  activity?: ActivityProgress;
  timeoutAt?: number;
  heartbeatAt?: number;
  heartbeatSeconds?: number;
  /** `.waitForTaskToken`: the one token that completes the task. */
  taskToken?: string;
  /** TaskSubmitted is written (a submission delivered again writes nothing). */
  submitted?: boolean;
  /** `states:startExecution.sync[:2]`: the child execution it waits for (stopped with the task). */
  childExecutionArn?: string;
}

/** Where a Map Run's ItemReader is: the next page to read, and whether it waits for children to end first. */
export interface ItemsReading {
  page: number;
  cursor: Json;
  /** Items read so far (before batching): MaxItems counts these. */
  itemsRead: number;
  /** Enough items are waiting to start: the next page is asked for once children have taken them. */
  paused: boolean;
}

export type ActivityProgress =
  | { scheduled: false; started: false; input: Json; timeoutSeconds?: number }
  | { scheduled: true; started: boolean; timeoutSeconds?: number };

/** Parallel branches or Map iterations of the state a scope is in. */
export interface ChildRuns {
  kind: 'parallel' | 'map' | 'map-run';
  /** Id of the ParallelStateStarted/MapStateStarted event: child scope ids derive from it. */
  startedEventId: number;
  total: number;
  items: Json[];
  /** Next iteration index to start (Map). */
  nextIndex: number;
  running: number;
  succeeded: number;
  failed: number;
  results: Json[];
  /** JSONata Map: items already went through ItemSelector. */
  preselected: boolean;
  /** Which children have finished (succeeded or failed); a Map Run keeps `openChildRuns` instead. */
  settled: boolean[];
  /** Inline Map: the iterations that failed (settled, yet to run again on a redrive). */
  unsuccessful?: number[];
  /** Inline Map after a redrive: iterations to start again (before `nextIndex` goes on). */
  redo?: number[];
  /** A Map Run: the children started and not yet ended (as many as MaxConcurrency allows). */
  openChildRuns?: ChildRunSet;
  /**
   * A Map Run reading its items: `items` holds only those read and not started yet, the first of them child
   * number `itemsOffset`; so its state stays as small as a page and MaxConcurrency make it, however many items.
   */
  itemsOffset?: number;
  maxConcurrency: number;
  toleratedFailureCount: number;
  toleratedFailurePercentage: number;
  mapRunArn?: string;
  /** A Map Run: its children that failed (redriven with the run). */
  failedChildRuns?: ChildRunSet;
  /** A redriven Map Run: the children to redrive, as `redo` reaches them. */
  rerunChildRuns?: ChildRunSet;
  /** A Map Run: how many times it was redriven (MapRunRedriven). */
  mapRunRedriveCount?: number;
  /** Distributed Map: the id of its MapRunStarted event. */
  mapRunStartedEventId?: number;
  /** A Map Run reading its items with an ItemReader: the plan, and while pages remain, where it is. */
  reader?: ItemReaderPlan;
  reading?: ItemsReading | undefined;
  /** A Map Run with a ResultWriter: its results written to S3, or (a WriterConfig alone) shaped for its output. */
  writer?: ResultWriterPlan;
  /**
   * A Map Run with a ResultWriter that failed beyond its tolerance (MapRunFailing): its failure, waiting for its
   * running children to end and then for its results to be written before MapRunFailed.
   */
  failing?: { error: string; cause: string };
  /**
   * A Map Run reading its items: where each run of them was read from (`$$.Map.Item.Source`), from item `from` on;
   * only those of the items not started yet (and the one before) are kept.
   */
  sources?: Array<{ from: number; source: string }>;
}

/** An item's `$$.Map.Item.Source`: STATE_DATA for items from the state's input, else the S3 URI it was read from. */
export function itemSource(children: ChildRuns, index: number): string | undefined {
  if (!children.reader) return 'STATE_DATA';
  let source: string | undefined;
  for (const run of children.sources ?? []) {
    if (run.from > index) break;
    source = run.source;
  }
  return source;
}

/** A ResultWriter with a Resource writes the Map Run's results to S3; a WriterConfig alone only shapes the output. */
export const writesToS3 = (writer: ResultWriterPlan | undefined): writer is ResultWriterPlan =>
  writer !== undefined && writer.parameters !== undefined;

export const ROOT_SCOPE = 'root';

export function createExecutionState(): ExecutionState {
  return { status: 'RUNNING', lastEventId: 0, execution: undefined, input: null, scopes: {} };
}

/** The variables a scope sees: its own over its parents', up to the root. */
export function visibleVariables(state: ExecutionState, scope: ScopeState): Record<string, Json> {
  const chain: Array<Record<string, Json>> = [];
  for (
    let s: ScopeState | undefined = scope;
    s;
    s = s.parent === undefined ? undefined : state.scopes[s.parent]
  ) {
    if (s.variables) chain.push(s.variables);
  }
  if (chain.length === 1) return chain[0] as Record<string, Json>;
  const merged: Record<string, Json> = {};
  for (let i = chain.length - 1; i >= 0; i--) Object.assign(merged, chain[i]);
  return merged;
}

export function childScopeId(startedEventId: number, index: number): string {
  return `${startedEventId}.${index}`;
}

/** A Map Run's children that did not succeed (failed, or open when it ended). */
export function unsuccessfulChildRuns(children: ChildRuns): ChildRunSet {
  return unionOfChildRuns(children.failedChildRuns, children.openChildRuns);
}
