import { nestedBlocksOf } from '../asl/variable-references.ts';
import { compileMachine } from '../execution/compile-machine.ts';
import { decideStep } from '../execution/decide.ts';
import type { Command, InspectionStage, StepEnv, TransitionMessage } from '../execution/messages.ts';
import { Step } from '../execution/step.ts';
import { parseTaskResource } from '../execution/task-resource.ts';
import type { ExecutionEvent, ExecutionInfo, FailureHandling } from '../history/events.ts';
import {
  createExecutionState,
  ROOT_SCOPE,
  type ScopeState,
  visibleVariables,
} from '../history/execution-state.ts';
import { StatesErrors } from '../language/states-error.ts';
import type { StateMachineDefinition } from '../language/types.ts';
import { isJsonObject, type Json, type JsonObject } from '../lib/json.ts';
import { activityAnswers, taskOutcomeMessage, timerMessage } from './command-messages.ts';
import { type EngineDeps, newUuid } from './engine-deps.ts';
import { EngineError } from './engine-error.ts';
import { parseInput } from './execution-input.ts';
import { performTask } from './perform-task.ts';
import type { HttpInspection, HttpInspector, TaskOutcome } from './ports.ts';
import { loadDefinition } from './run-execution.ts';
import { checkRoleArn } from './state-machines.ts';

/**
 * TestState: one state run once with a given input, outside any state machine, as AWS's TestState API runs it.
 * The state goes through the same core as an execution's (`decideStep` on a machine made of it), told to report
 * each data-flow stage (`StepEnv.inspect`); the run ends at the state's first outcome: it exits (SUCCEEDED, or
 * CAUGHT_ERROR when a catcher took its error), a retrier would run it again (RETRIABLE: nothing is retried here)
 * or it fails (FAILED). A Wait state does not wait. Its Task calls the deployment's Lambda functions and
 * services for real, unless a `mock` answers for them.
 */
export interface TestStateInput {
  definition: string;
  roleArn?: string;
  input?: string;
  inspectionLevel?: 'INFO' | 'DEBUG' | 'TRACE';
  revealSecrets?: boolean;
  variables?: string;
  stateName?: string;
  mock?: {
    result?: string;
    errorOutput?: { error?: string; cause?: string };
    fieldValidationMode?: 'STRICT' | 'PRESENT' | 'NONE';
  };
  context?: string;
  stateConfiguration?: {
    retrierRetryCount?: number;
    errorCausedByState?: string;
    mapIterationFailureCount?: number;
    mapItemReaderData?: string;
  };
}

export type TestExecutionStatus = 'SUCCEEDED' | 'FAILED' | 'RETRIABLE' | 'CAUGHT_ERROR';

export interface InspectionData {
  input?: string;
  afterInputPath?: string;
  afterParameters?: string;
  afterArguments?: string;
  result?: string;
  afterResultSelector?: string;
  afterResultPath?: string;
  variables?: string;
  /** TRACE, an HTTP Task: the request it sent and the response it read (see HttpInspection). */
  request?: HttpInspection['request'];
  response?: HttpInspection['response'];
  errorDetails?: { catchIndex?: number; retryIndex?: number; retryBackoffIntervalSeconds?: number };
}

export interface TestStateOutput {
  output?: string;
  error?: string;
  cause?: string;
  inspectionData?: InspectionData;
  nextState?: string;
  status: TestExecutionStatus;
}

/** AWS: "The TestState API can run for up to five minutes"; past it, the state fails with States.Timeout. */
export const TEST_STATE_MAX_MS = 5 * 60_000;
/** The name the state runs under when the definition is the state alone (its `$$.State.Name`). */
const TESTED_STATE = 'TestState';
/** A mocked Map or Parallel runs as a Task of this resource, which the mock answers: it is never called. */
const MOCKED_CHILDREN = 'arn:aws:lambda:us-east-1:123456789012:function:statefold-test-state-mock';

export async function testState(deps: EngineDeps, request: TestStateInput): Promise<TestStateOutput> {
  if (request.roleArn !== undefined) checkRoleArn(request.roleArn);
  const mock = readMock(request.mock);
  const { machine, stateName } = machineOf(request.definition, request.stateName, mock !== undefined);
  const input = parseInput(request.input ?? '{}');
  const variables = request.variables === undefined ? undefined : readVariables(request.variables);
  const context =
    request.context === undefined ? undefined : parseJson(request.context, 'ValidationException', 'context');
  if (context !== undefined && !isJsonObject(context)) {
    throw new EngineError('ValidationException', "Invalid 'context': it must be a JSON object");
  }
  const level = request.inspectionLevel ?? 'INFO';
  const run = new TestRun(deps, machine, stateName, mock, {
    ...(variables !== undefined ? { variables } : {}),
    ...(context !== undefined ? { context: context as JsonObject } : {}),
    retryCount: request.stateConfiguration?.retrierRetryCount ?? 0,
    ...(level === 'TRACE' ? { trace: { revealSecrets: request.revealSecrets === true } } : {}),
  });
  const outcome = await run.drive(input, request.roleArn);
  if (level === 'INFO') delete outcome.inspectionData;
  else if (outcome.inspectionData)
    outcome.inspectionData = { input: JSON.stringify(input), ...outcome.inspectionData };
  return outcome;
}

interface Seeds {
  variables?: Record<string, Json>;
  context?: JsonObject;
  retryCount: number;
  /** TRACE: an HTTP Task's request and response are shown, its connection's data only with revealSecrets. */
  trace?: { revealSecrets: boolean };
}

/** One state's run: messages through the core until the state's first outcome. */
class TestRun {
  readonly #deps: EngineDeps;
  readonly #machine: StateMachineDefinition;
  readonly #stateName: string;
  readonly #mock: TaskOutcome | undefined;
  readonly #seeds: Seeds;
  readonly #inspected: Partial<Record<InspectionStage, Json>> = {};
  #http: HttpInspection = {};

  constructor(
    deps: EngineDeps,
    machine: StateMachineDefinition,
    stateName: string,
    mock: TaskOutcome | undefined,
    seeds: Seeds,
  ) {
    this.#deps = deps;
    this.#machine = machine;
    this.#stateName = stateName;
    this.#mock = mock;
    this.#seeds = seeds;
  }

  async drive(input: Json, roleArn: string | undefined): Promise<TestStateOutput> {
    const deps = this.#deps;
    const started = deps.clock.now();
    const state = createExecutionState();
    const env: StepEnv = {
      now: started,
      random: deps.random ?? Math.random,
      uuid: () => newUuid(deps),
      inspect: (stage, value) => {
        this.#inspected[stage] = value;
      },
      ...(this.#seeds.context !== undefined ? { context: this.#seeds.context } : {}),
    };
    const step = new Step(compileMachine(this.#machine), state, env);
    const queue: TransitionMessage[] = [
      { type: 'start', execution: this.#execution(started, roleArn), input },
    ];
    let failure: { error: string; cause: string; handling: FailureHandling } | undefined;
    for (let message = queue.shift(); message; message = queue.shift()) {
      env.now = deps.clock.now();
      // The variables go in once the root scope exists; the retries made once the state has entered (entering
      // a state starts its count at zero), before its task's outcome is decided.
      if (message.type === 'advance') this.#seedVariables(state.scopes[ROOT_SCOPE]);
      else if (message.type !== 'start') this.#seedRetries(state.scopes[ROOT_SCOPE]);
      const pending = decideStep(step, message);
      if (pending) await pending;
      for (const event of step.events) {
        if (event.scope !== ROOT_SCOPE) continue;
        if ('handling' in event && event.handling) {
          failure = { error: event.error ?? '', cause: event.cause ?? '', handling: event.handling };
          if (event.handling.kind === 'retry') return this.#retriable(failure, event.handling, env.now);
        }
        if (event.type === 'ExecutionFailed' || event.type === 'ExecutionTimedOut') {
          return this.#finish({
            status: 'FAILED',
            error: event.error ?? failure?.error ?? '',
            cause: event.cause ?? failure?.cause ?? '',
          });
        }
        if (isStateExit(event)) return this.#exited(event, state, failure);
      }
      const commands = [...step.commands];
      queue.push(...step.messages);
      step.clear();
      const answer = await this.#perform(commands, started);
      if (answer === 'timedOut') {
        return this.#finish({
          status: 'FAILED',
          error: StatesErrors.Timeout,
          cause: 'The state ran longer than TestState allows (5 minutes).',
        });
      }
      queue.push(...answer);
    }
    throw new EngineError('ValidationException', `The state '${this.#stateName}' ended without an outcome`);
  }

  #execution(started: number, roleArn: string | undefined): ExecutionInfo {
    const { region, accountId } = this.#deps;
    const prefix = `arn:aws:states:${region}:${accountId}`;
    const name = newUuid(this.#deps);
    return {
      executionArn: `${prefix}:execution:TestStateMachine:${name}`,
      name,
      stateMachineArn: `${prefix}:stateMachine:TestStateMachine`,
      stateMachineName: 'TestStateMachine',
      roleArn: roleArn ?? `arn:aws:iam::${accountId}:role/StatefoldExecutionRole`,
      region,
      accountId,
      startTime: started,
    };
  }

  #seedVariables(root: ScopeState | undefined): void {
    if (root && this.#seeds.variables) root.variables = { ...this.#seeds.variables };
  }

  /** The retries the state's retriers have already made (stateConfiguration.retrierRetryCount). */
  #seedRetries(root: ScopeState | undefined): void {
    if (!root || this.#seeds.retryCount === 0 || root.retries.length > 0) return;
    const state = this.#machine.States[this.#stateName];
    const retriers = state && 'Retry' in state ? (state.Retry ?? []) : [];
    root.retries = retriers.map(() => this.#seeds.retryCount);
    root.retryCount = this.#seeds.retryCount;
  }

  /** Runs what the step asked for: its task (or the mock's answer), a Wait's timer at once; the rest waits. */
  async #perform(commands: Command[], started: number): Promise<TransitionMessage[] | 'timedOut'> {
    const messages: TransitionMessage[] = [];
    let task: Extract<Command, { type: 'runTask' }> | undefined;
    let timeout: Extract<Command, { type: 'startTimer' }> | undefined;
    for (const command of commands) {
      if (command.type === 'runTask') task = command;
      else if (command.type === 'startTimer' && command.purpose === 'wait')
        messages.push(timerMessage(command));
      else if (command.type === 'startTimer' && command.purpose === 'taskTimeout') timeout = command;
    }
    if (!task) return messages;
    if (task.request.kind === 'activity') {
      // Only with a mock (machineOf refuses activities otherwise): it answers as a worker would.
      messages.push(...activityAnswers(task, this.#mock));
      return messages;
    }
    const outcome = this.#mock ? Promise.resolve(this.#mock) : this.#call(task);
    const limit = Math.min(timeout?.dueAt ?? Number.POSITIVE_INFINITY, started + TEST_STATE_MAX_MS);
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => {
      timer = setTimeout(() => resolve('expired'), Math.max(0, limit - this.#deps.clock.now()));
    });
    const answered = await Promise.race([outcome, expired]);
    clearTimeout(timer);
    if (answered !== 'expired') return [...messages, taskOutcomeMessage(task, answered)];
    return timeout && timeout.dueAt <= limit ? [...messages, timerMessage(timeout)] : 'timedOut';
  }

  async #call(task: Extract<Command, { type: 'runTask' }>): Promise<TaskOutcome> {
    const request = task.request;
    if (request.kind === 'express' || request.kind === 'activity') {
      return { ok: false, error: StatesErrors.Runtime, cause: `A ${request.kind} task cannot be tested` };
    }
    try {
      const trace = this.#seeds.trace;
      const inspector: HttpInspector | undefined = trace && {
        revealSecrets: trace.revealSecrets,
        record: (inspection) => {
          this.#http = inspection;
        },
      };
      return await performTask(this.#deps, request, undefined, undefined, inspector);
    } catch (error) {
      return { ok: false, error: StatesErrors.TaskFailed, cause: (error as Error).message };
    }
  }

  #retriable(
    failure: { error: string; cause: string },
    handling: Extract<FailureHandling, { kind: 'retry' }>,
    now: number,
  ): TestStateOutput {
    return this.#finish(
      { status: 'RETRIABLE', error: failure.error, cause: failure.cause },
      {
        retryIndex: handling.retrier,
        retryBackoffIntervalSeconds: Math.max(0, Math.round((handling.until - now) / 1000)),
      },
    );
  }

  #exited(
    event: ExecutionEvent & { output: Json; next: string | null },
    state: ReturnType<typeof createExecutionState>,
    failure: { error: string; cause: string; handling: FailureHandling } | undefined,
  ): TestStateOutput {
    const caught = failure?.handling.kind === 'catch' ? failure : undefined;
    const output: TestStateOutput = caught
      ? { status: 'CAUGHT_ERROR', error: caught.error, cause: caught.cause }
      : { status: 'SUCCEEDED' };
    output.output = JSON.stringify(event.output);
    if (event.next !== null) output.nextState = event.next;
    const root = state.scopes[ROOT_SCOPE];
    const variables = root ? visibleVariables(state, root) : {};
    return this.#finish(
      output,
      caught && caught.handling.kind === 'catch' ? { catchIndex: caught.handling.catcher } : undefined,
      variables,
    );
  }

  #finish(
    output: TestStateOutput,
    errorDetails?: InspectionData['errorDetails'],
    variables?: Record<string, Json>,
  ): TestStateOutput {
    const inspection: InspectionData = {};
    for (const [stage, value] of Object.entries(this.#inspected)) {
      inspection[stage as InspectionStage] = JSON.stringify(value);
    }
    if (variables && Object.keys(variables).length > 0) inspection.variables = JSON.stringify(variables);
    if (this.#http.request) inspection.request = this.#http.request;
    if (this.#http.response) inspection.response = this.#http.response;
    if (errorDetails) inspection.errorDetails = errorDetails;
    output.inspectionData = inspection;
    return output;
  }
}

function isStateExit(event: ExecutionEvent): event is ExecutionEvent & { output: Json; next: string | null } {
  return event.type.endsWith('StateExited');
}

/**
 * The machine the state runs in: the state alone (the states it names as next become Succeed states, never run),
 * or, with `stateName`, the block of the whole definition that holds that state, starting at it.
 */
function machineOf(
  text: string,
  stateName: string | undefined,
  mocked: boolean,
): { machine: StateMachineDefinition; stateName: string } {
  const parsed = parseJson(text, 'InvalidDefinition', 'definition');
  if (!isJsonObject(parsed)) {
    throw new EngineError(
      'InvalidDefinition',
      'Invalid State Machine Definition: the definition must be a JSON object',
    );
  }
  let block: JsonObject;
  let name: string;
  if (stateName !== undefined) {
    loadDefinition(parsed);
    const found = findBlock(parsed, stateName);
    if (!found) {
      throw new EngineError('ValidationException', `The state '${stateName}' is not in the definition`);
    }
    block = { ...found, StartAt: stateName };
    if (found !== parsed && parsed.QueryLanguage !== undefined && found.QueryLanguage === undefined) {
      block.QueryLanguage = parsed.QueryLanguage;
    }
    name = stateName;
  } else {
    if ('States' in parsed || 'StartAt' in parsed) {
      throw new EngineError(
        'InvalidDefinition',
        "Invalid State Machine Definition: a whole state machine needs 'stateName', the name of the state to test",
      );
    }
    block = { StartAt: TESTED_STATE, States: { [TESTED_STATE]: parsed, ...targetsOf(parsed) } };
    name = TESTED_STATE;
  }
  const states = block.States as JsonObject;
  const state = states[name] as JsonObject;
  checkTestable(state, name, mocked);
  if (mocked && (state.Type === 'Map' || state.Type === 'Parallel')) {
    states[name] = asMockedTask(state);
  }
  return { machine: loadDefinition(block), stateName: name };
}

function findBlock(block: JsonObject, stateName: string): JsonObject | undefined {
  const states = isJsonObject(block.States) ? block.States : {};
  if (isJsonObject(states[stateName])) return block;
  for (const [name, state] of Object.entries(states)) {
    if (!isJsonObject(state)) continue;
    for (const nested of nestedBlocksOf(state, `/States/${name}`)) {
      const found = findBlock(nested.block, stateName);
      if (found) return found;
    }
  }
  return undefined;
}

/** A Succeed state for each state the tested one may go to, so the one-state machine validates. */
function targetsOf(state: JsonObject): JsonObject {
  const names = new Set<string>();
  const add = (value: Json | undefined) => {
    if (typeof value === 'string' && value !== TESTED_STATE) names.add(value);
  };
  add(state.Next);
  add(state.Default);
  for (const list of [state.Choices, state.Catch]) {
    if (Array.isArray(list)) for (const item of list) if (isJsonObject(item)) add(item.Next);
  }
  return Object.fromEntries([...names].map((name) => [name, { Type: 'Succeed' }]));
}

/** What AWS's TestState runs only with a mock: activities, .sync and .waitForTaskToken, Map and Parallel. */
function checkTestable(state: JsonObject, name: string, mocked: boolean): void {
  if (mocked) {
    if (state.Type !== 'Task' && state.Type !== 'Map' && state.Type !== 'Parallel') {
      throw new EngineError(
        'ValidationException',
        `A mock answers for a Task, Map or Parallel state; '${name}' is a ${String(state.Type)} state`,
      );
    }
    return;
  }
  if (state.Type === 'Map' || state.Type === 'Parallel') {
    throw new EngineError('ValidationException', `TestState runs a ${state.Type} state only with a mock`);
  }
  if (state.Type !== 'Task' || typeof state.Resource !== 'string') return;
  const target = parseTaskResource(state.Resource).target;
  const callback =
    (target.kind === 'lambda-invoke' && target.waitForTaskToken) ||
    (target.kind === 'service' && target.pattern !== 'request-response');
  if (target.kind === 'activity' || callback) {
    throw new EngineError(
      'ValidationException',
      `TestState runs an activity, .sync or .waitForTaskToken Task only with a mock ('${state.Resource}')`,
    );
  }
}

/** A mocked Map or Parallel: its children do not run, the mock is their result, the state's own fields apply. */
function asMockedTask(state: JsonObject): JsonObject {
  const kept = [
    'Comment',
    'QueryLanguage',
    'InputPath',
    'ResultSelector',
    'ResultPath',
    'OutputPath',
    'Output',
    'Assign',
    'Retry',
    'Catch',
    'Next',
    'End',
  ];
  const task: JsonObject = { Type: 'Task', Resource: MOCKED_CHILDREN };
  for (const field of kept) if (state[field] !== undefined) task[field] = state[field] as Json;
  if (state.Type === 'Parallel' && state.Parameters !== undefined) task.Parameters = state.Parameters as Json;
  if (state.Type === 'Parallel' && state.Arguments !== undefined) task.Arguments = state.Arguments as Json;
  return task;
}

function readMock(mock: TestStateInput['mock']): TaskOutcome | undefined {
  if (mock === undefined) return undefined;
  if (mock.result !== undefined && mock.errorOutput !== undefined) {
    throw new EngineError('ValidationException', "A mock has either 'result' or 'errorOutput', not both");
  }
  if (mock.result !== undefined) {
    return { ok: true, output: parseJson(mock.result, 'ValidationException', 'mock.result') };
  }
  if (mock.errorOutput !== undefined) {
    return { ok: false, error: mock.errorOutput.error ?? '', cause: mock.errorOutput.cause ?? '' };
  }
  throw new EngineError('ValidationException', "A mock needs 'result' or 'errorOutput'");
}

function readVariables(text: string): Record<string, Json> {
  const value = parseJson(text, 'ValidationException', 'variables');
  if (!isJsonObject(value)) {
    throw new EngineError(
      'ValidationException',
      "Invalid 'variables': it must be a JSON object of variable names",
    );
  }
  return value as Record<string, Json>;
}

function parseJson(text: string, code: 'InvalidDefinition' | 'ValidationException', field: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch (error) {
    const detail = (error as Error).message;
    const message =
      code === 'InvalidDefinition'
        ? `Invalid State Machine Definition: '${detail}'`
        : `Invalid '${field}': it is not JSON (${detail})`;
    throw new EngineError(code, message, { cause: error });
  }
}
