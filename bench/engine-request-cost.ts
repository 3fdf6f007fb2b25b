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
 * with many executions at once so that the pollers' batches are as full as real traffic makes them.
 */

export const ORDER_EXECUTIONS = 100;
const WARMUP_EXECUTIONS = 5;

export interface RequestCostResult {
  executions: number;
  transitions: number;
  seconds: number;
  dynamo: DynamoUsage;
  sqs: SqsUsage;
  lambda: LambdaUsage;
  /** StartExecution calls, each an API Gateway HTTP API request to functions/api. */
  apiRequests: number;
}

export async function measureRequestCost(progress: (line: string) => void): Promise<RequestCostResult> {
  const dynamoMeter = new DynamoMeter();
  const sqsMeter = new SqsMeter();
  const lambdaMeter = new LambdaMeter();
  const bench = await startBenchEngine({ functions: BENCH_FUNCTIONS, wrapHandler: lambdaMeter.wrapHandler });
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

    const run = await runExecutions(bench, stateMachineArn, orders('order', ORDER_EXECUTIONS), (ms) =>
      lambdaMeter.record('api', ms),
    );
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
      `  ${ORDER_EXECUTIONS} order-processing executions: ${transitions} transitions in ${(run.ms / 1000).toFixed(2)} s`,
    );
    return {
      executions: ORDER_EXECUTIONS,
      transitions,
      seconds: run.ms / 1000,
      ...usage,
      apiRequests: ORDER_EXECUTIONS,
    };
  } finally {
    await bench.stop();
  }
}
