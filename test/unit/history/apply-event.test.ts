import { describe, expect, it } from 'vitest';
import { decide } from '../../../shared/execution/decide.ts';
import type { TransitionMessage } from '../../../shared/execution/messages.ts';
import { applyEvent, replay } from '../../../shared/history/apply-event.ts';
import type { ExecutionEvent } from '../../../shared/history/events.ts';
import type { ExecutionState } from '../../../shared/history/execution-state.ts';
import {
  ADVANCE_FIRST,
  ENV,
  EXECUTION,
  LAMBDA_TASK,
  machineOf,
  START_TIME,
  startedState,
} from '../../support/execution-fixture.ts';

/**
 * applyEvent, event by event: what each event changes in the execution's state. The events are the ones
 * decide writes, so the fold and the decisions are checked against each other.
 */

const event = (fields: Record<string, unknown>): ExecutionEvent =>
  ({
    previousEventId: 0,
    timestamp: START_TIME + 1_000,
    scope: 'root',
    ...fields,
  }) as unknown as ExecutionEvent;

describe('execution events', () => {
  it('ExecutionStarted records the execution, its input and a root scope ready at StartAt', () => {
    const state = replay([
      event({ id: 1, type: 'ExecutionStarted', input: { a: 1 }, execution: EXECUTION, startAt: 'First' }),
    ]);
    expect(state).toMatchObject({ status: 'RUNNING', lastEventId: 1, execution: EXECUTION, input: { a: 1 } });
    expect(state.scopes.root).toMatchObject({ phase: 'ready', ref: 1, stateName: 'First', input: { a: 1 } });
  });

  it.each([
    {
      type: 'ExecutionSucceeded',
      fields: { output: { done: true } },
      expected: { status: 'SUCCEEDED', output: { done: true } },
    },
    {
      type: 'ExecutionFailed',
      fields: { error: 'E', cause: 'C' },
      expected: { status: 'FAILED', error: 'E', cause: 'C' },
    },
    {
      type: 'ExecutionTimedOut',
      fields: { error: 'States.Timeout' },
      expected: { status: 'TIMED_OUT', error: 'States.Timeout' },
    },
    {
      type: 'ExecutionAborted',
      fields: { error: 'Op', cause: 'stop' },
      expected: { status: 'ABORTED', error: 'Op', cause: 'stop' },
    },
  ])('$type closes the execution: $expected', ({ type, fields, expected }) => {
    const started = event({ id: 1, type: 'ExecutionStarted', input: {}, execution: EXECUTION, startAt: 'S' });
    const state = replay([started, event({ id: 2, type, ...fields })]);
    expect(state).toMatchObject({ ...expected, lastEventId: 2 });
  });
});

/** The state before and after each event decide wrote for `messages` (after the start). */
async function foldSteps(
  states: Record<string, object>,
  messages: TransitionMessage[],
  input: unknown = { a: 1 },
) {
  const definition = machineOf(states);
  const state = await startedState(definition, input);
  const events: ExecutionEvent[] = [];
  for (const message of messages) events.push(...(await decide(definition, state, message, ENV)).events);
  return { state, events };
}

describe('state events, as decide writes them', () => {
  it.each([
    {
      event: 'TaskStateEntered',
      scope: { phase: 'ready', stateName: 'T', input: { a: 1 }, enteredEventId: 2, enteredTime: START_TIME },
    },
    {
      event: 'TaskScheduled',
      scope: { phase: 'task', ref: 3, task: { resourceType: 'lambda', resource: 'invoke' } },
    },
    { event: 'TaskStarted', scope: { phase: 'task', ref: 3, task: { timeoutAt: START_TIME + 5_000 } } },
  ])("$event: the root scope's $scope", async ({ event: type, scope }) => {
    const { events } = await foldSteps({ T: LAMBDA_TASK }, [ADVANCE_FIRST]);
    const upTo = events.findIndex((e) => e.type === type);
    const state = await startedState(machineOf({ T: LAMBDA_TASK }), { a: 1 });
    for (const e of events.slice(0, upTo + 1)) applyEvent(state, e);
    expect(state.scopes.root).toMatchObject(scope);
    expect(state.lastEventId).toBe(events[upTo]?.id);
  });

  it('WaitStateEntered puts the scope to waiting until the end of the wait', async () => {
    const { state } = await foldSteps({ W: { Type: 'Wait', Seconds: 10, End: true } }, [ADVANCE_FIRST]);
    expect(state.scopes.root).toMatchObject({ phase: 'waiting', ref: 2, waitUntil: START_TIME + 10_000 });
  });

  it('PassStateExited with Assign keeps the variables in the scope', async () => {
    const { state } = await foldSteps(
      { P: { Type: 'Pass', Assign: { x: 42 }, Next: 'S' }, S: { Type: 'Succeed' } },
      [ADVANCE_FIRST],
    );
    expect(state.scopes.root).toMatchObject({ phase: 'ready', stateName: 'S', ref: 3, variables: { x: 42 } });
  });

  it('ParallelStateStarted makes one child scope per branch, each ready at its StartAt', async () => {
    const branch = { StartAt: 'B', States: { B: { Type: 'Pass', End: true } } };
    const { state } = await foldSteps({ Par: { Type: 'Parallel', Branches: [branch, branch], End: true } }, [
      ADVANCE_FIRST,
    ]);
    expect(state.scopes.root).toMatchObject({
      phase: 'children',
      children: { kind: 'parallel', total: 2, running: 2 },
    });
    expect(state.scopes['3.0']).toMatchObject({ parent: 'root', index: 0, phase: 'ready', stateName: 'B' });
    expect(state.scopes['3.1']).toMatchObject({ parent: 'root', index: 1, phase: 'ready', stateName: 'B' });
  });

  it('TaskFailed that a retrier handles puts the scope to retrying and counts the retry', async () => {
    const { state } = await foldSteps(
      { T: { ...LAMBDA_TASK, Retry: [{ ErrorEquals: ['Boom'], MaxAttempts: 2 }] } },
      [ADVANCE_FIRST, { type: 'taskFailed', scope: 'root', ref: 3, error: 'Boom', cause: '' }],
    );
    expect(state.scopes.root).toMatchObject({ phase: 'retrying', retries: [1], retryCount: 1 });
  });
});

describe('replay', () => {
  it.each([
    { name: 'a task that succeeds', messages: [{ type: 'taskSucceeded', scope: 'root', ref: 3, output: 1 }] },
    {
      name: 'a task that fails',
      messages: [{ type: 'taskFailed', scope: 'root', ref: 3, error: 'E', cause: '' }],
    },
    { name: 'a task still running', messages: [] },
  ] as const)('of the events of $name rebuilds the state decide left', async ({ messages }) => {
    const definition = machineOf({ T: LAMBDA_TASK });
    const live: ExecutionState = await startedState(definition, { a: 1 });
    const all: ExecutionEvent[] = [];
    const first = structuredClone(live);
    for (const message of [ADVANCE_FIRST, ...(messages as readonly TransitionMessage[])]) {
      all.push(...(await decide(definition, live, message, ENV)).events);
    }
    const rebuilt = first;
    for (const e of all) applyEvent(rebuilt, structuredClone(e));
    expect(rebuilt).toEqual(live);
  });
});
