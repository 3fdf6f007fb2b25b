import { describe, expect, it } from 'vitest';
import { decide } from '../../../shared/execution/decide.ts';
import type { Command, StepEnv, TransitionMessage } from '../../../shared/execution/messages.ts';
import { replay } from '../../../shared/history/apply-event.ts';
import type { ExecutionEvent } from '../../../shared/history/events.ts';
import { createExecutionState, type ExecutionState } from '../../../shared/history/execution-state.ts';
import type { Json } from '../../../shared/lib/json.ts';
import { ENV, EXECUTION, machineOf, START_TIME } from '../../support/execution-fixture.ts';

/**
 * The redrive of an execution whose Distributed Map failed (shared/execution/redrive.ts): the same Map Run goes
 * on (MapRunRedriven), its child executions that did not succeed are redriven (redriveChildRun, not a new
 * start), the items it never started start, and the results of the children that succeeded stand. A driver
 * answers each child run with `answer` (by index and attempt); replaying the log rebuilds the live state.
 */

type ChildCommand = Extract<Command, { type: 'startChildRun' | 'redriveChildRun' }>;

class Driver {
  readonly state: ExecutionState = createExecutionState();
  readonly events: ExecutionEvent[] = [];
  readonly commands: ChildCommand[] = [];
  /** Runs of each child, by index. */
  readonly attempts = new Map<number, number>();
  #uuid = 0;
  readonly env: StepEnv = { ...ENV, uuid: () => `uuid-${++this.#uuid}` };
  readonly definition: ReturnType<typeof machineOf>;
  /** A child's output, its failure, or undefined: it goes on running. */
  readonly answer: (index: number, attempt: number) => Json | Error | undefined;
  constructor(definition: Driver['definition'], answer: Driver['answer']) {
    this.definition = definition;
    this.answer = answer;
  }

  async run(first: TransitionMessage, now = START_TIME): Promise<void> {
    const queue: TransitionMessage[] = [first];
    const indexOf = new Map<string, number>();
    while (queue.length > 0) {
      const message = queue.shift() as TransitionMessage;
      const result = await decide(this.definition, this.state, message, { ...this.env, now });
      this.events.push(...result.events);
      queue.push(...result.messages);
      for (const event of result.events) {
        if (event.type === 'MapRunChildStarted') indexOf.set(event.executionName, event.index);
      }
      for (const command of result.commands) {
        if (command.type !== 'startChildRun' && command.type !== 'redriveChildRun') continue;
        this.commands.push(command);
        const index = indexOf.get(command.executionName) ?? -1;
        const attempt = (this.attempts.get(index) ?? 0) + 1;
        this.attempts.set(index, attempt);
        const outcome = this.answer(index, attempt);
        if (outcome === undefined) continue;
        const scope = this.state.scopes.root;
        const target = { scope: 'root', ref: scope?.children?.startedEventId ?? 0, index };
        queue.push(
          outcome instanceof Error
            ? { type: 'childFailed', ...target, error: 'Boom', cause: outcome.message }
            : { type: 'childSucceeded', ...target, output: outcome },
        );
      }
    }
    expect(JSON.stringify(replay(structuredClone(this.events)))).toBe(JSON.stringify(this.state));
  }

  visibleTypesAfter(id: number): string[] {
    return this.events.filter((e) => e.id > id && !e.type.startsWith('MapRunChild')).map((e) => e.type);
  }
}

const distributedMap = (extra: Record<string, unknown> = {}) =>
  machineOf({
    Each: {
      Type: 'Map',
      ItemsPath: '$.items',
      MaxConcurrency: 2,
      ...extra,
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
        StartAt: 'Item',
        States: { Item: { Type: 'Pass', End: true } },
      },
      End: true,
    },
  });

describe('redrive of a Distributed Map', () => {
  it('redrives the failed and aborted children of the same Map Run, starts those never started, keeps the results', async () => {
    // Child 0 is still running when child 1 fails (aborted with the run); 2 and 3 never start.
    const driver = new Driver(distributedMap(), (index, attempt) => {
      if (attempt === 1 && index === 0) return undefined;
      if (attempt === 1 && index === 1) return new Error('first call fails');
      return { item: index, attempt };
    });
    await driver.run({ type: 'start', execution: EXECUTION, input: { items: [0, 1, 2, 3] } });
    expect(driver.state.status).toBe('FAILED');
    const mapRunArn = driver.events.find((e) => e.type === 'MapRunStarted')?.mapRunArn;
    const firstRun = driver.commands.map((c) => c.type);
    expect(firstRun).toEqual(['startChildRun', 'startChildRun']);
    const names = driver.commands.map((c) => c.executionName);
    const failedId = driver.state.lastEventId;

    await driver.run({ type: 'redrive' }, START_TIME + 60_000);
    expect(driver.state.status).toBe('SUCCEEDED');
    expect(driver.state.output).toEqual([
      { item: 0, attempt: 2 },
      { item: 1, attempt: 2 },
      { item: 2, attempt: 1 },
      { item: 3, attempt: 1 },
    ]);
    const again = driver.commands.slice(2);
    // The two that did not succeed are redriven under their own names; 2 and 3 start anew.
    expect(again.map((c) => [c.type, c.executionName])).toEqual([
      ['redriveChildRun', names[0]],
      ['redriveChildRun', names[1]],
      ['startChildRun', expect.any(String)],
      ['startChildRun', expect.any(String)],
    ]);
    expect(again.every((c) => c.mapRunArn === mapRunArn)).toBe(true);
    expect(driver.visibleTypesAfter(failedId)).toEqual([
      'ExecutionRedriven',
      'MapRunRedriven',
      'MapRunSucceeded',
      'MapStateSucceeded',
      'MapStateExited',
      'ExecutionSucceeded',
    ]);
    expect(driver.events.find((e) => e.type === 'MapRunRedriven')).toMatchObject({
      mapRunArn,
      redriveCount: 1,
      previousEventId: failedId + 1,
    });
    expect(driver.events.filter((e) => e.type === 'MapRunStarted')).toHaveLength(1);
  });

  it("redrives only the failed child when the others succeeded, and counts the Map Run's redrives", async () => {
    // Child 2 fails twice: the first redrive fails again, the second succeeds.
    const driver = new Driver(distributedMap({ MaxConcurrency: 0 }), (index, attempt) =>
      index === 2 && attempt <= 2 ? new Error(`attempt ${attempt}`) : { item: index },
    );
    await driver.run({ type: 'start', execution: EXECUTION, input: { items: [0, 1, 2] } });
    expect(driver.state.status).toBe('FAILED');
    await driver.run({ type: 'redrive' }, START_TIME + 60_000);
    expect(driver.state.status).toBe('FAILED');
    await driver.run({ type: 'redrive' }, START_TIME + 120_000);
    expect(driver.state.status).toBe('SUCCEEDED');
    expect(driver.state.output).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
    expect(Object.fromEntries(driver.attempts)).toEqual({ 0: 1, 1: 1, 2: 3 });
    expect(driver.commands.map((c) => c.type)).toEqual([
      'startChildRun',
      'startChildRun',
      'startChildRun',
      'redriveChildRun',
      'redriveChildRun',
    ]);
    expect(
      driver.events
        .filter((e) => e.type === 'MapRunRedriven')
        .map((e) => (e as { redriveCount: number }).redriveCount),
    ).toEqual([1, 2]);
  });

  it('a stopped execution: the children its Map Run was running are redriven, the rest start', async () => {
    const driver = new Driver(distributedMap(), (index, attempt) =>
      attempt === 1 && index < 2 ? undefined : { item: index },
    );
    await driver.run({ type: 'start', execution: EXECUTION, input: { items: [0, 1, 2] } });
    await driver.run({ type: 'stop' });
    expect(driver.state.status).toBe('ABORTED');
    const names = driver.commands.map((c) => c.executionName);
    await driver.run({ type: 'redrive' }, START_TIME + 60_000);
    expect(driver.state.status).toBe('SUCCEEDED');
    expect(driver.state.output).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
    expect(driver.commands.slice(2).map((c) => [c.type, c.executionName])).toEqual([
      ['redriveChildRun', names[0]],
      ['redriveChildRun', names[1]],
      ['startChildRun', expect.any(String)],
    ]);
  });

  it('a Map Run that never started (its ItemsPath failed): the Map state runs again', async () => {
    const driver = new Driver(distributedMap(), () => ({}));
    await driver.run({ type: 'start', execution: EXECUTION, input: {} });
    expect(driver.state.status).toBe('FAILED');
    const failedId = driver.state.lastEventId;
    await driver.run({ type: 'redrive' }, START_TIME + 60_000);
    expect(driver.visibleTypesAfter(failedId).slice(0, 2)).toEqual(['ExecutionRedriven', 'MapStateEntered']);
  });
});
