import type { QueryLanguage, StateType } from '../language/types.ts';

/**
 * Which fields each state type takes (AWS: the ASL specification: common state fields; the ASL specification: state types; the same matrix third-party rules measured
 * with ValidateStateMachineDefinition, 8 types × 50 fields). Anything else on a state is
 * "Field 'X' is not supported", located at the state.
 */
const COMMON = ['Type', 'Comment', 'QueryLanguage'] as const;

export const STATE_FIELDS: Readonly<Record<StateType, ReadonlySet<string>>> = {
  Pass: fields(
    'InputPath',
    'OutputPath',
    'Result',
    'ResultPath',
    'Parameters',
    'Output',
    'Assign',
    'Next',
    'End',
  ),
  Task: fields(
    'InputPath',
    'OutputPath',
    'ResultPath',
    'Parameters',
    'Arguments',
    'Output',
    'Assign',
    'Resource',
    'Credentials',
    'ResultSelector',
    'Retry',
    'Catch',
    'TimeoutSeconds',
    'TimeoutSecondsPath',
    'HeartbeatSeconds',
    'HeartbeatSecondsPath',
    'Next',
    'End',
  ),
  Wait: fields(
    'InputPath',
    'OutputPath',
    'Output',
    'Assign',
    'Seconds',
    'Timestamp',
    'SecondsPath',
    'TimestampPath',
    'Next',
    'End',
  ),
  Parallel: fields(
    'InputPath',
    'OutputPath',
    'ResultPath',
    'Parameters',
    'Arguments',
    'Output',
    'Assign',
    'ResultSelector',
    'Retry',
    'Catch',
    'Branches',
    'Next',
    'End',
  ),
  Map: fields(
    'InputPath',
    'OutputPath',
    'ResultPath',
    'Parameters',
    'Output',
    'Assign',
    'ResultSelector',
    'Retry',
    'Catch',
    'ItemProcessor',
    'Iterator',
    'ItemsPath',
    'Items',
    'ItemSelector',
    'ItemReader',
    'ItemBatcher',
    'ResultWriter',
    'MaxConcurrency',
    'MaxConcurrencyPath',
    'ToleratedFailurePercentage',
    'ToleratedFailurePercentagePath',
    'ToleratedFailureCount',
    'ToleratedFailureCountPath',
    'Label',
    'Next',
    'End',
  ),
  Choice: fields('InputPath', 'OutputPath', 'Output', 'Assign', 'Choices', 'Default'),
  Succeed: fields('InputPath', 'OutputPath', 'Output'),
  Fail: fields('Error', 'Cause', 'ErrorPath', 'CausePath'),
};

export const STATE_TYPES: readonly StateType[] = [
  'Pass',
  'Task',
  'Choice',
  'Wait',
  'Succeed',
  'Fail',
  'Parallel',
  'Map',
];

/** Fields of the definition itself. */
export const TOP_LEVEL_FIELDS: ReadonlySet<string> = new Set([
  'Comment',
  'StartAt',
  'States',
  'Version',
  'TimeoutSeconds',
  'QueryLanguage',
]);

/** A Parallel branch; a Map processor adds ProcessorConfig. Neither may declare a QueryLanguage (floci-io/floci#2968). */
export const BRANCH_FIELDS: ReadonlySet<string> = new Set(['StartAt', 'States', 'Comment']);
export const PROCESSOR_FIELDS: ReadonlySet<string> = new Set([
  'StartAt',
  'States',
  'Comment',
  'ProcessorConfig',
]);

export const RETRIER_FIELDS: ReadonlySet<string> = new Set([
  'ErrorEquals',
  'IntervalSeconds',
  'MaxAttempts',
  'BackoffRate',
  'MaxDelaySeconds',
  'JitterStrategy',
  'Comment',
]);
export const CATCHER_FIELDS: ReadonlySet<string> = new Set([
  'ErrorEquals',
  'Next',
  'ResultPath',
  'Assign',
  'Output',
  'Comment',
]);

/** Fields that exist in one query language only (AWS: the ASL docs on JSONata). */
export const LANGUAGE_ONLY_FIELDS: Readonly<Record<QueryLanguage, ReadonlySet<string>>> = {
  JSONPath: new Set([
    'InputPath',
    'OutputPath',
    'ResultPath',
    'Parameters',
    'ResultSelector',
    'Result',
    'ItemsPath',
    'TimeoutSecondsPath',
    'HeartbeatSecondsPath',
    'SecondsPath',
    'TimestampPath',
    'MaxConcurrencyPath',
    'ToleratedFailurePercentagePath',
    'ToleratedFailureCountPath',
    'ErrorPath',
    'CausePath',
  ]),
  JSONata: new Set(['Arguments', 'Output', 'Items']),
};

/** Required fields per state type, in the order AWS lists them. */
export const REQUIRED_STATE_FIELDS: Readonly<Partial<Record<StateType, readonly string[]>>> = {
  Task: ['Resource'],
  Choice: ['Choices'],
  Parallel: ['Branches'],
};

/** Pairs of a literal field and its `…Path` twin: never both (AWS lists them literal first). */
export const EXCLUSIVE_PAIRS: readonly (readonly [string, string])[] = [
  ['TimeoutSeconds', 'TimeoutSecondsPath'],
  ['HeartbeatSeconds', 'HeartbeatSecondsPath'],
  ['MaxConcurrency', 'MaxConcurrencyPath'],
  ['ToleratedFailurePercentage', 'ToleratedFailurePercentagePath'],
  ['ToleratedFailureCount', 'ToleratedFailureCountPath'],
  ['Error', 'ErrorPath'],
  ['Cause', 'CausePath'],
];

/** Wait takes exactly one of these, listed in AWS's order. */
export const WAIT_FIELDS = ['SecondsPath', 'Seconds', 'TimestampPath', 'Timestamp'] as const;

/** A numeric field: integer or not, with its bounds. */
export interface NumberRule {
  integer: boolean;
  min?: number;
  max?: number;
}

/** Largest value AWS takes for second counts (`Maximum value is 99999999`, cfn-lint#4075). */
const MAX_SECONDS = 99_999_999;

export const STATE_NUMBER_FIELDS: Readonly<Record<string, NumberRule>> = {
  TimeoutSeconds: { integer: true, min: 1, max: MAX_SECONDS },
  HeartbeatSeconds: { integer: true, min: 1, max: MAX_SECONDS },
  Seconds: { integer: true, min: 0, max: MAX_SECONDS },
  MaxConcurrency: { integer: true, min: 0 },
  ToleratedFailureCount: { integer: true, min: 0 },
  ToleratedFailurePercentage: { integer: false, min: 0, max: 100 },
};

export const RETRIER_NUMBER_FIELDS: Readonly<Record<string, NumberRule>> = {
  IntervalSeconds: { integer: true, min: 1, max: MAX_SECONDS },
  MaxAttempts: { integer: true, min: 0, max: MAX_SECONDS },
  BackoffRate: { integer: false, min: 1 },
  MaxDelaySeconds: { integer: true, min: 1, max: 31_622_400 },
};

export const TOP_LEVEL_TIMEOUT: NumberRule = { integer: true, min: 1, max: MAX_SECONDS };

function fields(...names: string[]): ReadonlySet<string> {
  return new Set([...COMMON, ...names]);
}
