import type { Diagnostic } from '../language/types.ts';

/** Errors of the engine's use cases. `code` is the AWS Step Functions API error it maps to. */
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
  | 'ConflictException';

export class EngineError extends Error {
  readonly code: EngineErrorCode;
  readonly diagnostics: readonly Diagnostic[];

  constructor(code: EngineErrorCode, message: string, diagnostics: readonly Diagnostic[] = []) {
    super(message);
    this.name = 'EngineError';
    this.code = code;
    this.diagnostics = diagnostics;
  }
}
