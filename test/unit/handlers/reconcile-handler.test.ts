import type { Context, ScheduledEvent } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeExecution } from '../../../shared/engine/executions.ts';
import { DEFAULT_FAIL_AFTER_MS, DEFAULT_QUIET_MS } from '../../../shared/engine/reconcile.ts';
import { startExecution } from '../../../shared/engine/start-execution.ts';
import { createStateMachine } from '../../../shared/engine/state-machines.ts';
import { createReconcileHandler, metricsLine } from '../../../shared/handlers/reconcile-handler.ts';
import { createMemoryEngine, runUntilIdle } from '../../support/memory-ports.ts';

/**
 * The scheduled reconciler over in-memory ports and a manual clock, with its default thresholds: a lost
 * transition is sent again once the execution has been quiet for 5 minutes, the counts go out as CloudWatch
 * embedded metrics, and an execution that stays stuck is failed after 30 minutes of sending again.
 */
const TWO_PASSES = {
  StartAt: 'First',
  States: { First: { Type: 'Pass', Next: 'Second' }, Second: { Type: 'Pass', End: true } },
};
const event = {} as ScheduledEvent;
const context = {} as Context;

afterEach(() => {
  vi.restoreAllMocks();
});

async function stuckExecution() {
  const engine = createMemoryEngine();
  const { stateMachineArn } = await createStateMachine(engine.deps, {
    name: 'two-passes',
    definition: JSON.stringify(TWO_PASSES),
    roleArn: 'arn:aws:iam::123456789012:role/StatefoldExecutionRole',
  });
  const { executionArn } = await startExecution(engine.deps, { stateMachineArn, name: 'stuck' });
  // The advance to Second is lost.
  engine.queues.transitions.length = 0;
  return { engine, executionArn };
}

describe('the reconcile handler', () => {
  it('leaves a quiet execution alone for 5 minutes, then sends its messages again and it finishes', async () => {
    const logs: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void logs.push(line));
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { engine, executionArn } = await stuckExecution();
    const handler = createReconcileHandler(() => engine.deps);
    engine.clock.time += DEFAULT_QUIET_MS - 1;
    expect(await handler(event, context)).toEqual({
      checked: 1,
      closed: [],
      forgotten: [],
      resent: [],
      failed: [],
    });
    engine.clock.time += 1;
    expect(await handler(event, context)).toMatchObject({ resent: [executionArn], failed: [] });
    await runUntilIdle(engine);
    expect((await describeExecution(engine.deps, { executionArn })).status).toBe('SUCCEEDED');
    const line = JSON.parse(logs.at(-1) as string);
    expect(line).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Namespace: 'Statefold', Dimensions: [[]] }] },
      ReconcilerExecutionsChecked: 1,
      ReconcilerExecutionsResent: 1,
      ReconcilerExecutionsFailed: 0,
      resent: [executionArn],
    });
  });

  it('fails an execution still stuck 30 minutes after its messages were first sent again', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { engine, executionArn } = await stuckExecution();
    const handler = createReconcileHandler(() => engine.deps);
    const sweeps: string[][] = [];
    engine.clock.time += DEFAULT_QUIET_MS;
    for (let minutes = 0; minutes <= DEFAULT_FAIL_AFTER_MS / 60_000; minutes += 5) {
      const report = await handler(event, context);
      sweeps.push([...report.resent.map(() => 'resent'), ...report.failed.map(() => 'failed')]);
      engine.queues.transitions.length = 0; // every re-sent message is lost too
      engine.clock.time += 5 * 60_000;
    }
    expect(sweeps).toEqual([
      ['resent'],
      ['resent'],
      ['resent'],
      ['resent'],
      ['resent'],
      ['resent'],
      ['failed'],
    ]);
    const description = await describeExecution(engine.deps, { executionArn });
    expect(description.status).toBe('FAILED');
    expect(description.error).toBe('States.Runtime');
    expect(description.cause).toMatch(/the state 'Second' waits to run/);
  });

  it('metricsLine names every count', () => {
    const line = metricsLine(
      { checked: 3, closed: ['c'], forgotten: ['f', 'g'], resent: ['r'], failed: [] },
      0,
    );
    expect(line).toMatchObject({
      ReconcilerExecutionsChecked: 3,
      ReconcilerExecutionsClosed: 1,
      ReconcilerStartsForgotten: 2,
      ReconcilerExecutionsResent: 1,
      ReconcilerExecutionsFailed: 0,
    });
  });
});
