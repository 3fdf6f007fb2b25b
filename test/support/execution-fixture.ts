import { decide } from '../../shared/execution/decide.ts';
import type { StepEnv, StepResult, TransitionMessage } from '../../shared/execution/messages.ts';
import type { ExecutionInfo } from '../../shared/history/events.ts';
import { createExecutionState, type ExecutionState } from '../../shared/history/execution-state.ts';
import type { StateMachineDefinition } from '../../shared/language/types.ts';

/** One execution for the pure core's tests: its identity, a fixed time and fixed randomness. */

export const START_TIME = 1_767_225_600_000;

export const EXECUTION: ExecutionInfo = {
  executionArn: 'arn:aws:states:us-east-1:123456789012:execution:machine:run',
  name: 'run',
  stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:machine',
  stateMachineName: 'machine',
  roleArn: 'arn:aws:iam::123456789012:role/StatefoldExecutionRole',
  region: 'us-east-1',
  accountId: '123456789012',
  startTime: START_TIME,
};

export const ENV: StepEnv = { now: START_TIME, random: () => 0.5, uuid: () => 'uuid-1' };

/** The message that runs the first state after ExecutionStarted (event 1). */
export const ADVANCE_FIRST: TransitionMessage = { type: 'advance', scope: 'root', ref: 1 };

/** A Lambda task with a 5 s timeout; its Scheduled event is 3 when it is the first state. */
export const LAMBDA_TASK = {
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Parameters: { FunctionName: 'f', 'Payload.$': '$' },
  TimeoutSeconds: 5,
  End: true,
};

/** A machine of `states`, starting at the first. */
export function machineOf(states: Record<string, object>): StateMachineDefinition {
  return { StartAt: Object.keys(states)[0], States: states } as unknown as StateMachineDefinition;
}

/** The state after ExecutionStarted (its first state is ready: `advance` root with ref 1). */
export async function startedState(
  definition: StateMachineDefinition,
  input: unknown = {},
): Promise<ExecutionState> {
  const state = createExecutionState();
  await decide(definition, state, { type: 'start', execution: EXECUTION, input: input as never }, ENV);
  return state;
}

/** Decides each message in turn on `state`; the last step's result. */
export async function decideAll(
  definition: StateMachineDefinition,
  state: ExecutionState,
  messages: TransitionMessage[],
  env: StepEnv = ENV,
): Promise<StepResult> {
  let result: StepResult = { events: [], messages: [], commands: [] };
  for (const message of messages) result = await decide(definition, state, message, env);
  return result;
}
