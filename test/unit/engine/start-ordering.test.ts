import { describe, expect, it, vi } from 'vitest';
import { describeExecution, listExecutions } from '../../../shared/engine/executions.ts';
import { DEFAULT_QUIET_MS, Reconciler } from '../../../shared/engine/reconcile.ts';
import { startExecution } from '../../../shared/engine/start-execution.ts';
import { createStateMachine } from '../../../shared/engine/state-machines.ts';
import { createMemoryEngine, runUntilIdle } from '../../support/memory-ports.ts';
import { thrown } from '../../support/thrown.ts';

/**
 * StartExecution's three writes (the listing, commit 1, its sends) cut off after each one, over in-memory ports
 * and a manual clock: an execution is listed whenever it exists, a listing without an execution goes, and a
 * stored execution is answered with, not with an error.
 */
const TWO_PASSES = {
  StartAt: 'First',
  States: { First: { Type: 'Pass', Next: 'Second' }, Second: { Type: 'Pass', End: true } },
};

/** What the AWS SDK throws when DynamoDB or SQS is unavailable. */
function unavailable(): Error {
  return Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable', $fault: 'server' });
}

async function machine() {
  const engine = createMemoryEngine();
  const { stateMachineArn } = await createStateMachine(engine.deps, {
    name: 'two-passes',
    definition: JSON.stringify(TWO_PASSES),
    roleArn: 'arn:aws:iam::123456789012:role/StatefoldExecutionRole',
  });
  return { engine, stateMachineArn };
}

async function listed(engine: ReturnType<typeof createMemoryEngine>, stateMachineArn: string) {
  const { executions } = await listExecutions(engine.deps, { stateMachineArn });
  return executions.map((execution) => [execution.name, execution.status]);
}

describe('StartExecution cut off between its writes', () => {
  it('after the listing: the start fails, the reconciler removes the listing once a start cannot still be running', async () => {
    const { engine, stateMachineArn } = await machine();
    const append = vi.spyOn(engine.log, 'append').mockRejectedValueOnce(unavailable());
    expect(await thrown(startExecution(engine.deps, { stateMachineArn, name: 'cut' }))).toMatchObject({
      name: 'ServiceUnavailable',
    });
    append.mockRestore();
    expect(await listed(engine, stateMachineArn)).toEqual([['cut', 'RUNNING']]);
    const reconciler = new Reconciler(engine.deps);
    engine.clock.time += DEFAULT_QUIET_MS - 1;
    expect((await reconciler.sweep()).forgotten).toEqual([]);
    engine.clock.time += 1;
    const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:cut`;
    expect((await reconciler.sweep()).forgotten).toEqual([executionArn]);
    expect(await listed(engine, stateMachineArn)).toEqual([]);
    expect(await thrown(describeExecution(engine.deps, { executionArn }))).toMatchObject({
      code: 'ExecutionDoesNotExist',
    });
  });

  it('after the listing: a retried start takes the name over, with the listed start date, listed once', async () => {
    const { engine, stateMachineArn } = await machine();
    const listedAt = engine.clock.time;
    const append = vi.spyOn(engine.log, 'append').mockRejectedValueOnce(unavailable());
    await thrown(startExecution(engine.deps, { stateMachineArn, name: 'retried' }));
    append.mockRestore();
    engine.clock.time += 1_000;
    const { executionArn, startDate } = await startExecution(engine.deps, {
      stateMachineArn,
      name: 'retried',
    });
    expect(startDate.getTime()).toBe(listedAt);
    await runUntilIdle(engine);
    expect(await listed(engine, stateMachineArn)).toEqual([['retried', 'SUCCEEDED']]);
    expect((await describeExecution(engine.deps, { executionArn })).startDate.getTime()).toBe(listedAt);
  });

  it('after commit 1: the call answers with the execution, and the reconciler sends what did not go', async () => {
    const { engine, stateMachineArn } = await machine();
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    vi.spyOn(engine.queues, 'sendTransitions').mockRejectedValueOnce(unavailable());
    const { executionArn } = await startExecution(engine.deps, { stateMachineArn, name: 'unsent' });
    expect(console.error).toHaveBeenCalledWith(expect.stringContaining('the reconciler sends them again'));
    await runUntilIdle(engine);
    expect(await listed(engine, stateMachineArn)).toEqual([['unsent', 'RUNNING']]);
    engine.clock.time += DEFAULT_QUIET_MS;
    expect((await new Reconciler(engine.deps).sweep()).resent).toEqual([executionArn]);
    await runUntilIdle(engine);
    expect((await describeExecution(engine.deps, { executionArn })).status).toBe('SUCCEEDED');
    vi.restoreAllMocks();
  });

  it('a bug after commit 1 is not hidden: only the infrastructure failing is answered with the execution', async () => {
    const { engine, stateMachineArn } = await machine();
    vi.spyOn(engine.queues, 'sendTransitions').mockRejectedValueOnce(new TypeError('a bug'));
    expect(await thrown(startExecution(engine.deps, { stateMachineArn, name: 'bug' }))).toMatchObject({
      message: 'a bug',
    });
    vi.restoreAllMocks();
  });
});
