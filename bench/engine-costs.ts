import { billedRequests, type DurationModel, type EngineFunction } from './engine-meters.ts';
import type { RequestCostResult } from './engine-request-cost.ts';

/**
 * List prices (us-east-1, on-demand, beyond the free tiers), as AWS lists them
 * from the AWS pricing pages: Step Functions, SQS, Lambda, DynamoDB on-demand, API Gateway HTTP APIs.
 */
export const LIST_PRICES = {
  stepFunctionsStandardTransition: 25 / 1e6,
  sqsStandardRequest: 0.4 / 1e6,
  sqsFifoRequest: 0.5 / 1e6,
  lambdaRequest: 0.2 / 1e6,
  lambdaArmGbSecond: 0.0000133334,
  dynamoWriteUnit: 0.625 / 1e6,
  dynamoReadUnit: 0.125 / 1e6,
  httpApiRequest: 1 / 1e6,
} as const;

/**
 * Memory of the engine's functions (arm64, MB), the stack's defaults (infra/stack-config.ts): the step, task and
 * timer handlers spend their time waiting on DynamoDB, SQS and Lambda, not computing.
 */
export const HANDLER_MEMORY_MB: Readonly<Record<EngineFunction, number>> = {
  step: 128,
  task: 128,
  timer: 128,
  api: 256,
};

/**
 * The stated duration model (see DurationModel): in-region round trips from Lambda as AWS's services typically
 * answer them (DynamoDB's single-digit milliseconds; SQS's tens), a synchronous Invoke of a function that
 * answers at once, and the handler's own work on the CPU share of 128 MB (about 1/14 of a vCPU), where a
 * millisecond of a full core (replaying a commit, deciding, gzip, the SDK's marshalling) takes about 14.
 */
export const DURATION_MODEL: DurationModel = {
  invocationMs: 2,
  cpuMsPerMessage: 10,
  requestMs: { dynamodb: 8, sqs: 15, lambda: 25 },
};

/** The stack's default retention (infra/stack-config.ts): every item carries DynamoDB's TTL attribute. */
export const STACK_RETENTION_DAYS = 90;
export const TARGET_DOLLARS_PER_MILLION = 2.5;
export const AWS_STANDARD_DOLLARS_PER_MILLION = LIST_PRICES.stepFunctionsStandardTransition * 1e6;

export interface CostLine {
  component: string;
  /** What is counted, in its own unit. */
  quantity: number;
  unit: string;
  dollars: number;
  /** Lines users pay for on AWS Step Functions too (their own functions): shown, and priced in the total. */
  userWork?: boolean;
}

export function priceUsage(result: RequestCostResult): CostLine[] {
  const { dynamo, sqs, lambda } = result;
  const engineInvocations = Object.values(lambda.invocations).reduce((sum, n) => sum + n, 0);
  const gbSeconds = (Object.entries(lambda.modelledMs) as Array<[EngineFunction, number]>).reduce(
    (sum, [fn, ms]) => sum + (ms / 1000) * (HANDLER_MEMORY_MB[fn] / 1024),
    0,
  );
  const fifo = billedRequests(sqs.fifo);
  const standard = billedRequests(sqs.standard);
  return [
    {
      component: 'DynamoDB write units',
      quantity: dynamo.writeUnits,
      unit: 'WRU',
      dollars: dynamo.writeUnits * LIST_PRICES.dynamoWriteUnit,
    },
    {
      component: 'DynamoDB read units',
      quantity: dynamo.readUnits,
      unit: 'RRU',
      dollars: dynamo.readUnits * LIST_PRICES.dynamoReadUnit,
    },
    {
      component: 'SQS FIFO requests (transitions)',
      quantity: fifo,
      unit: 'requests',
      dollars: fifo * LIST_PRICES.sqsFifoRequest,
    },
    {
      component: 'SQS standard requests (tasks, timers)',
      quantity: standard,
      unit: 'requests',
      dollars: standard * LIST_PRICES.sqsStandardRequest,
    },
    {
      component: 'Lambda invocations (engine: step, task, timer, api)',
      quantity: engineInvocations,
      unit: 'invocations',
      dollars: engineInvocations * LIST_PRICES.lambdaRequest,
    },
    {
      component: 'Lambda duration (engine, arm64: 128 MB, api 256 MB; stated model)',
      quantity: gbSeconds,
      unit: 'GB-s',
      dollars: gbSeconds * LIST_PRICES.lambdaArmGbSecond,
    },
    {
      component: 'API Gateway HTTP API (StartExecution)',
      quantity: result.apiRequests,
      unit: 'requests',
      dollars: result.apiRequests * LIST_PRICES.httpApiRequest,
    },
    {
      component: "Lambda invocations (the workflow's own functions)",
      quantity: lambda.userInvocations,
      unit: 'invocations',
      dollars: lambda.userInvocations * LIST_PRICES.lambdaRequest,
      userWork: true,
    },
  ];
}

export function sumDollars(lines: readonly CostLine[], include: (line: CostLine) => boolean = () => true) {
  return lines.filter(include).reduce((sum, line) => sum + line.dollars, 0);
}
