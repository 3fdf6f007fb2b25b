import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../shared/engine/engine-error.ts';
import { stepFunctionsFailure } from '../../../shared/engine/nested-executions.ts';
import { sdkCallbackOutcome } from '../../../shared/engine/task-callbacks.ts';

// A Task calling Step Functions reports the API's error with the HTTP status the API answers it with, as the
// AWS SDKs' messages carry it: 400 for most, 404 for ResourceNotFound, 409 for a conflict.
describe('a Step Functions call failing in a Task', () => {
  it('names the status of StartExecution errors in the cause', () => {
    const missing = stepFunctionsFailure(
      new EngineError('StateMachineDoesNotExist', "State Machine Does Not Exist: 'arn:x'"),
      'req-1',
    );
    expect(missing).toEqual({
      ok: false,
      error: 'StepFunctions.StateMachineDoesNotExistException',
      cause:
        "State Machine Does Not Exist: 'arn:x' (Service: AWSStepFunctions; Status Code: 400; Error Code: StateMachineDoesNotExist; Request ID: req-1; Proxy: null)",
    });
    const notFound = stepFunctionsFailure(new EngineError('ResourceNotFound', 'Resource not found'), 'req-2');
    expect(notFound.ok ? '' : notFound.cause).toContain('Status Code: 404; Error Code: ResourceNotFound;');
    const conflict = stepFunctionsFailure(new EngineError('ConflictException', 'Conflict'), 'req-3');
    expect(conflict.ok ? '' : conflict.cause).toContain('Status Code: 409; Error Code: ConflictException;');
  });

  it('names the status of the callback actions errors in the cause', () => {
    const timedOut = sdkCallbackOutcome(new EngineError('TaskTimedOut', 'Task Timed Out'));
    expect(timedOut.ok ? '' : timedOut.cause).toMatch(
      /^Task Timed Out \(Service: Sfn, Status Code: 400, Request ID: [\w-]+\)$/,
    );
    const notFound = sdkCallbackOutcome(new EngineError('ResourceNotFound', 'Resource not found'));
    expect(notFound.ok ? '' : notFound.cause).toMatch(/Status Code: 404, Request ID/);
  });
});
