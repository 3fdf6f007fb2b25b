import { describe, expect, it } from 'vitest';
import { runExecution } from '../../../shared/composition/run-execution.ts';

/**
 * `.waitForTaskToken` in the in-memory runner beyond nested executions: a Lambda callback task whose token a
 * sibling branch answers with `arn:aws:states:::aws-sdk:sfn:sendTaskSuccess`, as it would on AWS; and a token
 * nothing in the run can answer.
 */

const START = Date.UTC(2026, 0, 1);

/** The approver keeps the token it was given; the clerk hands it back later. */
function approvalFunctions() {
  let kept: string | undefined;
  return {
    hold: (event: { token: string }) => {
      kept = event.token;
      return { held: true };
    },
    fetch: () => ({ token: kept }),
  };
}

const callbackBranch = {
  StartAt: 'Hold',
  States: {
    Hold: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: 'hold', Payload: { 'token.$': '$$.Task.Token' } },
      End: true,
    },
  },
};

describe('callback tasks in the in-memory runner', () => {
  it.each(['virtual', 'real'] as const)(
    'a sibling branch answers a Lambda callback task with aws-sdk:sfn:sendTaskSuccess (%s clock)',
    async (clock) => {
      const result = await runExecution({
        definition: {
          StartAt: 'Both',
          States: {
            Both: {
              Type: 'Parallel',
              Branches: [
                callbackBranch,
                {
                  StartAt: 'Pause',
                  States: {
                    Pause: { Type: 'Wait', Seconds: 1, Next: 'Fetch' },
                    Fetch: {
                      Type: 'Task',
                      Resource: 'arn:aws:states:::lambda:invoke',
                      Parameters: { FunctionName: 'fetch', Payload: {} },
                      OutputPath: '$.Payload',
                      Next: 'Answer',
                    },
                    Answer: {
                      Type: 'Task',
                      Resource: 'arn:aws:states:::aws-sdk:sfn:sendTaskSuccess',
                      Parameters: { 'TaskToken.$': '$.token', Output: '{"approved":true}' },
                      End: true,
                    },
                  },
                },
              ],
              End: true,
            },
          },
        },
        functions: approvalFunctions(),
        clock,
        startTime: START,
      });
      expect(result.status).toBe('SUCCEEDED');
      expect(JSON.parse(result.output ?? 'null')).toEqual([{ approved: true }, {}]);
      // The Lambda callback: submitted (the call went through), then succeeded with the sibling's answer.
      const submitted = result.events.findIndex((event) => event.type === 'TaskSubmitted');
      const answered = result.events.findIndex(
        (event) =>
          event.type === 'TaskSucceeded' &&
          (event as { taskSucceededEventDetails?: { output?: string } }).taskSucceededEventDetails?.output ===
            '{"approved":true}',
      );
      expect(submitted).toBeGreaterThan(0);
      expect(answered).toBeGreaterThan(submitted);
    },
  );

  it('a callback task nothing in the run can answer fails with States.Runtime, which a Catch on States.ALL does not take', async () => {
    const result = await runExecution({
      definition: {
        StartAt: 'Hold',
        States: {
          Hold: {
            Type: 'Task',
            Resource: callbackBranch.States.Hold.Resource,
            Parameters: callbackBranch.States.Hold.Parameters,
            Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
            Next: 'Done',
          },
          Caught: { Type: 'Pass', End: true },
          Done: { Type: 'Pass', End: true },
        },
      },
      functions: approvalFunctions(),
      clock: 'virtual',
      startTime: START,
    });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.Runtime');
    expect(result.cause).toMatch(/task token of state 'Hold', and nothing left in it could/);
    expect(result.events.map((event) => event.type)).toContain('TaskSubmitted');
  });
});
