import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  paginateGetExecutionHistory,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  StateMachineAlreadyExists,
  StateMachineDoesNotExist,
  StateMachineTypeNotSupported,
  StopExecutionCommand,
  TaskTimedOut,
  ValidationException,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as orderFunctions from '../../examples/order-processing/functions.ts';
import type { LocalStateMachine } from '../../shared/local/local-config.ts';
import { deployStateMachines, type LocalServer, startLocalServer } from '../../shared/local/local-server.ts';
import { until } from '../support/eventually.ts';
import { createSfnClient, waitForClosedExecution } from '../support/sfn-client.ts';
import { thrown } from '../support/thrown.ts';

/**
 * `statefold start` as the AWS SDK meets it: @aws-sdk/client-sfn against startLocalServer (dynalite and fauxqs
 * persisted in a temporary folder, the pollers, the HTTP server that makes API Gateway events for
 * functions/api). The last case stops the server in the middle of running executions and starts it again.
 */

const ROLE = 'arn:aws:iam::123456789012:role/StatefoldExecutionRole';
const EXAMPLE = join(import.meta.dirname, '../../examples/order-processing');

/** Task tokens the `keep` function received, by execution name. */
const tokens = new Map<string, string>();
const functions = {
  ...orderFunctions,
  keep: (event: { token: string; execution: string }) => {
    tokens.set(event.execution, event.token);
    return { kept: true };
  },
};

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
      End: true,
    },
  },
});
const WAIT = JSON.stringify({
  StartAt: 'Pause',
  States: {
    Pause: { Type: 'Wait', Seconds: 3, Next: 'Done' },
    Done: { Type: 'Pass', Result: { waited: true }, End: true },
  },
});
const PASS = JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });

let dataDir: string;
let server: LocalServer;
let sfn: SFNClient;
let exampleDefinition: string;
let exampleMachine: LocalStateMachine;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'statefold-local-server-'));
  exampleDefinition = await readFile(join(EXAMPLE, 'definition.json'), 'utf8');
  exampleMachine = {
    name: 'order-processing',
    type: 'STANDARD',
    definition: exampleDefinition,
    definitionFile: join(EXAMPLE, 'definition.json'),
  };
  server = await startLocalServer({ port: 0, dataDir, functions, stateMachines: [exampleMachine] });
  sfn = createSfnClient(server.endpoint);
});
afterAll(async () => {
  sfn?.destroy();
  await server?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

let sequence = 0;
const unique = (prefix: string) => `${prefix}-${++sequence}`;

async function createMachine(definition: string, type?: 'EXPRESS'): Promise<string> {
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

/** A raw HTTP exchange, for what the SDK would never send. */
function exchange(options: {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      `${server.endpoint}/`,
      { method: options.method ?? 'POST', headers: options.headers ?? {} },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

const sfnHeaders = (operation: string) => ({
  'content-type': 'application/x-amz-json-1.0',
  'x-amz-target': `AWSStepFunctions.${operation}`,
});

describe('the order-processing example', () => {
  const item = (sku: string, quantity: number, price: number) => ({ sku, quantity, price });

  it.each([
    ['a large order is flagged for review', [item('KB-01', 1, 420), item('MS-07', 2, 45)], 510, true],
    ['a small order is not', [item('CB-12', 3, 9)], 27, false],
  ])(
    '%s: created from the example, it runs to SUCCEEDED, charging after one retry',
    async (_case, items, total, review) => {
      const stateMachineArn = await createMachine(exampleDefinition);
      const orderId = unique('order');
      const { executionArn } = await sfn.send(
        new StartExecutionCommand({ stateMachineArn, input: JSON.stringify({ orderId, items }) }),
      );
      const result = await closed(executionArn as string);
      expect(result.status).toBe('SUCCEEDED');
      const output = JSON.parse(result.output as string);
      expect(output).toMatchObject({
        total,
        payment: { paymentId: `pay-${orderId}`, charged: total },
        fulfilment: { reservation: { reservationId: `res-${orderId}` } },
        packages: items.map((entry, index) => ({ package: `${orderId}-pkg-${index + 1}`, sku: entry.sku })),
      });
      expect(output.review !== undefined).toBe(review);

      const { events = [] } = await sfn.send(
        new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }),
      );
      const types = events.map((event) => event.type);
      expect(types[0]).toBe('ExecutionStarted');
      expect(types.at(-1)).toBe('ExecutionSucceeded');
      expect(events.find((event) => event.type === 'TaskFailed')?.taskFailedEventDetails?.error).toBe(
        'PaymentGatewayTimeout',
      );
      expect(types.filter((type) => type === 'MapIterationSucceeded')).toHaveLength(items.length);
    },
  );

  it('the configured state machines exist from the start; a later deploy leaves them, updates them, or refuses a type change', async () => {
    expect(server.stateMachines).toEqual([
      {
        name: 'order-processing',
        stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:order-processing',
        outcome: 'created',
      },
    ]);
    const changed = exampleDefinition.replace('"Comment": "', '"Comment": "Changed. ');
    const deploy = (machine: Partial<LocalStateMachine>) =>
      deployStateMachines(server.engine.deps, [{ ...exampleMachine, ...machine }]);
    expect((await deploy({}))[0]?.outcome).toBe('unchanged');
    expect((await deploy({ definition: changed }))[0]?.outcome).toBe('updated');
    const described = await sfn.send(
      new DescribeStateMachineCommand({ stateMachineArn: server.stateMachines[0]?.stateMachineArn }),
    );
    expect(described.definition).toBe(changed);
    await expect(deploy({ type: 'EXPRESS' })).rejects.toThrow(/exists as STANDARD.*type cannot change/);
    await expect(deploy({ definition: '{}' })).rejects.toThrow(/definition\.json\): InvalidDefinition/);
  });
});

describe('callbacks and stops', () => {
  async function waitingExecution() {
    const stateMachineArn = await createMachine(CALLBACK);
    const name = unique('waiting');
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name }));
    const taskToken = await until(`the task token of ${name}`, () => tokens.get(name));
    return { executionArn: executionArn as string, taskToken };
  }

  it.each([
    [
      'SendTaskSuccess completes the task with its output',
      (taskToken: string) => new SendTaskSuccessCommand({ taskToken, output: '{"approved":true}' }),
      { status: 'SUCCEEDED', output: '{"approved":true}' },
    ],
    [
      'SendTaskFailure fails the execution with its error and cause',
      (taskToken: string) =>
        new SendTaskFailureCommand({ taskToken, error: 'Rejected', cause: 'over budget' }),
      { status: 'FAILED', error: 'Rejected', cause: 'over budget' },
    ],
  ])('%s; the token then answers TaskTimedOut', async (_case, command, expected) => {
    const { executionArn, taskToken } = await waitingExecution();
    await sfn.send(command(taskToken) as SendTaskSuccessCommand);
    expect(await closed(executionArn)).toMatchObject(expected);
    expect(await thrown(sfn.send(new SendTaskSuccessCommand({ taskToken, output: '{}' })))).toBeInstanceOf(
      TaskTimedOut,
    );
  });

  it('StopExecution aborts a waiting execution with its error and cause', async () => {
    const { executionArn } = await waitingExecution();
    const stopped = await sfn.send(
      new StopExecutionCommand({ executionArn, error: 'Cancelled', cause: 'by test' }),
    );
    expect(stopped.stopDate).toBeInstanceOf(Date);
    expect(await closed(executionArn)).toMatchObject({
      status: 'ABORTED',
      error: 'Cancelled',
      cause: 'by test',
    });
    const { events = [] } = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1 }),
    );
    expect(events[0]?.type).toBe('ExecutionAborted');
  });
});

describe('history pagination', () => {
  it('pages of maxResults events with nextToken, in order both ways, together the whole history', async () => {
    const stateMachineArn = await createMachine(exampleDefinition);
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn,
        input: JSON.stringify({ orderId: unique('order'), items: [{ sku: 'A', quantity: 1, price: 1 }] }),
      }),
    );
    await closed(executionArn as string);
    const read = async (reverseOrder: boolean) => {
      const sizes: number[] = [];
      const ids: number[] = [];
      for await (const page of paginateGetExecutionHistory(
        { client: sfn, pageSize: 4 },
        { executionArn: executionArn as string, reverseOrder },
      )) {
        sizes.push(page.events?.length ?? 0);
        ids.push(...(page.events ?? []).map((event) => event.id as number));
      }
      return { sizes, ids };
    };
    const forward = await read(false);
    const backward = await read(true);
    expect(forward.ids).toEqual(Array.from({ length: forward.ids.length }, (_, i) => i + 1));
    expect(forward.ids.length).toBeGreaterThan(8);
    expect(forward.sizes.slice(0, -1).every((size) => size === 4)).toBe(true);
    expect(backward.ids).toEqual([...forward.ids].reverse());
  });
});

describe('errors reach the SDK as its typed exceptions', () => {
  let standard: string;
  let express: string;
  let running: { stateMachineArn: string; name: string };

  beforeAll(async () => {
    standard = await createMachine(PASS);
    express = await createMachine(PASS, 'EXPRESS');
    const callbacks = await createMachine(CALLBACK);
    const name = unique('pending');
    await sfn.send(new StartExecutionCommand({ stateMachineArn: callbacks, name, input: '{}' }));
    running = { stateMachineArn: callbacks, name };
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
      () =>
        sfn.send(
          new StartExecutionCommand({
            stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:missing',
          }),
        ),
      StateMachineDoesNotExist,
    ],
    [
      'StateMachineAlreadyExists',
      () =>
        sfn.send(
          new CreateStateMachineCommand({ name: 'order-processing', definition: PASS, roleArn: ROLE }),
        ),
      StateMachineAlreadyExists,
    ],
    [
      'ExecutionDoesNotExist',
      () =>
        sfn.send(
          new DescribeExecutionCommand({
            executionArn: 'arn:aws:states:us-east-1:123456789012:execution:x:missing',
          }),
        ),
      ExecutionDoesNotExist,
    ],
    [
      'ExecutionAlreadyExists',
      () => sfn.send(new StartExecutionCommand({ ...running, input: '{"other":true}' })),
      ExecutionAlreadyExists,
    ],
    [
      'InvalidToken',
      () => sfn.send(new SendTaskSuccessCommand({ taskToken: 'not a token', output: '{}' })),
      InvalidToken,
    ],
    [
      'ValidationException',
      () => sfn.send(new StartExecutionCommand({ stateMachineArn: standard, name: 'a'.repeat(81) })),
      ValidationException,
    ],
    [
      'StateMachineTypeNotSupported (ListExecutions of EXPRESS)',
      () => sfn.send(new ListExecutionsCommand({ stateMachineArn: express })),
      StateMachineTypeNotSupported,
    ],
    [
      'StateMachineTypeNotSupported (StartSyncExecution of STANDARD)',
      () => sfn.send(new StartSyncExecutionCommand({ stateMachineArn: standard })),
      StateMachineTypeNotSupported,
    ],
  ])('%s, HTTP 400', async (code, call, type) => {
    const error = await thrown(call());
    expect(error).toBeInstanceOf(type);
    expect((error as Error).name).toBe(code.split(' ')[0]);
    expect((error as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(400);
  });
});

describe('the HTTP server plays API Gateway', () => {
  let expressMachine: string;
  beforeAll(async () => {
    expressMachine = await createMachine(PASS, 'EXPRESS');
  });

  it.each<[string, () => Parameters<typeof exchange>[0], number, string]>([
    ['GET / is refused', () => ({ method: 'GET' }), 400, 'UnknownOperationException'],
    [
      'an unknown operation is refused',
      () => ({ headers: sfnHeaders('LaunchRocket'), body: '{}' }),
      400,
      'UnknownOperationException',
    ],
    [
      'a body that is not UTF-8 reaches the handler base64-encoded and is refused as not JSON',
      () => ({ headers: sfnHeaders('ListStateMachines'), body: Buffer.from([0xff, 0xfe, 0x7b]) }),
      400,
      'SerializationException',
    ],
    [
      'a body over 1 MiB is refused by the handler',
      () => ({ headers: sfnHeaders('ListStateMachines'), body: `{"x":"${'a'.repeat(1_200_000)}"}` }),
      400,
      'ValidationException',
    ],
  ])('%s', async (_case, request, status, type) => {
    const response = await exchange(request());
    expect(response.status).toBe(status);
    // JSON 1.0 error types may carry a namespace: `com.amazon.coral.service#UnknownOperationException`.
    expect(JSON.parse(response.body).__type.split('#').pop()).toBe(type);
    expect(response.headers['x-amzn-requestid']).toEqual(expect.any(String));
  });

  it('a body over API Gateway’s 10 MB is answered 413 without reaching the handler', async () => {
    const response = await exchange({
      headers: sfnHeaders('ListStateMachines'),
      body: Buffer.alloc(10 * 1024 * 1024 + 1, 0x20),
    });
    expect(response.status).toBe(413);
  });

  it('StartSyncExecution to the sync- host prefix is served (the Host header is ignored)', async () => {
    const port = new URL(server.endpoint).port;
    const response = await exchange({
      headers: { ...sfnHeaders('StartSyncExecution'), host: `sync-127.0.0.1:${port}` },
      body: JSON.stringify({ stateMachineArn: expressMachine, input: '{"a":1}' }),
    });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ status: 'SUCCEEDED', output: '{"a":1}' });
  });

  it('a fault inside the engine is a 500 InternalFailure, and the next request is served', async () => {
    const log = server.engine.deps.log;
    const failing = new Proxy(log, {
      get: (target, property, receiver) =>
        property === 'listStateMachines'
          ? () => Promise.reject(new Error('disk on fire'))
          : Reflect.get(target, property, receiver),
    });
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    server.engine.deps.log = failing;
    try {
      const response = await exchange({ headers: sfnHeaders('ListStateMachines'), body: '{}' });
      expect(response.status).toBe(500);
      expect(JSON.parse(response.body).__type).toMatch(/(^|#)InternalFailure$/);
      expect(response.body).not.toContain('disk on fire');
    } finally {
      server.engine.deps.log = log;
      quiet.mockRestore();
    }
    const again = await exchange({ headers: sfnHeaders('ListStateMachines'), body: '{}' });
    expect(again.status).toBe(200);
  });
});

describe('a restart in the middle of running executions', () => {
  it('an execution waiting on a callback and one in a Wait both finish after the server starts again', async () => {
    const callbackMachine = await createMachine(CALLBACK);
    const waitMachine = await createMachine(WAIT);
    const name = unique('across-restart');
    const waiting = await sfn.send(new StartExecutionCommand({ stateMachineArn: callbackMachine, name }));
    const pausing = await sfn.send(new StartExecutionCommand({ stateMachineArn: waitMachine }));
    const taskToken = await until('the task token', () => tokens.get(name));
    await until('the Wait to begin', async () => {
      const { events = [] } = await sfn.send(
        new GetExecutionHistoryCommand({
          executionArn: pausing.executionArn,
          reverseOrder: true,
          maxResults: 1,
        }),
      );
      return events[0]?.type === 'WaitStateEntered' ? true : undefined;
    });

    sfn.destroy();
    await server.stop();
    server = await startLocalServer({ port: 0, dataDir, functions, stateMachines: [exampleMachine] });
    sfn = createSfnClient(server.endpoint);

    // An earlier case changed the example's definition: the start brings back the configured one.
    expect(server.stateMachines[0]?.outcome).toBe('updated');
    for (const { executionArn } of [waiting, pausing]) {
      expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');
    }
    await sfn.send(new SendTaskSuccessCommand({ taskToken, output: '{"resumed":true}' }));
    expect(await closed(waiting.executionArn as string)).toMatchObject({
      status: 'SUCCEEDED',
      output: '{"resumed":true}',
    });
    const paused = await closed(pausing.executionArn as string);
    expect(paused).toMatchObject({ status: 'SUCCEEDED', output: '{"waited":true}' });
    const { events = [] } = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn: pausing.executionArn, maxResults: 1000 }),
    );
    const entered = events.find((event) => event.type === 'WaitStateEntered')?.timestamp as Date;
    const exited = events.find((event) => event.type === 'WaitStateExited')?.timestamp as Date;
    expect(exited.getTime() - entered.getTime()).toBeGreaterThanOrEqual(3_000);
  });
});
