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
  | 'TaskDoesNotExist'
  | 'TaskTimedOut'
  | 'ConflictException'
  /** TagResource and friends on an ARN that names nothing; AWS's one 404. Carries `resourceName`. */
  | 'ResourceNotFound'
  /** A resource would have more than 50 tags. Carries `resourceName`. */
  | 'TooManyTags';

export interface EngineErrorOptions extends ErrorOptions {
  /** Why a definition is invalid (InvalidDefinition). */
  diagnostics?: readonly Diagnostic[];
  /** The resource a ResourceNotFound or TooManyTags is about (a member of AWS's error shape). */
  resourceName?: string;
}

export class EngineError extends Error {
  readonly code: EngineErrorCode;
  readonly diagnostics: readonly Diagnostic[];
  readonly resourceName: string | undefined;

  constructor(code: EngineErrorCode, message: string, options: EngineErrorOptions = {}) {
    const { diagnostics = [], resourceName, ...errorOptions } = options;
    super(message, errorOptions);
    this.name = 'EngineError';
    this.code = code;
    this.diagnostics = diagnostics;
    this.resourceName = resourceName;
  }
}
