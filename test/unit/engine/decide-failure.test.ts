import { describe, expect, it } from 'vitest';
import { applyTransition } from '../../../shared/engine/apply-transition.ts';
import type { DefinitionCache } from '../../../shared/engine/engine-deps.ts';
import { describeExecution } from '../../../shared/engine/executions.ts';
import { startExecution } from '../../../shared/engine/start-execution.ts';
import { createStateMachine } from '../../../shared/engine/state-machines.ts';
import type { StateMachineDefinition } from '../../../shared/language/types.ts';
import { createMemoryEngine, runUntilIdle } from '../../support/memory-ports.ts';

/**
 * An exception while deciding a step (a bug, a library that throws where it should not) fails the execution
 * with States.Runtime at once, naming the state and what went wrong: nothing stays RUNNING while the message
 * goes through its retries to the dead-letter queue.
 */
const DEFINITION = {
  StartAt: 'A',
  States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', End: true } },
};

/** The definition, except that reading state B's fields throws, as a bug in deciding B would. */
function breakingB(definition: StateMachineDefinition): StateMachineDefinition {
  const states = { ...definition.States };
  states.B = new Proxy(states.B as object, {
    get(target, key) {
      if (key === 'Type') return Reflect.get(target, key);
      throw new TypeError(`cannot read ${String(key)}`);
    },
  }) as never;
  return { ...definition, States: states };
}

describe('an exception while deciding a step', () => {
  it('fails the execution at once with States.Runtime naming the state and the error', async () => {
    const engine = createMemoryEngine();
    const { stateMachineArn } = await createStateMachine(engine.deps, {
      name: 'breaks',
      definition: JSON.stringify(DEFINITION),
      roleArn: 'arn:aws:iam::123456789012:role/StatefoldExecutionRole',
    });
    const { executionArn } = await startExecution(engine.deps, { stateMachineArn });
    const real = engine.deps.definitions;
    engine.deps.definitions = {
      load: async (source) => breakingB(await real.load(source)),
    } as DefinitionCache;
    const advance = engine.queues.transitions.shift();
    if (!advance) throw new Error('the first state sends the transition to B');
    const outcome = await applyTransition(engine.deps, advance);
    expect(outcome.kind).toBe('applied');
    const description = await describeExecution(engine.deps, { executionArn });
    expect(description.status).toBe('FAILED');
    expect(description.error).toBe('States.Runtime');
    expect(description.cause).toMatch(
      /^Statefold could not apply a 'advance' transition to the state 'B': TypeError: cannot read /,
    );
    // The same message again finds the commit that applied it: nothing more happens.
    expect((await applyTransition(engine.deps, advance)).kind).toBe('duplicate');
    expect(await runUntilIdle(engine)).toBeGreaterThanOrEqual(0);
    expect((await describeExecution(engine.deps, { executionArn })).status).toBe('FAILED');
  });
});
