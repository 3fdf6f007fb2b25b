import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ActivityRecord, ActivityStore, Page, PendingActivityTask } from '../engine/ports.ts';
import type { Json } from '../lib/json.ts';
import { queryItems } from './dynamo-event-log.ts';
import {
  corruptItem,
  type Item,
  optionalNumber,
  optionalString,
  requireNumber,
  requireString,
} from './item-fields.ts';
import {
  getItemRequest,
  isConditionFailure,
  type Listing,
  listingQueryRequest,
  type PutCondition,
  partitionQueryRequest,
  putItemRequest,
  requireLimit,
} from './log-requests.ts';
import { decodePageToken, encodePageToken } from './page-token.ts';
import {
  ACTIVITIES_PARTITION,
  activityPartition,
  activityTaskSortKey,
  BY_MACHINE_INDEX,
  KEY_PREFIX,
  META_SORT_KEY,
  PARTITION_KEY,
  SORT_KEY,
} from './table.ts';

export interface DynamoActivityStoreOptions {
  client: DynamoDBClient;
  tableName: string;
}

/**
 * Activities and their pending tasks in the engine's table (layout in table.ts). A task is claimed by one
 * conditional UpdateItem (`attribute_not_exists(claimedBy)`): of two workers polling at once, one gets it.
 */
export class DynamoActivityStore implements ActivityStore {
  readonly #documents: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(options: DynamoActivityStoreOptions) {
    this.#documents = DynamoDBDocumentClient.from(options.client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    this.#tableName = options.tableName;
  }

  async createActivity(activity: ActivityRecord): Promise<boolean> {
    return this.#conditionalPut(encodeActivity(activity), { kind: 'absent' });
  }

  async getActivity(activityArn: string): Promise<ActivityRecord | undefined> {
    const result = await this.#documents.send(
      new GetCommand(getItemRequest(this.#tableName, activityPartition(activityArn), META_SORT_KEY)),
    );
    return result.Item === undefined ? undefined : decodeActivity(result.Item);
  }

  async updateActivity(activity: ActivityRecord): Promise<boolean> {
    return this.#conditionalPut(encodeActivity(activity), { kind: 'present' });
  }

  async deleteActivity(activityArn: string): Promise<void> {
    await this.#documents.send(
      new DeleteCommand({
        TableName: this.#tableName,
        Key: { [PARTITION_KEY]: activityPartition(activityArn), [SORT_KEY]: META_SORT_KEY },
      }),
    );
  }

  async listActivities(query: { limit: number; nextToken?: string }): Promise<Page<ActivityRecord>> {
    requireLimit(query.limit);
    const listing: Listing = {
      index: BY_MACHINE_INDEX,
      partition: ACTIVITIES_PARTITION,
      itemSortKey: META_SORT_KEY,
      itemPrefixes: [KEY_PREFIX.activity],
      forward: true,
    };
    const start =
      query.nextToken === undefined ? undefined : decodePageToken(query.nextToken, listing.itemPrefixes);
    const items = await queryItems(
      this.#documents,
      listingQueryRequest(this.#tableName, listing, start),
      query.limit + 1,
    );
    const pageItems = items.slice(0, query.limit);
    const last = pageItems.at(-1);
    const activities = pageItems.map(decodeActivity);
    if (items.length <= query.limit || last === undefined) return { items: activities };
    return {
      items: activities,
      nextToken: encodePageToken({
        pk: requireString(last, PARTITION_KEY),
        indexSortKey: requireString(last, BY_MACHINE_INDEX.sortKey),
      }),
    };
  }

  async putTask(task: PendingActivityTask): Promise<void> {
    await this.#conditionalPut(encodeTask(task), { kind: 'absent' });
  }

  async listTasks(activityArn: string, limit: number): Promise<PendingActivityTask[]> {
    const items = await queryItems(
      this.#documents,
      partitionQueryRequest(
        this.#tableName,
        activityPartition(activityArn),
        { beginsWith: KEY_PREFIX.activityTask },
        true,
      ),
      limit,
    );
    return items.map(decodeTask);
  }

  async claimTask(
    task: PendingActivityTask,
    claim: { workerName: string; claimedAt: number },
  ): Promise<boolean> {
    try {
      await this.#documents.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: taskKey(task),
          UpdateExpression: 'SET #claimedBy = :worker, #claimedAt = :at',
          ConditionExpression: 'attribute_exists(#sk) AND attribute_not_exists(#claimedBy)',
          ExpressionAttributeNames: { '#claimedBy': 'claimedBy', '#claimedAt': 'claimedAt', '#sk': SORT_KEY },
          ExpressionAttributeValues: { ':worker': claim.workerName, ':at': claim.claimedAt },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async releaseTask(
    task: PendingActivityTask,
    claim: { workerName: string; claimedAt: number },
  ): Promise<void> {
    try {
      await this.#documents.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: taskKey(task),
          UpdateExpression: 'REMOVE #claimedBy, #claimedAt',
          ConditionExpression: '#claimedBy = :worker AND #claimedAt = :at',
          ExpressionAttributeNames: { '#claimedBy': 'claimedBy', '#claimedAt': 'claimedAt' },
          ExpressionAttributeValues: { ':worker': claim.workerName, ':at': claim.claimedAt },
        }),
      );
    } catch (error) {
      // Another claim or a delete came first: nothing of this claim is left to give up.
      if (!isConditionFailure(error)) throw error;
    }
  }

  async deleteTask(task: PendingActivityTask): Promise<void> {
    await this.#documents.send(new DeleteCommand({ TableName: this.#tableName, Key: taskKey(task) }));
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
}

function encodeActivity(activity: ActivityRecord): Item {
  return {
    [PARTITION_KEY]: activityPartition(activity.activityArn),
    [SORT_KEY]: META_SORT_KEY,
    [BY_MACHINE_INDEX.partitionKey]: ACTIVITIES_PARTITION,
    [BY_MACHINE_INDEX.sortKey]: activity.name,
    activityArn: activity.activityArn,
    name: activity.name,
    creationDate: activity.creationDate,
    tags: activity.tags,
    encryptionConfiguration:
      activity.encryptionConfiguration === undefined
        ? undefined
        : JSON.stringify(activity.encryptionConfiguration),
  };
}

function decodeActivity(item: Item): ActivityRecord {
  const tags = item.tags;
  if (typeof tags !== 'object' || tags === null || Array.isArray(tags)) throw corruptItem(item, 'tags');
  const activity: ActivityRecord = {
    // The key is projected into every index; the listing index holds no `activityArn` attribute.
    activityArn: requireString(item, PARTITION_KEY).slice(KEY_PREFIX.activity.length),
    name: requireString(item, 'name'),
    creationDate: requireNumber(item, 'creationDate'),
    tags: Object.fromEntries(Object.entries(tags).map(([key, value]) => [key, String(value)])),
  };
  const encryption = optionalString(item, 'encryptionConfiguration');
  if (encryption !== undefined) activity.encryptionConfiguration = JSON.parse(encryption) as Json;
  return activity;
}

function taskKey(task: PendingActivityTask): Item {
  return { [PARTITION_KEY]: activityPartition(task.activityArn), [SORT_KEY]: activityTaskSortKey(task) };
}

function encodeTask(task: PendingActivityTask): Item {
  return {
    ...taskKey(task),
    activityArn: task.activityArn,
    executionArn: task.executionArn,
    scope: task.scope,
    ref: task.ref,
    taskToken: task.taskToken,
    input: task.input,
    scheduledAt: task.scheduledAt,
  };
}

function decodeTask(item: Item): PendingActivityTask {
  const task: PendingActivityTask = {
    activityArn: requireString(item, 'activityArn'),
    executionArn: requireString(item, 'executionArn'),
    scope: requireString(item, 'scope'),
    ref: requireNumber(item, 'ref'),
    taskToken: requireString(item, 'taskToken'),
    input: requireString(item, 'input'),
    scheduledAt: requireNumber(item, 'scheduledAt'),
  };
  const workerName = optionalString(item, 'claimedBy');
  const claimedAt = optionalNumber(item, 'claimedAt');
  if (workerName !== undefined && claimedAt !== undefined) task.claim = { workerName, claimedAt };
  return task;
}
