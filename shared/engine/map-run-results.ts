import type { TaskRequest } from '../execution/messages.ts';
import { StatesErrors } from '../language/states-error.ts';
import { isJsonObject, type JsonObject } from '../lib/json.ts';
import type { EngineDeps } from './engine-deps.ts';
import { isEngineError } from './engine-error.ts';
import { describeExecution, listExecutions } from './executions.ts';
import type { TaskOutcome } from './ports.ts';

/**
 * A Distributed Map's ResultWriter, as AWS writes it: the Map Run's child executions, grouped by status into
 * `<Prefix>/<map run id>/SUCCEEDED_0.json`, `FAILED_0.json` (and `PENDING_0.json` for children that never
 * ended), each a JSON array of the executions as DescribeExecution gives them (PascalCase, input and output as
 * JSON text), then `manifest.json` naming those files with their sizes. The Map's output says where:
 * `{MapRunArn, ResultWriterDetails: {Bucket, Key}}`. The manifest is written last, so a reader that finds it
 * finds every file it names; written again after a crash, each file holds the same executions.
 */

const STATUS_FILES = ['SUCCEEDED', 'FAILED', 'PENDING'] as const;
const DESCRIBE_AT_ONCE = 16;

export async function writeMapRunResults(
  deps: EngineDeps,
  request: Extract<TaskRequest, { kind: 'results' }>,
  signal?: AbortSignal,
): Promise<TaskOutcome> {
  const parameters = isJsonObject(request.parameters) ? request.parameters : {};
  const bucket = parameters.Bucket;
  if (typeof bucket !== 'string' || bucket === '') {
    return failed(
      `The ResultWriter's Bucket must be a non-empty string, but was ${JSON.stringify(bucket ?? null)}`,
    );
  }
  const prefix = typeof parameters.Prefix === 'string' ? parameters.Prefix.replace(/\/+$/, '') : '';
  const putObject = deps.services?.putObject?.bind(deps.services);
  if (!putObject) {
    return failed(
      'Statefold cannot write results to S3 here: no service integrations are configured (give the engine an S3 endpoint, or run it with statefold start).',
    );
  }
  const runId = request.mapRunArn.slice(request.mapRunArn.lastIndexOf(':') + 1);
  const folder = prefix === '' ? runId : `${prefix}/${runId}`;
  const groups: Record<(typeof STATUS_FILES)[number], JsonObject[]> = {
    SUCCEEDED: [],
    FAILED: [],
    PENDING: [],
  };
  for (const entry of await childEntries(deps, request.mapRunArn)) {
    const status =
      entry.Status === 'SUCCEEDED' ? 'SUCCEEDED' : entry.Status === 'RUNNING' ? 'PENDING' : 'FAILED';
    groups[status].push(entry);
  }
  const resultFiles: Record<string, JsonObject[]> = { FAILED: [], PENDING: [], SUCCEEDED: [] };
  try {
    for (const status of STATUS_FILES) {
      if (groups[status].length === 0) continue;
      const key = `${folder}/${status}_0.json`;
      const body = JSON.stringify(groups[status]);
      await putObject({ bucket, key, body, ...(signal ? { signal } : {}) });
      resultFiles[status] = [{ Key: key, Size: Buffer.byteLength(body) }];
    }
    const manifestKey = `${folder}/manifest.json`;
    const manifest = { DestinationBucket: bucket, MapRunArn: request.mapRunArn, ResultFiles: resultFiles };
    await putObject({
      bucket,
      key: manifestKey,
      body: JSON.stringify(manifest),
      ...(signal ? { signal } : {}),
    });
    return {
      ok: true,
      output: { MapRunArn: request.mapRunArn, ResultWriterDetails: { Bucket: bucket, Key: manifestKey } },
    };
  } catch (error) {
    if (isEngineError(error, 'S3WriteRefused')) return failed(error.message);
    throw error;
  }
}

const failed = (cause: string): TaskOutcome => ({ ok: false, error: StatesErrors.ResultWriterFailed, cause });

/** Every child execution of the Map Run, described as the result files hold it. */
async function childEntries(deps: EngineDeps, mapRunArn: string): Promise<JsonObject[]> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await listExecutions(deps, {
      mapRunArn,
      maxResults: 1000,
      ...(nextToken ? { nextToken } : {}),
    });
    for (const execution of page.executions) arns.push(execution.executionArn);
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  const entries: JsonObject[] = new Array(arns.length);
  for (let start = 0; start < arns.length; start += DESCRIBE_AT_ONCE) {
    const slice = arns.slice(start, start + DESCRIBE_AT_ONCE);
    const described = await Promise.all(
      slice.map((executionArn) => describeExecution(deps, { executionArn })),
    );
    described.forEach((execution, offset) => {
      const entry: JsonObject = {
        ExecutionArn: execution.executionArn,
        Input: execution.input ?? '',
        InputDetails: { Included: true },
        Name: execution.name,
        RedriveCount: execution.redriveCount,
        RedriveStatus: execution.redriveStatus,
        ...(execution.redriveStatusReason !== undefined
          ? { RedriveStatusReason: execution.redriveStatusReason }
          : {}),
        StartDate: execution.startDate.toISOString(),
        StateMachineArn: execution.stateMachineArn,
        Status: execution.status,
      };
      if (execution.status === 'SUCCEEDED') {
        entry.Output = execution.output ?? '';
        entry.OutputDetails = { Included: true };
      }
      if (execution.error !== undefined) entry.Error = execution.error;
      if (execution.cause !== undefined) entry.Cause = execution.cause;
      if (execution.stopDate !== undefined) entry.StopDate = execution.stopDate.toISOString();
      entries[start + offset] = entry;
    });
  }
  return entries;
}
