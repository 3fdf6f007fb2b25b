import { EngineError } from '../engine/engine-error.ts';
import type { MockedResponses, TaskOutcome } from '../engine/ports.ts';
import { caseMocks, type TaskMocks } from '../engine/run-execution.ts';
import { isJsonObject, type Json, type JsonObject } from '../lib/json.ts';

/**
 * AWS Step Functions Local's mock configuration file (MockConfigFile.json), read as AWS documents it, so a team
 * brings its file unchanged:
 *
 *   { "StateMachines": { "<machine>": { "TestCases": { "<case>": { "<Task state>": "<mocked response>" } } } },
 *     "MockedResponses": { "<mocked response>": { "0": { "Return": … }, "1-2": { "Throw": { "Error", "Cause" } } } } }
 *
 * Statefold adds one top-level member that AWS's tool does not read, for what a test expects of each case:
 *
 *   "StatefoldExpectations": { "<machine>": { "<case>": { "status", "output", "error", "path": [state names] } } }
 */
export interface MockConfig {
  stateMachines: Record<string, { testCases: Record<string, Record<string, string>> }>;
  mockedResponses: Record<string, MockedResponse>;
  expectations: Record<string, Record<string, CaseExpectation>>;
}

/** A mocked response: the answers to the state's invocations, by invocation number (from 0). */
export interface MockedResponse {
  answers: Array<{ from: number; to: number; outcome: TaskOutcome }>;
}

export interface CaseExpectation {
  status?: string;
  output?: Json;
  error?: string;
  /** The names of the states entered, in order (nested states included). */
  path?: string[];
}

/** Reads a MockConfigFile's JSON (text or value); a mistake names its place in the file. */
export function parseMockConfig(value: string | Json, source = 'MockConfigFile'): MockConfig {
  const fail = (where: string, what: string): never => {
    throw new EngineError('ValidationException', `${source}: ${where}: ${what}`);
  };
  let json: Json = value as Json;
  if (typeof value === 'string') {
    try {
      json = JSON.parse(value) as Json;
    } catch (error) {
      fail('the file', `not JSON (${(error as Error).message})`);
    }
  }
  if (!isJsonObject(json)) return fail('the file', 'must be a JSON object');
  const machines = objectAt(json, 'StateMachines', fail, true);
  const responses = objectAt(json, 'MockedResponses', fail, true);
  const config: MockConfig = { stateMachines: {}, mockedResponses: {}, expectations: {} };
  for (const [name, response] of Object.entries(responses)) {
    config.mockedResponses[name] = parseMockedResponse(response, `MockedResponses.${name}`, fail);
  }
  for (const [machine, entry] of Object.entries(machines)) {
    const where = `StateMachines.${machine}`;
    if (!isJsonObject(entry)) return fail(where, 'must be an object');
    const cases = objectAt(entry, 'TestCases', (w, what) => fail(`${where}.${w}`, what), true);
    const testCases: Record<string, Record<string, string>> = {};
    for (const [testCase, states] of Object.entries(cases)) {
      const caseWhere = `${where}.TestCases.${testCase}`;
      if (!isJsonObject(states))
        return fail(caseWhere, 'must be an object of state names to mocked responses');
      testCases[testCase] = {};
      for (const [state, response] of Object.entries(states)) {
        if (typeof response !== 'string') return fail(`${caseWhere}.${state}`, 'must name a mocked response');
        if (!Object.hasOwn(config.mockedResponses, response)) {
          return fail(`${caseWhere}.${state}`, `names '${response}', which MockedResponses does not define`);
        }
        (testCases[testCase] as Record<string, string>)[state] = response;
      }
    }
    config.stateMachines[machine] = { testCases };
  }
  const expectations = objectAt(json, 'StatefoldExpectations', fail, false);
  for (const [machine, cases] of Object.entries(expectations)) {
    if (!isJsonObject(cases))
      return fail(`StatefoldExpectations.${machine}`, 'must be an object of test cases');
    config.expectations[machine] = {};
    for (const [testCase, expected] of Object.entries(cases)) {
      const where = `StatefoldExpectations.${machine}.${testCase}`;
      if (!isJsonObject(expected)) return fail(where, 'must be an object');
      const expectation: CaseExpectation = {};
      if (expected.status !== undefined) {
        if (typeof expected.status !== 'string') return fail(`${where}.status`, 'must be a string');
        expectation.status = expected.status;
      }
      if (Object.hasOwn(expected, 'output')) expectation.output = expected.output as Json;
      if (expected.error !== undefined) {
        if (typeof expected.error !== 'string') return fail(`${where}.error`, 'must be a string');
        expectation.error = expected.error;
      }
      if (expected.path !== undefined) {
        if (!Array.isArray(expected.path) || !expected.path.every((name) => typeof name === 'string')) {
          return fail(`${where}.path`, 'must be an array of state names');
        }
        expectation.path = expected.path as string[];
      }
      (config.expectations[machine] as Record<string, CaseExpectation>)[testCase] = expectation;
    }
  }
  return config;
}

function objectAt(
  holder: JsonObject,
  field: string,
  fail: (where: string, what: string) => never,
  required: boolean,
): JsonObject {
  const value = holder[field];
  if (value === undefined) return required ? fail(field, 'is missing') : {};
  if (!isJsonObject(value)) return fail(field, 'must be an object');
  return value;
}

/** "0", "3" or "1-2": which invocations an answer is for. */
const INVOCATIONS = /^(\d+)(?:-(\d+))?$/;

function parseMockedResponse(
  value: Json,
  where: string,
  fail: (where: string, what: string) => never,
): MockedResponse {
  if (!isJsonObject(value)) return fail(where, 'must be an object of invocation numbers to answers');
  const answers: MockedResponse['answers'] = [];
  for (const [key, answer] of Object.entries(value)) {
    const at = `${where}.${key}`;
    const range = INVOCATIONS.exec(key);
    if (!range) return fail(at, `'${key}' is no invocation number ("0") or range ("1-2")`);
    const from = Number(range[1]);
    const to = range[2] === undefined ? from : Number(range[2]);
    if (to < from) return fail(at, `the range '${key}' ends before it starts`);
    if (!isJsonObject(answer)) return fail(at, 'must be an object with Return or Throw');
    const returns = Object.hasOwn(answer, 'Return');
    const throws = Object.hasOwn(answer, 'Throw');
    if (returns === throws) return fail(at, 'must have exactly one of Return and Throw');
    let outcome: TaskOutcome;
    if (returns) {
      outcome = { ok: true, output: answer.Return as Json };
    } else {
      const thrown = answer.Throw;
      if (!isJsonObject(thrown) || typeof thrown.Error !== 'string') {
        return fail(`${at}.Throw`, 'must be an object with a string Error (and a Cause)');
      }
      if (thrown.Cause !== undefined && typeof thrown.Cause !== 'string') {
        return fail(`${at}.Throw.Cause`, 'must be a string');
      }
      outcome = { ok: false, error: thrown.Error, cause: thrown.Cause ?? '' };
    }
    answers.push({ from, to, outcome });
  }
  if (answers.length === 0) return fail(where, 'has no answer');
  answers.sort((a, b) => a.from - b.from);
  answers.forEach((answer, i) => {
    const next = answers[i + 1];
    if (next && next.from <= answer.to)
      fail(where, `invocations ${next.from} to ${answer.to} are answered twice`);
  });
  return { answers };
}

/** The names of a state machine's test cases in the config (none when it has no entry). */
export function testCasesOf(config: MockConfig, stateMachine: string): string[] {
  return Object.keys(config.stateMachines[stateMachine]?.testCases ?? {});
}

/** Why a test case cannot run with this config (no such machine, no such case), or undefined when it can. */
export function caseProblem(config: MockConfig, stateMachine: string, testCase: string): string | undefined {
  const machine = config.stateMachines[stateMachine];
  if (!machine) {
    const known = Object.keys(config.stateMachines).join(', ') || 'none';
    return `MockConfigFile: StateMachines has no '${stateMachine}' (it has: ${known})`;
  }
  if (!Object.hasOwn(machine.testCases, testCase)) {
    const known = Object.keys(machine.testCases).join(', ') || 'none';
    return `MockConfigFile: StateMachines.${stateMachine}.TestCases has no '${testCase}' (it has: ${known})`;
  }
  return undefined;
}

/**
 * The mocked answer to invocation `n` (from 0, retries included) of a state in a test case: the answer whose
 * range holds n; past the last range the last answer repeats (an invocation before the first range is not
 * mocked); undefined when the case does not mock the state.
 */
export function mockedAnswer(
  config: MockConfig,
  invocation: { stateMachine: string; testCase: string; stateName: string; invocation: number },
): TaskOutcome | undefined {
  const states = config.stateMachines[invocation.stateMachine]?.testCases[invocation.testCase];
  // Own members only: a state named like an Object method (toString) is not mocked by accident.
  const responseName =
    states && Object.hasOwn(states, invocation.stateName) ? states[invocation.stateName] : undefined;
  if (responseName === undefined) return undefined;
  const response = config.mockedResponses[responseName] as MockedResponse;
  const n = invocation.invocation;
  const answer =
    response.answers.find((candidate) => candidate.from <= n && n <= candidate.to) ??
    response.answers.filter((candidate) => candidate.to < n).at(-1);
  return answer?.outcome;
}

/** One test case's mocks for the in-memory runner. */
export function mocksForCase(config: MockConfig, stateMachine: string, testCase: string): TaskMocks {
  const problem = caseProblem(config, stateMachine, testCase);
  if (problem) throw new EngineError('ValidationException', problem);
  return caseMocks(mockedResponsesOf(config), { stateMachine, testCase });
}

/** A MockConfigFile as the durable engine's port (`statefold start` with `mockConfigFile`). */
export function mockedResponsesOf(config: MockConfig): MockedResponses {
  return {
    problem: (mockCase) => caseProblem(config, mockCase.stateMachine, mockCase.testCase),
    answer: (invocation) => mockedAnswer(config, invocation),
  };
}
