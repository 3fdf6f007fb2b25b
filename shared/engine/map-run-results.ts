import { compileMachine } from '../execution/compile-machine.ts';
import type { TaskRequest } from '../execution/messages.ts';
import { pendingChildInputs } from '../execution/states/children.ts';
import { Step } from '../execution/step.ts';
import { StatesErrors } from '../language/states-error.ts';
import type { ResultOutputType, ResultTransformation } from '../language/types.ts';
import { isJsonObject, type Json, type JsonObject } from '../lib/json.ts';
import { type EngineDeps, stepEnv } from './engine-deps.ts';
import { isEngineError } from './engine-error.ts';
import { describeExecution, describeListedChild, type ExecutionDescription } from './executions.ts';
import { loadExecution } from './load-execution.ts';
import type { ExecutionHead, TaskOutcome } from './ports.ts';

/**
 * A Distributed Map's ResultWriter, as AWS writes it: the Map Run's child executions, grouped by status into
 * `<Prefix>/<map run id>/SUCCEEDED_<n>.json`, `FAILED_<n>.json` (and `PENDING_<n>.json` for children that never
 * ended), then `manifest.json` naming those files with their sizes. The Map's output says where:
 * `{MapRunArn, ResultWriterDetails: {Bucket, Key}}`. The manifest is written last, so a reader that finds it
 * finds every file it names; written again after a crash, each file holds the same executions.
 *
 * WriterConfig shapes the files (AWS: the developer guide, ResultWriter): `OutputType` JSON writes each file as one
 * JSON array, JSONL as JSON Lines (one entry a line); `Transformation` NONE (the default) writes each execution as
 * DescribeExecution gives it (PascalCase, input and output as JSON text), COMPACT writes each succeeded child's
 * output, FLATTEN each element of a succeeded child's output that is an array. Failed and pending children are
 * written as with NONE whatever the Transformation, as AWS writes them. A file holds at most `resultFileBytes`
 * (AWS: 5 GB); the entries past that go to the next file of its status, `_1`, `_2`…
 */

const STATUS_FILES = ['SUCCEEDED', 'FAILED', 'PENDING'] as const;
type StatusFile = (typeof STATUS_FILES)[number];
const DESCRIBE_AT_ONCE = 16;
/** Children listed per Query of the Map Run's partition (ListExecutions' largest page). */
const LIST_PAGE = 1000;
/** AWS's largest result file: 5 GB, S3's largest single PUT. */
export const RESULT_FILE_BYTES = 5 * 1024 ** 3;

type ResultsRequest = Extract<TaskRequest, { kind: 'results' }>;

/** The Map state whose results are written: its execution and scope (where a failed run's pending items are). */
export interface ResultsOrigin {
  executionArn: string;
  scope: string;
}

export async function writeMapRunResults(
  deps: EngineDeps,
  request: ResultsRequest,
  signal?: AbortSignal,
  origin?: ResultsOrigin,
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
  const put = (key: string, body: Buffer) => putObject({ bucket, key, body, ...(signal ? { signal } : {}) });
  const files = new ResultFiles(
    folder,
    request.outputType ?? 'JSON',
    deps.resultFileBytes ?? RESULT_FILE_BYTES,
    put,
  );
  const transformation = request.transformation ?? 'NONE';
  try {
    for await (const entry of childEntries(deps, request.mapRunArn)) {
      const status: StatusFile =
        entry.Status === 'SUCCEEDED' ? 'SUCCEEDED' : entry.Status === 'RUNNING' ? 'PENDING' : 'FAILED';
      for (const written of status === 'SUCCEEDED' ? transformed(entry, transformation) : [entry]) {
        await files.add(status, written);
      }
    }
    if (request.pending && origin) {
      for (const entry of await pendingEntries(deps, origin)) await files.add('PENDING', entry);
    }
    const resultFiles = await files.close();
    const manifestKey = `${folder}/manifest.json`;
    const manifest = { DestinationBucket: bucket, MapRunArn: request.mapRunArn, ResultFiles: resultFiles };
    await put(manifestKey, Buffer.from(JSON.stringify(manifest)));
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

/** A succeeded child's entries under a Transformation: its execution (NONE), its output (COMPACT), or that flattened. */
function transformed(entry: JsonObject, transformation: ResultTransformation): Json[] {
  if (transformation === 'NONE') return [entry];
  const output = JSON.parse(
    typeof entry.Output === 'string' && entry.Output !== '' ? entry.Output : 'null',
  ) as Json;
  return transformation === 'FLATTEN' && Array.isArray(output) ? output : [output];
}

/**
 * The result files being written: per status, the entries of its current file, written once the next entry would
 * take it past the size limit (a file holds one entry at least), the rest at `close`.
 */
class ResultFiles {
  readonly #open: Record<StatusFile, { parts: Buffer[]; bytes: number }> = {
    SUCCEEDED: { parts: [], bytes: 0 },
    FAILED: { parts: [], bytes: 0 },
    PENDING: { parts: [], bytes: 0 },
  };
  readonly #written: Record<StatusFile, JsonObject[]> = { SUCCEEDED: [], FAILED: [], PENDING: [] };

  readonly #folder: string;
  readonly #outputType: ResultOutputType;
  readonly #limit: number;
  readonly #put: (key: string, body: Buffer) => Promise<void>;

  constructor(
    folder: string,
    outputType: ResultOutputType,
    limit: number,
    put: (key: string, body: Buffer) => Promise<void>,
  ) {
    this.#folder = folder;
    this.#outputType = outputType;
    this.#limit = limit;
    this.#put = put;
  }

  async add(status: StatusFile, entry: Json): Promise<void> {
    const part = Buffer.from(JSON.stringify(entry));
    if (
      this.#open[status].parts.length > 0 &&
      this.#open[status].bytes + this.#cost(part, false) > this.#limit
    ) {
      await this.#flush(status);
    }
    const open = this.#open[status];
    open.bytes += this.#cost(part, open.parts.length === 0);
    open.parts.push(part);
  }

  /** The bytes an entry adds: JSON `[a,b]` (the brackets with the first, a comma before each other); JSONL a line. */
  #cost(part: Buffer, first: boolean): number {
    if (this.#outputType === 'JSONL') return part.length + 1;
    return part.length + (first ? 2 : 1);
  }

  /** Writes what is left; the manifest's ResultFiles, every status listed (empty when none). */
  async close(): Promise<Record<string, JsonObject[]>> {
    for (const status of STATUS_FILES) if (this.#open[status].parts.length > 0) await this.#flush(status);
    return {
      FAILED: this.#written.FAILED,
      PENDING: this.#written.PENDING,
      SUCCEEDED: this.#written.SUCCEEDED,
    };
  }

  async #flush(status: StatusFile): Promise<void> {
    const open = this.#open[status];
    const body =
      this.#outputType === 'JSONL'
        ? Buffer.concat(open.parts.flatMap((part) => [part, NEWLINE]))
        : Buffer.concat([
            OPEN,
            ...open.parts.flatMap((part, i) => (i === 0 ? [part] : [COMMA, part])),
            CLOSE,
          ]);
    const key = `${this.#folder}/${status}_${this.#written[status].length}.json`;
    await this.#put(key, body);
    this.#written[status].push({ Key: key, Size: body.length });
    open.parts = [];
    open.bytes = 0;
  }
}

const OPEN = Buffer.from('[');
const CLOSE = Buffer.from(']');
const COMMA = Buffer.from(',');
const NEWLINE = Buffer.from('\n');

/**
 * A failed Map Run's items never started, as AWS lists them in PENDING_<n>.json: the input each would have had
 * (as JSON text) and its status, nothing else (no execution ever had them). They are read from the parent's state,
 * which waits for this write; the Map's ItemSelector gives each its input, as a child's start would have.
 */
async function pendingEntries(deps: EngineDeps, origin: ResultsOrigin): Promise<JsonObject[]> {
  const state = (await loadExecution(deps.log, origin.executionArn))?.state;
  const parent = state?.scopes[origin.scope];
  const source = state?.execution?.source;
  if (!state || !parent || !source) return [];
  const step = new Step(compileMachine(await deps.definitions.load(source)), state, stepEnv(deps));
  return pendingChildInputs(step, parent).map((input) => ({
    Input: JSON.stringify(input),
    InputDetails: { Included: true },
    Status: 'PENDING',
  }));
}

/** Every child execution of the Map Run, described as the result files hold it. */
async function* childEntries(deps: EngineDeps, mapRunArn: string): AsyncGenerator<JsonObject> {
  let nextToken: string | undefined;
  do {
    const page = await deps.log.listExecutions({
      mapRunArn,
      limit: LIST_PAGE,
      ...(nextToken ? { nextToken } : {}),
    });
    nextToken = page.nextToken;
    yield* describedEntries(deps, page.items);
  } while (nextToken !== undefined);
}

/**
 * One page of children, described in the page's order: from its listing a child that succeeded in its first
 * commit (its entry carries its input and output), the others by DescribeExecution, a few at once.
 */
async function* describedEntries(deps: EngineDeps, heads: ExecutionHead[]): AsyncGenerator<JsonObject> {
  for (let start = 0; start < heads.length; start += DESCRIBE_AT_ONCE) {
    const slice = heads.slice(start, start + DESCRIBE_AT_ONCE);
    const described = await Promise.all(
      slice.map((head) =>
        head.status === 'SUCCEEDED' && head.result !== undefined
          ? describeListedChild(head, head.result)
          : describeExecution(deps, { executionArn: head.executionArn }),
      ),
    );
    for (const execution of described) yield resultEntry(execution);
  }
}

/** An execution as a result file holds it: DescribeExecution's answer in PascalCase, dates as ISO text. */
function resultEntry(execution: ExecutionDescription): JsonObject {
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
  return entry;
}
