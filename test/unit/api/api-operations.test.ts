import { describe, expect, it } from 'vitest';
import { applyTransition } from '../../../shared/engine/apply-transition.ts';
import { runTaskRequest } from '../../../shared/engine/run-task.ts';
import type { JsonObject } from '../../../shared/lib/json.ts';
import { createMemoryEngine, type MemoryEngine, runUntilIdle } from '../../support/memory-ports.ts';
import { createApiCaller } from './api-events.ts';

/**
 * Every operation's happy path over the in-memory engine, as a client sees it on the wire: AWS's member
 * names, dates as epoch seconds (numbers), absent members left out.
 */

const ROLE = 'arn:aws:iam::123456789012:role/StatefoldExecutionRole';
const PREFIX = 'arn:aws:states:us-east-1:123456789012';
const START = Date.UTC(2026, 0, 1);
const START_SECONDS = START / 1000;

const PASS = JSON.stringify({
  StartAt: 'P',
  States: { P: { Type: 'Pass', Result: { ok: true }, End: true } },
});
const FAIL = JSON.stringify({
  StartAt: 'F',
  States: { F: { Type: 'Fail', Error: 'SomeFailure', Cause: 'boom' } },
});
const CALLBACK = JSON.stringify({
  StartAt: 'Wait for approval',
  States: {
    'Wait for approval': {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: 'keep', Payload: { 'token.$': '$$.Task.Token' } },
      HeartbeatSeconds: 600,
      End: true,
    },
  },
});

/** Task tokens the `keep` function received, newest last. */
function setUp(): { engine: MemoryEngine; api: ReturnType<typeof createApiCaller>; tokens: string[] } {
  const tokens: string[] = [];
  const engine = createMemoryEngine({
    start: START,
    functions: {
      keep: (event: { token: string }) => {
        tokens.push(event.token);
        return {};
      },
    },
  });
  return { engine, api: createApiCaller(() => engine.deps), tokens };
}

/** Delivers queued transitions and tasks until none is left; timers (a heartbeat's) are not fired. */
async function deliverMessages(engine: MemoryEngine): Promise<void> {
  for (;;) {
    const transition = engine.queues.transitions.shift();
    if (transition) await applyTransition(engine.deps, transition);
    const task = transition ? undefined : engine.queues.tasks.shift();
    if (task) await runTaskRequest(engine.deps, task);
    if (!transition && !task) return;
  }
}

async function createMachine(api: ReturnType<typeof createApiCaller>, name: string, definition = PASS) {
  const { stateMachineArn } = await api.ok('CreateStateMachine', { name, definition, roleArn: ROLE });
  return stateMachineArn as string;
}

describe('state machines', () => {
  it('CreateStateMachine answers the ARN and the creation date in epoch seconds', async () => {
    const { api } = setUp();
    expect(await api.ok('CreateStateMachine', { name: 'orders', definition: PASS, roleArn: ROLE })).toEqual({
      stateMachineArn: `${PREFIX}:stateMachine:orders`,
      creationDate: START_SECONDS,
    });
  });

  it('DescribeStateMachine answers the definition verbatim and the defaults of its configuration', async () => {
    const { api } = setUp();
    const arn = await createMachine(api, 'orders');
    expect(await api.ok('DescribeStateMachine', { stateMachineArn: arn })).toEqual({
      stateMachineArn: arn,
      name: 'orders',
      status: 'ACTIVE',
      definition: PASS,
      roleArn: ROLE,
      type: 'STANDARD',
      creationDate: START_SECONDS,
      revisionId: expect.any(String),
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
    });
  });

  it('UpdateStateMachine answers the update date and the new revision', async () => {
    const { api, engine } = setUp();
    const arn = await createMachine(api, 'orders');
    const before = await api.ok('DescribeStateMachine', { stateMachineArn: arn });
    engine.clock.time = START + 1500;
    const updated = await api.ok('UpdateStateMachine', { stateMachineArn: arn, definition: FAIL });
    expect(updated).toEqual({ updateDate: START_SECONDS + 1.5, revisionId: expect.any(String) });
    expect(updated.revisionId).not.toBe(before.revisionId);
    expect(await api.ok('DescribeStateMachine', { stateMachineArn: arn })).toMatchObject({
      definition: FAIL,
      revisionId: updated.revisionId,
    });
  });

  it('ListStateMachines pages by name with a nextToken', async () => {
    const { api } = setUp();
    for (const name of ['b', 'a', 'c']) await createMachine(api, name);
    const first = await api.ok('ListStateMachines', { maxResults: 2 });
    expect(first).toEqual({
      stateMachines: [
        {
          stateMachineArn: `${PREFIX}:stateMachine:a`,
          name: 'a',
          type: 'STANDARD',
          creationDate: START_SECONDS,
        },
        {
          stateMachineArn: `${PREFIX}:stateMachine:b`,
          name: 'b',
          type: 'STANDARD',
          creationDate: START_SECONDS,
        },
      ],
      nextToken: expect.any(String),
    });
    const second = await api.ok('ListStateMachines', { maxResults: 2, nextToken: first.nextToken });
    expect(second).toEqual({
      stateMachines: [expect.objectContaining({ name: 'c' })],
    });
  });

  it('DeleteStateMachine answers {} and the machine is gone', async () => {
    const { api } = setUp();
    const arn = await createMachine(api, 'orders');
    expect(await api.ok('DeleteStateMachine', { stateMachineArn: arn })).toEqual({});
    expect((await api.call('DescribeStateMachine', { stateMachineArn: arn })).status).toBe(400);
  });

  it.each<[string, JsonObject, JsonObject]>([
    ['a valid definition', { definition: PASS }, { result: 'OK', diagnostics: [], truncated: false }],
    [
      'a definition without States',
      { definition: '{"StartAt": "A"}' },
      {
        result: 'FAIL',
        diagnostics: [expect.objectContaining({ severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED' })],
        truncated: false,
      },
    ],
    [
      'a callback task checked as EXPRESS',
      { definition: CALLBACK, type: 'EXPRESS' },
      {
        result: 'FAIL',
        diagnostics: [
          {
            severity: 'ERROR',
            code: 'SCHEMA_VALIDATION_FAILED',
            message: "Express state machine does not support '.waitForTaskToken' service integration ",
            location: '/States/Wait for approval/Resource',
          },
        ],
        truncated: false,
      },
    ],
    [
      'a callback task checked as STANDARD',
      { definition: CALLBACK, type: 'STANDARD' },
      { result: 'OK', diagnostics: [], truncated: false },
    ],
  ])('ValidateStateMachineDefinition of %s', async (_, input, expected) => {
    const { api } = setUp();
    expect(await api.ok('ValidateStateMachineDefinition', input)).toEqual(expected);
  });
});

describe('executions', () => {
  it('StartExecution answers the execution ARN and its start date; DescribeExecution its result', async () => {
    const { api, engine } = setUp();
    const arn = await createMachine(api, 'orders');
    const started = await api.ok('StartExecution', { stateMachineArn: arn, name: 'run-1', input: '{"a":1}' });
    expect(started).toEqual({ executionArn: `${PREFIX}:execution:orders:run-1`, startDate: START_SECONDS });
    await runUntilIdle(engine);
    expect(await api.ok('DescribeExecution', { executionArn: started.executionArn })).toEqual({
      executionArn: started.executionArn,
      stateMachineArn: arn,
      name: 'run-1',
      status: 'SUCCEEDED',
      startDate: START_SECONDS,
      stopDate: START_SECONDS,
      input: '{"a":1}',
      inputDetails: { included: true },
      output: '{"ok":true}',
      outputDetails: { included: true },
      redriveCount: 0,
      redriveStatus: 'NOT_REDRIVABLE',
      redriveStatusReason: expect.any(String),
    });
  });

  it('DescribeExecution with METADATA_ONLY leaves out the input and output', async () => {
    const { api, engine } = setUp();
    const arn = await createMachine(api, 'orders');
    const { executionArn } = await api.ok('StartExecution', { stateMachineArn: arn });
    await runUntilIdle(engine);
    const described = await api.ok('DescribeExecution', { executionArn, includedData: 'METADATA_ONLY' });
    expect(described).toMatchObject({
      inputDetails: { included: false },
      outputDetails: { included: false },
    });
    expect(described).not.toHaveProperty('input');
    expect(described).not.toHaveProperty('output');
  });

  it('DescribeStateMachineForExecution answers the revision the execution ran, in its output shape', async () => {
    const { api, engine } = setUp();
    const arn = await createMachine(api, 'orders');
    const { executionArn } = await api.ok('StartExecution', { stateMachineArn: arn });
    engine.clock.time = START + 5000;
    await api.ok('UpdateStateMachine', { stateMachineArn: arn, definition: FAIL });
    expect(await api.ok('DescribeStateMachineForExecution', { executionArn })).toEqual({
      stateMachineArn: arn,
      name: 'orders',
      definition: PASS,
      roleArn: ROLE,
      updateDate: START_SECONDS,
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
      revisionId: expect.any(String),
    });
  });

  it('ListExecutions lists newest first, filtered by status, in pages', async () => {
    const { api, engine } = setUp();
    const arn = await createMachine(api, 'approvals', CALLBACK);
    for (const name of ['one', 'two', 'three']) {
      engine.clock.time += 1500;
      await api.ok('StartExecution', { stateMachineArn: arn, name });
    }
    const first = await api.ok('ListExecutions', { stateMachineArn: arn, maxResults: 2 });
    expect(first).toEqual({
      executions: [
        {
          executionArn: `${PREFIX}:execution:approvals:three`,
          stateMachineArn: arn,
          name: 'three',
          status: 'RUNNING',
          startDate: START_SECONDS + 4.5,
        },
        expect.objectContaining({ name: 'two', startDate: START_SECONDS + 3 }),
      ],
      nextToken: expect.any(String),
    });
    const second = await api.ok('ListExecutions', { stateMachineArn: arn, nextToken: first.nextToken });
    expect(second).toEqual({ executions: [expect.objectContaining({ name: 'one' })] });
    expect(await api.ok('ListExecutions', { stateMachineArn: arn, statusFilter: 'RUNNING' })).toMatchObject({
      executions: [{ name: 'three' }, { name: 'two' }, { name: 'one' }],
    });
    expect(await api.ok('ListExecutions', { stateMachineArn: arn, statusFilter: 'FAILED' })).toEqual({
      executions: [],
    });
  });

  it.each([
    ['statusFilter PENDING_REDRIVE', { statusFilter: 'PENDING_REDRIVE' }, 0],
    ['redriveFilter REDRIVEN', { redriveFilter: 'REDRIVEN' }, 0],
    ['redriveFilter NOT_REDRIVEN', { redriveFilter: 'NOT_REDRIVEN' }, 1],
  ])('ListExecutions with %s: Statefold has not redriven any execution', async (_, filter, count) => {
    const { api } = setUp();
    const arn = await createMachine(api, 'orders');
    await api.ok('StartExecution', { stateMachineArn: arn });
    const listed = await api.ok('ListExecutions', { stateMachineArn: arn, ...filter });
    expect(listed.executions).toHaveLength(count);
  });

  it('GetExecutionHistory answers AWS events with epoch-second timestamps, in pages, either way', async () => {
    const { api, engine } = setUp();
    const arn = await createMachine(api, 'orders');
    const { executionArn } = await api.ok('StartExecution', { stateMachineArn: arn, input: '{"a":1}' });
    await runUntilIdle(engine);
    const first = await api.ok('GetExecutionHistory', { executionArn, maxResults: 3 });
    expect(first.events).toEqual([
      {
        timestamp: START_SECONDS,
        type: 'ExecutionStarted',
        id: 1,
        previousEventId: 0,
        executionStartedEventDetails: { input: '{"a":1}', inputDetails: { truncated: false }, roleArn: ROLE },
      },
      expect.objectContaining({ type: 'PassStateEntered', id: 2, timestamp: START_SECONDS }),
      expect.objectContaining({ type: 'PassStateExited', id: 3, timestamp: START_SECONDS }),
    ]);
    const rest = await api.ok('GetExecutionHistory', {
      executionArn,
      maxResults: 3,
      nextToken: first.nextToken,
    });
    expect(rest).toEqual({
      events: [
        {
          timestamp: START_SECONDS,
          type: 'ExecutionSucceeded',
          id: 4,
          previousEventId: 3,
          executionSucceededEventDetails: { output: '{"ok":true}', outputDetails: { truncated: false } },
        },
      ],
    });
    const reverse = await api.ok('GetExecutionHistory', {
      executionArn,
      reverseOrder: true,
      includeExecutionData: false,
    });
    expect((reverse.events as JsonObject[]).map((event) => event.id)).toEqual([4, 3, 2, 1]);
    expect((reverse.events as JsonObject[])[0]).toEqual({
      timestamp: START_SECONDS,
      type: 'ExecutionSucceeded',
      id: 4,
      previousEventId: 3,
      executionSucceededEventDetails: { outputDetails: { truncated: false } },
    });
  });

  it('StopExecution answers the stop date and the execution is ABORTED with the given error and cause', async () => {
    const { api, engine } = setUp();
    const arn = await createMachine(api, 'approvals', CALLBACK);
    const { executionArn } = await api.ok('StartExecution', { stateMachineArn: arn });
    await deliverMessages(engine);
    engine.clock.time = START + 2000;
    expect(await api.ok('StopExecution', { executionArn, error: 'Cancelled', cause: 'by the user' })).toEqual(
      {
        stopDate: START_SECONDS + 2,
      },
    );
    expect(await api.ok('DescribeExecution', { executionArn })).toMatchObject({
      status: 'ABORTED',
      stopDate: START_SECONDS + 2,
      error: 'Cancelled',
      cause: 'by the user',
    });
  });

  it('StopExecution answers once the execution is listed ABORTED: its listing is written in the call, not queued', async () => {
    const { api, engine } = setUp();
    const arn = await createMachine(api, 'approvals', CALLBACK);
    const { executionArn } = await api.ok('StartExecution', { stateMachineArn: arn });
    await deliverMessages(engine);
    await api.ok('StopExecution', { executionArn });
    expect(engine.queues.records).toEqual([]);
    expect(await api.ok('ListExecutions', { stateMachineArn: arn, statusFilter: 'ABORTED' })).toMatchObject({
      executions: [{ executionArn, status: 'ABORTED' }],
    });
  });
});

describe('task tokens', () => {
  it('SendTaskHeartbeat and SendTaskSuccess answer {} and the output becomes the execution output', async () => {
    const { api, engine, tokens } = setUp();
    const arn = await createMachine(api, 'approvals', CALLBACK);
    const { executionArn } = await api.ok('StartExecution', { stateMachineArn: arn });
    await deliverMessages(engine);
    expect(tokens).toHaveLength(1);
    expect(await api.ok('SendTaskHeartbeat', { taskToken: tokens[0] })).toEqual({});
    expect(await api.ok('SendTaskSuccess', { taskToken: tokens[0], output: '{"approved":true}' })).toEqual(
      {},
    );
    await deliverMessages(engine);
    expect(await api.ok('DescribeExecution', { executionArn })).toMatchObject({
      status: 'SUCCEEDED',
      output: '{"approved":true}',
    });
  });

  it('SendTaskFailure answers {} and the execution fails with its error and cause', async () => {
    const { api, engine, tokens } = setUp();
    const arn = await createMachine(api, 'approvals', CALLBACK);
    const { executionArn } = await api.ok('StartExecution', { stateMachineArn: arn });
    await deliverMessages(engine);
    expect(
      await api.ok('SendTaskFailure', { taskToken: tokens[0], error: 'Rejected', cause: 'too big' }),
    ).toEqual({});
    await deliverMessages(engine);
    expect(await api.ok('DescribeExecution', { executionArn })).toMatchObject({
      status: 'FAILED',
      error: 'Rejected',
      cause: 'too big',
    });
  });
});

describe('tags', () => {
  it('tags given at creation, added, replaced and removed are what ListTagsForResource answers', async () => {
    const { api } = setUp();
    const { stateMachineArn } = await api.ok('CreateStateMachine', {
      name: 'orders',
      definition: PASS,
      roleArn: ROLE,
      tags: [{ key: 'team', value: 'payments' }],
    });
    expect(await api.ok('ListTagsForResource', { resourceArn: stateMachineArn })).toEqual({
      tags: [{ key: 'team', value: 'payments' }],
    });
    expect(
      await api.ok('TagResource', {
        resourceArn: stateMachineArn,
        tags: [
          { key: 'team', value: 'billing' },
          { key: 'stage', value: '' },
        ],
      }),
    ).toEqual({});
    expect(await api.ok('ListTagsForResource', { resourceArn: stateMachineArn })).toEqual({
      tags: [
        { key: 'team', value: 'billing' },
        { key: 'stage', value: '' },
      ],
    });
    expect(
      await api.ok('UntagResource', { resourceArn: stateMachineArn, tagKeys: ['team', 'absent'] }),
    ).toEqual({});
    expect(await api.ok('ListTagsForResource', { resourceArn: stateMachineArn })).toEqual({
      tags: [{ key: 'stage', value: '' }],
    });
  });

  it('tagging does not change the revision the next execution runs', async () => {
    const { api } = setUp();
    const arn = await createMachine(api, 'orders');
    const before = await api.ok('DescribeStateMachine', { stateMachineArn: arn });
    await api.ok('TagResource', { resourceArn: arn, tags: [{ key: 'k', value: 'v' }] });
    expect((await api.ok('DescribeStateMachine', { stateMachineArn: arn })).revisionId).toBe(
      before.revisionId,
    );
  });
});

describe('EXPRESS state machines: StartExecution runs the workflow off the request path', () => {
  it.each([
    ['logging on (ALL)', { level: 'ALL', includeExecutionData: true }, true],
    ['logging off', undefined, false],
  ] as const)(
    'with %s, DescribeExecution and history are served only when Statefold keeps the run',
    async (_name, logging, kept) => {
      const { api, engine } = setUp();
      const { stateMachineArn } = await api.ok('CreateStateMachine', {
        name: 'quick-async',
        definition: PASS,
        roleArn: ROLE,
        type: 'EXPRESS',
        ...(logging ? { loggingConfiguration: logging } : {}),
      });
      const started = await api.ok('StartExecution', { stateMachineArn, name: 'bg', input: '{"a":1}' });
      expect(started.executionArn).toMatch(
        /^arn:aws:states:us-east-1:123456789012:express:quick-async:bg:[0-9a-f-]{36}$/,
      );
      await runUntilIdle(engine);
      const executionArn = started.executionArn as string;
      if (kept) {
        expect(await api.ok('DescribeExecution', { executionArn })).toMatchObject({
          status: 'SUCCEEDED',
          output: '{"ok":true}',
          name: 'bg',
        });
        const history = await api.ok('GetExecutionHistory', { executionArn });
        expect((history.events as Array<{ type: string }>).map((e) => e.type)).toEqual([
          'ExecutionStarted',
          'PassStateEntered',
          'PassStateExited',
          'ExecutionSucceeded',
        ]);
      } else {
        expect(await api.call('DescribeExecution', { executionArn })).toMatchObject({
          status: 400,
          body: { message: "Invalid Arn: 'Resource type not valid in this context: express'" },
        });
      }
    },
  );
});

describe('EXPRESS state machines: StartSyncExecution runs the workflow inside the request', () => {
  async function createExpress(api: ReturnType<typeof createApiCaller>, definition: string) {
    const { stateMachineArn } = await api.ok('CreateStateMachine', {
      name: 'quick',
      definition,
      roleArn: ROLE,
      type: 'EXPRESS',
    });
    return stateMachineArn as string;
  }

  it('a workflow that succeeds: 200 with its output and billing details', async () => {
    const { api } = setUp();
    const arn = await createExpress(api, PASS);
    const before = Date.now() / 1000;
    const answer = await api.ok('StartSyncExecution', {
      stateMachineArn: arn,
      name: 'now',
      input: '{"a":1}',
    });
    expect(answer).toEqual({
      executionArn: expect.stringMatching(
        /^arn:aws:states:us-east-1:123456789012:express:quick:now:[0-9a-f-]{36}$/,
      ),
      stateMachineArn: arn,
      name: 'now',
      startDate: expect.any(Number),
      stopDate: expect.any(Number),
      status: 'SUCCEEDED',
      input: '{"a":1}',
      inputDetails: { included: true },
      output: '{"ok":true}',
      outputDetails: { included: true },
      billingDetails: { billedMemoryUsedInMB: 64, billedDurationInMilliseconds: 100 },
    });
    expect(answer.startDate).toBeGreaterThanOrEqual(before - 1);
    expect(answer.stopDate).toBeGreaterThanOrEqual(answer.startDate as number);
  });

  it("a Task calls the deployment's Lambda (through the engine's invoker) and its result is the output", async () => {
    const { api } = setUp();
    const arn = await createExpress(
      api,
      JSON.stringify({
        StartAt: 'Call',
        States: {
          Call: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: 'keep', Payload: { token: 'not-a-callback' } },
            ResultSelector: { 'status.$': '$.StatusCode' },
            End: true,
          },
        },
      }),
    );
    const answer = await api.ok('StartSyncExecution', { stateMachineArn: arn });
    expect(answer).toMatchObject({ status: 'SUCCEEDED', output: '{"status":200}' });
  });

  it('a workflow that fails: still 200, with its error and cause and no output', async () => {
    const { api } = setUp();
    const arn = await createExpress(api, FAIL);
    const answer = await api.ok('StartSyncExecution', { stateMachineArn: arn, traceHeader: 'Root=1-abc' });
    expect(answer).toMatchObject({
      status: 'FAILED',
      error: 'SomeFailure',
      cause: 'boom',
      input: '{}',
      outputDetails: { included: true },
      traceHeader: 'Root=1-abc',
    });
    expect(answer).not.toHaveProperty('output');
    expect(answer.name).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a workflow over its TimeoutSeconds: 200 with TIMED_OUT', async () => {
    const { api } = setUp();
    const arn = await createExpress(
      api,
      JSON.stringify({
        TimeoutSeconds: 1,
        StartAt: 'W',
        States: { W: { Type: 'Wait', Seconds: 30, End: true } },
      }),
    );
    const answer = await api.ok('StartSyncExecution', { stateMachineArn: arn });
    expect(answer).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    const billing = answer.billingDetails as JsonObject;
    expect(billing.billedMemoryUsedInMB).toBe(64);
    // Rounded up to 100 ms steps: at least the second the run lasted.
    expect(billing.billedDurationInMilliseconds).toBeGreaterThanOrEqual(1000);
    expect((billing.billedDurationInMilliseconds as number) % 100).toBe(0);
  });

  it('with METADATA_ONLY: no input or output', async () => {
    const { api } = setUp();
    const arn = await createExpress(api, PASS);
    const answer = await api.ok('StartSyncExecution', {
      stateMachineArn: arn,
      includedData: 'METADATA_ONLY',
    });
    expect(answer).toMatchObject({ inputDetails: { included: false }, outputDetails: { included: false } });
    expect(answer).not.toHaveProperty('input');
    expect(answer).not.toHaveProperty('output');
  });
});
