import { applyTransition } from '../shared/engine/apply-transition.ts';
import { DefinitionCache, type EngineDeps } from '../shared/engine/engine-deps.ts';
import { getExecutionHistory } from '../shared/engine/execution-history.ts';
import { SNAPSHOT_EVERY } from '../shared/engine/load-execution.ts';
import type { Queues, TransitionEnvelope } from '../shared/engine/ports.ts';
import { startExecution } from '../shared/engine/start-execution.ts';
import { DynamoEventLog } from '../shared/eventlog/dynamo-event-log.ts';
import { type ExecutionEvent, HIDDEN_EVENT_TYPES } from '../shared/history/events.ts';
import { startEmbeddedDynamoDB } from '../shared/local/embedded-dynamodb.ts';
import { createBenchMachine } from './engine-harness.ts';
import { DynamoMeter } from './engine-meters.ts';
import { counterLoopDefinition } from './engine-workflows.ts';

/**
 * Part 2: what one step costs in DynamoDB reads as the history grows. A counter loop (Pass with States.MathAdd,
 * Choice back to it) runs in one execution; to reach 10,000 events in seconds, this drives the step use case
 * (applyTransition) in a loop and hands it the transitions its outbox sends, instead of going through SQS. The
 * reads and writes are the real event log adapter's, against the embedded DynamoDB, metered per step.
 */

/** History lengths (events) at which a window of steps is measured. */
export const HISTORY_MARKS = [10, 100, 1_000, 10_000] as const;
/** Steps measured at each mark: two whole snapshot periods, so every window holds the same mix of commits. */
export const WINDOW_STEPS = 2 * SNAPSHOT_EVERY;

export interface StepCostRow {
  /** History events when the window's first step ran. */
  historyEvents: number;
  steps: number;
  /** Means per step. */
  readUnits: number;
  bytesRead: number;
  readRequests: number;
  writeUnits: number;
  bytesWritten: number;
  ms: number;
}

export interface HistoryCostResult {
  rows: StepCostRow[];
  steps: number;
  historyEvents: number;
  seconds: number;
}

export async function measureHistoryCost(progress: (line: string) => void): Promise<HistoryCostResult> {
  const dynamodb = await startEmbeddedDynamoDB();
  const meter = new DynamoMeter();
  meter.attach(dynamodb.client);
  try {
    const pending: TransitionEnvelope[] = [];
    const queues: Queues = {
      sendTransitions: async (envelopes) => {
        pending.push(...envelopes);
      },
      sendTasks: () => Promise.reject(new Error('The counter loop runs no tasks')),
      sendTimers: () => Promise.reject(new Error('The counter loop sets no timers')),
      // Its listing is not what this measures.
      sendRecords: async () => {},
    };
    const log = new DynamoEventLog({ client: dynamodb.client, tableName: dynamodb.tableName });
    const deps: EngineDeps = {
      region: 'us-east-1',
      accountId: '123456789012',
      log,
      queues,
      lambda: { invoke: () => Promise.reject(new Error('The counter loop invokes no function')) },
      clock: { now: () => Date.now() },
      definitions: new DefinitionCache(log),
    };
    const stateMachineArn = await createBenchMachine(deps, 'counter-loop', counterLoopDefinition(10_000_000));
    const { executionArn } = await startExecution(deps, {
      stateMachineArn,
      name: 'loop',
      input: JSON.stringify({ count: 0 }),
    });
    const [first] = await log.readCommits(executionArn, { from: 1, limit: 1 });
    let historyEvents = countVisible(first?.events ?? []);

    const start = performance.now();
    const windows = HISTORY_MARKS.map((mark) => ({ mark, start: -1, samples: [] as StepSample[] }));
    let steps = 0;
    while (windows.some((window) => window.samples.length < WINDOW_STEPS)) {
      const envelope = pending.shift();
      if (!envelope) throw new Error(`The counter loop stopped after ${steps} steps: nothing left to apply`);
      const before = meter.snapshot();
      const stepStart = performance.now();
      const outcome = await applyTransition(deps, envelope);
      const ms = performance.now() - stepStart;
      if (outcome.kind !== 'applied') throw new Error(`Step ${steps + 1} was ${outcome.kind}, not applied`);
      const after = meter.snapshot();
      for (const window of windows) {
        if (historyEvents < window.mark || window.samples.length >= WINDOW_STEPS) continue;
        if (window.start < 0) window.start = historyEvents;
        window.samples.push({
          readUnits: after.readUnits - before.readUnits,
          bytesRead: after.bytesRead - before.bytesRead,
          readRequests: countReads(after.requests) - countReads(before.requests),
          writeUnits: after.writeUnits - before.writeUnits,
          bytesWritten: after.bytesWritten - before.bytesWritten,
          ms,
        });
      }
      historyEvents += countVisible(outcome.commit.events);
      steps += 1;
      if (steps % 1000 === 0) progress(`  ${steps} steps, ${historyEvents} history events`);
    }
    const seconds = (performance.now() - start) / 1000;

    // The count above is the engine's own; GetExecutionHistory must agree with it.
    const shown = await countHistoryEvents(deps, executionArn);
    if (shown !== historyEvents) {
      throw new Error(`GetExecutionHistory shows ${shown} events; the steps appended ${historyEvents}`);
    }
    return {
      rows: windows.map((window) => summarize(window.start, window.samples)),
      steps,
      historyEvents,
      seconds,
    };
  } finally {
    await dynamodb.stop();
  }
}

interface StepSample {
  readUnits: number;
  bytesRead: number;
  readRequests: number;
  writeUnits: number;
  bytesWritten: number;
  ms: number;
}

function summarize(historyEvents: number, samples: readonly StepSample[]): StepCostRow {
  const mean = (pick: (sample: StepSample) => number) =>
    samples.reduce((sum, sample) => sum + pick(sample), 0) / samples.length;
  return {
    historyEvents,
    steps: samples.length,
    readUnits: mean((s) => s.readUnits),
    bytesRead: mean((s) => s.bytesRead),
    readRequests: mean((s) => s.readRequests),
    writeUnits: mean((s) => s.writeUnits),
    bytesWritten: mean((s) => s.bytesWritten),
    ms: mean((s) => s.ms),
  };
}

function countVisible(events: readonly ExecutionEvent[]): number {
  return events.filter((event) => !HIDDEN_EVENT_TYPES.has(event.type)).length;
}

function countReads(requests: Record<string, number>): number {
  return (requests.GetItem ?? 0) + (requests.Query ?? 0);
}

async function countHistoryEvents(deps: EngineDeps, executionArn: string): Promise<number> {
  let count = 0;
  let nextToken: string | undefined;
  do {
    const page = await getExecutionHistory(deps, {
      executionArn,
      maxResults: 1000,
      includeExecutionData: false,
      ...(nextToken !== undefined ? { nextToken } : {}),
    });
    count += page.events.length;
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return count;
}
