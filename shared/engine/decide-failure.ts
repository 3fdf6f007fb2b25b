import type { TransitionMessage } from '../execution/messages.ts';
import type { ExecutionState } from '../history/execution-state.ts';
import { StatesErrors } from '../language/states-error.ts';

/**
 * What fails an execution whose step could not be decided (a bug, a library that throws where it should
 * not): deciding is pure, so what threw once throws on every delivery, and the execution fails with
 * States.Runtime in the commit the message would have written, rather than after its retries have taken the
 * message to the dead-letter queue. The cause names the state the message was applied to and the error.
 */
export function decideFailure(
  message: TransitionMessage,
  state: ExecutionState | undefined,
  error: unknown,
): Extract<TransitionMessage, { type: 'fail' }> {
  const scope = state && 'scope' in message ? state.scopes[message.scope] : undefined;
  const where = scope ? `the state '${scope.stateName}'` : 'the execution';
  const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return {
    type: 'fail',
    error: StatesErrors.Runtime,
    cause: `Statefold could not apply a '${message.type}' transition to ${where}: ${what}`,
  };
}
