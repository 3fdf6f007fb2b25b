import { PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LEVEL_ITERATOR_PROTOTYPE } from '../../shared/local/dynalite-iterators.ts';
import { type EmbeddedDynamoDB, startEmbeddedDynamoDB } from '../../shared/local/embedded-dynamodb.ts';

/**
 * The embedded DynamoDB closes the LevelDB iterator of every Query (dynalite calls `return()`, which
 * abstract-level's iterators lack): an iterator left open pins a snapshot, and the local server's memory grew
 * with every execution.
 */
let dynamodb: EmbeddedDynamoDB;

beforeAll(async () => {
  dynamodb = await startEmbeddedDynamoDB();
});
afterAll(async () => {
  await dynamodb?.stop();
});

describe('the embedded DynamoDB', () => {
  it('closes the iterator of each Query, whether it reads to the end or stops at its Limit', async () => {
    for (let n = 0; n < 5; n++) {
      await dynamodb.client.send(
        new PutItemCommand({
          TableName: dynamodb.tableName,
          Item: { pk: { S: 'exec#iterators' }, sk: { S: `c#${n}` } },
        }),
      );
    }
    const close = vi.spyOn(LEVEL_ITERATOR_PROTOTYPE, 'close');
    try {
      for (const Limit of [undefined, 2, undefined, 1]) {
        const { Items } = await dynamodb.client.send(
          new QueryCommand({
            TableName: dynamodb.tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': { S: 'exec#iterators' } },
            ...(Limit !== undefined ? { Limit } : {}),
          }),
        );
        expect(Items).toHaveLength(Limit ?? 5);
      }
      await vi.waitFor(() => expect(close.mock.calls.length).toBeGreaterThanOrEqual(4));
    } finally {
      close.mockRestore();
    }
  });
});
