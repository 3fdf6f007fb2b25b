import { EngineError, type EngineErrorCode } from '../engine-error.ts';
import { TaggingError } from '../tags.ts';

/**
 * The errors of the wire protocol: AWS's JSON 1.0 error body `{"__type": "<namespace>#<Code>", "message": …}`
 * with AWS's HTTP status. SDKs keep only the part after `#`, so clients see the bare code.
 */
export type ApiErrorCode =
  | EngineErrorCode
  | TaggingError['code']
  | 'UnknownOperationException'
  | 'SerializationException'
  | 'InternalFailure';

/** Step Functions' own errors (inventory §1.2: `com.amazonaws.swf.service.v2.model#ExecutionDoesNotExist`). */
const SFN = 'com.amazonaws.swf.service.v2.model';
/** Errors of the AWS service framework itself, before an operation runs. */
const CORAL = 'com.amazon.coral.service';
/** Model-constraint violations (reported by a third-party emulator's measurements against AWS; unverified here). */
const CORAL_VALIDATE = 'com.amazon.coral.validate';

const ERROR_TYPES: Record<ApiErrorCode, { status: number; namespace: string }> = {
  InvalidDefinition: { status: 400, namespace: SFN },
  InvalidExecutionInput: { status: 400, namespace: SFN },
  InvalidName: { status: 400, namespace: SFN },
  InvalidArn: { status: 400, namespace: SFN },
  InvalidOutput: { status: 400, namespace: SFN },
  InvalidToken: { status: 400, namespace: SFN },
  ValidationException: { status: 400, namespace: CORAL_VALIDATE },
  MissingRequiredParameter: { status: 400, namespace: SFN },
  StateMachineDoesNotExist: { status: 400, namespace: SFN },
  StateMachineAlreadyExists: { status: 400, namespace: SFN },
  StateMachineTypeNotSupported: { status: 400, namespace: SFN },
  ExecutionDoesNotExist: { status: 400, namespace: SFN },
  ExecutionAlreadyExists: { status: 400, namespace: SFN },
  TaskDoesNotExist: { status: 400, namespace: SFN },
  TaskTimedOut: { status: 400, namespace: SFN },
  ConflictException: { status: 409, namespace: SFN },
  ResourceNotFound: { status: 404, namespace: SFN },
  TooManyTags: { status: 400, namespace: SFN },
  UnknownOperationException: { status: 400, namespace: CORAL },
  SerializationException: { status: 400, namespace: CORAL },
  InternalFailure: { status: 500, namespace: CORAL },
};

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  /** Members of the error shape besides `message` (`resourceName` of ResourceNotFound and TooManyTags). */
  readonly members: Readonly<Record<string, string>>;

  constructor(code: ApiErrorCode, message: string, members: Record<string, string> = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.members = members;
  }

  get status(): number {
    return ERROR_TYPES[this.code].status;
  }

  /** The response body's JSON object. */
  toBody(): Record<string, string> {
    return {
      __type: `${ERROR_TYPES[this.code].namespace}#${this.code}`,
      message: this.message,
      ...this.members,
    };
  }
}

/** What a thrown value answers on the wire; undefined for an unexpected error (a bug or an outage). */
export function toApiError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (error instanceof EngineError) return new ApiError(error.code, error.message);
  if (error instanceof TaggingError) {
    return new ApiError(error.code, error.message, { resourceName: error.resourceName });
  }
  return undefined;
}
