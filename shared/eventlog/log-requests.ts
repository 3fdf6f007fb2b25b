import type {
  DeleteCommandInput,
  GetCommandInput,
  PutCommandInput,
  QueryCommandInput,
  UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { ExecutionHead } from '../engine/ports.ts';
import { closeHeadUpdate, encodeHead, reopenHeadUpdate } from './head-codec.ts';
import { corruptItem, type Item } from './item-fields.ts';
import {
  type BY_MACHINE_INDEX,
  type BY_MACHINE_STATUS_INDEX,
  commitSortKey,
  KEY_PREFIX,
  LAST_COMMIT_SORT_KEY,
  PARTITION_KEY,
  SORT_KEY,
  TTL_ATTRIBUTE,
} from './table.ts';

/**
 * The DynamoDB requests the event log sends, built as plain inputs of the document client's commands: no
 * client, no I/O, so every key, condition, index and limit can be checked without a table.
 */

const DAY_SECONDS = 86_400;
/** AWS's limit on a Standard execution's duration. */
export const MAX_EXECUTION_DAYS = 365;

export type Index = typeof BY_MACHINE_INDEX | typeof BY_MACHINE_STATUS_INDEX;

/** A sort-key condition of a Query on one partition. */
export type SortKeyRange = { beginsWith: string } | { between: readonly [string, string] };

/** The condition a put must meet to be written. */
export type PutCondition =
  /** No item has the put's key yet. */
  | { kind: 'absent' }
  /** An item with the put's key exists already (a replace, never a create). */
  | { kind: 'present' }
  /** The stored item names this revision (optimistic locking of state machine records). */
  | { kind: 'revision'; expectedRevisionId: string };

/** Which index partition (or table partition) a listing reads, in which order, and what its items' keys look like. */
export interface Listing {
  /** Absent: the listing is a partition of the table (a Map Run's children's entries in its partition). */
  index?: Index;
  partition: string;
  /**
   * The sort key every listed head has (`head`, `meta`); a Map Run child's entry's is `child#` and its index
   * sort key (listedSortKey). For a listing of the table, the prefix of the listed items' sort keys.
   */
  itemSortKey: string;
  /** The prefixes listed items' partition keys have: a token naming another is not one of this listing's. */
  itemPrefixes: readonly string[];
  forward: boolean;
  /** Only the items whose `status` is this (a Map Run's closed children, which the status index leaves out). */
  status?: string;
}

/** Where a listing page starts: the last item of the page before (from a page token). */
export interface ListingStart {
  pk: string;
  indexSortKey: string;
}

const KEY_NAMES = { '#pk': PARTITION_KEY, '#sk': SORT_KEY };

/**
 * The TTL attribute for an item that may go `days` after `fromMs` plus the retention; none (an empty item)
 * without a retention, so the item never expires.
 */
export function expiryAttributes(retentionDays: number | undefined, fromMs: number, days: number): Item {
  if (retentionDays === undefined) return {};
  return { [TTL_ATTRIBUTE]: Math.ceil(fromMs / 1000) + (days + retentionDays) * DAY_SECONDS };
}

/** A commit (and its chunks) may go a retention after the longest an execution can run from its writing. */
export function commitExpiryAttributes(retentionDays: number | undefined, writtenMs: number): Item {
  return expiryAttributes(retentionDays, writtenMs, MAX_EXECUTION_DAYS);
}

export function getItemRequest(tableName: string, pk: string, sk: string): GetCommandInput {
  return { TableName: tableName, Key: { [PARTITION_KEY]: pk, [SORT_KEY]: sk }, ConsistentRead: true };
}

export function putItemRequest(tableName: string, item: Item, condition?: PutCondition): PutCommandInput {
  const request: PutCommandInput = { TableName: tableName, Item: item };
  if (condition === undefined) return request;
  switch (condition.kind) {
    case 'absent':
      return {
        ...request,
        ConditionExpression: 'attribute_not_exists(#sk)',
        ExpressionAttributeNames: { '#sk': SORT_KEY },
      };
    case 'present':
      return {
        ...request,
        ConditionExpression: 'attribute_exists(#sk)',
        ExpressionAttributeNames: { '#sk': SORT_KEY },
      };
    case 'revision':
      return {
        ...request,
        ConditionExpression: '#revisionId = :expected',
        ExpressionAttributeNames: { '#revisionId': 'revisionId' },
        ExpressionAttributeValues: { ':expected': condition.expectedRevisionId },
      };
  }
}

/** A conditional write whose condition did not hold (DynamoDB's ConditionalCheckFailedException). */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** Deletes the item with `item`'s key (its other attributes are ignored). */
export function deleteItemRequest(tableName: string, item: Item): DeleteCommandInput {
  return { TableName: tableName, Key: { [PARTITION_KEY]: item[PARTITION_KEY], [SORT_KEY]: item[SORT_KEY] } };
}

/** The head attribute naming the commit its listing shows (see recordListing). */
export const LISTED_AS_OF = 'listedAsOf';

/** Only a listing of an older commit (or one written before commits were named) gives way. */
const OLDER_LISTING = '(attribute_not_exists(#asOf) OR #asOf < :asOf)';

/**
 * Writes an execution's head as commit `asOf` left it, the whole item (a Distributed Map's child is first
 * listed this way), unless the stored head shows that commit or a later one.
 */
export function listingPutRequest(
  tableName: string,
  head: ExecutionHead,
  asOf: number,
  expiry: Item,
): PutCommandInput {
  return {
    TableName: tableName,
    Item: { ...encodeHead(head), [LISTED_AS_OF]: asOf, ...expiry },
    ConditionExpression: `attribute_not_exists(#pk) OR ${OLDER_LISTING}`,
    ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#asOf': LISTED_AS_OF },
    ExpressionAttributeValues: { ':asOf': asOf },
  };
}

/**
 * Brings a head's copy (listed under a version or an alias, written by StartExecution) to commit `asOf`: closed
 * (status, its index key, stop date, expiry) or RUNNING again after a redrive; fails on a missing copy or one
 * that shows that commit or a later one.
 */
export function listingCopyRequest(
  tableName: string,
  head: ExecutionHead,
  asOf: number,
  expiry: Item,
  listing: { sortKey: string; listPartition: string },
): UpdateCommandInput {
  const { key, set, remove, names, values } =
    head.status === 'RUNNING' ? reopenHeadUpdate(head, listing) : closeHeadUpdate(head, expiry, listing);
  return {
    TableName: tableName,
    Key: key,
    UpdateExpression: `SET ${[...set, '#asOf = :asOf'].join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
    ConditionExpression: `attribute_exists(#pk) AND ${OLDER_LISTING}`,
    ExpressionAttributeNames: { ...names, '#pk': PARTITION_KEY, '#asOf': LISTED_AS_OF },
    ExpressionAttributeValues: { ...values, ':asOf': asOf },
  };
}

/** A consistent Query of one partition's items in a sort-key range. */
export function partitionQueryRequest(
  tableName: string,
  pk: string,
  range: SortKeyRange,
  forward: boolean,
): QueryCommandInput {
  const sortCondition = 'beginsWith' in range ? 'begins_with(#sk, :prefix)' : '#sk BETWEEN :low AND :high';
  const sortValues =
    'beginsWith' in range
      ? { ':prefix': range.beginsWith }
      : { ':low': range.between[0], ':high': range.between[1] };
  return {
    TableName: tableName,
    KeyConditionExpression: `#pk = :pk AND ${sortCondition}`,
    ExpressionAttributeNames: KEY_NAMES,
    ExpressionAttributeValues: { ':pk': pk, ...sortValues },
    ScanIndexForward: forward,
    ConsistentRead: true,
  };
}

/** The sort-key range of commits from `from` on (or, reversed, down to `from`); undefined when it is empty. */
export function commitRange(from: number | undefined, reverse: boolean): SortKeyRange | undefined {
  if (from === undefined) return { beginsWith: KEY_PREFIX.commit };
  if (!Number.isInteger(from)) throw new RangeError(`Commit number must be an integer, got ${from}`);
  if (reverse) return from < 1 ? undefined : { between: [commitSortKey(0), commitSortKey(from)] };
  return { between: [commitSortKey(Math.max(from, 0)), LAST_COMMIT_SORT_KEY] };
}

/**
 * A Query of one listing's index partition, from `start` on. Index reads are eventually consistent (DynamoDB
 * has no consistent reads on a global index); a listing of the table's partition reads consistently (a
 * ResultWriter that has heard of all its children finds them all).
 */
export function listingQueryRequest(
  tableName: string,
  listing: Listing,
  start?: ListingStart,
): QueryCommandInput {
  const { index, partition } = listing;
  const request: QueryCommandInput =
    index === undefined
      ? {
          ...partitionQueryRequest(
            tableName,
            partition,
            { beginsWith: listing.itemSortKey },
            listing.forward,
          ),
          ExpressionAttributeNames: { ...KEY_NAMES },
        }
      : {
          TableName: tableName,
          IndexName: index.name,
          KeyConditionExpression: '#ipk = :ipk',
          ExpressionAttributeNames: { '#ipk': index.partitionKey },
          ExpressionAttributeValues: { ':ipk': partition },
          ScanIndexForward: listing.forward,
        };
  if (listing.status !== undefined) {
    request.FilterExpression = '#status = :status';
    request.ExpressionAttributeNames = { ...request.ExpressionAttributeNames, '#status': 'status' };
    request.ExpressionAttributeValues = { ...request.ExpressionAttributeValues, ':status': listing.status };
  }
  if (start === undefined) return request;
  if (index === undefined) {
    return {
      ...request,
      ExclusiveStartKey: { [PARTITION_KEY]: partition, [SORT_KEY]: listing.itemSortKey + start.indexSortKey },
    };
  }
  return {
    ...request,
    ExclusiveStartKey: {
      [PARTITION_KEY]: start.pk,
      [SORT_KEY]: listedSortKey(listing, start),
      [index.partitionKey]: partition,
      [index.sortKey]: start.indexSortKey,
    },
  };
}

/** The table sort key of the listed item at `position`: a Map Run child's entry's, or the listing's heads'. */
function listedSortKey(listing: Listing, position: ListingStart): string {
  return position.pk.startsWith(KEY_PREFIX.mapRunRecord)
    ? KEY_PREFIX.mapRunChild + position.indexSortKey
    : listing.itemSortKey;
}

/** Where a listing goes on after `item` (the last of a page): its partition key and its place in the listing. */
export function listingPosition(listing: Listing, item: Item): ListingStart {
  const pk = item[PARTITION_KEY];
  const sortKey = item[listing.index === undefined ? SORT_KEY : listing.index.sortKey];
  if (typeof pk !== 'string' || typeof sortKey !== 'string') throw corruptItem(item, SORT_KEY);
  return {
    pk,
    indexSortKey: listing.index === undefined ? sortKey.slice(listing.itemSortKey.length) : sortKey,
  };
}

/** The next page of `query`: at most `limit` items after `startKey` (the first page without one). */
export function queryPageRequest(
  query: QueryCommandInput,
  limit: number,
  startKey: Record<string, unknown> | undefined,
): QueryCommandInput {
  requireLimit(limit);
  // A filtered Query's Limit counts the items it reads, not those it keeps: it reads a page (1 MB) at a time.
  if (query.FilterExpression !== undefined) return { ...query, ExclusiveStartKey: startKey };
  return { ...query, Limit: limit, ExclusiveStartKey: startKey };
}

export function requireLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`Limit must be a positive integer, got ${limit}`);
}
