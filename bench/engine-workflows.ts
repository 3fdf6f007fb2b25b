import { readFileSync } from 'node:fs';
import * as orderFunctions from '../examples/order-processing/functions.ts';
import type { LambdaHandler } from '../shared/integrations/local-functions.ts';

/** The workflows the durable engine benchmark runs, and the local Lambda functions they call. */

/** A chain of `length` Pass states: each step of the engine enters exactly one state. */
export function passChainDefinition(length: number): object {
  const states: Record<string, object> = {};
  for (let i = 1; i <= length; i++) {
    states[`Pass${i}`] = {
      Type: 'Pass',
      Parameters: { 'step.$': `States.MathAdd($.step, 1)` },
      ...(i < length ? { Next: `Pass${i + 1}` } : { End: true }),
    };
  }
  return { Comment: `${length} Pass states in a row`, StartAt: 'Pass1', States: states };
}

/** An inline Map over the input's items whose iterations each invoke the `echo` function. */
export function lambdaMapDefinition(maxConcurrency: number): object {
  return {
    Comment: 'A Map whose iterations each call a Lambda function',
    StartAt: 'EachItem',
    States: {
      EachItem: {
        Type: 'Map',
        ItemsPath: '$.items',
        MaxConcurrency: maxConcurrency,
        ItemProcessor: {
          StartAt: 'Echo',
          States: {
            Echo: {
              Type: 'Task',
              Resource: 'arn:aws:states:::lambda:invoke',
              Parameters: { FunctionName: 'echo', 'Payload.$': '$' },
              OutputPath: '$.Payload',
              End: true,
            },
          },
        },
        End: true,
      },
    },
  };
}

/**
 * A loop that never ends by itself: a Pass adds one to a counter (States.MathAdd), a Choice sends it back while
 * the counter is below `limit`. Each turn appends four history events.
 */
export function counterLoopDefinition(limit: number): object {
  return {
    Comment: 'Counter loop: Pass + Choice, four history events a turn',
    StartAt: 'Increment',
    States: {
      Increment: {
        Type: 'Pass',
        Parameters: { 'count.$': 'States.MathAdd($.count, 1)' },
        Next: 'Loop',
      },
      Loop: {
        Type: 'Choice',
        Choices: [{ Variable: '$.count', NumericLessThan: limit, Next: 'Increment' }],
        Default: 'Done',
      },
      Done: { Type: 'Succeed' },
    },
  };
}

/** The order-processing example: Task (Lambda), Choice, Pass, Parallel, Map, Retry with a 1 s backoff, Catch. */
export function orderProcessingDefinition(): string {
  return readFileSync(new URL('../examples/order-processing/definition.json', import.meta.url), 'utf8');
}

/** The example's input, with an order id of its own (its payment function fails once per order id). */
export function orderProcessingInput(orderId: string): object {
  const input = JSON.parse(
    readFileSync(new URL('../examples/order-processing/input.json', import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
  return { ...input, orderId };
}

export const BENCH_FUNCTIONS: Record<string, LambdaHandler> = {
  ...(orderFunctions as unknown as Record<string, LambdaHandler>),
  echo: ((event: unknown) => event) as LambdaHandler,
};
