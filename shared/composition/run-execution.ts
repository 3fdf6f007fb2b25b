import { type ExecutionResult, type RunInMemoryOptions, runInMemory } from '../engine/run-execution.ts';
import { type LambdaHandler, LocalFunctions } from '../integrations/local-functions.ts';
import type { HttpIntegrationConfig } from '../integrations/sdk-clients.ts';
import { SdkServiceCalls } from '../integrations/service-calls.ts';

export type { ExecutionResult } from '../engine/run-execution.ts';

export interface RunExecutionOptions extends Omit<RunInMemoryOptions, 'lambda'> {
  /** Local Lambda handlers by function name or ARN, for the Task states that call Lambda. */
  functions?: Record<string, LambdaHandler>;
  /** Invoke Lambda through this instead of `functions`. */
  lambda?: RunInMemoryOptions['lambda'];
  /**
   * Task states' service integrations, as in the local config: `endpoints` by SDK service name (`dynamodb`,
   * `sqs`, `sns`, `s3` …), an URL (an emulator: any credentials) or `aws` (AWS's own, with the default
   * credential chain). A service with no endpoint fails its Tasks with States.TaskFailed. `http`: the hosts
   * HTTP Tasks may call and their connections. `services` replaces the whole port.
   */
  integrations?: { endpoints?: Readonly<Record<string, string>>; http?: HttpIntegrationConfig };
  /**
   * The state machines `states:startExecution` Tasks may start (request-response, `.sync`, `.sync:2`), by name
   * or ARN: a definition (text or object) or `{ definition, type }`. Each child runs here, on the same clock.
   */
  stateMachines?: RunInMemoryOptions['stateMachines'];
}

/**
 * Runs one execution in this process (the `statefold run` command and the library's entry point): the
 * in-memory runner with Task states' Lambda calls going to local handlers and service calls to the
 * endpoints of `integrations`.
 */
export async function runExecution(options: RunExecutionOptions): Promise<ExecutionResult> {
  const { functions, lambda, integrations, services, ...rest } = options;
  const region = options.region ?? 'us-east-1';
  const built =
    services === undefined && integrations !== undefined
      ? new SdkServiceCalls({
          region,
          endpoints: integrations.endpoints ?? {},
          requireEndpoint: true,
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
          ...(integrations.http !== undefined ? { http: integrations.http } : {}),
        })
      : undefined;
  try {
    return await runInMemory({
      ...rest,
      lambda: lambda ?? new LocalFunctions(functions ?? {}, region, options.accountId ?? '123456789012'),
      services: services ?? built,
    });
  } finally {
    built?.destroy();
  }
}
