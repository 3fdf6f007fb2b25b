import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeclaredResources } from '../../shared/composition/declared-resources.ts';
import { runExecution } from '../../shared/composition/run-execution.ts';
import { replay } from '../../shared/history/apply-event.ts';
import type { ExecutionState } from '../../shared/history/execution-state.ts';
import { type EmbeddedDynamoDB, startEmbeddedDynamoDB } from '../../shared/local/embedded-dynamodb.ts';
import { type EmbeddedSqs, startEmbeddedSqs } from '../../shared/local/embedded-sqs.ts';
import { type HttpApi, startHttpApi } from '../support/http-api.ts';
import { allCases } from './cases/index.ts';
import { type ConformanceCase, definitionOf } from './conformance-case.ts';
import { expectConformance } from './expect-conformance.ts';

const START = Date.UTC(2026, 0, 1);

// The service integrations' cases call emulators, as the durable engine's do: dynalite, and fauxqs for SQS,
// SNS and S3; the HTTP Task's cases call a real HTTP API on 127.0.0.1.
let dynamodb: EmbeddedDynamoDB;
let sqs: EmbeddedSqs;
let api: HttpApi;
let endpoints: Record<string, string>;
const created = new Set<object>();
beforeAll(async () => {
  [dynamodb, sqs, api] = await Promise.all([startEmbeddedDynamoDB(), startEmbeddedSqs(), startHttpApi()]);
  endpoints = { dynamodb: dynamodb.endpoint, sqs: sqs.endpoint, sns: sqs.endpoint, s3: sqs.endpoint };
});
afterAll(async () => {
  await Promise.all([dynamodb?.stop(), sqs?.stop(), api?.close()]);
});

async function run(testCase: ConformanceCase, checkReplay = false) {
  const mismatches: string[] = [];
  if (testCase.resources && !created.has(testCase.resources)) {
    await createDeclaredResources(testCase.resources, endpoints, 'us-east-1');
    created.add(testCase.resources);
  }
  const result = await runExecution({
    integrations: { endpoints, http: api.http },
    definition: definitionOf(testCase, api.base),
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
