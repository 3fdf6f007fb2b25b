import { describe, expect, it } from 'vitest';
import type { ExecutionHead } from '../../../shared/engine/ports.ts';
import {
  decodeHead,
  encodeHead,
  encodeHeadCopy,
  qualifiedListings,
} from '../../../shared/eventlog/head-codec.ts';
import { listingCopyRequest } from '../../../shared/eventlog/log-requests.ts';
import { BY_MACHINE_INDEX, BY_MACHINE_STATUS_INDEX } from '../../../shared/eventlog/table.ts';

/** The copies of a head listed under the version and the alias an execution was started through. */

const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:machine';
const EXECUTION = 'arn:aws:states:us-east-1:123456789012:execution:machine:run';
const head: ExecutionHead = {
  executionArn: EXECUTION,
  stateMachineArn: MACHINE,
  name: 'run',
  status: 'RUNNING',
  startDate: 1,
};

describe('head copies', () => {
  it.each([
    ['started on the machine', {}, []],
    ['started on a version', { stateMachineVersionArn: `${MACHINE}:1` }, [['head#version', `${MACHINE}:1`]]],
    [
      'started on an alias',
      { stateMachineVersionArn: `${MACHINE}:1`, stateMachineAliasArn: `${MACHINE}:PROD` },
      [
        ['head#version', `${MACHINE}:1`],
        ['head#alias', `${MACHINE}:PROD`],
      ],
    ],
    [
      'a Map Run child (listed under its Map Run only)',
      {
        stateMachineVersionArn: `${MACHINE}:1`,
        mapRunArn: 'arn:aws:states:us-east-1:123456789012:mapRun:machine/m:x',
      },
      [],
    ],
  ])('%s: %j', (_case, extra, expected) => {
    const listings = qualifiedListings({ ...head, ...extra });
    expect(listings.map((listing) => [listing.sortKey, listing.listPartition])).toEqual(expected);
  });

  it('a copy has the head’s attributes under the version’s index keys, and decodes as the head', () => {
    const versioned = { ...head, stateMachineVersionArn: `${MACHINE}:1` };
    const [listing] = qualifiedListings(versioned);
    const item = encodeHeadCopy(versioned, listing as NonNullable<typeof listing>);
    expect(item).toMatchObject({
      pk: `exec#${EXECUTION}`,
      sk: 'head#version',
      [BY_MACHINE_INDEX.partitionKey]: `${MACHINE}:1`,
      [BY_MACHINE_STATUS_INDEX.partitionKey]: `${MACHINE}:1#RUNNING`,
      stateMachineArn: MACHINE,
    });
    expect(decodeHead(item)).toEqual(versioned);
  });

  it('closing and reopening a copy move its status key under the version', () => {
    const closed = {
      ...head,
      status: 'SUCCEEDED' as const,
      stopDate: 2,
      stateMachineVersionArn: `${MACHINE}:1`,
    };
    const listing = { sortKey: 'head#version', listPartition: `${MACHINE}:1` };
    const close = listingCopyRequest('t', closed, 2, {}, listing);
    expect(close.Key).toEqual({ pk: `exec#${EXECUTION}`, sk: 'head#version' });
    expect(close.ExpressionAttributeValues?.[':statusKey']).toBe(`${MACHINE}:1#SUCCEEDED`);
    const reopen = listingCopyRequest('t', { ...closed, status: 'RUNNING', redriveCount: 1 }, 3, {}, listing);
    expect(reopen.Key).toEqual({ pk: `exec#${EXECUTION}`, sk: 'head#version' });
    expect(reopen.ExpressionAttributeValues?.[':statusKey']).toBe(`${MACHINE}:1#RUNNING`);
  });
});

describe('a head item', () => {
  const mapRunArn =
    'arn:aws:states:us-east-1:123456789012:mapRun:machine/Map:5e0c3a1b-8d2f-4f6a-9b7e-1c2d3e4f5a6b';
  const child: ExecutionHead = {
    executionArn:
      'arn:aws:states:us-east-1:123456789012:execution:machine/Map:0f8e4c2a-6b1d-4e3f-a5c7-9d8b7a6f5e4d',
    stateMachineArn: `${MACHINE}/Map`,
    name: '0f8e4c2a-6b1d-4e3f-a5c7-9d8b7a6f5e4d',
    status: 'SUCCEEDED',
    startDate: 1,
    stopDate: 2,
    mapRunArn,
  };

  it('a child’s is an entry in its Map Run’s partition, in no listing index once closed, its ARNs left to its keys', () => {
    const item = encodeHead(child);
    expect(item).toEqual({
      pk: `mapRun#${mapRunArn}`,
      sk: `child#0000000000001#${child.name}`,
      name: child.name,
      status: 'SUCCEEDED',
      startDate: 1,
      stopDate: 2,
    });
    expect(decodeHead(item)).toEqual(child);
  });

  it('a RUNNING child’s entry is in the status index, under its Map Run’s RUNNING partition', () => {
    const running: ExecutionHead = { ...child, status: 'RUNNING' };
    delete running.stopDate;
    const item = encodeHead(running);
    expect(item[BY_MACHINE_STATUS_INDEX.partitionKey]).toBe(`maprun#${mapRunArn}#RUNNING`);
    expect(item[BY_MACHINE_STATUS_INDEX.sortKey]).toBe(`0000000000001#${child.name}`);
    expect(item).not.toHaveProperty(BY_MACHINE_INDEX.partitionKey);
    expect(decodeHead(item)).toEqual(running);
  });

  it('a child whose ARNs its Map Run’s do not give keeps them', () => {
    const nested: ExecutionHead = {
      ...child,
      executionArn: child.executionArn.replace('machine/Map', 'machine/Outer/Map'),
      stateMachineArn: `${MACHINE}/Outer/Map`,
    };
    const item = encodeHead(nested);
    expect(item.executionArn).toBe(nested.executionArn);
    expect(item.stateMachineArn).toBe(nested.stateMachineArn);
    expect(decodeHead(item)).toEqual(nested);
  });

  it('a child’s head written before entries (listed under `maprun#…` in the byMachine index) decodes the same', () => {
    const item = {
      pk: `exec#${child.executionArn}`,
      sk: 'head',
      [BY_MACHINE_INDEX.partitionKey]: `maprun#${mapRunArn}`,
      [BY_MACHINE_INDEX.sortKey]: `0000000000001#${child.name}`,
      stateMachineArn: child.stateMachineArn,
      name: child.name,
      status: 'SUCCEEDED',
      startDate: 1,
      stopDate: 2,
    };
    expect(decodeHead(item)).toEqual(child);
    expect(decodeHead({ ...item, executionArn: child.executionArn, mapRunArn })).toEqual(child);
  });
});
