import { EngineError, type EngineErrorCode, type InternalErrorCode } from '../engine-error.ts';

/**
 * The errors of the wire protocol: AWS's JSON 1.0 error body `{"__type": "<namespace>#<Code>", "message": …}`
 * with AWS's HTTP status. SDKs keep only the part after `#`, so clients see the bare code.
 */
export type ApiErrorCode = Exclude<EngineErrorCode, InternalErrorCode> | ProtocolErrorCode;

/**
 * Errors of the protocol itself, around an operation rather than in it: the only codes the API layer raises as
 * ApiErrors of its own. Everything an operation refuses is an EngineError, whatever layer finds it.
 */
export type ProtocolErrorCode = 'UnknownOperationException' | 'SerializationException' | 'InternalFailure';

/** Step Functions' own errors (AWS: the Step Functions API: its errors: `com.amazonaws.swf.service.v2.model#ExecutionDoesNotExist`). */
const SFN = 'com.amazonaws.swf.service.v2.model';
/** Errors of the AWS service framework itself, before an operation runs. */
const CORAL = 'com.amazon.coral.service';
/** Model-constraint violations (reported by a third-party emulator's measurements against AWS; unverified here). */
const CORAL_VALIDATE = 'com.amazon.coral.validate';

/** The one table from an error's code to its HTTP status and the namespace of its `__type`. */
export const WIRE_ERRORS: Readonly<Record<ApiErrorCode, { status: number; namespace: string }>> = {
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
  ExecutionNotRedrivable: { status: 400, namespace: SFN },
  ExecutionAlreadyExists: { status: 400, namespace: SFN },
  TaskDoesNotExist: { status: 400, namespace: SFN },
  ActivityDoesNotExist: { status: 400, namespace: SFN },
  ActivityAlreadyExists: { status: 400, namespace: SFN },
  TaskTimedOut: { status: 400, namespace: SFN },
  ConflictException: { status: 409, namespace: SFN },
  ResourceNotFound: { status: 404, namespace: SFN },
  TooManyTags: { status: 400, namespace: SFN },
  ServiceQuotaExceededException: { status: 402, namespace: SFN },
  UnknownOperationException: { status: 400, namespace: CORAL },
  SerializationException: { status: 400, namespace: CORAL },
  InternalFailure: { status: 500, namespace: CORAL },
};

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  /** Members of the error shape besides `message` (`resourceName` of ResourceNotFound and TooManyTags). */
  readonly members: Readonly<Record<string, string>>;

  constructor(
    code: ApiErrorCode,
    message: string,
    options: ErrorOptions & { members?: Record<string, string> } = {},
  ) {
    const { members = {}, ...errorOptions } = options;
    super(message, errorOptions);
    this.name = 'ApiError';
    this.code = code;
    this.members = members;
  }

  get status(): number {
    return WIRE_ERRORS[this.code].status;
  }

  /** The response body's JSON object. */
  toBody(): Record<string, string> {
    return {
      __type: `${WIRE_ERRORS[this.code].namespace}#${this.code}`,
      message: this.message,
      ...this.members,
    };
  }
}

/**
 * What a thrown value answers on the wire; undefined for anything else, an InvariantError (a bug) or an outage
 * included: those are a 500 InternalFailure whose details stay in the log.
 */
export function toApiError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (error instanceof EngineError && isWireCode(error.code)) {
    return new ApiError(error.code, error.message, {
      cause: error,
      ...(error.resourceName !== undefined ? { members: { resourceName: error.resourceName } } : {}),
    });
  }
  return undefined;
}

function isWireCode(code: EngineErrorCode): code is Exclude<EngineErrorCode, InternalErrorCode> {
  return Object.hasOwn(WIRE_ERRORS, code);
}
