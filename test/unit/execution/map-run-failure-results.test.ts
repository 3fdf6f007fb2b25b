import { describe, expect, it } from 'vitest';
import { compileMachine } from '../../../shared/execution/compile-machine.ts';
import { decide } from '../../../shared/execution/decide.ts';
import type { Command, StepEnv, TransitionMessage } from '../../../shared/execution/messages.ts';
import { pendingChildInputs } from '../../../shared/execution/states/children.ts';
import { Step } from '../../../shared/execution/step.ts';
import { replay } from '../../../shared/history/apply-event.ts';
import type { ExecutionEvent } from '../../../shared/history/events.ts';
import { createExecutionState, type ExecutionState } from '../../../shared/history/execution-state.ts';
import { ENV, EXECUTION, machineOf, START_TIME } from '../../support/execution-fixture.ts';

/**
 * A Distributed Map with a ResultWriter that fails beyond its tolerance (shared/execution/states/children.ts,
 * failWritingResults): MapRunFailing, its running children stopped, the results asked for once the last has ended
 * (with the items never started, PENDING), and only then MapRunFailed and the state's failure. Each step's events
 * replay to the live state, so a restart anywhere in between goes on from the same place.
 */

const DEFINITION = machineOf({
  Each: {
    Type: 'Map',
    ItemsPath: '$.items',
    ItemSelector: { 'n.$': '$$.Map.Item.Value', 'at.$': '$$.Map.Item.Index' },
    MaxConcurrency: 2,
    ToleratedFailurePercentage: 10,
    ItemProcessor: {
      ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
      StartAt: 'Item',
      States: { Item: { Type: 'Pass', End: true } },
    },
    ResultWriter: {
      Resource: 'arn:aws:states:::s3:putObject',
      Parameters: { Bucket: 'out', Prefix: 'runs' },
    },
    End: true,
  },
});

/** The Map reading its items from S3, a page at a time (the pages are answered by the test). */
const READING = machineOf({
  Each: {
    Type: 'Map',
    ItemReader: {
      Resource: 'arn:aws:states:::s3:getObject',
      ReaderConfig: { InputType: 'JSON' },
      Parameters: { Bucket: 'in', Key: 'items.json' },
    },
    MaxConcurrency: 2,
    ItemProcessor: {
      ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
      StartAt: 'Item',
      States: { Item: { Type: 'Pass', End: true } },
    },
    ResultWriter: {
      Resource: 'arn:aws:states:::s3:putObject',
      Parameters: { Bucket: 'out', Prefix: 'runs' },
    },
    End: true,
  },
});

class Run {
  readonly definition: typeof DEFINITION;
  constructor(definition = DEFINITION) {
    this.definition = definition;
  }
  readonly state: ExecutionState = createExecutionState();
  readonly events: ExecutionEvent[] = [];
  #uuid = 0;
  readonly env: StepEnv = { ...ENV, uuid: () => `uuid-${++this.#uuid}` };

  /** Applies one message: the events and commands it gave (messages to itself applied too). */
  async send(first: TransitionMessage): Promise<{ events: ExecutionEvent[]; commands: Command[] }> {
    const events: ExecutionEvent[] = [];
    const commands: Command[] = [];
    const queue = [first];
    while (queue.length > 0) {
      const result = await decide(this.definition, this.state, queue.shift() as TransitionMessage, {
        ...this.env,
        now: START_TIME,
      });
      events.push(...result.events);
      commands.push(...result.commands);
      queue.push(...result.messages);
    }
    this.events.push(...events);
    expect(JSON.stringify(replay(structuredClone(this.events)))).toBe(JSON.stringify(this.state));
    return { events, commands };
  }

  get target() {
    return { scope: 'root', ref: this.state.scopes.root?.children?.startedEventId ?? 0 };
  }
}

describe('a Map Run with a ResultWriter failing beyond its tolerance', () => {
  it('stops its running children, writes its results once they end, then fails', async () => {
    const run = new Run();
    const started = await run.send({
      type: 'start',
      execution: EXECUTION,
      input: { items: [10, 11, 12, 13] },
    });
    expect(started.commands.filter((c) => c.type === 'startChildRun')).toHaveLength(2);
    const running = started.events.find((e) => e.type === 'MapRunChildStarted' && e.index === 0);

    // Child 1 fails: 1 of 4 is over 10%. Child 0 is still running: it is stopped, nothing is written yet.
    const failing = await run.send({
      type: 'childFailed',
      ...run.target,
      index: 1,
      error: 'Boom',
      cause: 'bad',
    });
    expect(failing.events.map((e) => e.type)).toEqual(['MapRunChildFailed', 'MapRunFailing']);
    expect(failing.events[1]).toMatchObject({
      error: 'States.ExceedToleratedFailureThreshold',
      cause: 'The specified tolerated failure threshold was exceeded',
    });
    expect(failing.commands).toEqual([
      {
        type: 'stopChildRun',
        mapRunArn: expect.stringContaining(':mapRun:'),
        executionName: running?.type === 'MapRunChildStarted' ? running.executionName : '',
      },
    ]);

    // A higher MaxConcurrency starts nothing now.
    const updated = await run.send({ type: 'updateMapRun', mapRunArn: 'x', maxConcurrency: 10 });
    expect(updated.commands).toEqual([]);
    const mapRunArn = run.state.scopes.root?.children?.mapRunArn ?? '';
    const raised = await run.send({ type: 'updateMapRun', mapRunArn, maxConcurrency: 10 });
    expect(raised.commands).toEqual([]);

    // The stopped child ends: the results are asked for, the items never started among them.
    const ended = await run.send({
      type: 'childFailed',
      ...run.target,
      index: 0,
      error: 'States.Aborted',
      cause: 'stopped',
    });
    expect(ended.events.map((e) => e.type)).toEqual(['MapRunChildFailed']);
    expect(ended.commands).toEqual([
      {
        type: 'runTask',
        ...run.target,
        request: {
          kind: 'results',
          mapRunArn,
          parameters: { Bucket: 'out', Prefix: 'runs' },
          pending: true,
        },
      },
    ]);
    const root = run.state.scopes.root;
    if (!root) throw new Error('no root scope');
    const step = new Step(compileMachine(DEFINITION), run.state, run.env);
    expect(pendingChildInputs(step, root)).toEqual([
      { n: 12, at: 2 },
      { n: 13, at: 3 },
    ]);

    // Written: the Map Run fails, and the state with it.
    const written = await run.send({
      type: 'taskSucceeded',
      ...run.target,
      output: { MapRunArn: mapRunArn, ResultWriterDetails: { Bucket: 'out', Key: 'runs/x/manifest.json' } },
    });
    expect(written.events.map((e) => e.type)).toEqual(['MapRunFailed', 'MapStateFailed', 'ExecutionFailed']);
    expect(run.state).toMatchObject({ status: 'FAILED', error: 'States.ExceedToleratedFailureThreshold' });
    // Neither child's late report changes anything now.
    const late = await run.send({ type: 'childSucceeded', ...run.target, index: 0, output: null });
    expect(late.events).toEqual([]);
  });

  it('asks for its results at once when no child is running', async () => {
    const run = new Run();
    await run.send({ type: 'start', execution: EXECUTION, input: { items: [1, 2, 3, 4] } });
    await run.send({ type: 'childSucceeded', ...run.target, index: 0, output: 1 });
    // Children 2 and 3 start as 0 and 1 succeed; 3 fails while 2 runs; 2 then succeeds, and the results follow.
    await run.send({ type: 'childSucceeded', ...run.target, index: 1, output: 2 });
    const failed = await run.send({ type: 'childFailed', ...run.target, index: 3, error: 'Boom', cause: '' });
    expect(failed.events.map((e) => e.type)).toEqual(['MapRunChildFailed', 'MapRunFailing']);
    expect(failed.commands.map((c) => c.type)).toEqual(['stopChildRun']);
    const last = await run.send({ type: 'childSucceeded', ...run.target, index: 2, output: 3 });
    expect(last.commands).toMatchObject([{ type: 'runTask', request: { kind: 'results', pending: true } }]);
    const root = run.state.scopes.root;
    if (!root) throw new Error('no root scope');
    // Every item started: nothing is pending.
    expect(pendingChildInputs(new Step(compileMachine(DEFINITION), run.state, run.env), root)).toEqual([]);
  });

  it('waits for a page of items asked for before it failed, then writes its results: the page is not taken for them', async () => {
    const run = new Run(READING);
    const started = await run.send({ type: 'start', execution: EXECUTION, input: {} });
    expect(started.commands).toMatchObject([{ type: 'runTask', request: { kind: 'items', page: 0 } }]);
    // One item on the first page: fewer than MaxConcurrency wait, so the next page is asked for at once.
    const first = await run.send({
      type: 'taskSucceeded',
      ...run.target,
      output: { page: 0, items: [1], cursor: 'c1' },
    });
    expect(first.commands.map((c) => (c.type === 'runTask' ? c.request.kind : c.type))).toEqual([
      'items',
      'startChildRun',
    ]);
    // Its child fails (no failure tolerated) while page 1 is being read: the results wait for that page.
    const failing = await run.send({
      type: 'childFailed',
      ...run.target,
      index: 0,
      error: 'Boom',
      cause: '',
    });
    expect(failing.events.map((e) => e.type)).toEqual(['MapRunChildFailed', 'MapRunFailing']);
    expect(failing.commands).toEqual([]);
    // The page comes: it is not the results; they are asked for now.
    const page = await run.send({
      type: 'taskSucceeded',
      ...run.target,
      output: { page: 1, items: [2], cursor: null },
    });
    expect(page.events.map((e) => e.type)).not.toContain('MapRunFailed');
    expect(page.commands).toMatchObject([{ type: 'runTask', request: { kind: 'results', pending: true } }]);
    expect(run.state.status).toBe('RUNNING');
    const written = await run.send({
      type: 'taskSucceeded',
      ...run.target,
      output: { MapRunArn: 'x', ResultWriterDetails: { Bucket: 'out', Key: 'runs/x/manifest.json' } },
    });
    expect(written.events.map((e) => e.type)).toEqual(['MapRunFailed', 'MapStateFailed', 'ExecutionFailed']);
    expect(run.state).toMatchObject({ status: 'FAILED', error: 'Boom' });
  });

  it("fails with its child's error when a page asked for before it failed cannot be read", async () => {
    const run = new Run(READING);
    await run.send({ type: 'start', execution: EXECUTION, input: {} });
    await run.send({ type: 'taskSucceeded', ...run.target, output: { page: 0, items: [1], cursor: 'c1' } });
    await run.send({ type: 'childFailed', ...run.target, index: 0, error: 'Boom', cause: '' });
    const page = await run.send({
      type: 'taskFailed',
      ...run.target,
      error: 'States.ItemReaderFailed',
      cause: 'gone',
    });
    expect(page.commands).toMatchObject([{ type: 'runTask', request: { kind: 'results', pending: true } }]);
    await run.send({
      type: 'taskSucceeded',
      ...run.target,
      output: { MapRunArn: 'x', ResultWriterDetails: { Bucket: 'out', Key: 'runs/x/manifest.json' } },
    });
    expect(run.state).toMatchObject({ status: 'FAILED', error: 'Boom' });
  });
});
