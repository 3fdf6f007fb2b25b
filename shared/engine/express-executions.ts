import type { TaskRequest } from '../execution/messages.ts';
import type { MockCase } from '../history/events.ts';
import type { ExecutionStatus } from '../history/execution-state.ts';
import { isJsonObject } from '../lib/json.ts';
import type { EngineDeps } from './engine-deps.ts';
import { withExpressTimeout } from './express-timeout.ts';
import { expressExecutionArnOf } from './names.ts';
import { startNestedExecution } from './nested-executions.ts';
import type { Commit, StateMachineRecord } from './ports.ts';
import { caseMocks, type ExecutionResult, runInMemory } from './run-execution.ts';
import { answerSdkCallback } from './task-callbacks.ts';

/**
 * EXPRESS executions. StartExecution answers at once and the task handler runs the execution whole, in memory
 * (at-least-once, as AWS's asynchronous Express runs are). AWS keeps no history of Express runs; Statefold keeps
 * one when the machine's logging is on (level other than OFF): the run's log is written as one commit at its end,
 * so DescribeExecution and GetExecutionHistory serve it like a Standard execution's.
 */
export type ExpressRequest = Extract<TaskRequest, { kind: 'express' }>;

export async function startExpressExecution(
  deps: EngineDeps,
  machine: StateMachineRecord,
  /** Name and input as StartExecution checked them. */
  request: { name: string; input: string; traceHeader?: string; mockCase?: MockCase },
): Promise<{ executionArn: string; startDate: Date }> {
  const { name, input } = request;
  const executionArn = expressExecutionArnOf(machine.stateMachineArn, name);
  const startTime = deps.clock.now();
  const express: ExpressRequest = {
    kind: 'express',
    stateMachineArn: machine.stateMachineArn,
    revisionId: machine.revisionId,
    executionArn,
    name,
    input,
    startTime,
    ...(request.traceHeader !== undefined ? { traceHeader: request.traceHeader } : {}),
    ...(request.mockCase ? { mockCase: request.mockCase } : {}),
  };
  await deps.queues.sendTasks([{ executionArn, scope: 'express', ref: 0, request: express }]);
  return { executionArn, startDate: new Date(startTime) };
}

/** Runs an Express execution the API handed to the task handler, and keeps it when logging is on. */
export async function runExpressRequest(deps: EngineDeps, request: ExpressRequest): Promise<void> {
  const machine = await deps.log.getStateMachine(request.stateMachineArn);
  const revision = await deps.log.getRevision(request.stateMachineArn, request.revisionId);
  if (!machine || !revision) return;
  const result = await runExpress(deps, machine, {
    executionArn: request.executionArn,
    name: request.name,
    input: request.input,
    startTime: request.startTime,
    revisionId: request.revisionId,
    roleArn: revision.roleArn,
    ...(request.mockCase ? { mockCase: request.mockCase } : {}),
  });
  await keepExpressRun(deps, machine, result);
}

export async function runExpress(
  deps: EngineDeps,
  machine: StateMachineRecord,
  run: {
    executionArn?: string;
    name: string;
    input: string;
    startTime?: number;
    revisionId: string;
    roleArn: string;
    mockCase?: MockCase;
  },
): Promise<ExecutionResult> {
  const definition = await deps.definitions.load({
    stateMachineArn: machine.stateMachineArn,
    revisionId: run.revisionId,
  });
  return runInMemory({
    definition: withExpressTimeout(definition),
    input: run.input,
    stateMachineName: machine.name,
    executionName: run.name,
    type: 'EXPRESS',
    region: deps.region,
    accountId: deps.accountId,
    roleArn: run.roleArn,
    clock: 'real',
    lambda: deps.lambda,
    services: deps.services,
    nestedExecutions: (request) => startNestedExecution(deps, request),
    // A child answering a durable execution's token (its parent's `.waitForTaskToken`).
    taskCallbacks: (callback) => answerSdkCallback(deps, callback),
    ...(run.executionArn !== undefined ? { executionArn: run.executionArn } : {}),
    ...(run.startTime !== undefined ? { startTime: run.startTime } : {}),
    ...(run.mockCase && deps.mocks ? { mocks: caseMocks(deps.mocks, run.mockCase) } : {}),
  });
}

/** Whether Statefold keeps this EXPRESS machine's executions (its logging level is not OFF). */
export function keepsExpressHistory(machine: StateMachineRecord): boolean {
  const logging = machine.loggingConfiguration;
  return isJsonObject(logging) && typeof logging.level === 'string' && logging.level !== 'OFF';
}

/** Writes a finished Express run as one closed commit and a head, when its machine's logging is on. */
export async function keepExpressRun(
  deps: EngineDeps,
  machine: StateMachineRecord,
  result: ExecutionResult,
): Promise<void> {
  if (!keepsExpressHistory(machine)) return;
  const commit: Commit = {
    n: 1,
    causedBy: 'start',
    events: [...result.log],
    outbox: { messages: [], commands: [], closed: true },
  };
  // Delivered twice (at-least-once): the first run's record stands.
  if (!(await deps.log.append(result.executionArn, commit))) return;
  await deps.log.createHead({
    executionArn: result.executionArn,
    stateMachineArn: machine.stateMachineArn,
    name: result.name,
    status: result.status as ExecutionStatus,
    startDate: result.startDate.getTime(),
    ...(result.stopDate ? { stopDate: result.stopDate.getTime() } : {}),
  });
}
