import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  InvalidArn,
  InvalidDefinition,
  InvalidExecutionInput,
  InvalidName,
  InvalidToken,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  ListTagsForResourceCommand,
  MissingRequiredParameter,
  paginateGetExecutionHistory,
  ResourceNotFound,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  StateMachineAlreadyExists,
  StateMachineDoesNotExist,
  StateMachineTypeNotSupported,
  StopExecutionCommand,
  TagResourceCommand,
  TaskDoesNotExist,
  TaskTimedOut,
  TooManyTags,
  UntagResourceCommand,
  UpdateStateMachineCommand,
  ValidateStateMachineDefinitionCommand,
  ValidationException,
} from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeTaskToken } from '../../shared/execution/task-token.ts';
import { createApiHandler } from '../../shared/handlers/api-handler.ts';
import { startTestbed, type Testbed } from '../support/durable-testbed.ts';
import { until } from '../support/eventually.ts';
import { createSfnClient, waitForClosedExecution } from '../support/sfn-client.ts';
import { thrown } from '../support/thrown.ts';

/**
 * The Step Functions API as the AWS SDK meets it: @aws-sdk/client-sfn against a small HTTP server that turns
 * requests into API Gateway (HTTP API, payload 2.0) events for functions/api, over the durable engine
 * (dynalite, fauxqs, the local Lambda endpoint, the pollers). Errors come back as the SDK's typed exceptions.
 */

const PREFIX = 'arn:aws:states:us-east-1:123456789012';
const ROLE = 'arn:aws:iam::123456789012:role/StatefoldExecutionRole';

let testbed: Testbed;
let server: Server;
let sfn: SFNClient;

/** Task tokens the `keep` function received, by the execution name in its payload. */
const tokens = new Map<string, string>();

const functions = {
  keep: (event: { token: string; execution: string }) => {
    tokens.set(event.execution, event.token);
    return { kept: true };
  },
  double: (event: { value: number }) => ({ value: event.value * 2 }),
};

const DOUBLE = JSON.stringify({
  StartAt: 'Double',
  States: {
    Double: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:double', Next: 'Done' },
    Done: { Type: 'Pass', End: true },
  },
});
const CALLBACK = JSON.stringify({
  StartAt: 'Approve',
  States: {
    Approve: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: {
        FunctionName: 'keep',
        Payload: { 'token.$': '$$.Task.Token', 'execution.$': '$$.Execution.Name' },
      },
      HeartbeatSeconds: 3600,
      End: true,
    },
  },
});
const PASS = JSON.stringify({
  StartAt: 'P',
  States: { P: { Type: 'Pass', Result: { ok: true }, End: true } },
});

/** API Gateway's HTTP API event for a request; the body is base64, as API Gateway sends non-text bodies. */
function toEvent(request: IncomingMessage, body: Buffer): APIGatewayProxyEventV2 {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: 'local',
      routeKey: '$default',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    body: body.toString('base64'),
    isBase64Encoded: true,
  };
}

async function startApiServer(): Promise<Server> {
  const handler = createApiHandler(() => testbed.engine.deps);
  const created = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const result = (await handler(
      toEvent(request, Buffer.concat(chunks)),
      {} as Context,
    )) as APIGatewayProxyStructuredResultV2;
    response.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>);
    response.end(result.body ?? '');
  });
  await new Promise<void>((resolve) => created.listen(0, '127.0.0.1', resolve));
  return created;
}

beforeAll(async () => {
  testbed = await startTestbed({ functions });
  server = await startApiServer();
  sfn = createSfnClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
afterAll(async () => {
  sfn?.destroy();
  await new Promise((resolve) => server?.close(resolve));
  await testbed?.stop();
});

let sequence = 0;
const unique = (prefix: string) => `${prefix}-${++sequence}`;

async function createMachine(definition: string, type?: 'STANDARD' | 'EXPRESS'): Promise<string> {
  const { stateMachineArn } = await sfn.send(
    new CreateStateMachineCommand({
      name: unique('machine'),
      definition,
      roleArn: ROLE,
      ...(type ? { type } : {}),
    }),
  );
  return stateMachineArn as string;
}

const closed = (executionArn: string) => waitForClosedExecution(sfn, executionArn);

describe('the lifecycle of an execution', () => {
  it('create, start, describe, history in pages, list', async () => {
    const stateMachineArn = await createMachine(DOUBLE);
    const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
    expect(described).toMatchObject({ definition: DOUBLE, type: 'STANDARD', status: 'ACTIVE' });
    expect(described.creationDate).toBeInstanceOf(Date);

    const name = unique('run');
    const started = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify({ value: 21 }) }),
    );
    expect(started.executionArn).toBe(`${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`);
    expect(started.startDate).toBeInstanceOf(Date);
    expect(Math.abs((started.startDate as Date).getTime() - Date.now())).toBeLessThan(60_000);

    const result = await closed(started.executionArn as string);
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: '{"value":42}', name });
    expect(result.stopDate).toBeInstanceOf(Date);

    const pages = paginateGetExecutionHistory(
      { client: sfn, pageSize: 3 },
      { executionArn: started.executionArn as string },
    );
    const sizes: number[] = [];
    const types: string[] = [];
    for await (const page of pages) {
      sizes.push(page.events?.length ?? 0);
      for (const event of page.events ?? []) {
        expect(event.timestamp).toBeInstanceOf(Date);
        types.push(event.type as string);
      }
    }
    expect(types[0]).toBe('ExecutionStarted');
    expect(types.at(-1)).toBe('ExecutionSucceeded');
    expect(types).toContain('LambdaFunctionSucceeded');
    expect(sizes.slice(0, -1).every((size) => size === 3)).toBe(true);
    const reversed = await sfn.send(
      new GetExecutionHistoryCommand({
        executionArn: started.executionArn,
        reverseOrder: true,
        maxResults: 1,
      }),
    );
    expect(reversed.events?.[0]?.type).toBe('ExecutionSucceeded');
    expect(reversed.nextToken).toEqual(expect.any(String));

    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
    expect(listed.executions?.map((execution) => execution.name)).toEqual([name]);
    const machines = await sfn.send(new ListStateMachinesCommand({ maxResults: 1000 }));
    expect(machines.stateMachines?.map((machine) => machine.stateMachineArn)).toContain(stateMachineArn);
  });

  it('UpdateStateMachine: new executions run the new definition', async () => {
    const stateMachineArn = await createMachine(DOUBLE);
    const updated = await sfn.send(new UpdateStateMachineCommand({ stateMachineArn, definition: PASS }));
    expect(updated.updateDate).toBeInstanceOf(Date);
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn }));
    expect(await closed(executionArn as string)).toMatchObject({
      status: 'SUCCEEDED',
      output: '{"ok":true}',
    });
  });
});

describe('callbacks', () => {
  async function waitingExecution() {
    const stateMachineArn = await createMachine(CALLBACK);
    const name = unique('waiting');
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name }));
    const taskToken = await until(`the task token of ${name}`, () => tokens.get(name));
    return { executionArn: executionArn as string, taskToken };
  }

  it('SendTaskSuccess completes the task with its output', async () => {
    const { executionArn, taskToken } = await waitingExecution();
    await sfn.send(new SendTaskHeartbeatCommand({ taskToken }));
    await sfn.send(new SendTaskSuccessCommand({ taskToken, output: '{"approved":true}' }));
    expect(await closed(executionArn)).toMatchObject({ status: 'SUCCEEDED', output: '{"approved":true}' });
    // The task is closed: its token no longer completes anything.
    expect(await thrown(sfn.send(new SendTaskSuccessCommand({ taskToken, output: '{}' })))).toBeInstanceOf(
      TaskTimedOut,
    );
  });

  it('SendTaskFailure fails the execution with its error and cause', async () => {
    const { executionArn, taskToken } = await waitingExecution();
    await sfn.send(new SendTaskFailureCommand({ taskToken, error: 'Rejected', cause: 'over budget' }));
    expect(await closed(executionArn)).toMatchObject({
      status: 'FAILED',
      error: 'Rejected',
      cause: 'over budget',
    });
  });

  it('StopExecution aborts a waiting execution', async () => {
    const { executionArn } = await waitingExecution();
    const stopped = await sfn.send(new StopExecutionCommand({ executionArn, error: 'Cancelled' }));
    expect(stopped.stopDate).toBeInstanceOf(Date);
    expect(await closed(executionArn)).toMatchObject({ status: 'ABORTED', error: 'Cancelled' });
  });
});

describe('EXPRESS state machines and tags', () => {
  it('StartSyncExecution answers the result of the run', async () => {
    const stateMachineArn = await createMachine(PASS, 'EXPRESS');
    const result = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn, input: '{"a":1}' }));
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: '{"ok":true}', input: '{"a":1}' });
    expect(result.executionArn).toMatch(/:express:/);
    expect(result.stopDate).toBeInstanceOf(Date);
    expect(result.billingDetails).toEqual({ billedMemoryUsedInMB: 64, billedDurationInMilliseconds: 100 });
  });

  it('TagResource, ListTagsForResource, UntagResource', async () => {
    const resourceArn = await createMachine(PASS);
    await sfn.send(new TagResourceCommand({ resourceArn, tags: [{ key: 'team', value: 'payments' }] }));
    expect((await sfn.send(new ListTagsForResourceCommand({ resourceArn }))).tags).toEqual([
      { key: 'team', value: 'payments' },
    ]);
    await sfn.send(new UntagResourceCommand({ resourceArn, tagKeys: ['team'] }));
    expect((await sfn.send(new ListTagsForResourceCommand({ resourceArn }))).tags).toEqual([]);
  });

  it('ValidateStateMachineDefinition', async () => {
    const result = await sfn.send(
      new ValidateStateMachineDefinitionCommand({ definition: '{"StartAt":"A"}' }),
    );
    expect(result.result).toBe('FAIL');
    expect(result.diagnostics?.[0]?.code).toBe('SCHEMA_VALIDATION_FAILED');
  });
});

describe('fields Statefold cannot run yet', () => {
  const definition = JSON.stringify({
    StartAt: 'Rows',
    States: {
      Rows: {
        Type: 'Map',
        ItemReader: {
          Resource: 'arn:aws:states:::s3:getObject',
          ReaderConfig: { InputType: 'JSON' },
          Parameters: { Bucket: 'data', Key: 'rows.json' },
        },
        ItemsPath: '$.rows',
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'Row',
          States: { Row: { Type: 'Pass', End: true } },
        },
        End: true,
      },
    },
  });

  it('CreateStateMachine refuses a Map with ItemsPath beside its ItemReader with InvalidDefinition naming the field, and creates nothing', async () => {
    const name = unique('reader');
    const refused = await sfn
      .send(new CreateStateMachineCommand({ name, definition, roleArn: ROLE }))
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(InvalidDefinition);
    expect((refused as Error).message).toContain('Statefold does not read ItemsPath with an ItemReader');
    expect((refused as Error).message).toContain('/States/Rows/ItemsPath');
    const { stateMachines } = await sfn.send(new ListStateMachinesCommand({}));
    expect(stateMachines?.map((machine) => machine.name)).not.toContain(name);
  });

  it('ValidateStateMachineDefinition answers as AWS does: OK', async () => {
    const result = await sfn.send(new ValidateStateMachineDefinitionCommand({ definition }));
    expect(result.result).toBe('OK');
  });
});

describe('errors are the SDK typed exceptions', () => {
  let standard: string;
  let express: string;
  let waiting: { executionArn: string; name: string };

  beforeAll(async () => {
    standard = await createMachine(PASS);
    express = await createMachine(PASS, 'EXPRESS');
    const callbacks = await createMachine(CALLBACK);
    const name = unique('pending');
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: callbacks, name, input: '{}' }),
    );
    waiting = { executionArn: executionArn as string, name };
  });

  it.each<[string, () => Promise<unknown>, abstract new (...args: never[]) => Error]>([
    ['InvalidArn', () => sfn.send(new DescribeStateMachineCommand({ stateMachineArn: 'nope' })), InvalidArn],
    [
      'InvalidName',
      () => sfn.send(new CreateStateMachineCommand({ name: 'a b', definition: PASS, roleArn: ROLE })),
      InvalidName,
    ],
    [
      'InvalidDefinition',
      () => sfn.send(new CreateStateMachineCommand({ name: unique('bad'), definition: '{}', roleArn: ROLE })),
      InvalidDefinition,
    ],
    [
      'InvalidExecutionInput',
      () => sfn.send(new StartExecutionCommand({ stateMachineArn: standard, input: '{' })),
      InvalidExecutionInput,
    ],
    [
      'StateMachineDoesNotExist',
      () => sfn.send(new StartExecutionCommand({ stateMachineArn: `${PREFIX}:stateMachine:missing` })),
      StateMachineDoesNotExist,
    ],
    [
      'StateMachineAlreadyExists',
      () =>
        sfn.send(
          new CreateStateMachineCommand({
            name: standard.split(':').pop(),
            definition: DOUBLE,
            roleArn: ROLE,
          }),
        ),
      StateMachineAlreadyExists,
    ],
    [
      'ExecutionDoesNotExist',
      () => sfn.send(new DescribeExecutionCommand({ executionArn: `${PREFIX}:execution:x:missing` })),
      ExecutionDoesNotExist,
    ],
    [
      'ExecutionAlreadyExists',
      () =>
        sfn.send(
          new StartExecutionCommand({
            stateMachineArn: waiting.executionArn
              .replace(':execution:', ':stateMachine:')
              .replace(/:[^:]+$/, ''),
            name: waiting.name,
            input: '{"other":true}',
          }),
        ),
      ExecutionAlreadyExists,
    ],
    [
      'InvalidToken',
      () => sfn.send(new SendTaskHeartbeatCommand({ taskToken: 'not a token' })),
      InvalidToken,
    ],
    [
      'TaskDoesNotExist',
      () =>
        sfn.send(
          new SendTaskHeartbeatCommand({
            taskToken: encodeTaskToken({
              executionArn: `${PREFIX}:execution:x:gone`,
              scope: '',
              ref: 2,
              nonce: 'n',
            }),
          }),
        ),
      TaskDoesNotExist,
    ],
    [
      'ValidationException',
      () => sfn.send(new StartExecutionCommand({ stateMachineArn: standard, name: 'a'.repeat(81) })),
      ValidationException,
    ],
    [
      'MissingRequiredParameter',
      () => sfn.send(new UpdateStateMachineCommand({ stateMachineArn: standard })),
      MissingRequiredParameter,
    ],
    [
      'StateMachineTypeNotSupported',
      () => sfn.send(new StartSyncExecutionCommand({ stateMachineArn: standard })),
      StateMachineTypeNotSupported,
    ],
    [
      'StateMachineTypeNotSupported (ListExecutions of EXPRESS)',
      () => sfn.send(new ListExecutionsCommand({ stateMachineArn: express })),
      StateMachineTypeNotSupported,
    ],
    [
      'ResourceNotFound',
      () => sfn.send(new ListTagsForResourceCommand({ resourceArn: `${PREFIX}:stateMachine:missing` })),
      ResourceNotFound,
    ],
    [
      'TooManyTags',
      () =>
        sfn.send(
          new TagResourceCommand({
            resourceArn: standard,
            tags: Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: 'v' })),
          }),
        ),
      TooManyTags,
    ],
  ])('%s', async (code, call, type) => {
    const error = await thrown(call());
    expect(error).toBeInstanceOf(type);
    expect((error as Error).name).toBe(code.split(' ')[0]);
    expect((error as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(
      code === 'ResourceNotFound' ? 404 : 400,
    );
  });
});
