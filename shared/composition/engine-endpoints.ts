import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { AWS_ACTIVITY_POLL_SECONDS } from '../engine/activities.ts';
import { DefinitionCache, type EngineDeps } from '../engine/engine-deps.ts';
import { DynamoActivityStore } from '../eventlog/dynamo-activity-store.ts';
import { DynamoEventLog } from '../eventlog/dynamo-event-log.ts';
import { DynamoVersionStore } from '../eventlog/dynamo-version-store.ts';
import { SdkLambdaInvoker } from '../integrations/lambda-invoker.ts';
import type { IntegrationsConfig } from '../integrations/sdk-clients.ts';
import { SdkServiceCalls } from '../integrations/service-calls.ts';
import { SqsQueues } from '../queue/sqs-queues.ts';

/**
 * The composition root: the one place that builds the engine's adapters (DynamoDB event log, SQS queues,
 * Lambda invoker, service integrations) over SDK clients and hands them to the use cases. The Lambda handlers on AWS, local mode
 * and the integration tests all get their engine here; only the endpoints differ.
 */
export interface EngineEndpoints {
  region: string;
  accountId: string;
  tableName: string;
  queueUrls: { transitions: string; tasks: string; timers: string };
  dynamodb: DynamoDBClient;
  sqs: SQSClient;
  lambda: LambdaClient;
  retentionDays?: number;
  /** Where Task states' service integrations go (AWS's own endpoints when none are named). */
  integrations?: IntegrationsConfig;
  /** Seconds GetActivityTask waits for a task (default 60, AWS's; the deployed API answers within 29 s). */
  activityPollSeconds?: number;
  /** Milliseconds between two looks at an activity's queue while GetActivityTask waits (default 1000). */
  activityPollIntervalMs?: number;
  /** Ends waiting GetActivityTask calls (the local server is stopping). */
  activitySignal?: AbortSignal;
  /** Lambda is Statefold's local server: tell it the invoking execution (for the functions' console output). */
  localLambda?: boolean;
}

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
    lambda: new SdkLambdaInvoker({
      client: endpoints.lambda,
      namesExecution: endpoints.localLambda === true,
    }),
    services: new SdkServiceCalls(endpoints.integrations ?? { region: endpoints.region }),
    activities: {
      store: new DynamoActivityStore({ client: endpoints.dynamodb, tableName: endpoints.tableName }),
      pollSeconds: endpoints.activityPollSeconds ?? AWS_ACTIVITY_POLL_SECONDS,
      pollIntervalMs: endpoints.activityPollIntervalMs ?? 1000,
      ...(endpoints.activitySignal !== undefined ? { signal: endpoints.activitySignal } : {}),
    },
    versions: new DynamoVersionStore({ client: endpoints.dynamodb, tableName: endpoints.tableName }),
    clock,
    definitions: new DefinitionCache(log),
  };
}
