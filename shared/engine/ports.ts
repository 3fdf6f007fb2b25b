import type {
  Command,
  ItemReaderResource,
  MockedInvocation,
  TaskRequest,
  TransitionMessage,
} from '../execution/messages.ts';
import type { ExecutionEvent, MockCase, ParentLink } from '../history/events.ts';
import type { ExecutionState, ExecutionStatus } from '../history/execution-state.ts';
import type { IntegrationPattern } from '../language/task-resources.ts';
import type { Json, JsonObject } from '../lib/json.ts';

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
  /**
   * A step that took several queued messages of the execution at once (applyTransitions): the ids of those it
   * applied after `causedBy`'s, in their order. A redelivery of any of them finds it here.
   */
  alsoApplied?: string[];
  events: ExecutionEvent[];
  outbox: Outbox;
  /** The replayed state after this commit's events; on some commits, so a read never needs the whole log. */
  snapshot?: ExecutionState;
}

/** What a commit sends. Ids of the messages derive from the commit, so sending it again sends the same messages. */
export interface Outbox {
  messages: TransitionMessage[];
  commands: Command[];
  /** The commit closed the execution: its listing is updated, then its parent (a Map Run, a `.sync` task) told. */
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
  /** Set once the execution was redriven: how many times, and when last (epoch ms). */
  redriveCount?: number;
  redriveDate?: number;
  /** Started through a version or an alias: the version it runs, and the alias it was started through. */
  stateMachineVersionArn?: string;
  stateMachineAliasArn?: string;
  /**
   * A Map Run child that succeeded in its first commit, its input and output short: both as DescribeExecution
   * gives them. Its listing carries them (when they fit its one write unit), so its Map Run's ResultWriter
   * reads them there instead of the child's log.
   */
  result?: { input: string; output: string };
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

/** A Map Run's record: the execution whose history holds its events (DescribeMapRun reads them there). */
export interface MapRunRecord {
  mapRunArn: string;
  executionArn: string;
  /** Epoch ms of its MapRunStarted event. */
  startDate: number;
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
  /**
   * Writes the execution's listing as commit `asOf` left it: `head` carries its status, stop date and redrive
   * (RUNNING again after a redrive). A listing that shows commit `asOf` or a later one is left as it is, so a
   * listing applied twice, or after a later commit's, never regresses; one not written yet (a Distributed Map's
   * child is listed by its first commit's message) is written.
   */
  recordListing(head: ExecutionHead, asOf: number): Promise<void>;
  getHead(executionArn: string): Promise<ExecutionHead | undefined>;
  /**
   * Removes the listing of an execution whose start was cut off before its first commit (the head and its
   * copies): StartExecution lists an execution before it writes commit 1, so a crash in between leaves a head
   * with no log, which the reconciler removes.
   */
  deleteHead(head: ExecutionHead): Promise<void>;
  /**
   * Newest first. Exactly one of stateMachineArn / mapRunArn. With `qualifier`, stateMachineArn is a version or
   * alias ARN: the executions started through it (heads that name it as their stateMachineVersionArn or
   * stateMachineAliasArn).
   */
  listExecutions(query: {
    stateMachineArn?: string;
    qualifier?: 'version' | 'alias';
    mapRunArn?: string;
    status?: ExecutionStatus;
    limit: number;
    nextToken?: string;
  }): Promise<Page<ExecutionHead>>;

  /** Records which execution a Map Run belongs to (written again with the same values changes nothing). */
  putMapRun(record: MapRunRecord): Promise<void>;
  getMapRun(mapRunArn: string): Promise<MapRunRecord | undefined>;

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

// ─── State machine versions and aliases ───────────────────────────────────────────────────────────────

/** A published version: an immutable pointer to one revision of its machine, with the configuration it had. */
export interface StateMachineVersionRecord {
  /** The machine's own (unqualified) ARN. */
  stateMachineArn: string;
  /** 1, 2, …; never reused, even after a deletion. */
  version: number;
  revisionId: string;
  description?: string;
  /** Epoch ms. */
  creationDate: number;
  loggingConfiguration?: Json;
  tracingConfiguration?: Json;
}

export interface RoutingConfigurationItem {
  stateMachineVersionArn: string;
  weight: number;
}

export interface StateMachineAliasRecord {
  /** The machine's own (unqualified) ARN. */
  stateMachineArn: string;
  name: string;
  description?: string;
  /** One or two versions of the machine, weights summing to 100. */
  routingConfiguration: RoutingConfigurationItem[];
  /** Epoch ms. */
  creationDate: number;
  updateDate: number;
}

/** Versions and aliases of state machines (in the engine's one table, in each machine's partition). */
export interface VersionStore {
  /**
   * The machine's newest version (none when it has none) and the highest version number it ever had (0 when
   * none; a deleted newest version's number is not reused): a new version takes the next one.
   */
  newestVersion(
    stateMachineArn: string,
  ): Promise<{ newest: StateMachineVersionRecord | undefined; lastNumber: number }>;
  /** Stores a new version; false (nothing written) when its number is taken (a concurrent publish won). */
  createVersion(version: StateMachineVersionRecord): Promise<boolean>;
  getVersion(stateMachineArn: string, version: number): Promise<StateMachineVersionRecord | undefined>;
  deleteVersion(stateMachineArn: string, version: number): Promise<void>;
  /** Newest first. */
  listVersions(
    stateMachineArn: string,
    query: { limit: number; nextToken?: string },
  ): Promise<Page<StateMachineVersionRecord>>;
  countVersions(stateMachineArn: string): Promise<number>;
  /** Creates the alias; false (nothing written) when one with its name exists. */
  createAlias(alias: StateMachineAliasRecord): Promise<boolean>;
  getAlias(stateMachineArn: string, name: string): Promise<StateMachineAliasRecord | undefined>;
  /** Replaces an existing alias; false when it does not exist (any more). */
  updateAlias(alias: StateMachineAliasRecord): Promise<boolean>;
  deleteAlias(stateMachineArn: string, name: string): Promise<void>;
  /** By name, ascending. */
  listAliases(
    stateMachineArn: string,
    query: { limit: number; nextToken?: string },
  ): Promise<Page<StateMachineAliasRecord>>;
  countAliases(stateMachineArn: string): Promise<number>;
  /** Deletes every version and alias of the machine (DeleteStateMachine). */
  deleteAll(stateMachineArn: string): Promise<void>;
}

// ─── Activities ───────────────────────────────────────────────────────────────────────────────────────

export interface ActivityRecord {
  activityArn: string;
  name: string;
  /** Epoch ms. */
  creationDate: number;
  tags: Record<string, string>;
  encryptionConfiguration?: Json;
}

/**
 * An activity task waiting for a worker: written when its Task state schedules it, taken by exactly one
 * GetActivityTask (a conditional claim), then deleted. `scheduledAt` orders the queue (oldest first).
 */
export interface PendingActivityTask {
  activityArn: string;
  executionArn: string;
  scope: string;
  /** Id of the ActivityScheduled event. */
  ref: number;
  taskToken: string;
  /** The task's input as JSON text (what GetActivityTask answers). */
  input: string;
  /** Epoch ms. */
  scheduledAt: number;
  /** Set once a worker's GetActivityTask took the task (until the task is deleted). */
  claim?: { workerName: string; claimedAt: number };
}

/** Activities and their queues of pending tasks (in the engine's one table). */
export interface ActivityStore {
  /** Creates the activity; false (nothing written) when one with its ARN exists. */
  createActivity(activity: ActivityRecord): Promise<boolean>;
  getActivity(activityArn: string): Promise<ActivityRecord | undefined>;
  /** Replaces the record of an existing activity; false when it does not exist (any more). */
  updateActivity(activity: ActivityRecord): Promise<boolean>;
  deleteActivity(activityArn: string): Promise<void>;
  /** By name, ascending. */
  listActivities(query: { limit: number; nextToken?: string }): Promise<Page<ActivityRecord>>;
  /** Queues a task; writing the same task again (a redelivered task request) changes nothing. */
  putTask(task: PendingActivityTask): Promise<void>;
  /** The oldest `limit` tasks of the activity, claimed ones included. */
  listTasks(activityArn: string, limit: number): Promise<PendingActivityTask[]>;
  /** Claims an unclaimed task for a worker; false when another claim came first (or the task is gone). */
  claimTask(task: PendingActivityTask, claim: { workerName: string; claimedAt: number }): Promise<boolean>;
  /** Gives up a claim (its hand-off could not be recorded): the task waits for a worker again. */
  releaseTask(task: PendingActivityTask, claim: { workerName: string; claimedAt: number }): Promise<void>;
  deleteTask(task: PendingActivityTask): Promise<void>;
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
  /** In a mocked test case: the invocation its MockConfigFile may answer instead of the call. */
  mock?: MockedInvocation;
  /**
   * A request the reconciler sent again: its result's id carries this, so that SQS's FIFO deduplication does
   * not drop it as the twin of the result that was lost. The task's ref still lets only one result apply.
   */
  resend?: string;
}

/** A transition to deliver at `dueAt` (epoch ms). */
export interface TimerEnvelope {
  dueAt: number;
  /** When the timer was set (epoch ms): the local server gives heartbeats and task timeouts its downtime since. */
  armedAt?: number;
  transition: TransitionEnvelope;
}

/**
 * What a commit asks to be written beside the log, as a message for the task handler (applyRecord): the
 * execution's listing as of a commit, and a Map Run's record. Each applies idempotently, and a listing of a
 * later commit wins whatever order they arrive in.
 */
export type RecordEnvelope =
  | {
      record: 'listing';
      executionArn: string;
      head: ExecutionHead;
      /** The commit whose state the listing shows. */
      asOf: number;
      /** The commit closed a child execution: once it is listed closed, its parent hears (see ClosedChild). */
      closed?: ClosedChild;
      /** Sent again by the reconciler: the parent's transition carries it (see TaskEnvelope.resend). */
      resend?: string;
    }
  | { record: 'mapRun'; executionArn: string; mapRun: MapRunRecord };

/** A closed child and the parent to tell: a Map Run (childSucceeded/childFailed) or a nested `.sync` task. */
export interface ClosedChild {
  parent: ParentLink;
  status: Exclude<ExecutionStatus, 'RUNNING'>;
  output?: Json;
  error?: string;
  cause?: string;
}

export interface Queues {
  /** To the FIFO transitions queue: MessageGroupId from the execution, deduplication id from the envelope id. */
  sendTransitions(envelopes: readonly TransitionEnvelope[]): Promise<void>;
  sendTasks(envelopes: readonly TaskEnvelope[]): Promise<void>;
  /** To the tasks queue, beside the task requests (the task handler applies both). */
  sendRecords(envelopes: readonly RecordEnvelope[]): Promise<void>;
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
  /**
   * A failed function's `errorType`, when the invoker made the error payload itself (local functions) and so
   * knows it: the payload need not be parsed again to read it.
   */
  errorType?: string;
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
  /** TestState at TRACE: an HTTP Task reports the request it sent and the response it read here. */
  inspectHttp?: HttpInspector;
}

/**
 * What TestState's TRACE level shows of an HTTP Task (AWS's `inspectionData.request` and `.response`, every
 * member a string). Without `revealSecrets`, the request is shown without what the connection adds (its
 * authorization, invocation headers, query parameters and body parameters).
 */
export interface HttpInspection {
  request?: { protocol: string; method: string; url: string; headers: string; body: string };
  response?: { protocol: string; statusCode: string; statusMessage: string; headers: string; body: string };
}

export interface HttpInspector {
  revealSecrets: boolean;
  record(inspection: HttpInspection): void;
}

/**
 * Calls other AWS services for Task states. The outcome is the task's: AWS's result shape, or the error AWS
 * names (`SQS.QueueDoesNotExistException`, `States.TaskFailed` when the service cannot be reached by this
 * deployment at all). A failure that never reached the service (network, credentials) is thrown, for the
 * caller to retry.
 */
export interface ServiceCalls {
  call(request: ServiceCallRequest): Promise<TaskOutcome>;
  /**
   * Reads one page of a Distributed Map's items from S3: `{items, cursor}` (`cursor` null when nothing is
   * left), or `States.ItemReaderFailed` naming what is wrong. Thrown as `call` throws.
   */
  readItems?(request: ItemPageRequest): Promise<TaskOutcome>;
  /**
   * Writes one S3 object (a ResultWriter's files); resolves once it is stored. An error S3 answered is
   * rejected as an EngineError with code S3WriteRefused (the caller fails the Map Run with its message); one that
   * never reached S3 is thrown as it came.
   */
  putObject?(request: {
    bucket: string;
    key: string;
    body: string | Uint8Array;
    signal?: AbortSignal;
  }): Promise<void>;
}

/** One page of an ItemReader's items to read (see TaskRequest `items`). */
export interface ItemPageRequest {
  resource: ItemReaderResource;
  /** The ItemReader's Parameters/Arguments as evaluated: Bucket, Key or Prefix… */
  parameters: Json;
  readerConfig: JsonObject;
  /** Where the previous page stopped (the adapter's own), null for the first page. */
  cursor: Json;
  /** At most this many items (0: no limit but the page's). */
  maxItems: number;
  signal?: AbortSignal;
}

/** How a task ended, as the state machine sees it: its result, or the error and cause it failed with. */
export type TaskOutcome = { ok: true; output: Json } | { ok: false; error: string; cause: string };

export interface Clock {
  /** Epoch ms. */
  now(): number;
}

/**
 * A MockConfigFile's mocked responses (`statefold start` with `mockConfigFile`): which test cases exist, and the
 * answer to one Task invocation of a case, or undefined when the case does not mock that state (it then runs).
 */
export interface MockedResponses {
  /** Why `mockCase` cannot be started (no such machine or case in the file), or undefined when it can. */
  problem(mockCase: MockCase): string | undefined;
  answer(invocation: MockedInvocation): TaskOutcome | undefined;
}
