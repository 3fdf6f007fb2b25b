import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EngineDeps } from '../shared/engine/engine-deps.ts';
import { getExecutionHistory } from '../shared/engine/execution-history.ts';
import { describeExecution } from '../shared/engine/executions.ts';
import { executionArnOf } from '../shared/engine/names.ts';
import { startExecution } from '../shared/engine/start-execution.ts';
import { createStateMachine } from '../shared/engine/state-machines.ts';
import { DynamoEventLog } from '../shared/eventlog/dynamo-event-log.ts';
import { type LocalEngine, type LocalEngineOptions, startLocalEngine } from '../shared/local/local-engine.ts';

/**
 * The local durable engine as the benchmark drives it: started with startLocalEngine (real clock), told when
 * an execution closes, and read back through a DynamoDB client of its own, so that checking results is never
 * counted as the engine's own requests.
 */
export interface BenchEngine {
  engine: LocalEngine;
  /** The engine's deps with an event log over an unmetered client: for reading results. */
  monitor: EngineDeps;
  /**
   * Resolves once the execution's head is closed (its last commit is stored and sent). Call it before the
   * execution starts: only the closes of executions waited for are kept, so that a run of 100,000 child
   * executions does not keep 100,000 ARNs in the memory the benchmark measures.
   */
  waitForClose(executionArn: string): Promise<void>;
  stop(): Promise<void>;
}

export interface BenchEngineOptions extends LocalEngineOptions {
  /** Called after each execution's close is stored, waited for or not. */
  onClose?: (executionArn: string) => void;
}

const ROLE_ARN = 'arn:aws:iam::123456789012:role/StatefoldBenchRole';

export async function startBenchEngine(options: BenchEngineOptions = {}): Promise<BenchEngine> {
  const { onClose, ...engineOptions } = options;
  const engine = await startLocalEngine(engineOptions);
  const waiting = new Map<string, { closed: Promise<void>; resolve: () => void }>();
  // The handlers read `engine.deps` on every batch, so the hook sees every close.
  const log = engine.deps.log;
  const recordListing = log.recordListing.bind(log);
  log.recordListing = async (head, asOf) => {
    const { executionArn } = head;
    await recordListing(head, asOf);
    if (head.status === 'RUNNING') return;
    waiting.get(executionArn)?.resolve();
    onClose?.(executionArn);
  };
  const monitorClient = new DynamoDBClient({
    endpoint: engine.dynamodb.endpoint,
    region: engine.deps.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const monitor: EngineDeps = {
    ...engine.deps,
    log: new DynamoEventLog({ client: monitorClient, tableName: engine.dynamodb.tableName }),
  };
  return {
    engine,
    monitor,
    waitForClose(executionArn) {
      let entry = waiting.get(executionArn);
      if (!entry) {
        let resolve: () => void = () => {};
        const closed = new Promise<void>((resolveClosed) => {
          resolve = resolveClosed;
        });
        entry = { closed, resolve };
        waiting.set(executionArn, entry);
      }
      return entry.closed;
    },
    async stop() {
      monitorClient.destroy();
      await engine.stop();
    },
  };
}

export async function createBenchMachine(
  deps: EngineDeps,
  name: string,
  definition: object | string,
): Promise<string> {
  const { stateMachineArn } = await createStateMachine(deps, {
    name,
    definition: typeof definition === 'string' ? definition : JSON.stringify(definition),
    roleArn: ROLE_ARN,
  });
  return stateMachineArn;
}

export interface ExecutionRun {
  executionArns: string[];
  /** From the first StartExecution call to the last close. */
  ms: number;
}

/** Runs one StartExecution call as the API function's invocation would (a meter wraps it). */
export type StartCall = <T>(start: () => Promise<T>) => Promise<T>;

/**
 * Starts one execution per input, all at once, and waits until every one has closed; `oneAtATime` starts each
 * only after the one before has closed. `aroundStart` wraps each StartExecution call (the API function's work).
 */
export async function runExecutions(
  bench: BenchEngine,
  stateMachineArn: string,
  executions: ReadonlyArray<{ name: string; input: unknown }>,
  options: { aroundStart?: StartCall; oneAtATime?: boolean } = {},
): Promise<ExecutionRun> {
  const aroundStart: StartCall = options.aroundStart ?? ((start) => start());
  const runOne = async ({ name, input }: { name: string; input: unknown }) => {
    const closed = bench.waitForClose(executionArnOf(stateMachineArn, name));
    const { executionArn } = await aroundStart(() =>
      startExecution(bench.engine.deps, { stateMachineArn, name, input: JSON.stringify(input) }),
    );
    await closed;
    return executionArn;
  };
  const start = performance.now();
  const executionArns: string[] = [];
  if (options.oneAtATime === true) {
    for (const execution of executions) executionArns.push(await runOne(execution));
  } else {
    executionArns.push(...(await Promise.all(executions.map(runOne))));
  }
  return { executionArns, ms: performance.now() - start };
}

/** Throws unless every execution succeeded: a benchmark of failing runs measures nothing. */
export async function requireSucceeded(monitor: EngineDeps, executionArns: readonly string[]): Promise<void> {
  for (const executionArn of executionArns) {
    const description = await describeExecution(monitor, { executionArn });
    if (description.status !== 'SUCCEEDED') {
      throw new Error(
        `${executionArn} ended ${description.status}: ${description.error ?? ''} ${description.cause ?? ''}`,
      );
    }
  }
}

/** State transitions as this benchmark counts them: the *StateEntered events of the executions' histories. */
export async function countStateTransitions(
  monitor: EngineDeps,
  executionArns: readonly string[],
): Promise<number> {
  let transitions = 0;
  for (const executionArn of executionArns) {
    let nextToken: string | undefined;
    do {
      const page = await getExecutionHistory(monitor, {
        executionArn,
        maxResults: 1000,
        includeExecutionData: false,
        ...(nextToken !== undefined ? { nextToken } : {}),
      });
      transitions += page.events.filter((event) => event.type.endsWith('StateEntered')).length;
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
  }
  return transitions;
}

/** Waits until no poller holds a batch and every receive loop last came back empty. */
export async function waitForIdlePollers(engine: LocalEngine): Promise<void> {
  const pollers = Object.values(engine.pollers);
  while (!pollers.every((poller) => poller.idle)) await sleep(20);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
