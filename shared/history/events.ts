import type { IntegrationPattern } from '../language/task-resources.ts';
import type { ItemReaderPlan, ResultWriterPlan, StateType } from '../language/types.ts';
import type { Json } from '../lib/json.ts';

/**
 * The events of an execution's log. `type` is AWS's history event type; the other members hold what AWS puts in
 * the event's details (values kept as JSON values, not text) plus what replay needs that AWS does not show
 * (`scope`, the decision a failure led to, timer deadlines). `toHistoryEvent` projects one to AWS's shape.
 */

/** Identifies an execution and its state machine; recorded once, in ExecutionStarted. */
export interface ExecutionInfo {
  executionArn: string;
  name: string;
  stateMachineArn: string;
  stateMachineName: string;
  roleArn: string;
  region: string;
  accountId: string;
  /** Epoch milliseconds. */
  startTime: number;
  /** Set for a Distributed Map child run: the parent's Map Run. */
  mapRunArn?: string;
  /** The durable engine: the stored definition the execution runs (a Map Run child: its Map's ItemProcessor). */
  source?: DefinitionSource;
  /** StartExecution's traceHeader, shown by DescribeExecution. */
  traceHeader?: string;
  /** Started through a version or an alias ARN: the version whose revision it runs, the alias it came through. */
  stateMachineVersionArn?: string;
  stateMachineAliasArn?: string;
  /** The durable engine, a Distributed Map child run: where its result goes and which ItemProcessor it runs. */
  parent?: ParentLink;
  /** Set by a redrive (ExecutionRedriven): how many there were, and when the last one came (epoch ms). */
  redriveCount?: number;
  redriveTime?: number;
  /**
   * Started as `<stateMachineArn>#<TestCase>` on a server with a MockConfigFile: the test case whose mocked
   * responses answer its Task states (`stateMachine` names the file's entry; a Map Run child keeps its parent's).
   */
  mockCase?: MockCase;
}

export interface MockCase {
  stateMachine: string;
  testCase: string;
}

/**
 * What a redrive restarts, at the top level: the state the execution ended in (entered again), or the
 * Parallel branches / inline Map iterations of that state that did not succeed (each from its first state).
 */
export type RedriveRestart =
  | { kind: 'state' }
  | { kind: 'parallel'; branches: Array<{ index: number; startAt: string }> }
  | { kind: 'map'; indexes: number[] }
  /**
   * A Distributed Map whose Map Run failed: the same Map Run goes on. Its `redriven` child executions that did
   * not succeed (failed, aborted) are redriven (which, the kept state says: `unsuccessfulChildRuns`, so the
   * event stays small however many they are); the items never started start.
   */
  | { kind: 'map-run'; mapRunArn: string; redriven: number };

export interface DefinitionSource {
  stateMachineArn: string;
  revisionId: string;
  mapState?: string;
}

export interface ParentLink {
  executionArn: string;
  scope: string;
  /** Id of the event the parent's Map Run waits on. */
  ref: number;
  index: number;
  /**
   * A nested execution started by a `states:startExecution.sync` (`.sync:2`) Task: its close ends the parent's
   * task (scope/ref name it; index is 0) with the child's DescribeExecution, its Output as text or as JSON.
   */
  task?: 'sync' | 'sync:2';
}

/** What a failure leads to inside its state: a retry after a delay, a catcher, or nothing (it propagates). */
export type FailureHandling =
  | { kind: 'retry'; retrier: number; until: number }
  | { kind: 'catch'; catcher: number }
  | { kind: 'propagate' };

interface Base {
  id: number;
  previousEventId: number;
  /** Epoch milliseconds. */
  timestamp: number;
  /** The scope (top level, branch, iteration) the event belongs to. */
  scope: string;
}

export type StateEnteredType = `${StateType}StateEntered`;
export type StateExitedType = `${Exclude<StateType, 'Fail'>}StateExited`;

export type TaskResource =
  | { kind: 'lambda-function'; functionArn: string }
  | { kind: 'lambda-invoke'; waitForTaskToken: boolean }
  /** An optimized (`sqs:sendMessage`) or AWS SDK (`aws-sdk:s3:getObject`) integration. */
  | { kind: 'service'; service: string; action: string; pattern: IntegrationPattern; sdk: boolean }
  /** An activity (`arn:aws:states:<region>:<account>:activity:<name>`): a worker polls it with GetActivityTask. */
  | { kind: 'activity'; activityArn: string }
  | { kind: 'unsupported'; resource: string };

export type ExecutionEvent = Base &
  (
    | {
        type: 'ExecutionStarted';
        input: Json;
        /** The input as the caller wrote it, when that text is not the input's own JSON (`0.0`, spacing). */
        inputText?: string;
        execution: ExecutionInfo;
        startAt: string;
        timeoutAt?: number;
      }
    | { type: 'ExecutionSucceeded'; output: Json }
    /**
     * RedriveExecution restarted the closed execution (AWS shows redriveCount); `clientToken` makes the call
     * idempotent, `timeoutAt` is the machine's TimeoutSeconds counted again from the redrive.
     */
    | {
        type: 'ExecutionRedriven';
        redriveCount: number;
        clientToken?: string;
        timeoutAt?: number;
        restart: RedriveRestart;
      }
    | { type: 'ExecutionFailed' | 'ExecutionTimedOut' | 'ExecutionAborted'; error?: string; cause?: string }
    | { type: StateEnteredType; name: string; input: Json; waitUntil?: number }
    | {
        type: StateExitedType;
        name: string;
        output: Json;
        next: string | null;
        assigned?: Record<string, Json> | undefined;
      }
    | {
        type: 'TaskScheduled';
        resourceType: string;
        resource: string;
        region: string;
        parameters: Json;
        timeoutInSeconds?: number;
        heartbeatInSeconds?: number;
        target: TaskResource;
        /** `.waitForTaskToken`: the token that completes this task (AWS does not show it in history). */
        taskToken?: string;
      }
    /**
     * An activity Task asks for its task to be queued (AWS writes no event: ActivityScheduled follows once the
     * task is in the activity's queue, ActivityScheduleFailed if the activity does not exist).
     */
    | {
        type: 'ActivityScheduling';
        resource: string;
        input: Json;
        timeoutInSeconds?: number;
        heartbeatInSeconds?: number;
        target: TaskResource;
        /** The token the worker's GetActivityTask receives. */
        taskToken: string;
      }
    | {
        type: 'ActivityScheduled';
        resource: string;
        input: Json;
        timeoutInSeconds?: number;
        heartbeatInSeconds?: number;
      }
    /** A worker's GetActivityTask took the task: the TimeoutSeconds and heartbeat clocks start. */
    | { type: 'ActivityStarted'; workerName: string; timeoutAt?: number; heartbeatAt?: number }
    | { type: 'ActivitySucceeded'; output: Json }
    | {
        type: 'ActivityFailed' | 'ActivityTimedOut' | 'ActivityScheduleFailed';
        error: string;
        cause: string;
        handling: FailureHandling;
      }
    | {
        type: 'LambdaFunctionScheduled';
        resource: string;
        input: Json;
        timeoutInSeconds?: number;
        target: TaskResource;
      }
    | {
        type: 'TaskStarted';
        resourceType: string;
        resource: string;
        timeoutAt?: number;
        heartbeatAt?: number;
      }
    | { type: 'LambdaFunctionStarted'; timeoutAt?: number; heartbeatAt?: number }
    | { type: 'TaskSucceeded' | 'TaskSubmitted'; resourceType: string; resource: string; output: Json }
    | { type: 'LambdaFunctionSucceeded'; output: Json }
    | {
        type: 'TaskFailed' | 'TaskTimedOut';
        resourceType: string;
        resource: string;
        error: string;
        cause: string;
        handling: FailureHandling;
      }
    | {
        type: 'LambdaFunctionFailed' | 'LambdaFunctionTimedOut';
        error: string;
        cause: string;
        handling: FailureHandling;
      }
    | {
        type:
          | 'TaskStateAborted'
          | 'WaitStateAborted'
          | 'ParallelStateAborted'
          | 'MapStateAborted'
          | 'MapRunAborted';
      }
    | { type: 'ParallelStateStarted'; input: Json; startAt: string[] }
    | {
        type: 'MapStateStarted';
        /** The items' count, as history shows it; with an ItemBatcher, `items` holds the batches. */
        length: number;
        /** The Map's input after InputPath: what ItemSelector's `$` reads. */
        input: Json;
        items: Json[];
        /** The items already went through ItemSelector (JSONata, or batched). */
        preselected?: boolean;
        distributed: boolean;
        maxConcurrency: number;
        toleratedFailureCount: number;
        toleratedFailurePercentage: number;
        /** A Distributed Map with an ItemReader: `items` is empty, and the Map Run reads them page by page. */
        reader?: ItemReaderPlan;
        /** A Distributed Map with a ResultWriter: its Map Run's results are written to S3 once all have ended. */
        writer?: ResultWriterPlan;
      }
    | { type: 'MapRunStarted'; mapRunArn: string }
    /** A redrive took the failed Map Run up again (AWS: mapRunRedrivenEventDetails, the run's own count). */
    | { type: 'MapRunRedriven'; mapRunArn: string; redriveCount: number }
    | { type: 'ParallelStateSucceeded' | 'MapStateSucceeded' | 'MapRunSucceeded'; output: Json }
    | {
        type: 'ParallelStateFailed' | 'MapStateFailed';
        error: string;
        cause: string;
        handling: FailureHandling;
      }
    | { type: 'MapRunFailed'; error: string; cause: string }
    /** A JSONata expression failed (States.QueryEvaluationError), written before the failure it causes. */
    | {
        type: 'EvaluationFailed';
        error: string;
        cause: string;
        location: string;
        state: string;
        /** For a Task: what the failure leads to (a Parallel/Map records it in its Failed event). */
        handling?: FailureHandling;
      }
    | { type: 'MapIterationStarted'; name: string; index: number; input: Json; startAt: string }
    | { type: 'MapIterationSucceeded'; name: string; index: number; output: Json }
    | { type: 'MapIterationFailed'; name: string; index: number; error: string; cause: string }
    | { type: 'MapIterationAborted'; name: string; index: number }
    /**
     * Statefold's own records of a Distributed Map's child runs, which AWS keeps in the children's histories:
     * never shown in this execution's history and numbered with the id of the event before them.
     */
    | {
        type: 'MapRunChildStarted';
        index: number;
        input: Json;
        executionName: string;
        /** A redriven Map Run: the child execution that did not succeed is redriven, not started anew. */
        redriven?: boolean;
      }
    /**
     * A page of an ItemReader's items came: `items` are the children's inputs (through ItemSelector and
     * ItemBatcher when `preselected`), `read` the items read; `done` once the last page did (or MaxItems were
     * read); `paused` when enough wait to start that the next page is asked for later.
     */
    | {
        type: 'MapRunItemsRead';
        items: Json[];
        read: number;
        preselected: boolean;
        cursor: Json;
        done: boolean;
        paused: boolean;
        /** The S3 URI the page was read from (its items' `$$.Map.Item.Source`). */
        source?: string;
      }
    /** Children took the waiting items: the paused ItemReader reads its next page. */
    | { type: 'MapRunItemsRequested' }
    /**
     * A Map Run that writes its results to S3 failed beyond its tolerance: it starts no more children, stops those
     * running, and writes the results once they have all ended; MapRunFailed (with this error) follows the write.
     */
    | { type: 'MapRunFailing'; error: string; cause: string }
    /** UpdateMapRun changed the running Map Run's settings. */
    | {
        type: 'MapRunUpdated';
        maxConcurrency?: number;
        toleratedFailureCount?: number;
        toleratedFailurePercentage?: number;
      }
    /** A Parallel or Map state will run all its children again once `until` passes (AWS writes no event). */
    | { type: 'RetryScheduled'; retrier: number; until: number }
    | { type: 'MapRunChildSucceeded'; index: number; output: Json }
    | { type: 'MapRunChildFailed'; index: number; error: string; cause: string }
    /** SendTaskHeartbeat reached a running task: its heartbeat deadline moves to `heartbeatAt` (AWS writes no event). */
    | { type: 'TaskHeartbeatReceived'; heartbeatAt: number }
  );

/** Events that replay needs and AWS's history does not show. */
export const HIDDEN_EVENT_TYPES: ReadonlySet<ExecutionEventType> = new Set([
  'MapRunChildStarted',
  'MapRunChildSucceeded',
  'MapRunChildFailed',
  'MapRunItemsRead',
  'MapRunItemsRequested',
  'MapRunFailing',
  'MapRunUpdated',
  'RetryScheduled',
  'TaskHeartbeatReceived',
  'ActivityScheduling',
]);

export type ExecutionEventType = ExecutionEvent['type'];

/**
 * The events of the given types. (`Extract` would miss a member that lists several types, such as the
 * `<Type>StateEntered` events: its `type` is a union, which no one literal type extends.)
 */
export type EventOfType<K extends ExecutionEventType> = ExecutionEvent & { type: K };

/** An event before the log numbers it. */
export type NewEvent = ExecutionEvent extends infer E
  ? E extends ExecutionEvent
    ? Omit<E, 'id' | 'timestamp'>
    : never
  : never;
