import type { Diagnostic } from '../language/types.ts';

/**
 * Errors of the engine's use cases: what a caller did wrong or asked for that is not there. `code` is the AWS
 * Step Functions API error it answers on the wire (shared/engine/api/api-error.ts holds the one table from code
 * to HTTP status and error type), so a caller decides by `code`, never by the message.
 *
 * A bug of the engine is not one of these: it is an InvariantError (shared/lib/invariant-error.ts), which the
 * API answers as an InternalFailure.
 */
export type EngineErrorCode =
  | 'InvalidDefinition'
  | 'InvalidExecutionInput'
  | 'InvalidName'
  | 'InvalidArn'
  | 'InvalidOutput'
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
  /**
   * Lambda's Invoke call itself failed (no such function, throttled…): raised by the Lambda adapters and
   * turned into the Task's error `Lambda.<serviceCode>`, never answered on the wire. Carries `serviceCode`.
   */
  | 'LambdaServiceFailure';

/** The codes that stay inside the engine: an API caller never sees them (a 500 if one escapes). */
export type InternalErrorCode = 'LambdaServiceFailure';

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
