import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoEventLog } from '../eventlog/dynamo-event-log.ts';
import { SdkLambdaInvoker } from '../integrations/lambda-invoker.ts';
import { SqsQueues } from '../queue/sqs-queues.ts';
import { DefinitionCache, type EngineDeps } from './engine-deps.ts';
import { DEFAULT_MAX_RECEIVE_COUNT, ENVIRONMENT } from './environment-names.ts';

export { DEFAULT_MAX_RECEIVE_COUNT, ENVIRONMENT } from './environment-names.ts';

export interface EngineEndpoints {
  region: string;
  accountId: string;
  tableName: string;
  queueUrls: { transitions: string; tasks: string; timers: string };
  dynamodb: DynamoDBClient;
  sqs: SQSClient;
  lambda: LambdaClient;
  retentionDays?: number;
}

/** The engine over real SDK clients: on AWS, in local mode and in the integration tests alike. */
export function createEngineDeps(endpoints: EngineEndpoints): EngineDeps {
  const clock = { now: () => Date.now() };
  const log = new DynamoEventLog({
    client: endpoints.dynamodb,
    tableName: endpoints.tableName,
    ...(endpoints.retentionDays !== undefined ? { retentionDays: endpoints.retentionDays } : {}),
  });
  return {
    region: endpoints.region,
    accountId: endpoints.accountId,
    log,
    queues: new SqsQueues({ client: endpoints.sqs, urls: endpoints.queueUrls, clock }),
    lambda: new SdkLambdaInvoker({ client: endpoints.lambda }),
    clock,
    definitions: new DefinitionCache(log),
  };
}

export function engineDepsFromEnvironment(env: NodeJS.ProcessEnv = process.env): EngineDeps {
  const read = (name: string): string => {
    const value = env[name];
    if (!value) throw new Error(`Statefold handler: environment variable ${name} is not set`);
    return value;
  };
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  return createEngineDeps({
    region,
    accountId: read(ENVIRONMENT.accountId),
    tableName: read(ENVIRONMENT.table),
    queueUrls: {
      transitions: read(ENVIRONMENT.transitionsQueueUrl),
      tasks: read(ENVIRONMENT.tasksQueueUrl),
      timers: read(ENVIRONMENT.timersQueueUrl),
    },
    ...(Number(env[ENVIRONMENT.retentionDays]) > 0
      ? { retentionDays: Number(env[ENVIRONMENT.retentionDays]) }
      : {}),
    dynamodb: new DynamoDBClient({ region }),
    sqs: new SQSClient({ region }),
    lambda: new LambdaClient({ region }),
  });
}

export function maxReceiveCountFromEnvironment(env: NodeJS.ProcessEnv = process.env): number {
  return Number(env[ENVIRONMENT.maxReceiveCount]) || DEFAULT_MAX_RECEIVE_COUNT;
}
