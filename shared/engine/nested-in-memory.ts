import { randomUUID } from 'node:crypto';
import type { Command, TaskRequest } from '../execution/messages.ts';
import type { ExecutionInfo } from '../history/events.ts';
import type { StateMachineDefinition } from '../language/types.ts';
import { isJsonObject, type Json } from '../lib/json.ts';
import { taskOutcomeMessage } from './command-messages.ts';
import { EngineError, isAnsweredError } from './engine-error.ts';
import { parseInput } from './execution-input.ts';
import { withExpressTimeout } from './express-timeout.ts';
import {
  executionAlreadyExists,
  executionArnOf,
  expressExecutionArnOf,
  parseQualifiedStateMachineArn,
  stateMachineArnOf,
  stateMachineDoesNotExist,
  validateName,
} from './names.ts';
import {
  inputText,
  missingArn,
  startResponse,
  stepFunctionsFailure,
  syncOutcome,
} from './nested-executions.ts';
import type { TaskOutcome } from './ports.ts';
import { type ExecutionResult, InMemoryRun, RunResult } from './run-execution.ts';

/**
 * `arn:aws:states:::states:startExecution[.sync|.sync:2]` in the in-memory runner: the child runs in this
 * runner too, an execution of the machine the caller gave under its name or ARN, starting at the parent's
 * time. The answers, errors and history are the durable engine's (see nested-executions.ts): request-response
 * answers StartExecution's `{ExecutionArn, StartDate}`, `.sync` and `.sync:2` (on a STANDARD or an EXPRESS child)
 * record it as TaskSubmitted and end the task with the child's DescribeExecution (States.TaskFailed with it as
 * the cause if the child did not succeed). `.waitForTaskToken` records the answer as TaskSubmitted and waits
 * for the token's answer, which a Task of the run sends (callbacks-in-memory.ts).
 */

type Definition = string | StateMachineDefinition | object;

/** The machines a run may start, by name or ARN: a definition, or one with its type. */
export type StateMachines = Readonly<
  Record<string, Definition | { definition: Definition; type?: 'STANDARD' | 'EXPRESS' }>
>;

export type InMemoryMachines = Map<
  string,
  { definition: StateMachineDefinition; type: 'STANDARD' | 'EXPRESS' }
>;

/** The machines by unqualified ARN, each definition validated (an invalid one is refused before the run). */
export function machinesByArn(
  machines: StateMachines | undefined,
  region: string,
  accountId: string,
  load: (definition: Definition) => StateMachineDefinition,
): InMemoryMachines {
  const out: InMemoryMachines = new Map();
  for (const [key, value] of Object.entries(machines ?? {})) {
    const arn = key.startsWith('arn:')
      ? parseQualifiedStateMachineArn(key).stateMachineArn
      : stateMachineArnOf({ region, accountId }, key);
    const typed =
      typeof value === 'object' && value !== null && 'definition' in value && !('States' in value)
        ? (value as { definition: Definition; type?: 'STANDARD' | 'EXPRESS' })
        : undefined;
    out.set(arn, {
      definition: loadNamed(key, typed ? typed.definition : value, load),
      type: typed?.type ?? 'STANDARD',
    });
  }
  return out;
}

/** A machine's definition, an invalid one refused with the machine's name in the message. */
function loadNamed(
  key: string,
  definition: Definition,
  load: (definition: Definition) => StateMachineDefinition,
): StateMachineDefinition {
  try {
    return load(definition);
  } catch (error) {
    if (!isAnsweredError(error)) throw error;
    throw new EngineError(error.code, `State machine '${key}': ${error.message}`, {
      diagnostics: error.diagnostics,
      cause: error,
    });
  }
}

type ServiceRequest = Extract<TaskRequest, { kind: 'service' }>;
type RunTask = Extract<Command, { type: 'runTask' }>;

interface Started {
  input: string;
  startTime: number;
  running: boolean;
  run?: InMemoryRun;
}

/** The nested executions of one run: their names (each is taken once), runs and results. */
export class NestedRuns {
  readonly #machines: InMemoryMachines;
  readonly #executions = new Map<string, Started>();
  readonly #results: Promise<ExecutionResult>[] = [];

  constructor(machines: InMemoryMachines) {
    this.#machines = machines;
  }

  /** An execution that holds its name (the run's own). */
  register(executionArn: string, input: Json): void {
    this.#executions.set(executionArn, { input: JSON.stringify(input), startTime: 0, running: true });
  }

  /** Every child's result, once all have closed (children that start children included). */
  async settled(): Promise<ExecutionResult[]> {
    let done = 0;
    while (done < this.#results.length) {
      await this.#results[done];
      done++;
    }
    return Promise.all(this.#results);
  }

  /** Stops a child still running (its parent's `.sync` task ended first). */
  stop(executionArn: string, at: number): void {
    this.#executions.get(executionArn)?.run?.stop(at);
  }

  /** Starts the child of a `states:startExecution` task of `parent`; the task hears of it as on the engine. */
  start(parent: InMemoryRun, command: RunTask, request: ServiceRequest): void {
    const answer = (outcome: TaskOutcome) =>
      parent.track(Promise.resolve({ message: taskOutcomeMessage(command, outcome) }));
    const parameters = isJsonObject(request.parameters) ? request.parameters : {};
    const stateMachineArn = parameters.StateMachineArn;
    if (typeof stateMachineArn !== 'string') {
      answer(missingArn(request));
      return;
    }
    const sync = request.pattern === 'sync' || request.pattern === 'sync:2' ? request.pattern : undefined;
    const callback = command.taskToken !== undefined;
    const requestId = randomUUID();
    try {
      const machineArn = parseQualifiedStateMachineArn(stateMachineArn).stateMachineArn;
      const machine = this.#machines.get(machineArn);
      if (!machine) {
        throw stateMachineDoesNotExist(stateMachineArn);
      }
      const name = typeof parameters.Name === 'string' ? parameters.Name : randomUUID();
      validateName(name);
      const text = inputText(parameters.Input);
      const input = parseInput(text);
      const machineName = parseQualifiedStateMachineArn(machineArn).name;
      const executionArn =
        machine.type === 'EXPRESS'
          ? expressExecutionArnOf(machineArn, name)
          : executionArnOf(machineArn, name);
      const existing = this.#executions.get(executionArn);
      if (existing) {
        // The same start again while it runs answers as the first did (request-response); anything else is refused.
        if (!sync && existing.running && existing.input === JSON.stringify(input)) {
          const again = { executionArn, startDate: new Date(existing.startTime) };
          answer({ ok: true, output: startResponse(again, requestId) });
          return;
        }
        throw executionAlreadyExists(executionArn);
      }
      const own = parent.state.execution as ExecutionInfo;
      const startTime = parent.clock();
      const execution: ExecutionInfo = {
        executionArn,
        name,
        stateMachineArn: machineArn,
        stateMachineName: machineName,
        roleArn: own.roleArn,
        region: own.region,
        accountId: own.accountId,
        startTime,
      };
      const started: Started = { input: JSON.stringify(input), startTime, running: true };
      this.#executions.set(executionArn, started);
      // A child of another machine is no part of the parent's test case: it runs unmocked.
      // An EXPRESS child runs five minutes at most, as on the engine.
      const definition =
        machine.type === 'EXPRESS' ? withExpressTimeout(machine.definition) : machine.definition;
      const child = new InMemoryRun(definition, {
        ...parent.options,
        start: startTime,
        mocks: undefined,
        // A `.sync` child's time passes no earlier than its parent's: a parent's timeout stops it at its time.
        // So does a `.waitForTaskToken` child's, which may answer the parent's token at its time.
        gate:
          (sync || callback) && parent.options.virtual
            ? (dueAt: number) => parent.allowUntil(dueAt)
            : undefined,
      });
      started.run = child;
      // Started once the parent's step has done all it asked (its task's timeout timer set, for the gate).
      const closed = Promise.resolve()
        .then(() => child.drive({ type: 'start', execution, input, inputText: text }))
        .then(({ state, events }) => {
          started.running = false;
          return { state, result: new RunResult(execution, state, input, events) };
        });
      this.#results.push(closed.then(({ result }) => result));
      const response = startResponse({ executionArn, startDate: new Date(startTime) }, requestId);
      if (callback) {
        // `.waitForTaskToken`: the token is out (in the child's input, as the user wrote it); the task ends when
        // a Task sends SendTaskSuccess/Failure for it (the child's, typically). On the virtual clock the parent
        // waits on the child too, whose time passes with its own.
        if (parent.options.callbacks) parent.options.callbacks.submitted++;
        // TaskSubmitted reaches the parent before anything the child sends, its answer included.
        parent.deliver({ type: 'taskSubmitted', scope: command.scope, ref: command.ref, output: response });
        if (parent.options.virtual)
          parent.track(
            closed.then(({ state }) => ({ at: state.stopTime })),
            true,
          );
        return;
      }
      if (!sync) {
        answer({ ok: true, output: response });
        return;
      }
      // TaskSubmitted first, then the child's close ends the task, at the child's stop time.
      parent.track(
        Promise.resolve({
          message: {
            type: 'taskSubmitted',
            scope: command.scope,
            ref: command.ref,
            output: response,
            child: executionArn,
          },
        }),
      );
      parent.track(
        closed.then(({ state }) => ({
          message: taskOutcomeMessage(command, syncOutcome(execution, state, sync)),
          at: state.stopTime,
        })),
        true,
      );
    } catch (error) {
      if (!isAnsweredError(error)) throw error;
      answer(stepFunctionsFailure(error, requestId));
    }
  }
}
