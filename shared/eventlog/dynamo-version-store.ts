import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { invalidPageToken } from '../engine/engine-error.ts';
import type {
  Page,
  RoutingConfigurationItem,
  StateMachineAliasRecord,
  StateMachineVersionRecord,
  VersionStore,
} from '../engine/ports.ts';
import type { Json } from '../lib/json.ts';
import { queryItems } from './dynamo-event-log.ts';
import { corruptItem, type Item, optionalString, requireNumber, requireString } from './item-fields.ts';
import {
  deleteItemRequest,
  getItemRequest,
  isConditionFailure,
  type PutCondition,
  partitionQueryRequest,
  putItemRequest,
  requireLimit,
} from './log-requests.ts';
import { decodePageToken, encodePageToken } from './page-token.ts';
import {
  aliasSortKey,
  KEY_PREFIX,
  PARTITION_KEY,
  SORT_KEY,
  stateMachinePartition,
  VERSION_COUNTER_SORT_KEY,
  versionSortKey,
} from './table.ts';

export interface DynamoVersionStoreOptions {
  client: DynamoDBClient;
  tableName: string;
}

const LAST_VERSION = 'lastVersion';

/**
 * Versions (`ver#<n>`), aliases (`alias#<name>`) and the version counter (`vercount`) of a state machine, in its
 * partition (layout in table.ts). They are listed by a Query of the partition (strongly consistent), so the
 * listing indexes and their projections do not change. A version is one conditional PutItem of its number; the
 * counter only keeps numbers from being reused once the newest version is deleted.
 */
export class DynamoVersionStore implements VersionStore {
  readonly #documents: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(options: DynamoVersionStoreOptions) {
    this.#documents = DynamoDBDocumentClient.from(options.client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    this.#tableName = options.tableName;
  }

  /** The counter and the newest version, read at once (one round trip). */
  async newestVersion(
    stateMachineArn: string,
  ): Promise<{ newest: StateMachineVersionRecord | undefined; lastNumber: number }> {
    const pk = stateMachinePartition(stateMachineArn);
    const [counter, items] = await Promise.all([
      this.#get(pk, VERSION_COUNTER_SORT_KEY),
      queryItems(
        this.#documents,
        partitionQueryRequest(this.#tableName, pk, { beginsWith: KEY_PREFIX.version }, false),
        1,
      ),
    ]);
    const newest = items[0] === undefined ? undefined : decodeVersion(items[0]);
    const counted = typeof counter?.[LAST_VERSION] === 'number' ? counter[LAST_VERSION] : 0;
    return { newest, lastNumber: Math.max(counted, newest?.version ?? 0) };
  }

  async createVersion(version: StateMachineVersionRecord): Promise<boolean> {
    if (!(await this.#conditionalPut(encodeVersion(version), { kind: 'absent' }))) return false;
    try {
      await this.#documents.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: {
            [PARTITION_KEY]: stateMachinePartition(version.stateMachineArn),
            [SORT_KEY]: VERSION_COUNTER_SORT_KEY,
          },
          UpdateExpression: 'SET #last = :n',
          ConditionExpression: 'attribute_not_exists(#last) OR #last < :n',
          ExpressionAttributeNames: { '#last': LAST_VERSION },
          ExpressionAttributeValues: { ':n': version.version },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    return true;
  }

  async getVersion(stateMachineArn: string, version: number): Promise<StateMachineVersionRecord | undefined> {
    const item = await this.#get(stateMachinePartition(stateMachineArn), versionSortKey(version));
    return item === undefined ? undefined : decodeVersion(item);
  }

  async deleteVersion(stateMachineArn: string, version: number): Promise<void> {
    await this.#delete(stateMachinePartition(stateMachineArn), versionSortKey(version));
  }

  async listVersions(
    stateMachineArn: string,
    query: { limit: number; nextToken?: string },
  ): Promise<Page<StateMachineVersionRecord>> {
    const page = await this.#listPage(stateMachineArn, KEY_PREFIX.version, false, query);
    return { ...page, items: page.items.map(decodeVersion) };
  }

  async countVersions(stateMachineArn: string): Promise<number> {
    return this.#count(stateMachineArn, KEY_PREFIX.version);
  }

  async createAlias(alias: StateMachineAliasRecord): Promise<boolean> {
    return this.#conditionalPut(encodeAlias(alias), { kind: 'absent' });
  }

  async getAlias(stateMachineArn: string, name: string): Promise<StateMachineAliasRecord | undefined> {
    const item = await this.#get(stateMachinePartition(stateMachineArn), aliasSortKey(name));
    return item === undefined ? undefined : decodeAlias(item);
  }

  async updateAlias(alias: StateMachineAliasRecord): Promise<boolean> {
    return this.#conditionalPut(encodeAlias(alias), { kind: 'present' });
  }

  async deleteAlias(stateMachineArn: string, name: string): Promise<void> {
    await this.#delete(stateMachinePartition(stateMachineArn), aliasSortKey(name));
  }

  async listAliases(
    stateMachineArn: string,
    query: { limit: number; nextToken?: string },
  ): Promise<Page<StateMachineAliasRecord>> {
    const page = await this.#listPage(stateMachineArn, KEY_PREFIX.alias, true, query);
    return { ...page, items: page.items.map(decodeAlias) };
  }

  async countAliases(stateMachineArn: string): Promise<number> {
    return this.#count(stateMachineArn, KEY_PREFIX.alias);
  }

  async deleteAll(stateMachineArn: string): Promise<void> {
    const pk = stateMachinePartition(stateMachineArn);
    for (const prefix of [KEY_PREFIX.alias, KEY_PREFIX.version]) {
      for (;;) {
        const items = await queryItems(
          this.#documents,
          partitionQueryRequest(this.#tableName, pk, { beginsWith: prefix }, true),
          100,
        );
        if (items.length === 0) break;
        await Promise.all(items.map((item) => this.#delete(pk, requireString(item, SORT_KEY))));
      }
    }
    await this.#delete(pk, VERSION_COUNTER_SORT_KEY);
  }

  // ─── DynamoDB requests ────────────────────────────────────────────────────────────────────────────────

  async #get(pk: string, sk: string): Promise<Item | undefined> {
    const result = await this.#documents.send(new GetCommand(getItemRequest(this.#tableName, pk, sk)));
    return result.Item;
  }

  async #delete(pk: string, sk: string): Promise<void> {
    await this.#documents.send(
      new DeleteCommand(deleteItemRequest(this.#tableName, { [PARTITION_KEY]: pk, [SORT_KEY]: sk })),
    );
  }

  async #conditionalPut(item: Item, condition: PutCondition): Promise<boolean> {
    try {
      await this.#documents.send(new PutCommand(putItemRequest(this.#tableName, item, condition)));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async #count(stateMachineArn: string, prefix: string): Promise<number> {
    let count = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#documents.send(
        new QueryCommand({
          ...partitionQueryRequest(
            this.#tableName,
            stateMachinePartition(stateMachineArn),
            { beginsWith: prefix },
            true,
          ),
          Select: 'COUNT',
          ExclusiveStartKey: startKey,
        }),
      );
      count += page.Count ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return count;
  }

  /** One page of the partition's items under `prefix`; like the listings, it reads one more to know if more follow. */
  async #listPage(
    stateMachineArn: string,
    prefix: string,
    forward: boolean,
    query: { limit: number; nextToken?: string },
  ): Promise<Page<Item>> {
    requireLimit(query.limit);
    const pk = stateMachinePartition(stateMachineArn);
    const request = partitionQueryRequest(this.#tableName, pk, { beginsWith: prefix }, forward);
    if (query.nextToken !== undefined) {
      const start = decodePageToken(query.nextToken, KEY_PREFIX.stateMachine);
      if (start.pk !== pk || !start.indexSortKey.startsWith(prefix)) {
        throw invalidPageToken(query.nextToken);
      }
      request.ExclusiveStartKey = { [PARTITION_KEY]: pk, [SORT_KEY]: start.indexSortKey };
    }
    const items = await queryItems(this.#documents, request, query.limit + 1);
    const pageItems = items.slice(0, query.limit);
    const last = pageItems.at(-1);
    if (items.length <= query.limit || last === undefined) return { items: pageItems };
    return {
      items: pageItems,
      nextToken: encodePageToken({ pk, indexSortKey: requireString(last, SORT_KEY) }),
    };
  }
}

// ─── Codecs ─────────────────────────────────────────────────────────────────────────────────────────────

function encodeVersion(version: StateMachineVersionRecord): Item {
  return {
    [PARTITION_KEY]: stateMachinePartition(version.stateMachineArn),
    [SORT_KEY]: versionSortKey(version.version),
    stateMachineArn: version.stateMachineArn,
    version: version.version,
    revisionId: version.revisionId,
    description: version.description,
    creationDate: version.creationDate,
    loggingConfiguration: encodeOptionalJson(version.loggingConfiguration),
    tracingConfiguration: encodeOptionalJson(version.tracingConfiguration),
  };
}

function decodeVersion(item: Item): StateMachineVersionRecord {
  const version: StateMachineVersionRecord = {
    stateMachineArn: requireString(item, 'stateMachineArn'),
    version: requireNumber(item, 'version'),
    revisionId: requireString(item, 'revisionId'),
    creationDate: requireNumber(item, 'creationDate'),
  };
  const description = optionalString(item, 'description');
  const logging = optionalString(item, 'loggingConfiguration');
  const tracing = optionalString(item, 'tracingConfiguration');
  if (description !== undefined) version.description = description;
  if (logging !== undefined) version.loggingConfiguration = JSON.parse(logging) as Json;
  if (tracing !== undefined) version.tracingConfiguration = JSON.parse(tracing) as Json;
  return version;
}

function encodeAlias(alias: StateMachineAliasRecord): Item {
  return {
    [PARTITION_KEY]: stateMachinePartition(alias.stateMachineArn),
    [SORT_KEY]: aliasSortKey(alias.name),
    stateMachineArn: alias.stateMachineArn,
    name: alias.name,
    description: alias.description,
    routingConfiguration: JSON.stringify(alias.routingConfiguration),
    creationDate: alias.creationDate,
    updateDate: alias.updateDate,
  };
}

function decodeAlias(item: Item): StateMachineAliasRecord {
  const routing = JSON.parse(requireString(item, 'routingConfiguration')) as unknown;
  if (!Array.isArray(routing)) throw corruptItem(item, 'routingConfiguration');
  const alias: StateMachineAliasRecord = {
    stateMachineArn: requireString(item, 'stateMachineArn'),
    name: requireString(item, 'name'),
    routingConfiguration: routing as RoutingConfigurationItem[],
    creationDate: requireNumber(item, 'creationDate'),
    updateDate: requireNumber(item, 'updateDate'),
  };
  const description = optionalString(item, 'description');
  if (description !== undefined) alias.description = description;
  return alias;
}

function encodeOptionalJson(value: Json | undefined): string | undefined {
  return value === undefined ? undefined : JSON.stringify(value);
}
