import { NOT_REDRIVABLE } from '../execution/redrive.ts';
import { EXECUTION_STATUSES, type ExecutionStatus } from '../history/execution-state.ts';
import { applyMessage } from './apply-transition.ts';
import type { EngineDeps } from './engine-deps.ts';
import { EngineError } from './engine-error.ts';
import { loadExecution } from './load-execution.ts';
import { expressNotKept, parseExecutionArn, parseMapRunArn } from './names.ts';
import { pageSize } from './page-size.ts';
import type { ExecutionHead } from './ports.ts';
import { type RedriveStatus, redriveStatusOf } from './redrive-execution.ts';
import { requireQualifier } from './state-machine-versions.ts';

/** DescribeExecution's answer (the SDK's member names; dates as Date). */
export interface ExecutionDescription {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  input?: string;
  inputDetails: { included: boolean };
  output?: string;
  outputDetails?: { included: boolean };
  error?: string;
  cause?: string;
  mapRunArn?: string;
  traceHeader?: string;
  redriveCount: number;
  redriveDate?: Date;
  redriveStatus: RedriveStatus['redriveStatus'];
  redriveStatusReason?: string;
  stateMachineVersionArn?: string;
  stateMachineAliasArn?: string;
}

/** DescribeExecution, from the log: its status, input, output or error and cause are what replay says. */
export async function describeExecution(
  deps: EngineDeps,
  request: { executionArn: string; includedData?: 'ALL_DATA' | 'METADATA_ONLY' },
): Promise<ExecutionDescription> {
  const { express } = parseExecutionArn(request.executionArn, { express: true });
  const loaded = await loadExecution(deps.log, request.executionArn);
  const execution = loaded?.state.execution;
  if (!loaded || !execution) {
    if (express) throw expressNotKept();
    throw new EngineError('ExecutionDoesNotExist', `Execution Does Not Exist: '${request.executionArn}'`);
  }
  const { state } = loaded;
  const data = request.includedData !== 'METADATA_ONLY';
  const out: ExecutionDescription = {
    executionArn: execution.executionArn,
    stateMachineArn: execution.stateMachineArn,
    name: execution.name,
    status: state.status,
    startDate: new Date(execution.startTime),
    inputDetails: { included: data },
    redriveCount: execution.redriveCount ?? 0,
    ...(await redriveStatusOf(deps, state)),
  };
  if (execution.redriveTime !== undefined) out.redriveDate = new Date(execution.redriveTime);
  if (data) out.input = state.inputText ?? JSON.stringify(state.input);
  if (state.stopTime !== undefined) out.stopDate = new Date(state.stopTime);
  if (state.status === 'SUCCEEDED') {
    out.outputDetails = { included: data };
    if (data) out.output = JSON.stringify(state.output ?? null);
  }
  if (state.error !== undefined) out.error = state.error;
  if (state.cause !== undefined) out.cause = state.cause;
  if (execution.mapRunArn !== undefined) out.mapRunArn = execution.mapRunArn;
  if (execution.traceHeader !== undefined) out.traceHeader = execution.traceHeader;
  if (execution.stateMachineVersionArn !== undefined) {
    out.stateMachineVersionArn = execution.stateMachineVersionArn;
  }
  if (execution.stateMachineAliasArn !== undefined) out.stateMachineAliasArn = execution.stateMachineAliasArn;
  return out;
}

/**
 * DescribeExecution's answer for a Map Run child whose listing carries its result (it succeeded in its first
 * commit, ExecutionHead.result): what replaying its log gives, without reading it. A succeeded execution is
 * never redrivable.
 */
export function describeListedChild(
  head: ExecutionHead,
  result: NonNullable<ExecutionHead['result']>,
): ExecutionDescription {
  const out: ExecutionDescription = {
    executionArn: head.executionArn,
    stateMachineArn: head.stateMachineArn,
    name: head.name,
    status: head.status,
    startDate: new Date(head.startDate),
    input: result.input,
    inputDetails: { included: true },
    output: result.output,
    outputDetails: { included: true },
    redriveCount: head.redriveCount ?? 0,
    redriveStatus: 'NOT_REDRIVABLE',
    redriveStatusReason: NOT_REDRIVABLE.succeeded,
  };
  if (head.stopDate !== undefined) out.stopDate = new Date(head.stopDate);
  if (head.mapRunArn !== undefined) out.mapRunArn = head.mapRunArn;
  return out;
}

export interface ExecutionListItem {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  mapRunArn?: string;
  redriveCount?: number;
  redriveDate?: Date;
  stateMachineVersionArn?: string;
  stateMachineAliasArn?: string;
}

export async function listExecutions(
  deps: EngineDeps,
  request: {
    stateMachineArn?: string;
    mapRunArn?: string;
    statusFilter?: string;
    /** REDRIVEN: only executions redriven at least once; NOT_REDRIVEN: only the others. */
    redriveFilter?: 'REDRIVEN' | 'NOT_REDRIVEN';
    maxResults?: number;
    nextToken?: string;
  },
): Promise<{ executions: ExecutionListItem[]; nextToken?: string }> {
  if ((request.stateMachineArn === undefined) === (request.mapRunArn === undefined)) {
    throw new EngineError(
      'ValidationException',
      'Exactly one of stateMachineArn and mapRunArn must be given',
    );
  }
  let qualifier: 'version' | 'alias' | undefined;
  if (request.stateMachineArn !== undefined) {
    // A version or alias ARN lists the executions started through it.
    qualifier = (await requireQualifier(deps, request.stateMachineArn)).qualifier?.kind;
  }
  if (request.mapRunArn !== undefined) parseMapRunArn(request.mapRunArn);
  const status = request.statusFilter;
  if (status !== undefined && !(EXECUTION_STATUSES as readonly string[]).includes(status)) {
    throw new EngineError(
      'ValidationException',
      `1 validation error detected: Value '${status}' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [${EXECUTION_STATUSES.join(', ')}]`,
    );
  }
  const page = await deps.log.listExecutions({
    ...(request.stateMachineArn !== undefined ? { stateMachineArn: request.stateMachineArn } : {}),
    ...(qualifier !== undefined ? { qualifier } : {}),
    ...(request.mapRunArn !== undefined ? { mapRunArn: request.mapRunArn } : {}),
    ...(status !== undefined ? { status: status as ExecutionStatus } : {}),
    limit: pageSize(request.maxResults),
    ...(request.nextToken !== undefined ? { nextToken: request.nextToken } : {}),
  });
  return {
    executions: page.items.filter(redriveMatch(request.redriveFilter)).map((head) => {
      const item: ExecutionListItem = {
        executionArn: head.executionArn,
        stateMachineArn: head.stateMachineArn,
        name: head.name,
        status: head.status,
        startDate: new Date(head.startDate),
      };
      if (head.stopDate !== undefined) item.stopDate = new Date(head.stopDate);
      if (head.mapRunArn !== undefined) item.mapRunArn = head.mapRunArn;
      if (head.redriveCount !== undefined) item.redriveCount = head.redriveCount;
      if (head.redriveDate !== undefined) item.redriveDate = new Date(head.redriveDate);
      // The listing indexes do not carry these; a listing of a version or an alias knows its own ARN.
      const versionArn = qualifier === 'version' ? request.stateMachineArn : head.stateMachineVersionArn;
      const aliasArn = qualifier === 'alias' ? request.stateMachineArn : head.stateMachineAliasArn;
      if (versionArn !== undefined) item.stateMachineVersionArn = versionArn;
      if (aliasArn !== undefined) item.stateMachineAliasArn = aliasArn;
      return item;
    }),
    ...(page.nextToken !== undefined ? { nextToken: page.nextToken } : {}),
  };
}

/**
 * ListExecutions' redriveFilter, applied to each page the listing reads (a page may so hold fewer items than
 * maxResults, as a filtered DynamoDB Query's does; its nextToken goes on).
 */
function redriveMatch(filter: 'REDRIVEN' | 'NOT_REDRIVEN' | undefined): (head: ExecutionHead) => boolean {
  if (filter === undefined) return () => true;
  return (head) => (head.redriveCount ?? 0) > 0 === (filter === 'REDRIVEN');
}

/**
 * StopExecution: ExecutionAborted is appended like any step (a conditional commit), so the execution is
 * ABORTED when the call returns, and results that arrive later find it closed and are dropped.
 */
export async function stopExecution(
  deps: EngineDeps,
  request: { executionArn: string; error?: string; cause?: string },
): Promise<{ stopDate: Date }> {
  parseExecutionArn(request.executionArn);
  checkErrorAndCause(request);
  const outcome = await applyMessage(deps, request.executionArn, 'stop', {
    type: 'stop',
    ...(request.error !== undefined ? { error: request.error } : {}),
    ...(request.cause !== undefined ? { cause: request.cause } : {}),
  });
  if (outcome.kind === 'missing') {
    throw new EngineError('ExecutionDoesNotExist', `Execution Does Not Exist: '${request.executionArn}'`);
  }
  return { stopDate: new Date(outcome.state.stopTime ?? deps.clock.now()) };
}

/** Throws ExecutionDoesNotExist unless the execution has a log. */
export async function requireExecution(deps: EngineDeps, executionArn: string): Promise<void> {
  const { express } = parseExecutionArn(executionArn, { express: true });
  const first = await deps.log.readCommits(executionArn, { limit: 1 });
  if (first.length === 0) {
    if (express) throw expressNotKept();
    throw new EngineError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
  }
}

/** AWS's length limits on a caller's error (256) and cause (32,768): StopExecution and SendTaskFailure. */
export function checkErrorAndCause(request: { error?: string; cause?: string }): void {
  const limits = [
    ['error', request.error, 256],
    ['cause', request.cause, 32_768],
  ] as const;
  for (const [member, value, limit] of limits) {
    if (value !== undefined && value.length > limit) {
      throw new EngineError(
        'ValidationException',
        `1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${limit}`,
      );
    }
  }
}
