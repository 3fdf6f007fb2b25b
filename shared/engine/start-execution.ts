import { randomUUID } from 'node:crypto';
import { compileMachine } from '../execution/compile-machine.ts';
import { decideStep } from '../execution/decide.ts';
import type { TransitionMessage } from '../execution/messages.ts';
import { Step } from '../execution/step.ts';
import type { ExecutionInfo, MockCase, ParentLink } from '../history/events.ts';
import { createExecutionState, type ExecutionState } from '../history/execution-state.ts';
import { AllowanceExhausted } from '../jsonata/index.ts';
import { InvariantError } from '../lib/invariant-error.ts';
import type { Json } from '../lib/json.ts';
import { START_MESSAGE_ID } from './command-messages.ts';
import { decideFailure } from './decide-failure.ts';
import { type EngineDeps, stepEnv } from './engine-deps.ts';
import { EngineError } from './engine-error.ts';
import { parseInput } from './execution-input.ts';
import { startExpressExecution } from './express-executions.ts';
import { isInfrastructureError } from './infrastructure-failure.ts';
import { loadExecution } from './load-execution.ts';
import {
  executionAlreadyExists,
  executionArnOf,
  parseQualifiedStateMachineArn,
  parseStateMachineArn,
  validateName,
} from './names.ts';
import { headOf, sendOutbox } from './outbox.ts';
import type { Commit } from './ports.ts';
import { resolveStartTarget } from './state-machine-versions.ts';

export interface StartExecutionInput {
  stateMachineArn: string;
  name?: string;
  /** JSON text; `{}` when absent. */
  input?: string;
  traceHeader?: string;
  /** A nested `.sync` execution: the parent's task its close ends. */
  parent?: ParentLink;
}

export interface StartExecutionOutput {
  executionArn: string;
  startDate: Date;
}

/**
 * StartExecution of a Standard machine, in three writes: the listing (the head), the first commit
 * (ExecutionStarted and the transition that runs the first state), then its sends. A crash after the listing
 * leaves a head with no log, which the reconciler removes once it is older than any start takes (and a retried
 * call takes over); a crash after the first commit leaves a listed execution whose first sends a retried call
 * or the reconciler makes. So an execution is listed whenever it exists, and once commit 1 is stored the call
 * answers with it, whatever the sends do. Idempotent for the same name and input while the execution runs, as
 * AWS is.
 */
export async function startExecution(
  deps: EngineDeps,
  request: StartExecutionInput,
  /** Runs once commit 1 is stored, before its sends (a nested `.sync` parent hears of its child first). */
  beforeSends?: (started: StartExecutionOutput) => Promise<void>,
): Promise<StartExecutionOutput> {
  const { stateMachineArn, mockCase } = splitTestCase(deps, request.stateMachineArn);
  if (mockCase) request = { ...request, stateMachineArn };
  const { name: machineName } = parseQualifiedStateMachineArn(request.stateMachineArn);
  const name = request.name ?? randomUUID();
  validateName(name);
  const inputText = request.input ?? '{}';
  const input = parseInput(inputText);
  // A version ARN runs the version's revision; an alias ARN one of its versions', picked by weight.
  // The version and alias ARNs are present only when the start went through them.
  const { machine, revisionId, ...qualifiers } = await resolveStartTarget(deps, request.stateMachineArn);
  if (machine.type === 'EXPRESS') {
    return startExpressExecution(
      deps,
      { ...machine, revisionId },
      {
        name,
        input: inputText,
        ...(request.traceHeader !== undefined ? { traceHeader: request.traceHeader } : {}),
        ...(mockCase ? { mockCase } : {}),
      },
    );
  }
  const revision = await deps.log.getRevision(machine.stateMachineArn, revisionId);
  if (!revision) throw new InvariantError(`Revision ${revisionId} of ${machine.stateMachineArn} is missing`);
  const executionArn = executionArnOf(machine.stateMachineArn, name);
  const execution: ExecutionInfo = {
    executionArn,
    name,
    stateMachineArn: machine.stateMachineArn,
    stateMachineName: machineName,
    roleArn: revision.roleArn,
    region: deps.region,
    accountId: deps.accountId,
    startTime: deps.clock.now(),
    source: { stateMachineArn: machine.stateMachineArn, revisionId },
    ...qualifiers,
    ...(request.traceHeader !== undefined ? { traceHeader: request.traceHeader } : {}),
    ...(request.parent !== undefined ? { parent: request.parent } : {}),
    ...(mockCase ? { mockCase } : {}),
  };
  if (!(await deps.log.createHead(headOf(execution)))) {
    // The name is listed: an execution that exists (a repeated start), or a start cut off between its listing
    // and its first commit, whose place this one takes (with its start date: the listing and history agree).
    const existing = await loadExecution(deps.log, executionArn);
    if (existing)
      return repeatedStart(deps, existing, executionArn, input, machine.stateMachineArn, beforeSends);
    const listed = await deps.log.getHead(executionArn);
    if (listed) execution.startTime = listed.startDate;
  }
  const output = { executionArn, startDate: new Date(execution.startTime) };
  const started = await writeFirstCommit(
    deps,
    execution,
    input,
    inputText,
    beforeSends && (() => beforeSends(output)),
    true,
  );
  if (started) return output;
  // A start of the same name wrote commit 1 first.
  const existing = await loadExecution(deps.log, executionArn);
  if (!existing) throw executionAlreadyExists(executionArn);
  return repeatedStart(deps, existing, executionArn, input, machine.stateMachineArn, beforeSends);
}

/**
 * A start whose name is taken: the same start again (a retry) answers as the first did and makes the first sends
 * a crashed first call may have left undone (the head is there: this call found it or wrote it); anything else
 * is refused.
 */
async function repeatedStart(
  deps: EngineDeps,
  existing: NonNullable<Awaited<ReturnType<typeof loadExecution>>>,
  executionArn: string,
  input: Json,
  stateMachineArn: string,
  beforeSends: ((started: StartExecutionOutput) => Promise<void>) | undefined,
): Promise<StartExecutionOutput> {
  const original = existing.state.execution;
  const sameInput =
    existing.state.status === 'RUNNING' && JSON.stringify(existing.state.input) === JSON.stringify(input);
  if (!original || !sameInput || original.stateMachineArn !== stateMachineArn) {
    throw executionAlreadyExists(executionArn);
  }
  const again = { executionArn, startDate: new Date(original.startTime) };
  if (beforeSends) await beforeSends(again);
  const first = existing.commits.find((commit) => commit.n === 1);
  if (first) await sendOutbox(deps, original, first);
  return again;
}

/**
 * `<stateMachineArn>#<TestCase>`, as AWS Step Functions Local takes it: the execution's Task states answer from
 * that test case of the server's MockConfigFile (the file's entry named as the machine). Without a file, or for
 * a case the file does not have, the call is refused.
 */
function splitTestCase(deps: EngineDeps, arn: string): { stateMachineArn: string; mockCase?: MockCase } {
  const hash = arn.indexOf('#');
  if (hash < 0) return { stateMachineArn: arn };
  const stateMachineArn = arn.slice(0, hash);
  const testCase = arn.slice(hash + 1);
  if (!deps.mocks) {
    throw new EngineError(
      'InvalidArn',
      `Invalid Arn: '${arn}': a '#<TestCase>' suffix needs a MockConfigFile (mockConfigFile in statefold.config)`,
    );
  }
  const mockCase = { stateMachine: parseStateMachineArn(stateMachineArn).name, testCase };
  const problem = deps.mocks.problem(mockCase);
  if (problem) throw new EngineError('ValidationException', problem);
  return { stateMachineArn, mockCase };
}

/**
 * JSONata evaluation steps StartExecution may spend deciding the first state inline (about 50 ms here; the
 * evaluation bound is 5,000,000): a first state that needs more is left to the step handler, so the call
 * answers at once, as AWS's does.
 */
export const FIRST_STATE_ALLOWANCE_STEPS = 50_000;

/**
 * Decides the start and the first state, appends commit 1, sends the outbox; undefined (and
 * nothing written) when commit 1 exists. A StartExecution call and a child run's start message both end here.
 */
export async function writeFirstCommit(
  deps: EngineDeps,
  execution: ExecutionInfo,
  input: Json,
  inputText?: string,
  beforeSends?: () => Promise<void>,
  /** The head is written already (StartExecution lists first); the sends may fail without failing the call. */
  listed = false,
): Promise<{ state: ExecutionState; commit: Commit } | undefined> {
  if (!execution.source) throw new InvariantError('An execution needs a definition source');
  const definition = await deps.definitions.load(execution.source);
  const env = stepEnv(deps);
  const start: TransitionMessage = {
    type: 'start',
    execution,
    input,
    ...(inputText !== undefined ? { inputText } : {}),
  };
  let deciding: TransitionMessage = start;
  let step: Step | undefined;
  try {
    step = new Step(compileMachine(definition), createExecutionState(), {
      ...env,
      allowance: { steps: FIRST_STATE_ALLOWANCE_STEPS },
    });
    const pending = decideStep(step, start);
    if (pending) await pending;
    // The first state runs in the first commit: ExecutionStarted is no state of its own, and this saves the
    // execution a message, a read and a write.
    const [first, ...others] = step.messages;
    if (first?.type === 'advance' && others.length === 0) {
      step.messages = [];
      deciding = first;
      const running = decideStep(step, first);
      if (running) await running;
    }
  } catch (error) {
    if (isInfrastructureError(error)) throw error;
    if (error instanceof AllowanceExhausted) {
      // A first state too expensive to decide while the caller waits: commit 1 is ExecutionStarted and the
      // transition that runs the first state, which the step handler decides with the whole evaluation bound
      // (the history is the same either way).
      step = new Step(compileMachine(definition), createExecutionState(), env);
      const started = decideStep(step, start);
      if (started) await started;
      return commitFirst(deps, execution, step, beforeSends, listed);
    }
    // As in applyTransition: a first state that cannot be decided fails the execution in its first commit
    // (ExecutionStarted, ExecutionFailed), which StartExecution or the child run's start then publishes.
    const failure = decideFailure(deciding, step?.state, error);
    step = new Step(compileMachine({ StartAt: definition.StartAt, States: {} }), createExecutionState(), env);
    const started = decideStep(step, start);
    if (started) await started;
    step.messages = [];
    const failed = decideStep(step, failure);
    if (failed) await failed;
  }
  return commitFirst(deps, execution, step, beforeSends, listed);
}

/** Appends commit 1 as `step` decided it, then lists the execution and sends the commit's outbox. */
async function commitFirst(
  deps: EngineDeps,
  execution: ExecutionInfo,
  step: Step,
  beforeSends: (() => Promise<void>) | undefined,
  listed: boolean,
): Promise<{ state: ExecutionState; commit: Commit } | undefined> {
  const commit: Commit = {
    n: 1,
    causedBy: START_MESSAGE_ID,
    events: step.events,
    outbox: {
      messages: step.messages,
      commands: step.commands,
      ...(step.state.status !== 'RUNNING' ? { closed: true } : {}),
    },
  };
  if (!(await deps.log.append(execution.executionArn, commit))) return undefined;
  if (beforeSends) await beforeSends();
  if (!listed) {
    // A Distributed Map's child: its first commit's sends list it too (sendOutbox).
    await sendOutbox(deps, execution, commit);
  } else {
    try {
      await sendOutbox(deps, execution, commit);
    } catch (error) {
      if (!isInfrastructureError(error)) throw error;
      // The execution exists and is listed: the caller hears so, and the reconciler sends what did not go.
      console.error(
        `statefold: the first messages of ${execution.executionArn} were not sent (${(error as Error).message}); ` +
          'the reconciler sends them again',
      );
    }
  }
  return { state: step.state, commit };
}
