import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, type ProtocolErrorCode, WIRE_ERRORS } from '../../../shared/engine/api/api-error.ts';
import { respondWithError } from '../../../shared/engine/api/handle-api-request.ts';
import {
  EngineError,
  type EngineErrorCode,
  type InternalErrorCode,
} from '../../../shared/engine/engine-error.ts';
import type { Diagnostic } from '../../../shared/language/types.ts';
import { InvariantError } from '../../../shared/lib/invariant-error.ts';

/**
 * The one mapping from an error's code to what the wire carries: AWS's HTTP status and the namespaced `__type`
 * (the `x-amzn-errortype` header holds the bare code). The expected values are written out here, not read from
 * the table under test, so a changed row fails.
 */

const SFN = 'com.amazonaws.swf.service.v2.model';
const CORAL = 'com.amazon.coral.service';
const VALIDATE = 'com.amazon.coral.validate';

/** Typed by code: a new code without a row here is a type error. */
const ENGINE_CODES: Record<
  Exclude<EngineErrorCode, InternalErrorCode>,
  { status: number; namespace: string }
> = {
  InvalidDefinition: { status: 400, namespace: SFN },
  InvalidExecutionInput: { status: 400, namespace: SFN },
  InvalidName: { status: 400, namespace: SFN },
  InvalidArn: { status: 400, namespace: SFN },
  InvalidOutput: { status: 400, namespace: SFN },
  InvalidToken: { status: 400, namespace: SFN },
  ValidationException: { status: 400, namespace: VALIDATE },
  MissingRequiredParameter: { status: 400, namespace: SFN },
  StateMachineDoesNotExist: { status: 400, namespace: SFN },
  StateMachineAlreadyExists: { status: 400, namespace: SFN },
  StateMachineTypeNotSupported: { status: 400, namespace: SFN },
  ExecutionDoesNotExist: { status: 400, namespace: SFN },
  ExecutionAlreadyExists: { status: 400, namespace: SFN },
  ExecutionNotRedrivable: { status: 400, namespace: SFN },
  TaskDoesNotExist: { status: 400, namespace: SFN },
  ActivityDoesNotExist: { status: 400, namespace: SFN },
  ActivityAlreadyExists: { status: 400, namespace: SFN },
  TaskTimedOut: { status: 400, namespace: SFN },
  ConflictException: { status: 409, namespace: SFN },
  ResourceNotFound: { status: 404, namespace: SFN },
  TooManyTags: { status: 400, namespace: SFN },
  ServiceQuotaExceededException: { status: 402, namespace: SFN },
};

const PROTOCOL_CODES: Record<ProtocolErrorCode, { status: number; namespace: string }> = {
  UnknownOperationException: { status: 400, namespace: CORAL },
  SerializationException: { status: 400, namespace: CORAL },
  InternalFailure: { status: 500, namespace: CORAL },
};

const REQUEST_ID = '00000000-0000-4000-8000-000000000000';
const GENERIC_500 = `The request processing has failed because of an unknown error (request id ${REQUEST_ID})`;

function rowsOf<C extends string>(table: Record<C, { status: number; namespace: string }>) {
  return (Object.entries(table) as [C, { status: number; namespace: string }][]).map(([code, wire]) => ({
    code,
    ...wire,
  }));
}

function answer(error: unknown) {
  const response = respondWithError(error, REQUEST_ID, 'SomeOperation');
  return {
    status: response.statusCode,
    errorType: response.headers['x-amzn-errortype'],
    body: JSON.parse(response.body) as Record<string, string>,
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the wire answer of an error', () => {
  it('the table has a row for every code and nothing else', () => {
    expect(Object.keys(WIRE_ERRORS).sort()).toEqual(
      [...Object.keys(ENGINE_CODES), ...Object.keys(PROTOCOL_CODES)].sort(),
    );
  });

  it.each(rowsOf(ENGINE_CODES))(
    'EngineError $code is HTTP $status, $namespace#$code, with its message',
    ({ code, status, namespace }) => {
      expect(answer(new EngineError(code, `the ${code} message`))).toEqual({
        status,
        errorType: code,
        body: { __type: `${namespace}#${code}`, message: `the ${code} message` },
      });
    },
  );

  it.each(rowsOf(PROTOCOL_CODES))(
    'ApiError $code is HTTP $status, $namespace#$code, with its message',
    ({ code, status, namespace }) => {
      expect(answer(new ApiError(code, `the ${code} message`))).toEqual({
        status,
        errorType: code,
        body: { __type: `${namespace}#${code}`, message: `the ${code} message` },
      });
    },
  );

  it.each<[EngineErrorCode, number]>([
    ['ResourceNotFound', 404],
    ['TooManyTags', 400],
  ])('%s carries the resourceName member of its AWS shape', (code, status) => {
    const arn = 'arn:aws:states:us-east-1:123456789012:stateMachine:orders';
    expect(answer(new EngineError(code, 'message', { resourceName: arn }))).toEqual({
      status,
      errorType: code,
      body: { __type: `${SFN}#${code}`, message: 'message', resourceName: arn },
    });
  });

  it('the cause of an EngineError stays off the wire', () => {
    const cause = new SyntaxError('Unexpected token } in JSON');
    expect(answer(new EngineError('InvalidOutput', "Invalid Output: 'x'", { cause })).body).toEqual({
      __type: `${SFN}#InvalidOutput`,
      message: "Invalid Output: 'x'",
    });
  });

  it.each<[string, unknown]>([
    ['an InvariantError (a bug)', new InvariantError('Revision r1 of arn:… is missing')],
    ['a plain Error (an outage)', new Error('connect ECONNREFUSED')],
    ['a thrown non-Error', 'just a string'],
  ])('%s is a 500 InternalFailure whose details go to the log, not the client', (_, error) => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(answer(error)).toEqual({
      status: 500,
      errorType: 'InternalFailure',
      body: { __type: `${CORAL}#InternalFailure`, message: GENERIC_500 },
    });
    expect(log).toHaveBeenCalledOnce();
    expect(log.mock.calls[0]?.[0]).toContain(error instanceof Error ? error.message : String(error));
  });
});

describe('EngineError', () => {
  const DIAGNOSTICS: Diagnostic[] = [{ severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', message: 'm' }];

  it.each<[string, ConstructorParameters<typeof EngineError>[2], Diagnostic[]]>([
    ['no options', undefined, []],
    ['options with diagnostics', { diagnostics: DIAGNOSTICS }, DIAGNOSTICS],
  ])('with %s keeps the diagnostics it was given', (_, options, diagnostics) => {
    expect(
      new EngineError('InvalidDefinition', 'Invalid State Machine Definition', options).diagnostics,
    ).toEqual(diagnostics);
  });

  it('chains the error it wraps as its cause', () => {
    const cause = new SyntaxError('bad JSON');
    const error = new EngineError('InvalidToken', "Invalid Token: 'x'", { cause });
    expect(error.cause).toBe(cause);
    expect(error.resourceName).toBeUndefined();
  });
});
