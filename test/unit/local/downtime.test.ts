import { rmSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Queues, TimerEnvelope } from '../../../shared/engine/ports.ts';
import type { TimerPurpose } from '../../../shared/execution/messages.ts';
import {
  type Downtime,
  downtimeAwareQueues,
  downtimeShift,
  UptimeLedger,
} from '../../../shared/local/downtime.ts';

const ARN = 'arn:aws:states:us-east-1:123456789012:execution:m:e';

function timer(purpose: TimerPurpose, armedAt: number | undefined, dueAt: number): TimerEnvelope {
  return {
    dueAt,
    ...(armedAt !== undefined ? { armedAt } : {}),
    transition: {
      executionArn: ARN,
      id: `timer:root:3:${purpose}:${dueAt}`,
      message: { type: 'timerFired', scope: 'root', ref: 3, purpose },
    },
  };
}

/** Queues that keep what they are asked to send. */
function recordingQueues(): Queues & { timers: TimerEnvelope[] } {
  const timers: TimerEnvelope[] = [];
  return {
    timers,
    sendTransitions: async () => {},
    sendTasks: async () => {},
    sendRecords: async () => {},
    sendTimers: async (sent) => {
      timers.push(...sent);
    },
  };
}

describe('downtimeShift', () => {
  const down: Downtime[] = [{ from: 10_000, to: 70_000 }];

  it('moves a deadline set before a downtime, and due after it began, by the whole downtime', () => {
    expect(downtimeShift(down, 5_000, 20_000)).toBe(60_000);
    expect(downtimeShift(down, 5_000, 100_000)).toBe(60_000);
  });

  it('does not move a deadline that was due before the downtime, or set after it', () => {
    expect(downtimeShift(down, 1_000, 10_000)).toBe(0);
    expect(downtimeShift(down, 70_000, 90_000)).toBe(0);
  });

  it('adds every downtime between the deadline being set and falling due', () => {
    const downs: Downtime[] = [
      { from: 10_000, to: 20_000 },
      { from: 30_000, to: 35_000 },
      { from: 90_000, to: 95_000 },
    ];
    expect(downtimeShift(downs, 0, 40_000)).toBe(15_000);
  });
});

describe('downtimeAwareQueues', () => {
  const downtimes: Downtime[] = [{ from: 10_000, to: 70_000 }];
  const now = 70_500;

  it('re-arms a heartbeat or task timeout that fell due while the server was down, counted once', async () => {
    const queues = recordingQueues();
    const aware = downtimeAwareQueues(queues, () => downtimes, { now: () => now });
    await aware.sendTimers([timer('heartbeat', 5_000, 20_000), timer('taskTimeout', 5_000, 30_000)]);
    expect(queues.timers.map((t) => [t.dueAt, t.armedAt])).toEqual([
      [80_000, now],
      [90_000, now],
    ]);
    // Hopping through the queue again (armed after the downtime now), it stays where it is.
    await aware.sendTimers([queues.timers[0] as TimerEnvelope]);
    expect(queues.timers[2]?.dueAt).toBe(80_000);
  });

  it('leaves waits, retries, execution timeouts and timers without a setting time to the wall clock', async () => {
    const queues = recordingQueues();
    const aware = downtimeAwareQueues(queues, () => downtimes, { now: () => now });
    const wallClock = [
      timer('wait', 5_000, 20_000),
      timer('retry', 5_000, 20_000),
      timer('executionTimeout', 5_000, 20_000),
      timer('heartbeat', undefined, 20_000),
    ];
    await aware.sendTimers(wallClock);
    expect(queues.timers).toEqual(wallClock);
  });
});

describe('UptimeLedger', () => {
  let dataDir: string | undefined;
  afterEach(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    dataDir = undefined;
  });

  it('records the downtime between the last stamp and the next start, kept across starts', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'statefold-uptime-'));
    let now = 1_000;
    const clock = { now: () => now };
    const first = UptimeLedger.open({ dataDir, clock });
    expect(first.downtimes).toEqual([]);
    now = 4_000;
    first.close();
    now = 64_000;
    const second = UptimeLedger.open({ dataDir, clock });
    expect(second.downtimes).toEqual([{ from: 4_000, to: 64_000 }]);
    second.close();
    now = 70_000;
    const third = UptimeLedger.open({ dataDir, clock });
    expect(third.downtimes).toEqual([
      { from: 4_000, to: 64_000 },
      { from: 64_000, to: 70_000 },
    ]);
    third.close();
  });

  it('a torn ledger file (a crash mid-write) is read as no downtime known', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'statefold-uptime-'));
    await writeFile(join(dataDir, 'uptime.json'), '{"aliveAt": 12');
    const ledger = UptimeLedger.open({ dataDir, clock: { now: () => 50_000 } });
    expect(ledger.downtimes).toEqual([]);
    ledger.close();
    expect(JSON.parse(await readFile(join(dataDir, 'uptime.json'), 'utf8'))).toEqual({
      aliveAt: 50_000,
      downtimes: [],
    });
  });

  it('tells when its data folder is deleted while it runs', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'statefold-uptime-'));
    const lost = vi.fn();
    const ledger = UptimeLedger.open({ dataDir, clock: Date, intervalMs: 20, onDataFolderLost: lost });
    // Deleted in one step: an asynchronous rm, walking the folder while the ledger's 20 ms stamp writes into it,
    // fails with ENOTEMPTY on a loaded machine.
    rmSync(dataDir, { recursive: true, force: true });
    await vi.waitFor(() => expect(lost).toHaveBeenCalledWith(dataDir), { timeout: 2_000 });
    ledger.close();
    expect(lost).toHaveBeenCalledTimes(1);
  });
});
