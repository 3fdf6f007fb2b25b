import { expect } from 'vitest';
import type { ConformanceCase } from './conformance-case.ts';

/** What an engine gives for a case, as its API shows it. */
export interface CaseResult {
  status: string;
  output?: string;
  error?: string;
  cause?: string;
  stopDate?: Date;
  events: Array<{ type: string; id: number; previousEventId: number }>;
}

/** Checks one engine's result for a case: the same assertions for the in-memory runner and the durable engine. */
export function expectConformance(result: CaseResult, testCase: ConformanceCase, start: number): void {
  const expected = testCase.expected;
  expect({ status: result.status, error: result.error, cause: result.cause }).toMatchObject({
    status: expected.status,
    ...(expected.status !== 'SUCCEEDED' && expected.error !== undefined ? { error: expected.error } : {}),
  });
  if (expected.status === 'SUCCEEDED') {
    expect(JSON.parse(result.output ?? 'null')).toEqual(expected.output);
  } else if (expected.cause instanceof RegExp) {
    expect(result.cause).toMatch(expected.cause);
  } else if (expected.cause !== undefined) {
    expect(result.cause).toBe(expected.cause);
  }
  if (testCase.events) expect(result.events.map((e) => e.type)).toEqual(testCase.events);
  if (testCase.links) expect(result.events.map((e) => [e.id, e.previousEventId])).toEqual(testCase.links);
  for (const [id, details] of Object.entries(testCase.eventDetails ?? {})) {
    expect(result.events[Number(id) - 1]).toMatchObject(details);
  }
  if (testCase.durationMs !== undefined) {
    expect((result.stopDate?.getTime() ?? 0) - start).toBe(testCase.durationMs);
  }
}
