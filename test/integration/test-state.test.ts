import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  InvalidArn,
  InvalidDefinition,
  InvalidExecutionInput,
  type SFNClient,
  TestStateCommand,
  type TestStateCommandInput,
  ValidationException,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalServer, startLocalServer } from '../../shared/local/local-server.ts';
import { awsStepFunctions } from '../support/aws-cli.ts';
import { type HttpApi, SHOP, startHttpApi } from '../support/http-api.ts';
import { createSfnClient } from '../support/sfn-client.ts';
import { thrown } from '../support/thrown.ts';

/**
 * TestState as the AWS SDK and the AWS CLI meet it on the local server: one state with an input, its output,
 * status and next state, the data-flow stages at DEBUG, retries and catches, Lambda calls made for real (local
 * handlers) and mocked, an HTTP Task's request and response at TRACE (its connection's data only with
 * revealSecrets) against a real HTTP API, and every refusal with AWS's error code.
 */

const ROLE = 'arn:aws:iam::123456789012:role/StatefoldExecutionRole';
const FUNCTION = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
let dataDir: string;
let server: LocalServer;
let sfn: SFNClient;
let api: HttpApi;
const calls: unknown[] = [];

beforeAll(async () => {
  api = await startHttpApi();
  dataDir = await mkdtemp(join(tmpdir(), 'statefold-test-state-'));
  server = await startLocalServer({
    port: 0,
    dataDir,
    integrations: { http: api.http },
    functions: {
      price: (event: unknown) => {
        calls.push(event);
        const { quantity } = event as { quantity: number };
        return { total: quantity * 3, currency: 'EUR' };
      },
      broken: () => {
        throw Object.assign(new Error('the warehouse is closed'), { name: 'WarehouseClosed' });
      },
    },
  });
  sfn = createSfnClient(server.endpoint);
});
afterAll(async () => {
  sfn?.destroy();
  await server?.stop();
  await api?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const test = (input: Omit<Partial<TestStateCommandInput>, 'definition'> & { definition: object | string }) =>
  sfn.send(
    new TestStateCommand({
      roleArn: ROLE,
      ...input,
      definition: typeof input.definition === 'string' ? input.definition : JSON.stringify(input.definition),
    }),
  );

describe('TestState runs one state', () => {
  it('a Pass state: its output and next state at INFO, no inspection data', async () => {
    const answer = await test({
      definition: {
        Type: 'Pass',
        Parameters: { 'id.$': '$.order.id' },
        ResultPath: '$.picked',
        Next: 'Ship',
      },
      input: JSON.stringify({ order: { id: 'o-1' } }),
    });
    expect(answer.status).toBe('SUCCEEDED');
    expect(answer.nextState).toBe('Ship');
    expect(JSON.parse(answer.output as string)).toEqual({ order: { id: 'o-1' }, picked: { id: 'o-1' } });
    expect(answer.inspectionData).toBeUndefined();
  });

  it('a Task calling a local Lambda function, each data-flow stage shown at DEBUG', async () => {
    calls.length = 0;
    const answer = await test({
      definition: {
        Type: 'Task',
        Resource: FUNCTION('price'),
        InputPath: '$.line',
        Parameters: { 'quantity.$': '$.qty' },
        ResultSelector: { 'amount.$': '$.total' },
        ResultPath: '$.price',
        OutputPath: '$.price',
        End: true,
      },
      input: JSON.stringify({ line: { qty: 4 }, note: 'keep' }),
      inspectionLevel: 'DEBUG',
    });
    expect(calls).toEqual([{ quantity: 4 }]);
    expect(answer.status).toBe('SUCCEEDED');
    expect(answer.nextState).toBeUndefined();
    expect(JSON.parse(answer.output as string)).toEqual({ amount: 12 });
    const data = answer.inspectionData ?? {};
    expect(JSON.parse(data.input as string)).toEqual({ line: { qty: 4 }, note: 'keep' });
    expect(JSON.parse(data.afterInputPath as string)).toEqual({ qty: 4 });
    expect(JSON.parse(data.afterParameters as string)).toEqual({ quantity: 4 });
    expect(JSON.parse(data.result as string)).toEqual({ total: 12, currency: 'EUR' });
    expect(JSON.parse(data.afterResultSelector as string)).toEqual({ amount: 12 });
    expect(JSON.parse(data.afterResultPath as string)).toEqual({
      line: { qty: 4 },
      note: 'keep',
      price: { amount: 12 },
    });
  });

  it('a JSONata Task: Arguments, the result and Assign with variables given to the test', async () => {
    const answer = await test({
      definition: {
        Type: 'Task',
        QueryLanguage: 'JSONata',
        Resource: FUNCTION('price'),
        Arguments: { quantity: '{% $states.input.n * $factor %}' },
        Assign: { last: '{% $states.result.total %}' },
        Output: '{% $states.result.total + 1 %}',
        Next: 'After',
      },
      input: JSON.stringify({ n: 2 }),
      variables: JSON.stringify({ factor: 5 }),
      inspectionLevel: 'TRACE',
    });
    expect(answer.status).toBe('SUCCEEDED');
    expect(answer.output).toBe('31');
    expect(answer.nextState).toBe('After');
    expect(JSON.parse(answer.inspectionData?.afterArguments as string)).toEqual({ quantity: 10 });
    expect(JSON.parse(answer.inspectionData?.result as string)).toEqual({ total: 30, currency: 'EUR' });
    expect(JSON.parse(answer.inspectionData?.variables as string)).toEqual({ factor: 5, last: 30 });
  });

  it('a Choice state names the rule that matched, a Wait state does not wait', async () => {
    const choice = await test({
      definition: {
        Type: 'Choice',
        Choices: [{ Variable: '$.total', NumericGreaterThan: 100, Next: 'Review' }],
        Default: 'Accept',
      },
      input: JSON.stringify({ total: 250 }),
    });
    expect(choice).toMatchObject({ status: 'SUCCEEDED', nextState: 'Review' });
    const started = Date.now();
    const wait = await test({ definition: { Type: 'Wait', Seconds: 3600, Next: 'Later' }, input: '{"a":1}' });
    expect(wait).toMatchObject({ status: 'SUCCEEDED', nextState: 'Later', output: '{"a":1}' });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a Fail state and a Choice without a match are FAILED with their error and cause', async () => {
    const fail = await test({ definition: { Type: 'Fail', Error: 'Refused', Cause: 'over the limit' } });
    expect(fail).toMatchObject({ status: 'FAILED', error: 'Refused', cause: 'over the limit' });
    const choice = await test({
      definition: { Type: 'Choice', Choices: [{ Variable: '$.x', IsPresent: true, Next: 'A' }] },
      input: '{}',
    });
    expect(choice.status).toBe('FAILED');
    expect(choice.error).toBe('States.NoChoiceMatched');
  });

  it('a state inside a whole machine, found by stateName', async () => {
    const answer = await test({
      definition: {
        StartAt: 'First',
        States: {
          First: { Type: 'Pass', Next: 'Fan' },
          Fan: {
            Type: 'Parallel',
            Branches: [{ StartAt: 'Inner', States: { Inner: { Type: 'Pass', Result: 'deep', End: true } } }],
            End: true,
          },
        },
      },
      stateName: 'Inner',
    });
    expect(answer).toMatchObject({ status: 'SUCCEEDED', output: '"deep"' });
  });
});

describe('an HTTP Task at TRACE: the request sent and the response read', () => {
  const order = (path: string, extra: object = {}) => ({
    Type: 'Task',
    Resource: 'arn:aws:states:::http:invoke',
    Parameters: {
      ApiEndpoint: `${api.base}${path}`,
      Method: 'POST',
      Authentication: { ConnectionArn: SHOP },
      Headers: { 'X-Trace': 't-1' },
      QueryParameters: { 'page.$': '$.page' },
      RequestBody: { 'item.$': '$.item' },
      ...extra,
    },
    End: true,
  });
  const input = JSON.stringify({ item: 'book', page: 2 });

  it('without revealSecrets: the request without what the connection adds, which the API still got', async () => {
    const answer = await test({ definition: order('/orders'), input, inspectionLevel: 'TRACE' });
    expect(answer.status).toBe('SUCCEEDED');
    const request = answer.inspectionData?.request;
    expect(request).toMatchObject({
      protocol: 'http',
      method: 'POST',
      url: `${api.base}/orders?page=2`,
      body: '{"item":"book"}',
    });
    const headers = JSON.parse(request?.headers as string);
    expect(headers).toMatchObject({
      'x-trace': 't-1',
      'content-type': 'application/json; charset=UTF-8',
      'user-agent': 'Amazon|StepFunctions|HttpInvoke|us-east-1',
    });
    expect(headers).not.toHaveProperty('x-api-key');
    expect(headers).not.toHaveProperty('x-tenant');
    const response = answer.inspectionData?.response;
    expect(response).toMatchObject({ protocol: 'http', statusCode: '200', statusMessage: 'OK' });
    expect(JSON.parse(response?.headers as string)).toMatchObject({ 'content-type': ['application/json'] });
    expect(JSON.parse(response?.body as string)).toEqual({
      echo: { method: 'POST', query: { page: ['2'], region: ['eu'] }, body: '{"item":"book"}' },
    });
    // The call itself carried the connection's key, tenant header and query parameter.
    expect(api.received.at(-1)?.headers).toMatchObject({ 'x-api-key': 'shop-key', 'x-tenant': 'tenant-1' });
    expect(JSON.parse(answer.output as string).ResponseBody.echo.query).toEqual({
      page: ['2'],
      region: ['eu'],
    });
  });

  it("with revealSecrets: the connection's authorization and invocation parameters are shown", async () => {
    const answer = await test({
      definition: order('/orders'),
      input,
      inspectionLevel: 'TRACE',
      revealSecrets: true,
    });
    const request = answer.inspectionData?.request;
    expect(request?.url).toBe(`${api.base}/orders?page=2&region=eu`);
    expect(JSON.parse(request?.headers as string)).toMatchObject({
      'x-trace': 't-1',
      'x-api-key': 'shop-key',
      'x-tenant': 'tenant-1',
    });
  });

  it('at DEBUG the data-flow stages are shown, the HTTP request and response are not', async () => {
    const answer = await test({ definition: order('/orders'), input, inspectionLevel: 'DEBUG' });
    expect(answer.status).toBe('SUCCEEDED');
    expect(JSON.parse(answer.inspectionData?.afterParameters as string)).toMatchObject({
      QueryParameters: { page: 2 },
    });
    expect(answer.inspectionData?.request).toBeUndefined();
    expect(answer.inspectionData?.response).toBeUndefined();
  });

  it('a 404 fails the state with States.Http.StatusCode.404, the response shown', async () => {
    const answer = await test({ definition: order('/missing'), input, inspectionLevel: 'TRACE' });
    expect(answer).toMatchObject({ status: 'FAILED', error: 'States.Http.StatusCode.404' });
    expect(answer.inspectionData?.response).toMatchObject({ statusCode: '404', statusMessage: 'Not Found' });
    expect(JSON.parse(answer.inspectionData?.response?.body as string)).toEqual({ message: 'no such order' });
  });

  it('a refused connection fails with States.Http.Socket: the request is shown, no response', async () => {
    const definition = order('/x', { ApiEndpoint: `http://127.0.0.1:${api.closedPort}/x` });
    const answer = await test({ definition, input, inspectionLevel: 'TRACE' });
    expect(answer).toMatchObject({ status: 'FAILED', error: 'States.Http.Socket' });
    expect(answer.inspectionData?.request?.url).toBe(`http://127.0.0.1:${api.closedPort}/x?page=2`);
    expect(answer.inspectionData?.response).toBeUndefined();
  });
});

describe('failures, retries and catches', () => {
  const guarded = {
    Type: 'Task',
    Resource: FUNCTION('broken'),
    Retry: [{ ErrorEquals: ['WarehouseClosed'], IntervalSeconds: 4, BackoffRate: 2, MaxAttempts: 2 }],
    Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.problem', Next: 'Apologize' }],
    End: true,
  };

  it('an error a retrier takes is RETRIABLE, with its retrier and backoff', async () => {
    const answer = await test({ definition: guarded, input: '{}', inspectionLevel: 'DEBUG' });
    expect(answer.status).toBe('RETRIABLE');
    expect(answer.error).toBe('WarehouseClosed');
    expect(answer.cause).toContain('the warehouse is closed');
    expect(answer.inspectionData?.errorDetails).toEqual({ retryIndex: 0, retryBackoffIntervalSeconds: 4 });
  });

  it('retries already made (stateConfiguration) grow the backoff, then the catcher takes it', async () => {
    const second = await test({
      definition: guarded,
      input: '{}',
      inspectionLevel: 'DEBUG',
      stateConfiguration: { retrierRetryCount: 1 },
    });
    expect(second.inspectionData?.errorDetails).toEqual({ retryIndex: 0, retryBackoffIntervalSeconds: 8 });
    const spent = await test({
      definition: guarded,
      input: '{"order":1}',
      inspectionLevel: 'DEBUG',
      stateConfiguration: { retrierRetryCount: 2 },
    });
    expect(spent.status).toBe('CAUGHT_ERROR');
    expect(spent.nextState).toBe('Apologize');
    expect(spent.error).toBe('WarehouseClosed');
    expect(spent.inspectionData?.errorDetails).toEqual({ catchIndex: 0 });
    const output = JSON.parse(spent.output as string);
    expect(output.order).toBe(1);
    expect(output.problem.Error).toBe('WarehouseClosed');
  });

  it('an error nothing handles is FAILED', async () => {
    const answer = await test({ definition: { Type: 'Task', Resource: FUNCTION('broken'), End: true } });
    expect(answer.status).toBe('FAILED');
    expect(answer.error).toBe('WarehouseClosed');
  });
});

describe('mocks', () => {
  it('a mocked result stands for the call (the function is not called)', async () => {
    calls.length = 0;
    const answer = await test({
      definition: { Type: 'Task', Resource: FUNCTION('price'), ResultPath: '$.price', End: true },
      input: '{"q":1}',
      mock: { result: JSON.stringify({ total: 99 }) },
    });
    expect(calls).toEqual([]);
    expect(JSON.parse(answer.output as string)).toEqual({ q: 1, price: { total: 99 } });
  });

  it('a mocked error goes through Retry and Catch; the context given is what $$ reads', async () => {
    const answer = await test({
      definition: {
        Type: 'Task',
        Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
        Parameters: { QueueUrl: 'https://sqs.example/q', 'MessageBody.$': '$$.Execution.Name' },
        Catch: [{ ErrorEquals: ['Timeout'], Next: 'Late' }],
        End: true,
      },
      mock: { errorOutput: { error: 'Timeout', cause: 'nobody answered' } },
      context: JSON.stringify({ Execution: { Name: 'order-42' } }),
      inspectionLevel: 'DEBUG',
    });
    expect(answer).toMatchObject({ status: 'CAUGHT_ERROR', nextState: 'Late', error: 'Timeout' });
    expect(JSON.parse(answer.inspectionData?.afterParameters as string)).toEqual({
      QueueUrl: 'https://sqs.example/q',
      MessageBody: 'order-42',
    });
  });

  it('a mocked Map: the mock is its children’s result, its own result fields apply', async () => {
    const answer = await test({
      definition: {
        Type: 'Map',
        ItemsPath: '$.items',
        ItemProcessor: { StartAt: 'Each', States: { Each: { Type: 'Pass', End: true } } },
        ResultSelector: { 'count.$': 'States.ArrayLength($)' },
        ResultPath: '$.summary',
        Next: 'Report',
      },
      input: JSON.stringify({ items: [1, 2, 3] }),
      mock: { result: '[10, 20, 30]' },
    });
    expect(answer).toMatchObject({ status: 'SUCCEEDED', nextState: 'Report' });
    expect(JSON.parse(answer.output as string)).toEqual({ items: [1, 2, 3], summary: { count: 3 } });
  });
});

describe('refusals, with AWS error codes', () => {
  it.each([
    ['a definition that is not JSON', { definition: '{"Type":' }, InvalidDefinition],
    ['a state AWS would refuse', { definition: { Type: 'Pass', Nxt: 'A' } }, InvalidDefinition],
    ['a whole machine without stateName', { definition: { StartAt: 'A', States: {} } }, InvalidDefinition],
    [
      'an input that is not JSON',
      { definition: { Type: 'Pass', End: true }, input: '{' },
      InvalidExecutionInput,
    ],
    [
      'an unknown inspection level',
      { definition: { Type: 'Pass', End: true }, inspectionLevel: 'ALL' },
      ValidationException,
    ],
    ['a bad role ARN', { definition: { Type: 'Pass', End: true }, roleArn: 'role' }, InvalidArn],
    [
      'a Map without a mock',
      {
        definition: {
          Type: 'Map',
          ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
          End: true,
        },
      },
      ValidationException,
    ],
    [
      'an activity without a mock',
      {
        definition: {
          Type: 'Task',
          Resource: 'arn:aws:states:us-east-1:123456789012:activity:pick',
          End: true,
        },
      },
      ValidationException,
    ],
    [
      'a mock on a Pass state',
      { definition: { Type: 'Pass', End: true }, mock: { result: '1' } },
      ValidationException,
    ],
    [
      'a mock with result and errorOutput',
      {
        definition: { Type: 'Task', Resource: FUNCTION('price'), End: true },
        mock: { result: '1', errorOutput: { error: 'E' } },
      },
      ValidationException,
    ],
    [
      'variables that are not an object',
      { definition: { Type: 'Pass', End: true }, variables: '[1]' },
      ValidationException,
    ],
    [
      'a stateName the machine lacks',
      { definition: { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }, stateName: 'B' },
      ValidationException,
    ],
  ] as const)('%s', async (_case, input, type) => {
    const error = await thrown(test(input as never));
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message.length).toBeGreaterThan(10);
  });
});

describe('the AWS CLI', () => {
  it('aws stepfunctions test-state answers the same', async () => {
    const answer = await awsStepFunctions(
      server.endpoint,
      'test-state',
      '--definition',
      JSON.stringify({ Type: 'Pass', Result: { ok: true }, ResultPath: '$.r', Next: 'N' }),
      '--input',
      '{"a":1}',
      '--inspection-level',
      'DEBUG',
      '--role-arn',
      ROLE,
    );
    expect(answer.status).toBe('SUCCEEDED');
    expect(answer.nextState).toBe('N');
    expect(JSON.parse(answer.output as string)).toEqual({ a: 1, r: { ok: true } });
    expect(JSON.parse((answer.inspectionData as { afterResultPath: string }).afterResultPath)).toEqual({
      a: 1,
      r: { ok: true },
    });
  });
});
