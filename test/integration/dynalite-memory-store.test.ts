import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownBytes } from '../../shared/local/dynalite-memory-store.ts';
import { type EmbeddedDynamoDB, startEmbeddedDynamoDB } from '../../shared/local/embedded-dynamodb.ts';

/**
 * The embedded DynamoDB without a data folder keeps each item in memory at about its own size: a key or value
 * that memory-level would store as a slice of Node's 8 KiB Buffer pool is copied first, so that it does not
 * keep the whole pool alive (9 KiB for a 1 KiB item).
 */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let dynamodb: EmbeddedDynamoDB;

beforeAll(async () => {
  dynamodb = await startEmbeddedDynamoDB();
});
afterAll(async () => {
  await dynamodb?.stop();
});

/** The process's memory outside the JavaScript heap, after a full collection. */
function externalAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().external;
}

describe('the embedded DynamoDB in memory', () => {
  it('copies a pooled Buffer to memory of its own, and leaves other values as they are', () => {
    const pooled = Buffer.from('{"pk":"exec#1"}');
    expect(pooled.buffer.byteLength).toBeGreaterThan(pooled.byteLength);
    const own = ownBytes(pooled);
    expect(own.buffer.byteLength).toBe(pooled.byteLength);
    expect(own.equals(pooled)).toBe(true);
    const large = Buffer.alloc(10_000);
    expect(ownBytes(large)).toBe(large);
    expect(ownBytes('text')).toBe('text');
  });

  it('holds about 1 KiB outside the heap for each stored item of 1 KiB', async () => {
    const items = 1000;
    const payload = 'x'.repeat(1000);
    const put = (n: number) =>
      dynamodb.client.send(
        new PutItemCommand({
          TableName: dynamodb.tableName,
          Item: { pk: { S: `exec#memory-${n}` }, sk: { S: 'head' }, payload: { S: payload } },
        }),
      );
    // The first puts warm up the HTTP server and the client's own Buffers.
    const putAll = async (from: number, count: number) => {
      for (let n = from; n < from + count; n += 10) {
        await Promise.all(Array.from({ length: 10 }, (_, i) => put(n + i)));
      }
    };
    await putAll(-100, 100);
    const before = externalAfterGc();
    await putAll(0, items);
    const perItem = (externalAfterGc() - before) / items;
    // Pooled, each item's key and value kept two 8 KiB pools alive: about 8 KiB (7.6 KiB measured without the copy, 1.0 with it).
    expect(perItem).toBeLessThan(4 * 1024);
  }, 60_000);
});
