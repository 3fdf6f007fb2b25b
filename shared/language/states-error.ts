/**
 * An ASL runtime error: the `Error` and `Cause` a state fails with, as data.
 * `name` is an AWS error name (`States.Runtime`, `States.ParameterPathFailure`, a Lambda `errorType`, …).
 */
export class StatesError extends Error {
  readonly error: string;
  readonly errorCause: string;

  constructor(error: string, cause: string) {
    super(`${error}: ${cause}`);
    this.name = 'StatesError';
    this.error = error;
    this.errorCause = cause;
  }
}

/** The predefined error names of the States language. */
export const StatesErrors = {
  ALL: 'States.ALL',
  HeartbeatTimeout: 'States.HeartbeatTimeout',
  Timeout: 'States.Timeout',
  TaskFailed: 'States.TaskFailed',
  Permissions: 'States.Permissions',
  ResultPathMatchFailure: 'States.ResultPathMatchFailure',
  ParameterPathFailure: 'States.ParameterPathFailure',
  QueryEvaluationError: 'States.QueryEvaluationError',
  BranchFailed: 'States.BranchFailed',
  NoChoiceMatched: 'States.NoChoiceMatched',
  IntrinsicFailure: 'States.IntrinsicFailure',
  ExceedToleratedFailureThreshold: 'States.ExceedToleratedFailureThreshold',
  ItemReaderFailed: 'States.ItemReaderFailed',
  ResultWriterFailed: 'States.ResultWriterFailed',
  DataLimitExceeded: 'States.DataLimitExceeded',
  Runtime: 'States.Runtime',
} as const;

/** AWS's cause for a state or task whose result is over the 256 KiB payload quota (States.DataLimitExceeded). */
export function payloadTooLargeCause(stateOrTask: string): string {
  return `The state/task '${stateOrTask}' returned a result with a size exceeding the maximum number of bytes service limit.`;
}

/** AWS's cause for a task input (after Parameters or Arguments) over the payload quota. */
export function inputTooLargeCause(stateOrTask: string): string {
  return `The state/task '${stateOrTask}' has an input with a size exceeding the maximum number of bytes service limit.`;
}
