import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineError } from '../../shared/engine/engine-error.ts';
import type {
  Commit,
  ExecutionHead,
  StateMachineRecord,
  StateMachineRevision,
} from '../../shared/engine/ports.ts';
import { DynamoEventLog } from '../../shared/eventlog/dynamo-event-log.ts';
import { ensureTable } from '../../shared/eventlog/ensure-table.ts';
import { createTableInput } from '../../shared/eventlog/table.ts';
import { createExecutionState } from '../../shared/history/execution-state.ts';
import { type EmbeddedDynamoDB, startEmbeddedDynamoDB } from '../../shared/local/embedded-dynamodb.ts';

/** The DynamoDB event log against dynalite, through the real AWS SDK client. */

let dynamo: EmbeddedDynamoDB;
let log: DynamoEventLog;

beforeAll(async () => {
  dynamo = await startEmbeddedDynamoDB();
  log = new DynamoEventLog({ client: dynamo.client, tableName: dynamo.tableName });
});

afterAll(async () => {
  await dynamo.stop();
});

const REGION_ACCOUNT = 'us-east-1:123456789012';
const T0 = Date.UTC(2026, 0, 1);

function machineArn(): string {
  return `arn:aws:states:${REGION_ACCOUNT}:stateMachine:orders-${randomUUID()}`;
}

function executionArn(): string {
  return `arn:aws:states:${REGION_ACCOUNT}:execution:orders:${randomUUID()}`;
}

/** Text gzip cannot shrink much: base64 of random bytes (6 bits of entropy per character). */
function incompressible(characters: number): string {
  return randomBytes(Math.ceil((characters * 3) / 4))
    .toString('base64')
    .slice(0, characters);
}

/** Payloads that store a commit body as it is, gzip'ed, gzip'ed in one item, or in chunk items. */
const PAYLOADS = {
  small: () => 'ok',
  medium: () => 'order line; '.repeat(5_000),
  huge: () => incompressible(600_000),
};
type PayloadSize = keyof typeof PAYLOADS;

function makeCommit(
  n: number,
  payload: string,
  extra: { causedBy?: string; snapshot?: boolean } = {},
): Commit {
  const commit: Commit = {
    n,
    causedBy: extra.causedBy ?? `message-${n}`,
    events: [
      {
        id: n,
        previousEventId: n - 1,
        timestamp: T0 + n,
        scope: 'root',
        type: 'PassStateEntered',
        name: `Step${n}`,
        input: { payload },
      },
    ],
    outbox: { messages: [{ type: 'advance', scope: 'root', ref: n }], commands: [] },
  };
  if (extra.snapshot === true) commit.snapshot = { ...createExecutionState(), lastEventId: n };
  return commit;
}

async function appendAll(arn: string, commits: readonly Commit[]): Promise<void> {
  for (const commit of commits) expect(await log.append(arn, commit)).toBe(true);
}

/** The attribute names of a stored item, as an operator looking at the table sees them. */
async function storedAttributes(pk: string, sk: string): Promise<string[]> {
  const { Item } = await dynamo.client.send(
    new GetItemCommand({ TableName: dynamo.tableName, Key: { pk: { S: pk }, sk: { S: sk } } }),
  );
  return Object.keys(Item ?? {}).sort();
}

/** A log over a table of its own, for listings that span the whole table. */
async function freshLog(): Promise<DynamoEventLog> {
  const tableName = `t-${randomUUID()}`;
  await ensureTable(dynamo.client, createTableInput(tableName));
  return new DynamoEventLog({ client: dynamo.client, tableName });
}

describe('append', () => {
  it.each<PayloadSize>(['small', 'medium', 'huge'])(
    'two concurrent appends of the same commit (%s): exactly one is stored, the winner’s',
    async (size) => {
      const arn = executionArn();
      await appendAll(arn, [makeCommit(1, 'start')]);
      const first = makeCommit(2, PAYLOADS[size](), { causedBy: 'writer-a' });
      const second = makeCommit(2, PAYLOADS[size](), { causedBy: 'writer-b' });

      const results = await Promise.all([log.append(arn, first), log.append(arn, second)]);

      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results[0] ? first : second;
      expect(await log.readCommits(arn, { from: 2, limit: 5 })).toEqual([winner]);
      expect((await log.readTail(arn, 5))?.commits).toEqual([makeCommit(1, 'start'), winner]);
    },
  );

  it('appending a commit number that exists returns false and leaves the stored commit as it was', async () => {
    const arn = executionArn();
    const stored = makeCommit(1, 'first');
    await appendAll(arn, [stored]);

    expect(await log.append(arn, makeCommit(1, 'second'))).toBe(false);
    expect(await log.readCommits(arn, { limit: 5 })).toEqual([stored]);
  });
});

describe('commit round trip', () => {
  it.each<{ size: PayloadSize; storedAs: string }>([
    { size: 'small', storedAs: 'body' },
    { size: 'medium', storedAs: 'bodyGz' },
    { size: 'huge', storedAs: 'bodyChunks' },
  ])('a $size commit is stored as $storedAs and reads back equal everywhere', async ({ size, storedAs }) => {
    const arn = executionArn();
    const commits = [
      makeCommit(1, 'start', { snapshot: true }),
      makeCommit(2, PAYLOADS[size](), { snapshot: true }),
      makeCommit(3, 'end'),
    ];
    await appendAll(arn, commits);

    expect(await storedAttributes(`exec#${arn}`, 'c#0000000002')).toContain(storedAs);
    expect(await log.readTail(arn, 3)).toEqual({ commits });
    expect(await log.readTail(arn, 2)).toEqual({ commits: commits.slice(1) });
    expect(await log.readCommits(arn, { from: 1, limit: 3 })).toEqual(commits);
    expect(await log.readCommits(arn, { reverse: true, limit: 3 })).toEqual([...commits].reverse());
    expect(await log.readCommits(arn, { from: 2, limit: 1 })).toEqual([commits[1]]);
    expect(await log.readCommits(arn, { from: 2, reverse: true, limit: 1 })).toEqual([commits[1]]);
  });
});

describe('readTail', () => {
  it.each<{ when: string; payloads: string[]; limit: number; expected: number[] | undefined }>([
    {
      when: 'more commits than the limit',
      payloads: ['a', 'b', 'c', 'd', 'e'],
      limit: 3,
      expected: [3, 4, 5],
    },
    { when: 'fewer commits than the limit', payloads: ['a', 'b'], limit: 5, expected: [1, 2] },
    { when: 'no commits', payloads: [], limit: 3, expected: undefined },
    {
      when: 'chunked commits in the tail (their chunks do not count)',
      payloads: ['a', incompressible(600_000), incompressible(600_000), 'd'],
      limit: 3,
      expected: [2, 3, 4],
    },
    {
      when: 'commits too large for one 1 MB query page',
      payloads: Array.from({ length: 5 }, () => incompressible(400_000)),
      limit: 5,
      expected: [1, 2, 3, 4, 5],
    },
  ])(
    'with $when, returns the newest `limit` commits, oldest first',
    async ({ payloads, limit, expected }) => {
      const arn = executionArn();
      const commits = payloads.map((payload, i) => makeCommit(i + 1, payload));
      await appendAll(arn, commits);

      const tail = await log.readTail(arn, limit);

      expect(tail?.commits.map((commit) => commit.n)).toEqual(expected);
      expect(tail?.commits).toEqual(expected?.map((n) => commits[n - 1]));
    },
  );
});

describe('readCommits', () => {
  const arn = executionArn();
  beforeAll(async () => {
    await appendAll(
      arn,
      ['a', 'b', 'c', 'd', 'e'].map((payload, i) => makeCommit(i + 1, payload)),
    );
  });

  it.each<{ from?: number; reverse?: boolean; limit: number; expected: number[] }>([
    { limit: 10, expected: [1, 2, 3, 4, 5] },
    { from: 2, limit: 2, expected: [2, 3] },
    { from: 4, limit: 10, expected: [4, 5] },
    { from: 6, limit: 10, expected: [] },
    { reverse: true, limit: 2, expected: [5, 4] },
    { from: 4, reverse: true, limit: 2, expected: [4, 3] },
    { from: 2, reverse: true, limit: 10, expected: [2, 1] },
    { from: 0, reverse: true, limit: 10, expected: [] },
  ])(
    'from $from (reverse: $reverse, limit $limit) reads commits $expected',
    async ({ expected, ...options }) => {
      const commits = await log.readCommits(arn, options);
      expect(commits.map((commit) => commit.n)).toEqual(expected);
    },
  );
});

function makeHead(overrides: Partial<ExecutionHead> = {}): ExecutionHead {
  const name = overrides.name ?? randomUUID();
  return {
    executionArn: executionArn(),
    stateMachineArn: machineArn(),
    name,
    status: 'RUNNING',
    startDate: T0,
    ...overrides,
  };
}

describe('execution heads', () => {
  it('creating a head twice: the first create wins, the second returns false and changes nothing', async () => {
    const head = makeHead();

    expect(await log.createHead(head)).toBe(true);
    expect(await log.createHead({ ...head, startDate: T0 + 1 })).toBe(false);
    expect(await log.getHead(head.executionArn)).toEqual(head);
    expect(await log.getHead(executionArn())).toBeUndefined();
  });

  it.each<{ when: string; close: Pick<ExecutionHead, 'status' | 'stopDate'> }>([
    { when: 'succeeded', close: { status: 'SUCCEEDED', stopDate: T0 + 5 } },
    { when: 'failed', close: { status: 'FAILED', stopDate: T0 + 5 } },
    { when: 'timed out', close: { status: 'TIMED_OUT', stopDate: T0 + 5 } },
    { when: 'aborted', close: { status: 'ABORTED', stopDate: T0 + 5 } },
  ])(
    'a head closed as $when reads back closed and is listed under its new status only',
    async ({ close }) => {
      const head = makeHead();
      await log.createHead(head);

      await log.recordListing({ ...head, ...close }, 2);

      expect(await log.getHead(head.executionArn)).toEqual({ ...head, ...close });
      const query = { stateMachineArn: head.stateMachineArn, limit: 5 };
      expect((await log.listExecutions({ ...query, status: close.status })).items).toEqual([
        { ...head, ...close },
      ]);
      expect((await log.listExecutions({ ...query, status: 'RUNNING' })).items).toEqual([]);
    },
  );

  it('a head stays one small item (under 1 KB: one write unit) whatever the execution carries', async () => {
    const head = makeHead({ name: 'n'.repeat(80), stateMachineArn: machineArn() });
    await log.createHead(head);
    const { Item } = await dynamo.client.send(
      new GetItemCommand({
        TableName: dynamo.tableName,
        Key: { pk: { S: `exec#${head.executionArn}` }, sk: { S: 'head' } },
      }),
    );
    expect(Item).toBeDefined();
    expect(Buffer.byteLength(JSON.stringify(Item))).toBeLessThan(1024);
  });

  it('a redrive reopens a closed head (RUNNING in the listings again, no stop date), then its close closes it', async () => {
    const head = makeHead();
    const query = { stateMachineArn: head.stateMachineArn, limit: 5 };
    await log.createHead(head);
    await log.recordListing({ ...head, status: 'FAILED', stopDate: T0 + 5 }, 3);

    const reopened = { ...head, redriveCount: 1, redriveDate: T0 + 10 };
    await log.recordListing(reopened, 4);
    // Sent again (a redelivered message, a resent outbox): the same.
    await log.recordListing(reopened, 4);
    expect(await log.getHead(head.executionArn)).toEqual({ ...reopened, status: 'RUNNING' });
    expect((await log.listExecutions({ ...query, status: 'RUNNING' })).items).toEqual([
      { ...reopened, status: 'RUNNING' },
    ]);
    expect((await log.listExecutions({ ...query, status: 'FAILED' })).items).toEqual([]);

    // The first attempt's close, delivered again late, leaves the reopened head alone.
    await log.recordListing({ ...head, status: 'FAILED', stopDate: T0 + 5 }, 3);
    expect((await log.getHead(head.executionArn))?.status).toBe('RUNNING');

    const closed = { ...reopened, status: 'SUCCEEDED' as const, stopDate: T0 + 20 };
    await log.recordListing(closed, 6);
    expect(await log.getHead(head.executionArn)).toEqual(closed);
    // The redrive's reopening, delivered after the close, changes nothing.
    await log.recordListing(reopened, 4);
    expect(await log.getHead(head.executionArn)).toEqual(closed);
    expect((await log.listExecutions({ ...query, status: 'SUCCEEDED' })).items).toEqual([closed]);
  });

  it('a listing of a head never written (a Map Run child) writes it; a RUNNING one of an older commit, after, changes nothing', async () => {
    const { child, mapRunArn } = await startedChild();
    const closed = { ...child, status: 'SUCCEEDED' as const, stopDate: T0 + 3 };
    await log.recordListing(closed, 2);
    await log.recordListing(child, 1);
    expect(await log.getHead(child.executionArn)).toEqual(closed);
    expect((await log.listExecutions({ mapRunArn, limit: 5 })).items).toEqual([closed]);
    expect((await log.listExecutions({ mapRunArn, status: 'RUNNING', limit: 5 })).items).toEqual([]);
    expect((await log.listExecutions({ mapRunArn, status: 'SUCCEEDED', limit: 5 })).items).toEqual([closed]);
  });

  it('a Map Run child is listed by one small entry in its Map Run’s partition (no head, no byMachine key), its ARNs left to the keys', async () => {
    const { child, mapRunArn } = await startedChild();
    await log.recordListing(child, 1);
    const entryKey = [`mapRun#${mapRunArn}`, `child#${T0}#${child.name}`] as const;
    expect(await storedAttributes(...entryKey)).toEqual(
      ['gsi2pk', 'gsi2sk', 'listedAsOf', 'name', 'pk', 'sk', 'startDate', 'status'].sort(),
    );
    expect((await log.listExecutions({ mapRunArn, status: 'RUNNING', limit: 5 })).items).toEqual([child]);
    const closed = { ...child, status: 'FAILED' as const, stopDate: T0 + 3 };
    await log.recordListing(closed, 2);
    // Closed: out of the status index as well.
    expect(await storedAttributes(...entryKey)).toEqual(
      ['listedAsOf', 'name', 'pk', 'sk', 'startDate', 'status', 'stopDate'].sort(),
    );
    expect(await storedAttributes(`exec#${child.executionArn}`, 'head')).toEqual([]);
    expect(await log.getHead(child.executionArn)).toEqual(closed);
    expect((await log.listExecutions({ mapRunArn, status: 'RUNNING', limit: 5 })).items).toEqual([]);
    expect((await log.listExecutions({ mapRunArn, status: 'FAILED', limit: 5 })).items).toEqual([closed]);
    // Redriven by its Map Run: RUNNING again.
    const reopened = { ...child, redriveCount: 1, redriveDate: T0 + 9 };
    await log.recordListing(reopened, 3);
    expect(await log.getHead(child.executionArn)).toEqual(reopened);
    expect((await log.listExecutions({ mapRunArn, status: 'RUNNING', limit: 5 })).items).toEqual([reopened]);
  });

  it('a Map Run child listed by a head before entries existed and closed after is listed once, by its entry, with its Map Run', async () => {
    const { child, mapRunArn } = await startedChild();
    await putOldChildHead(child);
    expect(await log.getHead(child.executionArn)).toEqual(child);
    expect((await log.listExecutions({ mapRunArn, status: 'RUNNING', limit: 5 })).items).toEqual([child]);
    const closed = { ...child, status: 'SUCCEEDED' as const, stopDate: T0 + 3 };
    await log.recordListing(closed, 2);
    expect(await storedAttributes(`exec#${child.executionArn}`, 'head')).toEqual([]);
    expect(await log.getHead(child.executionArn)).toEqual(closed);
    expect((await log.listExecutions({ mapRunArn, limit: 5 })).items).toEqual([closed]);
    expect((await log.listExecutions({ mapRunArn, status: 'RUNNING', limit: 5 })).items).toEqual([]);
    expect((await log.listExecutions({ mapRunArn, status: 'SUCCEEDED', limit: 5 })).items).toEqual([closed]);
  });

  it('a Map Run child listed closed by a head before entries existed and redriven after is listed once, RUNNING', async () => {
    const { child, mapRunArn } = await startedChild();
    await putOldChildHead({ ...child, status: 'FAILED', stopDate: T0 + 3 });
    const reopened = { ...child, redriveCount: 1, redriveDate: T0 + 9 };
    await log.recordListing(reopened, 3);
    expect(await storedAttributes(`exec#${child.executionArn}`, 'head')).toEqual([]);
    expect(await log.getHead(child.executionArn)).toEqual(reopened);
    expect((await log.listExecutions({ mapRunArn, limit: 5 })).items).toEqual([reopened]);
    expect((await log.listExecutions({ mapRunArn, status: 'RUNNING', limit: 5 })).items).toEqual([reopened]);
    expect((await log.listExecutions({ mapRunArn, status: 'FAILED', limit: 5 })).items).toEqual([]);
  });

  it('a Map Run lists its children’s entries, then the heads of children listed before entries, in pages', async () => {
    const mapRunArn = `arn:aws:states:${REGION_ACCOUNT}:mapRun:orders/Map:${randomUUID()}`;
    const children = [1, 2, 3, 4, 5].map((i) => childHead(mapRunArn, { name: `c${i}`, startDate: T0 + i }));
    for (const child of children.slice(2)) await log.recordListing(child, 1);
    for (const child of children.slice(0, 2)) await putOldChildHead(child);
    for (const limit of [1, 2, 3, 5, 6]) {
      const seen: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await log.listExecutions({ mapRunArn, limit, ...(nextToken ? { nextToken } : {}) });
        expect(page.items.length).toBeLessThanOrEqual(limit);
        seen.push(...page.items.map((head) => head.name));
        nextToken = page.nextToken;
      } while (nextToken !== undefined);
      expect(seen).toEqual(['c5', 'c4', 'c3', 'c2', 'c1']);
    }
    // The status index lists the entries and the old heads together, newest first.
    const running: ExecutionHead[] = [];
    let nextToken: string | undefined;
    do {
      const page = await log.listExecutions({
        mapRunArn,
        status: 'RUNNING',
        limit: 2,
        ...(nextToken ? { nextToken } : {}),
      });
      running.push(...page.items);
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
    expect(running).toEqual([...children].reverse());
    expect((await log.listExecutions({ mapRunArn, limit: 10 })).items).toEqual([...children].reverse());
  });
});

/** A Map Run child listed as an earlier Statefold listed it: a head, under `maprun#…` in both indexes while RUNNING. */
async function putOldChildHead(child: ExecutionHead): Promise<void> {
  const listSortKey = `${child.startDate}#${child.name}`;
  await DynamoDBDocumentClient.from(dynamo.client).send(
    new PutCommand({
      TableName: dynamo.tableName,
      Item: {
        pk: `exec#${child.executionArn}`,
        sk: 'head',
        gsi1pk: `maprun#${child.mapRunArn}`,
        gsi1sk: listSortKey,
        ...(child.status === 'RUNNING'
          ? { gsi2pk: `maprun#${child.mapRunArn}#RUNNING`, gsi2sk: listSortKey }
          : {}),
        stateMachineArn: child.stateMachineArn,
        name: child.name,
        status: child.status,
        startDate: child.startDate,
        listedAsOf: 1,
      },
    }),
  );
}

/** A Map Run child's head, with the ARNs a Map Run gives its children. */
function childHead(mapRunArn: string, overrides: Partial<ExecutionHead> = {}): ExecutionHead {
  const name = overrides.name ?? randomUUID();
  const run = mapRunArn.slice(0, mapRunArn.lastIndexOf(':'));
  return {
    executionArn: `${run.replace(':mapRun:', ':execution:')}:${name}`,
    stateMachineArn: run.replace(':mapRun:', ':stateMachine:'),
    name,
    status: 'RUNNING',
    startDate: T0,
    mapRunArn,
    ...overrides,
  };
}

/** A Map Run child with its first commit (its ExecutionStarted names its Map Run and start). */
async function startedChild(): Promise<{ child: ExecutionHead; mapRunArn: string }> {
  const mapRunArn = `arn:aws:states:${REGION_ACCOUNT}:mapRun:orders/Map:${randomUUID()}`;
  const child = childHead(mapRunArn);
  const started: Commit = {
    n: 1,
    causedBy: 'start',
    events: [
      {
        id: 1,
        previousEventId: 0,
        timestamp: T0,
        scope: 'root',
        type: 'ExecutionStarted',
        input: {},
        startAt: 'Work',
        execution: {
          executionArn: child.executionArn,
          name: child.name,
          stateMachineArn: child.stateMachineArn,
          stateMachineName: 'orders/Map',
          roleArn: `arn:aws:iam::123456789012:role/r`,
          region: 'us-east-1',
          accountId: '123456789012',
          startTime: child.startDate,
          mapRunArn,
        },
      },
    ],
    outbox: { messages: [], commands: [] },
  };
  await appendAll(child.executionArn, [started]);
  return { child, mapRunArn };
}

describe('listing executions', () => {
  const machine = machineArn();
  const mapRun = `arn:aws:states:${REGION_ACCOUNT}:mapRun:orders/Map:${randomUUID()}`;
  /** Five executions of `machine`, started a second apart: e1 oldest, e5 newest; e2 and e4 succeeded. */
  const heads = [1, 2, 3, 4, 5].map((i) =>
    makeHead({ stateMachineArn: machine, name: `e${i}`, startDate: T0 + i * 1000 }),
  );
  const children = [1, 2].map((i) =>
    makeHead({ stateMachineArn: `${machine}/Map`, mapRunArn: mapRun, name: `child${i}`, startDate: T0 + i }),
  );
  const names = (page: { items: ExecutionHead[] }) => page.items.map((head) => head.name);

  beforeAll(async () => {
    for (const head of [...heads, ...children]) await log.createHead(head);
    for (const head of [heads[1], heads[3]]) {
      await log.recordListing({ ...head!, status: 'SUCCEEDED', stopDate: T0 + 9000 }, 2);
    }
  });

  it.each<{
    when: string;
    query: Omit<Parameters<DynamoEventLog['listExecutions']>[0], 'limit'>;
    expected: string[];
  }>([
    {
      when: 'by state machine',
      query: { stateMachineArn: machine },
      expected: ['e5', 'e4', 'e3', 'e2', 'e1'],
    },
    {
      when: 'by state machine and RUNNING',
      query: { stateMachineArn: machine, status: 'RUNNING' },
      expected: ['e5', 'e3', 'e1'],
    },
    {
      when: 'by state machine and SUCCEEDED',
      query: { stateMachineArn: machine, status: 'SUCCEEDED' },
      expected: ['e4', 'e2'],
    },
    {
      when: 'by state machine and FAILED',
      query: { stateMachineArn: machine, status: 'FAILED' },
      expected: [],
    },
    { when: 'by Map Run', query: { mapRunArn: mapRun }, expected: ['child2', 'child1'] },
    { when: 'by an unknown state machine', query: { stateMachineArn: machineArn() }, expected: [] },
  ])(
    '$when lists $expected (newest first, Map Run children only under their run)',
    async ({ query, expected }) => {
      const page = await log.listExecutions({ ...query, limit: 10 });
      expect(names(page)).toEqual(expected);
      expect(page.nextToken).toBeUndefined();
    },
  );

  it.each<{ limit: number; pages: string[][] }>([
    { limit: 2, pages: [['e5', 'e4'], ['e3', 'e2'], ['e1']] },
    { limit: 5, pages: [['e5', 'e4', 'e3', 'e2', 'e1']] },
    { limit: 4, pages: [['e5', 'e4', 'e3', 'e2'], ['e1']] },
  ])('pages of $limit follow nextToken to the end, the last without one', async ({ limit, pages }) => {
    const seen: string[][] = [];
    let nextToken: string | undefined;
    do {
      const page = await log.listExecutions({
        stateMachineArn: machine,
        limit,
        ...(nextToken ? { nextToken } : {}),
      });
      seen.push(names(page));
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
    expect(seen).toEqual(pages);
  });

  it.each<{ token: () => Promise<string> | string; kind: string }>([
    { kind: 'not base64url', token: () => 'not a token!' },
    { kind: 'base64url of something else', token: () => Buffer.from('{"a":1}').toString('base64url') },
    {
      kind: 'a state machine listing token',
      token: async () => {
        const other = await freshLog();
        const arn = (name: string) => `arn:aws:states:${REGION_ACCOUNT}:stateMachine:${name}`;
        for (const name of ['a', 'b']) await other.createStateMachine(...makeMachine(arn(name), name));
        return (await other.listStateMachines({ limit: 1 })).nextToken ?? '';
      },
    },
  ])('a nextToken that is $kind is rejected as an invalid token', async ({ token }) => {
    const nextToken = await token();
    const error = await log
      .listExecutions({ stateMachineArn: machine, limit: 2, nextToken })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(EngineError);
    expect(error).toMatchObject({ code: 'InvalidToken', message: `Invalid Token: '${nextToken}'` });
  });
});

function makeMachine(
  stateMachineArn: string,
  name: string,
  revisionId = randomUUID(),
  definition = '{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}',
): [StateMachineRecord, StateMachineRevision] {
  const roleArn = 'arn:aws:iam::123456789012:role/sfn';
  return [
    {
      stateMachineArn,
      name,
      type: 'STANDARD',
      roleArn,
      revisionId,
      creationDate: T0,
      updateDate: T0,
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tags: { team: 'orders' },
    },
    { stateMachineArn, revisionId, definition, roleArn, createdAt: T0 },
  ];
}

describe('state machines', () => {
  const arnOf = (name: string) => `arn:aws:states:${REGION_ACCOUNT}:stateMachine:${name}`;

  it.each<{ size: string; definition: string }>([
    { size: 'short', definition: '{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}' },
    { size: 'long', definition: JSON.stringify({ Comment: 'c'.repeat(500_000) }) },
    { size: '1 MiB incompressible', definition: JSON.stringify({ Comment: incompressible(1_048_000) }) },
  ])('a $size definition: create, then get the machine and its revision back', async ({ definition }) => {
    const [machine, revision] = makeMachine(arnOf(randomUUID()), 'm', randomUUID(), definition);

    expect(await log.createStateMachine(machine, revision)).toBe(true);
    expect(await log.getStateMachine(machine.stateMachineArn)).toEqual(machine);
    expect(await log.getRevision(machine.stateMachineArn, revision.revisionId)).toEqual(revision);
  });

  it('creating a machine whose ARN is taken returns false and leaves the first machine and revision', async () => {
    const [machine, revision] = makeMachine(arnOf(randomUUID()), 'm');
    const [again, otherRevision] = makeMachine(machine.stateMachineArn, 'm', randomUUID(), '{"StartAt":"Q"}');

    expect(await log.createStateMachine(machine, revision)).toBe(true);
    expect(await log.createStateMachine(again, otherRevision)).toBe(false);
    expect(await log.getStateMachine(machine.stateMachineArn)).toEqual(machine);
    expect(await log.getRevision(machine.stateMachineArn, revision.revisionId)).toEqual(revision);
    expect(await log.getRevision(machine.stateMachineArn, otherRevision.revisionId)).toBeUndefined();
  });

  it.each<{ expected: 'current' | 'stale'; updated: boolean }>([
    { expected: 'current', updated: true },
    { expected: 'stale', updated: false },
  ])('an update expecting the $expected revision: updated $updated', async ({ expected, updated }) => {
    const [machine, first] = makeMachine(arnOf(randomUUID()), 'm');
    await log.createStateMachine(machine, first);
    const second: StateMachineRevision = {
      ...first,
      revisionId: randomUUID(),
      definition: '{"StartAt":"Q"}',
    };
    const changed: StateMachineRecord = { ...machine, revisionId: second.revisionId, updateDate: T0 + 1 };

    const result = await log.updateStateMachine(
      changed,
      second,
      expected === 'current' ? first.revisionId : 'old',
    );

    expect(result).toBe(updated);
    expect(await log.getStateMachine(machine.stateMachineArn)).toEqual(updated ? changed : machine);
    expect(await log.getRevision(machine.stateMachineArn, first.revisionId)).toEqual(first);
    expect(await log.getRevision(machine.stateMachineArn, second.revisionId)).toEqual(
      updated ? second : undefined,
    );
  });

  it('an update without a new revision changes the record only', async () => {
    const [machine, revision] = makeMachine(arnOf(randomUUID()), 'm');
    await log.createStateMachine(machine, revision);
    const tagged: StateMachineRecord = { ...machine, tags: {}, tracingConfiguration: { enabled: true } };

    expect(await log.updateStateMachine(tagged, undefined, revision.revisionId)).toBe(true);
    expect(await log.getStateMachine(machine.stateMachineArn)).toEqual(tagged);
  });

  it('listing is by name, ascending, in pages; a deleted machine leaves listings but keeps its revisions', async () => {
    const table = await freshLog();
    const created = ['delta', 'alpha', 'echo', 'charlie', 'bravo'].map((name) =>
      makeMachine(arnOf(name), name),
    );
    for (const [machine, revision] of created) await table.createStateMachine(machine, revision);
    const [deleted, deletedRevision] = created[3]!;
    await table.deleteStateMachine(deleted.stateMachineArn);

    const first = await table.listStateMachines({ limit: 2 });
    const second = await table.listStateMachines({ limit: 2, nextToken: first.nextToken ?? '' });

    expect(first.items.map((machine) => machine.name)).toEqual(['alpha', 'bravo']);
    expect(second.items.map((machine) => machine.name)).toEqual(['delta', 'echo']);
    expect(second.nextToken).toBeUndefined();
    expect(second.items[0]).toEqual(created[0]![0]);
    expect(await table.getStateMachine(deleted.stateMachineArn)).toBeUndefined();
    expect(await table.getRevision(deleted.stateMachineArn, deletedRevision.revisionId)).toEqual(
      deletedRevision,
    );
  });
});

describe('chunk bookkeeping', () => {
  it('three writers race for a chunked commit: one wins, and its commit alone is read back', async () => {
    const arn = executionArn();
    const results = await Promise.all(
      ['a', 'b', 'c'].map((writer) =>
        log.append(arn, makeCommit(1, incompressible(600_000), { causedBy: `writer-${writer}` })),
      ),
    );

    expect(results.filter(Boolean)).toHaveLength(1);
    const tail = await log.readTail(arn, 5);
    expect(tail?.commits.map((commit) => commit.causedBy)).toEqual([
      `writer-${['a', 'b', 'c'][results.indexOf(true)]}`,
    ]);
  });
});

describe('embedded DynamoDB on disk', () => {
  it('keeps the table and its items across a restart on the same folder', async () => {
    const path = await mkdtemp(join(tmpdir(), 'statefold-dynamo-'));
    const head = makeHead();
    const first = await startEmbeddedDynamoDB({ path, tableName: 'events' });
    await new DynamoEventLog({ client: first.client, tableName: first.tableName }).createHead(head);
    await first.stop();

    const second = await startEmbeddedDynamoDB({ path, tableName: 'events' });
    try {
      expect(
        await new DynamoEventLog({ client: second.client, tableName: 'events' }).getHead(head.executionArn),
      ).toEqual(head);
    } finally {
      await second.stop();
      await rm(path, { recursive: true, force: true });
    }
  });
});

describe('retention (DynamoDB TTL)', () => {
  const DAY = 86_400;
  async function expiresAt(pk: string, sk: string): Promise<number | undefined> {
    const { Item } = await dynamo.client.send(
      new GetItemCommand({ TableName: dynamo.tableName, Key: { pk: { S: pk }, sk: { S: sk } } }),
    );
    const value = Item?.expiresAt?.N;
    return value === undefined ? undefined : Number(value);
  }

  it('with retentionDays, a closed head expires that many days after it closed, and commits a year later still', async () => {
    const kept = new DynamoEventLog({
      client: dynamo.client,
      tableName: dynamo.tableName,
      retentionDays: 90,
    });
    const head = makeHead();
    await kept.createHead(head);
    const before = Math.floor(Date.now() / 1000);
    expect(await kept.append(head.executionArn, makeCommit(1, '{}'))).toBe(true);
    expect(await expiresAt(`exec#${head.executionArn}`, 'head')).toBeUndefined();
    await kept.recordListing({ ...head, status: 'SUCCEEDED', stopDate: T0 }, 1);
    expect(await expiresAt(`exec#${head.executionArn}`, 'head')).toBe(Math.ceil(T0 / 1000) + 90 * DAY);
    const commitExpiry = (await expiresAt(`exec#${head.executionArn}`, 'c#0000000001')) ?? 0;
    expect(commitExpiry - before).toBeGreaterThanOrEqual((365 + 90) * DAY);
    expect(commitExpiry - before).toBeLessThanOrEqual((365 + 90) * DAY + 60);
  });

  it('without retentionDays nothing expires', async () => {
    const head = makeHead();
    await log.createHead(head);
    await log.append(head.executionArn, makeCommit(1, '{}'));
    await log.recordListing({ ...head, status: 'FAILED', stopDate: T0 }, 1);
    expect(await expiresAt(`exec#${head.executionArn}`, 'head')).toBeUndefined();
    expect(await expiresAt(`exec#${head.executionArn}`, 'c#0000000001')).toBeUndefined();
  });
});
