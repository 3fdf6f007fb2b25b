import type { Diagnostic } from '../language/types.ts';

/**
 * The one error type of the engine: every failure of a use case, an adapter behind a port or the API layer is an
 * EngineError with a typed `code`, and whoever handles one decides by that code, never by the message (the
 * message is for people). The error it comes from is chained as `cause` (ES2022), so the log shows the whole
 * chain while the wire shows only the message.
 *
 * Two kinds of codes:
 * - answered codes: what a caller did wrong or asked for that is not there; each is answered on the wire with
 *   AWS's error name and HTTP status (the table in shared/engine/api/api-error.ts);
 * - internal codes (InternalErrorCode): failures the engine handles itself (a Task's error, a retried message,
 *   a failed Map Run); one that escapes to an API caller is a 500 InternalFailure whose details stay in the log.
 *
 * A bug of the engine (a state that cannot happen) is not one of these: it is an InvariantError
 * (shared/lib/invariant-error.ts), which the API answers as an InternalFailure.
 */
export type EngineErrorCode = AnsweredErrorCode | InternalErrorCode;

/** The codes an API caller is answered with (shared/engine/api/api-error.ts: AWS's name and HTTP status). */
export type AnsweredErrorCode =
  | 'InvalidDefinition'
  | 'InvalidExecutionInput'
  | 'InvalidName'
  | 'InvalidArn'
  | 'InvalidOutput'
  /** A bad task token, or a `nextToken` no listing made (invalidPageToken). */
  | 'InvalidToken'
  | 'ValidationException'
  | 'MissingRequiredParameter'
  | 'StateMachineDoesNotExist'
  | 'StateMachineAlreadyExists'
  | 'StateMachineTypeNotSupported'
  | 'ExecutionDoesNotExist'
  | 'ExecutionAlreadyExists'
  /** RedriveExecution on an execution that is not FAILED, TIMED_OUT or ABORTED (or is past its redrive period). */
  | 'ExecutionNotRedrivable'
  | 'TaskDoesNotExist'
  | 'ActivityDoesNotExist'
  | 'ActivityAlreadyExists'
  | 'TaskTimedOut'
  | 'ConflictException'
  /** TagResource and friends on an ARN that names nothing; AWS's one 404. Carries `resourceName`. */
  | 'ResourceNotFound'
  /** A resource would have more than 50 tags. Carries `resourceName`. */
  | 'TooManyTags'
  /** More than 1000 versions or 100 aliases of one state machine. */
  | 'ServiceQuotaExceededException'
  /** The JSON protocol around an operation: a request that names no operation Statefold serves. */
  | 'UnknownOperationException'
  /** The JSON protocol around an operation: a body that is not JSON, or a member of the wrong JSON type. */
  | 'SerializationException';

/** The codes that stay inside the engine: an API caller never sees them (a 500 if one escapes). */
export type InternalErrorCode =
  /**
   * Lambda's Invoke call itself failed (no such function, throttled…): raised by the Lambda adapters and
   * turned into the Task's error `Lambda.<serviceCode>`. Carries `serviceCode`.
   */
  | 'LambdaServiceFailure'
  /**
   * A condition of the infrastructure under the engine that passes (a log other writers keep moving, a send
   * SQS failed on its side): the message is retried, never turned into a failed execution
   * (isInfrastructureError, shared/engine/infrastructure-failure.ts).
   */
  | 'InfrastructureFailure'
  /** S3 refused a ResultWriter's write (no such bucket, access denied…): the Map Run fails with the message. */
  | 'S3WriteRefused'
  /** SQS refused a send as the sender's fault (a message over its size limit, a bad attribute). */
  | 'QueueSendRefused'
  /** A queue message body that is not the envelope its queue carries (a poison message: retrying cannot help). */
  | 'MalformedMessage'
  /**
   * A Distributed Map's ItemReader cannot read its items (the user's data or definition: no such key, not JSON,
   * a CSV with duplicate headers…): the Map Run fails with States.ItemReaderFailed and the message as its cause.
   */
  | 'ItemReaderFailure';

const INTERNAL_CODES: { readonly [C in InternalErrorCode]: true } = {
  LambdaServiceFailure: true,
  InfrastructureFailure: true,
  S3WriteRefused: true,
  QueueSendRefused: true,
  MalformedMessage: true,
  ItemReaderFailure: true,
};

export interface EngineErrorOptions extends ErrorOptions {
  /** Why a definition is invalid (InvalidDefinition). */
  diagnostics?: readonly Diagnostic[];
  /** The resource a ResourceNotFound or TooManyTags is about (a member of AWS's error shape). */
  resourceName?: string;
  /** The error code of the service whose call failed (LambdaServiceFailure: `ResourceNotFoundException`). */
  serviceCode?: string;
}

export class EngineError extends Error {
  readonly code: EngineErrorCode;
  readonly diagnostics: readonly Diagnostic[];
  readonly resourceName: string | undefined;
  readonly serviceCode: string | undefined;

  constructor(code: EngineErrorCode, message: string, options: EngineErrorOptions = {}) {
    const { diagnostics = [], resourceName, serviceCode, ...errorOptions } = options;
    super(message, errorOptions);
    this.name = 'EngineError';
    this.code = code;
    this.diagnostics = diagnostics;
    this.resourceName = resourceName;
    this.serviceCode = serviceCode;
  }
}

/** Whether `error` is an EngineError with one of `codes`. */
export function isEngineError<C extends EngineErrorCode>(
  error: unknown,
  ...codes: readonly C[]
): error is EngineError & { readonly code: C } {
  return error instanceof EngineError && (codes as readonly EngineErrorCode[]).includes(error.code);
}

/**
 * Whether `error` is an EngineError a caller is answered with: its own mistake or a resource that is not there,
 * as opposed to an internal failure (retried, or a 500) or a bug. What a nested StartExecution, the command line
 * or local mode tells its user; anything else they pass on.
 */
export function isAnsweredError(error: unknown): error is EngineError & { readonly code: AnsweredErrorCode } {
  return error instanceof EngineError && !isInternalCode(error.code);
}

export function isInternalCode(code: EngineErrorCode): code is InternalErrorCode {
  return Object.hasOwn(INTERNAL_CODES, code);
}

/** A failed Lambda Invoke call, named as AWS names it in a Task's error (`Lambda.<serviceCode>`). */
export function lambdaServiceFailure(
  serviceCode: string,
  message: string,
  options?: ErrorOptions,
): EngineError {
  return new EngineError('LambdaServiceFailure', message, { ...options, serviceCode });
}

/** An invalid `nextToken` of any listing, in AWS's words. */
export function invalidPageToken(token: string, options?: ErrorOptions): EngineError {
  return new EngineError('InvalidToken', `Invalid Token: '${token}'`, options);
}
