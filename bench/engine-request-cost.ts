import { DURATION_MODEL, STACK_RETENTION_DAYS } from './engine-costs.ts';
import {
  countStateTransitions,
  createBenchMachine,
  requireSucceeded,
  runExecutions,
  startBenchEngine,
  waitForIdlePollers,
} from './engine-harness.ts';
import {
  DynamoMeter,
  type DynamoUsage,
  LambdaMeter,
  type LambdaUsage,
  SqsMeter,
  type SqsUsage,
} from './engine-meters.ts';
import { BENCH_FUNCTIONS, orderProcessingDefinition, orderProcessingInput } from './engine-workflows.ts';

/**
 * Part 3: the AWS requests behind each state transition of a representative workflow (the order-processing
 * example: Lambda tasks, Choice, Pass, Parallel, Map, a Retry whose 1 s backoff goes through the timers queue),
 * in two loads: many executions at once, so that the pollers' batches are as full as real traffic makes them,
 * and one execution at a time, where every batch holds what one execution has ready. The table is written as
 * the stack writes it by default (the TTL attribute of its 90-day retention on every item).
 */

export type CostLoad = 'batched' | 'one at a time';

/** Executions per load: all started at once, or one after another. */
export const ORDER_EXECUTIONS: Readonly<Record<CostLoad, number>> = { batched: 100, 'one at a time': 10 };
const WARMUP_EXECUTIONS = 5;

export interface RequestCostResult {
  load: CostLoad;
  executions: number;
  transitions: number;
  seconds: number;
  dynamo: DynamoUsage;
  sqs: SqsUsage;
  lambda: LambdaUsage;
  /** StartExecution calls, each an API Gateway HTTP API request to functions/api. */
  apiRequests: number;
}

export async function measureRequestCost(
  load: CostLoad,
  progress: (line: string) => void,
): Promise<RequestCostResult> {
  const lambdaMeter = new LambdaMeter(DURATION_MODEL);
  const dynamoMeter = new DynamoMeter(lambdaMeter.noteRequest);
  const sqsMeter = new SqsMeter(lambdaMeter.noteRequest);
  const executions = ORDER_EXECUTIONS[load];
  const bench = await startBenchEngine({
    functions: BENCH_FUNCTIONS,
    wrapHandler: lambdaMeter.wrapHandler,
    retentionDays: STACK_RETENTION_DAYS,
  });
  try {
    const { engine } = bench;
    dynamoMeter.attach(engine.dynamodb.client);
    sqsMeter.attach(engine.sqs.client);
    engine.deps.lambda = lambdaMeter.wrapInvoker(engine.deps.lambda);
    const stateMachineArn = await createBenchMachine(
      engine.deps,
      'order-processing',
      orderProcessingDefinition(),
    );
    const orders = (prefix: string, count: number) =>
      Array.from({ length: count }, (_, i) => ({
        name: `${prefix}-${i}`,
        input: orderProcessingInput(`${prefix}-${i}`),
      }));

    const warmup = await runExecutions(bench, stateMachineArn, orders('warmup', WARMUP_EXECUTIONS));
    await requireSucceeded(bench.monitor, warmup.executionArns);
    await waitForIdlePollers(engine);
    dynamoMeter.reset();
    sqsMeter.reset();
    lambdaMeter.reset();

    const run = await runExecutions(bench, stateMachineArn, orders('order', executions), {
      aroundStart: (start) => lambdaMeter.measure('api', 1, start),
      oneAtATime: load === 'one at a time',
    });
    // The last batches are deleted after their executions close; the empty receives go on meanwhile.
    await waitForIdlePollers(engine);
    const usage = {
      dynamo: dynamoMeter.snapshot(),
      sqs: sqsMeter.snapshot(),
      lambda: lambdaMeter.snapshot(),
    };
    await requireSucceeded(bench.monitor, run.executionArns);
    const transitions = await countStateTransitions(bench.monitor, run.executionArns);
    progress(
      `  ${executions} order-processing executions (${load}): ${transitions} transitions in ${(run.ms / 1000).toFixed(2)} s`,
    );
    return {
      load,
      executions,
      transitions,
      seconds: run.ms / 1000,
      ...usage,
      apiRequests: executions,
    };
  } finally {
    await bench.stop();
  }
}
