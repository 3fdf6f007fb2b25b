/**
 * A queue adapter's failed send says which of the messages it was given did not go (by their index in the
 * call), so that a caller that sent several records' messages together fails only the records whose messages
 * did not go, and sends no message twice (shared/engine/buffered-queues.ts). An error without this mark says
 * nothing of what went: every message of the call is taken as unsent.
 */
const UNSENT = Symbol('statefold.unsent');

/** `error`, marked with the indices of the call's messages that did not go. */
export function withUnsent<E extends object>(error: E, unsent: Iterable<number>): E {
  Object.defineProperty(error, UNSENT, { value: new Set(unsent), enumerable: false, configurable: true });
  return error;
}

/** The indices of the messages that did not go, when the error says. */
export function unsentOf(error: unknown): ReadonlySet<number> | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  return (error as { [UNSENT]?: ReadonlySet<number> })[UNSENT];
}
