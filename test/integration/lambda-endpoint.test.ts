import { LambdaClient, TooManyRequestsException } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineError, lambdaServiceFailure } from '../../shared/engine/engine-error.ts';
import { mapInvokeResponse } from '../../shared/engine/lambda-outcome.ts';
import type { LambdaInvokeRequest } from '../../shared/engine/ports.ts';
import { SdkLambdaInvoker, toServiceError } from '../../shared/integrations/lambda-invoker.ts';
import {
  functionInvocation,
  LocalFunctions,
  trackInvocations,
} from '../../shared/integrations/local-functions.ts';
import { type LambdaServer, startLambdaServer } from '../../shared/local/lambda-server.ts';

/**
 * The local Lambda endpoint as the real Lambda SDK client sees it, through the engine's SdkLambdaInvoker:
 * status codes, function errors, service errors with the cause AWS Step Functions records, and the wire
 * answers of the endpoint itself.
 */

const ACCOUNT = '123456789012';
const arnOf = (name: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

class BudgetExhausted extends Error {
  override name = 'BudgetExhausted';
}

const recorded: unknown[] = [];
const functions = (version: string) =>
  new LocalFunctions(
    {
      echo: async (event: unknown) => ({ version, echoed: event }),
      [arnOf('fail')]: () => {
        throw new BudgetExhausted('over budget');
      },
      record: (event: unknown) => {
        recorded.push(event);
      },
    },
    'us-east-1',
    ACCOUNT,
  );

let server: LambdaServer;
let client: LambdaClient;
let invoker: SdkLambdaInvoker;

beforeAll(async () => {
  server = await startLambdaServer({ functions: functions('v1') });
  client = new LambdaClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  invoker = new SdkLambdaInvoker({ client });
});
afterAll(async () => {
  client.destroy();
  await server.stop();
});

describe('Invoke through SdkLambdaInvoker', () => {
  it.each<[string, number, LambdaInvokeRequest, string]>([
    [
      'a function by name',
      200,
      { functionName: 'echo', payload: '{"a":1}' },
      '{"version":"v1","echoed":{"a":1}}',
    ],
    [
      'a function by ARN, with a qualifier',
      200,
      { functionName: arnOf('echo'), payload: '[1,"two"]', qualifier: 'live' },
      '{"version":"v1","echoed":[1,"two"]}',
    ],
    [
      'a function by qualified ARN',
      200,
      { functionName: `${arnOf('echo')}:live`, payload: 'null' },
      '{"version":"v1","echoed":null}',
    ],
    [
      'a RequestResponse invocation named as such',
      200,
      { functionName: 'echo', payload: '"text"', invocationType: 'RequestResponse' },
      '{"version":"v1","echoed":"text"}',
    ],
    ['an Event invocation', 202, { functionName: 'echo', payload: '{}', invocationType: 'Event' }, ''],
    ['a DryRun invocation', 204, { functionName: 'echo', payload: '{}', invocationType: 'DryRun' }, ''],
  ])('%s answers status %i with its payload', async (_label, statusCode, request, payload) => {
    const response = await invoker.invoke(request);
    expect(response).toEqual({
      statusCode,
      payload,
      executedVersion: '$LATEST',
      requestId: expect.stringMatching(UUID),
      date: expect.any(String),
      traceId: expect.stringMatching(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};/),
    });
    // The Date header of the response, within a minute of now.
    expect(Math.abs(Date.parse(response.date) - Date.now())).toBeLessThan(60_000);
  });

  it('an Event invocation runs the function after answering', async () => {
    const response = await invoker.invoke({
      functionName: 'record',
      payload: '{"n":1}',
      invocationType: 'Event',
    });
    expect(response.statusCode).toBe(202);
    await expect.poll(() => recorded).toEqual([{ n: 1 }]);
  });

  it('a function that throws answers 200 with X-Amz-Function-Error Unhandled, which fails the task with its errorType', async () => {
    const response = await invoker.invoke({ functionName: 'fail', payload: '{}' });
    expect(response).toMatchObject({ statusCode: 200, functionError: 'Unhandled' });
    expect(JSON.parse(response.payload)).toMatchObject({
      errorType: 'BudgetExhausted',
      errorMessage: 'over budget',
    });
    expect(mapInvokeResponse(response, 'invoke', arnOf('fail'))).toEqual({
      ok: false,
      error: 'BudgetExhausted',
      cause: response.payload,
    });
  });

  it.each<[string, Pick<LambdaInvokeRequest, 'functionName' | 'qualifier'>, string]>([
    ['a name', { functionName: 'missing' }, `${arnOf('missing')}:\\$LATEST`],
    ['a name and a qualifier', { functionName: 'missing', qualifier: 'live' }, `${arnOf('missing')}:live`],
    ['an ARN', { functionName: arnOf('gone') }, `${arnOf('gone')}:\\$LATEST`],
  ])(
    'a missing function by %s fails with Lambda.ResourceNotFoundException and the cause AWS records',
    async (_label, target, arn) => {
      const error = await invoker.invoke({ ...target, payload: '{}' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EngineError);
      expect(error).toMatchObject({ code: 'LambdaServiceFailure', serviceCode: 'ResourceNotFoundException' });
      expect((error as EngineError).message).toMatch(
        new RegExp(
          `^Function not found: ${arn} \\(Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: [0-9a-f-]{36}; Proxy: null\\)$`,
        ),
      );
    },
  );

  it('describes a throttled call as the Java SDK behind Step Functions does', () => {
    const throttled = new TooManyRequestsException({
      message: 'Rate Exceeded.',
      $metadata: { httpStatusCode: 429, requestId: 'req-1' },
    });
    expect(toServiceError(throttled)).toEqual(
      lambdaServiceFailure(
        'TooManyRequestsException',
        'Rate Exceeded. (Service: AWSLambda; Status Code: 429; Error Code: TooManyRequestsException; Request ID: req-1; Proxy: null)',
      ),
    );
  });

  it('rethrows a call that never reached Lambda as it is', async () => {
    const unreachable = new SdkLambdaInvoker({
      client: new LambdaClient({
        endpoint: 'http://127.0.0.1:1',
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        maxAttempts: 1,
      }),
    });
    const error = await unreachable.invoke({ functionName: 'echo', payload: '{}' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(EngineError);
  });

  it.each([
    [
      'the local invoker (namesExecution) tells the server the execution',
      true,
      'arn:aws:states:us-east-1:123456789012:execution:m:e1',
    ],
    ['a default invoker, as on AWS, sends no execution', false, null],
  ])('%s', async (_what, namesExecution, expected) => {
    server.setFunctions(
      new LocalFunctions({ who: () => functionInvocation.getStore() ?? null }, 'us-east-1', ACCOUNT),
    );
    // As statefold start's console prefixing does: the invocations are tracked only when something reads them.
    trackInvocations(true);
    try {
      const named = new SdkLambdaInvoker({ client, namesExecution });
      const response = await named.invoke({
        functionName: 'who',
        payload: '{}',
        executionArn: 'arn:aws:states:us-east-1:123456789012:execution:m:e1',
      });
      expect(JSON.parse(response.payload)).toEqual({
        functionName: 'who',
        ...(expected === null ? {} : { executionArn: expected }),
      });
    } finally {
      trackInvocations(false);
      server.setFunctions(functions('v1'));
    }
  });

  it('serves the functions it is given next', async () => {
    server.setFunctions(functions('v2'));
    try {
      const response = await invoker.invoke({ functionName: 'echo', payload: '1' });
      expect(response.payload).toBe('{"version":"v2","echoed":1}');
    } finally {
      server.setFunctions(functions('v1'));
    }
  });
});

describe('the local Lambda endpoint on the wire', () => {
  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${server.endpoint}${path}`, { method: 'POST', body, headers });

  it.each<[string, number, string, () => Promise<Response>, Record<string, unknown>]>([
    [
      'a missing function',
      404,
      'ResourceNotFoundException',
      () => post('/2015-03-31/functions/nope/invocations', '{}'),
      { Type: 'User', Message: `Function not found: ${arnOf('nope')}:$LATEST` },
    ],
    [
      'a payload that is not JSON',
      400,
      'InvalidRequestContentException',
      () => post('/2015-03-31/functions/echo/invocations', '{oops'),
      { Type: 'User', Message: expect.stringMatching(/^Could not parse request body into json: /) },
    ],
    [
      'an unknown invocation type',
      400,
      'InvalidParameterValueException',
      () => post('/2015-03-31/functions/echo/invocations', '{}', { 'X-Amz-Invocation-Type': 'Later' }),
      { Type: 'User', Message: expect.stringContaining("'Later'") },
    ],
    [
      'another path',
      404,
      'UnknownOperationException',
      () => fetch(`${server.endpoint}/2015-03-31/functions`),
      {
        Type: 'User',
        Message: expect.stringMatching(
          /^No such operation: GET \/2015-03-31\/functions\. This server answers only Invoke/,
        ),
      },
    ],
  ])('%s answers %i %s', async (_label, status, errorType, request, body) => {
    const response = await request();
    expect(response.status).toBe(status);
    expect(response.headers.get('x-amzn-errortype')).toBe(errorType);
    expect(response.headers.get('x-amzn-requestid')).toMatch(UUID);
    expect(await response.json()).toEqual(body);
  });

  it('answers a successful invocation with the headers Lambda sends', async () => {
    const response = await post(`/2015-03-31/functions/${encodeURIComponent(arnOf('echo'))}/invocations`, '');
    expect(response.status).toBe(200);
    expect(Object.fromEntries(response.headers)).toMatchObject({
      'content-type': 'application/json',
      'x-amz-executed-version': '$LATEST',
      'x-amzn-requestid': expect.stringMatching(UUID),
      'x-amzn-trace-id': expect.stringMatching(/^Root=1-/),
    });
    // No payload is an empty object event, as Lambda hands a function invoked without one.
    expect(await response.json()).toEqual({ version: 'v1', echoed: {} });
  });
});
