import { describe, expect, it } from 'vitest';
import { applyTransition } from '../../../shared/engine/apply-transition.ts';
import { getExecutionHistory } from '../../../shared/engine/execution-history.ts';
import { describeExecution } from '../../../shared/engine/executions.ts';
import type { TransitionEnvelope } from '../../../shared/engine/ports.ts';
import { startExecution } from '../../../shared/engine/start-execution.ts';
import { createStateMachine } from '../../../shared/engine/state-machines.ts';
import { createMemoryEngine, type MemoryEngine, runUntilIdle } from '../../support/memory-ports.ts';

/**
 * A Distributed Map child's start message writes its commit 1 with no read first (a conditional put); a start
 * delivered again finds commit 1 there: nothing is applied twice, and commit 1's sends (its listing, the parent
 * told it closed) go again.
 */
const definition = (child: object) =>
  JSON.stringify({
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        ItemsPath: '$.items',
        ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, ...child },
        End: true,
      },
    },
  });

async function startedParent(engine: MemoryEngine, child: object, items: unknown[]) {
  const { stateMachineArn } = await createStateMachine(engine.deps, {
    name: `fan-out-${Math.random().toString(36).slice(2)}`,
    definition: definition(child),
    roleArn: 'arn:aws:iam::123456789012:role/StatefoldExecutionRole',
  });
  const { executionArn } = await startExecution(engine.deps, {
    stateMachineArn,
    input: JSON.stringify({ items }),
  });
  return executionArn;
}

/** Applies the queued transitions until a child's start is next; returns it, taken off the queue. */
async function nextChildStart(engine: MemoryEngine): Promise<TransitionEnvelope> {
  for (;;) {
    const envelope = engine.queues.transitions.shift();
    if (!envelope) throw new Error('no child start was sent');
    if (envelope.message.type === 'start') return envelope;
    await applyTransition(engine.deps, envelope);
  }
}

describe("a Distributed Map child's start", () => {
  it('delivered twice: one commit 1, one history, and its sends again (the parent hears once)', async () => {
    const engine = createMemoryEngine();
    const parentArn = await startedParent(
      engine,
      { StartAt: 'Touch', States: { Touch: { Type: 'Pass', End: true } } },
      [{ id: 1 }],
    );
    const start = await nextChildStart(engine);
    expect((await applyTransition(engine.deps, start)).kind).toBe('applied');
    const childRecords = () =>
      engine.queues.records.filter((record) => record.executionArn === start.executionArn).length;
    expect(childRecords()).toBe(1);
    expect((await applyTransition(engine.deps, start)).kind).toBe('duplicate');
    // The listing (and with it the parent's transition) is sent again; applied twice, it changes nothing.
    expect(childRecords()).toBe(2);
    await runUntilIdle(engine);
    const history = await getExecutionHistory(engine.deps, { executionArn: start.executionArn });
    expect(history.events.map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
    const parent = await describeExecution(engine.deps, { executionArn: parentArn });
    expect(parent.status).toBe('SUCCEEDED');
    expect(JSON.parse(parent.output ?? 'null')).toEqual([{ id: 1 }]);
  });

  it('delivered again after the child moved on: nothing is written, the child goes on to its end', async () => {
    const engine = createMemoryEngine();
    const parentArn = await startedParent(
      engine,
      { StartAt: 'Hold', States: { Hold: { Type: 'Wait', Seconds: 5, End: true } } },
      [{ id: 2 }],
    );
    const start = await nextChildStart(engine);
    expect((await applyTransition(engine.deps, start)).kind).toBe('applied');
    await runUntilIdle(engine);
    expect((await describeExecution(engine.deps, { executionArn: start.executionArn })).status).toBe(
      'SUCCEEDED',
    );
    expect((await applyTransition(engine.deps, start)).kind).toBe('duplicate');
    await runUntilIdle(engine);
    const history = await getExecutionHistory(engine.deps, { executionArn: start.executionArn });
    expect(history.events.filter((event) => event.type === 'ExecutionStarted')).toHaveLength(1);
    expect(history.events.at(-1)?.type).toBe('ExecutionSucceeded');
    expect((await describeExecution(engine.deps, { executionArn: parentArn })).status).toBe('SUCCEEDED');
  });
});
