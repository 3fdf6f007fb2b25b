import * as sfnModel from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type AwsErrorName, WIRE_ERRORS } from '../../../shared/engine/api/api-error.ts';
import { respondWithError } from '../../../shared/engine/api/handle-api-request.ts';
import {
  type AnsweredErrorCode,
  EngineError,
  type EngineErrorCode,
  type InternalErrorCode,
  isInternalCode,
} from '../../../shared/engine/engine-error.ts';
import { InvariantError } from '../../../shared/lib/invariant-error.ts';

/**
 * The one mapping from an EngineError's code to what the wire carries: AWS's error name, AWS's HTTP status and
 * the namespaced `__type` (the `x-amzn-errortype` header holds the bare name). The expected values are written
 * out here, not read from the table under test, so a changed row fails.
 */

const SFN = 'com.amazonaws.swf.service.v2.model';
const CORAL = 'com.amazon.coral.service';
const VALIDATE = 'com.amazon.coral.validate';

interface Row {
  error: AwsErrorName;
  status: number;
  namespace: string;
}

/** Typed over the code union: a new code without a row here is a type error. */
const ANSWERED: { [C in AnsweredErrorCode]: Row } = {
  InvalidDefinition: { error: 'InvalidDefinition', status: 400, namespace: SFN },
  InvalidExecutionInput: { error: 'InvalidExecutionInput', status: 400, namespace: SFN },
  InvalidName: { error: 'InvalidName', status: 400, namespace: SFN },
  InvalidArn: { error: 'InvalidArn', status: 400, namespace: SFN },
  InvalidOutput: { error: 'InvalidOutput', status: 400, namespace: SFN },
  InvalidToken: { error: 'InvalidToken', status: 400, namespace: SFN },
  ValidationException: { error: 'ValidationException', status: 400, namespace: VALIDATE },
  MissingRequiredParameter: { error: 'MissingRequiredParameter', status: 400, namespace: SFN },
  StateMachineDoesNotExist: { error: 'StateMachineDoesNotExist', status: 400, namespace: SFN },
  StateMachineAlreadyExists: { error: 'StateMachineAlreadyExists', status: 400, namespace: SFN },
  StateMachineTypeNotSupported: { error: 'StateMachineTypeNotSupported', status: 400, namespace: SFN },
  ExecutionDoesNotExist: { error: 'ExecutionDoesNotExist', status: 400, namespace: SFN },
  ExecutionAlreadyExists: { error: 'ExecutionAlreadyExists', status: 400, namespace: SFN },
  ExecutionNotRedrivable: { error: 'ExecutionNotRedrivable', status: 400, namespace: SFN },
  TaskDoesNotExist: { error: 'TaskDoesNotExist', status: 400, namespace: SFN },
  ActivityDoesNotExist: { error: 'ActivityDoesNotExist', status: 400, namespace: SFN },
  ActivityAlreadyExists: { error: 'ActivityAlreadyExists', status: 400, namespace: SFN },
  TaskTimedOut: { error: 'TaskTimedOut', status: 400, namespace: SFN },
  ConflictException: { error: 'ConflictException', status: 409, namespace: SFN },
  ResourceNotFound: { error: 'ResourceNotFound', status: 404, namespace: SFN },
  TooManyTags: { error: 'TooManyTags', status: 400, namespace: SFN },
  ServiceQuotaExceededException: { error: 'ServiceQuotaExceededException', status: 402, namespace: SFN },
  UnknownOperationException: { error: 'UnknownOperationException', status: 400, namespace: CORAL },
  SerializationException: { error: 'SerializationException', status: 400, namespace: CORAL },
};

/** Failures the engine handles itself: a caller who meets one gets a 500 InternalFailure, nothing more. */
const INTERNAL: { [C in InternalErrorCode]: Row } = {
  LambdaServiceFailure: { error: 'InternalFailure', status: 500, namespace: CORAL },
  InfrastructureFailure: { error: 'InternalFailure', status: 500, namespace: CORAL },
  S3WriteRefused: { error: 'InternalFailure', status: 500, namespace: CORAL },
  QueueSendRefused: { error: 'InternalFailure', status: 500, namespace: CORAL },
  MalformedMessage: { error: 'InternalFailure', status: 500, namespace: CORAL },
  ItemReaderFailure: { error: 'InternalFailure', status: 500, namespace: CORAL },
};

/**
 * Errors of AWS's JSON 1.0 protocol and service framework, which the Step Functions model does not list:
 * InternalFailure is AWS's common 500; UnknownOperationException and SerializationException are what the
 * framework answers before an operation runs (an unknown X-Amz-Target, a body of the wrong JSON type).
 */
const PROTOCOL_ERRORS: ReadonlySet<AwsErrorName> = new Set<AwsErrorName>([
  'InternalFailure',
  'UnknownOperationException',
  'SerializationException',
]);

/** An error shape of the Step Functions model as @aws-sdk/client-sfn ships it: [-3, namespace, name, traits, members]. */
type ErrorSchema = [number, string, string, { error?: string; httpError?: number }, string[]];

function modelError(name: string): ErrorSchema | undefined {
  return (sfnModel as unknown as Record<string, ErrorSchema | undefined>)[`${name}$`];
}

const REQUEST_ID = '00000000-0000-4000-8000-000000000000';
const GENERIC_500 = `The request processing has failed because of an unknown error (request id ${REQUEST_ID})`;

function rowsOf(table: Partial<Record<EngineErrorCode, Row>>) {
  return (Object.entries(table) as [EngineErrorCode, Row][]).map(([code, row]) => ({ code, ...row }));
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

describe('the table from EngineError code to API error', () => {
  it('has a row for every code and nothing else', () => {
    expect(Object.keys(WIRE_ERRORS).sort()).toEqual(
      [...Object.keys(ANSWERED), ...Object.keys(INTERNAL)].sort(),
    );
  });

  it.each(rowsOf({ ...ANSWERED, ...INTERNAL }))('maps $code to $error, HTTP $status', ({ code, ...row }) => {
    expect(WIRE_ERRORS[code]).toEqual(row);
  });

  it.each(rowsOf(ANSWERED).filter(({ error }) => !PROTOCOL_ERRORS.has(error)))(
    '$error is an error of the Step Functions model, with its HTTP status',
    ({ error, status }) => {
      const schema = modelError(error);
      expect(schema?.[2]).toBe(error);
      expect(schema?.[3].error).toBe('client');
      // The JSON protocol answers a client error without an httpError trait with 400.
      expect(schema?.[3].httpError ?? 400).toBe(status);
    },
  );

  it.each(['ResourceNotFound', 'TooManyTags'] as const)(
    '%s carries resourceName in the model, as here',
    (code) => {
      expect(modelError(code)?.[4]).toContain('resourceName');
    },
  );

  it('every name outside the Step Functions model is one of the protocol’s own', () => {
    const outside = rowsOf({ ...ANSWERED, ...INTERNAL })
      .map(({ error }) => error)
      .filter((error) => modelError(error) === undefined);
    expect(new Set(outside)).toEqual(PROTOCOL_ERRORS);
  });

  it.each(rowsOf(INTERNAL))('$code is internal', ({ code }) => {
    expect(isInternalCode(code)).toBe(true);
  });

  it.each(rowsOf(ANSWERED))('$code is answered', ({ code }) => {
    expect(isInternalCode(code)).toBe(false);
  });
});

describe('the wire answer of an error', () => {
  it.each(rowsOf(ANSWERED))(
    'EngineError $code is HTTP $status, $namespace#$error, with its message',
    ({ code, error, status, namespace }) => {
      expect(answer(new EngineError(code, `the ${code} message`))).toEqual({
        status,
        errorType: error,
        body: { __type: `${namespace}#${error}`, message: `the ${code} message` },
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
    ...rowsOf(INTERNAL).map(
      ({ code }) =>
        [`an internal EngineError (${code})`, new EngineError(code, `the ${code} details`)] as [
          string,
          unknown,
        ],
    ),
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

  it('the log line of a 500 names the code and the whole cause chain', () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    answer(new EngineError('InfrastructureFailure', 'SendMessageBatch failed', { cause: throttled }));
    const line = JSON.parse(String(log.mock.calls[0]?.[0])) as { error: string; stack: string };
    expect(line.error).toBe(
      'EngineError [InfrastructureFailure]: SendMessageBatch failed ← caused by ThrottlingException: Rate exceeded',
    );
    expect(line.stack).toMatch(/^EngineError: SendMessageBatch failed\n\s+at /);
  });
});
