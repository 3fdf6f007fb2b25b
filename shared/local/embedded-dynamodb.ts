import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { createTableInput } from '../eventlog/table.ts';
// dynalite's Queries and Scans close their LevelDB iterators (see the module).
import './dynalite-iterators.ts';
import { UNSIGNED_REQUESTS } from './unsigned-requests.ts';

/** An in-process DynamoDB (dynalite) holding Statefold's table, for the local runtime and the tests. */
export interface EmbeddedDynamoDB {
  endpoint: string;
  client: DynamoDBClient;
  tableName: string;
  stop(): Promise<void>;
}

export const DEFAULT_LOCAL_TABLE_NAME = 'statefold';

const TABLE_ACTIVE_TIMEOUT_MS = 5_000;

/**
 * Starts dynalite on 127.0.0.1 (a free port), in memory or, with `path`, in a LevelDB folder that survives
 * restarts, and creates the table unless it is there already.
 */
export async function startEmbeddedDynamoDB(
  options: { path?: string; tableName?: string } = {},
): Promise<EmbeddedDynamoDB> {
  const tableName = options.tableName ?? DEFAULT_LOCAL_TABLE_NAME;
  if (options.path !== undefined) await mkdir(options.path, { recursive: true });
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path === undefined ? {} : { path: options.path }),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    // dynalite checks no signature.
    ...UNSIGNED_REQUESTS,
  });
  const stop = async (): Promise<void> => {
    client.destroy();
    await new Promise<void>((resolve, reject) =>
      server.close((error) => (error ? reject(error) : resolve())),
    );
  };
  try {
    await ensureTable(client, createTableInput(tableName));
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, client, tableName, stop };
}

/**
 * Creates a table unless it is there already, then waits until it is ACTIVE: dynalite answers CreateTable with
 * CREATING and refuses reads and writes (ResourceNotFoundException) until a timer flips it, even with
 * createTableMs 0, so a caller that writes at once can lose that race on a busy machine.
 */
export async function ensureTable(client: DynamoDBClient, input: CreateTableCommandInput): Promise<void> {
  const tableName = input.TableName as string;
  if ((await describeTableStatus(client, tableName)) === undefined) {
    try {
      await client.send(new CreateTableCommand(input));
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }
  const deadline = Date.now() + TABLE_ACTIVE_TIMEOUT_MS;
  while ((await describeTableStatus(client, tableName)) !== 'ACTIVE') {
    if (Date.now() > deadline) throw new Error(`Table ${tableName} did not become ACTIVE`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function describeTableStatus(client: DynamoDBClient, tableName: string): Promise<string | undefined> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return Table?.TableStatus;
  } catch (error) {
    if (error instanceof Error && error.name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}
