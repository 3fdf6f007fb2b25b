import { randomUUID } from 'node:crypto';
import { compileMachine } from '../execution/compile-machine.ts';
import { decideStep } from '../execution/decide.ts';
import type { TransitionMessage } from '../execution/messages.ts';
import { Step } from '../execution/step.ts';
import type { ExecutionInfo } from '../history/events.ts';
import type { ExecutionState } from '../history/execution-state.ts';
import { InvariantError } from '../lib/invariant-error.ts';
import { decideFailure } from './decide-failure.ts';
import { type EngineDeps, stepEnv } from './engine-deps.ts';
import { EngineError } from './engine-error.ts';
import { isInfrastructureError } from './infrastructure-failure.ts';
import { type LoadedExecution, loadExecution, needsSnapshot } from './load-execution.ts';
import { stopOrphanedChild } from './nested-executions.ts';
import { sendOutbox } from './outbox.ts';
import type { Commit, TransitionEnvelope } from './ports.ts';
import { writeFirstCommit } from './start-execution.ts';

export type ApplyOutcome =
  /** A new commit holds the message's events; its outbox was sent. */
  | { kind: 'applied'; state: ExecutionState; commit: Commit }
  /** A commit applied this message before (a redelivery): its outbox was sent again. */
  | { kind: 'duplicate'; state: ExecutionState }
  /** The message changes nothing (its ref is consumed, the execution is closed): dropped. */
  | { kind: 'stale'; state: ExecutionState }
  /** No execution has that ARN. */
  | { kind: 'missing' };

/** What applyIfAdmitted may also answer: the message is left to the queue (ApplyOptions). */
export type Declined = { kind: 'declined' };

/**
 * For a writer that is not the execution's FIFO queue (a task handler reporting its own outcome), which can hand
 * the message to the queue instead of waiting its turn: `admits` says whether the execution, as read, may take the
 * message now, and `attempts` bounds the conditional puts it may lose. Either way out is `declined`.
 */
export interface ApplyOptions {
  attempts: number;
  admits: (state: ExecutionState) => boolean;
}

/** Attempts before a step gives up on a log other writers keep moving (the message is then retried by SQS). */
const MAX_ATTEMPTS = 5;
/**
 * States a step may run after its message's own when each leaves nothing but the advance to the next (a Pass, a
 * Choice, a Succeed…): each would otherwise cost a queued message, a read and a commit. Bounded, so that one
 * step of a loop of such states stays small and other executions get their turn.
 */
export const MAX_STATES_PER_STEP = 25;
/** A step whose events reach this many runs no further state. */
const MAX_EVENTS_PER_STEP = 200;

/**
 * The step: rebuild the execution from the tail of its log, decide the one message, append one commit with a
 * conditional put no second writer can win, then send the commit's outbox. A writer that loses the race reads
 * the log again and decides again, so a message is applied exactly once whatever runs concurrently.
 */
export function applyTransition(deps: EngineDeps, envelope: TransitionEnvelope): Promise<ApplyOutcome> {
  return apply(deps, envelope) as Promise<ApplyOutcome>;
}

/** applyTransition for a writer other than the queue, which declines what `options` do not admit. */
export function applyIfAdmitted(
  deps: EngineDeps,
  envelope: TransitionEnvelope,
  options: ApplyOptions,
): Promise<ApplyOutcome | Declined> {
  return apply(deps, envelope, options);
}

/**
 * Messages a step may take after another of the same execution (applyTransitions). A start writes commit 1, a
 * redrive reopens a closed execution and a give-up's `fail` names its own cause: each keeps a step of its own.
 */
const TAKES_A_STEP_OF_ITS_OWN = new Set<TransitionMessage['type']>(['start', 'redrive', 'fail']);

/**
 * Applies queued messages of one execution (in the order the FIFO queue delivered them) in one commit where it
 * can, and returns how many of them, from the first, it applied (or found applied by an earlier delivery): the
 * rest are the caller's to apply next; 0 when the first is to be applied alone, by applyTransition. Each message
 * is decided as applyTransition would decide it in a step of its own, on the state the ones before it left,
 * running on as that step would; so the commit holds the events the separate steps would have written, in the
 * same order, and its outbox their messages in the order the queue would have taken them. The ids of all it
 * applied are in the commit (`causedBy`, `alsoApplied`), so a redelivery of any is recognised. A message that
 * would not be applied that way (the execution is not RUNNING, deciding it throws, it takes a step of its own,
 * it was applied already) ends the run before it, or, first of the run, is left to applyTransition.
 */
export async function applyTransitions(
  deps: EngineDeps,
  envelopes: readonly TransitionEnvelope[],
): Promise<number> {
  const [first] = envelopes;
  if (!first) return 0;
  const { executionArn } = first;
  let limit = runLength(envelopes);
  // The first is then the caller's to apply alone (applyTransition).
  const alone = 0;
  if (limit === 1) return alone;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const loaded = await loadExecution(deps.log, executionArn);
    if (!loaded) return alone;
    const redelivered = await resendApplied(deps, loaded, envelopes.slice(0, limit));
    if (redelivered > 0) return redelivered;
    if (loaded.state.status !== 'RUNNING') return alone;
    const { state } = loaded;
    const execution = state.execution as ExecutionInfo;
    if (!execution.source) throw new InvariantError(`${executionArn} has no definition source`);
    let step: Step;
    try {
      step = new Step(compileMachine(await deps.definitions.load(execution.source)), state, stepEnv(deps));
    } catch (error) {
      if (isInfrastructureError(error)) throw error;
      return alone;
    }
    const ids: string[] = [];
    let undecided: number | undefined;
    for (const envelope of envelopes.slice(0, limit)) {
      if (ids.length > 0 && step.events.length >= MAX_EVENTS_PER_STEP) break;
      if (ids.length > 0 && loaded.commits.some((commit) => appliedBy(commit, envelope.id))) break;
      try {
        await decideInStepOfItsOwn(step, envelope.message);
      } catch (error) {
        if (isInfrastructureError(error)) throw error;
        undecided = ids.length;
        break;
      }
      ids.push(envelope.id);
      if (state.status !== 'RUNNING') break;
    }
    if (undecided === 0) return alone;
    if (undecided !== undefined) {
      // The step is half decided: read the log again and take only the messages before the one that threw,
      // which the next run starts with, to be decided (and failed) as applyTransition decides it.
      limit = undecided;
      attempt--;
      continue;
    }
    if (step.events.length === 0 && step.commands.length === 0 && step.messages.length === 0) {
      return ids.length;
    }
    const commit = commitOf(loaded, step, ids);
    if (!(await deps.log.append(executionArn, commit))) continue;
    await sendOutbox(deps, execution, commit);
    return ids.length;
  }
  throw new EngineError(
    'InfrastructureFailure',
    `Gave up applying ${first.id} and the messages after it to ${executionArn}: the log kept moving (${MAX_ATTEMPTS} attempts)`,
  );
}

/** How many of the envelopes, from the first, one step may take: those of its execution it may take together. */
function runLength(envelopes: readonly TransitionEnvelope[]): number {
  const [first] = envelopes;
  if (!first || TAKES_A_STEP_OF_ITS_OWN.has(first.message.type)) return 1;
  let length = 1;
  for (const envelope of envelopes.slice(1)) {
    if (envelope.executionArn !== first.executionArn || TAKES_A_STEP_OF_ITS_OWN.has(envelope.message.type))
      break;
    length++;
  }
  return length;
}

/** Whether the commit applied the message with this id. */
function appliedBy(commit: Commit, id: string): boolean {
  return commit.causedBy === id || (commit.alsoApplied?.includes(id) ?? false);
}

/**
 * A delivery again of messages already applied (the first of them, and those after it the same commits took):
 * each of those commits' outboxes is sent again, once, as applyTransition sends a duplicate's. Returns how many
 * of the envelopes, from the first, were applied.
 */
async function resendApplied(
  deps: EngineDeps,
  loaded: LoadedExecution,
  envelopes: readonly TransitionEnvelope[],
): Promise<number> {
  const commits: Commit[] = [];
  let applied = 0;
  for (const envelope of envelopes) {
    const commit = loaded.commits.find((candidate) => appliedBy(candidate, envelope.id));
    if (!commit) break;
    if (!commits.includes(commit)) commits.push(commit);
    applied++;
  }
  for (const commit of commits) await sendOutbox(deps, loaded.state.execution as ExecutionInfo, commit);
  return applied;
}

/**
 * Decides a message in the step as a step of its own would (decideStep, then running on, with its own room),
 * behind the messages earlier ones left: those are queued before whatever this one sends.
 */
async function decideInStepOfItsOwn(step: Step, message: TransitionMessage): Promise<void> {
  const earlier = step.messages;
  const eventsBefore = step.events.length;
  step.messages = [];
  const pending = decideStep(step, message);
  if (pending) await pending;
  await runOnInStep(step, eventsBefore);
  step.messages = [...earlier, ...step.messages];
}

async function apply(
  deps: EngineDeps,
  envelope: TransitionEnvelope,
  options?: ApplyOptions,
): Promise<ApplyOutcome | Declined> {
  const { executionArn, id } = envelope;
  const attempts = options?.attempts ?? MAX_ATTEMPTS;
  let message = envelope.message;
  // Off once a state run on in this step threw: the step is decided again with its own message only, so that the
  // state that threw is decided (and failed) in a step of its own, with its own cause.
  let runOn = true;
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt === 0 && message.type === 'start') {
      // A child run's start message: its commit 1 is written with no read first (the put is conditional). A start
      // delivered again finds commit 1 there, and reads the log below as any redelivery does.
      const started = await writeFirstCommit(deps, message.execution, message.input);
      if (started) return { kind: 'applied', ...started };
    }
    const loaded = await loadExecution(deps.log, executionArn);
    if (!loaded) {
      if (message.type !== 'start') return { kind: 'missing' };
      // A child run's start message: its commit 1 is written here (another writer may win: read again).
      const started = await writeFirstCommit(deps, message.execution, message.input);
      if (started) return { kind: 'applied', ...started };
      continue;
    }
    const { state } = loaded;
    const execution = state.execution as ExecutionInfo;
    if (message.type === 'start') {
      // The execution exists: this start is delivered again. Finish what a crash after commit 1 may have left
      // undone (the first sends, its listing among them); once later commits exist, the first sends were acted on.
      const first = loaded.commits.find((commit) => commit.n === 1);
      if (first) await sendOutbox(deps, execution, first);
      return { kind: 'duplicate', state };
    }
    // The FIFO queue holds back an execution's later messages until this one is deleted, so a commit that
    // applied it is among the newest: send its outbox again (the crash may have come before the sends).
    const applied = loaded.commits.find((commit) => appliedBy(commit, id));
    if (applied) {
      await sendOutbox(deps, execution, applied);
      return { kind: 'duplicate', state };
    }
    if (state.status !== 'RUNNING' && message.type !== 'redrive') {
      await stopOrphanedChild(deps, message);
      return { kind: 'stale', state };
    }
    if (options && !options.admits(state)) return { kind: 'declined' };
    if (!execution.source) throw new InvariantError(`${executionArn} has no definition source`);
    const definition = await deps.definitions.load(execution.source);
    let step: Step;
    try {
      // Failing the execution needs none of its states: a definition that cannot even be compiled still fails.
      const machine = compileMachine(
        message.type === 'fail' ? { StartAt: definition.StartAt, States: {} } : definition,
      );
      step = new Step(machine, state, stepEnv(deps));
      const pending = decideStep(step, message);
      if (pending) await pending;
    } catch (error) {
      // Deciding is pure: what threw once throws on every delivery (see decideFailure). An infrastructure
      // error cannot come from deciding; should one, it is retried like any other I/O.
      if (message.type === 'fail' || isInfrastructureError(error)) throw error;
      message = decideFailure(envelope.message, state, error);
      continue;
    }
    if (runOn && message.type !== 'fail') {
      try {
        await runOnInStep(step);
      } catch (error) {
        if (isInfrastructureError(error)) throw error;
        // The state is half decided: read the log again and decide the message alone (not an attempt lost).
        runOn = false;
        attempt--;
        continue;
      }
    }
    if (step.events.length === 0 && step.commands.length === 0 && step.messages.length === 0) {
      return { kind: 'stale', state };
    }
    const commit = commitOf(loaded, step, [id]);
    if (!(await deps.log.append(executionArn, commit))) continue;
    await sendOutbox(deps, execution, commit);
    return { kind: 'applied', state, commit };
  }
  if (options) return { kind: 'declined' };
  throw new EngineError(
    'InfrastructureFailure',
    `Gave up applying ${id} to ${executionArn}: the log kept moving (${MAX_ATTEMPTS} attempts)`,
  );
}

/**
 * The commit after the loaded log's newest of what the step decided, applying the messages with these ids (the
 * first is its `causedBy`), with a snapshot when one is due.
 */
function commitOf(loaded: LoadedExecution, step: Step, ids: readonly string[]): Commit {
  const n = loaded.lastCommit + 1;
  const { state } = step;
  const commit: Commit = {
    n,
    causedBy: ids[0] as string,
    ...(ids.length > 1 ? { alsoApplied: ids.slice(1) } : {}),
    events: step.events,
    outbox: {
      messages: step.messages,
      commands: step.commands,
      ...(state.status !== 'RUNNING' ? { closed: true } : {}),
    },
  };
  if (needsSnapshot(loaded, n, step.events.length)) commit.snapshot = state;
  return commit;
}

/** Applies a message the engine itself originates (stop, a give-up) under a fresh id. */
export function applyMessage(
  deps: EngineDeps,
  executionArn: string,
  kind: string,
  message: TransitionMessage,
): Promise<ApplyOutcome> {
  return applyTransition(deps, { executionArn, id: `${kind}:${(deps.uuid ?? randomUUID)()}`, message });
}

/**
 * Runs on, in the same step, the states that follow the message's: while deciding leaves exactly one message, an
 * advance (the next state is ready and needs nothing from outside), that advance is decided here instead of
 * being sent, as the first state runs in commit 1. Then the advances it leaves (a Parallel's branches, a Map's
 * first iterations) are decided here too, each as the step the FIFO queue would deliver it to would decide it
 * (running on the same way), in the order the queue would deliver them: first sent, first decided, and what each
 * sends behind the rest. What the step writes is what the separate steps would have written, in the same order,
 * in one commit; a Task, a Wait or a Distributed Map ends a scope's run (a command or a timer), and a message that
 * is not an advance stops the run (it and the rest are sent).
 */
async function runOnInStep(step: Step, eventsBefore = 0): Promise<void> {
  let states = 1;
  const room = () => states < MAX_STATES_PER_STEP && step.events.length - eventsBefore < MAX_EVENTS_PER_STEP;
  const decide = async (message: TransitionMessage) => {
    states++;
    const pending = decideStep(step, message);
    if (pending) await pending;
  };
  // One step's own run: its single advance after another.
  const runOn = async () => {
    while (step.messages.length === 1 && room()) {
      const [next] = step.messages;
      if (next?.type !== 'advance') return;
      step.messages = [];
      await decide(next);
    }
  };
  await runOn();
  // The advances it leaves, as the queue would deliver them, each to a step of its own that runs on.
  let queued = step.messages;
  step.messages = [];
  while (queued[0]?.type === 'advance' && room()) {
    const [next, ...others] = queued;
    await decide(next);
    await runOn();
    queued = [...others, ...step.messages];
    step.messages = [];
  }
  step.messages = queued;
}
