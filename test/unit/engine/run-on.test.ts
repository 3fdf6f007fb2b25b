import { describe, expect, it } from 'vitest';
import { runExecution } from '../../../shared/composition/run-execution.ts';
import { MAX_STATES_PER_STEP } from '../../../shared/engine/apply-transition.ts';
import { getExecutionHistory } from '../../../shared/engine/execution-history.ts';
import { describeExecution } from '../../../shared/engine/executions.ts';
import { startExecution } from '../../../shared/engine/start-execution.ts';
import { createStateMachine } from '../../../shared/engine/state-machines.ts';
import { createMemoryEngine, runUntilIdle } from '../../support/memory-ports.ts';

/**
 * A step runs on through the states that need nothing from outside (Pass, Choice, Succeed…) up to
 * MAX_STATES_PER_STEP, instead of sending itself an advance for each: fewer commits and messages, the same
 * history. Over in-memory ports.
 */
function passChain(length: number): object {
  const States: Record<string, object> = {};
  for (let i = 0; i < length; i++) {
    States[`S${i}`] = {
      Type: 'Pass',
      Result: i,
      ResultPath: `$.s${i}`,
      ...(i === length - 1 ? { End: true } : { Next: `S${i + 1}` }),
    };
  }
  return { StartAt: 'S0', States };
}

async function runDurably(definition: object) {
  const engine = createMemoryEngine({ functions: { echo: (event: unknown) => event } });
  const { stateMachineArn } = await createStateMachine(engine.deps, {
    name: 'run-on',
    definition: JSON.stringify(definition),
    roleArn: 'arn:aws:iam::123456789012:role/StatefoldExecutionRole',
  });
  const { executionArn } = await startExecution(engine.deps, { stateMachineArn, input: '{}' });
  const steps: string[] = [];
  await runUntilIdle(engine, (step) => steps.push(step));
  const described = await describeExecution(engine.deps, { executionArn });
  const { events } = await getExecutionHistory(engine.deps, { executionArn, maxResults: 1000 });
  return { engine, executionArn, described, events, steps, commits: engine.log.commitCount(executionArn) };
}

describe('a step runs on through states that need nothing from outside', () => {
  it(`a 60-state Pass chain takes 4 commits: the first state in commit 1, then ${MAX_STATES_PER_STEP} states a step`, async () => {
    const { described, commits, events } = await runDurably(passChain(60));
    expect(described.status).toBe('SUCCEEDED');
    expect(Object.keys(JSON.parse(described.output ?? '{}'))).toHaveLength(60);
    expect(commits).toBe(1 + Math.ceil(59 / MAX_STATES_PER_STEP));
    // The history is the one state-at-a-time steps write: the in-memory runner's.
    const alone = await runExecution({ definition: passChain(60), input: {}, clock: 'virtual' });
    expect(events.map((event) => [event.id, event.previousEventId, event.type])).toEqual(
      alone.events.map((event) => [event.id, event.previousEventId, event.type]),
    );
  });

  it('a Task ends the run: its request goes out with the states before it; its result, applied by the task handler, runs on', async () => {
    const ECHO = 'arn:aws:lambda:us-east-1:123456789012:function:echo';
    const definition = {
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Next: 'B' },
        B: { Type: 'Pass', Next: 'Call' },
        Call: { Type: 'Task', Resource: ECHO, Next: 'Route' },
        Route: {
          Type: 'Choice',
          Choices: [{ Variable: '$.go', IsPresent: true, Next: 'Done' }],
          Default: 'Done',
        },
        Done: { Type: 'Succeed' },
      },
    };
    const { described, commits, steps } = await runDurably(definition);
    expect(described.status).toBe('SUCCEEDED');
    // Commit 1: A; then B and Call's scheduling; then the result, Route and Done, written by the task handler,
    // whose close sends the listing (a record the task handler writes).
    expect(commits).toBe(3);
    expect(steps).toEqual(['transition', 'task', 'record']);
  });

  it("a Parallel's branches run on in the Parallel's step, in the order the queue would apply them", async () => {
    const ECHO = 'arn:aws:lambda:us-east-1:123456789012:function:echo';
    const branch = (name: string) => ({
      StartAt: `${name}Pass`,
      States: {
        [`${name}Pass`]: { Type: 'Pass', Next: `${name}Call` },
        [`${name}Call`]: { Type: 'Task', Resource: ECHO, End: true },
      },
    });
    const definition = {
      StartAt: 'First',
      States: {
        First: { Type: 'Pass', Next: 'Both' },
        Both: { Type: 'Parallel', Branches: [branch('Left'), branch('Right')], End: true },
      },
    };
    const { described, commits, steps, events } = await runDurably(definition);
    expect(described.status).toBe('SUCCEEDED');
    // Commit 1: First; then Both and both branches up to their Tasks; then each result (the second closes).
    expect(commits).toBe(4);
    expect(steps).toEqual(['transition', 'task', 'task', 'record']);
    // As the separate steps wrote it: the FIFO queue delivers the left branch's advance first, whose step runs on
    // through LeftPass into LeftCall, then the right one's.
    const entered = events.filter((event) => event.type.endsWith('StateEntered'));
    expect(
      entered.map(
        (event) => (event as { stateEnteredEventDetails?: { name: string } }).stateEnteredEventDetails?.name,
      ),
    ).toEqual(['First', 'Both', 'LeftPass', 'LeftCall', 'RightPass', 'RightCall']);
  });
});
