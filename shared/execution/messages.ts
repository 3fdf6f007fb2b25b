import type { ExecutionEvent, ExecutionInfo, MockCase } from '../history/events.ts';
import type { EvaluationAllowance } from '../jsonata/index.ts';
import type { IntegrationPattern } from '../language/task-resources.ts';
import type { ItemReaderResource, ResultOutputType, ResultTransformation } from '../language/types.ts';
import type { Json, JsonObject } from '../lib/json.ts';

export type { ItemReaderResource };

/**
 * A transition message names one thing that happened to an execution. `ref` is the id of the event that
 * started what the message ends (a task's Scheduled event, a timer's event, the event that made a scope
 * ready); a message whose ref no longer matches is stale and changes nothing.
 */
export type TransitionMessage =
  /** `inputText`: the input as the caller sent it, kept as AWS keeps it (`0.0` stays `0.0`). */
  | { type: 'start'; execution: ExecutionInfo; input: Json; inputText?: string }
  | { type: 'advance'; scope: string; ref: number }
  | { type: 'taskSucceeded'; scope: string; ref: number; output: Json }
  | { type: 'taskFailed'; scope: string; ref: number; error: string; cause: string }
  | { type: 'taskHeartbeat'; scope: string; ref: number }
  /** A `.waitForTaskToken` task's call went through (the token is out); `output` is the call's response. */
  | {
      type: 'taskSubmitted';
      scope: string;
      ref: number;
      output: Json;
      /** A nested `.sync` execution the task waits for: stopped if it reaches a parent that has closed. */
      child?: string;
    }
  /** The activity task scheduled by (hidden) event `ref` is in its activity's queue. */
  | { type: 'activityScheduled'; scope: string; ref: number }
  /** A worker's GetActivityTask took the activity task. */
  | { type: 'activityStarted'; scope: string; ref: number; workerName: string }
  /** The activity task could not be queued (its activity does not exist): ActivityScheduleFailed. */
  | { type: 'activityScheduleFailed'; scope: string; ref: number; error: string; cause: string }
  | { type: 'timerFired'; scope: string; ref: number; purpose: TimerPurpose }
  | { type: 'childSucceeded'; scope: string; ref: number; index: number; output: Json }
  | { type: 'childFailed'; scope: string; ref: number; index: number; error: string; cause: string }
  | { type: 'stop'; error?: string; cause?: string }
  /** UpdateMapRun: the running Map Run's new MaxConcurrency or tolerated failures. */
  | {
      type: 'updateMapRun';
      mapRunArn: string;
      maxConcurrency?: number;
      toleratedFailureCount?: number;
      toleratedFailurePercentage?: number;
    }
  /** RedriveExecution: the closed execution runs again from the states that did not succeed (see redrive.ts). */
  | { type: 'redrive'; clientToken?: string }
  /** The engine gives up on the execution (a message it cannot apply): ExecutionFailed with this error and cause. */
  | { type: 'fail'; error: string; cause: string }
  /** A JSONata state continues (see ScopeState.resume). */
  | { type: 'resume'; scope: string; ref: number };

export type TimerPurpose = 'wait' | 'retry' | 'taskTimeout' | 'heartbeat' | 'executionTimeout';

/** What a request to run a task carries to whoever runs it. */
export type TaskRequest =
  | {
      kind: 'lambda';
      /** Function name or ARN (with qualifier) as given. */
      functionName: string;
      payload: Json;
      /** `legacy` = `arn:aws:lambda:…:function:…` resource: the result is the payload alone. */
      style: 'legacy' | 'invoke';
      invocationType?: 'RequestResponse' | 'Event' | 'DryRun';
      qualifier?: string;
      clientContext?: string;
    }
  | { kind: 'unsupported'; resource: string }
  /** An activity task: queued for the activity's workers (GetActivityTask), not run by the engine. */
  | { kind: 'activity'; activityArn: string; input: Json; scheduledAt: number }
  /**
   * A call to another service: an optimized integration (`sqs:sendMessage`, `sdk` false) or the AWS SDK form
   * (`aws-sdk:s3:getObject`, `sdk` true). `parameters` are the state's Parameters/Arguments as evaluated:
   * the service's own request fields, PascalCase.
   */
  | {
      kind: 'service';
      service: string;
      action: string;
      pattern: IntegrationPattern;
      sdk: boolean;
      parameters: Json;
    }
  /**
   * One page of a Distributed Map's ItemReader: the items of an S3 object (`getObject`, parsed as
   * `readerConfig` says) or the objects of a bucket (`listObjectsV2`), from `cursor` (null: the start) on, at
   * most `maxItems` of them (0: no limit but the page's). Its outcome is `{page, items, cursor}`, `cursor` null
   * once nothing is left.
   */
  | {
      kind: 'items';
      resource: ItemReaderResource;
      parameters: Json;
      readerConfig: JsonObject;
      cursor: Json;
      page: number;
      maxItems: number;
    }
  /**
   * A Distributed Map's ResultWriter: the task handler reads the Map Run's child executions and writes them to
   * S3 as AWS does (manifest.json, SUCCEEDED_0.json, FAILED_0.json…). Its outcome is the Map's output,
   * `{MapRunArn, ResultWriterDetails: {Bucket, Key}}`.
   */
  | {
      kind: 'results';
      mapRunArn: string;
      parameters: Json;
      /** WriterConfig's OutputType (absent: JSON). */
      outputType?: ResultOutputType;
      /** WriterConfig's Transformation (absent: NONE). */
      transformation?: ResultTransformation;
      /** A redriven Map Run writes again: its redrive count, so its outcome is a message of its own. */
      attempt?: number;
      /** A failed Map Run: its items never started are written as PENDING (read from the parent's state). */
      pending?: boolean;
    }
  /** An EXPRESS execution started with StartExecution: the task handler runs it whole, in memory. */
  | {
      kind: 'express';
      stateMachineArn: string;
      revisionId: string;
      executionArn: string;
      name: string;
      /** JSON text. */
      input: string;
      startTime: number;
      traceHeader?: string;
      /** Started as `<arn>#<TestCase>`: its Task states answer from that test case. */
      mockCase?: MockCase;
    };

/** What a step asks the outside world to do, besides sending transitions, once its events are stored. */
export type Command =
  | {
      type: 'runTask';
      scope: string;
      ref: number;
      request: TaskRequest;
      taskToken?: string;
      /** In a mocked test case: the invocation a mocked response may answer instead of the call. */
      mock?: MockedInvocation;
    }
  | { type: 'startTimer'; scope: string; ref: number; purpose: TimerPurpose; dueAt: number }
  | {
      type: 'startChildRun';
      scope: string;
      ref: number;
      index: number;
      /** The Map state whose ItemProcessor the child runs. */
      mapState: string;
      mapRunArn: string;
      executionName: string;
      input: Json;
    }
  /** A Distributed Map child run still running when its Map Run was aborted, failed or its execution stopped. */
  | { type: 'stopChildRun'; mapRunArn: string; executionName: string }
  /** A redriven Map Run's child execution that did not succeed: redriven (its own ExecutionRedriven). */
  | { type: 'redriveChildRun'; mapRunArn: string; executionName: string }
  /** A nested `.sync` execution whose parent's task ended first (stopped, aborted, timed out): stopped too. */
  | { type: 'stopExecution'; executionArn: string };

/** A Task state's invocation (from 0, retries included) in a test case of a MockConfigFile. */
export interface MockedInvocation extends MockCase {
  stateName: string;
  invocation: number;
}

/** Time and randomness a step may use: supplied by the caller, so a step is reproducible. */
export interface StepEnv {
  /** Epoch milliseconds. */
  now: number;
  /** Uniform in [0, 1). */
  random(): number;
  uuid(): string;
  /**
   * JSONata evaluation steps this step may spend in all before its evaluations stop with AllowanceExhausted
   * (StartExecution's inline first state); absent, only the evaluation bounds apply.
   */
  allowance?: EvaluationAllowance | undefined;
  /**
   * Told each data-flow stage's value as a state computes it (TestState's inspection data, named as AWS names
   * its fields); absent everywhere else, where it costs one optional call.
   */
  inspect?: ((stage: InspectionStage, value: Json) => void) | undefined;
  /** Fields laid over every state's context object (`$$`): TestState's `context`. */
  context?: JsonObject | undefined;
}

/** The data-flow stages TestState shows at DEBUG, by AWS's names for them (InspectionData). */
export type InspectionStage =
  | 'afterInputPath'
  | 'afterParameters'
  | 'afterArguments'
  | 'result'
  | 'afterResultSelector'
  | 'afterResultPath';

/** A step's outcome: the events to append, then its outbox: transitions to send and other commands. */
export interface StepResult {
  events: ExecutionEvent[];
  messages: TransitionMessage[];
  commands: Command[];
}
