import { describe, expect, it } from 'vitest';
import { runExecution } from '../../shared/composition/run-execution.ts';
import { replay } from '../../shared/history/apply-event.ts';
import type { ExecutionState } from '../../shared/history/execution-state.ts';
import { allCases } from './cases/index.ts';
import type { ConformanceCase } from './conformance-case.ts';
import { expectConformance } from './expect-conformance.ts';

const START = Date.UTC(2026, 0, 1);

async function run(testCase: ConformanceCase, checkReplay = false) {
  const mismatches: string[] = [];
  const result = await runExecution({
    definition: testCase.definition,
    input: testCase.input ?? {},
    functions: testCase.functions ?? {},
    clock: 'virtual',
    startTime: START,
    stateMachineName: 'Conformance',
    executionName: 'case',
    ...(checkReplay
      ? {
          onStep: (state: ExecutionState, events) => {
            const rebuilt = replay(structuredClone(events));
            if (JSON.stringify(rebuilt) !== JSON.stringify(state))
              mismatches.push(`after event ${events.length}`);
          },
        }
      : {}),
  });
  return { result, mismatches };
}

describe.each(Object.entries(allCases))('conformance: %s', (_group, cases) => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    const { result } = await run(testCase);
    expectConformance(result, testCase, START);
  });
});

describe('replay rebuilds the live state after every step', () => {
  const cases = Object.values(allCases).flat();
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    const { mismatches } = await run(testCase, true);
    expect(mismatches).toEqual([]);
  });
});
