import { randomUUID } from 'node:crypto';
import type { EngineDeps } from '../engine-deps.ts';
import { EngineError } from '../engine-error.ts';
import { keepExpressRun, runExpress } from '../express-executions.ts';
import { validateName } from '../names.ts';
import { resolveStartTarget } from '../state-machine-versions.ts';

/**
 * StartSyncExecution: an EXPRESS machine's current definition runs to its end inside the request, on the
 * in-memory core, and the answer is its result (200 even when the workflow fails, as AWS answers).
 */
export interface StartSyncExecutionInput {
  stateMachineArn: string;
  name?: string;
  input?: string;
  traceHeader?: string;
  includedData?: 'ALL_DATA' | 'METADATA_ONLY';
}

export interface StartSyncExecutionOutput {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  startDate: Date;
  stopDate: Date;
  status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  error?: string;
  cause?: string;
  input?: string;
  inputDetails: { included: boolean };
  output?: string;
  outputDetails: { included: boolean };
  traceHeader?: string;
  billingDetails: { billedMemoryUsedInMB: number; billedDurationInMilliseconds: number };
}

/** AWS bills Express runs in 64 MB and 100 ms steps; the smallest bill is 64 MB for 100 ms (obs.). */
const BILLED_MEMORY_MB = 64;
const BILLED_DURATION_STEP_MS = 100;

// AWS: LocalStack's AWS-recorded test_sfn_api_express.snapshot.json (ListExecutions of an EXPRESS machine).
export const NOT_SUPPORTED = 'This operation is not supported by this type of state machine';

export async function startSyncExecution(
  deps: EngineDeps,
  request: StartSyncExecutionInput,
): Promise<StartSyncExecutionOutput> {
  // A version ARN runs the version's revision; an alias ARN one of its versions', picked by weight.
  const { machine, revisionId } = await resolveStartTarget(deps, request.stateMachineArn);
  if (machine.type !== 'EXPRESS') throw new EngineError('StateMachineTypeNotSupported', NOT_SUPPORTED);
  const name = request.name ?? randomUUID();
  validateName(name);
  const revision = await deps.log.getRevision(machine.stateMachineArn, revisionId);
  const result = await runExpress(deps, machine, {
    name,
    input: request.input ?? '{}',
    revisionId,
    roleArn: revision?.roleArn ?? machine.roleArn,
  });
  await keepExpressRun(deps, machine, result);
  const stopDate = result.stopDate ?? new Date();
  const data = request.includedData !== 'METADATA_ONLY';
  const elapsed = Math.max(0, stopDate.getTime() - result.startDate.getTime());
  const output: StartSyncExecutionOutput = {
    executionArn: result.executionArn,
    stateMachineArn: machine.stateMachineArn,
    name,
    startDate: result.startDate,
    stopDate,
    status: syncStatusOf(result.status),
    inputDetails: { included: data },
    outputDetails: { included: data },
    billingDetails: {
      billedMemoryUsedInMB: BILLED_MEMORY_MB,
      billedDurationInMilliseconds:
        Math.max(1, Math.ceil(elapsed / BILLED_DURATION_STEP_MS)) * BILLED_DURATION_STEP_MS,
    },
  };
  if (data) output.input = result.input;
  if (data && result.output !== undefined) output.output = result.output;
  if (result.error !== undefined) output.error = result.error;
  if (result.cause !== undefined) output.cause = result.cause;
  if (request.traceHeader !== undefined) output.traceHeader = request.traceHeader;
  return output;
}

function syncStatusOf(status: string): StartSyncExecutionOutput['status'] {
  return status === 'SUCCEEDED' || status === 'TIMED_OUT' ? status : 'FAILED';
}
