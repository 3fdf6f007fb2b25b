import type { ExecutionHead } from '../engine/ports.ts';
import { EXECUTION_STATUSES, type ExecutionStatus } from '../history/execution-state.ts';
import { InvariantError } from '../lib/invariant-error.ts';
import {
  corruptItem,
  type Item,
  optionalNumber,
  optionalString,
  requireNumber,
  requireString,
} from './item-fields.ts';
import { estimateItemBytes } from './stored-text.ts';
import {
  BY_MACHINE_INDEX,
  BY_MACHINE_STATUS_INDEX,
  executionListPartition,
  executionListSortKey,
  executionPartition,
  executionStatusPartition,
  HEAD_SORT_KEY,
  KEY_PREFIX,
  mapRunChildSortKey,
  mapRunListPartition,
  mapRunPartition,
  PARTITION_KEY,
  QUALIFIED_HEAD_SORT_KEYS,
  SORT_KEY,
  TTL_ATTRIBUTE,
} from './table.ts';

/**
 * An execution's head item (`head`): what ListExecutions shows, with the listing indexes' keys. It holds no
 * input, output or cause (DescribeExecution reads those from the log), so it stays under 1 KB: creating and
 * closing it cost one write unit each, plus the index entries. A Distributed Map's child has, instead of a head,
 * an entry in its Map Run's partition (encodeChildEntry).
 */

const STATUSES: ReadonlySet<string> = new Set<ExecutionStatus>(EXECUTION_STATUSES);

/** The item that lists the execution: its head, or a Map Run child's entry in its Map Run's partition. */
export function encodeHead(head: ExecutionHead): Item {
  if (head.mapRunArn !== undefined) return encodeChildEntry(head, head.mapRunArn);
  return encodeListedHead(head, { sortKey: HEAD_SORT_KEY, listPartition: executionListPartition(head) });
}

/**
 * A Map Run child's listing entry (`child#<startDate>#<name>` in its Map Run's partition). It is in no listing
 * index (its Map Run's listing is a Query of the partition), save the status index while it runs, and it leaves
 * its ARNs to its key and name: a closed child's listing is one item of about 300 bytes, one write unit, where
 * a head and its byMachine index entry took two.
 */
function encodeChildEntry(head: ExecutionHead, mapRunArn: string): Item {
  const listSortKey = executionListSortKey(head.startDate, head.name);
  const item: Item = {
    [PARTITION_KEY]: mapRunPartition(mapRunArn),
    [SORT_KEY]: mapRunChildSortKey(head.startDate, head.name),
    name: head.name,
    status: head.status,
    startDate: head.startDate,
  };
  // Kept only when they are not the ARNs the Map Run's gives for this name (a nested Map Run's, say).
  const derived = childArnsOf(mapRunArn, head.name);
  if (derived.executionArn !== head.executionArn) item.executionArn = head.executionArn;
  if (derived.stateMachineArn !== head.stateMachineArn) item.stateMachineArn = head.stateMachineArn;
  if (listedByStatus(head)) {
    item[BY_MACHINE_STATUS_INDEX.partitionKey] = executionStatusPartition(
      mapRunListPartition(mapRunArn),
      head.status,
    );
    item[BY_MACHINE_STATUS_INDEX.sortKey] = listSortKey;
  }
  if (head.stopDate !== undefined) item.stopDate = head.stopDate;
  if (head.redriveCount !== undefined) item.redriveCount = head.redriveCount;
  if (head.redriveDate !== undefined) item.redriveDate = head.redriveDate;
  // A succeeded child's input and output, when the entry still takes one write unit with them.
  const withResult = head.result && { ...item, input: head.result.input, output: head.result.output };
  if (withResult && estimateItemBytes(withResult) + LISTING_ATTRIBUTES_BYTES <= WRITE_UNIT_BYTES) {
    return withResult;
  }
  return item;
}

const WRITE_UNIT_BYTES = 1024;
/** Room for what a listing adds to the entry (listedAsOf, the TTL attribute). */
const LISTING_ATTRIBUTES_BYTES = 64;

/**
 * The ARNs of the child named `name` of a Map Run (`…:mapRun:<machine>/<label>:<id>`): its execution's
 * (`…:execution:<machine>/<label>:<name>`) and its state machine's (`…:stateMachine:<machine>/<label>`).
 */
export function childArnsOf(
  mapRunArn: string,
  name: string,
): { executionArn: string; stateMachineArn: string } {
  const run = mapRunArn.slice(0, mapRunArn.lastIndexOf(':'));
  return {
    executionArn: `${run.replace(':mapRun:', ':execution:')}:${name}`,
    stateMachineArn: run.replace(':mapRun:', ':stateMachine:'),
  };
}

/** A head item under `listing.sortKey`, listed in the indexes under `listing.listPartition`. */
function encodeListedHead(head: ExecutionHead, listing: { sortKey: string; listPartition: string }): Item {
  const { listPartition } = listing;
  const listSortKey = executionListSortKey(head.startDate, head.name);
  const item: Item = {
    [PARTITION_KEY]: executionPartition(head.executionArn),
    [SORT_KEY]: listing.sortKey,
    [BY_MACHINE_INDEX.partitionKey]: listPartition,
    [BY_MACHINE_INDEX.sortKey]: listSortKey,
    // Not the execution's ARN (the partition key holds it) nor a child's Map Run (its listing partition does):
    // a Distributed Map child's head, with its long ARNs, then stays under 1 KB once closed (one write unit).
    stateMachineArn: head.stateMachineArn,
    name: head.name,
    status: head.status,
    startDate: head.startDate,
  };
  if (listedByStatus(head)) {
    item[BY_MACHINE_STATUS_INDEX.partitionKey] = executionStatusPartition(listPartition, head.status);
    item[BY_MACHINE_STATUS_INDEX.sortKey] = listSortKey;
  }
  if (head.stopDate !== undefined) item.stopDate = head.stopDate;
  if (head.redriveCount !== undefined) item.redriveCount = head.redriveCount;
  if (head.redriveDate !== undefined) item.redriveDate = head.redriveDate;
  if (head.stateMachineVersionArn !== undefined) item.stateMachineVersionArn = head.stateMachineVersionArn;
  if (head.stateMachineAliasArn !== undefined) item.stateMachineAliasArn = head.stateMachineAliasArn;
  return item;
}

/**
 * Whether the head has an entry in the status index. A Distributed Map's closed child has none: it is listed
 * once, closed, by its only commit (one Map Run may have millions), and the status index's entry was a third of
 * that write's cost. ListExecutions of a Map Run with a closed status reads the Map Run's listing and keeps the
 * children with that status (DynamoEventLog.listExecutions); its RUNNING children, which the reconciler sweeps,
 * stay in the status index.
 */
export function listedByStatus(head: Pick<ExecutionHead, 'mapRunArn' | 'status'>): boolean {
  return head.mapRunArn === undefined || head.status === 'RUNNING';
}

/** Where the copies of a head are listed: one per version or alias the execution was started through. */
export function qualifiedListings(head: ExecutionHead): Array<{ sortKey: string; listPartition: string }> {
  const listings: Array<{ sortKey: string; listPartition: string }> = [];
  if (head.mapRunArn !== undefined) return listings;
  if (head.stateMachineVersionArn !== undefined) {
    listings.push({ sortKey: QUALIFIED_HEAD_SORT_KEYS.version, listPartition: head.stateMachineVersionArn });
  }
  if (head.stateMachineAliasArn !== undefined) {
    listings.push({ sortKey: QUALIFIED_HEAD_SORT_KEYS.alias, listPartition: head.stateMachineAliasArn });
  }
  return listings;
}

/** The head item listed under a version's or alias's ARN instead of its machine's. */
export function encodeHeadCopy(
  head: ExecutionHead,
  listing: { sortKey: string; listPartition: string },
): Item {
  return encodeListedHead(head, listing);
}

/** An UpdateItem's parts for a listing's status: its key, the SET and REMOVE clauses, and their names and values. */
export interface ListingUpdate {
  key: Item;
  set: string[];
  remove: string[];
  names: Record<string, string>;
  values: Record<string, unknown>;
}

/** The UpdateItem that closes a head: its status (and the status index's key) and stop date, with no read first. */
export function closeHeadUpdate(
  head: ExecutionHead,
  expiry: Item,
  /** A copy's listing (qualifiedListings) to close instead of the head itself. */
  listing?: { sortKey: string; listPartition: string },
): ListingUpdate {
  const names: Record<string, string> = {
    '#status': 'status',
    '#statusKey': BY_MACHINE_STATUS_INDEX.partitionKey,
    '#stopDate': 'stopDate',
  };
  const values: Record<string, unknown> = {
    ':status': head.status,
    ':statusKey': executionStatusPartition(
      listing?.listPartition ?? executionListPartition(head),
      head.status,
    ),
    ':stopDate': head.stopDate ?? null,
  };
  const set = ['#status = :status', '#statusKey = :statusKey', '#stopDate = :stopDate'];
  // A closed execution may go once its retention has passed (DynamoDB's TTL deletes it).
  const expiresAt = expiry[TTL_ATTRIBUTE];
  if (expiresAt !== undefined) {
    set.push('#expiresAt = :expiresAt');
    names['#expiresAt'] = TTL_ATTRIBUTE;
    values[':expiresAt'] = expiresAt;
  }
  return {
    key: {
      [PARTITION_KEY]: executionPartition(head.executionArn),
      [SORT_KEY]: listing?.sortKey ?? HEAD_SORT_KEY,
    },
    set,
    remove: [],
    names,
    values,
  };
}

function executionArnOfKey(item: Item): string {
  const pk = requireString(item, PARTITION_KEY);
  if (!pk.startsWith(KEY_PREFIX.execution)) throw corruptItem(item, PARTITION_KEY);
  return pk.slice(KEY_PREFIX.execution.length);
}

/**
 * A Map Run child is listed under its Map Run (copies, under a version or an alias, are never a child's). The
 * status index does not carry the byMachine index's key: a head read from it has its status index key only.
 */
function mapRunArnOfListing(item: Item, status: string): string | undefined {
  const byStatus = optionalString(item, BY_MACHINE_STATUS_INDEX.partitionKey);
  const listPartition =
    optionalString(item, BY_MACHINE_INDEX.partitionKey) ?? byStatus?.slice(0, -`#${status}`.length);
  return listPartition?.startsWith(KEY_PREFIX.mapRun)
    ? listPartition.slice(KEY_PREFIX.mapRun.length)
    : undefined;
}

/** A Map Run child's entry is in its Map Run's partition. */
function mapRunArnOfKey(item: Item): string | undefined {
  const pk = requireString(item, PARTITION_KEY);
  return pk.startsWith(KEY_PREFIX.mapRunRecord) ? pk.slice(KEY_PREFIX.mapRunRecord.length) : undefined;
}

/** A head, or a Map Run child's entry (encodeChildEntry), as ListExecutions and getHead give it. */
export function decodeHead(item: Item): ExecutionHead {
  const status = requireString(item, 'status');
  if (!STATUSES.has(status))
    throw new InvariantError(`Stored head ${String(item[PARTITION_KEY])} has status ${status}`);
  const name = requireString(item, 'name');
  const entryOf = mapRunArnOfKey(item);
  const derived = entryOf === undefined ? undefined : childArnsOf(entryOf, name);
  const head: ExecutionHead = {
    // Heads written before the ARNs were left to the keys carry them as attributes.
    executionArn: optionalString(item, 'executionArn') ?? derived?.executionArn ?? executionArnOfKey(item),
    stateMachineArn: optionalString(item, 'stateMachineArn') ?? derived?.stateMachineArn ?? '',
    name,
    status: status as ExecutionStatus,
    startDate: requireNumber(item, 'startDate'),
  };
  if (head.stateMachineArn === '') throw corruptItem(item, 'stateMachineArn');
  const stopDate = optionalNumber(item, 'stopDate');
  const mapRunArn = optionalString(item, 'mapRunArn') ?? entryOf ?? mapRunArnOfListing(item, status);
  if (stopDate !== undefined) head.stopDate = stopDate;
  if (mapRunArn !== undefined) head.mapRunArn = mapRunArn;
  const redriveCount = optionalNumber(item, 'redriveCount');
  const redriveDate = optionalNumber(item, 'redriveDate');
  if (redriveCount !== undefined) head.redriveCount = redriveCount;
  if (redriveDate !== undefined) head.redriveDate = redriveDate;
  const input = optionalString(item, 'input');
  const output = optionalString(item, 'output');
  if (input !== undefined && output !== undefined) head.result = { input, output };
  const versionArn = optionalString(item, 'stateMachineVersionArn');
  const aliasArn = optionalString(item, 'stateMachineAliasArn');
  if (versionArn !== undefined) head.stateMachineVersionArn = versionArn;
  if (aliasArn !== undefined) head.stateMachineAliasArn = aliasArn;
  return head;
}

/**
 * The UpdateItem that reopens a redriven head: RUNNING (and the status index's key), no stop date and no expiry,
 * the redrive's count and date.
 */
export function reopenHeadUpdate(
  head: ExecutionHead,
  /** A copy's listing (qualifiedListings) to reopen instead of the head itself. */
  listing?: { sortKey: string; listPartition: string },
): ListingUpdate {
  return {
    key: {
      [PARTITION_KEY]: executionPartition(head.executionArn),
      [SORT_KEY]: listing?.sortKey ?? HEAD_SORT_KEY,
    },
    set: [
      '#status = :status',
      '#statusKey = :statusKey',
      '#redriveCount = :redriveCount',
      '#redriveDate = :redriveDate',
    ],
    remove: ['#stopDate', '#expiresAt'],
    names: {
      '#status': 'status',
      '#statusKey': BY_MACHINE_STATUS_INDEX.partitionKey,
      '#redriveCount': 'redriveCount',
      '#redriveDate': 'redriveDate',
      '#stopDate': 'stopDate',
      '#expiresAt': TTL_ATTRIBUTE,
    },
    values: {
      ':status': 'RUNNING',
      ':statusKey': executionStatusPartition(
        listing?.listPartition ?? executionListPartition(head),
        'RUNNING',
      ),
      ':redriveCount': head.redriveCount ?? 0,
      ':redriveDate': head.redriveDate ?? null,
    },
  };
}
