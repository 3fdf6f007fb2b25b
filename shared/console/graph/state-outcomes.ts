/**
 * What happened to each state of an execution, folded from its history as GetExecutionHistory answers it
 * (AWS's event shapes). The graph colours states by `status`; the console's state panel shows the rest.
 *
 * An event belongs to the state whose StateEntered event its `previousEventId` chain reaches, as in AWS's
 * histories; that keeps the states of concurrent Parallel branches and Map iterations apart.
 */
export type StateOutcomeStatus = 'succeeded' | 'failed' | 'caught' | 'running' | 'not-reached';

export interface HistoryEventLike {
  id?: number;
  previousEventId?: number;
  type?: string;
  /** Epoch seconds (the JSON API's timestamps), an ISO string or a Date. */
  timestamp?: number | string | Date;
  [details: string]: unknown;
}

export interface StateError {
  error?: string;
  cause?: string;
  /** The event type that carried it (TaskFailed, LambdaFunctionTimedOut, ExecutionFailed…). */
  eventType: string;
}

export interface StateOutcome {
  name: string;
  status: Exclude<StateOutcomeStatus, 'not-reached'>;
  /** How many times it was entered (a state in a Map runs once per iteration). */
  entered: number;
  /** Retries: task attempts after the first, across all entries. */
  retries: number;
  input?: string;
  output?: string;
  /** The error that failed it, or the one its Catch took. */
  error?: StateError;
  /** Errors of failed attempts that a Retry took. */
  retriedErrors: StateError[];
  /** Epoch milliseconds of its first entry and its last exit. */
  enteredAt?: number;
  exitedAt?: number;
  /** Map iterations by index, when the state is a Map. */
  iterations?: Array<'running' | 'succeeded' | 'failed' | 'aborted'>;
}

export function toMillis(timestamp: HistoryEventLike['timestamp']): number | undefined {
  if (timestamp === undefined) return undefined;
  if (typeof timestamp === 'number') return timestamp < 1e11 ? Math.round(timestamp * 1000) : timestamp;
  const ms = new Date(timestamp).getTime();
  return Number.isNaN(ms) ? undefined : ms;
}

/** The `…EventDetails` object of an event, if it has one. */
export function detailsOf(event: HistoryEventLike): Record<string, unknown> | undefined {
  for (const [key, value] of Object.entries(event)) {
    if (key.endsWith('EventDetails') && typeof value === 'object' && value !== null) {
      return value as Record<string, unknown>;
    }
  }
  return undefined;
}

const CLOSING = new Set(['ExecutionFailed', 'ExecutionTimedOut', 'ExecutionAborted']);
const ATTEMPT_START = new Set(['TaskScheduled', 'LambdaFunctionScheduled', 'ActivityScheduled']);

function isFailureEvent(type: string): boolean {
  if (CLOSING.has(type) || type.startsWith('MapIteration')) return false;
  return type.endsWith('Failed') || type.endsWith('TimedOut') || type === 'ExecutionAborted';
}

/** One outcome per state name that the history reaches; states it never reaches are absent. */
export function foldStateOutcomes(events: readonly HistoryEventLike[]): Map<string, StateOutcome> {
  const outcomes = new Map<string, StateOutcome>();
  const stateOfEvent = new Map<number, string>();
  /** Per state: the failure not yet followed by a retry or an exit. */
  const pending = new Map<string, StateError>();
  /** States entered and not exited, by how many entries are open. */
  const open = new Map<string, number>();
  /** The states the execution's close failed: a redrive takes them up again. */
  let closedOpen: string[] = [];

  const outcomeOf = (name: string): StateOutcome => {
    let outcome = outcomes.get(name);
    if (!outcome) {
      outcome = { name, status: 'running', entered: 0, retries: 0, retriedErrors: [] };
      outcomes.set(name, outcome);
    }
    return outcome;
  };

  for (const event of events) {
    const type = event.type ?? '';
    const details = detailsOf(event);
    const at = toMillis(event.timestamp);
    const inherited =
      event.previousEventId !== undefined ? stateOfEvent.get(event.previousEventId) : undefined;
    let state = inherited;

    if (type.endsWith('StateEntered') && typeof details?.name === 'string') {
      state = details.name;
      const outcome = outcomeOf(state);
      outcome.entered += 1;
      outcome.status = 'running';
      if (outcome.enteredAt === undefined && at !== undefined) outcome.enteredAt = at;
      if (typeof details.input === 'string') outcome.input = details.input;
      open.set(state, (open.get(state) ?? 0) + 1);
      pending.delete(state);
    } else if (type.endsWith('StateExited') && typeof details?.name === 'string') {
      state = details.name;
      const outcome = outcomeOf(state);
      const caught = pending.get(state);
      // A state in a Map that failed once stays failed-or-caught: a later iteration's success hides nothing.
      if (caught) {
        outcome.status = 'caught';
        outcome.error = caught;
      } else if (outcome.status === 'running') {
        outcome.status = (open.get(state) ?? 1) > 1 ? 'running' : 'succeeded';
      }
      if (typeof details.output === 'string') outcome.output = details.output;
      if (at !== undefined) outcome.exitedAt = at;
      open.set(state, Math.max(0, (open.get(state) ?? 1) - 1));
      pending.delete(state);
    } else if (state !== undefined && ATTEMPT_START.has(type)) {
      const failure = pending.get(state);
      if (failure) {
        const outcome = outcomeOf(state);
        outcome.retries += 1;
        outcome.retriedErrors.push(failure);
        pending.delete(state);
      }
    } else if (type.startsWith('MapIteration') && typeof details?.name === 'string') {
      // An iteration's events name their Map state; their chain may run through the iteration's states.
      state = details.name;
      const outcome = outcomeOf(state);
      const index = typeof details?.index === 'number' ? details.index : undefined;
      if (index !== undefined) {
        outcome.iterations ??= [];
        const status = type.slice('MapIteration'.length).toLowerCase();
        if (status === 'started') outcome.iterations[index] = 'running';
        else if (status === 'succeeded' || status === 'failed' || status === 'aborted')
          outcome.iterations[index] = status;
      }
    } else if (state !== undefined && isFailureEvent(type)) {
      pending.set(state, errorOf(type, details));
    } else if (CLOSING.has(type)) {
      // The execution closed: whatever was still open failed (with its own error, else the execution's).
      const closing = errorOf(type, details);
      closedOpen = [];
      for (const [name, count] of open) {
        if (count === 0) continue;
        closedOpen.push(name);
        const outcome = outcomeOf(name);
        outcome.status = 'failed';
        outcome.error = pending.get(name) ?? closing;
        if (at !== undefined) outcome.exitedAt = at;
      }
      open.clear();
    } else if (type === 'ExecutionRedriven') {
      // The states the close failed run again (entered again, or a Parallel/Map whose children run again).
      for (const name of closedOpen) {
        const outcome = outcomeOf(name);
        outcome.status = 'running';
        delete outcome.error;
        delete outcome.exitedAt;
        pending.delete(name);
      }
      closedOpen = [];
    }
    if (event.id !== undefined && state !== undefined) stateOfEvent.set(event.id, state);
  }
  return outcomes;
}

function errorOf(type: string, details: Record<string, unknown> | undefined): StateError {
  return {
    eventType: type,
    ...(typeof details?.error === 'string' ? { error: details.error } : {}),
    ...(typeof details?.cause === 'string' ? { cause: details.cause } : {}),
  };
}

/** A state's colour: its outcome, or `not-reached` when the history never entered it. */
export function statusOf(
  outcomes: ReadonlyMap<string, StateOutcome> | undefined,
  name: string | undefined,
): StateOutcomeStatus | undefined {
  if (!outcomes || name === undefined) return undefined;
  return outcomes.get(name)?.status ?? 'not-reached';
}
