import type { MiddlewareObj } from '@middy/core';
import type { Context, SQSEvent } from 'aws-lambda';
import { describeError } from '../lib/describe-error.ts';

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

/**
 * Takes only events from `eventSourceArn` (the handler's own queue; no check without one): a principal allowed to
 * invoke the function directly cannot hand it transitions, task requests or timers of its own making. A record
 * from anywhere else fails the whole invocation before any record is handled.
 */
export function acceptOnlyFrom<R>(
  handlerName: string,
  eventSourceArn: string | undefined,
): MiddlewareObj<SQSEvent, R, Error, DeadlineContext> {
  return {
    before: (request) => {
      if (eventSourceArn === undefined) return;
      const records = Array.isArray(request.event?.Records) ? request.event.Records : [];
      const foreign = records.find((record) => record?.eventSourceARN !== eventSourceArn);
      if (records.length === 0 || foreign) {
        throw new Error(
          `The ${handlerName} handler takes SQS events of ${eventSourceArn} only, not ${
            foreign
              ? `a record from ${foreign.eventSourceARN ?? 'no event source'}`
              : 'an event without records'
          }`,
        );
      }
    },
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
          error: describeError(error),
        }),
      );
    },
  };
}
