import { randomUUID } from 'node:crypto';
import { NOT_REDRIVABLE, redriveBlocker } from '../execution/redrive.ts';
import type { ExecutionState } from '../history/execution-state.ts';
import { applyTransition } from './apply-transition.ts';
import type { EngineDeps } from './engine-deps.ts';
import { EngineError } from './engine-error.ts';
import { loadExecution } from './load-execution.ts';
import { parseExecutionArn } from './names.ts';
import { sendOutbox } from './outbox.ts';

/** The redrive status DescribeExecution shows (AWS's redriveStatus and redriveStatusReason). */
export interface RedriveStatus {
  redriveStatus: 'REDRIVABLE' | 'NOT_REDRIVABLE' | 'REDRIVABLE_BY_MAP_RUN';
  redriveStatusReason?: string;
}

/**
 * Whether RedriveExecution would redrive the execution now. A Distributed Map's child execution that did not
 * succeed is REDRIVABLE_BY_MAP_RUN: its Map Run redrives it when its parent is redriven, never on its own.
 */
export async function redriveStatusOf(deps: EngineDeps, state: ExecutionState): Promise<RedriveStatus> {
  const parent = state.execution?.mapRunArn !== undefined ? state.execution.parent : undefined;
  if (parent && redriveBlocker(state, deps.clock.now(), true) === undefined) {
    // Its Map Run can redrive it unless the parent succeeded (one read: the parent's listing entry).
    const head = await deps.log.getHead(parent.executionArn);
    return head?.status === 'SUCCEEDED'
      ? { redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: PARENT_SUCCEEDED }
      : { redriveStatus: 'REDRIVABLE_BY_MAP_RUN' };
  }
  const reason = await blockerOf(deps, state);
  return reason === undefined
    ? { redriveStatus: 'REDRIVABLE' }
    : { redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: reason };
}

const CHILD_RUN = 'Execution is a child execution of a Map Run: redrive its parent execution';
const PARENT_SUCCEEDED = 'Parent execution is SUCCEEDED: its Map Run cannot be redriven';
const EXPRESS = 'Express executions cannot be redriven';

async function blockerOf(deps: EngineDeps, state: ExecutionState): Promise<string | undefined> {
  const execution = state.execution;
  if (!execution) return NOT_REDRIVABLE.running;
  if (state.status === 'RUNNING' || state.status === 'SUCCEEDED') {
    return redriveBlocker(state, deps.clock.now(), true);
  }
  if (execution.mapRunArn !== undefined) return CHILD_RUN;
  // An EXPRESS machine's execution kept for its logging (AWS keeps none, and redrives none).
  if (parseExecutionArn(execution.executionArn, { express: true }).express) return EXPRESS;
  const machine = await deps.log.getStateMachine(execution.stateMachineArn);
  return redriveBlocker(state, deps.clock.now(), machine !== undefined);
}

/**
 * RedriveExecution: a commit holding ExecutionRedriven and the messages that restart the work is appended as any
 * step is (a conditional put), then its outbox reopens the execution's head and sends the messages. The call is
 * idempotent by clientToken: the same token again answers the same redriveDate, and finishes the sends a
 * crash may have left undone.
 */
export async function redriveExecution(
  deps: EngineDeps,
  request: { executionArn: string; clientToken?: string },
): Promise<{ redriveDate: Date }> {
  const { express } = parseExecutionArn(request.executionArn, { express: true });
  const missing = () =>
    new EngineError('ExecutionDoesNotExist', `Execution Does Not Exist: '${request.executionArn}'`);
  if (express) {
    // AWS keeps no Express executions; none of them is redriven.
    throw new EngineError('ExecutionNotRedrivable', EXPRESS);
  }
  const loaded = await loadExecution(deps.log, request.executionArn);
  const execution = loaded?.state.execution;
  if (!loaded || !execution) throw missing();
  const token = request.clientToken;
  if (token !== undefined && loaded.state.redriveToken === token && execution.redriveTime !== undefined) {
    const applied = loaded.commits.find((commit) => commit.causedBy === redriveId(token));
    if (applied) await sendOutbox(deps, execution, applied);
    return { redriveDate: new Date(execution.redriveTime) };
  }
  const reason = await blockerOf(deps, loaded.state);
  if (reason !== undefined) throw new EngineError('ExecutionNotRedrivable', reason);
  const outcome = await applyTransition(deps, {
    executionArn: request.executionArn,
    id: redriveId(token ?? randomUUID()),
    message: { type: 'redrive', ...(token !== undefined ? { clientToken: token } : {}) },
  });
  if (outcome.kind === 'missing') throw missing();
  const redriveTime = outcome.state.execution?.redriveTime;
  // Another redrive came first (the execution runs again): this one is refused, as a running execution is.
  if (outcome.kind === 'stale' || redriveTime === undefined) {
    throw new EngineError('ExecutionNotRedrivable', NOT_REDRIVABLE.running);
  }
  return { redriveDate: new Date(redriveTime) };
}

function redriveId(token: string): string {
  return `redrive:${token}`;
}
