import { describe, expect, it } from 'vitest';
import { runExecution } from '../../../shared/composition/run-execution.ts';
import { applyTransition } from '../../../shared/engine/apply-transition.ts';
import { getExecutionHistory } from '../../../shared/engine/execution-history.ts';
import { describeExecution } from '../../../shared/engine/executions.ts';
import { runTaskRequest } from '../../../shared/engine/run-task.ts';
import { startExecution } from '../../../shared/engine/start-execution.ts';
import { createStateMachine } from '../../../shared/engine/state-machines.ts';
import { createMemoryEngine, type MemoryEngine, runUntilIdle } from '../../support/memory-ports.ts';

/**
 * A Parallel branch's or a Map iteration's task applies its own outcome from the task handler (one conditional
 * commit, no FIFO round trip) when the execution waits for no queued message of its own flow; otherwise its
 * outcome goes through the transitions queue, behind them. Over in-memory ports.
 */
const ECHO = 'arn:aws:lambda:us-east-1:123456789012:function:echo';
const functions = { echo: (event: unknown) => event };
const parallelOfTwo = {
  StartAt: 'Both',
  States: {
    Both: {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'Left', States: { Left: { Type: 'Task', Resource: ECHO, End: true } } },
        { StartAt: 'Right', States: { Right: { Type: 'Task', Resource: ECHO, End: true } } },
      ],
      Next: 'Done',
    },
    Done: { Type: 'Succeed' },
  },
};
const mapOfThree = {
  StartAt: 'Each',
  States: {
    Each: {
      Type: 'Map',
      ItemsPath: '$.items',
      MaxConcurrency: 2,
      ItemProcessor: { StartAt: 'Call', States: { Call: { Type: 'Task', Resource: ECHO, End: true } } },
      End: true,
    },
  },
};

async function start(definition: object, input: object) {
  const engine = createMemoryEngine({ functions });
  const { stateMachineArn } = await createStateMachine(engine.deps, {
    name: 'child-tasks',
    definition: JSON.stringify(definition),
    roleArn: 'arn:aws:iam::123456789012:role/StatefoldExecutionRole',
  });
  const { executionArn } = await startExecution(engine.deps, {
    stateMachineArn,
    input: JSON.stringify(input),
  });
  return { engine, executionArn };
}

async function outcome(engine: MemoryEngine, executionArn: string) {
  const described = await describeExecution(engine.deps, { executionArn });
  const { events } = await getExecutionHistory(engine.deps, { executionArn, maxResults: 1000 });
  return { described, events: events.map((event) => [event.id, event.previousEventId, event.type]) };
}

describe("a branch's or an iteration's task applies its own outcome", () => {
  it('a Parallel whose branches have both started: each task commits its outcome, no transition is queued', async () => {
    const { engine, executionArn } = await start(parallelOfTwo, { n: 1 });
    const steps: string[] = [];
    await runUntilIdle(engine, (step) => steps.push(step));
    // The two branches' advances, then the two tasks, each applying its outcome (the second closes the
    // execution, whose listing is a record).
    expect(steps).toEqual(['transition', 'transition', 'task', 'task', 'record']);
    const { described, events } = await outcome(engine, executionArn);
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output ?? 'null')).toEqual([{ n: 1 }, { n: 1 }]);
    const alone = await runExecution({
      definition: parallelOfTwo,
      input: { n: 1 },
      clock: 'virtual',
      functions,
    });
    expect(events).toEqual(alone.events.map((event) => [event.id, event.previousEventId, event.type]));
  });

  it("a task that finishes while a sibling's advance is still queued reports through the queue, behind it", async () => {
    const { engine, executionArn } = await start(parallelOfTwo, { n: 2 });
    const { queues, deps } = engine;
    // The first branch's advance only: the second's stays queued.
    const [first, second] = queues.transitions.splice(0, 2);
    if (!first || !second) throw new Error('The Parallel sent fewer than two advances');
    await applyTransition(deps, first);
    const task = queues.tasks.shift();
    if (!task) throw new Error("The first branch's task was not requested");
    const before = engine.log.commitCount(executionArn);
    await runTaskRequest(deps, task);
    // Declined: no commit, the outcome queued for the step handler.
    expect(engine.log.commitCount(executionArn)).toBe(before);
    expect(queues.transitions.map((transition) => transition.id)).toEqual([`task:${task.scope}:${task.ref}`]);
    queues.transitions.unshift(second);
    await runUntilIdle(engine);
    const { described, events } = await outcome(engine, executionArn);
    expect(described.status).toBe('SUCCEEDED');
    // The second branch entered before the first's result, as the queue orders them.
    const types = events.map(([, , type]) => type);
    expect(types.indexOf('LambdaFunctionSucceeded')).toBeGreaterThan(
      types.lastIndexOf('LambdaFunctionScheduled'),
    );
  });

  it('a Map of three iterations at MaxConcurrency 2: every task applies its own outcome, the history unchanged', async () => {
    const input = { items: [1, 2, 3] };
    const { engine, executionArn } = await start(mapOfThree, input);
    const steps: string[] = [];
    await runUntilIdle(engine, (step) => steps.push(step));
    const { described, events } = await outcome(engine, executionArn);
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output ?? 'null')).toEqual([1, 2, 3]);
    // The first result starts the third iteration and runs on into its Task in the same commit: no advance is
    // left queued, so the second and third results apply themselves too.
    expect(steps).toEqual(['transition', 'transition', 'task', 'task', 'task', 'record']);
    // The history the queue wrote when every result went through it (one state per step, in queue order).
    expect(events.map(([, , type]) => type)).toEqual([
      'ExecutionStarted',
      'MapStateEntered',
      'MapStateStarted',
      'MapIterationStarted',
      'MapIterationStarted',
      ...['TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted'],
      ...['TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted'],
      ...['LambdaFunctionSucceeded', 'TaskStateExited', 'MapIterationSucceeded'],
      'MapIterationStarted',
      ...['TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted'],
      ...['LambdaFunctionSucceeded', 'TaskStateExited', 'MapIterationSucceeded'],
      ...['LambdaFunctionSucceeded', 'TaskStateExited', 'MapIterationSucceeded'],
      'MapStateSucceeded',
      'MapStateExited',
      'ExecutionSucceeded',
    ]);
  });

  it("a wide Map's results, with more than one sibling running, go through the queue", async () => {
    const wide = { ...mapOfThree, States: { Each: { ...mapOfThree.States.Each, MaxConcurrency: 4 } } };
    const input = { items: [1, 2, 3, 4] };
    const { engine, executionArn } = await start(wide, input);
    const steps: string[] = [];
    await runUntilIdle(engine, (step) => steps.push(step));
    const { described } = await outcome(engine, executionArn);
    expect(JSON.parse(described.output ?? 'null')).toEqual([1, 2, 3, 4]);
    // Four advances; the first two results find four and three tasks running: queued (and applied by the step
    // handler, the in-memory queue's first); the last two apply themselves.
    expect(steps).toEqual([
      ...['transition', 'transition', 'transition', 'transition'],
      ...['task', 'transition', 'task', 'transition'],
      ...['task', 'task', 'record'],
    ]);
  });
});
