import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../shared/engine/engine-error.ts';
import { describeExecution, listExecutions } from '../../../shared/engine/executions.ts';
import { describeMapRun, listMapRuns } from '../../../shared/engine/map-runs.ts';
import { redriveExecution } from '../../../shared/engine/redrive-execution.ts';
import { startExecution } from '../../../shared/engine/start-execution.ts';
import { createStateMachine } from '../../../shared/engine/state-machines.ts';
import { childRunEntries } from '../../../shared/history/child-run-set.ts';
import type { ChildRuns, ExecutionState } from '../../../shared/history/execution-state.ts';
import { createMemoryEngine, runUntilIdle } from '../../support/memory-ports.ts';

/**
 * The redrive of a failed Map Run over in-memory ports (the durable use cases, one message at a time):
 * DescribeMapRun's counts while the redriven run waits to redrive its children, its redriveCount and
 * redriveDate, and the children's redriveStatus (REDRIVABLE_BY_MAP_RUN, never redriven on their own).
 */

const ROLE = 'arn:aws:iam::123456789012:role/StatefoldExecutionRole';

const MACHINE = {
  StartAt: 'Each',
  States: {
    Each: {
      Type: 'Map',
      ItemsPath: '$.items',
      MaxConcurrency: 1,
      ToleratedFailureCount: 1,
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
        StartAt: 'Work',
        States: {
          Work: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: 'work', 'Payload.$': '$' },
            OutputPath: '$.Payload',
            End: true,
          },
        },
      },
      End: true,
    },
  },
};

describe('redriving a failed Map Run (in-memory ports)', () => {
  it('counts the children waiting to be redriven as pendingRedrive, then as succeeded', async () => {
    const calls = new Map<number, number>();
    // Items 0 and 1 fail their first call: the second failure is one more than tolerated; 2 never starts.
    const engine = createMemoryEngine({
      functions: {
        work: async (item: number) => {
          const call = (calls.get(item) ?? 0) + 1;
          calls.set(item, call);
          if (item < 2 && call === 1) throw Object.assign(new Error(`item ${item}`), { name: 'Flaky' });
          return { item, call };
        },
      },
    });
    const { deps, clock } = engine;
    const { stateMachineArn } = await createStateMachine(deps, {
      name: 'flaky-map',
      definition: JSON.stringify(MACHINE),
      roleArn: ROLE,
    });
    const { executionArn } = await startExecution(deps, { stateMachineArn, input: '{"items":[0,1,2]}' });
    await runUntilIdle(engine);
    expect((await describeExecution(deps, { executionArn })).status).toBe('FAILED');
    const [run] = (await listMapRuns(deps, { executionArn })).mapRuns;
    const mapRunArn = run?.mapRunArn as string;
    expect(await describeMapRun(deps, { mapRunArn })).toMatchObject({
      status: 'FAILED',
      redriveCount: 0,
      // Item 2 never started: still pending in the failed run, as AWS counts it (not aborted).
      executionCounts: { succeeded: 0, failed: 2, aborted: 0, pending: 1, pendingRedrive: 0, total: 3 },
    });
    const children = (await listExecutions(deps, { mapRunArn })).executions;
    expect(children).toHaveLength(2);
    for (const child of children) {
      const described = await describeExecution(deps, { executionArn: child.executionArn });
      expect(described).toMatchObject({ status: 'FAILED', redriveStatus: 'REDRIVABLE_BY_MAP_RUN' });
      expect(described.redriveStatusReason).toBeUndefined();
      const refused = await redriveExecution(deps, { executionArn: child.executionArn }).catch((e) => e);
      expect(refused).toBeInstanceOf(EngineError);
      expect(refused).toMatchObject({ code: 'ExecutionNotRedrivable' });
    }

    clock.time += 60_000;
    const { redriveDate } = await redriveExecution(deps, { executionArn });
    // One child at a time: the first is being redriven, the second waits for it, item 2 waits to start.
    expect(await describeMapRun(deps, { mapRunArn })).toMatchObject({
      status: 'RUNNING',
      redriveCount: 1,
      redriveDate,
      executionCounts: { pending: 1, running: 1, succeeded: 0, failed: 0, pendingRedrive: 1, total: 3 },
    });
    await runUntilIdle(engine);
    const parent = await describeExecution(deps, { executionArn });
    expect(parent.status).toBe('SUCCEEDED');
    expect(JSON.parse(parent.output ?? 'null')).toEqual([
      { item: 0, call: 2 },
      { item: 1, call: 2 },
      { item: 2, call: 1 },
    ]);
    expect(await describeMapRun(deps, { mapRunArn })).toMatchObject({
      status: 'SUCCEEDED',
      redriveCount: 1,
      executionCounts: { pending: 0, running: 0, succeeded: 3, failed: 0, pendingRedrive: 0, total: 3 },
      itemCounts: { succeeded: 3, failed: 0, pendingRedrive: 0, total: 3 },
    });
    const after = (await listExecutions(deps, { mapRunArn })).executions;
    expect(after).toHaveLength(3);
    const counts = await Promise.all(
      after.map(
        async (child) => (await describeExecution(deps, { executionArn: child.executionArn })).redriveCount,
      ),
    );
    expect(counts.sort()).toEqual([0, 1, 1]);
  });
});

/**
 * A snapshot as a Statefold from before children's names were derived wrote it: each Map Run's open, failed and
 * rerun children as `index → name` records. Returns how many it found to rewrite (in place).
 */
function asLegacySnapshot(state: ExecutionState): number {
  let rewritten = 0;
  for (const scope of Object.values(state.scopes)) {
    for (const children of [scope.children, scope.retained]) {
      if (children?.kind !== 'map-run') continue;
      const legacy = children as ChildRuns & Record<string, unknown>;
      const sets = [
        ['openChildRuns', 'open'],
        ['failedChildRuns', 'failedRuns'],
        ['rerunChildRuns', 'rerun'],
      ] as const;
      for (const [current, old] of sets) {
        const set = children[current];
        if (set === undefined) continue;
        const names: Record<string, string> = {};
        for (const { index, executionName } of childRunEntries(set, children.mapRunArn ?? '')) {
          names[index] = executionName;
        }
        if (Object.keys(names).length > 0) rewritten++;
        legacy[old] = names;
        delete children[current];
      }
    }
  }
  return rewritten;
}

describe('a Map Run whose parent was snapshotted before children were named by index', () => {
  it('settles its open children, fails, and redrives its failed ones as the snapshot names them', async () => {
    const calls = new Map<number, number>();
    const engine = createMemoryEngine({
      functions: {
        work: async (item: number) => {
          const call = (calls.get(item) ?? 0) + 1;
          calls.set(item, call);
          if ((item === 10 || item === 11) && call === 1)
            throw Object.assign(new Error(`item ${item}`), { name: 'Flaky' });
          return { item, call };
        },
      },
    });
    const { deps } = engine;
    let rewritten = 0;
    const readTail = engine.log.readTail.bind(engine.log);
    engine.log.readTail = async (executionArn, limit) => {
      const tail = await readTail(executionArn, limit);
      for (const commit of tail?.commits ?? []) {
        if (commit.snapshot) rewritten += asLegacySnapshot(commit.snapshot);
      }
      return tail;
    };
    const { stateMachineArn } = await createStateMachine(deps, {
      name: 'legacy-map',
      definition: JSON.stringify(MACHINE),
      roleArn: ROLE,
    });
    const items = Array.from({ length: 13 }, (_, i) => i);
    const { executionArn } = await startExecution(deps, {
      stateMachineArn,
      input: JSON.stringify({ items }),
    });
    await runUntilIdle(engine);
    // Items 10 and 11 fail: one more failure than tolerated; 12 never starts.
    expect((await describeExecution(deps, { executionArn })).status).toBe('FAILED');
    const before = rewritten;
    expect(before).toBeGreaterThan(0);

    await redriveExecution(deps, { executionArn });
    await runUntilIdle(engine);
    // The redrive read the failed children from a legacy snapshot.
    expect(rewritten).toBeGreaterThan(before);
    const parent = await describeExecution(deps, { executionArn });
    expect(parent.status).toBe('SUCCEEDED');
    expect(JSON.parse(parent.output ?? 'null')).toEqual(
      items.map((item) => ({ item, call: item === 10 || item === 11 ? 2 : 1 })),
    );
    const [run] = (await listMapRuns(deps, { executionArn })).mapRuns;
    const children = (await listExecutions(deps, { mapRunArn: run?.mapRunArn as string })).executions;
    expect(children).toHaveLength(items.length);
  });
});
