import { describe, expect, it } from 'vitest';
import type { EngineDeps } from '../../../shared/engine/engine-deps.ts';
import {
  EngineError,
  type EngineErrorCode,
  isAnsweredError,
  isEngineError,
} from '../../../shared/engine/engine-error.ts';
import { listExecutions } from '../../../shared/engine/executions.ts';
import { isInfrastructureError } from '../../../shared/engine/infrastructure-failure.ts';
import { startNestedExecution } from '../../../shared/engine/nested-executions.ts';
import {
  createStateMachine,
  describeStateMachine,
  listStateMachines,
} from '../../../shared/engine/state-machines.ts';
import { listTagsForResource, tagResource } from '../../../shared/engine/tags.ts';
import { InvariantError } from '../../../shared/lib/invariant-error.ts';
import { createMemoryEngine } from '../../support/memory-ports.ts';

/** How the use cases fail: by code (and the members and cause that go with it), never to be told apart by text. */

const ROLE = 'arn:aws:iam::123456789012:role/StatefoldExecutionRole';
const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:orders';
const MISSING = 'arn:aws:states:us-east-1:123456789012:stateMachine:missing';
const PASS = JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
/** Not one of the memory log's tokens (it hands out base64url offsets of at least 1). */
const FOREIGN_TOKEN = Buffer.from('zero').toString('base64url');

async function engineWithMachine(): Promise<EngineDeps> {
  const { deps } = createMemoryEngine();
  await createStateMachine(deps, { name: 'orders', definition: PASS, roleArn: ROLE });
  return deps;
}

async function failure(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => {
      throw new Error('The call succeeded; it was expected to fail');
    },
    (error: unknown) => error,
  );
}

describe('engine failures', () => {
  it.each<{
    when: string;
    call: (deps: EngineDeps) => Promise<unknown>;
    code: EngineErrorCode;
    resourceName?: string;
    causedBy?: new (...args: never[]) => Error;
  }>([
    {
      when: 'ListExecutions gets a nextToken the log did not make',
      call: (deps) => listExecutions(deps, { stateMachineArn: MACHINE, nextToken: FOREIGN_TOKEN }),
      code: 'InvalidToken',
    },
    {
      when: 'ListStateMachines gets a nextToken the log did not make',
      call: (deps) => listStateMachines(deps, { nextToken: FOREIGN_TOKEN }),
      code: 'InvalidToken',
    },
    {
      when: 'ListTagsForResource names no state machine',
      call: (deps) => listTagsForResource(deps, { resourceArn: MISSING }),
      code: 'ResourceNotFound',
      resourceName: MISSING,
    },
    {
      when: 'TagResource would leave more than 50 tags',
      call: (deps) =>
        tagResource(deps, {
          resourceArn: MACHINE,
          tags: Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: 'v' })),
        }),
      code: 'TooManyTags',
      resourceName: MACHINE,
    },
    {
      when: 'TagResource uses the reserved aws: prefix',
      call: (deps) => tagResource(deps, { resourceArn: MACHINE, tags: [{ key: 'aws:x', value: 'v' }] }),
      code: 'ValidationException',
    },
  ])('$when: EngineError $code', async ({ call, code, resourceName, causedBy }) => {
    const error = await failure(call(await engineWithMachine()));
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe(code);
    expect((error as EngineError).resourceName).toBe(resourceName);
    if (causedBy) expect((error as EngineError).cause).toBeInstanceOf(causedBy);
    else expect((error as EngineError).cause).toBeUndefined();
  });

  it.each([['a Lambda Invoke that failed', 'LambdaServiceFailure']])(
    '%s never reaches the wire as its own code (%s)',
    async (_, code) => {
      const { toApiError } = await import('../../../shared/engine/api/api-error.ts');
      expect(
        toApiError(
          new EngineError(code as EngineErrorCode, 'x', { serviceCode: 'ResourceNotFoundException' }),
        ),
      ).toBeUndefined();
    },
  );

  it('a revision the engine wrote that is gone is a bug (InvariantError), not an answer to the caller', async () => {
    const deps = await engineWithMachine();
    const machine = await deps.log.getStateMachine(MACHINE);
    if (!machine) throw new Error('the machine was just created');
    await deps.log.updateStateMachine({ ...machine, revisionId: 'gone' }, undefined, machine.revisionId);
    const error = await failure(describeStateMachine(deps, { stateMachineArn: MACHINE }));
    expect(error).toBeInstanceOf(InvariantError);
    expect(error).not.toBeInstanceOf(EngineError);
  });
});

describe('the cause chain', () => {
  it('an EngineError keeps the error it wraps as its ES2022 cause, and what that one wrapped', () => {
    const root = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $retryable: {} });
    const lambda = new EngineError('LambdaServiceFailure', 'Rate exceeded (Service: AWSLambda; …)', {
      cause: root,
      serviceCode: 'ThrottlingException',
    });
    const outer = new EngineError('InfrastructureFailure', 'Gave up', { cause: lambda });
    expect(outer.cause).toBe(lambda);
    expect(lambda.cause).toBe(root);
    // A transient root anywhere down the chain makes the whole failure transient (retried, never a failure).
    expect(isInfrastructureError(outer)).toBe(true);
    expect(
      isInfrastructureError(new EngineError('QueueSendRefused', 'too large', { cause: new Error('x') })),
    ).toBe(false);
  });

  it('an invalid page token chains the decoding error it met', async () => {
    const { decodePageToken } = await import('../../../shared/eventlog/page-token.ts');
    const token = Buffer.from('not json').toString('base64url');
    const error = await failure(Promise.resolve().then(() => decodePageToken(token, 'arn:')));
    expect(isEngineError(error, 'InvalidToken')).toBe(true);
    expect((error as EngineError).message).toBe(`Invalid Token: '${token}'`);
    expect((error as EngineError).cause).toBeInstanceOf(SyntaxError);
  });

  it('a cause never changes what the code says', () => {
    const answered = new EngineError('InvalidArn', "Invalid Arn: 'x'", {
      cause: new EngineError('InfrastructureFailure', 'y'),
    });
    expect(isAnsweredError(answered)).toBe(true);
    expect(isEngineError(answered, 'InfrastructureFailure')).toBe(false);
  });
});

describe('answered and internal codes', () => {
  const NESTED = {
    kind: 'service',
    service: 'states',
    action: 'startExecution',
    pattern: 'request-response',
    sdk: false,
  } as const;

  it('a nested StartExecution that names no machine fails the Task with AWS’s error for the code', async () => {
    const { deps } = createMemoryEngine();
    const outcome = await startNestedExecution(deps, { ...NESTED, parameters: { StateMachineArn: MISSING } });
    expect(outcome).toMatchObject({ ok: false, error: 'StepFunctions.StateMachineDoesNotExistException' });
  });

  it('an internal failure under a nested StartExecution is passed on, not turned into the Task’s error', async () => {
    const deps = await engineWithMachine();
    const contention = new EngineError('InfrastructureFailure', 'the log kept moving');
    deps.log.append = () => Promise.reject(contention);
    const error = await failure(
      startNestedExecution(deps, { ...NESTED, parameters: { StateMachineArn: MACHINE } }),
    );
    expect(error).toBe(contention);
  });

  it.each<[string, unknown, boolean]>([
    ['a caller’s mistake', new EngineError('ExecutionDoesNotExist', 'x'), true],
    ['a protocol error', new EngineError('SerializationException', 'x'), true],
    ['a failed Lambda call', new EngineError('LambdaServiceFailure', 'x'), false],
    ['contention', new EngineError('InfrastructureFailure', 'x'), false],
    ['a bug', new InvariantError('x'), false],
    ['a plain Error', new Error('x'), false],
  ])('%s is answered to the caller: %s', (_, error, answered) => {
    expect(isAnsweredError(error)).toBe(answered);
  });
});
