import { randomUUID } from 'node:crypto';
import { formatInvalidDefinition, parseDefinition } from '../asl/parse-definition.ts';
import { compileMachine } from '../execution/compile-machine.ts';
import { decideStep } from '../execution/decide.ts';
import type { Command, StepEnv, TransitionMessage } from '../execution/messages.ts';
import { Step } from '../execution/step.ts';
import type { ExecutionEvent, ExecutionInfo, MockCase } from '../history/events.ts';
import {
  createExecutionState,
  type ExecutionState,
  type ExecutionStatus,
  type ScopeState,
} from '../history/execution-state.ts';
import { type HistoryEvent, toHistoryEvents } from '../history/to-history-event.ts';
import { StatesErrors } from '../language/states-error.ts';
import type { StateMachineDefinition } from '../language/types.ts';
import { InvariantError } from '../lib/invariant-error.ts';
import type { Json } from '../lib/json.ts';
import { TimerHeap } from '../lib/timer-heap.ts';
import { type CallbackRun, InMemoryCallbacks } from './callbacks-in-memory.ts';
import { childDefinition, childInfo } from './child-runs.ts';
import {
  activityAnswers,
  type ChildClosing,
  childClosedMessage,
  taskOutcomeMessage,
  timerMessage,
} from './command-messages.ts';
import { EngineError } from './engine-error.ts';
import { expressExecutionArnOf } from './names.ts';
import { isNestedExecution } from './nested-executions.ts';
import { type InMemoryMachines, machinesByArn, NestedRuns, type StateMachines } from './nested-in-memory.ts';
import { type NestedExecutions, performTask, type TaskPorts } from './perform-task.ts';
import type { LambdaInvoker, MockedResponses, ServiceCalls, TaskOutcome } from './ports.ts';
import { type SdkCallback, sdkCallbackOf } from './task-callbacks.ts';

/**
 * The in-memory runner: one execution, start to end, in this process. It feeds `decide` one message at a
 * time, runs the tasks it asks for (local Lambda handlers), and keeps its timers on a real or a virtual
 * clock. With the virtual clock, waits, retry intervals and timeouts pass instantly, yet every event
 * carries the time a real run would have given it.
 */
export interface RunInMemoryOptions {
  definition: string | StateMachineDefinition | object;
  input?: string | Json;
  stateMachineName?: string;
  executionName?: string;
  type?: 'STANDARD' | 'EXPRESS';
  region?: string;
  accountId?: string;
  roleArn?: string;
  /** The execution's ARN when the caller has already given it out (an EXPRESS StartExecution). */
  executionArn?: string;
  /** Where Task states' Lambda calls go: local handlers, or the deployment's functions (StartSyncExecution). */
  lambda: LambdaInvoker;
  /** Where other service integrations go; without it they fail with States.TaskFailed. */
  services?: ServiceCalls | undefined;
  /** Starts request-response nested executions (an EXPRESS run on the engine); without it they fail. */
  nestedExecutions?: NestedExecutions | undefined;
  clock?: 'real' | 'virtual';
  /** Start time (Date or epoch ms); defaults to now. */
  startTime?: Date | number;
  /** Called after each step with the state and all events so far (used by the replay property test). */
  onStep?: (state: ExecutionState, events: readonly ExecutionEvent[]) => void;
  /** Answers for Task states instead of their calls (a test case's mocked responses). */
  mocks?: TaskMocks;
  /**
   * The state machines a `states:startExecution` Task may start here, by name or ARN: a definition, or
   * `{ definition, type }`. The child runs in this runner, on the same clock; any other machine does not exist.
   */
  stateMachines?: StateMachines | undefined;
  /**
   * Answers an `aws-sdk:sfn:sendTaskSuccess` (`sendTaskFailure`, `sendTaskHeartbeat`) Task whose token is of
   * no run here: an EXPRESS run on the engine answering a durable execution's token. Without it such a Task
   * calls the service as the Task names it.
   */
  taskCallbacks?: ((callback: SdkCallback) => Promise<TaskOutcome>) | undefined;
}

/**
 * Mocked task answers, by the name of the Task state: its next answer, or undefined when the state is not
 * mocked (it then calls its function or service for real, as AWS's mocked integrations do).
 */
export interface TaskMocks {
  answer(stateName: string): TaskOutcome | undefined;
  /** The mocks of a Distributed Map child run: an execution of its own, it counts its invocations from 0. */
  forChild?(): TaskMocks;
}

/** A test case's answers for a run in memory: each state counts its own invocations, retries included. */
export function caseMocks(mocks: MockedResponses, mockCase: MockCase): TaskMocks {
  const invocations = new Map<string, number>();
  return {
    answer(stateName) {
      const invocation = invocations.get(stateName) ?? 0;
      invocations.set(stateName, invocation + 1);
      return mocks.answer({ ...mockCase, stateName, invocation });
    },
    forChild: () => caseMocks(mocks, mockCase),
  };
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
  /** The executions its `states:startExecution` Tasks started (theirs too), in start order, each run to its end. */
  childExecutions?: ExecutionResult[];
}

export async function runInMemory(options: RunInMemoryOptions): Promise<ExecutionResult> {
  const definition = loadDefinition(options.definition);
  const input = loadInput(options.input);
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '123456789012';
  const virtual = options.clock === 'virtual';
  const start = options.startTime === undefined ? Date.now() : Number(options.startTime);
  const execution = executionInfo(options, region, accountId, start);
  // Nested executions run here unless a port starts them elsewhere (an EXPRESS run on the engine).
  const nested =
    options.nestedExecutions === undefined ? nestedRunsOf(options, execution, definition, input) : undefined;
  const { state, events } = await new InMemoryRun(definition, {
    lambda: options.lambda,
    services: options.services,
    nestedExecutions: options.nestedExecutions,
    virtual,
    start,
    onStep: options.onStep,
    mocks: options.mocks,
    nested,
    callbacks: new InMemoryCallbacks(),
    taskCallbacks: options.taskCallbacks,
  }).drive({
    type: 'start',
    execution,
    input,
    ...(typeof options.input === 'string' ? { inputText: options.input } : {}),
  });
  const result = new RunResult(execution, state, input, events);
  // Children started with request-response may outlive the parent: the run ends when they all have.
  const children = (await nested?.settled()) ?? [];
  if (children.length > 0) result.childExecutions = children;
  return result;
}

/** The run's nested executions: its machines by ARN (its own among them), its own name held. */
function nestedRunsOf(
  options: RunInMemoryOptions,
  execution: ExecutionInfo,
  definition: StateMachineDefinition,
  input: Json,
): NestedRuns {
  const { region, accountId } = execution;
  const machines: InMemoryMachines = machinesByArn(options.stateMachines, region, accountId, loadDefinition);
  if (!machines.has(execution.stateMachineArn)) {
    machines.set(execution.stateMachineArn, { definition, type: options.type ?? 'STANDARD' });
  }
  const nested = new NestedRuns(machines);
  nested.register(execution.executionArn, input);
  return nested;
}

/**
 * The result of a run. Its history is projected to AWS's shape on first read of `events`, so a caller that
 * only wants the output pays nothing for it. (A class, not a closure over the run: a closure kept the whole
 * run's context alive until the next garbage collection and doubled the collector's work.)
 */
export class RunResult implements ExecutionResult {
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
  declare childExecutions?: ExecutionResult[];
  readonly #log: readonly ExecutionEvent[];
  #history: HistoryEvent[] | undefined;

  constructor(execution: ExecutionInfo, state: ExecutionState, input: Json, log: readonly ExecutionEvent[]) {
    this.executionArn = execution.executionArn;
    this.stateMachineArn = execution.stateMachineArn;
    this.name = execution.name;
    this.status = state.status;
    this.startDate = new Date(execution.startTime);
    if (state.stopTime !== undefined) this.stopDate = new Date(state.stopTime);
    this.input = state.inputText ?? JSON.stringify(input);
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

export function loadDefinition(definition: RunInMemoryOptions['definition']): StateMachineDefinition {
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
    throw new EngineError('InvalidDefinition', formatInvalidDefinition(parsed.diagnostics), {
      diagnostics: parsed.diagnostics,
    });
  }
  return parsed.definition;
}

function loadInput(input: RunInMemoryOptions['input']): Json {
  if (input === undefined) return {};
  if (typeof input !== 'string') return input;
  try {
    return JSON.parse(input) as Json;
  } catch (error) {
    throw new EngineError(
      'InvalidExecutionInput',
      `Invalid State Machine Execution Input: '${(error as Error).message}'`,
      { cause: error },
    );
  }
}

function executionInfo(
  options: RunInMemoryOptions,
  region: string,
  accountId: string,
  start: number,
): ExecutionInfo {
  const stateMachineName = options.stateMachineName ?? 'StateMachine';
  const name = options.executionName ?? randomUUID();
  const stateMachineArn = `arn:aws:states:${region}:${accountId}:stateMachine:${stateMachineName}`;
  const executionArn =
    options.executionArn ??
    (options.type === 'EXPRESS'
      ? expressExecutionArnOf(stateMachineArn, name)
      : `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`);
  return {
    executionArn,
    name,
    stateMachineArn,
    stateMachineName,
    roleArn: options.roleArn ?? `arn:aws:iam::${accountId}:role/StatefoldExecutionRole`,
    region,
    accountId,
    startTime: start,
  };
}

/** Real milliseconds a virtual-clock run waits for a task before moving virtual time to the next timer. */
export const VIRTUAL_TASK_GRACE_MS = 200;

interface RunOptions {
  lambda: LambdaInvoker;
  services?: ServiceCalls | undefined;
  nestedExecutions?: NestedExecutions | undefined;
  virtual: boolean;
  start: number;
  onStep?: RunInMemoryOptions['onStep'] | undefined;
  mocks?: TaskMocks | undefined;
  /** The nested executions of the whole run (a Distributed Map's children and nested children share them). */
  nested?: NestedRuns | undefined;
  /**
   * A nested `.sync` child's on the virtual clock: resolves once its parents have no timer due before `dueAt`,
   * so that the child's time passes no earlier than theirs (a parent's timeout stops the child at its time).
   */
  gate?: ((dueAt: number) => Promise<void>) | undefined;
  /** The task tokens of the whole run (its children's too), and what answers them. */
  callbacks?: InMemoryCallbacks | undefined;
  taskCallbacks?: RunInMemoryOptions['taskCallbacks'];
}

interface Timer {
  dueAt: number;
  message: TransitionMessage;
}

/** What the run does for each kind of command a step emits; the compiler checks every kind is here. */
type CommandRunners = {
  [K in Command['type']]: (run: InMemoryRun, command: Extract<Command, { type: K }>) => void;
};

const COMMAND_RUNNERS: CommandRunners = {
  startTimer: (run, command) => run.timers.push({ dueAt: command.dueAt, message: timerMessage(command) }),
  runTask: (run, command) => {
    // A mocked answer stands for the call, a callback's too (the mock answers for the token).
    const mocked = run.options.mocks?.answer(run.state.scopes[command.scope]?.stateName ?? '');
    // A nested execution runs here, unless a port starts it elsewhere (an EXPRESS run on the engine).
    const nested = run.options.nested;
    if (!mocked && nested && !run.options.nestedExecutions && isNestedExecution(command.request)) {
      nested.start(run, command, command.request);
      return;
    }
    if (command.request.kind === 'activity') {
      // Tracked one after the other, the messages reach the run in this order.
      for (const message of activityAnswers(command, mocked)) run.track(Promise.resolve({ message }));
      return;
    }
    // SendTaskSuccess/Failure/Heartbeat with one of Statefold's tokens: a run here answers it.
    const callback = mocked ? undefined : sdkCallbackOf(command.request);
    const outcome = mocked
      ? Promise.resolve(mocked)
      : callback
        ? answerCallback(run, command, callback)
        : runTaskInMemory(run.options, command);
    run.track(
      outcome.then((outcome) => {
        // A callback task's call went through: the token is out, and the task waits for its answer.
        if (!mocked && command.taskToken !== undefined && outcome.ok) {
          if (run.options.callbacks) run.options.callbacks.submitted++;
          const { scope, ref } = command;
          return { message: { type: 'taskSubmitted', scope, ref, output: outcome.output } };
        }
        return { message: taskOutcomeMessage(command, outcome) };
      }),
    );
  },
  startChildRun: (run, command) => run.track(run.runChild(command), true),
  // A child here runs to its end inside runChild: nothing outside it can stop it.
  stopChildRun: () => undefined,
  // Nothing is redriven here (RedriveExecution is the durable engine's): no step asks for it.
  redriveChildRun: () => undefined,
  // A nested `.sync` child whose task ended first (a timeout, the parent stopped) is stopped.
  stopExecution: (run, command) => run.options.nested?.stop(command.executionArn, run.clock()),
};

/** The answer of a run here to one of its tokens, else the engine's (its port), else the service's. */
function answerCallback(
  run: InMemoryRun,
  command: Extract<Command, { type: 'runTask' }>,
  callback: SdkCallback,
): Promise<TaskOutcome> {
  const local = run.options.callbacks?.answer(callback, run.clock());
  if (local) return Promise.resolve(local);
  if (run.options.taskCallbacks) return run.options.taskCallbacks(callback);
  return runTaskInMemory(run.options, command);
}

/** One execution's messages, tasks and timers in this process, fed through `decide` until it closes. */
export class InMemoryRun implements CallbackRun {
  readonly state = createExecutionState();
  readonly events: ExecutionEvent[] = [];
  readonly timers = new TimerHeap<Timer>();
  readonly definition: StateMachineDefinition;
  readonly options: RunOptions;
  #queue: TransitionMessage[] = [];
  #head = 0;
  #inFlight = 0;
  /** Of the work in flight, the child runs: they move only if something else does, so they do not count as busy. */
  #childWork = 0;
  #now: number;
  #wake: (() => void) | undefined;
  #failure: { error: unknown } | undefined;
  /** Children waiting for this run's time to pass theirs (see `allowUntil`). */
  #gates: Array<() => void> = [];

  constructor(definition: StateMachineDefinition, options: RunOptions) {
    this.definition = definition;
    this.options = options;
    this.#now = options.start;
    options.callbacks?.opened();
  }

  clock(): number {
    return this.options.virtual ? this.#now : Math.max(Date.now(), this.#now);
  }

  /**
   * Work that ends with a message (a task's outcome, a child run's closing), or with none (a child the run
   * waits on without hearing from it): the run waits for it. `child`: the work is a child run's.
   */
  track(work: Promise<{ message?: TransitionMessage; at?: number | undefined }>, child = false): void {
    this.#inFlight++;
    if (child) this.#childWork++;
    const done = () => {
      this.#inFlight--;
      if (child) this.#childWork--;
    };
    work.then(
      ({ message, at }) => {
        done();
        // On the virtual clock, work that ended later than now (a child run) arrives at its time, after the
        // timers due before it (a Task's timeout, a Wait beside it).
        if (message === undefined) {
          // Nothing to apply (a child closed): on the virtual clock its time, which passed with this run's
          // (no timer of this run is due before it), is this run's now.
          const due = this.timers.peek()?.dueAt;
          if (this.options.virtual && at !== undefined && at > this.#now && !(due !== undefined && due < at))
            this.#now = at;
        } else if (this.options.virtual && at !== undefined && at > this.#now)
          this.timers.push({ dueAt: at, message });
        else this.#queue.push(message);
        this.#rouse();
      },
      (error: unknown) => {
        // A bug in a task or a child run ends this run with it, rather than leaving it waiting forever.
        done();
        this.#failure ??= { error };
        this.#rouse();
      },
    );
  }

  /**
   * An answer to one of this run's tokens, from a Task of the run or of another run of the tree, sent at `at`:
   * on the virtual clock, a child ahead of this run (it is so only while no timer of this run is due before)
   * is heard of at its time.
   */
  deliver(message: TransitionMessage, at?: number): void {
    if (this.options.virtual && at !== undefined && at > this.#now) this.timers.push({ dueAt: at, message });
    else this.#queue.push(message);
    this.#rouse();
  }

  /** Nothing left in the tree can answer this run's waiting callback tasks: they fail, saying so. */
  abandonCallbacks(): void {
    for (const scope of this.#callbackTasks()) {
      this.deliver({
        type: 'taskFailed',
        scope: scope.id,
        ref: scope.ref,
        error: StatesErrors.Runtime,
        cause: `Nothing in this run sent SendTaskSuccess, SendTaskFailure or SendTaskHeartbeat for the task token of state '${scope.stateName}', and nothing left in it could. Statefold's in-memory runner answers a token from a Task of the same run (arn:aws:states:::aws-sdk:sfn:sendTaskSuccess, sendTaskFailure, sendTaskHeartbeat); callbacks from outside arrive through the Step Functions API, which the durable engine serves (statefold start). On AWS the task would wait until its HeartbeatSeconds or TimeoutSeconds, or the execution's.`,
      });
    }
  }

  /** Wakes the run: something arrived for it. */
  #rouse(): void {
    this.options.callbacks?.unblock(this);
    this.#wake?.();
  }

  /** Whether a callback task of this run waits for its token's answer. */
  #awaitsCallback(): boolean {
    return (this.options.callbacks?.submitted ?? 0) > 0 && this.#callbackTasks().length > 0;
  }

  /** The tasks of this run that wait for their token to be answered. */
  #callbackTasks(): ScopeState[] {
    return Object.values(this.state.scopes).filter(
      (scope) => scope.phase === 'task' && scope.task?.taskToken !== undefined,
    );
  }

  /** Waits for an answer to a token, nothing else of the run being able to move it. */
  async #park(): Promise<true> {
    await new Promise<void>((resolve) => {
      this.#wake = resolve;
      this.options.callbacks?.block(this);
    });
    this.#wake = undefined;
    return true;
  }

  /** A Distributed Map child: the Map's ItemProcessor runs as an execution of its own, here. */
  async runChild(
    command: Extract<Command, { type: 'startChildRun' }>,
  ): Promise<{ message: TransitionMessage; at?: number | undefined }> {
    const start = this.clock();
    const execution = childInfo(
      this.state.execution as ExecutionInfo,
      command.mapRunArn,
      command.executionName,
      start,
      command.mapState,
    );
    const mocks = this.options.mocks?.forChild?.() ?? this.options.mocks;
    const child = new InMemoryRun(childDefinition(this.definition, command.mapState), {
      ...this.options,
      start,
      mocks,
    });
    const { state } = await child.drive({ type: 'start', execution, input: command.input });
    const closing = {
      status: state.status as ChildClosing['status'],
      ...(state.output !== undefined ? { output: state.output } : {}),
      ...(state.error !== undefined ? { error: state.error } : {}),
      ...(state.cause !== undefined ? { cause: state.cause } : {}),
    };
    return { message: childClosedMessage(command, closing), at: state.stopTime };
  }

  /** Stops this execution (a nested child whose parent's task ended first) at `at`, if it is still running. */
  stop(at: number): void {
    if (this.state.status !== 'RUNNING') return;
    if (this.options.virtual && at > this.#now) this.#now = at;
    this.#queue.push({ type: 'stop' });
    this.#rouse();
  }

  /** Resolves once this run and its parents have no timer due before `dueAt` (or have closed). */
  async allowUntil(dueAt: number): Promise<void> {
    for (;;) {
      const next = this.timers.peek();
      if (this.state.status !== 'RUNNING' || !next || next.dueAt >= dueAt) break;
      await new Promise<void>((release) => {
        this.#gates.push(release);
        this.#wake?.();
      });
    }
    await this.options.gate?.(dueAt);
  }

  /** Lets the children waiting on this run's time look again (it moved, or the run closed). */
  #releaseGates(): void {
    const gates = this.#gates;
    this.#gates = [];
    for (const release of gates) release();
  }

  /** Runs messages through `decide` until the execution closes. */
  async drive(first: TransitionMessage): Promise<{ state: ExecutionState; events: ExecutionEvent[] }> {
    const executionArn = first.type === 'start' ? first.execution.executionArn : '';
    this.options.callbacks?.started(executionArn, this);
    try {
      return await this.#drive(first);
    } finally {
      this.options.callbacks?.closed(executionArn, this);
    }
  }

  async #drive(first: TransitionMessage): Promise<{ state: ExecutionState; events: ExecutionEvent[] }> {
    const { state, events, options } = this;
    this.#queue.push(first);
    const env: StepEnv = { now: 0, random: Math.random, uuid: randomUUID };
    const step = new Step(compileMachine(this.definition), state, env, events);
    // A step's one message, with nothing queued before it (a chain's next state): decided next, not queued.
    let handed: TransitionMessage | undefined;
    while (state.status === 'RUNNING') {
      if (this.#failure) throw this.#failure.error;
      const message = handed ?? this.#next();
      handed = undefined;
      if (message) {
        env.now = this.clock();
        const pending = decideStep(step, message);
        if (pending) await pending;
        options.onStep?.(state, events);
        const sent = step.messages;
        if (sent.length === 1 && step.commands.length === 0 && this.#head >= this.#queue.length)
          handed = sent[0];
        else for (const message of sent) this.#queue.push(message);
        for (const command of step.commands) COMMAND_RUNNERS[command.type](this, command as never);
        step.clear();
        // Its time may have moved (a timer fired): held children look again, after what the step did.
        if (this.#gates.length > 0) this.#releaseGates();
        continue;
      }
      if (!(await this.#waitForWork())) break;
    }
    this.#releaseGates();
    if (state.status === 'RUNNING') {
      if (this.#failure) throw this.#failure.error;
      throw new InvariantError('The execution stopped making progress: no message, task or timer is pending');
    }
    return { state, events };
  }

  #next(): TransitionMessage | undefined {
    if (this.#head >= this.#queue.length) return undefined;
    const message = this.#queue[this.#head++] as TransitionMessage;
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue.splice(0, this.#head);
      this.#head = 0;
    }
    return message;
  }

  /** Nothing is queued: waits for a task, a child run or a timer to deliver; false when nothing ever will. */
  async #waitForWork(): Promise<boolean> {
    const next = this.timers.peek();
    if (this.options.virtual) {
      // Children held back until this run's next timer has fired: nothing comes from them before it does.
      if (this.#inFlight > this.#gates.length) {
        // Tasks take no virtual time: wait for them. But a task that has not answered after a moment of real
        // time while a timer is pending (its own timeout, a Wait beside it) lets virtual time move on.
        let grace: NodeJS.Timeout | undefined;
        const answered = await new Promise<boolean>((resolve) => {
          this.#wake = () => resolve(true);
          if (next) grace = setTimeout(() => resolve(false), VIRTUAL_TASK_GRACE_MS);
          else if (this.#inFlight === this.#childWork) this.options.callbacks?.block(this);
        });
        clearTimeout(grace);
        this.#wake = undefined;
        if (answered || !next) return true;
      } else if (!next) {
        this.#releaseGates();
        if (this.#inFlight === 0 && this.#awaitsCallback()) return this.#park();
        return this.#inFlight > 0;
      }
      if (this.options.gate && next.dueAt > this.#now) {
        await this.options.gate(next.dueAt);
        // Something arrived meanwhile (a stop from the parent, a task's answer): it comes first.
        if (this.#head < this.#queue.length || this.timers.peek() !== next) return true;
      }
      this.timers.pop();
      if (next.dueAt > this.#now) this.#now = next.dueAt;
      this.#queue.push(next.message);
      return true;
    }
    if (next && next.dueAt <= Date.now()) {
      this.timers.pop();
      this.#queue.push(next.message);
      return true;
    }
    if (!next && this.#inFlight === 0) return this.#awaitsCallback() ? this.#park() : false;
    // The timer is cleared once anything wakes the run: a task that answers before its timeout (or a run
    // that closes before a Wait ends) must not leave a timer behind that keeps the process alive.
    let due: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.#wake = resolve;
      if (next) due = setTimeout(resolve, Math.max(0, next.dueAt - Date.now()));
      else if (this.#inFlight === this.#childWork) this.options.callbacks?.block(this);
    });
    clearTimeout(due);
    this.#wake = undefined;
    return true;
  }
}

/** A task here: a call that never reached Lambda fails the task (nothing would retry it), as Lambda's 5xx does. */
async function runTaskInMemory(
  ports: TaskPorts,
  command: Extract<Command, { type: 'runTask' }>,
): Promise<TaskOutcome> {
  const request = command.request;
  if (request.kind === 'express' || request.kind === 'activity') {
    throw new InvariantError(`A ${request.kind} request is not run as a task here`);
  }
  try {
    return await performTask(ports, request);
  } catch (error) {
    const error_ =
      request.kind === 'service'
        ? StatesErrors.TaskFailed
        : request.kind === 'items'
          ? StatesErrors.ItemReaderFailed
          : 'Lambda.ServiceException';
    return { ok: false, error: error_, cause: (error as Error).message };
  }
}
