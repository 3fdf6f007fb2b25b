import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineError } from '../../shared/engine/engine-error.ts';
import { getExecutionHistory } from '../../shared/engine/execution-history.ts';
import { describeExecution, listExecutions, stopExecution } from '../../shared/engine/executions.ts';
import { startExecution } from '../../shared/engine/start-execution.ts';
import {
  createStateMachine,
  deleteStateMachine,
  describeStateMachine,
  describeStateMachineForExecution,
  listStateMachines,
  updateStateMachine,
} from '../../shared/engine/state-machines.ts';
import { sendTaskFailure, sendTaskHeartbeat, sendTaskSuccess } from '../../shared/engine/task-callbacks.ts';
import type { HistoryEvent } from '../../shared/history/to-history-event.ts';
import { startTestbed, type Testbed } from '../support/durable-testbed.ts';
import { until } from '../support/eventually.ts';

/**
 * The durable engine's use cases as a user of the Step Functions API meets them, over the real adapters:
 * dynalite, fauxqs, the local Lambda endpoint and the pollers feeding functions/step, task and timer, on the
 * testbed's virtual clock (a test moves time on; waits, heartbeats and timeouts take no real time). Error codes and messages are AWS's (AWS: the Step Functions API: its errors); the API issue puts the wire protocol on top.
 */

const REGION_ACCOUNT = 'us-east-1:123456789012';
const PREFIX = `arn:aws:states:${REGION_ACCOUNT}`;
const ROLE = 'arn:aws:iam::123456789012:role/StatefoldExecutionRole';
const LAMBDA = `arn:aws:lambda:${REGION_ACCOUNT}:function`;

let testbed: Testbed;
const deps = () => testbed.engine.deps;

/** Task tokens the `keep` function received, by the name of the execution that sent them. */
const tokens = new Map<string, string>();

const functions = {
  keep: (event: { token: string; execution: string }) => {
    tokens.set(event.execution, event.token);
    return { kept: true };
  },
  double: (event: { value: number }) => ({ value: event.value * 2 }),
  reject: () => {
    throw Object.assign(new Error('out of stock'), { name: 'OrderRejected' });
  },
};

beforeAll(async () => {
  testbed = await startTestbed({ functions, virtualClock: Date.UTC(2026, 0, 1) });
});
afterAll(async () => {
  await testbed?.stop();
});

let sequence = 0;
/** Names are unique across the file: one table holds every machine and execution. */
const unique = (prefix: string) => `${prefix}-${++sequence}`;

const tokenOf = (executionName: string) =>
  until(`the task token of ${executionName}`, () => tokens.get(executionName));

const eventOf = (executionArn: string, type: string) =>
  until(`${type} in ${executionArn}`, async () =>
    (await testbed.history(executionArn)).find((event) => event.type === type),
  );

/** The code and message of the EngineError a call fails with. */
async function engineError(call: () => Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await call();
  } catch (error) {
    if (error instanceof EngineError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('The call succeeded; an EngineError was expected');
}

const expected = (code: string, message: string | RegExp) => ({
  code,
  message: typeof message === 'string' ? message : expect.stringMatching(message),
});

/** A `.waitForTaskToken` Task that hands its token (and its execution's name) to the `keep` function. */
const callbackTask = (fields: object) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
  Parameters: {
    FunctionName: 'keep',
    Payload: { 'token.$': '$$.Task.Token', 'execution.$': '$$.Execution.Name' },
  },
  ...fields,
});

const CALLBACK = {
  StartAt: 'Approve',
  States: { Approve: callbackTask({ ResultPath: '$.approval', End: true }) },
};

const PASS = { StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } };

async function startNamed(
  stateMachineArn: string,
  prefix: string,
  input: object = {},
): Promise<{ executionArn: string; name: string; startDate: Date }> {
  const name = unique(prefix);
  const started = await startExecution(deps(), { stateMachineArn, name, input: JSON.stringify(input) });
  return { ...started, name };
}

const typesOf = (events: HistoryEvent[]) => events.map((event) => event.type);

// ─── 1. State machines ──────────────────────────────────────────────────────────────────────────────

describe('state machines', () => {
  const takenName = unique('taken');

  beforeAll(async () => {
    await testbed.createMachine(PASS, takenName);
  });

  it('CreateStateMachine answers the ARN of the name; the same name and definition again answers the same machine', async () => {
    const name = unique('created');
    const request = { name, definition: JSON.stringify(PASS), roleArn: ROLE };
    const first = await createStateMachine(deps(), request);
    expect(first.stateMachineArn).toBe(`${PREFIX}:stateMachine:${name}`);
    expect(first.creationDate).toBeInstanceOf(Date);
    await testbed.advanceClock(1000);
    const again = await createStateMachine(deps(), request);
    expect(again).toEqual(first);
  });

  it.each([
    {
      when: 'the name is taken by a machine with another definition',
      request: () => ({ name: takenName, definition: JSON.stringify(CALLBACK) }),
      error: expected(
        'StateMachineAlreadyExists',
        `State Machine Already Exists: '${PREFIX}:stateMachine:${takenName}'`,
      ),
    },
    {
      when: 'a Next names no state',
      request: () => ({
        definition: JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nope' } } }),
      }),
      // AWS's shape: every error as `<CODE>: <message> at <location>`, comma-separated (AWS: the Step Functions API: its errors).
      error: expected(
        'InvalidDefinition',
        /^Invalid State Machine Definition: '(?=.*MISSING_TRANSITION_TARGET: Missing 'Next' target: Nope at \/States\/A\/Next)[A-Z_]+: .+ at (\/\S*|null)'$/,
      ),
    },
    {
      when: 'the definition is not JSON',
      request: () => ({ definition: '{ "StartAt": ' }),
      error: expected(
        'InvalidDefinition',
        /^Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: .+'$/s,
      ),
    },
    {
      when: 'the name has a space',
      request: () => ({ name: 'with space' }),
      error: expected('InvalidName', "Invalid Name: 'with space'"),
    },
    {
      when: 'the name has a colon',
      request: () => ({ name: 'with:colon' }),
      error: expected('InvalidName', "Invalid Name: 'with:colon'"),
    },
    {
      when: 'the name is 81 characters long',
      request: () => ({ name: 'n'.repeat(81) }),
      error: expected('InvalidName', `Invalid Name: '${'n'.repeat(81)}'`),
    },
    {
      when: 'the role ARN is not an IAM role',
      request: () => ({ roleArn: 'arn:aws:s3:::my-bucket' }),
      error: expected('InvalidArn', /^Invalid Arn: '.+'$/),
    },
  ])('CreateStateMachine fails when $when: $error.code', async ({ request, error }) => {
    const full = { name: unique('refused'), definition: JSON.stringify(PASS), roleArn: ROLE, ...request() };
    expect(await engineError(() => createStateMachine(deps(), full))).toEqual(error);
  });

  it('DescribeStateMachine returns the definition verbatim, its revisionId, and no variableReferences without variables', async () => {
    const name = unique('described');
    const definition =
      '{\n  "StartAt": "Done",\n\n  "States": { "Done": { "Type": "Pass", "End": true } }\n}\n';
    const { stateMachineArn, creationDate } = await createStateMachine(deps(), {
      name,
      definition,
      roleArn: ROLE,
    });
    const description = await describeStateMachine(deps(), { stateMachineArn });
    expect(description).toMatchObject({
      stateMachineArn,
      name,
      status: 'ACTIVE',
      type: 'STANDARD',
      definition,
      roleArn: ROLE,
      creationDate,
      revisionId: expect.any(String),
    });
    expect(description).not.toHaveProperty('variableReferences');
  });

  it('DescribeStateMachine lists the variables each state of a JSONata machine reads', async () => {
    const definition = {
      QueryLanguage: 'JSONata',
      StartAt: 'Remember',
      States: {
        Remember: { Type: 'Pass', Assign: { total: 3, currency: 'EUR' }, Next: 'Use' },
        Use: { Type: 'Pass', Output: '{% {"amount": $total * 2, "in": $currency} %}', End: true },
      },
    };
    const stateMachineArn = await testbed.createMachine(definition, unique('variables'));
    const description = await describeStateMachine(deps(), { stateMachineArn });
    expect(description.variableReferences).toEqual({ Use: ['total', 'currency'] });
  });

  it('UpdateStateMachine makes a new revision; a running execution finishes on the revision it started with', async () => {
    const version = (n: number) => ({
      StartAt: 'Approve',
      States: {
        Approve: callbackTask({ ResultPath: null, Next: 'Version' }),
        Version: { Type: 'Pass', Result: { version: n }, End: true },
      },
    });
    const stateMachineArn = await testbed.createMachine(version(1), unique('revised'));
    const before = await describeStateMachine(deps(), { stateMachineArn });
    const old = await startNamed(stateMachineArn, 'on-v1');
    const oldToken = await tokenOf(old.name);

    const update = await updateStateMachine(deps(), {
      stateMachineArn,
      definition: JSON.stringify(version(2)),
    });
    expect(update.revisionId).not.toBe(before.revisionId);
    const after = await describeStateMachine(deps(), { stateMachineArn });
    expect(after).toMatchObject({ revisionId: update.revisionId, definition: JSON.stringify(version(2)) });

    await sendTaskSuccess(deps(), { taskToken: oldToken, output: '{}' });
    const oldRun = await testbed.waitForClose(old.executionArn);
    expect(JSON.parse(oldRun.output ?? 'null')).toEqual({ version: 1 });
    expect(await describeStateMachineForExecution(deps(), { executionArn: old.executionArn })).toMatchObject({
      revisionId: before.revisionId,
      definition: JSON.stringify(version(1)),
    });

    const fresh = await startNamed(stateMachineArn, 'on-v2');
    await sendTaskSuccess(deps(), { taskToken: await tokenOf(fresh.name), output: '{}' });
    const freshRun = await testbed.waitForClose(fresh.executionArn);
    expect(JSON.parse(freshRun.output ?? 'null')).toEqual({ version: 2 });
  });

  it('UpdateStateMachine with nothing to update is MissingRequiredParameter', async () => {
    const stateMachineArn = await testbed.createMachine(PASS, unique('unchanged'));
    expect(await engineError(() => updateStateMachine(deps(), { stateMachineArn }))).toEqual(
      expected('MissingRequiredParameter', /.+/),
    );
  });

  it('ListStateMachines pages of maxResults 2, followed by nextToken, list every machine once, by name', async () => {
    const mine = ['list-c', 'list-a', 'list-b'].map(unique);
    for (const name of mine) await testbed.createMachine(PASS, name);
    const listed: Array<{ stateMachineArn: string; name: string; type: string }> = [];
    let nextToken: string | undefined;
    do {
      const page = await listStateMachines(deps(), { maxResults: 2, ...(nextToken ? { nextToken } : {}) });
      if (page.nextToken !== undefined) expect(page.stateMachines).toHaveLength(2);
      else expect(page.stateMachines.length).toBeLessThanOrEqual(2);
      listed.push(...page.stateMachines);
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
    const names = listed.map((machine) => machine.name);
    expect(names).toEqual([...names].sort());
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(mine));
    for (const machine of listed) {
      expect(machine).toMatchObject({
        stateMachineArn: `${PREFIX}:stateMachine:${machine.name}`,
        type: 'STANDARD',
      });
    }
  });

  it('after DeleteStateMachine, describing or starting the machine is StateMachineDoesNotExist', async () => {
    const stateMachineArn = await testbed.createMachine(PASS, unique('deleted'));
    await deleteStateMachine(deps(), { stateMachineArn });
    const missing = expected(
      'StateMachineDoesNotExist',
      `State Machine Does Not Exist: '${stateMachineArn}'`,
    );
    expect(await engineError(() => describeStateMachine(deps(), { stateMachineArn }))).toEqual(missing);
    expect(await engineError(() => startExecution(deps(), { stateMachineArn }))).toEqual(missing);
  });
});

// ─── 2. Executions ──────────────────────────────────────────────────────────────────────────────────

describe('executions', () => {
  const callbackMachineName = unique('approvals');
  const callbackMachine = `${PREFIX}:stateMachine:${callbackMachineName}`;

  beforeAll(async () => {
    await testbed.createMachine(CALLBACK, callbackMachineName);
  });

  it('StartExecution: RUNNING at once, then SUCCEEDED with the output', async () => {
    const machineName = unique('doubler');
    const stateMachineArn = await testbed.createMachine(
      {
        StartAt: 'Pause',
        States: {
          Pause: { Type: 'Wait', Seconds: 1, Next: 'Double' },
          Double: { Type: 'Task', Resource: `${LAMBDA}:double`, End: true },
        },
      },
      machineName,
    );
    const started = await startNamed(stateMachineArn, 'doubling', { value: 21 });
    expect(started.executionArn).toBe(`${PREFIX}:execution:${machineName}:${started.name}`);
    const running = await describeExecution(deps(), { executionArn: started.executionArn });
    expect(running).toMatchObject({
      executionArn: started.executionArn,
      stateMachineArn,
      name: started.name,
      status: 'RUNNING',
      startDate: started.startDate,
      input: '{"value":21}',
    });
    expect(running).not.toHaveProperty('output');
    expect(running).not.toHaveProperty('stopDate');
    const run = await testbed.waitForClose(started.executionArn);
    expect(run.status).toBe('SUCCEEDED');
    expect(JSON.parse(run.output ?? 'null')).toEqual({ value: 42 });
    expect(run.stopDate?.getTime()).toBeGreaterThanOrEqual(started.startDate.getTime() + 1000);
  });

  it.each([
    {
      when: 'the same input while it runs',
      input: { order: 1 },
      closeFirst: false,
      outcome: 'the same start',
    },
    {
      when: 'another input while it runs',
      input: { order: 2 },
      closeFirst: false,
      outcome: 'ExecutionAlreadyExists',
    },
    {
      when: 'the same input after it closed',
      input: { order: 1 },
      closeFirst: true,
      outcome: 'ExecutionAlreadyExists',
    },
  ])(
    'StartExecution again with the same name and $when: $outcome',
    async ({ input, closeFirst, outcome }) => {
      const first = await startNamed(callbackMachine, 'repeated', { order: 1 });
      if (closeFirst) {
        await sendTaskSuccess(deps(), { taskToken: await tokenOf(first.name), output: '{}' });
        await testbed.waitForClose(first.executionArn);
      }
      const again = () =>
        startExecution(deps(), {
          stateMachineArn: callbackMachine,
          name: first.name,
          input: JSON.stringify(input),
        });
      if (outcome === 'the same start') {
        expect(await again()).toEqual({ executionArn: first.executionArn, startDate: first.startDate });
      } else {
        expect(await engineError(again)).toEqual(
          expected('ExecutionAlreadyExists', `Execution Already Exists: '${first.executionArn}'`),
        );
      }
    },
  );

  it.each([
    {
      when: 'StartExecution with input that is not JSON',
      call: () => startExecution(deps(), { stateMachineArn: callbackMachine, input: '{"order":' }),
      error: expected('InvalidExecutionInput', /^Invalid State Machine Execution Input: '.+'$/),
    },
    {
      when: 'StartExecution of a machine that does not exist',
      call: () => startExecution(deps(), { stateMachineArn: `${PREFIX}:stateMachine:nobody` }),
      error: expected(
        'StateMachineDoesNotExist',
        `State Machine Does Not Exist: '${PREFIX}:stateMachine:nobody'`,
      ),
    },
    {
      when: 'StartExecution with an execution name that has a space',
      call: () => startExecution(deps(), { stateMachineArn: callbackMachine, name: 'two words' }),
      error: expected('InvalidName', "Invalid Name: 'two words'"),
    },
    {
      when: 'StartExecution given an execution ARN for the machine',
      call: () => startExecution(deps(), { stateMachineArn: `${PREFIX}:execution:${callbackMachineName}:x` }),
      error: expected('InvalidArn', /^Invalid Arn: '.+'$/),
    },
    {
      when: 'DescribeExecution of an execution that does not exist',
      call: () =>
        describeExecution(deps(), { executionArn: `${PREFIX}:execution:${callbackMachineName}:nobody` }),
      error: expected(
        'ExecutionDoesNotExist',
        `Execution Does Not Exist: '${PREFIX}:execution:${callbackMachineName}:nobody'`,
      ),
    },
    {
      when: 'DescribeExecution of a malformed ARN',
      call: () => describeExecution(deps(), { executionArn: 'not-an-arn' }),
      error: expected('InvalidArn', /^Invalid Arn: '.+'$/),
    },
  ])('$when is $error.code', async ({ call, error }) => {
    expect(await engineError(call)).toEqual(error);
  });
});

// ─── 3. StopExecution ───────────────────────────────────────────────────────────────────────────────

describe('StopExecution', () => {
  const LONG_WAIT = { StartAt: 'Sleep', States: { Sleep: { Type: 'Wait', Seconds: 3600, End: true } } };

  it.each([
    { where: 'on a callback', definition: CALLBACK, enteredEvent: 'TaskStarted' },
    { where: 'in a one-hour Wait', definition: LONG_WAIT, enteredEvent: 'WaitStateEntered' },
  ])(
    'stopping an execution waiting $where: ABORTED with the error and cause, ExecutionAborted last',
    async ({ definition, enteredEvent }) => {
      const stateMachineArn = await testbed.createMachine(definition, unique('stopped'));
      const { executionArn } = await startNamed(stateMachineArn, 'to-stop');
      await eventOf(executionArn, enteredEvent);
      const stop = await stopExecution(deps(), {
        executionArn,
        error: 'Operator.Cancelled',
        cause: 'not needed',
      });
      expect(await describeExecution(deps(), { executionArn })).toMatchObject({
        status: 'ABORTED',
        error: 'Operator.Cancelled',
        cause: 'not needed',
        stopDate: stop.stopDate,
      });
      const last = (await testbed.history(executionArn)).at(-1);
      expect(last).toMatchObject({
        type: 'ExecutionAborted',
        executionAbortedEventDetails: { error: 'Operator.Cancelled', cause: 'not needed' },
      });
    },
  );

  it("a SendTaskSuccess for a stopped execution's token is TaskTimedOut, and the history stays as it was", async () => {
    const stateMachineArn = await testbed.createMachine(CALLBACK, unique('stopped-callback'));
    const { executionArn, name } = await startNamed(stateMachineArn, 'stopped-with-token');
    const taskToken = await tokenOf(name);
    await stopExecution(deps(), { executionArn });
    const history = await testbed.history(executionArn);
    const refused = await engineError(() => sendTaskSuccess(deps(), { taskToken, output: '{}' }));
    // Anything the refused call set off has been handled once the queues are empty.
    await testbed.settle();
    expect(await testbed.history(executionArn)).toEqual(history);
    expect((await describeExecution(deps(), { executionArn })).status).toBe('ABORTED');
    // AWS's answer for a token whose task is gone (aws-samples/amazon-mwaa-examples#61, botocore TaskTimedOut).
    expect(refused).toEqual(
      expected('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'"),
    );
  });
});

// ─── 4. ListExecutions ──────────────────────────────────────────────────────────────────────────────

describe('ListExecutions', () => {
  let stateMachineArn = '';
  /** Started in this order: the first succeeds, the second is stopped, the third keeps running. */
  const arns: string[] = [];

  beforeAll(async () => {
    stateMachineArn = await testbed.createMachine(CALLBACK, unique('listed'));
    const names: string[] = [];
    for (let i = 0; i < 3; i++) {
      const started = await startNamed(stateMachineArn, 'listed-run');
      arns.push(started.executionArn);
      names.push(started.name);
      // Start dates a second apart, so the newest-first order is the start order.
      await testbed.advanceClock(1000);
    }
    await sendTaskSuccess(deps(), { taskToken: await tokenOf(names[0] as string), output: '{}' });
    await testbed.waitForClose(arns[0] as string);
    await stopExecution(deps(), { executionArn: arns[1] as string });
  });

  it.each([
    { filter: undefined, indexes: [2, 1, 0] },
    { filter: 'RUNNING', indexes: [2] },
    { filter: 'SUCCEEDED', indexes: [0] },
    { filter: 'ABORTED', indexes: [1] },
    { filter: 'FAILED', indexes: [] },
  ])('statusFilter $filter lists the matching executions, newest first', async ({ filter, indexes }) => {
    const page = await listExecutions(deps(), {
      stateMachineArn,
      ...(filter !== undefined ? { statusFilter: filter } : {}),
    });
    expect(page.executions.map((execution) => execution.executionArn)).toEqual(indexes.map((i) => arns[i]));
    expect(page).not.toHaveProperty('nextToken');
  });

  it('maxResults 1 pages through all three, newest first; the last page has no nextToken', async () => {
    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await listExecutions(deps(), {
        stateMachineArn,
        maxResults: 1,
        ...(nextToken ? { nextToken } : {}),
      });
      expect(page.executions).toHaveLength(1);
      seen.push(...page.executions.map((execution) => execution.executionArn));
      nextToken = page.nextToken;
      pages++;
    } while (nextToken !== undefined);
    expect(pages).toBe(3);
    expect(seen).toEqual([arns[2], arns[1], arns[0]]);
  });

  it('a nextToken that is not one of ours is InvalidToken', async () => {
    expect(
      await engineError(() => listExecutions(deps(), { stateMachineArn, nextToken: 'bm90LWEtdG9rZW4' })),
    ).toEqual(expected('InvalidToken', /^Invalid Token: '.+'$/));
  });
});

// ─── 5. GetExecutionHistory ─────────────────────────────────────────────────────────────────────────

describe('GetExecutionHistory', () => {
  let executionArn = '';
  let full: HistoryEvent[] = [];

  beforeAll(async () => {
    const run = await testbed.run({
      machineName: unique('history'),
      executionName: unique('history-run'),
      input: { value: 2 },
      definition: {
        StartAt: 'Prepare',
        States: {
          Prepare: { Type: 'Pass', Next: 'Double' },
          Double: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: 'double', 'Payload.$': '$' },
            OutputPath: '$.Payload',
            Next: 'Finish',
          },
          Finish: { Type: 'Pass', End: true },
        },
      },
    });
    executionArn = run.executionArn;
    full = run.events;
  });

  it.each([
    { order: 'oldest first', reverseOrder: false },
    { order: 'newest first (reverseOrder)', reverseOrder: true },
  ])('pages of maxResults 3, $order, reassemble the whole history', async ({ reverseOrder }) => {
    expect(full.length).toBeGreaterThan(6);
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await getExecutionHistory(deps(), {
        executionArn,
        maxResults: 3,
        reverseOrder,
        ...(nextToken ? { nextToken } : {}),
      });
      expect(page.events.length).toBeLessThanOrEqual(3);
      events.push(...page.events);
      nextToken = page.nextToken;
      pages++;
    } while (nextToken !== undefined);
    expect(pages).toBe(Math.ceil(full.length / 3));
    expect(events).toEqual(reverseOrder ? [...full].reverse() : full);
    const ids = events.map((event) => event.id);
    expect(ids).toEqual(full.map((_, i) => (reverseOrder ? full.length - i : i + 1)));
  });

  it('includeExecutionData false leaves out every input, output and parameters', async () => {
    const page = await getExecutionHistory(deps(), { executionArn, includeExecutionData: false });
    expect(page.events.map((event) => [event.id, event.type])).toEqual(
      full.map((event) => [event.id, event.type]),
    );
    const dataOf = (events: HistoryEvent[]) =>
      events.flatMap((event) =>
        Object.values(event)
          .filter(
            (value): value is Record<string, unknown> =>
              typeof value === 'object' && !(value instanceof Date),
          )
          .flatMap((details) => ['input', 'output', 'parameters'].map((key) => details[key]))
          .filter((value) => value !== undefined && value !== ''),
      );
    expect(dataOf(full).length).toBeGreaterThan(0);
    expect(dataOf(page.events)).toEqual([]);
    expect(page.events[0]).toMatchObject({ executionStartedEventDetails: { roleArn: ROLE } });
  });

  it.each([
    {
      token: 'a token that is not one of ours',
      nextToken: () => Promise.resolve('%%%'),
      reverseOrder: false,
    },
    {
      token: 'a token of the other order',
      nextToken: async () =>
        (await getExecutionHistory(deps(), { executionArn, maxResults: 2 })).nextToken ?? '',
      reverseOrder: true,
    },
  ])('$token is InvalidToken', async ({ nextToken, reverseOrder }) => {
    const token = await nextToken();
    expect(
      await engineError(() => getExecutionHistory(deps(), { executionArn, reverseOrder, nextToken: token })),
    ).toEqual(expected('InvalidToken', /^Invalid Token: '.+'$/));
  });
});

// ─── 6. Callbacks ───────────────────────────────────────────────────────────────────────────────────

describe('callbacks (.waitForTaskToken)', () => {
  const CAUGHT = {
    StartAt: 'Approve',
    States: {
      Approve: callbackTask({
        ResultPath: '$.approval',
        Catch: [{ ErrorEquals: ['Rejected'], ResultPath: '$.failure', Next: 'Handle rejection' }],
        End: true,
      }),
      'Handle rejection': { Type: 'Pass', End: true },
    },
  };
  const JSONATA = {
    QueryLanguage: 'JSONata',
    StartAt: 'Approve',
    States: {
      Approve: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Arguments: {
          FunctionName: 'keep',
          Payload: {
            token: '{% $states.context.Task.Token %}',
            execution: '{% $states.context.Execution.Name %}',
          },
        },
        Output: '{% {"order": $states.input.order, "approval": $states.result} %}',
        End: true,
      },
    },
  };

  it.each([
    {
      when: 'SendTaskSuccess completes the task with its output (JSONPath)',
      definition: CALLBACK,
      send: (taskToken: string) => sendTaskSuccess(deps(), { taskToken, output: '{"approved":true}' }),
      output: { order: 7, approval: { approved: true } },
    },
    {
      when: 'SendTaskSuccess completes the task with its output (JSONata, token from $states.context)',
      definition: JSONATA,
      send: (taskToken: string) => sendTaskSuccess(deps(), { taskToken, output: '{"approved":true}' }),
      output: { order: 7, approval: { approved: true } },
    },
    {
      when: "SendTaskFailure's error and cause reach the Catch",
      definition: CAUGHT,
      send: (taskToken: string) =>
        sendTaskFailure(deps(), { taskToken, error: 'Rejected', cause: 'no stock left' }),
      output: { order: 7, failure: { Error: 'Rejected', Cause: 'no stock left' } },
    },
  ])('$when', async ({ definition, send, output }) => {
    const stateMachineArn = await testbed.createMachine(definition, unique('callback'));
    const { executionArn, name } = await startNamed(stateMachineArn, 'waiting', { order: 7 });
    await send(await tokenOf(name));
    const run = await testbed.waitForClose(executionArn);
    expect(run.status).toBe('SUCCEEDED');
    expect(JSON.parse(run.output ?? 'null')).toEqual(output);
  });

  it("a callback task's history is AWS's: TaskSubmitted holds the Invoke response, TaskSucceeded the output", async () => {
    const stateMachineArn = await testbed.createMachine(CALLBACK, unique('callback-history'));
    const { executionArn, name } = await startNamed(stateMachineArn, 'waiting');
    const taskToken = await tokenOf(name);
    // The callback comes once the call that handed the token over has been recorded.
    await eventOf(executionArn, 'TaskSubmitted');
    await sendTaskSuccess(deps(), { taskToken, output: '{"approved":true}' });
    const run = await testbed.waitForClose(executionArn);
    expect(run.events.find((event) => event.type === 'TaskSucceeded')).toMatchObject({
      taskSucceededEventDetails: {
        resourceType: 'lambda',
        resource: 'invoke.waitForTaskToken',
        output: '{"approved":true}',
      },
    });
    // AWS: the history AWS records (Callback), as AWS recorded it for sqs:sendMessage.waitForTaskToken in LocalStack's
    // tests/aws/services/stepfunctions/v2/timeouts/test_heartbeats.snapshot.json: TaskSubmitted carries the
    // response of the call that handed the token over.
    expect(typesOf(run.events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    const submitted = run.events.find((event) => event.type === 'TaskSubmitted');
    const details = submitted?.taskSubmittedEventDetails as {
      resourceType: string;
      resource: string;
      output: string;
    };
    expect(details).toMatchObject({ resourceType: 'lambda', resource: 'invoke.waitForTaskToken' });
    expect(JSON.parse(details.output)).toMatchObject({ Payload: { kept: true }, StatusCode: 200 });
  });

  describe('tokens that name no waiting task', () => {
    let finishedToken = '';

    beforeAll(async () => {
      const stateMachineArn = await testbed.createMachine(CALLBACK, unique('finished'));
      const { executionArn, name } = await startNamed(stateMachineArn, 'finished');
      finishedToken = await tokenOf(name);
      await sendTaskSuccess(deps(), { taskToken: finishedToken, output: '{}' });
      await testbed.waitForClose(executionArn);
    });

    const calls = {
      SendTaskSuccess: (taskToken: string) => sendTaskSuccess(deps(), { taskToken, output: '{}' }),
      SendTaskFailure: (taskToken: string) => sendTaskFailure(deps(), { taskToken, error: 'E' }),
      SendTaskHeartbeat: (taskToken: string) => sendTaskHeartbeat(deps(), { taskToken }),
    };

    it.each(Object.keys(calls) as Array<keyof typeof calls>)(
      '%s with a garbage token is InvalidToken',
      async (call) => {
        expect(await engineError(() => calls[call]('this-is-not-a-token'))).toEqual(
          expected('InvalidToken', /^Invalid Token: '.+'$/),
        );
      },
    );

    it.each(Object.keys(calls) as Array<keyof typeof calls>)(
      '%s with the token of a task that finished is TaskTimedOut',
      async (call) => {
        // AWS's message (aws-samples/amazon-mwaa-examples#61, a botocore TaskTimedOut from SendTaskFailure).
        expect(await engineError(() => calls[call](finishedToken))).toEqual(
          expected('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'"),
        );
      },
    );
  });

  it.each([
    {
      when: 'no Catch: the execution fails with States.Timeout',
      catchers: [],
      status: 'FAILED',
      error: 'States.Timeout',
    },
    {
      when: 'a Catch on States.HeartbeatTimeout: the catcher runs',
      catchers: [{ ErrorEquals: ['States.HeartbeatTimeout'], Next: 'Timed out' }],
      status: 'SUCCEEDED',
      error: undefined,
    },
  ])('HeartbeatSeconds 1 and no heartbeat, $when', async ({ catchers, status, error }) => {
    const states = {
      Approve: callbackTask({
        HeartbeatSeconds: 1,
        End: true,
        ...(catchers.length > 0 ? { Catch: catchers } : {}),
      }),
      ...(catchers.length > 0 ? { 'Timed out': { Type: 'Pass', End: true } } : {}),
    };
    const stateMachineArn = await testbed.createMachine(
      { StartAt: 'Approve', States: states },
      unique('heartbeat'),
    );
    const { executionArn } = await startNamed(stateMachineArn, 'silent');
    const run = await testbed.waitForClose(executionArn, 20_000);
    expect(run.status).toBe(status);
    expect(run.error).toBe(error);
    // AWS records a missed heartbeat as TaskTimedOut with States.Timeout and no cause (test_heartbeats snapshot).
    expect(run.events.find((event) => event.type === 'TaskTimedOut')).toMatchObject({
      taskTimedOutEventDetails: {
        resourceType: 'lambda',
        resource: 'invoke.waitForTaskToken',
        error: 'States.Timeout',
      },
    });
  });

  it('heartbeats sent more often than HeartbeatSeconds keep the task alive until SendTaskSuccess', async () => {
    const stateMachineArn = await testbed.createMachine(
      { StartAt: 'Approve', States: { Approve: callbackTask({ HeartbeatSeconds: 2, End: true }) } },
      unique('kept-alive'),
    );
    const { executionArn, name } = await startNamed(stateMachineArn, 'beating');
    const taskToken = await tokenOf(name);
    // Beats for twice HeartbeatSeconds (the clock fires each heartbeat timer that falls due): without them the
    // task would time out halfway.
    for (let elapsed = 0; elapsed < 4000; elapsed += 400) {
      await sendTaskHeartbeat(deps(), { taskToken });
      await testbed.advanceClock(400);
    }
    expect((await describeExecution(deps(), { executionArn })).status).toBe('RUNNING');
    await sendTaskSuccess(deps(), { taskToken, output: '"done"' });
    const run = await testbed.waitForClose(executionArn);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.output).toBe('"done"');
    expect(typesOf(run.events)).not.toContain('TaskTimedOut');
  });
});

// ─── 7. Lambda through Invoke ───────────────────────────────────────────────────────────────────────

describe('Lambda tasks through the Invoke API', () => {
  const RESOURCES = {
    'a function ARN (legacy)': (fn: string) => ({ Resource: `${LAMBDA}:${fn}` }),
    'lambda:invoke with FunctionName': (fn: string) => ({
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: fn, 'Payload.$': '$' },
    }),
    'lambda:invoke with a function ARN as FunctionName': (fn: string) => ({
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: `${LAMBDA}:${fn}`, 'Payload.$': '$' },
    }),
  };
  const forms = Object.keys(RESOURCES) as Array<keyof typeof RESOURCES>;
  const legacy = (form: string) => form.endsWith('(legacy)');

  const taskMachine = (form: keyof typeof RESOURCES, fn: string) => ({
    StartAt: 'Call',
    States: { Call: { Type: 'Task', ...RESOURCES[form](fn), End: true } },
  });
  const caughtTaskMachine = (form: keyof typeof RESOURCES, fn: string, errorName: string) => ({
    StartAt: 'Call',
    States: {
      Call: {
        Type: 'Task',
        ...RESOURCES[form](fn),
        Catch: [{ ErrorEquals: [errorName], ResultPath: '$.error', Next: 'Handled' }],
        End: true,
      },
      Handled: { Type: 'Pass', End: true },
    },
  });

  it.each(forms)('%s: the function result becomes the output', async (form) => {
    const run = await testbed.run({
      machineName: unique('lambda'),
      executionName: unique('call'),
      input: { value: 21 },
      definition: taskMachine(form, 'double'),
    });
    expect(run.status).toBe('SUCCEEDED');
    const output = JSON.parse(run.output ?? 'null');
    if (legacy(form)) {
      expect(output).toEqual({ value: 42 });
      expect(typesOf(run.events)).toEqual(
        expect.arrayContaining(['LambdaFunctionScheduled', 'LambdaFunctionSucceeded']),
      );
    } else {
      expect(output).toMatchObject({ Payload: { value: 42 }, StatusCode: 200, ExecutedVersion: '$LATEST' });
      expect(typesOf(run.events)).toEqual(expect.arrayContaining(['TaskScheduled', 'TaskSucceeded']));
    }
  });

  it.each(forms)(
    '%s: a function that throws fails the task with its errorType, which a Catch names',
    async (form) => {
      const run = await testbed.run({
        machineName: unique('lambda-throws'),
        executionName: unique('call'),
        definition: caughtTaskMachine(form, 'reject', 'OrderRejected'),
      });
      expect(run.status).toBe('SUCCEEDED');
      const { error } = JSON.parse(run.output ?? 'null') as { error: { Error: string; Cause: string } };
      expect(error.Error).toBe('OrderRejected');
      expect(JSON.parse(error.Cause)).toMatchObject({
        errorType: 'OrderRejected',
        errorMessage: 'out of stock',
      });
    },
  );

  it.each(forms)(
    '%s: a function that does not exist fails with Lambda.ResourceNotFoundException',
    async (form) => {
      const run = await testbed.run({
        machineName: unique('lambda-missing'),
        executionName: unique('call'),
        definition: taskMachine(form, 'missing'),
      });
      expect(run.status).toBe('FAILED');
      expect(run.error).toBe('Lambda.ResourceNotFoundException');
      // The Java SDK's text, as AWS recorded it (LocalStack test_lambda_task_service snapshot, cited in
      // shared/integrations/lambda-invoker.ts).
      expect(run.cause).toMatch(
        /^Function not found: arn:aws:lambda:us-east-1:123456789012:function:missing:\$LATEST \(Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: [\w-]+; Proxy: null\)$/,
      );
    },
  );
});

// ─── 8. Distributed Map ─────────────────────────────────────────────────────────────────────────────

describe('Distributed Map', () => {
  it('runs each item as a child execution: the results come back in item order, and the Map Run lists its children', async () => {
    const machineName = unique('fan-out');
    const items = [{ value: 1 }, { value: 2 }, { value: 3 }, { value: 4 }];
    const run = await testbed.run({
      machineName,
      executionName: unique('fan-out-run'),
      input: { items },
      definition: {
        StartAt: 'Each',
        States: {
          Each: {
            Type: 'Map',
            ItemsPath: '$.items',
            ItemProcessor: {
              ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
              StartAt: 'Double',
              States: { Double: { Type: 'Task', Resource: `${LAMBDA}:double`, End: true } },
            },
            End: true,
          },
        },
      },
    });
    expect(run.status).toBe('SUCCEEDED');
    expect(JSON.parse(run.output ?? 'null')).toEqual(items.map(({ value }) => ({ value: value * 2 })));

    const started = run.events.find((event) => event.type === 'MapRunStarted') as HistoryEvent;
    const { mapRunArn } = started.mapRunStartedEventDetails as { mapRunArn: string };
    expect(mapRunArn).toMatch(new RegExp(`^${PREFIX}:mapRun:${machineName}/[^:]+:[\\w-]+$`));
    const { executions } = await listExecutions(deps(), { mapRunArn });
    expect(executions).toHaveLength(items.length);
    const inputs: unknown[] = [];
    for (const child of executions) {
      expect(child).toMatchObject({ status: 'SUCCEEDED', mapRunArn });
      expect(child.executionArn.startsWith(`${PREFIX}:execution:${machineName}/`)).toBe(true);
      inputs.push(
        JSON.parse((await describeExecution(deps(), { executionArn: child.executionArn })).input ?? 'null'),
      );
    }
    expect(inputs).toEqual(expect.arrayContaining(items));
  });
});
