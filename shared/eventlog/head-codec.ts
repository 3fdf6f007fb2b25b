import type { ExecutionHead, ExecutionListEntry } from '../engine/ports.ts';
import type { ExecutionStatus } from '../history/execution-state.ts';
import { type Item, optionalNumber, optionalString, requireNumber, requireString } from './item-fields.ts';
import {
  encodeText,
  estimateItemBytes,
  ITEM_BUDGET_BYTES,
  readInlineText,
  textAttributeNames,
  textAttributes,
} from './stored-text.ts';
import {
  BY_MACHINE_INDEX,
  BY_MACHINE_STATUS_INDEX,
  executionListPartition,
  executionListSortKey,
  executionPartition,
  executionStatusPartition,
  HEAD_SORT_KEY,
  OUTPUT_SORT_KEY,
  PARTITION_KEY,
  SORT_KEY,
} from './table.ts';

/**
 * An execution head as items: the head item (`head`, with the listing indexes' keys) and, when the output (or a
 * failure's cause) would push it past the item budget, an overflow item (`output`) that holds them instead.
 * Input and output are each at most 256 KiB (AWS's quota), so one of each always fits in an item.
 */

export type HeadClose = Pick<ExecutionHead, 'status' | 'stopDate' | 'output' | 'error' | 'cause'>;

export interface HeadItems {
  head: Item;
  /** Write before the head (on close) or after it (on create); absent when everything fits in the head. */
  overflow?: Item;
}

/** Set on a head whose output and cause are in its overflow item. */
const IN_OVERFLOW = 'overflow';
const INPUT = 'input';
const OUTPUT = 'output';
const CAUSE = 'cause';
const CLOSE_ATTRIBUTES = [
  'stopDate',
  'error',
  IN_OVERFLOW,
  ...textAttributeNames(OUTPUT),
  ...textAttributeNames(CAUSE),
];
const STATUSES: ReadonlySet<string> = new Set<ExecutionStatus>([
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'ABORTED',
]);

export async function encodeHead(head: ExecutionHead): Promise<HeadItems> {
  const listPartition = executionListPartition(head);
  const listSortKey = executionListSortKey(head.startDate, head.name);
  const base: Item = {
    [PARTITION_KEY]: executionPartition(head.executionArn),
    [SORT_KEY]: HEAD_SORT_KEY,
    [BY_MACHINE_INDEX.partitionKey]: listPartition,
    [BY_MACHINE_INDEX.sortKey]: listSortKey,
    [BY_MACHINE_STATUS_INDEX.partitionKey]: executionStatusPartition(listPartition, head.status),
    [BY_MACHINE_STATUS_INDEX.sortKey]: listSortKey,
    executionArn: head.executionArn,
    stateMachineArn: head.stateMachineArn,
    name: head.name,
    status: head.status,
    startDate: head.startDate,
    revisionId: head.revisionId,
    mapRunArn: head.mapRunArn,
    traceHeader: head.traceHeader,
    ...textAttributes(INPUT, await encodeText(head.input, Number.POSITIVE_INFINITY)),
  };
  return placeCloseFields(base, head);
}

/** The items of a stored head after `close`: its close fields replaced, its status index key moved. */
export async function encodeClosedHead(stored: Item, close: HeadClose): Promise<HeadItems> {
  const base: Item = { ...stored, status: close.status };
  for (const name of CLOSE_ATTRIBUTES) delete base[name];
  base[BY_MACHINE_STATUS_INDEX.partitionKey] = executionStatusPartition(
    requireString(stored, BY_MACHINE_INDEX.partitionKey),
    close.status,
  );
  return placeCloseFields(base, close);
}

async function placeCloseFields(base: Item, close: HeadClose): Promise<HeadItems> {
  const texts: Item = {};
  if (close.output !== undefined) {
    Object.assign(texts, textAttributes(OUTPUT, await encodeText(close.output, Number.POSITIVE_INFINITY)));
  }
  if (close.cause !== undefined) {
    Object.assign(texts, textAttributes(CAUSE, await encodeText(close.cause, Number.POSITIVE_INFINITY)));
  }
  const head: Item = { ...base, stopDate: close.stopDate, error: close.error };
  if (estimateItemBytes(head) + estimateItemBytes(texts) <= ITEM_BUDGET_BYTES) {
    return { head: { ...head, ...texts } };
  }
  const overflow: Item = { [PARTITION_KEY]: base[PARTITION_KEY], [SORT_KEY]: OUTPUT_SORT_KEY, ...texts };
  return { head: { ...head, [IN_OVERFLOW]: true }, overflow };
}

/** Whether the head's output and cause are in its overflow item (read it and pass it to `decodeHead`). */
export function hasOverflow(head: Item): boolean {
  return head[IN_OVERFLOW] === true;
}

/**
 * The head an item holds. A head marked as overflowing whose overflow item is missing (the writer stopped
 * between the two puts of a create) is returned without output and cause rather than failing every read.
 */
/** An execution as a listing index holds it. */
export function decodeListEntry(item: Item): ExecutionListEntry {
  const status = requireString(item, 'status');
  if (!STATUSES.has(status))
    throw new Error(`Listed head ${String(item[PARTITION_KEY])} has status ${status}`);
  const entry: ExecutionListEntry = {
    executionArn: requireString(item, 'executionArn'),
    stateMachineArn: requireString(item, 'stateMachineArn'),
    name: requireString(item, 'name'),
    status: status as ExecutionStatus,
    startDate: requireNumber(item, 'startDate'),
  };
  const stopDate = optionalNumber(item, 'stopDate');
  const mapRunArn = optionalString(item, 'mapRunArn');
  if (stopDate !== undefined) entry.stopDate = stopDate;
  if (mapRunArn !== undefined) entry.mapRunArn = mapRunArn;
  return entry;
}

export async function decodeHead(item: Item, overflow?: Item): Promise<ExecutionHead> {
  const status = requireString(item, 'status');
  if (!STATUSES.has(status))
    throw new Error(`Stored head ${String(item[PARTITION_KEY])} has status ${status}`);
  const input = await readInlineText(item, INPUT);
  if (input === undefined) throw new Error(`Stored head ${String(item[PARTITION_KEY])} has no input`);
  const texts = hasOverflow(item) ? (overflow ?? {}) : item;
  const head: ExecutionHead = {
    executionArn: requireString(item, 'executionArn'),
    stateMachineArn: requireString(item, 'stateMachineArn'),
    name: requireString(item, 'name'),
    status: status as ExecutionStatus,
    startDate: requireNumber(item, 'startDate'),
    input,
    revisionId: requireString(item, 'revisionId'),
  };
  const stopDate = optionalNumber(item, 'stopDate');
  const output = await readInlineText(texts, OUTPUT);
  const error = optionalString(item, 'error');
  const cause = await readInlineText(texts, CAUSE);
  const mapRunArn = optionalString(item, 'mapRunArn');
  const traceHeader = optionalString(item, 'traceHeader');
  if (stopDate !== undefined) head.stopDate = stopDate;
  if (output !== undefined) head.output = output;
  if (error !== undefined) head.error = error;
  if (cause !== undefined) head.cause = cause;
  if (mapRunArn !== undefined) head.mapRunArn = mapRunArn;
  if (traceHeader !== undefined) head.traceHeader = traceHeader;
  return head;
}
