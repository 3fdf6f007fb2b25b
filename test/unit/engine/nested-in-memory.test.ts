import { describe, expect, it } from 'vitest';
import { runExecution } from '../../../shared/composition/run-execution.ts';

/**
 * The in-memory runner (runExecution, `statefold run`, tests) has no engine to start a child execution on:
 * a `states:startExecution` Task fails with a catchable States.TaskFailed that says where nested executions
 * run, whatever its pattern, with or without service integrations configured.
 */
describe('states:startExecution in the in-memory runner', () => {
  it.each([
    { resource: 'startExecution', integrations: undefined },
    { resource: 'startExecution.sync', integrations: undefined },
    { resource: 'startExecution.sync:2', integrations: { endpoints: {} } },
  ])('$resource fails with States.TaskFailed, which Catch handles', async ({ resource, integrations }) => {
    const result = await runExecution({
      definition: {
        StartAt: 'Nest',
        States: {
          Nest: {
            Type: 'Task',
            Resource: `arn:aws:states:::states:${resource}`,
            Parameters: { StateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:child' },
            Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'Caught' }],
            End: true,
          },
          Caught: { Type: 'Pass', End: true },
        },
      },
      input: {},
      ...(integrations ? { integrations } : {}),
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(JSON.parse(result.output ?? 'null')).toEqual({
      Error: 'States.TaskFailed',
      Cause: `Statefold's in-memory runner cannot start nested executions (states:${resource}): they run on the durable engine (statefold start, or a deployment).`,
    });
  });
});
