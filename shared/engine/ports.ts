import type { Command, TaskRequest, TransitionMessage } from '../execution/messages.ts';
import type { ExecutionEvent } from '../history/events.ts';
import type { ExecutionState, ExecutionStatus } from '../history/execution-state.ts';
import type { IntegrationPattern } from '../language/task-resources.ts';
import type { Json } from '../lib/json.ts';

/**
 * The durable engine's ports: what its use cases need from storage, queues, Lambda and the clock. The
 * adapters (shared/eventlog for DynamoDB, shared/queue for SQS, shared/integrations for Lambda) are the only
 * code that imports the AWS SDK; tests and the local runtime plug the same adapters into embedded services.
 */

// ─── The event log ────────────────────────────────────────────────────────────────────────────────────

/**
 * One step of one execution, as stored: the history events it appended, the id of the message it applied,
 * and its outbox (what must be sent once the commit is stored). Commit numbers start at 1 (the commit that
 * holds ExecutionStarted) and have no gaps; a second writer of the same number loses.
 */
export interface Commit {
  n: number;
  /** Id of the transition message (or API call) this commit applied. */
  causedBy: string;
  events: ExecutionEvent[];
  outbox: Outbox;
  /** The replayed state after this commit's events; on some commits, so a read never needs the whole log. */
  snapshot?: ExecutionState;
}

/** What a commit sends. Ids of the messages derive from the commit, so sending it again sends the same messages. */
export interface Outbox {
  messages: TransitionMessage[];
  commands: Command[];
  /** The commit closed the execution: its head is updated and its parent (a Map Run) told. */
  closed?: boolean;
}

/** The last commits of an execution (ascending), back to and including the newest that carries a snapshot. */
export interface Tail {
  commits: Commit[];
}

/**
 * An execution's entry in its state machine's listing (ListExecutions). Everything else DescribeExecution shows
 * (input, output, error, cause) is read from the log, so the head stays small and cheap to write.
 */
export interface ExecutionHead {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  /** Epoch ms. */
  startDate: number;
  stopDate?: number;
  /** Distributed Map child runs: the Map Run they belong to (they are listed under it). */
  mapRunArn?: string;
}

export interface StateMachineRecord {
  stateMachineArn: string;
  name: string;
  type: 'STANDARD' | 'EXPRESS';
  roleArn: string;
  /** The current revision; each update of the definition or role makes a new one. */
  revisionId: string;
  /** Epoch ms. */
  creationDate: number;
  updateDate: number;
  loggingConfiguration?: Json;
  tracingConfiguration?: Json;
  tags: Record<string, string>;
}

export interface StateMachineRevision {
  stateMachineArn: string;
  revisionId: string;
  /** The definition text as the user sent it (DescribeStateMachine returns it verbatim). */
  definition: string;
  roleArn: string;
  /** Epoch ms. */
  createdAt: number;
}

export interface Page<T> {
  items: T[];
  /** Opaque; absent on the last page. */
  nextToken?: string;
}

export interface EventLog {
  /** Appends commit `commit.n`; false (and nothing written) when that commit already exists. */
  append(executionArn: string, commit: Commit): Promise<boolean>;
  /**
   * Strongly consistent read of the newest `limit` commits (ascending); undefined when the execution has none.
   * The engine writes a snapshot at least every `limit` commits, so the tail always reaches one (or commit 1).
   */
  readTail(executionArn: string, limit: number): Promise<Tail | undefined>;
  /** Commits in order from commit `from` (inclusive), for history; ascending unless `reverse`. */
  readCommits(
    executionArn: string,
    options: { from?: number; reverse?: boolean; limit: number },
  ): Promise<Commit[]>;

  /** Writes the head of a new execution; false when a head with that ARN exists. */
  createHead(head: ExecutionHead): Promise<boolean>;
  /** Records how an execution closed: `head` carries its final status and stop date. */
  closeHead(head: ExecutionHead): Promise<void>;
  getHead(executionArn: string): Promise<ExecutionHead | undefined>;
  /** Newest first. Exactly one of stateMachineArn / mapRunArn. */
  listExecutions(query: {
    stateMachineArn?: string;
    mapRunArn?: string;
    status?: ExecutionStatus;
    limit: number;
    nextToken?: string;
  }): Promise<Page<ExecutionHead>>;

  /** Creates the machine and its first revision; false when the name is taken. */
  createStateMachine(machine: StateMachineRecord, revision: StateMachineRevision): Promise<boolean>;
  getStateMachine(stateMachineArn: string): Promise<StateMachineRecord | undefined>;
  /**
   * Stores a new revision and makes it current, if the machine's current revision is still
   * `expectedRevisionId`; false otherwise (a concurrent update won).
   */
  updateStateMachine(
    machine: StateMachineRecord,
    revision: StateMachineRevision | undefined,
    expectedRevisionId: string,
  ): Promise<boolean>;
  /** Removes the machine from listings and lookups; its revisions stay for executions still running them. */
  deleteStateMachine(stateMachineArn: string): Promise<void>;
  getRevision(stateMachineArn: string, revisionId: string): Promise<StateMachineRevision | undefined>;
  /** By name, ascending. */
  listStateMachines(query: { limit: number; nextToken?: string }): Promise<Page<StateMachineRecord>>;
}

// ─── Queues ───────────────────────────────────────────────────────────────────────────────────────────

/** A transition for one execution. `id` is deterministic: sending the same envelope twice is one delivery. */
export interface TransitionEnvelope {
  executionArn: string;
  id: string;
  message: TransitionMessage;
}

/** A task to run for an execution; its result comes back as a transition with id `task:<scope>:<ref>`. */
export interface TaskEnvelope {
  executionArn: string;
  scope: string;
  ref: number;
  request: TaskRequest;
  /** `.waitForTaskToken`: the task ends when SendTaskSuccess/Failure names this token, not when Invoke returns. */
  taskToken?: string;
  /**
   * A request the reconciler sent again: its result's id carries this, so that SQS's FIFO deduplication does
   * not drop it as the twin of the result that was lost. The task's ref still lets only one result apply.
   */
  resend?: string;
}

/** A transition to deliver at `dueAt` (epoch ms). */
export interface TimerEnvelope {
  dueAt: number;
  transition: TransitionEnvelope;
}

export interface Queues {
  /** To the FIFO transitions queue: MessageGroupId from the execution, deduplication id from the envelope id. */
  sendTransitions(envelopes: readonly TransitionEnvelope[]): Promise<void>;
  sendTasks(envelopes: readonly TaskEnvelope[]): Promise<void>;
  /** Due timers go straight to the transitions queue; others wait on the timers queue in hops of ≤ 900 s. */
  sendTimers(timers: readonly TimerEnvelope[]): Promise<void>;
}

// ─── Lambda and the clock ─────────────────────────────────────────────────────────────────────────────

export interface LambdaInvokeRequest {
  functionName: string;
  /** The request body: the JSON text the function receives as its event. */
  payload: string;
  invocationType?: 'RequestResponse' | 'Event' | 'DryRun';
  qualifier?: string;
  clientContext?: string;
  /** Aborts the call (the handler's deadline is near). */
  signal?: AbortSignal;
  /** The execution whose task asks: local functions prefix their console output with it; Lambda is not told. */
  executionArn?: string;
}

/** What Invoke answered, as a Task state needs it. */
export interface InvokeResponse {
  statusCode: number;
  /** The function's response as text (what Invoke returns as Payload bytes). */
  payload: string;
  /** `Unhandled` (or `Handled`) when the function failed. */
  functionError?: string;
  executedVersion: string;
  requestId: string;
  /** The response's HTTP Date header. */
  date: string;
  /** The X-Amzn-Trace-Id header. */
  traceId: string;
}

/**
 * Calls Lambda's Invoke; throws an EngineError `LambdaServiceFailure` when the call itself fails (no such
 * function, throttled…), and any other error when the call never reached Lambda (network, credentials).
 */
export interface LambdaInvoker {
  invoke(request: LambdaInvokeRequest): Promise<InvokeResponse>;
}

// ─── Service integrations ─────────────────────────────────────────────────────────────────────────────

/** One call of an optimized (`sqs:sendMessage`) or AWS SDK (`aws-sdk:s3:getObject`) integration. */
export interface ServiceCallRequest {
  service: string;
  action: string;
  /** The AWS SDK form: the action's own request and response, errors named `<Service>.<Error>Exception`. */
  sdk: boolean;
  pattern: IntegrationPattern;
  /** The request fields as the state wrote them (PascalCase). */
  parameters: Json;
  /** Aborts the call (the handler's deadline is near). */
  signal?: AbortSignal;
}

/**
 * Calls other AWS services for Task states. The outcome is the task's: AWS's result shape, or the error AWS
 * names (`SQS.QueueDoesNotExistException`, `States.TaskFailed` when the service cannot be reached by this
 * deployment at all). A failure that never reached the service (network, credentials) is thrown, for the
 * caller to retry.
 */
export interface ServiceCalls {
  call(request: ServiceCallRequest): Promise<TaskOutcome>;
}

/** How a task ended, as the state machine sees it: its result, or the error and cause it failed with. */
export type TaskOutcome = { ok: true; output: Json } | { ok: false; error: string; cause: string };

export interface Clock {
  /** Epoch ms. */
  now(): number;
}
