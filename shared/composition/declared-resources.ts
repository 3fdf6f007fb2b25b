import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ensureTable } from '../eventlog/ensure-table.ts';
import { AWS_ENDPOINT } from '../integrations/sdk-clients.ts';

/**
 * The tables, queues, topics and buckets a local config declares for its workflows, created at start in the
 * services the integrations call (the embedded emulators, or the endpoints the config names). Each is created
 * only if it is missing, so a restart over a kept data folder changes nothing; nothing is created on AWS.
 */

export type KeyAttribute = string | { name: string; type: 'S' | 'N' | 'B' };

export interface DeclaredResources {
  /** DynamoDB tables (on demand), keyed by a partition key and an optional sort key (string keys by default). */
  tables?: ReadonlyArray<{ name: string; partitionKey: KeyAttribute; sortKey?: KeyAttribute }>;
  /** SQS queue names; a name ending in `.fifo` is a FIFO queue. */
  queues?: readonly string[];
  /** SNS topic names. */
  topics?: readonly string[];
  /** S3 bucket names. */
  buckets?: readonly string[];
}

const LOCAL = { accessKeyId: 'local', secretAccessKey: 'local' };

export async function createDeclaredResources(
  resources: DeclaredResources,
  endpoints: Readonly<Record<string, string>>,
  region: string,
): Promise<void> {
  const at = (service: string) => {
    const endpoint = endpoints[service];
    return endpoint === undefined || endpoint === AWS_ENDPOINT
      ? undefined
      : { endpoint, region, credentials: LOCAL };
  };
  const tables = resources.tables ?? [];
  const dynamodb = at('dynamodb');
  if (tables.length > 0 && dynamodb) {
    const client = new DynamoDBClient(dynamodb);
    try {
      for (const table of tables) {
        const keys = [table.partitionKey, ...(table.sortKey !== undefined ? [table.sortKey] : [])].map(keyOf);
        await ensureTable(client, {
          TableName: table.name,
          BillingMode: 'PAY_PER_REQUEST',
          KeySchema: keys.map((key, i) => ({
            AttributeName: key.name,
            KeyType: i === 0 ? 'HASH' : 'RANGE',
          })),
          AttributeDefinitions: keys.map((key) => ({ AttributeName: key.name, AttributeType: key.type })),
        });
      }
    } finally {
      client.destroy();
    }
  }
  const queues = resources.queues ?? [];
  const sqs = at('sqs');
  if (queues.length > 0 && sqs) {
    const client = new SQSClient(sqs);
    try {
      for (const name of queues) {
        // CreateQueue answers the existing queue's URL when the attributes match.
        await client.send(
          new CreateQueueCommand({
            QueueName: name,
            ...(name.endsWith('.fifo') ? { Attributes: { FifoQueue: 'true' } } : {}),
          }),
        );
      }
    } finally {
      client.destroy();
    }
  }
  const topics = resources.topics ?? [];
  const sns = at('sns');
  if (topics.length > 0 && sns) {
    const client = new SNSClient(sns);
    try {
      for (const name of topics) await client.send(new CreateTopicCommand({ Name: name }));
    } finally {
      client.destroy();
    }
  }
  const buckets = resources.buckets ?? [];
  const s3 = at('s3');
  if (buckets.length > 0 && s3) {
    const client = new S3Client({ ...s3, forcePathStyle: true });
    try {
      for (const name of buckets) {
        try {
          await client.send(new CreateBucketCommand({ Bucket: name }));
        } catch (error) {
          const code = (error as { name?: string }).name;
          if (code !== 'BucketAlreadyOwnedByYou' && code !== 'BucketAlreadyExists') throw error;
        }
      }
    } finally {
      client.destroy();
    }
  }
}

function keyOf(key: KeyAttribute): { name: string; type: 'S' | 'N' | 'B' } {
  return typeof key === 'string' ? { name: key, type: 'S' } : key;
}
