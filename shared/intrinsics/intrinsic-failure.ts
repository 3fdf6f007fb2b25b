import { StatesError, StatesErrors } from '../language/states-error.ts';
import { type Json, MAX_PAYLOAD_BYTES, stringifyJson } from '../lib/json.ts';

/**
 * The error name an intrinsic fails with at run time. The spec and the developer guide name
 * `States.IntrinsicFailure`, but executions on AWS report `States.Runtime` (not catchable by
 * `States.ALL`): a bad `States.MathAdd` argument fails with `States.Runtime` and a cause containing
 * "Invalid arguments in States.MathAdd" (aws-test-harness tests run against a deployed stack), and a
 * path argument that matches nothing fails with `States.Runtime` (floci-io/floci
 * AslExecutorIntrinsicMissingArgumentTest, "captured from real AWS").
 */
export const INTRINSIC_ERROR_NAME: string = StatesErrors.Runtime;

/** A failure inside one call; `evaluateIntrinsic` turns it into a StatesError naming the whole text. */
export class IntrinsicEvaluationError extends Error {
  override name = 'IntrinsicEvaluationError';
  readonly detail: string;

  constructor(detail: string) {
    super(detail);
    this.detail = detail;
  }
}

/** AWS's wording for a bad argument to a function (type, range, limit): "Invalid arguments in States.X". */
export function invalidArguments(functionName: string): IntrinsicEvaluationError {
  return new IntrinsicEvaluationError(`Invalid arguments in ${functionName}`);
}

/**
 * AWS's wording for a path argument that selects nothing. A `$$` path is reported rewritten to `$…`
 * and against the state input, as Step Functions Local words it (floci-io/floci, same test).
 */
export function pathNotFound(path: string, input: Json): IntrinsicEvaluationError {
  const field = path.startsWith('$$') ? path.slice(1) : path;
  return new IntrinsicEvaluationError(
    `The JsonPath argument for the field '${field}' could not be found in the input '${stringifyJson(input)}'`,
  );
}

/** The cause AWS writes: the whole expression as written, then what went wrong inside it. */
export function intrinsicFailure(text: string, detail: string): StatesError {
  return new StatesError(INTRINSIC_ERROR_NAME, `The function '${text}' had the following error: ${detail}`);
}

/**
 * How large one call's result may be: four times the 256 KiB payload quota. A result over the quota can
 * only make the state's output or a variable too large, which the state's own checks fail with AWS's
 * States.DataLimitExceeded and AWS's cause; this bound sits above them so that they speak first, and
 * only stops what would grow without end (nested calls multiplying sizes, a Format of many large values)
 * before it is built.
 */
export const MAX_INTRINSIC_RESULT_BYTES = 4 * MAX_PAYLOAD_BYTES;

/** A call whose result would be over MAX_INTRINSIC_RESULT_BYTES: States.DataLimitExceeded. */
export class IntrinsicResultTooLarge extends Error {
  override name = 'IntrinsicResultTooLarge';

  constructor(functionName: string) {
    super(
      `The result of ${functionName} is over ${MAX_INTRINSIC_RESULT_BYTES} bytes, four times the payload quota`,
    );
  }
}

export function resultTooLarge(text: string, error: IntrinsicResultTooLarge): StatesError {
  return new StatesError(
    StatesErrors.DataLimitExceeded,
    `The function '${text}' had the following error: ${error.message}`,
  );
}
