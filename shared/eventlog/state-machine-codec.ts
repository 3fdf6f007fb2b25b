import type { StateMachineRecord, StateMachineRevision } from '../engine/ports.ts';
import { InvariantError } from '../lib/invariant-error.ts';
import type { Json } from '../lib/json.ts';
import { corruptItem, type Item, optionalString, requireNumber, requireString } from './item-fields.ts';
import { encodeTextItems, estimateItemBytes, ITEM_BUDGET_BYTES, type TextItems } from './stored-text.ts';
import {
  BY_MACHINE_INDEX,
  META_SORT_KEY,
  PARTITION_KEY,
  revisionChunkPrefix,
  revisionSortKey,
  SORT_KEY,
  STATE_MACHINES_PARTITION,
  stateMachinePartition,
} from './table.ts';

/**
 * A state machine as items: its record (`meta`, listed by name in the byMachine index's `stateMachines`
 * partition) and its revisions (`rev#<revisionId>`, the definition gzip'ed when long and chunked when it does
 * not fit: definitions go up to 1 MiB).
 */

export const DEFINITION = 'definition';
const ATTEMPT_ID = 'attemptId';
const REVISION_ITEM_SLACK = 100;

export function encodeStateMachine(machine: StateMachineRecord): Item {
  return {
    [PARTITION_KEY]: stateMachinePartition(machine.stateMachineArn),
    [SORT_KEY]: META_SORT_KEY,
    [BY_MACHINE_INDEX.partitionKey]: STATE_MACHINES_PARTITION,
    [BY_MACHINE_INDEX.sortKey]: machine.name,
    stateMachineArn: machine.stateMachineArn,
    name: machine.name,
    type: machine.type,
    roleArn: machine.roleArn,
    revisionId: machine.revisionId,
    creationDate: machine.creationDate,
    updateDate: machine.updateDate,
    // Configurations are kept as JSON text: any JSON value round-trips exactly, whatever DynamoDB's types allow.
    loggingConfiguration: encodeOptionalJson(machine.loggingConfiguration),
    tracingConfiguration: encodeOptionalJson(machine.tracingConfiguration),
    tags: machine.tags,
  };
}

export function decodeStateMachine(item: Item): StateMachineRecord {
  const type = requireString(item, 'type');
  if (type !== 'STANDARD' && type !== 'EXPRESS') {
    throw new InvariantError(`Stored state machine ${String(item[PARTITION_KEY])} has type ${type}`);
  }
  const machine: StateMachineRecord = {
    stateMachineArn: requireString(item, 'stateMachineArn'),
    name: requireString(item, 'name'),
    type,
    roleArn: requireString(item, 'roleArn'),
    revisionId: requireString(item, 'revisionId'),
    creationDate: requireNumber(item, 'creationDate'),
    updateDate: requireNumber(item, 'updateDate'),
    tags: decodeTags(item),
  };
  const logging = optionalString(item, 'loggingConfiguration');
  const tracing = optionalString(item, 'tracingConfiguration');
  if (logging !== undefined) machine.loggingConfiguration = JSON.parse(logging) as Json;
  if (tracing !== undefined) machine.tracingConfiguration = JSON.parse(tracing) as Json;
  return machine;
}

export interface RevisionItems {
  /** Written first, keyed by the attempt. */
  chunks: TextItems['chunks'];
  revision: Item;
}

export async function encodeRevision(
  revision: StateMachineRevision,
  attemptId: string,
): Promise<RevisionItems> {
  const pk = stateMachinePartition(revision.stateMachineArn);
  const base: Item = {
    [PARTITION_KEY]: pk,
    [SORT_KEY]: revisionSortKey(revision.revisionId),
    stateMachineArn: revision.stateMachineArn,
    revisionId: revision.revisionId,
    roleArn: revision.roleArn,
    createdAt: revision.createdAt,
  };
  const room = ITEM_BUDGET_BYTES - estimateItemBytes(base) - REVISION_ITEM_SLACK;
  const text = await encodeTextItems(DEFINITION, revision.definition, room, {
    pk,
    chunkPrefix: revisionChunkPrefix(revision.revisionId, attemptId),
  });
  const item: Item = { ...base, ...text.attributes };
  if (text.chunks.length > 0) item[ATTEMPT_ID] = attemptId;
  return { chunks: text.chunks, revision: item };
}

/** Where the chunks of a chunked definition are, or undefined when the definition is in the revision item. */
export function revisionChunkLocation(item: Item): string | undefined {
  const attemptId = item[ATTEMPT_ID];
  return typeof attemptId === 'string'
    ? revisionChunkPrefix(requireString(item, 'revisionId'), attemptId)
    : undefined;
}

export function decodeRevision(item: Item, definition: string): StateMachineRevision {
  return {
    stateMachineArn: requireString(item, 'stateMachineArn'),
    revisionId: requireString(item, 'revisionId'),
    definition,
    roleArn: requireString(item, 'roleArn'),
    createdAt: requireNumber(item, 'createdAt'),
  };
}

function encodeOptionalJson(value: Json | undefined): string | undefined {
  return value === undefined ? undefined : JSON.stringify(value);
}

function decodeTags(item: Item): Record<string, string> {
  const tags = item.tags;
  if (typeof tags !== 'object' || tags === null || Array.isArray(tags)) throw corruptItem(item, 'tags');
  const decoded: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags)) {
    if (typeof value !== 'string') throw corruptItem(item, 'tags');
    decoded[key] = value;
  }
  return decoded;
}
