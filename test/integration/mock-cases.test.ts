import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  InvalidArn,
  type SFNClient,
  StartExecutionCommand,
  ValidationException,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExecution } from '../../shared/engine/start-execution.ts';
import { type LocalServer, startLocalServer } from '../../shared/local/local-server.ts';
import { parseMockConfig } from '../../shared/testing/mock-config.ts';
import { awsStepFunctions } from '../support/aws-cli.ts';
import { until } from '../support/eventually.ts';
import { createSfnClient, waitForClosedExecution } from '../support/sfn-client.ts';
import { thrown } from '../support/thrown.ts';

/**
 * A MockConfigFile on the durable engine, as AWS Step Functions Local takes it: StartExecution on
 * `<stateMachineArn>#<TestCase>` runs the machine with that case's mocked responses standing for its Task
 * states (numbered invocations through retries, callbacks and activities answered by the mock), the states the
 * case does not mock calling their real local functions.
 */

const ROLE = 'arn:aws:iam::123456789012:role/StatefoldExecutionRole';
const FUNCTION = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const ACTIVITY = 'arn:aws:states:us-east-1:123456789012:activity:pack';

const MOCKS = {
  StateMachines: {
    orders: {
      TestCases: {
        Approved: { Check: 'Approve' },
        FlakyThenApproved: { Check: 'BusyOnceThenApprove' },
        Rejected: { Check: 'Reject' },
      },
    },
    callbacks: { TestCases: { Answered: { Ask: 'Answer', Pack: 'Packed' } } },
    fan: { TestCases: { Each: { Work: 'Worked' } } },
    quick: { TestCases: { Fast: { Check: 'Approve' } } },
  },
  MockedResponses: {
    Approve: { '0': { Return: { approved: true, by: 'mock' } } },
    Reject: { '0': { Return: { approved: false } } },
    BusyOnceThenApprove: {
      '0': { Throw: { Error: 'Lambda.TooManyRequestsException', Cause: 'busy' } },
      '1': { Return: { approved: true, by: 'second try' } },
    },
    Answer: { '0': { Return: { answer: 42 } } },
    Packed: { '0': { Return: { box: 'B-7' } } },
    Worked: { '0-1': { Return: 'early' }, '2': { Return: 'late' } },
  },
};

const ORDERS = {
  StartAt: 'Check',
  States: {
    Check: {
      Type: 'Task',
      Resource: FUNCTION('check'),
      Retry: [{ ErrorEquals: ['Lambda.TooManyRequestsException'], IntervalSeconds: 1, MaxAttempts: 2 }],
      Next: 'Decide',
    },
    Decide: {
      Type: 'Choice',
      Choices: [{ Variable: '$.approved', BooleanEquals: true, Next: 'Notify' }],
      Default: 'Refuse',
    },
    Notify: { Type: 'Task', Resource: FUNCTION('notify'), End: true },
    Refuse: { Type: 'Fail', Error: 'Rejected' },
  },
};

let dataDir: string;
let server: LocalServer;
let sfn: SFNClient;
const realCalls: string[] = [];
const arns: Record<string, string> = {};

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'statefold-mock-cases-'));
  server = await startLocalServer({
    port: 0,
    dataDir,
    mocks: parseMockConfig(JSON.stringify(MOCKS)),
    functions: {
      check: () => {
        realCalls.push('check');
        return { approved: true, by: 'the real function' };
      },
      notify: (event: unknown) => {
        realCalls.push('notify');
        return { notified: event };
      },
    },
  });
  sfn = createSfnClient(server.endpoint);
  const machines: Record<string, { definition: object; type?: 'EXPRESS' }> = {
    orders: { definition: ORDERS },
    callbacks: {
      definition: {
        StartAt: 'Ask',
        States: {
          Ask: {
            Type: 'Task',
            Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
            Parameters: { QueueUrl: 'http://127.0.0.1:1/nowhere', 'MessageBody.$': '$$.Task.Token' },
            ResultPath: '$.asked',
            Next: 'Pack',
          },
          Pack: { Type: 'Task', Resource: ACTIVITY, ResultPath: '$.packed', End: true },
        },
      },
    },
    fan: {
      definition: {
        StartAt: 'Items',
        States: {
          Items: {
            Type: 'Map',
            MaxConcurrency: 1,
            ItemProcessor: {
              ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
              StartAt: 'Work',
              States: { Work: { Type: 'Task', Resource: FUNCTION('check'), End: true } },
            },
            End: true,
          },
        },
      },
    },
    quick: { definition: ORDERS, type: 'EXPRESS' },
  };
  for (const [name, machine] of Object.entries(machines)) {
    const created = await sfn.send(
      new CreateStateMachineCommand({
        name,
        roleArn: ROLE,
        definition: JSON.stringify(machine.definition),
        ...(machine.type ? { type: machine.type, loggingConfiguration: { level: 'ALL' } } : {}),
      }),
    );
    arns[name] = created.stateMachineArn as string;
  }
});
afterAll(async () => {
  sfn?.destroy();
  await server?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function run(machine: string, testCase: string, input: object = {}) {
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: `${arns[machine]}#${testCase}`,
      input: JSON.stringify(input),
    }),
  );
  const described = await waitForClosedExecution(sfn, executionArn as string);
  const { events } = await sfn.send(
    new GetExecutionHistoryCommand({ executionArn: executionArn as string, maxResults: 1000 }),
  );
  return { described, events: events as HistoryEvent[] };
}

const types = (events: HistoryEvent[]) => events.map((event) => event.type);

describe('StartExecution on <arn>#<TestCase>', () => {
  it('the mock answers the mocked state; the state the case does not mock calls its function', async () => {
    realCalls.length = 0;
    const { described, events } = await run('orders', 'Approved', { order: 1 });
    expect(described.status).toBe('SUCCEEDED');
    expect(described.stateMachineArn).toBe(arns.orders);
    expect(JSON.parse(described.output as string)).toEqual({
      notified: { approved: true, by: 'mock' },
    });
    expect(realCalls).toEqual(['notify']);
    expect(types(events)).toContain('LambdaFunctionSucceeded');
  });

  it('numbered answers follow the invocations: a mocked throw is retried, the next answer succeeds', async () => {
    realCalls.length = 0;
    const { described, events } = await run('orders', 'FlakyThenApproved');
    expect(described.status).toBe('SUCCEEDED');
    const checks = events.filter((event) => event.type?.startsWith('LambdaFunction'));
    expect(checks.map((event) => event.type).slice(0, 6)).toEqual([
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionFailed',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
    ]);
    expect(checks[2]?.lambdaFunctionFailedEventDetails).toEqual({
      error: 'Lambda.TooManyRequestsException',
      cause: 'busy',
    });
    expect(realCalls).toEqual(['notify']);
  });

  it('another case takes another path', async () => {
    const { described } = await run('orders', 'Rejected');
    expect(described.status).toBe('FAILED');
    expect(described.error).toBe('Rejected');
  });

  it('a callback and an activity are answered by their mocks', async () => {
    const { described, events } = await run('callbacks', 'Answered', { id: 7 });
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output as string)).toEqual({
      id: 7,
      asked: { answer: 42 },
      packed: { box: 'B-7' },
    });
    expect(types(events)).toEqual(
      expect.arrayContaining(['TaskSucceeded', 'ActivityScheduled', 'ActivityStarted', 'ActivitySucceeded']),
    );
  });

  it("a Distributed Map's child executions answer from their parent's case, invocation by invocation", async () => {
    realCalls.length = 0;
    const { described } = await run('fan', 'Each', [1, 2, 3]);
    expect(described.status).toBe('SUCCEEDED');
    // Each child is an execution of its own: its Work state's first invocation is its number 0.
    expect(JSON.parse(described.output as string)).toEqual(['early', 'early', 'early']);
    expect(realCalls).toEqual([]);
  });

  it('an EXPRESS machine runs its case too', async () => {
    realCalls.length = 0;
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: `${arns.quick}#Fast`, input: '{}' }),
    );
    // Kept (logging on) once the task handler has run it: not there before.
    const described = await until('the EXPRESS run to be kept', () =>
      sfn.send(new DescribeExecutionCommand({ executionArn })).catch(() => undefined),
    );
    expect(described.status).toBe('SUCCEEDED');
    expect(realCalls).toEqual(['notify']);
  });

  it('the AWS CLI starts a case the same way', async () => {
    const started = await awsStepFunctions(
      server.endpoint,
      'start-execution',
      '--state-machine-arn',
      `${arns.orders}#Rejected`,
    );
    const described = await waitForClosedExecution(sfn, started.executionArn as string);
    expect(described.error).toBe('Rejected');
  });

  it('a case the file does not have is a ValidationException naming the cases it has', async () => {
    const error = await thrown(
      sfn.send(new StartExecutionCommand({ stateMachineArn: `${arns.orders}#Nope` })),
    );
    expect(error).toBeInstanceOf(ValidationException);
    expect((error as Error).message).toContain(
      "TestCases has no 'Nope' (it has: Approved, FlakyThenApproved, Rejected)",
    );
  });

  it('without a MockConfigFile, a #<TestCase> ARN is refused (InvalidArn)', async () => {
    const { mocks: _mocks, ...withoutMocks } = server.engine.deps;
    const error = await thrown(startExecution(withoutMocks, { stateMachineArn: `${arns.orders}#Approved` }));
    expect((error as { code?: string }).code).toBe('InvalidArn');
    expect((error as Error).message).toContain('needs a MockConfigFile');
    expect(InvalidArn.name).toBe('InvalidArn');
  });
});
