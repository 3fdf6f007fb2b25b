import {
  type FunctionInvocation,
  functionInvocation,
  trackInvocations,
} from '../integrations/local-functions.ts';

const METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

/** `[reserveInventory order-42]`: the function, then the execution's name (the last part of its ARN). */
export function invocationPrefix(invocation: FunctionInvocation): string {
  const execution = invocation.executionArn?.split(':').at(-1);
  return execution === undefined
    ? `[${invocation.functionName}]`
    : `[${invocation.functionName} ${execution}]`;
}

/**
 * Makes what local functions print through `console` name who printed it: while a handler runs (its async
 * context, awaits included), each console line starts with the function and the execution, so the output of
 * concurrent executions stays readable in `statefold start`'s terminal. Output outside a handler is untouched.
 * Returns the function that puts the console back.
 */
export function prefixFunctionOutput(target: Console = console): () => void {
  trackInvocations(true);
  const originals = METHODS.map((method) => [method, target[method]] as const);
  for (const [method, original] of originals) {
    target[method] = (...args: unknown[]) => {
      const invocation = functionInvocation.getStore();
      if (invocation === undefined) return original.apply(target, args);
      const prefix = invocationPrefix(invocation);
      // A format string stays first, so `%s` placeholders still apply to the arguments after it.
      if (typeof args[0] === 'string')
        return original.apply(target, [`${prefix} ${args[0]}`, ...args.slice(1)]);
      return original.apply(target, [prefix, ...args]);
    };
  }
  return () => {
    for (const [method, original] of originals) target[method] = original;
    trackInvocations(false);
  };
}
