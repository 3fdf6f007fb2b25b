import {
  type ExecutionResult,
  type RunExecutionOptions,
  runExecution,
} from '../composition/run-execution.ts';
import { EngineError } from '../engine/engine-error.ts';
import { isJsonObject, type Json, jsonEquals } from '../lib/json.ts';
import {
  type CaseExpectation,
  type MockConfig,
  mocksForCase,
  parseMockConfig,
  testCasesOf,
} from './mock-config.ts';

/**
 * Testing one's own workflows with mocked services: each test case of a MockConfigFile runs the definition in
 * memory (virtual clock: waits and retries take no time) with its Task states answered by their mocked
 * responses; a Task without a mock in the case calls its local function, as AWS's tool calls the real one.
 */
export interface TestWorkflowOptions extends Omit<RunExecutionOptions, 'mocks'> {
  /** The MockConfigFile: its JSON text or value, or a parsed config. */
  mocks: string | Json | MockConfig;
  /** The test case to run. */
  testCase: string;
  /** The state machine's name in the file; the only one there when left out. */
  stateMachine?: string;
}

export interface WorkflowTestResult extends ExecutionResult {
  testCase: string;
  stateMachine: string;
  /** The names of the states entered, in order (nested states included). */
  path: string[];
}

/** Runs one test case and gives the execution's result (as runExecution does) and the path it took. */
export async function testWorkflow(options: TestWorkflowOptions): Promise<WorkflowTestResult> {
  const { mocks, testCase, stateMachine: named, ...run } = options;
  const config = readConfig(mocks);
  const stateMachine = named ?? onlyStateMachine(config);
  const result = await runExecution({
    clock: 'virtual',
    ...run,
    stateMachineName: run.stateMachineName ?? stateMachine,
    mocks: mocksForCase(config, stateMachine, testCase),
  });
  return Object.assign(result, { testCase, stateMachine, path: pathOf(result) });
}

export interface CaseReport {
  testCase: string;
  result: WorkflowTestResult;
  /** What the case's StatefoldExpectations wanted and did not get; empty when all held (or none were set). */
  failures: string[];
}

/** Runs every test case of the state machine (or the one named), checking the expectations the file sets. */
export async function runWorkflowTests(
  options: Omit<TestWorkflowOptions, 'testCase'> & { testCase?: string },
): Promise<CaseReport[]> {
  const config = readConfig(options.mocks);
  const stateMachine = options.stateMachine ?? onlyStateMachine(config);
  const cases = options.testCase !== undefined ? [options.testCase] : testCasesOf(config, stateMachine);
  const reports: CaseReport[] = [];
  for (const testCase of cases) {
    const result = await testWorkflow({ ...options, mocks: config, stateMachine, testCase });
    const expected = config.expectations[stateMachine]?.[testCase];
    reports.push({ testCase, result, failures: expected ? unmet(expected, result) : [] });
  }
  return reports;
}

function readConfig(mocks: TestWorkflowOptions['mocks']): MockConfig {
  if (isMockConfig(mocks)) return mocks;
  return parseMockConfig(mocks as string | Json);
}

function isMockConfig(value: unknown): value is MockConfig {
  return isJsonObject(value as Json) && Object.hasOwn(value as object, 'mockedResponses');
}

function onlyStateMachine(config: MockConfig): string {
  const names = Object.keys(config.stateMachines);
  if (names.length === 1) return names[0] as string;
  throw new EngineError(
    'ValidationException',
    `MockConfigFile: name the state machine to test (it has ${names.length === 0 ? 'none' : names.join(', ')})`,
  );
}

function pathOf(result: ExecutionResult): string[] {
  const path: string[] = [];
  for (const event of result.events) {
    const entered = (event as { stateEnteredEventDetails?: { name?: string } }).stateEnteredEventDetails;
    if (event.type.endsWith('StateEntered') && entered?.name !== undefined) path.push(entered.name);
  }
  return path;
}

function unmet(expected: CaseExpectation, result: WorkflowTestResult): string[] {
  const failures: string[] = [];
  if (expected.status !== undefined && expected.status !== result.status) {
    failures.push(`status: expected ${expected.status}, got ${result.status}`);
  }
  if (expected.error !== undefined && expected.error !== result.error) {
    failures.push(`error: expected ${expected.error}, got ${result.error ?? 'none'}`);
  }
  if (Object.hasOwn(expected, 'output')) {
    const output = result.output === undefined ? undefined : (JSON.parse(result.output) as Json);
    if (output === undefined || !jsonEquals(output, expected.output as Json)) {
      failures.push(`output: expected ${JSON.stringify(expected.output)}, got ${result.output ?? 'none'}`);
    }
  }
  if (expected.path !== undefined && expected.path.join('\n') !== result.path.join('\n')) {
    failures.push(`path: expected ${expected.path.join(' → ')}, got ${result.path.join(' → ')}`);
  }
  return failures;
}
