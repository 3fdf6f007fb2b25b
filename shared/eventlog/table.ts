import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The layout of Statefold's one DynamoDB table. The local runtime, the tests and the CDK stack all build the table
 * from here, and the event log adapter builds every key from here, so the three can never disagree.
 *
 * Partitions:
 * - `exec#<executionArn>`: the head (`head`) and, for an execution started through a version or an alias, copies of
 *   it listed under the version's and the alias's ARN (`head#version`, `head#alias`), an overflow item for a large output (`output`), the commits
 *   (`c#<n>`) and the chunks of commits too large for one item (`x#<n>#<attemptId>#<k>`).
 * - `sm#<stateMachineArn>`: the record (`meta`), its revisions (`rev#<revisionId>`), the chunks of large
 *   definitions (`rx#<revisionId>#<attemptId>#<k>`), its published versions (`ver#<n>`, zero-padded), the
 *   version counter (`vercount`) and its aliases (`alias#<name>`).
 * - `mapRun#<mapRunArn>` (the base table's key; the indexes use `maprun#…` for listings): the Map Run's record
 *   (`meta`), which names the execution whose history holds it, and its child executions' listing entries
 *   (`child#<startDate>#<name>`, newest last). A child has no head of its own: its entry, in the table and not
 *   in the byMachine index, is one small item (one write unit), and the Map Run's listing one Query of the
 *   partition. A RUNNING child's entry is in the status index too (the reconciler sweeps it).
 * - `act#<activityArn>`: the activity's record (`meta`, listed by name in the byMachine index's `activities`
 *   partition) and its pending tasks, oldest first (`task#<scheduledAt>#<executionArn>#<scope>#<ref>`).
 */

export const PARTITION_KEY = 'pk';
export const SORT_KEY = 'sk';

/**
 * Heads by state machine, newest first (and, under `maprun#<mapRunArn>`, the heads of Map Run children listed
 * before children had entries); state machine records by name.
 */
export const BY_MACHINE_INDEX = { name: 'byMachine', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' } as const;
/** Heads by state machine and status, newest first; a Map Run's RUNNING children's entries by Map Run. */
export const BY_MACHINE_STATUS_INDEX = {
  name: 'byMachineStatus',
  partitionKey: 'gsi2pk',
  sortKey: 'gsi2sk',
} as const;

/**
 * Epoch seconds after which DynamoDB's TTL may delete an item: a closed execution's head `retentionDays` after it
 * closed; its commits and chunks `retentionDays` after the longest an execution can run (a year) from when they were
 * written, so no commit of a running or recently closed execution ever expires.
 */
export const TTL_ATTRIBUTE = 'expiresAt';

export const KEY_PREFIX = {
  execution: 'exec#',
  stateMachine: 'sm#',
  mapRun: 'maprun#',
  /** The table's partition of a Map Run: its record and its children's listing entries. */
  mapRunRecord: 'mapRun#',
  commit: 'c#',
  commitChunk: 'x#',
  revision: 'rev#',
  revisionChunk: 'rx#',
  activity: 'act#',
  activityTask: 'task#',
  version: 'ver#',
  alias: 'alias#',
  mapRunChild: 'child#',
} as const;

/** A state machine's version counter: the highest version number it ever had. */
export const VERSION_COUNTER_SORT_KEY = 'vercount';

export const HEAD_SORT_KEY = 'head';
/**
 * Copies of the head of an execution started through a version or an alias, listed under that version's or
 * alias's ARN (so ListExecutions of a version or alias ARN is one index Query, with the indexes' projections
 * unchanged); closing and reopening the head update them too.
 */
export const QUALIFIED_HEAD_SORT_KEYS = { version: 'head#version', alias: 'head#alias' } as const;
export const META_SORT_KEY = 'meta';
/** The byMachine partition that lists state machine records. */
export const STATE_MACHINES_PARTITION = 'stateMachines';
/** The byMachine partition that lists activity records. */
export const ACTIVITIES_PARTITION = 'activities';

/** Commit numbers are zero-padded so that sort keys order as numbers do. */
const COMMIT_DIGITS = 10;
const CHUNK_DIGITS = 4;
const DATE_DIGITS = 13;

export function executionPartition(executionArn: string): string {
  return KEY_PREFIX.execution + executionArn;
}

export function stateMachinePartition(stateMachineArn: string): string {
  return KEY_PREFIX.stateMachine + stateMachineArn;
}

export function activityPartition(activityArn: string): string {
  return KEY_PREFIX.activity + activityArn;
}

/** Scheduling time first, so a Query of the partition reads the oldest tasks first. */
export function activityTaskSortKey(task: {
  scheduledAt: number;
  executionArn: string;
  scope: string;
  ref: number;
}): string {
  return `${KEY_PREFIX.activityTask}${String(task.scheduledAt).padStart(DATE_DIGITS, '0')}#${task.executionArn}#${task.scope}#${task.ref}`;
}

export function commitSortKey(n: number): string {
  return KEY_PREFIX.commit + String(n).padStart(COMMIT_DIGITS, '0');
}

/** Past every commit's sort key (and before any other prefix): the upper end of a commit range. */
export const LAST_COMMIT_SORT_KEY = KEY_PREFIX.commit + '9'.repeat(COMMIT_DIGITS);

/** Chunks of one append attempt of commit `n`; `attemptId` keeps a losing writer's chunks apart. */
export function commitChunkPrefix(n: number, attemptId: string): string {
  return `${KEY_PREFIX.commitChunk}${String(n).padStart(COMMIT_DIGITS, '0')}#${attemptId}#`;
}

export function revisionSortKey(revisionId: string): string {
  return KEY_PREFIX.revision + revisionId;
}

export function versionSortKey(version: number): string {
  return KEY_PREFIX.version + String(version).padStart(COMMIT_DIGITS, '0');
}

export function aliasSortKey(name: string): string {
  return KEY_PREFIX.alias + name;
}

export function revisionChunkPrefix(revisionId: string, attemptId: string): string {
  return `${KEY_PREFIX.revisionChunk}${revisionId}#${attemptId}#`;
}

export function chunkSortKey(prefix: string, k: number): string {
  return prefix + String(k).padStart(CHUNK_DIGITS, '0');
}

/** The listing partition of an execution: its Map Run's for a Map Run child, its state machine's otherwise. */
export function executionListPartition(head: { stateMachineArn: string; mapRunArn?: string }): string {
  return head.mapRunArn === undefined ? head.stateMachineArn : mapRunListPartition(head.mapRunArn);
}

export function mapRunPartition(mapRunArn: string): string {
  return KEY_PREFIX.mapRunRecord + mapRunArn;
}

export function mapRunListPartition(mapRunArn: string): string {
  return KEY_PREFIX.mapRun + mapRunArn;
}

export function executionStatusPartition(listPartition: string, status: string): string {
  return `${listPartition}#${status}`;
}

/** Start date then name, so a listing in reverse is newest first. */
export function executionListSortKey(startDate: number, name: string): string {
  return `${String(startDate).padStart(DATE_DIGITS, '0')}#${name}`;
}

/** A Map Run child's listing entry in its Map Run's partition: ordered as the listing indexes order heads. */
export function mapRunChildSortKey(startDate: number, name: string): string {
  return KEY_PREFIX.mapRunChild + executionListSortKey(startDate, name);
}

/** Attributes the listing indexes carry: an execution's list entry and a state machine's record. */
export const LISTED_ATTRIBUTES = [
  'executionArn',
  'stateMachineArn',
  'name',
  'status',
  'startDate',
  'stopDate',
  'mapRunArn',
  'redriveCount',
  'redriveDate',
  'type',
  'roleArn',
  'revisionId',
  'creationDate',
  'updateDate',
  'tags',
  'loggingConfiguration',
  'tracingConfiguration',
] as const;

export function createTableInput(tableName: string): CreateTableCommandInput {
  const keyAttributes = [
    PARTITION_KEY,
    SORT_KEY,
    BY_MACHINE_INDEX.partitionKey,
    BY_MACHINE_INDEX.sortKey,
    BY_MACHINE_STATUS_INDEX.partitionKey,
    BY_MACHINE_STATUS_INDEX.sortKey,
  ];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: keyAttributes.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: PARTITION_KEY, KeyType: 'HASH' },
      { AttributeName: SORT_KEY, KeyType: 'RANGE' },
    ],
    // The indexes hold what a listing shows, not an execution's input or output: an index write costs
    // write units by the size of what it projects, and heads are written twice per execution.
    GlobalSecondaryIndexes: [BY_MACHINE_INDEX, BY_MACHINE_STATUS_INDEX].map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...LISTED_ATTRIBUTES] },
    })),
  };
}
