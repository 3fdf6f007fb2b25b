import { describe, expect, it } from 'vitest';
import { MAX_STATES_PER_STEP } from '../../../shared/engine/apply-transition.ts';
import { getExecutionHistory } from '../../../shared/engine/execution-history.ts';
import { describeExecution } from '../../../shared/engine/executions.ts';
import { SNAPSHOT_EVERY } from '../../../shared/engine/load-execution.ts';
import { startExecution } from '../../../shared/engine/start-execution.ts';
import { createStateMachine } from '../../../shared/engine/state-machines.ts';
import type { HistoryEvent } from '../../../shared/history/to-history-event.ts';
import { createMemoryEngine, runUntilIdle } from '../../support/memory-ports.ts';

/**
 * No history cap: AWS fails an execution at 25,000 history events; Statefold keeps going, and a step costs the
 * same at event 25,000 as at event 10, because it reads a bounded tail of the log (the newest snapshot and the
 * commits after it), never the whole history. The durable use cases run over in-memory ports.
 */

/** AWS's quota on a Standard execution's history (AWS: the Step Functions quotas). */
const AWS_HISTORY_QUOTA = 25_000;
/** Pass + Choice per turn: four events, so 6,300 turns make 25,200 and more. */
const TURNS = 6_300;

const COUNTER_LOOP = {
  StartAt: 'Increment',
  States: {
    Increment: {
      Type: 'Pass',
      Parameters: { 'count.$': 'States.MathAdd($.count, 1)' },
      Next: 'Check',
    },
    Check: {
      Type: 'Choice',
      Choices: [{ Variable: '$.count', NumericLessThan: TURNS, Next: 'Increment' }],
      Default: 'Done',
    },
    Done: { Type: 'Succeed' },
  },
};

async function readWholeHistory(
  deps: Parameters<typeof getExecutionHistory>[0],
  executionArn: string,
  reverseOrder: boolean,
): Promise<{ events: HistoryEvent[]; pages: number }> {
  const events: HistoryEvent[] = [];
  let pages = 0;
  let nextToken: string | undefined;
  do {
    const page = await getExecutionHistory(deps, {
      executionArn,
      maxResults: 1000,
      reverseOrder,
      ...(nextToken !== undefined ? { nextToken } : {}),
    });
    pages++;
    expect(page.events.length).toBeLessThanOrEqual(1000);
    events.push(...page.events);
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return { events, pages };
}

describe('an execution past 25,000 history events', () => {
  const engine = createMemoryEngine();
  let executionArn = '';
  /** Commits each step read, transitions and tasks alike. */
  const readsPerStep: number[] = [];

  it('runs to SUCCEEDED with the counter at its end value', async () => {
    const { deps, log } = engine;
    const { stateMachineArn } = await createStateMachine(deps, {
      name: 'counter-loop',
      definition: JSON.stringify(COUNTER_LOOP),
      roleArn: 'arn:aws:iam::123456789012:role/StatefoldExecutionRole',
    });
    ({ executionArn } = await startExecution(deps, { stateMachineArn, input: '{"count":0}' }));
    let before = log.commitsRead;
    await runUntilIdle(engine, () => {
      readsPerStep.push(log.commitsRead - before);
      before = log.commitsRead;
    });
    const description = await describeExecution(deps, { executionArn });
    expect(description.status).toBe('SUCCEEDED');
    expect(JSON.parse(description.output ?? 'null')).toEqual({ count: TURNS });
  });

  it.each([
    ['oldest first', false],
    ['newest first (reverseOrder)', true],
  ])(
    'GetExecutionHistory pages of 1000, %s, return every event once with contiguous ids',
    async (_order, reverse) => {
      const { events, pages } = await readWholeHistory(engine.deps, executionArn, reverse);
      const ids = events.map((event) => event.id);
      const ascending = reverse ? [...ids].reverse() : ids;
      expect(events.length).toBeGreaterThan(AWS_HISTORY_QUOTA);
      expect(ascending).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
      expect(pages).toBe(Math.ceil(events.length / 1000));
      const last = reverse ? events[0] : events.at(-1);
      expect(last?.type).toBe('ExecutionSucceeded');
    },
  );

  it(`every step read at most SNAPSHOT_EVERY (${SNAPSHOT_EVERY}) commits, however long the log`, () => {
    // A step runs on through up to MAX_STATES_PER_STEP Pass and Choice states: still hundreds of commits, far
    // past the snapshot period.
    expect(engine.log.commitCount(executionArn)).toBeGreaterThanOrEqual((2 * TURNS) / MAX_STATES_PER_STEP);
    expect(readsPerStep.length).toBeGreaterThanOrEqual((2 * TURNS) / MAX_STATES_PER_STEP);
    expect(Math.max(...readsPerStep)).toBeLessThanOrEqual(SNAPSHOT_EVERY);
    expect(Math.max(...engine.log.tailSizes)).toBeLessThanOrEqual(SNAPSHOT_EVERY);
  });
});
