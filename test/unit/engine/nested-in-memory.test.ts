import { describe, expect, it } from 'vitest';
import { runExecution } from '../../../shared/composition/run-execution.ts';
import type { HistoryEvent } from '../../../shared/history/to-history-event.ts';

/**
 * `states:startExecution` in the in-memory runner (runExecution, `statefold run`, `statefold test`): the child
 * is a machine given in `stateMachines`, run in the same runner, with the durable engine's answers, errors and
 * history (see test/integration/nested-executions.test.ts): StartExecution's answer for request-response,
 * DescribeExecution's shape for `.sync` (Output as text) and `.sync:2` (Output as JSON), States.TaskFailed with
 * the child's description as the cause when the child fails.
 */

const PREFIX = 'arn:aws:states:us-east-1:123456789012';
const START = Date.UTC(2026, 0, 1);

const machines = {
  child: {
    StartAt: 'Double',
    States: {
      Double: { Type: 'Pass', Parameters: { 'doubled.$': 'States.MathAdd($.value, $.value)' }, End: true },
    },
  },
  [`${PREFIX}:stateMachine:failing-child`]: {
    StartAt: 'Reject',
    States: { Reject: { Type: 'Fail', Error: 'OrderRejected', Cause: 'out of stock' } },
  },
  'waiting-child': {
    definition: { StartAt: 'Hold', States: { Hold: { Type: 'Wait', Seconds: 3600, End: true } } },
    type: 'STANDARD' as const,
  },
  'express-child': {
    definition: { StartAt: 'Done', States: { Done: { Type: 'Pass', Result: { express: true }, End: true } } },
    type: 'EXPRESS' as const,
  },
};

const nested = (resource: string, parameters: object, fields: object = {}) => ({
  StartAt: 'Nest',
  States: {
    Nest: {
      Type: 'Task',
      Resource: `arn:aws:states:::states:${resource}`,
      Parameters: parameters,
      End: true,
      ...fields,
    },
  },
});

const run = (definition: object, extra: object = {}) =>
  runExecution({
    definition,
    input: {},
    stateMachines: machines,
    clock: 'virtual',
    startTime: START,
    executionName: 'parent',
    ...extra,
  });

const typesOf = (events: HistoryEvent[]) => events.map((event) => event.type);
const details = (event: HistoryEvent | undefined, member: string) =>
  (event as unknown as Record<string, Record<string, unknown>>)[member];

const SYNC_EVENTS = [
  'ExecutionStarted',
  'TaskStateEntered',
  'TaskScheduled',
  'TaskStarted',
  'TaskSubmitted',
  'TaskSucceeded',
  'TaskStateExited',
  'ExecutionSucceeded',
];

describe('states:startExecution in the in-memory runner', () => {
  it('request-response answers ExecutionArn and StartDate with the HTTP metadata; the child runs to its end', async () => {
    const result = await run(
      nested('startExecution', {
        StateMachineArn: `${PREFIX}:stateMachine:child`,
        Name: 'rr-child',
        Input: { value: 2, 'AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$': '$$.Execution.Id' },
      }),
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(JSON.parse(result.output ?? 'null')).toEqual({
      ExecutionArn: `${PREFIX}:execution:child:rr-child`,
      StartDate: START,
      SdkHttpMetadata: expect.objectContaining({ HttpStatusCode: 200 }),
      SdkResponseMetadata: { RequestId: expect.any(String) },
    });
    expect(typesOf(result.events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(details(result.events[2], 'taskScheduledEventDetails')).toMatchObject({
      resourceType: 'states',
      resource: 'startExecution',
      region: 'us-east-1',
    });
    expect(result.childExecutions).toHaveLength(1);
    const [child] = result.childExecutions ?? [];
    expect(child).toMatchObject({
      executionArn: `${PREFIX}:execution:child:rr-child`,
      stateMachineArn: `${PREFIX}:stateMachine:child`,
      name: 'rr-child',
      status: 'SUCCEEDED',
    });
    expect(JSON.parse(child?.input ?? 'null')).toEqual({
      value: 2,
      AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: result.executionArn,
    });
    expect(JSON.parse(child?.output ?? 'null')).toEqual({ doubled: 4 });
  });

  it('.sync waits for the child and answers its DescribeExecution, Output as JSON text', async () => {
    const result = await run(
      nested('startExecution.sync', {
        StateMachineArn: `${PREFIX}:stateMachine:child`,
        Name: 'sync-child',
        Input: { value: 5 },
      }),
    );
    expect(result.status).toBe('SUCCEEDED');
    const childArn = `${PREFIX}:execution:child:sync-child`;
    expect(JSON.parse(result.output ?? 'null')).toEqual({
      ExecutionArn: childArn,
      Input: '{"value":5}',
      InputDetails: { Included: true },
      Name: 'sync-child',
      Output: '{"doubled":10}',
      OutputDetails: { Included: true },
      RedriveCount: 0,
      RedriveStatus: 'NOT_REDRIVABLE',
      RedriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven',
      StartDate: START,
      StateMachineArn: `${PREFIX}:stateMachine:child`,
      Status: 'SUCCEEDED',
      StopDate: START,
    });
    expect(typesOf(result.events)).toEqual(SYNC_EVENTS);
    expect(details(result.events[2], 'taskScheduledEventDetails')).toMatchObject({
      resource: 'startExecution.sync',
    });
    const submitted = details(result.events[4], 'taskSubmittedEventDetails');
    expect(JSON.parse(String(submitted?.output))).toMatchObject({ ExecutionArn: childArn, StartDate: START });
  });

  it('.sync:2 answers Input and Output as JSON', async () => {
    const result = await run(
      nested('startExecution.sync:2', {
        StateMachineArn: `${PREFIX}:stateMachine:child`,
        Input: { value: 1 },
      }),
    );
    expect(result.status).toBe('SUCCEEDED');
    const output = JSON.parse(result.output ?? 'null');
    expect(output).toMatchObject({ Input: { value: 1 }, Output: { doubled: 2 }, Status: 'SUCCEEDED' });
    // No name given: a UUID, as AWS's.
    expect(output.Name).toMatch(/^[0-9a-f-]{36}$/);
    expect(typesOf(result.events)).toEqual(SYNC_EVENTS);
  });

  it('a failed .sync child fails the task with States.TaskFailed, its description as the cause', async () => {
    const result = await run(
      nested('startExecution.sync:2', { StateMachineArn: `${PREFIX}:stateMachine:failing-child`, Name: 'f' }),
    );
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.TaskFailed');
    expect(JSON.parse(result.cause ?? 'null')).toMatchObject({
      ExecutionArn: `${PREFIX}:execution:failing-child:f`,
      Error: 'OrderRejected',
      Cause: 'out of stock',
      Status: 'FAILED',
      RedriveStatusReason: 'Execution is FAILED and cannot be redriven',
    });
    const failed = result.events.find((event) => event.type === 'TaskFailed');
    expect(details(failed, 'taskFailedEventDetails')).toMatchObject({
      error: 'States.TaskFailed',
      resourceType: 'states',
      resource: 'startExecution.sync:2',
    });
    expect(result.childExecutions?.[0]).toMatchObject({ status: 'FAILED', error: 'OrderRejected' });
  });

  it('a Wait in a .sync child passes on the virtual clock, the parent resuming at the child stop time', async () => {
    const result = await run(
      nested('startExecution.sync', { StateMachineArn: `${PREFIX}:stateMachine:waiting-child`, Name: 'w' }),
    );
    expect(result.status).toBe('SUCCEEDED');
    const output = JSON.parse(result.output ?? 'null');
    expect(output.StopDate).toBe(START + 3600_000);
    expect(result.stopDate?.getTime()).toBe(START + 3600_000);
    expect(result.childExecutions?.[0]?.stopDate?.getTime()).toBe(START + 3600_000);
  });

  it("a Task's TimeoutSeconds shorter than the child's Wait times the task out at its own time and stops the child then", async () => {
    const result = await run(
      nested(
        'startExecution.sync',
        { StateMachineArn: `${PREFIX}:stateMachine:waiting-child`, Name: 'slow' },
        { TimeoutSeconds: 60 },
      ),
    );
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.Timeout');
    expect(result.stopDate?.getTime()).toBe(START + 60_000);
    // The child's time passed with its parent's: the timeout stopped it at that time, before its Wait ended.
    expect(result.childExecutions?.[0]).toMatchObject({ status: 'ABORTED' });
    expect(result.childExecutions?.[0]?.stopDate?.getTime()).toBe(START + 60_000);
  });

  it.each([
    { branch: 'succeeds', end: { Type: 'Succeed' }, status: 'SUCCEEDED', child: 'SUCCEEDED', at: 3600_000 },
    { branch: 'fails', end: { Type: 'Fail', Error: 'Boom' }, status: 'FAILED', child: 'ABORTED', at: 10_000 },
  ])(
    'a Wait beside a .sync child on the virtual clock: the branch $branch at its own time',
    async ({ end, status, child, at }) => {
      const result = await run({
        StartAt: 'Both',
        States: {
          Both: {
            Type: 'Parallel',
            Branches: [
              {
                StartAt: 'Nest',
                States: {
                  Nest: {
                    Type: 'Task',
                    Resource: 'arn:aws:states:::states:startExecution.sync',
                    Parameters: { StateMachineArn: `${PREFIX}:stateMachine:waiting-child`, Name: 'beside' },
                    End: true,
                  },
                },
              },
              {
                StartAt: 'Short',
                States: { Short: { Type: 'Wait', Seconds: 10, Next: 'End' }, End: end },
              },
            ],
            End: true,
          },
        },
      });
      expect(result.status).toBe(status);
      expect(result.stopDate?.getTime()).toBe(START + at);
      expect(result.childExecutions?.[0]?.status).toBe(child);
      expect(result.childExecutions?.[0]?.stopDate?.getTime()).toBe(START + at);
    },
  );

  it("the execution's TimeoutSeconds aborts its .sync child at that time (virtual clock)", async () => {
    const result = await run({
      ...nested('startExecution.sync', {
        StateMachineArn: `${PREFIX}:stateMachine:waiting-child`,
        Name: 'late',
      }),
      TimeoutSeconds: 30,
    });
    expect(result.status).toBe('TIMED_OUT');
    expect(result.childExecutions?.[0]).toMatchObject({ status: 'ABORTED' });
    expect(result.childExecutions?.[0]?.stopDate?.getTime()).toBe(START + 30_000);
  });

  it("on the real clock, a Task's TimeoutSeconds stops its .sync child, which the run then waits no longer for", async () => {
    const result = await runExecution({
      definition: nested(
        'startExecution.sync',
        { StateMachineArn: `${PREFIX}:stateMachine:waiting-child`, Name: 'stopped' },
        { TimeoutSeconds: 1 },
      ),
      input: {},
      stateMachines: machines,
    });
    expect(result.error).toBe('States.Timeout');
    expect(result.childExecutions?.[0]).toMatchObject({
      executionArn: `${PREFIX}:execution:waiting-child:stopped`,
      status: 'ABORTED',
    });
  });

  it.each([
    {
      when: 'the state machine does not exist',
      parameters: { StateMachineArn: `${PREFIX}:stateMachine:nowhere` },
      error: 'StepFunctions.StateMachineDoesNotExistException',
      cause:
        /^State Machine Does Not Exist: 'arn:aws:states:us-east-1:123456789012:stateMachine:nowhere' \(Service: AWSStepFunctions; Status Code: 400; Error Code: StateMachineDoesNotExist; Request ID: [\w-]+; Proxy: null\)$/,
    },
    {
      when: 'an execution of that name exists',
      parameters: { StateMachineArn: `${PREFIX}:stateMachine:child`, Name: 'taken', Input: { value: 99 } },
      error: 'StepFunctions.ExecutionAlreadyExistsException',
      cause:
        /^Execution Already Exists: 'arn:aws:states:us-east-1:123456789012:execution:child:taken' \(Service: AWSStepFunctions; Status Code: 400; Error Code: ExecutionAlreadyExists; Request ID: [\w-]+; Proxy: null\)$/,
    },
  ])('$when: the task fails with $error, which Catch handles', async ({ parameters, error, cause }) => {
    const result = await run({
      StartAt: 'First',
      States: {
        First: {
          Type: 'Task',
          Resource: 'arn:aws:states:::states:startExecution',
          Parameters: { StateMachineArn: `${PREFIX}:stateMachine:child`, Name: 'taken', Input: { value: 1 } },
          ResultPath: null,
          Next: 'Nest',
        },
        Nest: {
          Type: 'Task',
          Resource: 'arn:aws:states:::states:startExecution.sync',
          Parameters: parameters,
          Catch: [{ ErrorEquals: [error], ResultPath: '$.error', Next: 'Caught' }],
          End: true,
        },
        Caught: { Type: 'Pass', End: true },
      },
    });
    expect(result.status).toBe('SUCCEEDED');
    const output = JSON.parse(result.output ?? 'null');
    expect(output.error.Error).toBe(error);
    expect(output.error.Cause).toMatch(cause);
    const failed = result.events.find((event) => event.type === 'TaskFailed');
    expect(details(failed, 'taskFailedEventDetails')).toMatchObject({
      error,
      resourceType: 'states',
      resource: 'startExecution.sync',
    });
  });

  it("an invalid machine in stateMachines is refused before the run, with the machine's name", async () => {
    await expect(
      runExecution({
        definition: nested('startExecution', { StateMachineArn: `${PREFIX}:stateMachine:broken` }),
        stateMachines: { broken: { StartAt: 'Nowhere', States: {} } },
      }),
    ).rejects.toMatchObject({
      code: 'InvalidDefinition',
      message: expect.stringMatching(/^State machine 'broken': /),
    });
  });

  it('without stateMachines, a machine does not exist', async () => {
    const result = await runExecution({
      definition: nested('startExecution', { StateMachineArn: `${PREFIX}:stateMachine:child` }),
      input: {},
    });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('StepFunctions.StateMachineDoesNotExistException');
  });

  it.each([
    { pattern: '.sync', output: '{"express":true}', input: '{"value":1}' },
    { pattern: '.sync:2', output: { express: true }, input: { value: 1 } },
  ])(
    '$pattern on an EXPRESS child waits for it and answers its description, as for a STANDARD child',
    async ({ pattern, output, input }) => {
      const result = await run(
        nested(`startExecution${pattern}`, {
          StateMachineArn: `${PREFIX}:stateMachine:express-child`,
          Name: 'e',
          Input: { value: 1 },
        }),
      );
      expect(result.status).toBe('SUCCEEDED');
      const answer = JSON.parse(result.output ?? 'null');
      expect(answer).toMatchObject({
        Input: input,
        Name: 'e',
        Output: output,
        StateMachineArn: `${PREFIX}:stateMachine:express-child`,
        Status: 'SUCCEEDED',
      });
      expect(answer.ExecutionArn).toMatch(new RegExp(`^${PREFIX}:express:express-child:e:[0-9a-f-]{36}$`));
      expect(typesOf(result.events)).toEqual(SYNC_EVENTS);
      expect(result.childExecutions?.[0]).toMatchObject({
        executionArn: answer.ExecutionArn,
        status: 'SUCCEEDED',
      });
    },
  );

  it('an EXPRESS child runs five minutes at most, as on the engine: its longer Wait times it out', async () => {
    const result = await run(
      nested('startExecution.sync:2', { StateMachineArn: `${PREFIX}:stateMachine:slow-express`, Name: 's' }),
      {
        stateMachines: {
          ...machines,
          'slow-express': {
            definition: { StartAt: 'Hold', States: { Hold: { Type: 'Wait', Seconds: 600, End: true } } },
            type: 'EXPRESS',
          },
        },
      },
    );
    expect(result.error).toBe('States.TaskFailed');
    expect(JSON.parse(result.cause ?? 'null')).toMatchObject({
      Status: 'TIMED_OUT',
      StopDate: START + 300_000,
    });
  });

  it('request-response starts an EXPRESS child under an express ARN', async () => {
    const started = await run(
      nested('startExecution', { StateMachineArn: `${PREFIX}:stateMachine:express-child`, Name: 'e' }),
    );
    expect(started.status).toBe('SUCCEEDED');
    expect(JSON.parse(started.output ?? 'null').ExecutionArn).toMatch(
      new RegExp(`^${PREFIX}:express:express-child:e:[0-9a-f-]{36}$`),
    );
    expect(started.childExecutions?.[0]?.status).toBe('SUCCEEDED');
  });

  it('HeartbeatSeconds on a .sync task: nothing heartbeats for the child, so the task times out then (States.Timeout, caught as States.HeartbeatTimeout) and the child is stopped', async () => {
    const definition = nested(
      'startExecution.sync',
      { StateMachineArn: `${PREFIX}:stateMachine:waiting-child`, Name: 'beat' },
      { HeartbeatSeconds: 30, Catch: [{ ErrorEquals: ['States.HeartbeatTimeout'], Next: 'Late' }] },
    );
    const result = await run({
      ...definition,
      States: { ...definition.States, Late: { Type: 'Pass', End: true } },
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(JSON.parse(result.output ?? 'null')).toEqual({ Error: 'States.Timeout', Cause: '' });
    const timedOut = result.events.find((event) => event.type === 'TaskTimedOut');
    expect(details(timedOut, 'taskTimedOutEventDetails')).toMatchObject({
      error: 'States.Timeout',
      resourceType: 'states',
      resource: 'startExecution.sync',
    });
    expect(Date.parse(String(timedOut?.timestamp)) - START).toBe(30_000);
    expect(result.childExecutions?.[0]).toMatchObject({ status: 'ABORTED' });
    expect(result.childExecutions?.[0]?.stopDate?.getTime()).toBe(START + 30_000);
  });

  it('a .sync task whose child ends before HeartbeatSeconds succeeds', async () => {
    const result = await run(
      nested(
        'startExecution.sync:2',
        { StateMachineArn: `${PREFIX}:stateMachine:child`, Input: { value: 3 } },
        { HeartbeatSeconds: 30, OutputPath: '$.Output' },
      ),
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(JSON.parse(result.output ?? 'null')).toEqual({ doubled: 6 });
  });

  describe('.waitForTaskToken: the child answers its parent with aws-sdk:sfn:sendTask…', () => {
    const answering = (states: object) => ({
      definition: { StartAt: Object.keys(states)[0], States: states },
      type: 'STANDARD' as const,
    });
    const sdk = (action: string, parameters: object, fields: object = {}) => ({
      Type: 'Task',
      Resource: `arn:aws:states:::aws-sdk:sfn:${action}`,
      Parameters: parameters,
      ...fields,
    });
    const answerers = {
      approver: answering({
        Approve: sdk(
          'sendTaskSuccess',
          { 'TaskToken.$': '$.token', 'Output.$': 'States.JsonToString($.order)' },
          { ResultPath: '$.sent', Next: 'Again' },
        ),
        // The task has its answer: the same token again is refused, as SendTaskSuccess refuses it.
        Again: sdk(
          'sendTaskSuccess',
          { 'TaskToken.$': '$.token', Output: '{}' },
          { Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.again', Next: 'Done' }], Next: 'Done' },
        ),
        Done: { Type: 'Pass', End: true },
      }),
      rejecter: answering({
        Reject: sdk(
          'sendTaskFailure',
          { 'TaskToken.$': '$.token', Error: 'Rejected', Cause: 'over budget' },
          { End: true },
        ),
      }),
      silent: answering({ Hold: { Type: 'Wait', Seconds: 10, End: true } }),
      beating: answering({
        First: { Type: 'Wait', Seconds: 20, Next: 'Beat' },
        Beat: sdk('sendTaskHeartbeat', { 'TaskToken.$': '$.token' }, { ResultPath: null, Next: 'Then' }),
        Then: { Type: 'Wait', Seconds: 20, Next: 'Answer' },
        Answer: sdk('sendTaskSuccess', { 'TaskToken.$': '$.token', Output: { late: true } }, { End: true }),
      }),
    };
    const parent = (machine: string, fields: object = {}) =>
      nested(
        'startExecution.waitForTaskToken',
        {
          StateMachineArn: `${PREFIX}:stateMachine:${machine}`,
          Name: `${machine}-run`,
          Input: { 'token.$': '$$.Task.Token', order: { id: 7 } },
        },
        fields,
      );
    const runWith = (definition: object, clock: 'virtual' | 'real' = 'virtual') =>
      run(definition, { stateMachines: { ...machines, ...answerers }, clock });

    it.each(['virtual', 'real'] as const)(
      'SendTaskSuccess from the child ends the task with its output (%s clock); the same token again is Sfn.TaskTimedOutException',
      async (clock) => {
        const result = await runWith(parent('approver'), clock);
        expect(result.status).toBe('SUCCEEDED');
        expect(JSON.parse(result.output ?? 'null')).toEqual({ id: 7 });
        expect(typesOf(result.events)).toEqual(SYNC_EVENTS);
        const submitted = result.events.find((event) => event.type === 'TaskSubmitted');
        expect(details(submitted, 'taskSubmittedEventDetails')).toMatchObject({
          resourceType: 'states',
          resource: 'startExecution.waitForTaskToken',
        });
        expect(JSON.parse(String(details(submitted, 'taskSubmittedEventDetails')?.output))).toMatchObject({
          ExecutionArn: `${PREFIX}:execution:approver:approver-run`,
        });
        const child = result.childExecutions?.[0];
        expect(child?.status).toBe('SUCCEEDED');
        const childOutput = JSON.parse(child?.output ?? 'null');
        expect(childOutput.sent).toEqual({});
        expect(childOutput.again).toMatchObject({
          Error: 'Sfn.TaskTimedOutException',
          Cause: expect.stringMatching(
            /^Task Timed Out: 'Provided task does not exist anymore' \(Service: Sfn, Status Code: 400, Request ID: [0-9a-f-]{36}\)$/,
          ),
        });
      },
    );

    it('SendTaskFailure from the child fails the task with its error and cause, which Catch takes', async () => {
      const definition = parent('rejecter', {
        Catch: [{ ErrorEquals: ['Rejected'], Next: 'Refused' }],
      });
      const result = await runWith({
        ...definition,
        States: { ...definition.States, Refused: { Type: 'Pass', End: true } },
      });
      expect(result.status).toBe('SUCCEEDED');
      expect(JSON.parse(result.output ?? 'null')).toEqual({ Error: 'Rejected', Cause: 'over budget' });
      expect(typesOf(result.events).slice(0, 6)).toEqual([
        'ExecutionStarted',
        'TaskStateEntered',
        'TaskScheduled',
        'TaskStarted',
        'TaskSubmitted',
        'TaskFailed',
      ]);
    });

    it('a child that never answers: with TimeoutSeconds the task times out then; without, it fails with States.Runtime saying nothing could answer', async () => {
      const timed = await runWith(parent('silent', { TimeoutSeconds: 60 }));
      expect(timed.status).toBe('FAILED');
      expect(timed.error).toBe('States.Timeout');
      expect(timed.stopDate?.getTime()).toBe(START + 60_000);
      // The child runs on by itself, as on AWS (a .waitForTaskToken child is not stopped with its task).
      expect(timed.childExecutions?.[0]).toMatchObject({ status: 'SUCCEEDED' });
      const stuck = await runWith(parent('silent'));
      expect(stuck.status).toBe('FAILED');
      expect(stuck.error).toBe('States.Runtime');
      expect(stuck.cause).toMatch(
        /^Nothing in this run sent SendTaskSuccess, SendTaskFailure or SendTaskHeartbeat for the task token of state 'Nest'/,
      );
      expect(stuck.stopDate?.getTime()).toBe(START + 10_000);
    });

    it("SendTaskHeartbeat from the child moves the task's HeartbeatSeconds deadline on", async () => {
      const result = await runWith(parent('beating', { HeartbeatSeconds: 30 }));
      expect(result.status).toBe('SUCCEEDED');
      expect(JSON.parse(result.output ?? 'null')).toEqual({ late: true });
      expect(result.stopDate?.getTime()).toBe(START + 40_000);
      // With a deadline before the first heartbeat, the same child is too late: the task times out then.
      const late = await runWith(parent('beating', { HeartbeatSeconds: 15 }));
      expect(late.error).toBe('States.Timeout');
      expect(late.stopDate?.getTime()).toBe(START + 15_000);
    });

    it("a token that is not Statefold's goes to the service, which is not configured: States.TaskFailed", async () => {
      const result = await run({
        StartAt: 'Send',
        States: {
          Send: { ...sdk('sendTaskSuccess', { TaskToken: 'not-a-token', Output: '{}' }), End: true },
        },
      });
      expect(result.error).toBe('States.TaskFailed');
      expect(result.cause).toMatch(/^Statefold cannot call aws-sdk:sfn:sendTaskSuccess/);
    });
  });

  it('a mocked .sync task never starts a child', async () => {
    const result = await run(
      nested('startExecution.sync', { StateMachineArn: `${PREFIX}:stateMachine:child` }),
      {
        mocks: { answer: () => ({ ok: true, output: { mocked: true } }) },
      },
    );
    expect(JSON.parse(result.output ?? 'null')).toEqual({ mocked: true });
    expect(result.childExecutions).toBeUndefined();
  });
});
