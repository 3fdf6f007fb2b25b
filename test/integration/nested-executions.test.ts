import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeExecution, stopExecution } from '../../shared/engine/executions.ts';
import { startExecution } from '../../shared/engine/start-execution.ts';
import { createStateMachine } from '../../shared/engine/state-machines.ts';
import { sendTaskSuccess } from '../../shared/engine/task-callbacks.ts';
import type { HistoryEvent } from '../../shared/history/to-history-event.ts';
import { startTestbed, type Testbed } from '../support/durable-testbed.ts';
import { until } from '../support/eventually.ts';

/**
 * `arn:aws:states:::states:startExecution[.sync|.sync:2|.waitForTaskToken]` through the durable engine
 * (dynalite, fauxqs, the pollers feeding the real handlers): the child is a real execution on the engine,
 * started by the task handler through StartExecution; its results, errors and history are AWS's
 * (connect-stepfunctions: StartExecution's answer, DescribeExecution's shape for `.sync`, Output as JSON for
 * `.sync:2`, States.TaskFailed with the child's description as the cause).
 */

const LAMBDA = 'arn:aws:lambda:us-east-1:123456789012:function';
const PREFIX = 'arn:aws:states:us-east-1:123456789012';

let testbed: Testbed;
const deps = () => testbed.engine.deps;

const functions = {
  /** The child's worker: completes the parent's callback with the token the child was given. */
  approve: async (event: { TaskToken: string; order: number }) => {
    await sendTaskSuccess(deps(), {
      taskToken: event.TaskToken,
      output: JSON.stringify({ approved: event.order }),
    });
    return { sent: true };
  },
};

/** While set, the task handler waits for it before handling a task (a test stops a parent first). */
let taskGate: Promise<void> | undefined;

let childArn: string;
let failingChildArn: string;
let waitingChildArn: string;

beforeAll(async () => {
  testbed = await startTestbed({
    functions,
    virtualClock: Date.UTC(2026, 0, 1),
    wrapHandler: (queue, handler) =>
      queue !== 'tasks'
        ? handler
        : async (event, context) => {
            if (taskGate) await taskGate;
            return handler(event, context);
          },
  });
  childArn = await testbed.createMachine(
    {
      StartAt: 'Double',
      States: {
        Double: { Type: 'Pass', Parameters: { 'doubled.$': 'States.MathAdd($.value, $.value)' }, End: true },
      },
    },
    'child',
  );
  failingChildArn = await testbed.createMachine(
    {
      StartAt: 'Reject',
      States: { Reject: { Type: 'Fail', Error: 'OrderRejected', Cause: 'out of stock' } },
    },
    'failing-child',
  );
  waitingChildArn = await testbed.createMachine(
    { StartAt: 'Hold', States: { Hold: { Type: 'Wait', Seconds: 3600, End: true } } },
    'waiting-child',
  );
});
afterAll(async () => {
  await testbed?.stop();
});

const typesOf = (events: HistoryEvent[]) => events.map((event) => event.type);
const details = (event: HistoryEvent | undefined, member: string) =>
  (event as unknown as Record<string, Record<string, unknown>>)[member];

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

describe('states:startExecution (request-response)', () => {
  it('starts the child and answers ExecutionArn and StartDate with the HTTP metadata; the child runs to its end', async () => {
    const run = await testbed.run({
      definition: nested('startExecution', {
        StateMachineArn: childArn,
        Name: 'rr-child',
        Input: { value: 2, 'AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$': '$$.Execution.Id' },
      }),
      executionName: 'rr-parent',
    });
    expect(run.status).toBe('SUCCEEDED');
    const output = JSON.parse(run.output ?? 'null');
    expect(output).toEqual({
      ExecutionArn: `${PREFIX}:execution:child:rr-child`,
      StartDate: expect.any(Number),
      SdkHttpMetadata: expect.objectContaining({ HttpStatusCode: 200 }),
      SdkResponseMetadata: { RequestId: expect.any(String) },
    });
    expect(typesOf(run.events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(details(run.events[2], 'taskScheduledEventDetails')).toMatchObject({
      resourceType: 'states',
      resource: 'startExecution',
      region: 'us-east-1',
    });
    const child = await testbed.waitForClose(output.ExecutionArn);
    expect(child.status).toBe('SUCCEEDED');
    expect(JSON.parse(child.input ?? 'null')).toEqual({
      value: 2,
      AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: run.executionArn,
    });
    expect(JSON.parse(child.output ?? 'null')).toEqual({ doubled: 4 });
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
      when: 'an execution of that name exists (with another input)',
      parameters: { StateMachineArn: '<child>', Name: 'rr-child', Input: { value: 99 } },
      error: 'StepFunctions.ExecutionAlreadyExistsException',
      cause: /^Execution Already Exists: '.*:execution:child:rr-child' \(Service: AWSStepFunctions;/,
    },
  ])('$when: the task fails with $error, which Catch handles', async ({ parameters, error, cause }) => {
    const resolved = {
      ...parameters,
      StateMachineArn: parameters.StateMachineArn === '<child>' ? childArn : parameters.StateMachineArn,
    };
    const definition = nested('startExecution.sync', resolved, {
      End: undefined,
      Next: 'Done',
      Catch: [{ ErrorEquals: [error], ResultPath: '$.error', Next: 'Caught' }],
    });
    const run = await testbed.run({
      definition: {
        ...definition,
        States: {
          ...definition.States,
          Caught: { Type: 'Pass', End: true },
          Done: { Type: 'Pass', End: true },
        },
      },
    });
    expect(run.status).toBe('SUCCEEDED');
    const output = JSON.parse(run.output ?? 'null');
    expect(output.error.Error).toBe(error);
    expect(output.error.Cause).toMatch(cause);
    const failed = run.events.find((event) => event.type === 'TaskFailed');
    expect(details(failed, 'taskFailedEventDetails')).toMatchObject({
      error,
      resourceType: 'states',
      resource: 'startExecution.sync',
    });
  });
});

describe('states:startExecution from an EXPRESS execution', () => {
  it('request-response starts the STANDARD child, which runs to its end', async () => {
    const { stateMachineArn } = await createStateMachine(deps(), {
      name: 'express-parent',
      type: 'EXPRESS',
      roleArn: 'arn:aws:iam::123456789012:role/StatefoldExecutionRole',
      definition: JSON.stringify(
        nested('startExecution', { StateMachineArn: childArn, Name: 'from-express', Input: { value: 3 } }),
      ),
    });
    await startExecution(deps(), { stateMachineArn, name: 'express-run' });
    const childExecutionArn = `${PREFIX}:execution:child:from-express`;
    await until('the child', async () =>
      describeExecution(deps(), { executionArn: childExecutionArn }).catch(() => undefined),
    );
    const child = await testbed.waitForClose(childExecutionArn);
    expect(child.status).toBe('SUCCEEDED');
    expect(JSON.parse(child.output ?? 'null')).toEqual({ doubled: 6 });
  });
});

describe('states:startExecution.sync on an EXPRESS child', () => {
  let expressChildArn: string;
  let failingExpressArn: string;
  beforeAll(async () => {
    const express = async (name: string, definition: object) =>
      (
        await createStateMachine(deps(), {
          name,
          type: 'EXPRESS',
          roleArn: 'arn:aws:iam::123456789012:role/StatefoldExecutionRole',
          definition: JSON.stringify(definition),
          loggingConfiguration: { level: 'ALL', includeExecutionData: true },
        })
      ).stateMachineArn;
    expressChildArn = await express('express-child', {
      StartAt: 'Triple',
      States: {
        Triple: {
          Type: 'Pass',
          Parameters: { 'tripled.$': 'States.MathAdd(States.MathAdd($.value, $.value), $.value)' },
          End: true,
        },
      },
    });
    failingExpressArn = await express('failing-express-child', {
      StartAt: 'Reject',
      States: { Reject: { Type: 'Fail', Error: 'ExpressRejected', Cause: 'no' } },
    });
  });

  it.each([
    { pattern: '.sync', output: '{"tripled":12}' },
    { pattern: '.sync:2', output: { tripled: 12 } },
  ])(
    '$pattern waits for the EXPRESS child and answers its description (kept: its history is served)',
    async ({ pattern, output }) => {
      const run = await testbed.run({
        definition: nested(`startExecution${pattern}`, {
          StateMachineArn: expressChildArn,
          Name: `express${pattern.replace(/[.:]/g, '-')}`,
          Input: { value: 4 },
        }),
      });
      expect(run.status).toBe('SUCCEEDED');
      const answer = JSON.parse(run.output ?? 'null');
      expect(answer).toMatchObject({
        Name: `express${pattern.replace(/[.:]/g, '-')}`,
        Output: output,
        StateMachineArn: expressChildArn,
        Status: 'SUCCEEDED',
      });
      expect(answer.ExecutionArn).toMatch(
        new RegExp(`^${PREFIX}:express:express-child:express-[-a-z0-9]+:[0-9a-f-]{36}$`),
      );
      expect(typesOf(run.events)).toEqual(SYNC_EVENTS);
      const submitted = run.events.find((event) => event.type === 'TaskSubmitted');
      expect(JSON.parse(details(submitted, 'taskSubmittedEventDetails')?.output as string)).toMatchObject({
        ExecutionArn: answer.ExecutionArn,
      });
      const child = await describeExecution(deps(), { executionArn: answer.ExecutionArn });
      expect(child.status).toBe('SUCCEEDED');
    },
  );

  it('a failing EXPRESS child fails the task with States.TaskFailed and its description as the cause', async () => {
    const run = await testbed.run({
      definition: nested('startExecution.sync', { StateMachineArn: failingExpressArn, Name: 'rejected' }),
    });
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('States.TaskFailed');
    expect(JSON.parse(run.cause ?? 'null')).toMatchObject({
      Error: 'ExpressRejected',
      Cause: 'no',
      Status: 'FAILED',
    });
  });

  it('an EXPRESS machine that does not exist fails the task with StateMachineDoesNotExistException', async () => {
    const run = await testbed.run({
      definition: nested('startExecution.sync:2', {
        StateMachineArn: `${PREFIX}:stateMachine:no-such-express`,
      }),
    });
    expect(run.error).toBe('StepFunctions.StateMachineDoesNotExistException');
  });
});

describe('states:startExecution.sync and .sync:2', () => {
  it('.sync waits for the child and answers its DescribeExecution, Input and Output as JSON text', async () => {
    const run = await testbed.run({
      definition: nested('startExecution.sync', {
        StateMachineArn: childArn,
        Name: 'sync-child',
        Input: { value: 5 },
      }),
    });
    expect(run.status).toBe('SUCCEEDED');
    const output = JSON.parse(run.output ?? 'null');
    expect(output).toEqual({
      ExecutionArn: `${PREFIX}:execution:child:sync-child`,
      Input: '{"value":5}',
      InputDetails: { Included: true },
      Name: 'sync-child',
      Output: '{"doubled":10}',
      OutputDetails: { Included: true },
      RedriveCount: 0,
      RedriveStatus: 'NOT_REDRIVABLE',
      RedriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven',
      StartDate: expect.any(Number),
      StateMachineArn: childArn,
      Status: 'SUCCEEDED',
      StopDate: expect.any(Number),
    });
    expect(typesOf(run.events)).toEqual(SYNC_EVENTS);
    const submitted = run.events.find((event) => event.type === 'TaskSubmitted');
    expect(details(submitted, 'taskSubmittedEventDetails')).toMatchObject({
      resourceType: 'states',
      resource: 'startExecution.sync',
    });
    expect(JSON.parse(details(submitted, 'taskSubmittedEventDetails')?.output as string)).toMatchObject({
      ExecutionArn: output.ExecutionArn,
      StartDate: output.StartDate,
    });
    const succeeded = run.events.find((event) => event.type === 'TaskSucceeded');
    expect(details(succeeded, 'taskSucceededEventDetails')).toMatchObject({
      resourceType: 'states',
      resource: 'startExecution.sync',
    });
  });

  it('.sync:2 answers the same description with Input and Output as JSON; an Input given as text is sent as is', async () => {
    const run = await testbed.run({
      definition: nested(
        'startExecution.sync:2',
        { StateMachineArn: childArn, Input: '{"value":7}' },
        { OutputPath: '$.Output' },
      ),
    });
    expect(run.status).toBe('SUCCEEDED');
    expect(JSON.parse(run.output ?? 'null')).toEqual({ doubled: 14 });
    expect(typesOf(run.events)).toEqual(SYNC_EVENTS);
    const succeeded = run.events.find((event) => event.type === 'TaskSucceeded');
    const result = JSON.parse(details(succeeded, 'taskSucceededEventDetails')?.output as string);
    expect(result).toMatchObject({
      Input: { value: 7 },
      Output: { doubled: 14 },
      Status: 'SUCCEEDED',
      Name: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/),
    });
  });

  it('a failing child fails the task with States.TaskFailed and its description as the cause; Catch takes it', async () => {
    const definition = nested(
      'startExecution.sync',
      { StateMachineArn: failingChildArn, Name: 'failing' },
      {
        End: undefined,
        Next: 'Done',
        Catch: [{ ErrorEquals: ['States.TaskFailed'], ResultPath: '$.failure', Next: 'Caught' }],
      },
    );
    const run = await testbed.run({
      definition: {
        ...definition,
        States: {
          ...definition.States,
          Caught: { Type: 'Pass', End: true },
          Done: { Type: 'Fail', Error: 'Unexpected' },
        },
      },
    });
    expect(run.status).toBe('SUCCEEDED');
    const { failure } = JSON.parse(run.output ?? 'null');
    expect(failure.Error).toBe('States.TaskFailed');
    expect(JSON.parse(failure.Cause)).toEqual({
      ExecutionArn: `${PREFIX}:execution:failing-child:failing`,
      Input: '{}',
      InputDetails: { Included: true },
      Name: 'failing',
      Error: 'OrderRejected',
      Cause: 'out of stock',
      RedriveCount: 0,
      RedriveStatus: 'NOT_REDRIVABLE',
      RedriveStatusReason: 'Execution is FAILED and cannot be redriven',
      StartDate: expect.any(Number),
      StateMachineArn: failingChildArn,
      Status: 'FAILED',
      StopDate: expect.any(Number),
    });
    expect(typesOf(run.events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskFailed',
      'TaskStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
  });
});

describe('a .sync task request delivered again', () => {
  it("after a crash between the child's first commit and its sends: the parent hears of the child once, and succeeds", async () => {
    const parentArn = await testbed.createMachine(
      nested('startExecution.sync', { StateMachineArn: childArn, Name: 'resumed', Input: { value: 8 } }),
      'resuming-parent',
    );
    let release = () => {};
    taskGate = new Promise((resolve) => {
      release = resolve;
    });
    let executionArn = '';
    try {
      ({ executionArn } = await startExecution(deps(), { stateMachineArn: parentArn, name: 'resuming' }));
      // The first delivery's crash: the child's commit 1 (which closes it) is stored, nothing of it is sent.
      const crashed = startExecution(
        deps(),
        {
          stateMachineArn: childArn,
          name: 'resumed',
          input: '{"value":8}',
          parent: { executionArn, scope: 'root', ref: 3, index: 0, task: 'sync' },
        },
        async () => {
          throw new Error('crash');
        },
      );
      await expect(crashed).rejects.toThrow('crash');
    } finally {
      taskGate = undefined;
      release();
    }
    const run = await testbed.waitForClose(executionArn);
    expect(run.status).toBe('SUCCEEDED');
    expect(JSON.parse(run.output ?? 'null')).toMatchObject({ Output: '{"doubled":16}', Status: 'SUCCEEDED' });
    expect(typesOf(run.events)).toEqual(SYNC_EVENTS);
  });
});

describe('states:startExecution.waitForTaskToken', () => {
  it('the child receives the token in its input and completes the parent with SendTaskSuccess', async () => {
    const approver = await testbed.createMachine(
      {
        StartAt: 'Approve',
        States: { Approve: { Type: 'Task', Resource: `${LAMBDA}:approve`, End: true } },
      },
      'approver',
    );
    const run = await testbed.run({
      definition: nested(
        'startExecution.waitForTaskToken',
        {
          StateMachineArn: approver,
          Name: 'approver-run',
          Input: { order: 42, 'TaskToken.$': '$$.Task.Token' },
        },
        { ResultPath: '$.approval' },
      ),
      input: { order: 42 },
    });
    expect(run.status).toBe('SUCCEEDED');
    expect(JSON.parse(run.output ?? 'null')).toEqual({ order: 42, approval: { approved: 42 } });
    expect(typesOf(run.events)).toEqual(SYNC_EVENTS);
    const submitted = run.events.find((event) => event.type === 'TaskSubmitted');
    expect(details(submitted, 'taskSubmittedEventDetails')).toMatchObject({
      resourceType: 'states',
      resource: 'startExecution.waitForTaskToken',
    });
    expect(JSON.parse(details(submitted, 'taskSubmittedEventDetails')?.output as string)).toMatchObject({
      ExecutionArn: `${PREFIX}:execution:approver:approver-run`,
    });
    const child = await testbed.waitForClose(`${PREFIX}:execution:approver:approver-run`);
    expect(child.status).toBe('SUCCEEDED');
  });
});

describe('states:startExecution.waitForTaskToken answered by the child with aws-sdk:sfn:sendTaskSuccess', () => {
  const answerer = {
    StartAt: 'Answer',
    States: {
      Answer: {
        Type: 'Task',
        Resource: 'arn:aws:states:::aws-sdk:sfn:sendTaskSuccess',
        Parameters: { 'TaskToken.$': '$.token', 'Output.$': 'States.JsonToString($.order)' },
        ResultPath: '$.sent',
        End: true,
      },
    },
  };

  it.each(['STANDARD', 'EXPRESS'] as const)(
    'a %s child answers its parent: the engine takes the SendTaskSuccess itself (its tokens are its own)',
    async (type) => {
      const name = `sdk-answerer-${type.toLowerCase()}`;
      const { stateMachineArn } = await createStateMachine(deps(), {
        name,
        type,
        roleArn: 'arn:aws:iam::123456789012:role/StatefoldExecutionRole',
        definition: JSON.stringify(answerer),
      });
      const run = await testbed.run({
        definition: nested(
          'startExecution.waitForTaskToken',
          { StateMachineArn: stateMachineArn, Input: { 'token.$': '$$.Task.Token', order: { id: 9 } } },
          { ResultPath: '$.approval' },
        ),
        input: { order: 9 },
        // An EXPRESS run keeps to the real clock (its five minutes): the virtual clock starts at real time here.
        startTime: Date.now(),
      });
      expect(run.status).toBe('SUCCEEDED');
      expect(JSON.parse(run.output ?? 'null')).toEqual({ order: 9, approval: { id: 9 } });
      expect(typesOf(run.events)).toEqual(SYNC_EVENTS);
    },
  );

  it('the same token again, after the task closed, fails the child task with Sfn.TaskTimedOutException', async () => {
    const again = await testbed.createMachine(
      {
        StartAt: 'Answer',
        States: {
          Answer: { ...answerer.States.Answer, End: undefined, Next: 'Pause' },
          // The answer is a transition of the parent's: once it is applied, the task waits no more.
          Pause: { Type: 'Wait', Seconds: 1, Next: 'Again' },
          Again: {
            Type: 'Task',
            Resource: 'arn:aws:states:::aws-sdk:sfn:sendTaskFailure',
            Parameters: { 'TaskToken.$': '$.token', Error: 'Late' },
            Catch: [{ ErrorEquals: ['Sfn.TaskTimedOutException'], ResultPath: '$.late', Next: 'Done' }],
            Next: 'Done',
          },
          Done: { Type: 'Pass', End: true },
        },
      },
      'sdk-answerer-twice',
    );
    const run = await testbed.run({
      definition: nested('startExecution.waitForTaskToken', {
        StateMachineArn: again,
        Name: 'twice',
        Input: { 'token.$': '$$.Task.Token', order: 1 },
      }),
    });
    expect(run.status).toBe('SUCCEEDED');
    const child = await testbed.waitForClose(`${PREFIX}:execution:sdk-answerer-twice:twice`);
    expect(child.status).toBe('SUCCEEDED');
    expect(JSON.parse(child.output ?? 'null').late).toMatchObject({
      Error: 'Sfn.TaskTimedOutException',
      Cause: expect.stringMatching(/^Task Timed Out: 'Provided task does not exist anymore' \(Service: Sfn/),
    });
  });
});

describe('stopping the parent', () => {
  it('stops its running .sync child: the child is ABORTED', async () => {
    const parentArn = await testbed.createMachine(
      nested('startExecution.sync', { StateMachineArn: waitingChildArn, Name: 'held' }),
      'stopped-parent',
    );
    const { executionArn } = await startExecution(deps(), { stateMachineArn: parentArn, name: 'stopped' });
    await until('TaskSubmitted', async () =>
      (await testbed.history(executionArn)).find((event) => event.type === 'TaskSubmitted'),
    );
    const childExecutionArn = `${PREFIX}:execution:waiting-child:held`;
    expect((await describeExecution(deps(), { executionArn: childExecutionArn })).status).toBe('RUNNING');
    await stopExecution(deps(), { executionArn });
    const child = await testbed.waitForClose(childExecutionArn);
    expect(child.status).toBe('ABORTED');
    const parent = await testbed.waitForClose(executionArn);
    expect(parent.status).toBe('ABORTED');
    expect(typesOf(parent.events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'ExecutionAborted',
    ]);
  });

  it("a .sync task's TimeoutSeconds ends the task first: TaskTimedOut, and the child is stopped", async () => {
    const run = await testbed.run({
      definition: nested(
        'startExecution.sync:2',
        { StateMachineArn: waitingChildArn, Name: 'timed-out' },
        { TimeoutSeconds: 10 },
      ),
    });
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('States.Timeout');
    expect(typesOf(run.events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskTimedOut',
      'ExecutionFailed',
    ]);
    const child = await testbed.waitForClose(`${PREFIX}:execution:waiting-child:timed-out`);
    expect(child.status).toBe('ABORTED');
  });

  it("a .sync task's HeartbeatSeconds: nothing heartbeats for the child, so TaskTimedOut then, and the child is stopped", async () => {
    const run = await testbed.run({
      definition: nested(
        'startExecution.sync',
        { StateMachineArn: waitingChildArn, Name: 'no-heartbeat' },
        { HeartbeatSeconds: 10 },
      ),
    });
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('States.Timeout');
    const timedOut = run.events.find((event) => event.type === 'TaskTimedOut');
    expect(details(timedOut, 'taskTimedOutEventDetails')).toMatchObject({
      error: 'States.Timeout',
      resourceType: 'states',
      resource: 'startExecution.sync',
    });
    const child = await testbed.waitForClose(`${PREFIX}:execution:waiting-child:no-heartbeat`);
    expect(child.status).toBe('ABORTED');
  });

  it('a parent stopped before its task hears of the child (TaskSubmitted) stops the child when it does', async () => {
    const parentArn = await testbed.createMachine(
      nested('startExecution.sync', { StateMachineArn: waitingChildArn, Name: 'orphan' }),
      'early-stopped-parent',
    );
    let release = () => {};
    taskGate = new Promise((resolve) => {
      release = resolve;
    });
    try {
      const { executionArn } = await startExecution(deps(), { stateMachineArn: parentArn, name: 'early' });
      await stopExecution(deps(), { executionArn });
    } finally {
      taskGate = undefined;
      release();
    }
    const childExecutionArn = `${PREFIX}:execution:waiting-child:orphan`;
    await until('the child', async () =>
      describeExecution(deps(), { executionArn: childExecutionArn }).catch(() => undefined),
    );
    const child = await testbed.waitForClose(childExecutionArn);
    expect(child.status).toBe('ABORTED');
  });
});
