import { afterAll, beforeAll, describe, it } from 'vitest';
import { createDeclaredResources } from '../../shared/composition/declared-resources.ts';
import { startTestbed, type Testbed } from '../support/durable-testbed.ts';
import { type HttpApi, startHttpApi } from '../support/http-api.ts';
import { type ConformanceCase, definitionOf } from './conformance-case.ts';
import { expectConformance } from './expect-conformance.ts';

/**
 * Conformance cases through the durable engine: DynamoDB event log (dynalite), SQS queues (fauxqs), the
 * step/task/timer handlers fed by the local event-source pollers, Lambda through its Invoke API, HTTP Tasks
 * against the test HTTP API. Same output,
 * same events, same timings (on a virtual clock) as the in-memory runner. Each case runs in a table of its own
 * so that every case can use the execution name the expected results show.
 */
const START = Date.UTC(2026, 0, 1);

/**
 * Part `part` (0-based) of `parts` of the cases: every `parts`-th case in order, each group keeping its name. Taking
 * cases in turn, not groups, gives the parts about the same work (groups range from a few cases to a hundred).
 */
export function conformancePart(
  groups: Record<string, ConformanceCase[]>,
  part: number,
  parts: number,
): Record<string, ConformanceCase[]> {
  let index = 0;
  const taken: Record<string, ConformanceCase[]> = {};
  for (const [group, cases] of Object.entries(groups)) {
    const mine = cases.filter(() => index++ % parts === part);
    if (mine.length > 0) taken[group] = mine;
  }
  return taken;
}

export function describeDurableConformance(groups: Record<string, ConformanceCase[]>): void {
  let testbed: Testbed;
  let api: HttpApi;
  beforeAll(async () => {
    api = await startHttpApi();
    testbed = await startTestbed({ virtualClock: START, integrations: { http: api.http } });
  });
  afterAll(async () => {
    await testbed?.stop();
    await api?.close();
  });

  describe.each(Object.entries(groups))('durable conformance: %s', (_group, cases) => {
    for (const testCase of cases)
      it(
        testCase.name,
        async () => {
          if (testCase.resources) {
            await createDeclaredResources(testCase.resources, testbed.engine.serviceEndpoints, 'us-east-1');
          }
          const result = await testbed.run({
            definition: definitionOf(testCase, api.base),
            input: testCase.input ?? {},
            functions: testCase.functions ?? {},
            machineName: 'Conformance',
            executionName: 'case',
            startTime: START,
            freshTable: true,
          });
          expectConformance(result, testCase, START);
        },
        testCase.durableTimeoutMs,
      );
  });
}
