import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { type LocalDynamoDBClient, localDynamoDBClient } from '../composition/local-clients.ts';
import { ensureTable } from '../eventlog/ensure-table.ts';
import { createTableInput } from '../eventlog/table.ts';
// dynalite's Queries and Scans close their LevelDB iterators, and its in-memory store keeps no Buffer pool
// alive per item (see the modules).
import './dynalite-iterators.ts';
import './dynalite-memory-store.ts';

/** An in-process DynamoDB (dynalite) holding Statefold's table, for the local runtime and the tests. */
export interface EmbeddedDynamoDB {
  endpoint: string;
  client: LocalDynamoDBClient;
  tableName: string;
  stop(): Promise<void>;
}

export const DEFAULT_LOCAL_TABLE_NAME = 'statefold';

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
  const client = localDynamoDBClient(endpoint);
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
