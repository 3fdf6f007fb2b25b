import type { FailureHandling } from '../history/events.ts';
import type { ScopeState } from '../history/execution-state.ts';
import { StatesErrors } from '../language/states-error.ts';
import type { Catcher, Retrier, StateDefinition } from '../language/types.ts';
import { InvariantError } from '../lib/invariant-error.ts';

/**
 * Retry and Catch, as the States language defines them: retriers are scanned in order and the first whose
 * ErrorEquals matches decides (if its attempts are used up, the catchers are tried, not later retriers);
 * then the first matching catcher. `States.ALL` matches everything but `States.Runtime` and the terminal
 * `States.DataLimitExceeded` (which only its own name matches); `States.TaskFailed` matches everything
 * `States.ALL` does but `States.Timeout`.
 */
const NEVER_HANDLED: ReadonlySet<string> = new Set([StatesErrors.Runtime]);
const NO_WILDCARD: ReadonlySet<string> = new Set([StatesErrors.DataLimitExceeded]);

export function errorMatches(errorEquals: readonly string[], error: string, alias?: string): boolean {
  if (NEVER_HANDLED.has(error)) return false;
  const wildcards = !NO_WILDCARD.has(error);
  for (const name of errorEquals) {
    if (name === error || name === alias) return true;
    if (!wildcards) continue;
    if (name === StatesErrors.ALL) return true;
    if (name === StatesErrors.TaskFailed && error !== StatesErrors.Timeout) return true;
  }
  return false;
}

const DEFAULT_INTERVAL_SECONDS = 1;
const DEFAULT_MAX_ATTEMPTS = 3;
const DEFAULT_BACKOFF_RATE = 2;

/** Milliseconds to wait before the retry that follows `attemptsSoFar` retries by this retrier. */
export function retryDelayMs(retrier: Retrier, attemptsSoFar: number, random: () => number): number {
  const interval = retrier.IntervalSeconds ?? DEFAULT_INTERVAL_SECONDS;
  const rate = retrier.BackoffRate ?? DEFAULT_BACKOFF_RATE;
  let seconds = interval * rate ** attemptsSoFar;
  if (retrier.MaxDelaySeconds !== undefined) seconds = Math.min(seconds, retrier.MaxDelaySeconds);
  if (retrier.JitterStrategy === 'FULL') seconds = random() * seconds;
  return Math.round(seconds * 1000);
}

export interface HandlingOptions {
  /** False when the failure has no event of its own to hang a retry on (input/output processing). */
  retriable: boolean;
  /** Another name the error answers to: a missed heartbeat is reported as States.Timeout, yet
   *  `States.HeartbeatTimeout` in ErrorEquals matches it. */
  alias?: string;
  now: number;
  random: () => number;
}

export function chooseHandling(
  state: StateDefinition,
  scope: ScopeState,
  error: string,
  options: HandlingOptions,
): FailureHandling {
  const retriers: readonly Retrier[] = 'Retry' in state ? (state.Retry ?? []) : [];
  const catchers: readonly Catcher[] = 'Catch' in state ? (state.Catch ?? []) : [];
  if (options.retriable) {
    const index = retriers.findIndex((retrier) => errorMatches(retrier.ErrorEquals, error, options.alias));
    const retrier = retriers[index];
    if (retrier) {
      const done = scope.retries[index] ?? 0;
      if (done < (retrier.MaxAttempts ?? DEFAULT_MAX_ATTEMPTS)) {
        return {
          kind: 'retry',
          retrier: index,
          until: options.now + retryDelayMs(retrier, done, options.random),
        };
      }
    }
  }
  const catcher = catchers.findIndex((c) => errorMatches(c.ErrorEquals, error, options.alias));
  if (catcher >= 0) return { kind: 'catch', catcher };
  return { kind: 'propagate' };
}

export function getCatcher(state: StateDefinition, index: number): Catcher {
  const catcher = 'Catch' in state ? state.Catch?.[index] : undefined;
  if (!catcher) throw new InvariantError(`Catcher ${index} does not exist`);
  return catcher;
}
