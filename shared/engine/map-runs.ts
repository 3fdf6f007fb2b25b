import type { ExecutionEvent } from '../history/events.ts';
import { writesToS3 } from '../history/execution-state.ts';
import { isJsonObject } from '../lib/json.ts';
import { applyMessage } from './apply-transition.ts';
import type { EngineDeps } from './engine-deps.ts';
import { EngineError } from './engine-error.ts';
import { requireExecution } from './executions.ts';
import { parseExecutionArn, parseMapRunArn } from './names.ts';

/**
 * The Map Run operations: ListMapRuns, DescribeMapRun and UpdateMapRun. A Map Run lives in its parent
 * execution's log (MapRunStarted, its children's hidden start and end events, MapRunSucceeded/Failed/Aborted);
 * its record (written when it starts) names that execution. The counts are folded from the parent's events, so
 * they are exact at any moment without reading the children.
 */

export type MapRunStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';

interface Counts {
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
  timedOut: number;
  aborted: number;
  total: number;
  resultsWritten: number;
  failuresNotRedrivable: number;
  pendingRedrive: number;
}

interface MapRunFold {
  mapRunArn: string;
  executionArn: string;
  stateMachineArn: string;
  status: MapRunStatus;
  startDate: number;
  stopDate?: number;
  maxConcurrency: number;
  toleratedFailureCount: number;
  toleratedFailurePercentage: number;
  /** Children (executions), and the items they carry (more than one a child with an ItemBatcher). */
  executions: Tally;
  items: Tally;
  /** Items each started child carries, by index, while batched. */
  sizes: Map<number, number>;
  batched: boolean;
  writes: boolean;
  /** Failed beyond its tolerance, its results being written (MapRunFailing): its children end as aborted. */
  failing?: boolean;
  redriveCount: number;
  redriveDate?: number;
}

interface Tally {
  total: number;
  started: number;
  running: number;
  succeeded: number;
  failed: number;
  aborted: number;
  /** A redriven Map Run: its unsuccessful children not redriven yet. */
  pendingRedrive: number;
}

const tally = (total: number): Tally => ({
  total,
  started: 0,
  running: 0,
  succeeded: 0,
  failed: 0,
  aborted: 0,
  pendingRedrive: 0,
});

const PAGE = 100;

/** Every event of the execution's log, hidden ones included, in order. */
async function* eventsOf(deps: EngineDeps, executionArn: string): AsyncGenerator<ExecutionEvent> {
  let from = 1;
  for (;;) {
    const commits = await deps.log.readCommits(executionArn, { from, limit: PAGE });
    for (const commit of commits) yield* commit.events;
    if (commits.length < PAGE) return;
    from = (commits.at(-1)?.n ?? from) + 1;
  }
}

/** The Map Runs of an execution's log, each folded from its events. */
async function foldMapRuns(deps: EngineDeps, executionArn: string): Promise<MapRunFold[]> {
  const runs: MapRunFold[] = [];
  const startedBy = new Map<string, Extract<ExecutionEvent, { type: 'MapStateStarted' }>>();
  const current = new Map<string, MapRunFold>();
  const { stateMachineName } = parseExecutionArn(executionArn);
  const [, , , region, accountId] = executionArn.split(':');
  for await (const event of eventsOf(deps, executionArn)) {
    const run = current.get(event.scope);
    switch (event.type) {
      case 'MapStateStarted':
        startedBy.set(event.scope, event);
        current.delete(event.scope);
        break;
      case 'MapRunStarted': {
        const started = startedBy.get(event.scope);
        const label = event.mapRunArn.split(':')[6]?.split('/')[1] ?? '';
        const folded: MapRunFold = {
          mapRunArn: event.mapRunArn,
          executionArn,
          stateMachineArn: `arn:aws:states:${region}:${accountId}:stateMachine:${stateMachineName}/${label}`,
          status: 'RUNNING',
          startDate: event.timestamp,
          maxConcurrency: started?.maxConcurrency ?? 0,
          toleratedFailureCount: started?.toleratedFailureCount ?? 0,
          toleratedFailurePercentage: started?.toleratedFailurePercentage ?? 0,
          executions: tally(started?.items.length ?? 0),
          items: tally(started?.length ?? 0),
          sizes: new Map(),
          // MapStateStarted's length counts items, its items are the children's inputs (batches, if batched).
          batched: started !== undefined && started.length !== started.items.length,
          writes: writesToS3(started?.writer),
          redriveCount: 0,
        };
        runs.push(folded);
        current.set(event.scope, folded);
        break;
      }
      case 'MapRunItemsRead':
        if (run) {
          run.executions.total += event.items.length;
          run.items.total += event.read;
          if (event.read !== event.items.length) run.batched = true;
        }
        break;
      case 'MapRunRedriven':
        if (run) {
          // The run goes on: its failed and aborted children wait to be redriven, the rest to start.
          run.status = 'RUNNING';
          delete run.stopDate;
          run.redriveCount = event.redriveCount;
          run.redriveDate = event.timestamp;
          run.failing = false;
          for (const counts of [run.executions, run.items]) {
            counts.pendingRedrive += counts.failed + counts.aborted;
            counts.failed = 0;
            counts.aborted = 0;
          }
        }
        break;
      case 'MapRunChildStarted':
        if (run && event.redriven) {
          const size = run.sizes.get(event.index) ?? 1;
          for (const [counts, n] of [
            [run.executions, 1],
            [run.items, size],
          ] as const) {
            counts.pendingRedrive -= n;
            counts.running += n;
          }
        } else if (run) {
          const batch = isJsonObject(event.input) ? event.input.Items : undefined;
          const size = run.batched && Array.isArray(batch) ? batch.length : 1;
          run.sizes.set(event.index, size);
          run.executions.started += 1;
          run.executions.running += 1;
          run.items.started += size;
          run.items.running += size;
        }
        break;
      case 'MapRunFailing':
        if (run) run.failing = true;
        break;
      case 'MapRunChildSucceeded':
      case 'MapRunChildFailed':
        if (run?.status === 'RUNNING') {
          const size = run.sizes.get(event.index) ?? 1;
          // A failing run's children that did not succeed were stopped by the failure.
          const outcome =
            event.type === 'MapRunChildSucceeded' ? 'succeeded' : run.failing ? 'aborted' : 'failed';
          run.executions.running -= 1;
          run.executions[outcome] += 1;
          run.items.running -= size;
          run.items[outcome] += size;
        }
        break;
      case 'MapRunUpdated':
        if (run) {
          if (event.maxConcurrency !== undefined) run.maxConcurrency = event.maxConcurrency;
          if (event.toleratedFailureCount !== undefined)
            run.toleratedFailureCount = event.toleratedFailureCount;
          if (event.toleratedFailurePercentage !== undefined) {
            run.toleratedFailurePercentage = event.toleratedFailurePercentage;
          }
        }
        break;
      case 'MapRunSucceeded':
      case 'MapRunFailed':
      case 'MapRunAborted':
        if (run)
          end(
            run,
            event.type === 'MapRunSucceeded'
              ? 'SUCCEEDED'
              : event.type === 'MapRunFailed'
                ? 'FAILED'
                : 'ABORTED',
            event.timestamp,
          );
        break;
      case 'ExecutionSucceeded':
      case 'ExecutionFailed':
      case 'ExecutionTimedOut':
      case 'ExecutionAborted':
        // The execution ended with its Map Runs still going: they were aborted with it.
        for (const open of runs) if (open.status === 'RUNNING') end(open, 'ABORTED', event.timestamp);
        break;
      default:
        break;
    }
  }
  return runs;
}

function end(run: MapRunFold, status: MapRunStatus, at: number): void {
  run.status = status;
  run.stopDate = at;
  if (status !== 'SUCCEEDED') {
    for (const counts of [run.executions, run.items]) {
      counts.aborted += counts.running + counts.pendingRedrive;
      counts.running = 0;
      counts.pendingRedrive = 0;
    }
  }
}

function countsOf(run: MapRunFold, counts: Tally): Counts {
  const ended = run.status !== 'RUNNING';
  // Items never started stay pending once the run has failed or was aborted, as AWS counts them.
  const notStarted = Math.max(0, counts.total - counts.started);
  return {
    pending: notStarted,
    running: counts.running,
    succeeded: counts.succeeded,
    failed: counts.failed,
    timedOut: 0,
    aborted: counts.aborted,
    total: counts.total,
    resultsWritten:
      run.writes && (run.status === 'SUCCEEDED' || (run.status === 'FAILED' && run.failing))
        ? counts.succeeded + counts.failed + counts.aborted
        : 0,
    failuresNotRedrivable: 0,
    pendingRedrive: ended ? 0 : counts.pendingRedrive,
  };
}

async function findMapRun(deps: EngineDeps, mapRunArn: string): Promise<MapRunFold> {
  parseMapRunArn(mapRunArn);
  const record = await deps.log.getMapRun(mapRunArn);
  const run = record && (await foldMapRuns(deps, record.executionArn)).find((r) => r.mapRunArn === mapRunArn);
  if (!run) throw new EngineError('ResourceNotFound', `Map Run Does Not Exist: '${mapRunArn}'`);
  return run;
}

export async function listMapRuns(
  deps: EngineDeps,
  request: { executionArn: string; maxResults?: number; nextToken?: string },
): Promise<{ mapRuns: Array<Record<string, unknown>>; nextToken?: string }> {
  parseExecutionArn(request.executionArn);
  await requireExecution(deps, request.executionArn);
  const runs = (await foldMapRuns(deps, request.executionArn)).reverse();
  const size = request.maxResults === undefined || request.maxResults === 0 ? 100 : request.maxResults;
  const start =
    request.nextToken === undefined ? 0 : Number(Buffer.from(request.nextToken, 'base64url').toString());
  if (!Number.isInteger(start) || start < 0)
    throw new EngineError('InvalidToken', `Invalid Token: '${request.nextToken}'`);
  const page = runs.slice(start, start + size);
  return {
    mapRuns: page.map((run) => ({
      executionArn: run.executionArn,
      mapRunArn: run.mapRunArn,
      stateMachineArn: run.stateMachineArn,
      startDate: new Date(run.startDate),
      ...(run.stopDate !== undefined ? { stopDate: new Date(run.stopDate) } : {}),
    })),
    ...(start + size < runs.length
      ? { nextToken: Buffer.from(String(start + size)).toString('base64url') }
      : {}),
  };
}

export async function describeMapRun(
  deps: EngineDeps,
  request: { mapRunArn: string },
): Promise<Record<string, unknown>> {
  const run = await findMapRun(deps, request.mapRunArn);
  return {
    mapRunArn: run.mapRunArn,
    executionArn: run.executionArn,
    status: run.status,
    startDate: new Date(run.startDate),
    ...(run.stopDate !== undefined ? { stopDate: new Date(run.stopDate) } : {}),
    maxConcurrency: run.maxConcurrency,
    toleratedFailurePercentage: run.toleratedFailurePercentage,
    toleratedFailureCount: run.toleratedFailureCount,
    itemCounts: countsOf(run, run.items),
    executionCounts: countsOf(run, run.executions),
    redriveCount: run.redriveCount,
    ...(run.redriveDate !== undefined ? { redriveDate: new Date(run.redriveDate) } : {}),
  };
}

export async function updateMapRun(
  deps: EngineDeps,
  request: {
    mapRunArn: string;
    maxConcurrency?: number;
    toleratedFailureCount?: number;
    toleratedFailurePercentage?: number;
  },
): Promise<Record<string, never>> {
  const { mapRunArn, ...settings } = request;
  if (Object.keys(settings).length === 0) {
    throw new EngineError(
      'ValidationException',
      'At least one of maxConcurrency, toleratedFailureCount and toleratedFailurePercentage must be given',
    );
  }
  const run = await findMapRun(deps, mapRunArn);
  if (run.status !== 'RUNNING') {
    throw new EngineError('ValidationException', `The Map Run '${mapRunArn}' is ${run.status}, not RUNNING`);
  }
  await applyMessage(deps, run.executionArn, 'update-map-run', {
    type: 'updateMapRun',
    mapRunArn,
    ...settings,
  });
  return {};
}
