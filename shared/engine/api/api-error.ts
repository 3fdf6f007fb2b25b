import {
  type AnsweredErrorCode,
  type EngineErrorCode,
  type InternalErrorCode,
  isAnsweredError,
} from '../engine-error.ts';

/**
 * The one table from an EngineError's code to what the wire carries: AWS's error name, its HTTP status and the
 * namespace of the JSON 1.0 body's `__type` (`{"__type": "<namespace>#<Name>", "message": …}`; SDKs keep only
 * the part after `#`, so clients see the bare name). Typed over the whole code union, so a new code without a
 * row is a type error, and every internal code must be answered as an InternalFailure.
 */

/** The AWS error names Statefold answers with (the Step Functions API reference's errors, and the JSON protocol's own). */
export type AwsErrorName = AnsweredErrorCode | 'InternalFailure';

export interface WireError {
  readonly error: AwsErrorName;
  readonly status: number;
  readonly namespace: string;
}

/** Step Functions' own errors (AWS: the Step Functions API: its errors: `com.amazonaws.swf.service.v2.model#ExecutionDoesNotExist`). */
const SFN = 'com.amazonaws.swf.service.v2.model';
/** Errors of the AWS service framework itself, before an operation runs. */
const CORAL = 'com.amazon.coral.service';
/** Model-constraint violations (reported by a third-party emulator's measurements against AWS; unverified here). */
const CORAL_VALIDATE = 'com.amazon.coral.validate';

const sfn = <C extends AnsweredErrorCode>(error: C, status = 400) => ({ error, status, namespace: SFN });
/** What an internal failure (or a bug, or anything else thrown) is answered with; its details go to the log. */
const INTERNAL_FAILURE = { error: 'InternalFailure', status: 500, namespace: CORAL } as const;

export const WIRE_ERRORS: {
  readonly [C in EngineErrorCode]: C extends InternalErrorCode ? typeof INTERNAL_FAILURE : WireError;
} = {
  InvalidDefinition: sfn('InvalidDefinition'),
  InvalidExecutionInput: sfn('InvalidExecutionInput'),
  InvalidName: sfn('InvalidName'),
  InvalidArn: sfn('InvalidArn'),
  InvalidOutput: sfn('InvalidOutput'),
  InvalidToken: sfn('InvalidToken'),
  ValidationException: { error: 'ValidationException', status: 400, namespace: CORAL_VALIDATE },
  MissingRequiredParameter: sfn('MissingRequiredParameter'),
  StateMachineDoesNotExist: sfn('StateMachineDoesNotExist'),
  StateMachineAlreadyExists: sfn('StateMachineAlreadyExists'),
  StateMachineTypeNotSupported: sfn('StateMachineTypeNotSupported'),
  ExecutionDoesNotExist: sfn('ExecutionDoesNotExist'),
  ExecutionNotRedrivable: sfn('ExecutionNotRedrivable'),
  ExecutionAlreadyExists: sfn('ExecutionAlreadyExists'),
  TaskDoesNotExist: sfn('TaskDoesNotExist'),
  ActivityDoesNotExist: sfn('ActivityDoesNotExist'),
  ActivityAlreadyExists: sfn('ActivityAlreadyExists'),
  TaskTimedOut: sfn('TaskTimedOut'),
  ConflictException: sfn('ConflictException', 409),
  ResourceNotFound: sfn('ResourceNotFound', 404),
  TooManyTags: sfn('TooManyTags'),
  ServiceQuotaExceededException: sfn('ServiceQuotaExceededException', 402),
  UnknownOperationException: { error: 'UnknownOperationException', status: 400, namespace: CORAL },
  SerializationException: { error: 'SerializationException', status: 400, namespace: CORAL },
  LambdaServiceFailure: INTERNAL_FAILURE,
  InfrastructureFailure: INTERNAL_FAILURE,
  S3WriteRefused: INTERNAL_FAILURE,
  QueueSendRefused: INTERNAL_FAILURE,
  MalformedMessage: INTERNAL_FAILURE,
  ItemReaderFailure: INTERNAL_FAILURE,
};

/**
 * A failed request as the wire carries it: status, error name and body. It stays beside EngineError because it
 * is only that, the answer's shape: nothing throws it or catches it. Every failure is raised as an EngineError
 * (or is a bug), and respondWithError turns it into this at the edge.
 */
export interface ApiError {
  readonly status: number;
  /** The bare AWS error name (the `x-amzn-errortype` header). */
  readonly error: AwsErrorName;
  /** The response body's JSON object: `__type`, `message` and the shape's other members (`resourceName`). */
  readonly body: Readonly<Record<string, string>>;
}

/**
 * What a thrown value answers on the wire; undefined for anything else, an internal EngineError, an
 * InvariantError (a bug) or an outage included: those are a 500 InternalFailure (internalFailure) whose details
 * stay in the log.
 */
export function toApiError(error: unknown): ApiError | undefined {
  if (!isAnsweredError(error)) return undefined;
  return answer(WIRE_ERRORS[error.code], error.message, {
    ...(error.resourceName !== undefined ? { resourceName: error.resourceName } : {}),
  });
}

/** The answer to anything toApiError does not answer: a generic message naming the request. */
export function internalFailure(requestId: string): ApiError {
  return answer(
    INTERNAL_FAILURE,
    `The request processing has failed because of an unknown error (request id ${requestId})`,
  );
}

function answer(wire: WireError, message: string, members: Record<string, string> = {}): ApiError {
  return {
    status: wire.status,
    error: wire.error,
    body: { __type: `${wire.namespace}#${wire.error}`, message, ...members },
  };
}
