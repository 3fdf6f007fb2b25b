import type { EventOfType, StateEnteredType } from '../../history/events.ts';
import type { ScopeState } from '../../history/execution-state.ts';
import { type StatesError, StatesErrors } from '../../language/states-error.ts';
import { failState } from '../flow.ts';
import type { Step } from '../step.ts';

/** Writes `<Type>StateEntered` for the scope's current state; returns the event's id. */
export function enterState(step: Step, scope: ScopeState, waitUntil?: number): number {
  const event: EventOfType<StateEnteredType> = {
    id: 0,
    timestamp: 0,
    type: step.infoOf(scope).entered,
    scope: scope.id,
    previousEventId: scope.lastEventId,
    name: scope.stateName,
    input: scope.input,
  };
  if (waitUntil !== undefined) event.waitUntil = waitUntil;
  return step.emitEntered(event);
}

/** Fails the current state with an error raised while it processed data, in AWS's cause wording. */
export function failWith(step: Step, scope: ScopeState, error: StatesError): void {
  failState(step, scope, error.error, causeOf(step, scope, error));
}

/** AWS prefixes the state and event id to the causes of States.Runtime and States.QueryEvaluationError only. */
const DECORATED: ReadonlySet<string> = new Set([StatesErrors.Runtime, StatesErrors.QueryEvaluationError]);

export function causeOf(step: Step, scope: ScopeState, error: StatesError): string {
  return DECORATED.has(error.error) ? step.runtimeCause(scope, error.errorCause) : error.errorCause;
}
