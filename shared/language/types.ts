import type { Json, JsonObject } from '../lib/json.ts';

/**
 * Amazon States Language definition types, as the JSON reads. `validateDefinition` checks a parsed
 * value against the rules; code past validation may rely on these shapes.
 */
export type QueryLanguage = 'JSONPath' | 'JSONata';

export interface StateMachineDefinition {
  Comment?: string;
  StartAt: string;
  States: Record<string, StateDefinition>;
  Version?: string;
  TimeoutSeconds?: number;
  QueryLanguage?: QueryLanguage;
}

/** A `States` block with its `StartAt`: the top level, a Parallel branch or a Map processor. */
export interface StatesBlock {
  StartAt: string;
  States: Record<string, StateDefinition>;
  Comment?: string;
}

export type StateType = 'Pass' | 'Task' | 'Choice' | 'Wait' | 'Succeed' | 'Fail' | 'Parallel' | 'Map';

interface CommonFields {
  Comment?: string;
  QueryLanguage?: QueryLanguage;
  /** JSONPath: reference path or null. */
  InputPath?: string | null;
  OutputPath?: string | null;
  /** Variables (JSONPath `.$` keys or JSONata `{% %}` values). */
  Assign?: JsonObject;
  /** JSONata only. */
  Output?: Json;
}

interface TransitionFields {
  Next?: string;
  End?: boolean;
}

export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
  Comment?: string;
}

export interface Catcher {
  ErrorEquals: string[];
  Next: string;
  ResultPath?: string | null;
  Assign?: JsonObject;
  Output?: Json;
  Comment?: string;
}

interface ErrorHandlingFields {
  Retry?: Retrier[];
  Catch?: Catcher[];
}

export interface PassState extends CommonFields, TransitionFields {
  Type: 'Pass';
  Result?: Json;
  Parameters?: Json;
  ResultPath?: string | null;
}

export interface TaskState extends CommonFields, TransitionFields, ErrorHandlingFields {
  Type: 'Task';
  Resource: string;
  Parameters?: Json;
  Arguments?: Json;
  ResultSelector?: Json;
  ResultPath?: string | null;
  TimeoutSeconds?: number | string;
  TimeoutSecondsPath?: string;
  HeartbeatSeconds?: number | string;
  HeartbeatSecondsPath?: string;
  Credentials?: Json;
}

/** A JSONPath Choice rule: a data test or a boolean combination; top-level rules carry `Next`. */
export interface ChoiceRule {
  Variable?: string;
  And?: ChoiceRule[];
  Or?: ChoiceRule[];
  Not?: ChoiceRule;
  Next?: string;
  Comment?: string;
  /** JSONata rule fields. */
  Condition?: Json;
  Assign?: JsonObject;
  Output?: Json;
  /** Comparison operators (`StringEquals`, `NumericLessThanPath`, `IsPresent`, …). */
  [operator: string]: Json | ChoiceRule | ChoiceRule[] | undefined;
}

export interface ChoiceState extends CommonFields {
  Type: 'Choice';
  Choices: ChoiceRule[];
  Default?: string;
}

export interface WaitState extends CommonFields, TransitionFields {
  Type: 'Wait';
  Seconds?: number | string;
  SecondsPath?: string;
  Timestamp?: string;
  TimestampPath?: string;
}

export interface SucceedState extends CommonFields {
  Type: 'Succeed';
}

export interface FailState {
  Type: 'Fail';
  Comment?: string;
  QueryLanguage?: QueryLanguage;
  Error?: string;
  ErrorPath?: string;
  Cause?: string;
  CausePath?: string;
}

export interface ParallelState extends CommonFields, TransitionFields, ErrorHandlingFields {
  Type: 'Parallel';
  Branches: StatesBlock[];
  Parameters?: Json;
  Arguments?: Json;
  ResultSelector?: Json;
  ResultPath?: string | null;
}

export interface ProcessorConfig {
  Mode?: 'INLINE' | 'DISTRIBUTED';
  ExecutionType?: 'STANDARD' | 'EXPRESS';
}

export interface ItemProcessor extends StatesBlock {
  ProcessorConfig?: ProcessorConfig;
}

/** The S3 reads a Distributed Map's ItemReader can make (`arn:aws:states:::s3:<this>`). */
export type ItemReaderResource = 'getObject' | 'listObjectsV2';

/** A Map's ItemReader as its state evaluated it when the Map started: what each page request carries. */
export interface ItemReaderPlan {
  resource: ItemReaderResource;
  /** Parameters (JSONPath) or Arguments (JSONata), evaluated: Bucket and Key, or Bucket and Prefix. */
  parameters: Json;
  readerConfig: JsonObject;
  /** ReaderConfig MaxItems (or MaxItemsPath), 0 for all. */
  maxItems: number;
}

/** A Map's ResultWriter as its state evaluated it when the Map started: where the Map Run's results go. */
export interface ResultWriterPlan {
  /**
   * Parameters (JSONPath) or Arguments (JSONata), evaluated: Bucket and Prefix. Absent for a WriterConfig alone,
   * which shapes the state's output and writes nothing to S3.
   */
  parameters?: Json;
  /** WriterConfig's OutputType: the result files as one JSON array, or as JSON Lines. */
  outputType?: ResultOutputType;
  /** WriterConfig's Transformation (absent: NONE when written to S3, COMPACT for the state's output). */
  transformation?: ResultTransformation;
}

export type ResultOutputType = 'JSON' | 'JSONL';
export type ResultTransformation = 'NONE' | 'COMPACT' | 'FLATTEN';

export interface MapState extends CommonFields, TransitionFields, ErrorHandlingFields {
  Type: 'Map';
  ItemProcessor?: ItemProcessor;
  /** Deprecated alias of ItemProcessor. */
  Iterator?: ItemProcessor;
  ItemsPath?: string;
  Items?: Json;
  ItemSelector?: Json;
  /** Deprecated alias of ItemSelector. */
  Parameters?: Json;
  ItemReader?: JsonObject;
  ItemBatcher?: JsonObject;
  ResultWriter?: JsonObject;
  ResultSelector?: Json;
  ResultPath?: string | null;
  MaxConcurrency?: number | string;
  MaxConcurrencyPath?: string;
  ToleratedFailureCount?: number | string;
  ToleratedFailureCountPath?: string;
  ToleratedFailurePercentage?: number | string;
  ToleratedFailurePercentagePath?: string;
  Label?: string;
}

export type StateDefinition =
  | PassState
  | TaskState
  | ChoiceState
  | WaitState
  | SucceedState
  | FailState
  | ParallelState
  | MapState;

/** One problem found in a definition, in the shape of ValidateStateMachineDefinition's diagnostics. */
export interface Diagnostic {
  severity: 'ERROR' | 'WARNING';
  code: string;
  message: string;
  /** JSON pointer into the definition, e.g. `/States/Wait/Seconds`; absent when AWS gives none. */
  location?: string;
}
