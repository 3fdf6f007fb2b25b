import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type {
  Commit,
  EventLog,
  ExecutionHead,
  MapRunRecord,
  Page,
  StateMachineRecord,
  StateMachineRevision,
  Tail,
} from '../engine/ports.ts';
import type { ExecutionStatus } from '../history/execution-state.ts';
import { InvariantError } from '../lib/invariant-error.ts';
import { COMMIT_BODY, commitChunkLocation, decodeCommit, encodeCommit } from './commit-codec.ts';
import { decodeHead, encodeHead, encodeHeadCopy, listedByStatus, qualifiedListings } from './head-codec.ts';
import { corruptItem, type Item, requireString } from './item-fields.ts';
import {
  commitExpiryAttributes,
  commitRange,
  deleteItemRequest,
  expiryAttributes,
  getItemRequest,
  isConditionFailure,
  type Listing,
  listingCopyRequest,
  listingPosition,
  listingPutRequest,
  listingQueryRequest,
  type PutCondition,
  partitionQueryRequest,
  putItemRequest,
  queryPageRequest,
  requireLimit,
} from './log-requests.ts';
import { decodePageToken, encodePageToken } from './page-token.ts';
import {
  DEFINITION,
  decodeRevision,
  decodeStateMachine,
  encodeRevision,
  encodeStateMachine,
  revisionChunkLocation,
} from './state-machine-codec.ts';
import { CHUNK_DATA, joinChunks, readChunkCount, readInlineText } from './stored-text.ts';
import {
  BY_MACHINE_INDEX,
  BY_MACHINE_STATUS_INDEX,
  executionPartition,
  executionStatusPartition,
  HEAD_SORT_KEY,
  KEY_PREFIX,
  META_SORT_KEY,
  mapRunChildSortKey,
  mapRunListPartition,
  mapRunPartition,
  PARTITION_KEY,
  QUALIFIED_HEAD_SORT_KEYS,
  revisionSortKey,
  SORT_KEY,
  STATE_MACHINES_PARTITION,
  stateMachinePartition,
} from './table.ts';

export interface DynamoEventLogOptions {
  client: DynamoDBClient;
  tableName: string;
  /** Days a closed execution is kept (the TTL attribute is written); absent: items never expire. */
  retentionDays?: number;
}

/**
 * The event log in one DynamoDB table (layout in table.ts). Every write that must not be made twice is a single
 * conditional PutItem (no transactions: dynalite has none); items a write needs besides (chunks of large texts,
 * a large output) are written first under keys of their own, so a writer that stops or loses leaves only orphans.
 */
export class DynamoEventLog implements EventLog {
  readonly #documents: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(options: DynamoEventLogOptions) {
    this.#documents = DynamoDBDocumentClient.from(options.client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    this.#tableName = options.tableName;
    this.#retentionDays = options.retentionDays;
  }

  readonly #retentionDays: number | undefined;

  // ─── Commits ──────────────────────────────────────────────────────────────────────────────────────────

  async append(executionArn: string, commit: Commit): Promise<boolean> {
    const items = await encodeCommit(executionArn, commit, randomUUID());
    const expiry = commitExpiryAttributes(this.#retentionDays, Date.now());
    await this.#putAll(items.chunks.map((chunk) => ({ ...chunk, ...expiry })));
    return this.#putIfAbsent({ ...items.commit, ...expiry });
  }

  async readTail(executionArn: string, limit: number): Promise<Tail | undefined> {
    requireLimit(limit);
    const newestFirst = await queryItems(
      this.#documents,
      partitionQueryRequest(
        this.#tableName,
        executionPartition(executionArn),
        { beginsWith: KEY_PREFIX.commit },
        false,
      ),
      limit,
    );
    if (newestFirst.length === 0) return undefined;
    const commits = await Promise.all(newestFirst.map((item) => this.#decodeCommitItem(item)));
    return { commits: commits.reverse() };
  }

  async readCommits(
    executionArn: string,
    options: { from?: number; reverse?: boolean; limit: number },
  ): Promise<Commit[]> {
    requireLimit(options.limit);
    const reverse = options.reverse === true;
    const range = commitRange(options.from, reverse);
    if (range === undefined) return [];
    const items = await queryItems(
      this.#documents,
      partitionQueryRequest(this.#tableName, executionPartition(executionArn), range, !reverse),
      options.limit,
    );
    return Promise.all(items.map((item) => this.#decodeCommitItem(item)));
  }

  async #decodeCommitItem(item: Item): Promise<Commit> {
    const chunkPrefix = commitChunkLocation(item);
    const body =
      chunkPrefix === undefined
        ? await readInlineText(item, COMMIT_BODY)
        : await this.#readChunks(item, chunkPrefix, readChunkCount(item, COMMIT_BODY));
    if (body === undefined) throw corruptItem(item, COMMIT_BODY);
    return decodeCommit(item, body);
  }

  // ─── Execution heads ──────────────────────────────────────────────────────────────────────────────────

  async createHead(head: ExecutionHead): Promise<boolean> {
    // The copies first: a head that exists has its copies.
    await Promise.all(
      qualifiedListings(head).map((listing) => this.#putIfAbsent(encodeHeadCopy(head, listing))),
    );
    return this.#putIfAbsent(encodeHead(head));
  }

  async deleteHead(head: ExecutionHead): Promise<void> {
    // The head last: a head that exists has its copies.
    await this.#deleteAll(qualifiedListings(head).map((listing) => encodeHeadCopy(head, listing)));
    await this.#delete(encodeHead(head));
  }

  async recordListing(head: ExecutionHead, asOf: number): Promise<void> {
    // A closed execution may go once its retention has passed (DynamoDB's TTL deletes it); a running one stays.
    const expiry =
      head.status === 'RUNNING' ? {} : expiryAttributes(this.#retentionDays, head.stopDate ?? Date.now(), 0);
    // The copies first, as StartExecution wrote them: a copy that shows a later commit (or none: a Map Run's
    // child has none) is left as it is.
    await Promise.all(
      qualifiedListings(head).map(async (listing) => {
        try {
          await this.#documents.send(
            new UpdateCommand(listingCopyRequest(this.#tableName, head, asOf, expiry, listing)),
          );
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
        }
      }),
    );
    // A Map Run child lists its first commit: an entry still absent after that was, most often, listed by a head
    // before entries existed (an upgrade during its run), which the entry replaces.
    const replacesHead = head.mapRunArn !== undefined && asOf > 1;
    const put = listingPutRequest(this.#tableName, head, asOf, expiry);
    let entryWasThere = true;
    try {
      const answer = await this.#documents.send(
        new PutCommand(replacesHead ? { ...put, ReturnValues: 'ALL_OLD' } : put),
      );
      entryWasThere = answer.Attributes !== undefined;
    } catch (error) {
      // The head shows this commit or a later one already: a listing applied twice, or after a later one.
      if (!isConditionFailure(error)) throw error;
    }
    if (replacesHead && !entryWasThere) {
      await this.#delete({
        [PARTITION_KEY]: executionPartition(head.executionArn),
        [SORT_KEY]: HEAD_SORT_KEY,
      });
    }
  }

  async putMapRun(record: MapRunRecord): Promise<void> {
    await this.#putIfAbsent({
      [PARTITION_KEY]: mapRunPartition(record.mapRunArn),
      [SORT_KEY]: META_SORT_KEY,
      mapRunArn: record.mapRunArn,
      executionArn: record.executionArn,
      startDate: record.startDate,
      ...commitExpiryAttributes(this.#retentionDays, Date.now()),
    });
  }

  async getMapRun(mapRunArn: string): Promise<MapRunRecord | undefined> {
    const item = await this.#get(mapRunPartition(mapRunArn), META_SORT_KEY);
    if (item === undefined) return undefined;
    return { mapRunArn, executionArn: String(item.executionArn), startDate: Number(item.startDate) };
  }

  async getHead(executionArn: string): Promise<ExecutionHead | undefined> {
    const item = await this.#get(executionPartition(executionArn), HEAD_SORT_KEY);
    if (item !== undefined) return decodeHead(item);
    return this.#childEntry(executionArn);
  }

  /**
   * A Map Run child's listing entry (it has no head): its first commit's ExecutionStarted says where, by its Map
   * Run and its start date. Undefined for an execution that is no Map Run's child (its machine's name has no
   * `/<label>`) or has no log.
   */
  async #childEntry(executionArn: string): Promise<ExecutionHead | undefined> {
    if (!executionArn.split(':')[6]?.includes('/')) return undefined;
    const [first] = await this.readCommits(executionArn, { limit: 1 });
    const started = first?.events.find((event) => event.type === 'ExecutionStarted');
    const execution = started?.type === 'ExecutionStarted' ? started.execution : undefined;
    if (execution?.mapRunArn === undefined) return undefined;
    const item = await this.#get(
      mapRunPartition(execution.mapRunArn),
      mapRunChildSortKey(execution.startTime, execution.name),
    );
    return item === undefined ? undefined : decodeHead(item);
  }

  async listExecutions(query: {
    stateMachineArn?: string;
    qualifier?: 'version' | 'alias';
    mapRunArn?: string;
    status?: ExecutionStatus;
    limit: number;
    nextToken?: string;
  }): Promise<Page<ExecutionHead>> {
    const { stateMachineArn, mapRunArn, status } = query;
    const listPartition = mapRunArn === undefined ? stateMachineArn : mapRunListPartition(mapRunArn);
    if (listPartition === undefined || (stateMachineArn !== undefined && mapRunArn !== undefined)) {
      throw new InvariantError('listExecutions needs exactly one of stateMachineArn and mapRunArn');
    }
    // A Map Run's closed children are not in the status index (listedByStatus): its listing, filtered.
    const byStatus = status !== undefined && listedByStatus({ status, ...(mapRunArn ? { mapRunArn } : {}) });
    const filter = status !== undefined && !byStatus ? { status } : {};
    const heads: Listing = {
      index: byStatus ? BY_MACHINE_STATUS_INDEX : BY_MACHINE_INDEX,
      partition: byStatus ? executionStatusPartition(listPartition, status) : listPartition,
      itemSortKey: query.qualifier === undefined ? HEAD_SORT_KEY : QUALIFIED_HEAD_SORT_KEYS[query.qualifier],
      // A Map Run's RUNNING children in the status index: heads, and entries in its partition (encodeHead).
      itemPrefixes:
        mapRunArn === undefined ? [KEY_PREFIX.execution] : [KEY_PREFIX.execution, KEY_PREFIX.mapRunRecord],
      forward: false,
      ...filter,
    };
    if (mapRunArn === undefined || byStatus) {
      const page = await this.#listPage([heads], query);
      return { ...page, items: page.items.map(decodeHead) };
    }
    // A Map Run's children: their entries in its partition, then the heads of children listed before the entries
    // (an upgrade during the run), newest first in each.
    const entries: Listing = {
      partition: mapRunPartition(mapRunArn),
      itemSortKey: KEY_PREFIX.mapRunChild,
      itemPrefixes: [KEY_PREFIX.mapRunRecord],
      forward: false,
      ...filter,
    };
    const page = await this.#listPage([entries, { ...heads, itemPrefixes: [KEY_PREFIX.execution] }], query);
    return { ...page, items: page.items.map(decodeHead) };
  }

  // ─── State machines ───────────────────────────────────────────────────────────────────────────────────

  async createStateMachine(machine: StateMachineRecord, revision: StateMachineRevision): Promise<boolean> {
    // The revision first, so no crash can leave a machine whose current revision is missing; a create that
    // finds the name taken deletes what it wrote.
    const written = await this.#putRevision(revision);
    if (await this.#putIfAbsent(encodeStateMachine(machine))) return true;
    await this.#deleteAll(written);
    return false;
  }

  async getStateMachine(stateMachineArn: string): Promise<StateMachineRecord | undefined> {
    const item = await this.#get(stateMachinePartition(stateMachineArn), META_SORT_KEY);
    return item === undefined ? undefined : decodeStateMachine(item);
  }

  async updateStateMachine(
    machine: StateMachineRecord,
    revision: StateMachineRevision | undefined,
    expectedRevisionId: string,
  ): Promise<boolean> {
    const written = revision === undefined ? [] : await this.#putRevision(revision);
    try {
      await this.#put(encodeStateMachine(machine), { kind: 'revision', expectedRevisionId });
      return true;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      await this.#deleteAll(written);
      return false;
    }
  }

  async deleteStateMachine(stateMachineArn: string): Promise<void> {
    await this.#delete({
      [PARTITION_KEY]: stateMachinePartition(stateMachineArn),
      [SORT_KEY]: META_SORT_KEY,
    });
  }

  async getRevision(stateMachineArn: string, revisionId: string): Promise<StateMachineRevision | undefined> {
    const item = await this.#get(stateMachinePartition(stateMachineArn), revisionSortKey(revisionId));
    if (item === undefined) return undefined;
    const chunkPrefix = revisionChunkLocation(item);
    const definition =
      chunkPrefix === undefined
        ? await readInlineText(item, DEFINITION)
        : await this.#readChunks(item, chunkPrefix, readChunkCount(item, DEFINITION));
    if (definition === undefined) throw corruptItem(item, DEFINITION);
    return decodeRevision(item, definition);
  }

  async listStateMachines(query: { limit: number; nextToken?: string }): Promise<Page<StateMachineRecord>> {
    const listing: Listing = {
      index: BY_MACHINE_INDEX,
      partition: STATE_MACHINES_PARTITION,
      itemSortKey: META_SORT_KEY,
      itemPrefixes: [KEY_PREFIX.stateMachine],
      forward: true,
    };
    const page = await this.#listPage([listing], query);
    return { ...page, items: page.items.map(decodeStateMachine) };
  }

  /** Writes a revision; returns the items this call wrote (none when the revision already existed). */
  async #putRevision(revision: StateMachineRevision): Promise<Item[]> {
    const items = await encodeRevision(revision, randomUUID());
    await this.#putAll(items.chunks);
    if (await this.#putIfAbsent(items.revision)) return [...items.chunks, items.revision];
    // A retried call already stored this revision: keep it, drop the chunks written for nothing.
    await this.#deleteAll(items.chunks);
    return [];
  }

  // ─── DynamoDB requests ────────────────────────────────────────────────────────────────────────────────

  async #get(pk: string, sk: string): Promise<Item | undefined> {
    const result = await this.#documents.send(new GetCommand(getItemRequest(this.#tableName, pk, sk)));
    return result.Item;
  }

  async #put(item: Item, condition?: PutCondition): Promise<void> {
    await this.#documents.send(new PutCommand(putItemRequest(this.#tableName, item, condition)));
  }

  /** Puts `item` unless an item with its key exists; false (nothing written) when one does. */
  async #putIfAbsent(item: Item): Promise<boolean> {
    try {
      await this.#put(item, { kind: 'absent' });
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async #putAll(items: readonly Item[]): Promise<void> {
    await Promise.all(items.map((item) => this.#put(item)));
  }

  async #delete(item: Item): Promise<void> {
    await this.#documents.send(new DeleteCommand(deleteItemRequest(this.#tableName, item)));
  }

  async #deleteAll(items: readonly Item[]): Promise<void> {
    await Promise.all(items.map((item) => this.#delete(item)));
  }

  /** The chunks under `prefix` in `owner`'s partition, joined back into the text they were split from. */
  async #readChunks(owner: Item, prefix: string, count: number | undefined): Promise<string> {
    if (count === undefined) throw corruptItem(owner, 'chunk count');
    const chunks = await queryItems(
      this.#documents,
      partitionQueryRequest(
        this.#tableName,
        requireString(owner, PARTITION_KEY),
        { beginsWith: prefix },
        true,
      ),
      count,
    );
    const parts = chunks.map((chunk) => chunk[CHUNK_DATA]);
    if (parts.length !== count || !parts.every((part) => part instanceof Uint8Array)) {
      throw new InvariantError(
        `Stored item ${String(owner[PARTITION_KEY])} / ${prefix}: ${count} chunks expected`,
      );
    }
    return joinChunks(parts);
  }

  /**
   * One page of listings read one after the other (most are one listing; a token's partition key says which
   * one it is in). It asks for one item more than the page holds, so that the last page has no nextToken
   * (rather than a token to an empty page).
   */
  async #listPage(
    listings: readonly Listing[],
    query: { limit: number; nextToken?: string },
  ): Promise<Page<Item>> {
    requireLimit(query.limit);
    const start =
      query.nextToken === undefined
        ? undefined
        : decodePageToken(
            query.nextToken,
            listings.flatMap((listing) => listing.itemPrefixes),
          );
    const first =
      start === undefined
        ? 0
        : listings.findIndex((listing) => listing.itemPrefixes.some((prefix) => start.pk.startsWith(prefix)));
    const found: Array<{ item: Item; listing: Listing }> = [];
    for (const [i, listing] of listings.entries()) {
      if (i < first || found.length > query.limit) continue;
      const items = await queryItems(
        this.#documents,
        listingQueryRequest(this.#tableName, listing, i === first ? start : undefined),
        query.limit + 1 - found.length,
      );
      found.push(...items.map((item) => ({ item, listing })));
    }
    const page = found.slice(0, query.limit);
    const last = page.at(-1);
    const items = page.map((entry) => entry.item);
    if (found.length <= query.limit || last === undefined) return { items };
    return { items, nextToken: encodePageToken(listingPosition(last.listing, last.item)) };
  }
}

/**
 * Up to `want` items of a Query. DynamoDB cuts a page at 1 MB of data read (Limit is only an upper bound), so this
 * continues from LastEvaluatedKey until it has `want` items or the query is exhausted.
 */
export async function queryItems(
  documents: DynamoDBDocumentClient,
  input: QueryCommandInput,
  want: number,
): Promise<Item[]> {
  const items: Item[] = [];
  let startKey = input.ExclusiveStartKey;
  do {
    const page = await documents.send(
      new QueryCommand(queryPageRequest(input, want - items.length, startKey)),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined && items.length < want);
  return items;
}
