import { describe, expect, it } from 'vitest';
import { runExecution } from '../../../shared/composition/run-execution.ts';
import { getExecutionHistory } from '../../../shared/engine/execution-history.ts';
import { describeExecution } from '../../../shared/engine/executions.ts';
import { startExecution } from '../../../shared/engine/start-execution.ts';
import { createStateMachine } from '../../../shared/engine/state-machines.ts';
import { createMemoryEngine, runUntilIdle } from '../../support/memory-ports.ts';

/**
 * AWS keeps an execution's input as the text the caller sent: `0.0` stays `0.0` (JSON.parse would make it 0),
 * and so does the caller's spacing, in ExecutionStarted and in DescribeExecution.
 */
const DEFINITION = JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });

const INPUTS = ['0.0', '{"a": 0.0, "b": [1.50, 2]}', '{ "spaced" : true }', '"text"', '{"same":1}'];

describe('the execution input as the caller wrote it', () => {
  it.each(INPUTS)('the in-memory runner keeps %s', async (input) => {
    const result = await runExecution({ definition: DEFINITION, input, clock: 'virtual' });
    expect(result.input).toBe(input);
    expect(result.events[0]).toMatchObject({
      type: 'ExecutionStarted',
      executionStartedEventDetails: { input },
    });
  });

  it.each(INPUTS)('the durable engine keeps %s in DescribeExecution and the history', async (input) => {
    const engine = createMemoryEngine();
    const { stateMachineArn } = await createStateMachine(engine.deps, {
      name: 'keep-input',
      definition: DEFINITION,
      roleArn: 'arn:aws:iam::123456789012:role/StatefoldExecutionRole',
    });
    const { executionArn } = await startExecution(engine.deps, { stateMachineArn, input });
    await runUntilIdle(engine);
    const description = await describeExecution(engine.deps, { executionArn });
    expect(description.status).toBe('SUCCEEDED');
    expect(description.input).toBe(input);
    const history = await getExecutionHistory(engine.deps, { executionArn });
    expect(history.events[0]).toMatchObject({ executionStartedEventDetails: { input } });
  });

  it('an input given as a value (not text) is written as its JSON', async () => {
    const result = await runExecution({ definition: DEFINITION, input: { a: 0.5 }, clock: 'virtual' });
    expect(result.input).toBe('{"a":0.5}');
  });
});
