import { describe, expect, it } from 'vitest';
import {
  commitExpiryAttributes,
  commitRange,
  deleteItemRequest,
  expiryAttributes,
  getItemRequest,
  type Listing,
  listingCopyRequest,
  listingPosition,
  listingPutRequest,
  listingQueryRequest,
  partitionQueryRequest,
  putItemRequest,
  queryPageRequest,
} from '../../../shared/eventlog/log-requests.ts';
import {
  BY_MACHINE_INDEX,
  BY_MACHINE_STATUS_INDEX,
  commitSortKey,
  LAST_COMMIT_SORT_KEY,
} from '../../../shared/eventlog/table.ts';

const TABLE = 'statefold';
const ARN = 'arn:aws:states:us-east-1:123456789012:execution:machine:run';
const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:machine';
const MAP_RUN = 'arn:aws:states:us-east-1:123456789012:mapRun:machine/Map:5e0c3a1b';
const DAY = 86_400;

describe('TTL attribute', () => {
  it.each([
    { when: 'no retention: no attribute, the item never expires', retention: undefined, expected: {} },
    {
      when: 'a retention of 0 days: due at the start (rounded up to a second)',
      retention: 0,
      expected: { expiresAt: 1_001 },
    },
    {
      when: 'a retention of 30 days: 30 days after the start',
      retention: 30,
      expected: { expiresAt: 1_001 + 30 * DAY },
    },
  ])('a closed head, $when', ({ retention, expected }) => {
    expect(expiryAttributes(retention, 1_000_500, 0)).toEqual(expected);
  });

  it('a commit may go its retention after a year (the longest an execution runs) from its writing', () => {
    expect(commitExpiryAttributes(7, 2_000_000)).toEqual({ expiresAt: 2_000 + (365 + 7) * DAY });
    expect(commitExpiryAttributes(undefined, 2_000_000)).toEqual({});
  });
});

describe('item requests', () => {
  it('a get reads one item by its key, consistently', () => {
    expect(getItemRequest(TABLE, 'exec#a', 'head')).toEqual({
      TableName: TABLE,
      Key: { pk: 'exec#a', sk: 'head' },
      ConsistentRead: true,
    });
  });

  it.each([
    { when: 'without a condition: it overwrites', condition: undefined, expected: {} },
    {
      when: 'absent: only when no item has its key',
      condition: { kind: 'absent' } as const,
      expected: {
        ConditionExpression: 'attribute_not_exists(#sk)',
        ExpressionAttributeNames: { '#sk': 'sk' },
      },
    },
    {
      when: 'revision: only over the revision the writer read',
      condition: { kind: 'revision', expectedRevisionId: 'r1' } as const,
      expected: {
        ConditionExpression: '#revisionId = :expected',
        ExpressionAttributeNames: { '#revisionId': 'revisionId' },
        ExpressionAttributeValues: { ':expected': 'r1' },
      },
    },
  ])('a put $when', ({ condition, expected }) => {
    const item = { pk: 'exec#a', sk: 'c#0000000001', n: 1 };
    expect(putItemRequest(TABLE, item, condition)).toEqual({ TableName: TABLE, Item: item, ...expected });
  });

  it('a delete names only the key of the item it is given', () => {
    expect(deleteItemRequest(TABLE, { pk: 'sm#m', sk: 'rx#1#a#0000', data: new Uint8Array(3) })).toEqual({
      TableName: TABLE,
      Key: { pk: 'sm#m', sk: 'rx#1#a#0000' },
    });
  });

  it.each([
    { when: 'without an expiry', expiry: {} },
    { when: 'with an expiry', expiry: { expiresAt: 42 } },
  ])(
    'a listing puts the whole head as of its commit, over a missing head or one of an older commit only, $when',
    ({ expiry }) => {
      const head = {
        executionArn: ARN,
        stateMachineArn: MACHINE,
        name: 'run',
        status: 'SUCCEEDED' as const,
        startDate: 1,
        stopDate: 2,
      };
      const request = listingPutRequest(TABLE, head, 7, expiry);
      expect(request).toMatchObject({
        TableName: TABLE,
        ConditionExpression: 'attribute_not_exists(#pk) OR (attribute_not_exists(#asOf) OR #asOf < :asOf)',
        ExpressionAttributeNames: { '#pk': 'pk', '#asOf': 'listedAsOf' },
        ExpressionAttributeValues: { ':asOf': 7 },
      });
      expect(request.Item).toEqual({
        pk: `exec#${ARN}`,
        sk: 'head',
        [BY_MACHINE_INDEX.partitionKey]: MACHINE,
        [BY_MACHINE_INDEX.sortKey]: expect.any(String),
        [BY_MACHINE_STATUS_INDEX.partitionKey]: `${MACHINE}#SUCCEEDED`,
        [BY_MACHINE_STATUS_INDEX.sortKey]: expect.any(String),
        stateMachineArn: MACHINE,
        name: 'run',
        status: 'SUCCEEDED',
        startDate: 1,
        stopDate: 2,
        listedAsOf: 7,
        ...expiry,
      });
    },
  );
});

describe('partition queries', () => {
  it.each([
    {
      range: { beginsWith: 'c#' },
      condition: '#pk = :pk AND begins_with(#sk, :prefix)',
      values: { ':pk': 'exec#a', ':prefix': 'c#' },
    },
    {
      range: { between: ['c#1', 'c#9'] as const },
      condition: '#pk = :pk AND #sk BETWEEN :low AND :high',
      values: { ':pk': 'exec#a', ':low': 'c#1', ':high': 'c#9' },
    },
  ])('$range: $condition, consistent', ({ range, condition, values }) => {
    expect(partitionQueryRequest(TABLE, 'exec#a', range, false)).toEqual({
      TableName: TABLE,
      KeyConditionExpression: condition,
      ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
      ExpressionAttributeValues: values,
      ScanIndexForward: false,
      ConsistentRead: true,
    });
  });

  it.each([
    { from: undefined, reverse: false, expected: { beginsWith: 'c#' } },
    { from: 3, reverse: false, expected: { between: [commitSortKey(3), LAST_COMMIT_SORT_KEY] } },
    { from: -2, reverse: false, expected: { between: [commitSortKey(0), LAST_COMMIT_SORT_KEY] } },
    { from: 3, reverse: true, expected: { between: [commitSortKey(0), commitSortKey(3)] } },
    { from: 0, reverse: true, expected: undefined },
  ])('commits from $from (reverse $reverse): $expected', ({ from, reverse, expected }) => {
    expect(commitRange(from, reverse)).toEqual(expected);
  });

  it('a commit number that is not an integer is a RangeError', () => {
    expect(() => commitRange(1.5, false)).toThrow(RangeError);
  });

  it.each([0, -1, 2.5])('a page limit of %s is a RangeError', (limit) => {
    expect(() => queryPageRequest({ TableName: TABLE }, limit, undefined)).toThrow(RangeError);
  });

  it('a page asks for the items still wanted, after the last key read', () => {
    const startKey = { pk: 'exec#a', sk: 'c#0000000002' };
    expect(queryPageRequest({ TableName: TABLE, ConsistentRead: true }, 3, startKey)).toEqual({
      TableName: TABLE,
      ConsistentRead: true,
      Limit: 3,
      ExclusiveStartKey: startKey,
    });
  });
});

describe('listing queries', () => {
  const listing = (index: NonNullable<Listing['index']>, forward: boolean): Listing => ({
    index,
    partition: MACHINE,
    itemSortKey: 'head',
    itemPrefixes: ['exec#'],
    forward,
  });

  it.each([
    { index: BY_MACHINE_INDEX, forward: false },
    { index: BY_MACHINE_STATUS_INDEX, forward: true },
  ])('the first page of $index.name reads its partition, forward $forward', ({ index, forward }) => {
    expect(listingQueryRequest(TABLE, listing(index, forward))).toEqual({
      TableName: TABLE,
      IndexName: index.name,
      KeyConditionExpression: '#ipk = :ipk',
      ExpressionAttributeNames: { '#ipk': index.partitionKey },
      ExpressionAttributeValues: { ':ipk': MACHINE },
      ScanIndexForward: forward,
    });
  });

  it('a later page starts after the item the token names: its table key and its index key', () => {
    const request = listingQueryRequest(TABLE, listing(BY_MACHINE_STATUS_INDEX, false), {
      pk: `exec#${ARN}`,
      indexSortKey: '0000000000001#run',
    });
    expect(request.ExclusiveStartKey).toEqual({
      pk: `exec#${ARN}`,
      sk: 'head',
      gsi2pk: MACHINE,
      gsi2sk: '0000000000001#run',
    });
  });

  it('a later page after a Map Run child’s entry (in the status index) starts at the entry’s own sort key', () => {
    const request = listingQueryRequest(TABLE, listing(BY_MACHINE_STATUS_INDEX, false), {
      pk: `mapRun#${MAP_RUN}`,
      indexSortKey: '0000000000001#child',
    });
    expect(request.ExclusiveStartKey).toEqual({
      pk: `mapRun#${MAP_RUN}`,
      sk: 'child#0000000000001#child',
      gsi2pk: MACHINE,
      gsi2sk: '0000000000001#child',
    });
  });

  it('a Map Run’s children’s entries are a consistent Query of its partition, a later page after its last entry', () => {
    const entries: Listing = {
      partition: `mapRun#${MAP_RUN}`,
      itemSortKey: 'child#',
      itemPrefixes: ['mapRun#'],
      forward: false,
      status: 'FAILED',
    };
    expect(listingQueryRequest(TABLE, entries)).toEqual({
      TableName: TABLE,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      FilterExpression: '#status = :status',
      ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk', '#status': 'status' },
      ExpressionAttributeValues: { ':pk': `mapRun#${MAP_RUN}`, ':prefix': 'child#', ':status': 'FAILED' },
      ScanIndexForward: false,
      ConsistentRead: true,
    });
    const last = { pk: `mapRun#${MAP_RUN}`, sk: 'child#0000000000002#b', name: 'b' };
    const position = listingPosition(entries, last);
    expect(position).toEqual({ pk: `mapRun#${MAP_RUN}`, indexSortKey: '0000000000002#b' });
    expect(listingQueryRequest(TABLE, entries, position).ExclusiveStartKey).toEqual({
      pk: `mapRun#${MAP_RUN}`,
      sk: 'child#0000000000002#b',
    });
  });
});

describe('a listed copy (under a version or an alias)', () => {
  const listing = { sortKey: 'head#version', listPartition: `${MACHINE}:1` };
  const head = {
    executionArn: ARN,
    stateMachineArn: MACHINE,
    name: 'run',
    status: 'RUNNING' as const,
    startDate: 1,
    redriveCount: 2,
    redriveDate: 5,
    stateMachineVersionArn: `${MACHINE}:1`,
  };

  it('reopens as RUNNING (its status index key too), without stop date or expiry, over an older commit only', () => {
    expect(listingCopyRequest(TABLE, head, 9, {}, listing)).toEqual({
      TableName: TABLE,
      Key: { pk: `exec#${ARN}`, sk: 'head#version' },
      UpdateExpression:
        'SET #status = :status, #statusKey = :statusKey, #redriveCount = :redriveCount, #redriveDate = :redriveDate, #asOf = :asOf REMOVE #stopDate, #expiresAt',
      ConditionExpression: 'attribute_exists(#pk) AND (attribute_not_exists(#asOf) OR #asOf < :asOf)',
      ExpressionAttributeNames: {
        '#pk': 'pk',
        '#asOf': 'listedAsOf',
        '#status': 'status',
        '#statusKey': BY_MACHINE_STATUS_INDEX.partitionKey,
        '#redriveCount': 'redriveCount',
        '#redriveDate': 'redriveDate',
        '#stopDate': 'stopDate',
        '#expiresAt': 'expiresAt',
      },
      ExpressionAttributeValues: {
        ':status': 'RUNNING',
        ':statusKey': `${MACHINE}:1#RUNNING`,
        ':redriveCount': 2,
        ':redriveDate': 5,
        ':asOf': 9,
      },
    });
  });

  it('closes with its stop date and expiry, over an older commit only', () => {
    const request = listingCopyRequest(
      TABLE,
      { ...head, status: 'FAILED', stopDate: 9 },
      12,
      { expiresAt: 42 },
      listing,
    );
    expect(request.UpdateExpression).toBe(
      'SET #status = :status, #statusKey = :statusKey, #stopDate = :stopDate, #expiresAt = :expiresAt, #asOf = :asOf',
    );
    expect(request.ConditionExpression).toBe(
      'attribute_exists(#pk) AND (attribute_not_exists(#asOf) OR #asOf < :asOf)',
    );
    expect(request.ExpressionAttributeValues).toMatchObject({
      ':asOf': 12,
      ':status': 'FAILED',
      ':statusKey': `${MACHINE}:1#FAILED`,
      ':stopDate': 9,
      ':expiresAt': 42,
    });
  });
});
