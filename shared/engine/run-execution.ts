import { randomUUID } from 'node:crypto';
import { formatInvalidDefinition, parseDefinition } from '../asl/parse-definition.ts';
import { compileMachine } from '../execution/compile-machine.ts';
import { decideStep } from '../execution/decide.ts';
import type { Command, StepEnv, TaskRequest, TransitionMessage } from '../execution/messages.ts';
import { Step } from '../execution/step.ts';
import type { ExecutionEvent, ExecutionInfo } from '../history/events.ts';
import {
  createExecutionState,
  type ExecutionState,
  type ExecutionStatus,
} from '../history/execution-state.ts';
import { type HistoryEvent, toHistoryEvents } from '../history/to-history-event.ts';
import { mapInvokeResponse, type TaskOutcome } from '../integrations/lambda-result.ts';
import {
  FunctionNotFoundError,
  type LambdaHandler,
  LocalFunctions,
} from '../integrations/local-functions.ts';
import { StatesErrors } from '../language/states-error.ts';
import type { StateMachineDefinition } from '../language/types.ts';
import type { Json } from '../lib/json.ts';
import { TimerHeap } from '../lib/timer-heap.ts';
import { childDefinition, childInfo } from './child-runs.ts';
import { EngineError } from './engine-error.ts';
import { type LambdaInvoker, LambdaServiceError } from './ports.ts';

/**
 * The in-memory runner: one execution, start to end, in this process. It feeds `decide` one message at a
 * time, runs the tasks it asks for (local Lambda handlers), and keeps its timers on a real or a virtual
 * clock. With the virtual clock, waits, retry intervals and timeouts pass instantly, yet every event
 * carries the time a real run would have given it.
 */
export interface RunExecutionOptions {
  definition: string | StateMachineDefinition | object;
  input?: string | Json;
  stateMachineName?: string;
  executionName?: string;
  type?: 'STANDARD' | 'EXPRESS';
  region?: string;
  accountId?: string;
  roleArn?: string;
  functions?: Record<string, LambdaHandler>;
  /** The execution's ARN when the caller has already given it out (an EXPRESS StartExecution). */
  executionArn?: string;
  /** Invoke Lambda through this instead of `functions` (StartSyncExecution calls the deployment's functions). */
  lambda?: LambdaInvoker;
  clock?: 'real' | 'virtual';
  /** Start time (Date or epoch ms); defaults to now. */
  startTime?: Date | number;
  /** Called after each step with the state and all events so far (used by the replay property test). */
  onStep?: (state: ExecutionState, events: readonly ExecutionEvent[]) => void;
}

export interface ExecutionResult {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  events: HistoryEvent[];
  /** The run's own log (Statefold's internal events, of which `events` is AWS's view). */
  readonly log: readonly ExecutionEvent[];
}

export async function runExecution(options: RunExecutionOptions): Promise<ExecutionResult> {
  const definition = loadDefinition(options.definition);
  const input = loadInput(options.input);
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '123456789012';
  const functions = options.lambda ?? new LocalFunctions(options.functions ?? {}, region, accountId);
  const virtual = options.clock === 'virtual';
  const start = options.startTime === undefined ? Date.now() : Number(options.startTime);
  const execution = executionInfo(options, region, accountId, start);
  const { state, events } = await drive(
    definition,
    { type: 'start', execution, input },
    {
      functions,
      virtual,
      start,
      onStep: options.onStep,
    },
  );
  return new RunResult(execution, state, input, events);
}

/**
 * The result of a run. Its history is projected to AWS's shape on first read of `events`, so a caller that
 * only wants the output pays nothing for it. (A class, not a closure over the run: a closure kept the whole
 * run's context alive until the next garbage collection and doubled the collector's work.)
 */
class RunResult implements ExecutionResult {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  declare stopDate?: Date;
  input: string;
  declare output?: string;
  declare error?: string;
  declare cause?: string;
  readonly #log: readonly ExecutionEvent[];
  #history: HistoryEvent[] | undefined;

  constructor(execution: ExecutionInfo, state: ExecutionState, input: Json, log: readonly ExecutionEvent[]) {
    this.executionArn = execution.executionArn;
    this.stateMachineArn = execution.stateMachineArn;
    this.name = execution.name;
    this.status = state.status;
    this.startDate = new Date(execution.startTime);
    if (state.stopTime !== undefined) this.stopDate = new Date(state.stopTime);
    this.input = JSON.stringify(input);
    if (state.status === 'SUCCEEDED') this.output = JSON.stringify(state.output ?? null);
    if (state.error !== undefined) this.error = state.error;
    if (state.cause !== undefined) this.cause = state.cause;
    this.#log = log;
  }

  /** The execution's own log (internal events): what the durable engine stores for an EXPRESS run it keeps. */
  get log(): readonly ExecutionEvent[] {
    return this.#log;
  }

  get events(): HistoryEvent[] {
    this.#history ??= toHistoryEvents(this.#log);
    return this.#history;
  }

  toJSON(): object {
    return { ...this, events: this.events };
  }
}

/** Definitions already validated, by the object or text the caller passed: running one again skips validation. */
const validObjects = new WeakMap<object, StateMachineDefinition>();
const validTexts = new Map<string, StateMachineDefinition>();
const MAX_CACHED_TEXTS = 64;

function loadDefinition(definition: RunExecutionOptions['definition']): StateMachineDefinition {
  const cached = typeof definition === 'string' ? validTexts.get(definition) : validObjects.get(definition);
  if (cached) return cached;
  const parsed = parseDefinition(definition);
  if (parsed.definition) {
    if (typeof definition !== 'string') validObjects.set(definition, parsed.definition);
    else {
      if (validTexts.size >= MAX_CACHED_TEXTS) validTexts.delete(validTexts.keys().next().value as string);
      validTexts.set(definition, parsed.definition);
    }
  }
  if (!parsed.definition) {
    throw new EngineError(
      'InvalidDefinition',
      formatInvalidDefinition(parsed.diagnostics),
      parsed.diagnostics,
    );
  }
  return parsed.definition;
}

function loadInput(input: RunExecutionOptions['input']): Json {
  if (input === undefined) return {};
  if (typeof input !== 'string') return input;
  try {
    return JSON.parse(input) as Json;
  } catch (error) {
    throw new EngineError(
      'InvalidExecutionInput',
      `Invalid State Machine Execution Input: '${(error as Error).message}'`,
    );
  }
}

function executionInfo(
  options: RunExecutionOptions,
  region: string,
  accountId: string,
  start: number,
): ExecutionInfo {
  const stateMachineName = options.stateMachineName ?? 'StateMachine';
  const name = options.executionName ?? randomUUID();
  const prefix = `arn:aws:states:${region}:${accountId}`;
  const executionArn =
    options.executionArn ??
    (options.type === 'EXPRESS'
      ? `${prefix}:express:${stateMachineName}:${name}:${randomUUID()}`
      : `${prefix}:execution:${stateMachineName}:${name}`);
  return {
    executionArn,
    name,
    stateMachineArn: `${prefix}:stateMachine:${stateMachineName}`,
    stateMachineName,
    roleArn: options.roleArn ?? `arn:aws:iam::${accountId}:role/StatefoldExecutionRole`,
    region,
    accountId,
    startTime: start,
  };
}

/** Real milliseconds a virtual-clock run waits for a task before moving virtual time to the next timer. */
export const VIRTUAL_TASK_GRACE_MS = 200;

interface DriveOptions {
  functions: LambdaInvoker;
  virtual: boolean;
  start: number;
  onStep?: RunExecutionOptions['onStep'] | undefined;
}

interface Timer {
  dueAt: number;
  message: TransitionMessage;
}

/** Runs messages through `decide` until the execution closes. */
async function drive(
  definition: StateMachineDefinition,
  first: TransitionMessage,
  options: DriveOptions,
): Promise<{ state: ExecutionState; events: ExecutionEvent[] }> {
  const state = createExecutionState();
  const events: ExecutionEvent[] = [];
  const queue: TransitionMessage[] = [first];
  let head = 0;
  const timers = new TimerHeap<Timer>();
  let inFlight = 0;
  let now = options.start;
  let wake: (() => void) | undefined;
  const deliver = (message: TransitionMessage, at?: number) => {
    if (options.virtual && at !== undefined && at > now) now = at;
    queue.push(message);
    wake?.();
  };
  const clock = () => (options.virtual ? now : Math.max(Date.now(), now));
  const env: StepEnv = { now: 0, random: Math.random, uuid: randomUUID };
  const step = new Step(compileMachine(definition), state, env, events);

  const perform = (command: Command) => {
    switch (command.type) {
      case 'startTimer':
        timers.push({
          dueAt: command.dueAt,
          message: { type: 'timerFired', scope: command.scope, ref: command.ref, purpose: command.purpose },
        });
        return;
      case 'runTask':
        inFlight++;
        void (
          command.taskToken === undefined
            ? runTask(command.request, options.functions)
            : Promise.resolve(CALLBACKS_NEED_THE_ENGINE)
        ).then((outcome) => {
          inFlight--;
          deliver(
            outcome.ok
              ? { type: 'taskSucceeded', scope: command.scope, ref: command.ref, output: outcome.output }
              : { type: 'taskFailed', scope: command.scope, ref: command.ref, ...outcome },
          );
        });
        return;
      case 'startChildRun': {
        inFlight++;
        const processor = childDefinition(definition, command.mapState);
        const child = childInfo(
          state.execution as ExecutionInfo,
          command.mapRunArn,
          command.executionName,
          clock(),
          command.mapState,
        );
        void drive(
          processor,
          { type: 'start', execution: child, input: command.input },
          { ...options, start: clock() },
        ).then(({ state: childState }) => {
          inFlight--;
          const at = childState.stopTime;
          const ref = { scope: command.scope, ref: command.ref, index: command.index };
          deliver(
            childState.status === 'SUCCEEDED'
              ? { type: 'childSucceeded', ...ref, output: childState.output ?? null }
              : {
                  type: 'childFailed',
                  ...ref,
                  error: childState.error ?? StatesErrors.TaskFailed,
                  cause: childState.cause ?? '',
                },
            at,
          );
        });
        return;
      }
    }
  };

  while (state.status === 'RUNNING') {
    if (head < queue.length) {
      const message = queue[head++] as TransitionMessage;
      if (head > 1024 && head * 2 > queue.length) {
        queue.splice(0, head);
        head = 0;
      }
      env.now = clock();
      const pending = decideStep(step, message);
      if (pending) await pending;
      options.onStep?.(state, events);
      for (const sent of step.messages) queue.push(sent);
      for (const command of step.commands) perform(command);
      step.clear();
      continue;
    }
    const next = timers.peek();
    if (options.virtual) {
      if (inFlight > 0) {
        // Tasks take no virtual time: wait for them. But a task that has not answered after a moment of real
        // time while a timer is pending (its own timeout, a Wait beside it) lets virtual time move on.
        let grace: NodeJS.Timeout | undefined;
        const answered = await new Promise<boolean>((resolve) => {
          wake = () => resolve(true);
          if (next) grace = setTimeout(() => resolve(false), VIRTUAL_TASK_GRACE_MS);
        });
        clearTimeout(grace);
        wake = undefined;
        if (answered || !next) continue;
      } else if (!next) {
        break;
      }
      timers.pop();
      if (next.dueAt > now) now = next.dueAt;
      queue.push(next.message);
      continue;
    }
    if (next && next.dueAt <= Date.now()) {
      timers.pop();
      queue.push(next.message);
      continue;
    }
    if (!next && inFlight === 0) break;
    await new Promise<void>((resolve) => {
      wake = resolve;
      if (next) setTimeout(resolve, Math.max(0, next.dueAt - Date.now()));
    });
    wake = undefined;
  }
  if (state.status === 'RUNNING') {
    throw new Error('The execution stopped making progress: no message, task or timer is pending');
  }
  return { state, events };
}

/** A callback task waits for SendTaskSuccess, which only the durable engine's API can receive. */
const CALLBACKS_NEED_THE_ENGINE: TaskOutcome = {
  ok: false,
  error: StatesErrors.Runtime,
  cause:
    "Statefold's in-memory runner cannot wait for a task token (.waitForTaskToken): callbacks arrive through the Step Functions API, which the durable engine serves (statefold start).",
};

async function runTask(request: TaskRequest, functions: LambdaInvoker): Promise<TaskOutcome> {
  if (request.kind !== 'lambda') {
    return {
      ok: false,
      error: StatesErrors.Runtime,
      cause: `Statefold's in-memory runner does not support the Task resource '${request.kind === 'unsupported' ? request.resource : request.kind}'. It runs Lambda functions (arn:aws:lambda:…:function:NAME and arn:aws:states:::lambda:invoke).`,
    };
  }
  try {
    const response = await functions.invoke({
      functionName: request.functionName,
      payload: request.payload,
      ...(request.invocationType ? { invocationType: request.invocationType } : {}),
      ...(request.qualifier ? { qualifier: request.qualifier } : {}),
    });
    return mapInvokeResponse(response, request.style, request.functionName);
  } catch (error) {
    if (error instanceof FunctionNotFoundError) {
      return { ok: false, error: 'Lambda.ResourceNotFoundException', cause: error.message };
    }
    if (error instanceof LambdaServiceError) {
      return { ok: false, error: `Lambda.${error.code}`, cause: error.message };
    }
    return { ok: false, error: 'Lambda.ServiceException', cause: (error as Error).message };
  }
}
