import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';

/**
 * The middy middlewares every Statefold handler runs with: a signal that aborts the handler's own calls a
 * little before Lambda's deadline (so a slow Invoke fails its record cleanly instead of Lambda killing the
 * whole batch mid-write), and one structured log line for an error that escapes the handler.
 */

/** The handler's context, with the signal that fires `marginMs` before the invocation's deadline. */
export interface DeadlineContext extends Context {
  deadline?: AbortSignal;
}

/** Time kept back from Lambda's deadline for the handler to report its batch. */
export const DEADLINE_MARGIN_MS = 5_000;

export function deadlineSignal<E, R>(
  marginMs = DEADLINE_MARGIN_MS,
): MiddlewareObj<E, R, Error, DeadlineContext> {
  const timers = new WeakMap<object, NodeJS.Timeout>();
  const clear = (request: { context: DeadlineContext }) => {
    clearTimeout(timers.get(request.context));
    timers.delete(request.context);
  };
  return {
    before: (request) => {
      const remaining = request.context?.getRemainingTimeInMillis?.();
      if (remaining === undefined) return;
      const controller = new AbortController();
      const timer = setTimeout(
        () => controller.abort(new Error(`The handler's deadline is ${marginMs} ms away`)),
        Math.max(0, remaining - marginMs),
      );
      timer.unref();
      timers.set(request.context, timer);
      request.context.deadline = controller.signal;
    },
    after: clear,
    onError: clear,
  };
}

/** Logs an error that escapes the handler (the whole batch or request failed), then lets Lambda see it. */
export function logEscapedErrors<E, R>(handlerName: string): MiddlewareObj<E, R, Error, DeadlineContext> {
  return {
    onError: (request) => {
      const error = request.error;
      console.error(
        JSON.stringify({
          level: 'ERROR',
          message: `The ${handlerName} handler failed`,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        }),
      );
    },
  };
}
