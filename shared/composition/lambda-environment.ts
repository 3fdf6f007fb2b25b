import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { EngineDeps } from '../engine/engine-deps.ts';
import {
  DEFAULT_MAX_RECEIVE_COUNT,
  DEPLOYED_ACTIVITY_POLL_SECONDS,
  ENVIRONMENT,
} from '../engine/environment-names.ts';
import { createEngineDeps } from './engine-endpoints.ts';

/** The engine of a deployed handler: endpoints from the Lambda environment the CDK stack sets. */
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
    activityPollSeconds: Number(env[ENVIRONMENT.activityPollSeconds]) || DEPLOYED_ACTIVITY_POLL_SECONDS,
    integrations: {
      region,
      http: {
        allowedHosts: (env[ENVIRONMENT.httpAllowedHosts] ?? '').split(',').filter((host) => host !== ''),
      },
    },
    dynamodb: new DynamoDBClient({ region }),
    sqs: new SQSClient({ region }),
    lambda: new LambdaClient({ region }),
  });
}

export function maxReceiveCountFromEnvironment(env: NodeJS.ProcessEnv = process.env): number {
  return Number(env[ENVIRONMENT.maxReceiveCount]) || DEFAULT_MAX_RECEIVE_COUNT;
}

/** The queue a queue handler takes its events from (the stack sets it on step, task and timer). */
export function eventSourceArnFromEnvironment(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[ENVIRONMENT.eventSourceArn] || undefined;
}

/** The engine built once per Lambda container, on the first event (a cold start's environment is complete). */
export function lazyEngineDeps(): () => EngineDeps {
  let deps: EngineDeps | undefined;
  return () => (deps ??= engineDepsFromEnvironment());
}
