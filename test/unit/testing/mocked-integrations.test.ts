import { describe, expect, it } from 'vitest';
import { testWorkflow } from '../../../shared/testing/test-workflow.ts';

/**
 * Mocks for Tasks that are not Lambda calls: a `.sync` child execution (`states:startExecution.sync` and
 * `.sync:2`) answered by its mock without starting the child, and a request-response service integration.
 * Nothing here has an endpoint or a child state machine: a Task the mock did not answer would fail.
 */
const CHILD = 'arn:aws:states:us-east-1:123456789012:stateMachine:child';

const startChild = (resource: string) => ({
  StartAt: 'RunChild',
  States: {
    RunChild: {
      Type: 'Task',
      Resource: resource,
      Parameters: { StateMachineArn: CHILD, 'Input.$': '$' },
      ResultSelector: { 'status.$': '$.Status', 'output.$': '$.Output' },
      Catch: [{ ErrorEquals: ['States.TaskFailed'], ResultPath: '$.failure', Next: 'ChildFailed' }],
      Next: 'Done',
    },
    Done: { Type: 'Pass', End: true },
    ChildFailed: { Type: 'Pass', Parameters: { 'error.$': '$.failure.Error' }, End: true },
  },
});

const MOCKS = {
  StateMachines: {
    Parent: {
      TestCases: {
        ChildSucceeds: { RunChild: 'ChildSucceeded' },
        ChildSucceedsAsText: { RunChild: 'ChildSucceededText' },
        ChildFails: { RunChild: 'ChildFailed' },
        Stored: { Put: 'PutItemAnswered' },
      },
    },
  },
  MockedResponses: {
    ChildSucceeded: {
      '0': { Return: { Status: 'SUCCEEDED', Output: { shipped: true }, ExecutionArn: `${CHILD}:c-1` } },
    },
    ChildSucceededText: { '0': { Return: { Status: 'SUCCEEDED', Output: '{"shipped":true}' } } },
    ChildFailed: { '0': { Throw: { Error: 'States.TaskFailed', Cause: 'the child failed' } } },
    PutItemAnswered: { '0': { Return: { ConsumedCapacity: { TableName: 'orders', CapacityUnits: 1 } } } },
  },
};

describe('a mocked .sync child execution', () => {
  it('startExecution.sync:2: the mock is the Task result, and no child execution runs', async () => {
    const result = await testWorkflow({
      definition: startChild('arn:aws:states:::states:startExecution.sync:2'),
      mocks: MOCKS,
      testCase: 'ChildSucceeds',
      input: { order: 'o-1' },
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(JSON.parse(result.output ?? 'null')).toEqual({ status: 'SUCCEEDED', output: { shipped: true } });
    expect(result.path).toEqual(['RunChild', 'Done']);
    expect(result.events.map((event) => event.type)).not.toContain('TaskSubmitted');
    expect(result.events.find((event) => event.type === 'TaskSucceeded')).toMatchObject({
      taskSucceededEventDetails: { resourceType: 'states', resource: 'startExecution.sync:2' },
    });
  });

  it('startExecution.sync: the mock gives the Output as text, as the .sync pattern does', async () => {
    const result = await testWorkflow({
      definition: startChild('arn:aws:states:::states:startExecution.sync'),
      mocks: MOCKS,
      testCase: 'ChildSucceedsAsText',
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(JSON.parse(result.output ?? 'null')).toEqual({ status: 'SUCCEEDED', output: '{"shipped":true}' });
  });

  it("a Throw stands for the child's failure, which the parent's Catch handles", async () => {
    const result = await testWorkflow({
      definition: startChild('arn:aws:states:::states:startExecution.sync:2'),
      mocks: MOCKS,
      testCase: 'ChildFails',
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(JSON.parse(result.output ?? 'null')).toEqual({ error: 'States.TaskFailed' });
    expect(result.path).toEqual(['RunChild', 'ChildFailed']);
    expect(result.events.find((event) => event.type === 'TaskFailed')).toMatchObject({
      taskFailedEventDetails: { error: 'States.TaskFailed', cause: 'the child failed' },
    });
  });
});

describe('a mocked request-response service integration', () => {
  it('dynamodb:putItem answered by its mock, with no DynamoDB endpoint', async () => {
    const result = await testWorkflow({
      definition: {
        StartAt: 'Put',
        States: {
          Put: {
            Type: 'Task',
            Resource: 'arn:aws:states:::dynamodb:putItem',
            Parameters: { TableName: 'orders', Item: { id: { 'S.$': '$.id' } } },
            ResultPath: '$.put',
            End: true,
          },
        },
      },
      mocks: MOCKS,
      testCase: 'Stored',
      input: { id: 'o-1' },
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(JSON.parse(result.output ?? 'null')).toEqual({
      id: 'o-1',
      put: { ConsumedCapacity: { TableName: 'orders', CapacityUnits: 1 } },
    });
    expect(result.events.find((event) => event.type === 'TaskScheduled')).toMatchObject({
      taskScheduledEventDetails: {
        resourceType: 'dynamodb',
        resource: 'putItem',
        parameters: '{"TableName":"orders","Item":{"id":{"S":"o-1"}}}',
      },
    });
  });
});
