import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { UNSIGNED_REQUESTS } from './unsigned-requests.ts';

/**
 * The SDK clients of the local runtime (shared/local), built here like every other client: the engine's own
 * calls to the embedded DynamoDB (dynalite) and SQS (fauxqs) and to the local Lambda endpoint. None of those
 * checks a signature (see UNSIGNED_REQUESTS). Local mode holds them by these types, never the SDK's.
 */

export type LocalDynamoDBClient = DynamoDBClient;
export type LocalSqsClient = SQSClient;
export type LocalLambdaClient = LambdaClient;

export function localDynamoDBClient(endpoint: string): LocalDynamoDBClient {
  return new DynamoDBClient({ endpoint, region: 'us-east-1', ...UNSIGNED_REQUESTS });
}

export function localSqsClient(endpoint: string, region: string): LocalSqsClient {
  // Its messages' MD5 sums need no checking in the same process.
  return new SQSClient({ endpoint, region, ...UNSIGNED_REQUESTS, md5: false });
}

export function localLambdaClient(endpoint: string, region: string): LocalLambdaClient {
  // No SDK retries: a failed Invoke reaches the Task (and its Retry) as it happened.
  return new LambdaClient({ endpoint, region, ...UNSIGNED_REQUESTS, maxAttempts: 1 });
}
