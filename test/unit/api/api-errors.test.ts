import { describe, expect, it } from 'vitest';
import { applyTransition } from '../../../shared/engine/apply-transition.ts';
import { runTaskRequest } from '../../../shared/engine/run-task.ts';
import { encodeTaskToken } from '../../../shared/execution/task-token.ts';
import { createMemoryEngine, type MemoryEngine } from '../../support/memory-ports.ts';
import { createApiCaller } from './api-events.ts';

/**
 * Every error a client can provoke, as the wire carries it: AWS's code (namespaced as AWS sends it; SDKs keep
 * the part after `#`), AWS's HTTP status, and AWS's message where a recording of AWS gives it.
 */

const ROLE = 'arn:aws:iam::123456789012:role/StatefoldExecutionRole';
const PREFIX = 'arn:aws:states:us-east-1:123456789012';
const PASS = JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
const callbackTask = (resource: string) =>
  JSON.stringify({
    StartAt: 'Publish',
    States: {
      Publish: {
        Type: 'Task',
        Resource: resource,
        Parameters: { FunctionName: 'keep', Payload: { 'token.$': '$$.Task.Token' } },
        End: true,
      },
    },
  });
const CALLBACK = callbackTask('arn:aws:states:::lambda:invoke.waitForTaskToken');
const LAMBDA_TASK = JSON.stringify({
  StartAt: 'Call',
  States: {
    Call: { Type: 'Task', Resource: `arn:aws:lambda:us-east-1:123456789012:function:keep`, End: true },
  },
});

const SFN = 'com.amazonaws.swf.service.v2.model';
const VALIDATE = 'com.amazon.coral.validate';

interface Fixture {
  api: ReturnType<typeof createApiCaller>;
  engine: MemoryEngine;
  /** The token of a callback task that is waiting. */
  waitingToken: string;
  /** The token of a callback task that has completed. */
  closedToken: string;
}

async function deliverMessages(engine: MemoryEngine): Promise<void> {
  for (;;) {
    const transition = engine.queues.transitions.shift();
    if (transition) await applyTransition(engine.deps, transition);
    const task = transition ? undefined : engine.queues.tasks.shift();
    if (task) await runTaskRequest(engine.deps, task);
    if (!transition && !task) return;
  }
}

/** Machines `orders` (STANDARD), `approvals` (callbacks, execution `waiting` running), `quick` and `quick-task` (EXPRESS). */
async function fixture(): Promise<Fixture> {
  const tokens: string[] = [];
  const engine = createMemoryEngine({
    functions: {
      keep: (event: { token: string }) => {
        tokens.push(event.token);
        return {};
      },
    },
  });
  const api = createApiCaller(() => engine.deps);
  const create = (name: string, definition: string, type = 'STANDARD') =>
    api.ok('CreateStateMachine', { name, definition, roleArn: ROLE, type });
  await create('orders', PASS);
  await create('approvals', CALLBACK);
  await create('quick', PASS, 'EXPRESS');
  await create('quick-task', LAMBDA_TASK, 'EXPRESS');
  const approvals = `${PREFIX}:stateMachine:approvals`;
  await api.ok('StartExecution', { stateMachineArn: approvals, name: 'waiting', input: '{}' });
  await api.ok('StartExecution', { stateMachineArn: approvals, name: 'done' });
  await deliverMessages(engine);
  const [waitingToken = '', closedToken = ''] = tokens;
  await api.ok('SendTaskSuccess', { taskToken: closedToken, output: '{}' });
  await deliverMessages(engine);
  return { api, engine, waitingToken, closedToken };
}

type Row = [
  title: string,
  operation: string,
  input: (f: Fixture) => object,
  status: number,
  type: string,
  message: string | RegExp,
];

const LONG_NAME = 'a'.repeat(81);

const ROWS: Row[] = [
  // ─── Names and ARNs ───
  [
    'InvalidArn: not an ARN',
    'DescribeStateMachine',
    () => ({ stateMachineArn: 'not-an-arn' }),
    400,
    `${SFN}#InvalidArn`,
    /^Invalid Arn: '/,
  ],
  [
    'InvalidArn: an Express execution (AWS keeps no history of them)',
    'DescribeExecution',
    () => ({ executionArn: `${PREFIX}:express:quick:run:0b8a6f5e-6c44-4d5b-9f1e-1a2b3c4d5e6f` }),
    400,
    `${SFN}#InvalidArn`,
    "Invalid Arn: 'Resource type not valid in this context: express'",
  ],
  [
    'InvalidArn: a state machine ARN where an execution ARN belongs',
    'DescribeStateMachineForExecution',
    () => ({ executionArn: `${PREFIX}:stateMachine:orders` }),
    400,
    `${SFN}#InvalidArn`,
    /^Invalid Arn: '/,
  ],
  [
    'InvalidName: whitespace in a state machine name',
    'CreateStateMachine',
    () => ({ name: 'a b', definition: PASS, roleArn: ROLE }),
    400,
    `${SFN}#InvalidName`,
    "Invalid Name: 'a b'",
  ],
  [
    'InvalidName: a wildcard in an execution name',
    'StartExecution',
    () => ({ stateMachineArn: `${PREFIX}:stateMachine:orders`, name: 'run*' }),
    400,
    `${SFN}#InvalidName`,
    "Invalid Name: 'run*'",
  ],
  // ─── Definitions and inputs ───
  [
    'InvalidDefinition: no States',
    'CreateStateMachine',
    () => ({ name: 'broken', definition: '{"StartAt": "A"}', roleArn: ROLE }),
    400,
    `${SFN}#InvalidDefinition`,
    /^Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: /,
  ],
  [
    'InvalidDefinition: an EXPRESS machine with a callback task',
    'CreateStateMachine',
    () => ({ name: 'express-callback', definition: CALLBACK, roleArn: ROLE, type: 'EXPRESS' }),
    400,
    `${SFN}#InvalidDefinition`,
    "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Express state machine does not support '.waitForTaskToken' service integration  at /States/Publish/Resource'",
  ],
  [
    'InvalidDefinition: an EXPRESS machine with a .sync task',
    'CreateStateMachine',
    () => ({
      name: 'express-sync',
      definition: callbackTask('arn:aws:states:::states:startExecution.sync:2'),
      roleArn: ROLE,
      type: 'EXPRESS',
    }),
    400,
    `${SFN}#InvalidDefinition`,
    "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Express state machine does not support '.sync' service integration at /States/Publish/Resource'",
  ],
  [
    'InvalidDefinition: an EXPRESS machine with an activity',
    'CreateStateMachine',
    () => ({
      name: 'express-activity',
      definition: callbackTask(`${PREFIX}:activity:approve`),
      roleArn: ROLE,
      type: 'EXPRESS',
    }),
    400,
    `${SFN}#InvalidDefinition`,
    "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Express state machine does not support Activity ARN at /States/Publish/Resource'",
  ],
  [
    'InvalidDefinition: an EXPRESS machine updated to a callback inside a Parallel branch',
    'UpdateStateMachine',
    () => ({
      stateMachineArn: `${PREFIX}:stateMachine:quick`,
      definition: JSON.stringify({
        StartAt: 'Both',
        States: { Both: { Type: 'Parallel', Branches: [JSON.parse(CALLBACK)], End: true } },
      }),
    }),
    400,
    `${SFN}#InvalidDefinition`,
    /does not support '\.waitForTaskToken' service integration {2}at \/States\/Both\/Branches\[0\]\/States\/Publish\/Resource'$/,
  ],
  [
    'InvalidExecutionInput: input that is not JSON',
    'StartExecution',
    () => ({ stateMachineArn: `${PREFIX}:stateMachine:orders`, input: '{' }),
    400,
    `${SFN}#InvalidExecutionInput`,
    /^Invalid State Machine Execution Input: '/,
  ],
  [
    'InvalidExecutionInput: a sync run with input that is not JSON',
    'StartSyncExecution',
    () => ({ stateMachineArn: `${PREFIX}:stateMachine:quick`, input: 'nope' }),
    400,
    `${SFN}#InvalidExecutionInput`,
    /^Invalid State Machine Execution Input: '/,
  ],
  // ─── What exists and what does not ───
  [
    'StateMachineDoesNotExist',
    'StartExecution',
    () => ({ stateMachineArn: `${PREFIX}:stateMachine:missing` }),
    400,
    `${SFN}#StateMachineDoesNotExist`,
    `State Machine Does Not Exist: '${PREFIX}:stateMachine:missing'`,
  ],
  [
    'StateMachineAlreadyExists: the same name with another definition',
    'CreateStateMachine',
    () => ({ name: 'orders', definition: CALLBACK, roleArn: ROLE }),
    400,
    `${SFN}#StateMachineAlreadyExists`,
    `State Machine Already Exists: '${PREFIX}:stateMachine:orders'`,
  ],
  [
    'ExecutionDoesNotExist',
    'DescribeExecution',
    () => ({ executionArn: `${PREFIX}:execution:orders:missing` }),
    400,
    `${SFN}#ExecutionDoesNotExist`,
    `Execution Does Not Exist: '${PREFIX}:execution:orders:missing'`,
  ],
  [
    'ExecutionAlreadyExists: the same name with another input',
    'StartExecution',
    () => ({ stateMachineArn: `${PREFIX}:stateMachine:approvals`, name: 'waiting', input: '{"again":true}' }),
    400,
    `${SFN}#ExecutionAlreadyExists`,
    `Execution Already Exists: '${PREFIX}:execution:approvals:waiting'`,
  ],
  // ─── Task tokens ───
  [
    'InvalidToken: a token Statefold did not make',
    'SendTaskSuccess',
    () => ({ taskToken: 'not a token', output: '{}' }),
    400,
    `${SFN}#InvalidToken`,
    /^Invalid Token/,
  ],
  [
    'TaskDoesNotExist: a token of an execution that does not exist',
    'SendTaskHeartbeat',
    () => ({
      taskToken: encodeTaskToken({
        executionArn: `${PREFIX}:execution:approvals:missing`,
        scope: '',
        ref: 2,
        nonce: 'n',
      }),
    }),
    400,
    `${SFN}#TaskDoesNotExist`,
    /^Task Does Not Exist/,
  ],
  [
    'TaskTimedOut: a token of a task that has completed',
    'SendTaskFailure',
    (f) => ({ taskToken: f.closedToken, error: 'Late' }),
    400,
    `${SFN}#TaskTimedOut`,
    "Task Timed Out: 'Provided task does not exist anymore'",
  ],
  [
    'InvalidOutput: task output that is not JSON',
    'SendTaskSuccess',
    (f) => ({ taskToken: f.waitingToken, output: 'nope' }),
    400,
    `${SFN}#InvalidOutput`,
    /^Invalid Output/,
  ],
  // ─── Model constraints (AWS's wording) ───
  [
    'ValidationException: a required member missing',
    'StartExecution',
    () => ({ name: 'n' }),
    400,
    `${VALIDATE}#ValidationException`,
    "1 validation error detected: Value null at 'stateMachineArn' failed to satisfy constraint: Member must not be null",
  ],
  [
    'ValidationException: every violation at once',
    'CreateStateMachine',
    () => ({ type: 'BATCH' }),
    400,
    `${VALIDATE}#ValidationException`,
    "4 validation errors detected: Value null at 'name' failed to satisfy constraint: Member must not be null; " +
      "Value null at 'definition' failed to satisfy constraint: Member must not be null; " +
      "Value null at 'roleArn' failed to satisfy constraint: Member must not be null; " +
      "Value 'BATCH' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]",
  ],
  [
    'ValidationException: a name over 80 characters',
    'StartExecution',
    () => ({ stateMachineArn: `${PREFIX}:stateMachine:orders`, name: LONG_NAME }),
    400,
    `${VALIDATE}#ValidationException`,
    `1 validation error detected: Value '${LONG_NAME}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 80`,
  ],
  [
    'ValidationException: input over 256 KiB (the value is not shown)',
    'StartExecution',
    () => ({ stateMachineArn: `${PREFIX}:stateMachine:orders`, input: JSON.stringify('a'.repeat(262_144)) }),
    400,
    `${VALIDATE}#ValidationException`,
    "1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have size less than or equal to 262144 bytes in UTF-8 encoding",
  ],
  [
    'ValidationException: an empty definition (the value is not shown)',
    'CreateStateMachine',
    () => ({ name: 'empty', definition: '', roleArn: ROLE }),
    400,
    `${VALIDATE}#ValidationException`,
    "1 validation error detected: Value at 'definition' failed to satisfy constraint: Member must have length greater than or equal to 1",
  ],
  [
    'ValidationException: maxResults over 1000',
    'ListStateMachines',
    () => ({ maxResults: 1001 }),
    400,
    `${VALIDATE}#ValidationException`,
    "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000",
  ],
  [
    'ValidationException: a trace header that is not ASCII',
    'StartExecution',
    () => ({ stateMachineArn: `${PREFIX}:stateMachine:orders`, traceHeader: 'Root=é' }),
    400,
    `${VALIDATE}#ValidationException`,
    "1 validation error detected: Value 'Root=é' at 'traceHeader' failed to satisfy constraint: Member must satisfy regular expression pattern: \\p{ASCII}*",
  ],
  [
    'ValidationException: an empty tag key',
    'TagResource',
    () => ({ resourceArn: `${PREFIX}:stateMachine:orders`, tags: [{ key: '', value: 'v' }] }),
    400,
    `${VALIDATE}#ValidationException`,
    "1 validation error detected: Value '' at 'tags.1.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1",
  ],
  [
    'ValidationException: a tag key AWS reserves',
    'TagResource',
    () => ({ resourceArn: `${PREFIX}:stateMachine:orders`, tags: [{ key: 'aws:team', value: 'v' }] }),
    400,
    `${VALIDATE}#ValidationException`,
    /reserved for AWS/,
  ],
  [
    'ValidationException: a version description without publish',
    'CreateStateMachine',
    () => ({ name: 'versioned', definition: PASS, roleArn: ROLE, versionDescription: 'first' }),
    400,
    `${VALIDATE}#ValidationException`,
    'Version description can only be set when publish is true',
  ],
  [
    'InvalidArn: deleting a version by an ARN that names none',
    'DeleteStateMachineVersion',
    () => ({ stateMachineVersionArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:machine' }),
    400,
    `${SFN}#InvalidArn`,
    "Invalid Arn: 'arn:aws:states:us-east-1:123456789012:stateMachine:machine'",
  ],
  [
    'ResourceNotFound: describing an alias that does not exist',
    'DescribeStateMachineAlias',
    () => ({ stateMachineAliasArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:machine:PROD' }),
    404,
    `${SFN}#ResourceNotFound`,
    'Request references a resource that does not exist.',
  ],
  [
    'ValidationException: ListExecutions of neither a machine nor a Map Run',
    'ListExecutions',
    () => ({}),
    400,
    `${VALIDATE}#ValidationException`,
    /stateMachineArn/,
  ],
  [
    'MissingRequiredParameter: an update that changes nothing',
    'UpdateStateMachine',
    () => ({ stateMachineArn: `${PREFIX}:stateMachine:orders` }),
    400,
    `${SFN}#MissingRequiredParameter`,
    /must be specified/,
  ],
  // ─── STANDARD and EXPRESS ───
  [
    'StateMachineTypeNotSupported: StartSyncExecution of a STANDARD machine',
    'StartSyncExecution',
    () => ({ stateMachineArn: `${PREFIX}:stateMachine:orders` }),
    400,
    `${SFN}#StateMachineTypeNotSupported`,
    'This operation is not supported by this type of state machine',
  ],
  [
    'StateMachineTypeNotSupported: ListExecutions of an EXPRESS machine',
    'ListExecutions',
    () => ({ stateMachineArn: `${PREFIX}:stateMachine:quick` }),
    400,
    `${SFN}#StateMachineTypeNotSupported`,
    'This operation is not supported by this type of state machine',
  ],
  // ─── Tags ───
  [
    'ResourceNotFound: tags of a machine that does not exist (404)',
    'ListTagsForResource',
    () => ({ resourceArn: `${PREFIX}:stateMachine:missing` }),
    404,
    `${SFN}#ResourceNotFound`,
    `Resource not found: '${PREFIX}:stateMachine:missing'`,
  ],
  [
    'TooManyTags: a 51st tag',
    'TagResource',
    () => ({
      resourceArn: `${PREFIX}:stateMachine:orders`,
      tags: Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: 'v' })),
    }),
    400,
    `${SFN}#TooManyTags`,
    /at most 50/,
  ],
  [
    'TooManyTags: 51 tags at creation',
    'CreateStateMachine',
    () => ({
      name: 'tagged',
      definition: PASS,
      roleArn: ROLE,
      tags: Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: 'v' })),
    }),
    400,
    `${SFN}#TooManyTags`,
    /at most 50/,
  ],
  // ─── Activities ───
  [
    'ActivityDoesNotExist: DescribeActivity',
    'DescribeActivity',
    () => ({ activityArn: `${PREFIX}:activity:missing` }),
    400,
    `${SFN}#ActivityDoesNotExist`,
    `Activity Does Not Exist: '${PREFIX}:activity:missing'`,
  ],
  [
    'ActivityDoesNotExist: GetActivityTask',
    'GetActivityTask',
    () => ({ activityArn: `${PREFIX}:activity:missing`, workerName: 'w' }),
    400,
    `${SFN}#ActivityDoesNotExist`,
    `Activity Does Not Exist: '${PREFIX}:activity:missing'`,
  ],
  [
    'InvalidArn: a state machine ARN where an activity ARN belongs',
    'GetActivityTask',
    () => ({ activityArn: `${PREFIX}:stateMachine:orders` }),
    400,
    `${SFN}#InvalidArn`,
    "Invalid Arn: 'Resource type not valid in this context: stateMachine'",
  ],
  [
    'InvalidName: whitespace in an activity name',
    'CreateActivity',
    () => ({ name: 'my activity' }),
    400,
    `${SFN}#InvalidName`,
    "Invalid Name: 'my activity'",
  ],
  [
    'ValidationException: an activity name over 80 characters',
    'CreateActivity',
    () => ({ name: LONG_NAME }),
    400,
    'com.amazon.coral.validate#ValidationException',
    /Member must have length less than or equal to 80/,
  ],
  [
    'ValidationException: CreateActivity without a name',
    'CreateActivity',
    () => ({}),
    400,
    'com.amazon.coral.validate#ValidationException',
    /Value null at 'name' failed to satisfy constraint: Member must not be null/,
  ],
  [
    'TooManyTags: CreateActivity with 51 tags',
    'CreateActivity',
    () => ({ name: 'tagged', tags: Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: 'v' })) }),
    400,
    `${SFN}#TooManyTags`,
    /at most 50/,
  ],
  [
    'InvalidToken: ListActivities with a token it never gave',
    'ListActivities',
    () => ({ nextToken: 'bogus' }),
    400,
    `${SFN}#InvalidToken`,
    "Invalid Token: 'bogus'",
  ],
  // ─── The protocol ───
  [
    'UnknownOperationException: an operation Statefold does not serve',
    'NoSuchOperation',
    () => ({}),
    400,
    'com.amazon.coral.service#UnknownOperationException',
    "Unknown operation: 'AWSStepFunctions.NoSuchOperation'",
  ],
];

describe('errors on the wire', () => {
  it.each(ROWS)('%s', async (_, operation, input, status, type, message) => {
    const f = await fixture();
    const answer = await f.api.call(operation, input(f));
    expect(answer.status).toBe(status);
    expect(answer.body.__type).toBe(type);
    if (typeof message === 'string') expect(answer.body.message).toBe(message);
    else expect(answer.body.message).toMatch(message);
    expect(answer.headers['x-amzn-errortype']).toBe(type.split('#')[1]);
  });

  it.each([
    ['ResourceNotFound', 'ListTagsForResource', `${PREFIX}:stateMachine:missing`],
    ['ResourceNotFound', 'ListTagsForResource', `${PREFIX}:activity:missing`],
    ['TooManyTags', 'TagResource', `${PREFIX}:stateMachine:orders`],
  ])('%s names the resource in resourceName', async (_, operation, resourceArn) => {
    const f = await fixture();
    const tags = Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: 'v' }));
    const answer = await f.api.call(operation, { resourceArn, tags });
    expect(answer.body.resourceName).toBe(resourceArn);
  });

  it('a failed request changes nothing: the refused update leaves the definition as it was', async () => {
    const f = await fixture();
    const arn = `${PREFIX}:stateMachine:quick`;
    await f.api.call('UpdateStateMachine', { stateMachineArn: arn, definition: CALLBACK });
    expect((await f.api.ok('DescribeStateMachine', { stateMachineArn: arn })).definition).toBe(PASS);
  });
});
