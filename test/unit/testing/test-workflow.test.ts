import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../shared/engine/engine-error.ts';
import { parseMockConfig } from '../../../shared/testing/mock-config.ts';
import { runWorkflowTests, testWorkflow } from '../../../shared/testing/test-workflow.ts';

/**
 * A workflow tested with AWS Step Functions Local's MockConfigFile: a Lambda task with a Retry and a Catch, an
 * SQS send, and a callback; each test case takes another path through it.
 */
const DEFINITION = {
  StartAt: 'LambdaState',
  States: {
    LambdaState: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: {
        FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:HelloFunction',
        'Payload.$': '$',
      },
      Retry: [
        { ErrorEquals: ['Lambda.TimeoutException', 'Lambda.ResourceNotReadyException'], MaxAttempts: 3 },
      ],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Recover' }],
      ResultSelector: { 'body.$': '$.Payload.body' },
      Next: 'SQSState',
    },
    SQSState: {
      Type: 'Task',
      Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
      Parameters: {
        QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/q',
        MessageBody: { 'token.$': '$$.Task.Token' },
      },
      End: true,
    },
    Recover: { Type: 'Pass', Parameters: { 'recovered.$': '$.error.Error' }, End: true },
  },
};

/**
 * A file in AWS's format modelled on AWS's documented example, changed for this definition (a FailPath, a
 * callback, short ids) and with Statefold's expectations beside it. AWS's example itself, unchanged, is in
 * test/fixtures/aws-stepfunctions-local and run by test/integration/aws-mock-config-example.test.ts.
 */
const MOCKS = {
  StateMachines: {
    LambdaSQSIntegration: {
      TestCases: {
        HappyPath: { LambdaState: 'MockedLambdaSuccess', SQSState: 'MockedSQSSuccess' },
        RetryPath: { LambdaState: 'MockedLambdaRetry', SQSState: 'MockedSQSSuccess' },
        FailPath: { LambdaState: 'MockedLambdaFail' },
      },
    },
  },
  MockedResponses: {
    MockedLambdaSuccess: {
      '0': { Return: { StatusCode: 200, Payload: { StatusCode: 200, body: 'Hello from Lambda!' } } },
    },
    MockedSQSSuccess: { '0': { Return: { MD5OfMessageBody: '3bcb6e8e', MessageId: '3bcb6e8e-8b51' } } },
    MockedLambdaRetry: {
      '0': { Throw: { Error: 'Lambda.ResourceNotReadyException', Cause: 'Lambda resource is not ready.' } },
      '1-2': { Throw: { Error: 'Lambda.TimeoutException', Cause: 'Lambda timed out.' } },
      '3': { Return: { StatusCode: 200, Payload: { StatusCode: 200, body: 'Hello after retries' } } },
    },
    MockedLambdaFail: { '0': { Throw: { Error: 'CustomError', Cause: 'no' } } },
  },
  StatefoldExpectations: {
    LambdaSQSIntegration: {
      HappyPath: {
        status: 'SUCCEEDED',
        output: { MD5OfMessageBody: '3bcb6e8e', MessageId: '3bcb6e8e-8b51' },
        path: ['LambdaState', 'SQSState'],
      },
      RetryPath: { status: 'SUCCEEDED', path: ['LambdaState', 'SQSState'] },
      FailPath: {
        status: 'SUCCEEDED',
        output: { recovered: 'CustomError' },
        path: ['LambdaState', 'Recover'],
      },
    },
  },
};

describe('testWorkflow with a MockConfigFile', () => {
  it('answers each mocked Task with its Return, a callback included, without calling anything', async () => {
    const result = await testWorkflow({ definition: DEFINITION, mocks: MOCKS, testCase: 'HappyPath' });
    expect(result.status).toBe('SUCCEEDED');
    expect(JSON.parse(result.output ?? 'null')).toEqual({
      MD5OfMessageBody: '3bcb6e8e',
      MessageId: '3bcb6e8e-8b51',
    });
    expect(result.path).toEqual(['LambdaState', 'SQSState']);
  });

  it('numbered invocations ("0", "1-2", "3") answer the first attempt and the retries in turn', async () => {
    const result = await testWorkflow({
      definition: DEFINITION,
      mocks: JSON.stringify(MOCKS),
      testCase: 'RetryPath',
    });
    expect(result.status).toBe('SUCCEEDED');
    const failures = result.events.filter((event) => event.type === 'TaskFailed');
    expect(
      failures.map(
        (event) => (event as { taskFailedEventDetails?: { error?: string } }).taskFailedEventDetails?.error,
      ),
    ).toEqual(['Lambda.ResourceNotReadyException', 'Lambda.TimeoutException', 'Lambda.TimeoutException']);
    expect(result.events.find((event) => event.type === 'TaskStateExited')).toMatchObject({
      stateExitedEventDetails: { output: '{"body":"Hello after retries"}' },
    });
  });

  it('a Throw fails the Task with its Error and Cause, which the Catch handles', async () => {
    const result = await testWorkflow({ definition: DEFINITION, mocks: MOCKS, testCase: 'FailPath' });
    expect(JSON.parse(result.output ?? 'null')).toEqual({ recovered: 'CustomError' });
    expect(result.path).toEqual(['LambdaState', 'Recover']);
  });

  it('a Task the case does not mock calls its local function, as AWS calls the real one', async () => {
    const mocks = {
      ...MOCKS,
      StateMachines: { M: { TestCases: { Partial: { SQSState: 'MockedSQSSuccess' } } } },
    };
    const result = await testWorkflow({
      definition: DEFINITION,
      mocks,
      testCase: 'Partial',
      functions: { HelloFunction: () => ({ body: 'from the real function' }) },
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.events.find((event) => event.type === 'TaskStateExited')).toMatchObject({
      stateExitedEventDetails: { output: '{"body":"from the real function"}' },
    });
  });

  it('past the last numbered invocation the last answer repeats', async () => {
    const mocks = {
      StateMachines: { M: { TestCases: { Always: { LambdaState: 'Flaky' } } } },
      MockedResponses: { Flaky: { '0': { Throw: { Error: 'Lambda.TimeoutException', Cause: 'slow' } } } },
    };
    const result = await testWorkflow({ definition: DEFINITION, mocks, testCase: 'Always' });
    // Three retries, each answered by the repeated Throw, then the catcher.
    expect(result.events.filter((event) => event.type === 'TaskFailed')).toHaveLength(4);
    expect(result.path).toEqual(['LambdaState', 'Recover']);
  });
});

describe('runWorkflowTests', () => {
  it('runs every case of the file and checks the expectations it sets', async () => {
    const reports = await runWorkflowTests({ definition: DEFINITION, mocks: MOCKS });
    expect(reports.map((report) => [report.testCase, report.result.status, report.failures])).toEqual([
      ['HappyPath', 'SUCCEEDED', []],
      ['RetryPath', 'SUCCEEDED', []],
      ['FailPath', 'SUCCEEDED', []],
    ]);
  });

  it('reports what an expectation wanted and did not get', async () => {
    const wrong = {
      ...MOCKS,
      StatefoldExpectations: {
        LambdaSQSIntegration: { FailPath: { status: 'FAILED', path: ['LambdaState', 'SQSState'] } },
      },
    };
    const [report] = await runWorkflowTests({ definition: DEFINITION, mocks: wrong, testCase: 'FailPath' });
    expect(report?.failures).toEqual([
      'status: expected FAILED, got SUCCEEDED',
      'path: expected LambdaState → SQSState, got LambdaState → Recover',
    ]);
  });
});

describe('a MockConfigFile with a mistake', () => {
  it.each([
    ['not JSON', '{', 'MockConfigFile: the file: not JSON'],
    ['no StateMachines', { MockedResponses: {} }, 'MockConfigFile: StateMachines: is missing'],
    [
      'a case naming an undefined response',
      { StateMachines: { M: { TestCases: { C: { S: 'Nope' } } } }, MockedResponses: {} },
      "MockConfigFile: StateMachines.M.TestCases.C.S: names 'Nope', which MockedResponses does not define",
    ],
    [
      'an answer with both Return and Throw',
      { StateMachines: {}, MockedResponses: { R: { '0': { Return: 1, Throw: { Error: 'E' } } } } },
      'MockConfigFile: MockedResponses.R.0: must have exactly one of Return and Throw',
    ],
    [
      'an invocation key that is no number',
      { StateMachines: {}, MockedResponses: { R: { first: { Return: 1 } } } },
      `MockConfigFile: MockedResponses.R.first: 'first' is no invocation number ("0") or range ("1-2")`,
    ],
    [
      'overlapping ranges',
      { StateMachines: {}, MockedResponses: { R: { '0-2': { Return: 1 }, '2': { Return: 2 } } } },
      'MockConfigFile: MockedResponses.R: invocations 2 to 2 are answered twice',
    ],
  ])('%s is refused, naming where', (_, file, message) => {
    expect(() => parseMockConfig(file as never)).toThrow(
      new EngineError('ValidationException', message).message,
    );
  });

  it('a test case the file does not have is named with those it has', async () => {
    await expect(testWorkflow({ definition: DEFINITION, mocks: MOCKS, testCase: 'Nope' })).rejects.toThrow(
      "MockConfigFile: StateMachines.LambdaSQSIntegration.TestCases has no 'Nope' (it has: HappyPath, RetryPath, FailPath)",
    );
  });
});

describe('activity Tasks in the in-memory runner', () => {
  const ACTIVITY_MACHINE = {
    StartAt: 'Approve',
    States: {
      Approve: {
        Type: 'Task',
        Resource: 'arn:aws:states:us-east-1:123456789012:activity:approve',
        End: true,
      },
    },
  };

  it('a mock answers an activity as its worker would: ActivityStarted, then its Return', async () => {
    const mocks = {
      StateMachines: { M: { TestCases: { Approved: { Approve: 'Yes' } } } },
      MockedResponses: { Yes: { '0': { Return: { approved: true } } } },
    };
    const result = await testWorkflow({ definition: ACTIVITY_MACHINE, mocks, testCase: 'Approved' });
    expect(result.status).toBe('SUCCEEDED');
    expect(JSON.parse(result.output ?? 'null')).toEqual({ approved: true });
    expect(result.events.map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'ActivityScheduled',
      'ActivityStarted',
      'ActivitySucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
  });

  it('without a mock, the Task fails: no worker can reach the in-memory runner', async () => {
    const mocks = { StateMachines: { M: { TestCases: { None: {} } } }, MockedResponses: {} };
    const result = await testWorkflow({ definition: ACTIVITY_MACHINE, mocks, testCase: 'None' });
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(result.cause).toMatch(/cannot hand an activity task to a worker/);
    expect(result.events.map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'ActivityScheduleFailed',
      'ExecutionFailed',
    ]);
  });
});

describe("a Distributed Map's child executions", () => {
  it('each counts its own invocations from 0, as on the durable engine', async () => {
    const definition = {
      StartAt: 'Items',
      States: {
        Items: {
          Type: 'Map',
          MaxConcurrency: 1,
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'Work',
            States: {
              Work: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:w', End: true },
            },
          },
          End: true,
        },
      },
    };
    const mocks = {
      StateMachines: { M: { TestCases: { Each: { Work: 'Worked' } } } },
      MockedResponses: { Worked: { '0': { Return: 'first' }, '1': { Return: 'second' } } },
    };
    const result = await testWorkflow({ definition, mocks, testCase: 'Each', input: [1, 2, 3] });
    expect(JSON.parse(result.output ?? 'null')).toEqual(['first', 'first', 'first']);
  });
});

describe('a test case with a nested execution', () => {
  const parent = {
    StartAt: 'Check',
    States: {
      Check: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: 'check', 'Payload.$': '$' },
        ResultSelector: { 'value.$': '$.Payload.value' },
        Next: 'Nest',
      },
      Nest: {
        Type: 'Task',
        Resource: 'arn:aws:states:::states:startExecution.sync:2',
        Parameters: {
          StateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:child',
          'Input.$': '$',
        },
        OutputPath: '$.Output',
        End: true,
      },
    },
  };
  const child = {
    StartAt: 'Check',
    States: {
      Check: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: 'check', 'Payload.$': '$' },
        OutputPath: '$.Payload',
        End: true,
      },
    },
  };
  const mocks = {
    StateMachines: {
      Parent: {
        TestCases: { Nested: { Check: 'Checked' }, MockedChild: { Check: 'Checked', Nest: 'Child' } },
      },
    },
    MockedResponses: {
      Checked: { '0': { Return: { Payload: { value: 7 } } } },
      Child: { '0': { Return: { Output: { mocked: true } } } },
    },
  };

  it('runs the child unmocked (a state of the same name in it is not the case mock)', async () => {
    const result = await testWorkflow({
      definition: parent,
      mocks,
      testCase: 'Nested',
      stateMachines: { child },
      functions: { check: (event: { value: number }) => ({ child: event.value }) },
    });
    expect(result.status).toBe('SUCCEEDED');
    // The child's Check called its function: the case's mock of the parent's Check did not answer it.
    expect(JSON.parse(result.output ?? 'null')).toEqual({ child: 7 });
    expect(result.path).toEqual(['Check', 'Nest']);
    expect(result.childExecutions?.[0]?.status).toBe('SUCCEEDED');
  });

  it('a mocked nested task starts no child', async () => {
    const result = await testWorkflow({ definition: parent, mocks, testCase: 'MockedChild' });
    expect(JSON.parse(result.output ?? 'null')).toEqual({ mocked: true });
    expect(result.childExecutions).toBeUndefined();
  });
});
