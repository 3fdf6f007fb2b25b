import { describe, expect, it } from 'vitest';
import { getExecutionHistory } from '../../../shared/engine/execution-history.ts';
import { describeExecution } from '../../../shared/engine/executions.ts';
import { loadExecution } from '../../../shared/engine/load-execution.ts';
import { startExecution } from '../../../shared/engine/start-execution.ts';
import { createStateMachine } from '../../../shared/engine/state-machines.ts';
import { createMemoryEngine, runUntilIdle } from '../../support/memory-ports.ts';

/**
 * StartExecution decides the first state inline while it is cheap; a first state whose JSONata runs past
 * FIRST_STATE_ALLOWANCE_STEPS is left to the step handler: commit 1 is then ExecutionStarted alone, and the
 * history, once the step handler has run, is the one the inline decision writes.
 */
const passWith = (expression: string) => ({
  QueryLanguage: 'JSONata',
  StartAt: 'P',
  States: { P: { Type: 'Pass', Output: `{% ${expression} %}`, End: true } },
});

async function startWith(expression: string) {
  const engine = createMemoryEngine();
  const { stateMachineArn } = await createStateMachine(engine.deps, {
    name: 'allowance',
    definition: JSON.stringify(passWith(expression)),
    roleArn: 'arn:aws:iam::123456789012:role/StatefoldExecutionRole',
  });
  const { executionArn } = await startExecution(engine.deps, { stateMachineArn, name: 'e', input: '{}' });
  const loaded = await loadExecution(engine.deps.log, executionArn);
  const first = loaded?.commits.find((commit) => commit.n === 1);
  const commitOne = first?.events.map((event) => event.type);
  await runUntilIdle(engine);
  const { events } = await getExecutionHistory(engine.deps, { executionArn });
  const described = await describeExecution(engine.deps, { executionArn });
  return {
    commitOne,
    history: events.map((e) => [e.id, e.previousEventId, e.type]),
    described,
    engine,
    stateMachineArn,
  };
}

describe('the first state and StartExecution', () => {
  it.each([
    ['a cheap first state is decided in commit 1', '$sum([1..100])', 5050, 'inline'],
    [
      'an expensive one (100,000 elements) is left to the step handler',
      '$sum([1..100000])',
      5000050000,
      'deferred',
    ],
  ])('%s', async (_label, expression, output, where) => {
    const run = await startWith(expression);
    expect(run.commitOne).toEqual(
      where === 'inline'
        ? ['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']
        : ['ExecutionStarted'],
    );
    expect(run.described).toMatchObject({ status: 'SUCCEEDED', output: String(output) });
    expect(run.history).toEqual([
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'PassStateEntered'],
      [3, 2, 'PassStateExited'],
      [4, 3, 'ExecutionSucceeded'],
    ]);
  });

  it('a start repeated while a deferred first state waits answers as the first did; the state runs once', async () => {
    const engine = createMemoryEngine();
    const { stateMachineArn } = await createStateMachine(engine.deps, {
      name: 'allowance',
      definition: JSON.stringify(passWith('$sum([1..100000])')),
      roleArn: 'arn:aws:iam::123456789012:role/StatefoldExecutionRole',
    });
    const request = { stateMachineArn, name: 'twice', input: '{"a":1}' };
    const first = await startExecution(engine.deps, request);
    const second = await startExecution(engine.deps, request);
    expect(second).toEqual(first);
    await runUntilIdle(engine);
    const { events } = await getExecutionHistory(engine.deps, { executionArn: first.executionArn });
    expect(events.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
  });
});
