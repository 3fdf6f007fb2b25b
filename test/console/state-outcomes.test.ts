import { describe, expect, it } from 'vitest';
import orderDefinition from '../../examples/order-processing/definition.json' with { type: 'json' };
import * as orderFunctions from '../../examples/order-processing/functions.ts';
import { runExecution } from '../../shared/composition/run-execution.ts';
import { renderWorkflowGraph } from '../../shared/console/graph/render-workflow-graph.ts';
import { foldStateOutcomes, type HistoryEventLike } from '../../shared/console/graph/state-outcomes.ts';
import { createElk } from '../../shared/console/server/graph-file.ts';
import type { StatesBlock } from '../../shared/language/types.ts';

/** Each state's outcome, folded from the histories the in-memory runner writes (AWS's event shapes). */

const task = (name: string, extra: object = {}) => ({
  Type: 'Task',
  Resource: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
  ...extra,
});

class Flaky extends Error {
  override name = 'Flaky';
}
const failing = () => {
  throw new Flaky('boom');
};

async function outcomesOf(definition: object, functions = {}, input: unknown = {}) {
  const result = await runExecution({
    definition: JSON.stringify(definition),
    input: JSON.stringify(input),
    functions,
    clock: 'virtual',
  });
  return foldStateOutcomes(result.events as unknown as HistoryEventLike[]);
}

describe('state outcomes from a history', () => {
  it.each([
    [
      'a state that exits succeeded; one never entered is absent',
      {
        StartAt: 'A',
        States: {
          A: { Type: 'Choice', Choices: [{ Variable: '$.go', IsPresent: true, Next: 'B' }], Default: 'C' },
          B: { Type: 'Pass', End: true },
          C: { Type: 'Pass', End: true },
        },
      },
      {},
      { A: 'succeeded', C: 'succeeded' },
    ],
    [
      'a task whose error fails the execution is failed',
      { StartAt: 'T', States: { T: task('failing', { End: true }) } },
      { failing },
      { T: 'failed' },
    ],
    [
      'a task whose error a Catch takes is caught, and the catcher runs',
      {
        StartAt: 'T',
        States: {
          T: task('failing', { Catch: [{ ErrorEquals: ['States.ALL'], Next: 'H' }], End: true }),
          H: { Type: 'Pass', End: true },
        },
      },
      { failing },
      { T: 'caught', H: 'succeeded' },
    ],
    [
      'a Fail state is failed',
      { StartAt: 'P', States: { P: { Type: 'Pass', Next: 'F' }, F: { Type: 'Fail', Error: 'Nope' } } },
      {},
      { P: 'succeeded', F: 'failed' },
    ],
    [
      'a state inside a failing Parallel branch fails, and the Parallel with it',
      {
        StartAt: 'Par',
        States: {
          Par: {
            Type: 'Parallel',
            Branches: [
              { StartAt: 'Ok', States: { Ok: { Type: 'Pass', End: true } } },
              { StartAt: 'Bad', States: { Bad: task('failing', { End: true }) } },
            ],
            End: true,
          },
        },
      },
      { failing },
      { Par: 'failed', Ok: 'succeeded', Bad: 'failed' },
    ],
  ])('%s', async (_, definition, functions, expected) => {
    const outcomes = await outcomesOf(definition, functions);
    expect(Object.fromEntries([...outcomes].map(([name, o]) => [name, o.status]))).toEqual(expected);
  });

  it('a failed state carries its error and cause; a caught one too', async () => {
    const failed = await outcomesOf(
      { StartAt: 'T', States: { T: task('failing', { End: true }) } },
      { failing },
    );
    expect(failed.get('T')?.error).toMatchObject({ error: 'Flaky', eventType: 'LambdaFunctionFailed' });
    expect(failed.get('T')?.error?.cause).toContain('boom');
  });

  it('the example: retries counted on ChargePayment, iterations on PackItems, inputs and outputs kept', async () => {
    const outcomes = await outcomesOf(orderDefinition, orderFunctions, {
      orderId: 'o-outcomes',
      items: [
        { sku: 'A', quantity: 1, price: 10 },
        { sku: 'B', quantity: 2, price: 5 },
      ],
    });
    expect(outcomes.get('ChargePayment')).toMatchObject({
      status: 'succeeded',
      retries: 1,
      retriedErrors: [{ error: 'PaymentGatewayTimeout' }],
    });
    expect(outcomes.get('PackItems')?.iterations).toEqual(['succeeded', 'succeeded']);
    expect(outcomes.get('PackItem')).toMatchObject({ status: 'succeeded', entered: 2 });
    expect(outcomes.has('FlagForReview')).toBe(false);
    expect(JSON.parse(outcomes.get('ValidateOrder')?.input ?? '{}')).toMatchObject({ orderId: 'o-outcomes' });
    expect(outcomes.get('ValidateOrder')?.exitedAt).toBeGreaterThanOrEqual(
      outcomes.get('ValidateOrder')?.enteredAt ?? 0,
    );
  });

  it('a history that stops midway leaves the open state running', async () => {
    const result = await runExecution({
      definition: JSON.stringify(orderDefinition),
      input: JSON.stringify({ orderId: 'o-2', items: [{ sku: 'A', quantity: 1, price: 1 }] }),
      functions: orderFunctions,
      clock: 'virtual',
    });
    const entered = result.events.findIndex((e) => e.type === 'ParallelStateEntered');
    const outcomes = foldStateOutcomes(result.events.slice(0, entered + 3) as unknown as HistoryEventLike[]);
    expect(outcomes.get('ReserveAndNotify')?.status).toBe('running');
    expect(outcomes.get('ValidateOrder')?.status).toBe('succeeded');
  });
});

describe('the coloured graph', () => {
  it('gives each state box the class of its outcome, and not-reached to the rest', async () => {
    const result = await runExecution({
      definition: JSON.stringify(orderDefinition),
      input: JSON.stringify({ orderId: 'o-3', items: [{ sku: 'A', quantity: 1, price: 1 }] }),
      functions: orderFunctions,
      clock: 'virtual',
    });
    const { svg } = await renderWorkflowGraph(orderDefinition as unknown as StatesBlock, {
      elk: createElk(),
      history: result.events as unknown as HistoryEventLike[],
    });
    expect(svg).toMatch(/class="state type-Task outcome-succeeded" data-state="ChargePayment"/);
    expect(svg).toMatch(/class="state type-Pass outcome-not-reached" data-state="FlagForReview"/);
    expect(svg).toMatch(/class="state type-Fail outcome-not-reached" data-state="PaymentFailed"/);
    expect(svg).toMatch(
      /class="state compound type-Parallel outcome-succeeded" data-state="ReserveAndNotify"/,
    );
  });
});

describe('state outcomes of a redriven execution', () => {
  const event = (id: number, previousEventId: number, type: string, details?: [string, object]) => ({
    id,
    previousEventId,
    type,
    timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, id)),
    ...(details ? { [details[0]]: details[1] } : {}),
  });
  const entered = (name: string) => ['stateEnteredEventDetails', { name }] as [string, object];
  const exited = (name: string) => ['stateExitedEventDetails', { name, output: '{}' }] as [string, object];

  it('a state the close failed runs again after ExecutionRedriven: its new outcome replaces the failure', () => {
    const outcomes = foldStateOutcomes([
      event(1, 0, 'ExecutionStarted'),
      event(2, 0, 'ParallelStateEntered', entered('Both')),
      event(3, 2, 'ParallelStateStarted'),
      event(4, 3, 'TaskStateEntered', entered('One')),
      event(5, 4, 'TaskFailed', ['taskFailedEventDetails', { error: 'Boom' }]),
      event(6, 5, 'ParallelStateFailed', ['parallelStateFailedEventDetails', { error: 'Boom' }]),
      event(7, 6, 'ExecutionFailed', ['executionFailedEventDetails', { error: 'Boom' }]),
      event(8, 7, 'ExecutionRedriven', ['executionRedrivenEventDetails', { redriveCount: 1 }]),
      event(9, 8, 'TaskStateEntered', entered('One')),
      event(10, 9, 'TaskStateExited', exited('One')),
      event(11, 10, 'ParallelStateSucceeded'),
      event(12, 11, 'ParallelStateExited', exited('Both')),
      event(13, 12, 'ExecutionSucceeded'),
    ] as HistoryEventLike[]);
    expect(outcomes.get('Both')).toMatchObject({ status: 'succeeded', entered: 1 });
    expect(outcomes.get('Both')?.error).toBeUndefined();
    expect(outcomes.get('One')).toMatchObject({ status: 'succeeded', entered: 2 });
    expect(outcomes.get('One')?.error).toBeUndefined();
  });

  it('a redriven state that fails again is failed with its new error', () => {
    const outcomes = foldStateOutcomes([
      event(1, 0, 'ExecutionStarted'),
      event(2, 0, 'TaskStateEntered', entered('Work')),
      event(3, 2, 'TaskFailed', ['taskFailedEventDetails', { error: 'First' }]),
      event(4, 3, 'ExecutionFailed', ['executionFailedEventDetails', { error: 'First' }]),
      event(5, 4, 'ExecutionRedriven', ['executionRedrivenEventDetails', { redriveCount: 1 }]),
      event(6, 5, 'TaskStateEntered', entered('Work')),
      event(7, 6, 'TaskFailed', ['taskFailedEventDetails', { error: 'Second' }]),
      event(8, 7, 'ExecutionFailed', ['executionFailedEventDetails', { error: 'Second' }]),
    ] as HistoryEventLike[]);
    expect(outcomes.get('Work')).toMatchObject({ status: 'failed', entered: 2, error: { error: 'Second' } });
  });
});
