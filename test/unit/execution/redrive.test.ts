import { describe, expect, it } from 'vitest';
import { decide } from '../../../shared/execution/decide.ts';
import type { TransitionMessage } from '../../../shared/execution/messages.ts';
import { NOT_REDRIVABLE, redriveBlocker } from '../../../shared/execution/redrive.ts';
import { replay } from '../../../shared/history/apply-event.ts';
import type { ExecutionEvent } from '../../../shared/history/events.ts';
import { createExecutionState, type ExecutionState } from '../../../shared/history/execution-state.ts';
import type { Json } from '../../../shared/lib/json.ts';
import { ENV, EXECUTION, machineOf, START_TIME } from '../../support/execution-fixture.ts';

/**
 * The redrive over the replayed state of a closed execution (shared/execution/redrive.ts): which states run
 * again, with what, and the events written. A small driver answers each Lambda task with `answer`, which counts
 * the calls by the payload's `key`; replaying the whole log must rebuild the live state.
 */

/** A task's result, its failure, or undefined: it goes on running (until a failure beside it aborts it). */
type Answer = (payload: { key: string; calls: number } & Record<string, Json>) => Json | Error | undefined;

function lambda(key: string, extra: Record<string, string> = {}, next?: string) {
  return {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke',
    Parameters: { FunctionName: 'f', Payload: { key, ...extra } },
    OutputPath: '$.Payload',
    ...(next !== undefined ? { Next: next } : { End: true }),
  };
}

class Driver {
  readonly state: ExecutionState = createExecutionState();
  readonly events: ExecutionEvent[] = [];
  readonly calls = new Map<string, number>();
  readonly definition: ReturnType<typeof machineOf>;
  readonly answer: Answer;
  constructor(definition: ReturnType<typeof machineOf>, answer: Answer) {
    this.definition = definition;
    this.answer = answer;
  }

  async run(first: TransitionMessage, now = START_TIME): Promise<void> {
    const queue: TransitionMessage[] = [first];
    while (queue.length > 0) {
      const message = queue.shift() as TransitionMessage;
      const result = await decide(this.definition, this.state, message, { ...ENV, now });
      this.events.push(...result.events);
      queue.push(...result.messages);
      for (const command of result.commands) {
        if (command.type !== 'runTask' || command.request.kind !== 'lambda') continue;
        const payload = command.request.payload as { key: string } & Record<string, Json>;
        const calls = (this.calls.get(payload.key) ?? 0) + 1;
        this.calls.set(payload.key, calls);
        const outcome = this.answer({ ...payload, calls });
        if (outcome === undefined) continue;
        queue.push(
          outcome instanceof Error
            ? {
                type: 'taskFailed',
                scope: command.scope,
                ref: command.ref,
                error: 'Boom',
                cause: outcome.message,
              }
            : { type: 'taskSucceeded', scope: command.scope, ref: command.ref, output: { Payload: outcome } },
        );
      }
    }
    expect(JSON.stringify(replay(structuredClone(this.events)))).toBe(JSON.stringify(this.state));
  }

  start(input: Json = {}): Promise<void> {
    return this.run({ type: 'start', execution: EXECUTION, input });
  }

  redrive(clientToken?: string, now = START_TIME + 60_000): Promise<void> {
    return this.run({ type: 'redrive', ...(clientToken !== undefined ? { clientToken } : {}) }, now);
  }

  typesAfter(id: number): string[] {
    return this.events
      .filter((event) => event.id > id && !event.type.startsWith('MapRunChild'))
      .map((e) => e.type);
  }
}

/** Fails the first `failures` calls of a key, then answers the payload. */
const failFirst =
  (failures: Record<string, number>): Answer =>
  (payload) =>
    payload.calls <= (failures[payload.key] ?? 0)
      ? new Error(`call ${payload.calls} of ${payload.key}`)
      : payload.key;

describe('redrive', () => {
  it('enters the failed Task again with the input and variables it had; the states before it do not run again', async () => {
    const driver = new Driver(
      machineOf({
        Before: { Type: 'Pass', Result: 'kept', ResultPath: '$.before', Assign: { seen: 1 }, Next: 'Work' },
        Work: {
          ...lambda('work', { 'count.$': '$$.Execution.RedriveCount', 'seen.$': '$seen' }, 'After'),
          OutputPath: '$.Payload',
        },
        After: { Type: 'Pass', End: true },
      }),
      failFirst({ work: 1 }),
    );
    await driver.start({ n: 1 });
    expect(driver.state.status).toBe('FAILED');
    const failedId = driver.state.lastEventId;
    await driver.redrive('token-1');
    expect(driver.state.status).toBe('SUCCEEDED');
    expect(driver.calls.get('work')).toBe(2);
    expect(driver.typesAfter(failedId)).toEqual([
      'ExecutionRedriven',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
    const redriven = driver.events.find((event) => event.type === 'ExecutionRedriven');
    expect(redriven).toMatchObject({ id: failedId + 1, previousEventId: failedId, redriveCount: 1 });
    const entered = driver.events.find((event) => event.id === failedId + 2);
    expect(entered).toMatchObject({ previousEventId: failedId + 1, input: { n: 1, before: 'kept' } });
    const scheduled = driver.events.find((event) => event.id === failedId + 3);
    expect(scheduled).toMatchObject({ parameters: { Payload: { key: 'work', count: 1, seen: 1 } } });
    expect(driver.state.execution).toMatchObject({ redriveCount: 1, redriveTime: START_TIME + 60_000 });
    expect(driver.state.redriveToken).toBe('token-1');
  });

  it('runs again only the Parallel branches that did not succeed, each from its first state', async () => {
    const driver = new Driver(
      machineOf({
        Both: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'Zero', States: { Zero: lambda('zero') } },
            { StartAt: 'One', States: { One: lambda('one', {}, 'OneMore'), OneMore: lambda('oneMore') } },
            { StartAt: 'Two', States: { Two: { Type: 'Pass', Result: 'two', End: true } } },
          ],
          End: true,
        },
      }),
      failFirst({ oneMore: 1 }),
    );
    await driver.start();
    expect(driver.state.status).toBe('FAILED');
    const failedId = driver.state.lastEventId;
    await driver.redrive();
    expect(driver.state.status).toBe('SUCCEEDED');
    expect(driver.state.output).toEqual(['zero', 'oneMore', 'two']);
    expect(Object.fromEntries(driver.calls)).toEqual({ zero: 1, one: 2, oneMore: 2 });
    expect(driver.typesAfter(failedId)).toEqual([
      'ExecutionRedriven',
      ...['TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited'],
      ...['TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited'],
      'ParallelStateSucceeded',
      'ParallelStateExited',
      'ExecutionSucceeded',
    ]);
  });

  it('runs again only the inline Map iterations that failed or were aborted, and those not started', async () => {
    const driver = new Driver(
      machineOf({
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          MaxConcurrency: 2,
          ItemProcessor: {
            StartAt: 'Item',
            States: { Item: { ...lambda('x', { 'key.$': "States.Format('item{}', $)" }) } },
          },
          End: true,
        },
      }),
      (payload) =>
        payload.key === 'item0' && payload.calls === 1 ? undefined : failFirst({ item1: 1 })(payload),
    );
    await driver.start({ items: [0, 1, 2, 3] });
    expect(driver.events.filter((e) => e.type === 'MapIterationAborted')).toHaveLength(1);
    expect(driver.state.status).toBe('FAILED');
    // Iteration 1 failed at once: iteration 0 was still running (aborted), 2 and 3 never started.
    expect(Object.fromEntries(driver.calls)).toEqual({ item0: 1, item1: 1 });
    const failedId = driver.state.lastEventId;
    await driver.redrive();
    expect(driver.state.status).toBe('SUCCEEDED');
    expect(driver.state.output).toEqual(['item0', 'item1', 'item2', 'item3']);
    expect(Object.fromEntries(driver.calls)).toEqual({ item0: 2, item1: 2, item2: 1, item3: 1 });
    const started = driver.events.filter((e) => e.id > failedId && e.type === 'MapIterationStarted');
    expect(started.map((e) => (e as { index: number }).index)).toEqual([0, 1, 2, 3]);
  });

  it('keeps the results of the iterations that succeeded', async () => {
    const driver = new Driver(
      machineOf({
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemProcessor: {
            StartAt: 'Item',
            States: { Item: { ...lambda('x', { 'key.$': "States.Format('item{}', $)" }) } },
          },
          ToleratedFailureCount: 0,
          End: true,
        },
      }),
      // Iterations answer in order; the last one fails once, after the others succeeded.
      failFirst({ item2: 1 }),
    );
    await driver.start({ items: [0, 1, 2] });
    expect(driver.state.status).toBe('FAILED');
    const failedId = driver.state.lastEventId;
    await driver.redrive();
    expect(driver.state.status).toBe('SUCCEEDED');
    expect(driver.state.output).toEqual(['item0', 'item1', 'item2']);
    expect(Object.fromEntries(driver.calls)).toEqual({ item0: 1, item1: 1, item2: 2 });
    expect(driver.typesAfter(failedId).slice(0, 3)).toEqual([
      'ExecutionRedriven',
      'MapIterationStarted',
      'TaskStateEntered',
    ]);
  });

  it('counts TimeoutSeconds again from the redrive: only the redrive’s timer times the execution out', async () => {
    const driver = new Driver(
      { ...machineOf({ Hold: { Type: 'Wait', Seconds: 3600, End: true } }), TimeoutSeconds: 10 },
      failFirst({}),
    );
    await driver.start();
    await driver.run({ type: 'timerFired', scope: 'root', ref: 1, purpose: 'executionTimeout' });
    expect(driver.state.status).toBe('TIMED_OUT');
    await driver.redrive(undefined, START_TIME + 20_000);
    expect(driver.state.status).toBe('RUNNING');
    expect(driver.state.timeoutAt).toBe(START_TIME + 30_000);
    const redriven = driver.events.find((event) => event.type === 'ExecutionRedriven') as ExecutionEvent;
    // The first start's timer (ref 1) comes late: it changes nothing.
    await driver.run({ type: 'timerFired', scope: 'root', ref: 1, purpose: 'executionTimeout' });
    expect(driver.state.status).toBe('RUNNING');
    await driver.run({ type: 'timerFired', scope: 'root', ref: redriven.id, purpose: 'executionTimeout' });
    expect(driver.state.status).toBe('TIMED_OUT');
    expect(driver.state.execution?.redriveCount).toBe(1);
  });

  it('counts redrives: a second redrive after a second failure', async () => {
    const driver = new Driver(machineOf({ Work: lambda('work') }), failFirst({ work: 2 }));
    await driver.start();
    await driver.redrive('a');
    expect(driver.state.status).toBe('FAILED');
    await driver.redrive('b');
    expect(driver.state.status).toBe('SUCCEEDED');
    const counts = driver.events
      .filter((event) => event.type === 'ExecutionRedriven')
      .map((event) => (event as { redriveCount: number }).redriveCount);
    expect(counts).toEqual([1, 2]);
  });

  it('shows the redrive in the context object: $$.Execution.RedriveCount and RedriveTime', async () => {
    const driver = new Driver(
      machineOf({
        Work: lambda('work', {}, 'Show'),
        Show: {
          Type: 'Pass',
          Parameters: { 'count.$': '$$.Execution.RedriveCount', 'time.$': '$$.Execution.RedriveTime' },
          End: true,
        },
      }),
      failFirst({ work: 1 }),
    );
    await driver.start();
    await driver.redrive(undefined, Date.UTC(2026, 0, 1, 0, 5));
    expect(driver.state.output).toEqual({ count: 1, time: '2026-01-01T00:05:00Z' });
  });

  it('does nothing to a running execution', async () => {
    const driver = new Driver(machineOf({ Hold: { Type: 'Wait', Seconds: 60, End: true } }), failFirst({}));
    await driver.start();
    const before = driver.events.length;
    await driver.redrive();
    expect(driver.events.length).toBe(before);
  });
});

describe('redriveBlocker', () => {
  const DAY = 86_400_000;
  const closed = (status: ExecutionState['status'], stopTime: number, lastEventId = 5): ExecutionState => ({
    ...createExecutionState(),
    status,
    stopTime,
    lastEventId,
    execution: EXECUTION,
  });
  it.each([
    { when: 'it runs', state: closed('RUNNING', START_TIME), reason: NOT_REDRIVABLE.running },
    { when: 'it succeeded', state: closed('SUCCEEDED', START_TIME), reason: NOT_REDRIVABLE.succeeded },
    {
      when: 'it failed a day ago',
      state: closed('FAILED', START_TIME),
      now: START_TIME + DAY,
      reason: undefined,
    },
    {
      when: 'it was aborted 14 days ago',
      state: closed('ABORTED', START_TIME),
      now: START_TIME + 14 * DAY,
      reason: undefined,
    },
    {
      when: 'it timed out more than 14 days ago',
      state: closed('TIMED_OUT', START_TIME),
      now: START_TIME + 14 * DAY + 1,
      reason: NOT_REDRIVABLE.period,
    },
    {
      when: 'its history has 24,999 events',
      state: closed('FAILED', START_TIME, 24_999),
      reason: NOT_REDRIVABLE.historyLimit,
    },
    {
      when: 'its state machine is gone',
      state: closed('FAILED', START_TIME),
      exists: false,
      reason: NOT_REDRIVABLE.deleting,
    },
  ])('$when: $reason', ({ state, now, exists, reason }) => {
    expect(redriveBlocker(state, now ?? START_TIME, exists ?? true)).toBe(reason);
  });
});
