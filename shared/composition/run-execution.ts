import { type ExecutionResult, type RunInMemoryOptions, runInMemory } from '../engine/run-execution.ts';
import { type LambdaHandler, LocalFunctions } from '../integrations/local-functions.ts';

export type { ExecutionResult } from '../engine/run-execution.ts';

export interface RunExecutionOptions extends Omit<RunInMemoryOptions, 'lambda'> {
  /** Local Lambda handlers by function name or ARN, for the Task states that call Lambda. */
  functions?: Record<string, LambdaHandler>;
  /** Invoke Lambda through this instead of `functions`. */
  lambda?: RunInMemoryOptions['lambda'];
}

/**
 * Runs one execution in this process (the `statefold run` command and the library's entry point): the
 * in-memory runner with Task states' Lambda calls going to local handlers.
 */
export function runExecution(options: RunExecutionOptions): Promise<ExecutionResult> {
  const { functions, lambda, ...rest } = options;
  return runInMemory({
    ...rest,
    lambda:
      lambda ??
      new LocalFunctions(functions ?? {}, options.region ?? 'us-east-1', options.accountId ?? '123456789012'),
  });
}
