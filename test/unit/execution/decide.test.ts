import { describe, expect, it } from 'vitest';
import { decide } from '../../../shared/execution/decide.ts';
import type { TransitionMessage } from '../../../shared/execution/messages.ts';
import { createExecutionState } from '../../../shared/history/execution-state.ts';
import {
  ADVANCE_FIRST,
  decideAll,
  ENV,
  EXECUTION,
  LAMBDA_TASK,
  machineOf,
  START_TIME,
  startedState,
} from '../../support/execution-fixture.ts';

/**
 * decide, message by message: which events a message writes, which transitions it sends on and which commands
 * it asks for, for each state type. Event ids: 1 is ExecutionStarted, so a state's Entered event is 2.
 */

const ONE_PASS = { StartAt: 'B', States: { B: { Type: 'Pass', End: true } } };

describe('the start message', () => {
  it.each([
    { when: 'on a new execution', already: false, events: ['ExecutionStarted'], messages: [ADVANCE_FIRST] },
    { when: 'a second time', already: true, events: [], messages: [] },
  ])('$when: events $events', async ({ already, events, messages }) => {
    const definition = machineOf({ P: { Type: 'Pass', End: true } });
    const state = already ? await startedState(definition) : createExecutionState();
    const result = await decide(
      definition,
      state,
      { type: 'start', execution: EXECUTION, input: { a: 1 } },
      ENV,
    );
    expect(result.events.map((event) => event.type)).toEqual(events);
    expect(result.messages).toEqual(messages);
    expect(result.commands).toEqual([]);
  });
});

describe('advancing into each state type', () => {
  it.each([
    {
      type: 'Pass (End)',
      states: { P: { Type: 'Pass', Result: 1, End: true } },
      events: ['PassStateEntered', 'PassStateExited', 'ExecutionSucceeded'],
      messages: [],
      commands: [],
    },
    {
      type: 'Pass (Next)',
      states: { P: { Type: 'Pass', Next: 'S' }, S: { Type: 'Succeed' } },
      events: ['PassStateEntered', 'PassStateExited'],
      messages: [{ type: 'advance', scope: 'root', ref: 3 }],
      commands: [],
    },
    {
      type: 'Succeed',
      states: { S: { Type: 'Succeed' } },
      events: ['SucceedStateEntered', 'SucceedStateExited', 'ExecutionSucceeded'],
      messages: [],
      commands: [],
    },
    {
      type: 'Fail',
      states: { F: { Type: 'Fail', Error: 'E', Cause: 'C' } },
      events: ['FailStateEntered', 'ExecutionFailed'],
      messages: [],
      commands: [],
    },
    {
      type: 'Choice',
      states: {
        C: { Type: 'Choice', Choices: [{ Variable: '$.a', NumericEquals: 1, Next: 'S' }], Default: 'F' },
        S: { Type: 'Succeed' },
        F: { Type: 'Fail' },
      },
      events: ['ChoiceStateEntered', 'ChoiceStateExited'],
      messages: [{ type: 'advance', scope: 'root', ref: 3 }],
      commands: [],
    },
    {
      type: 'Wait',
      states: { W: { Type: 'Wait', Seconds: 10, End: true } },
      events: ['WaitStateEntered'],
      messages: [],
      commands: [{ type: 'startTimer', scope: 'root', ref: 2, purpose: 'wait', dueAt: START_TIME + 10_000 }],
    },
    {
      type: 'Task',
      states: { T: LAMBDA_TASK },
      events: ['TaskStateEntered', 'TaskScheduled', 'TaskStarted'],
      messages: [],
      commands: [
        {
          type: 'runTask',
          scope: 'root',
          ref: 3,
          request: { kind: 'lambda', functionName: 'f', payload: { a: 1 } },
        },
        { type: 'startTimer', scope: 'root', ref: 3, purpose: 'taskTimeout', dueAt: START_TIME + 5_000 },
      ],
    },
    {
      type: 'Parallel',
      states: { Par: { Type: 'Parallel', Branches: [ONE_PASS, ONE_PASS], End: true } },
      events: ['ParallelStateEntered', 'ParallelStateStarted'],
      messages: [
        { type: 'advance', scope: '3.0', ref: 3 },
        { type: 'advance', scope: '3.1', ref: 3 },
      ],
      commands: [],
    },
    {
      type: 'Map',
      states: { M: { Type: 'Map', ItemsPath: '$.items', ItemProcessor: ONE_PASS, End: true } },
      events: ['MapStateEntered', 'MapStateStarted', 'MapIterationStarted', 'MapIterationStarted'],
      messages: [
        { type: 'advance', scope: '3.0', ref: 4 },
        { type: 'advance', scope: '3.1', ref: 5 },
      ],
      commands: [],
    },
  ])('$type: $events', async ({ states, events, messages, commands }) => {
    const definition = machineOf(states);
    const state = await startedState(definition, { a: 1, items: [1, 2] });
    const result = await decide(definition, state, ADVANCE_FIRST, ENV);
    expect(result.events.map((event) => event.type)).toEqual(events);
    expect(result.messages).toEqual(messages);
    expect(result.commands).toMatchObject(commands);
    expect(result.commands).toHaveLength(commands.length);
  });
});

describe('what ends a waiting state', () => {
  const task = machineOf({ T: LAMBDA_TASK });
  const wait = machineOf({ W: { Type: 'Wait', Seconds: 10, End: true } });

  it.each([
    {
      when: 'the task succeeds',
      definition: task,
      message: { type: 'taskSucceeded', scope: 'root', ref: 3, output: { ok: true } },
      events: ['TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded'],
      status: 'SUCCEEDED',
    },
    {
      when: 'the task fails and nothing catches it',
      definition: task,
      message: { type: 'taskFailed', scope: 'root', ref: 3, error: 'Boom', cause: 'it broke' },
      events: ['TaskFailed', 'ExecutionFailed'],
      status: 'FAILED',
    },
    {
      when: "the task's timeout fires",
      definition: task,
      message: { type: 'timerFired', scope: 'root', ref: 3, purpose: 'taskTimeout' },
      events: ['TaskTimedOut', 'ExecutionFailed'],
      status: 'FAILED',
    },
    {
      when: 'a message names another ref (stale or a duplicate)',
      definition: task,
      message: { type: 'taskSucceeded', scope: 'root', ref: 99, output: {} },
      events: [],
      status: 'RUNNING',
    },
    {
      when: 'a heartbeat comes for a task without HeartbeatSeconds',
      definition: task,
      message: { type: 'taskHeartbeat', scope: 'root', ref: 3 },
      events: [],
      status: 'RUNNING',
    },
    {
      when: "the Wait's timer fires",
      definition: wait,
      message: { type: 'timerFired', scope: 'root', ref: 2, purpose: 'wait' },
      events: ['WaitStateExited', 'ExecutionSucceeded'],
      status: 'SUCCEEDED',
    },
    {
      when: 'the execution is stopped',
      definition: wait,
      message: { type: 'stop', error: 'Operator', cause: 'enough' },
      events: ['ExecutionAborted'],
      status: 'ABORTED',
    },
    {
      when: 'the engine gives up on it',
      definition: wait,
      message: { type: 'fail', error: 'States.Runtime', cause: 'poison' },
      events: ['ExecutionFailed'],
      status: 'FAILED',
    },
  ] as const)('$when: $events, $status', async ({ definition, message, events, status }) => {
    const state = await startedState(definition, { a: 1 });
    await decide(definition, state, ADVANCE_FIRST, ENV);
    const result = await decide(definition, state, message as TransitionMessage, ENV);
    expect(result.events.map((event) => event.type)).toEqual(events);
    expect(state.status).toBe(status);
  });

  it('a closed execution takes no message: a late task result writes nothing', async () => {
    const state = await startedState(task, { a: 1 });
    await decideAll(task, state, [ADVANCE_FIRST, { type: 'stop' }]);
    const result = await decide(
      task,
      state,
      { type: 'taskSucceeded', scope: 'root', ref: 3, output: {} },
      ENV,
    );
    expect(result).toMatchObject({ events: [], messages: [], commands: [] });
    expect(state.status).toBe('ABORTED');
  });

  it('a retrier schedules the retry on a timer of its interval instead of failing', async () => {
    const definition = machineOf({
      T: { ...LAMBDA_TASK, Retry: [{ ErrorEquals: ['Boom'], IntervalSeconds: 2, MaxAttempts: 1 }] },
    });
    const state = await startedState(definition, { a: 1 });
    const result = await decideAll(definition, state, [
      ADVANCE_FIRST,
      { type: 'taskFailed', scope: 'root', ref: 3, error: 'Boom', cause: '' },
    ]);
    expect(result.events.map((event) => event.type)).toEqual(['TaskFailed']);
    expect(result.commands).toMatchObject([
      { type: 'startTimer', purpose: 'retry', dueAt: START_TIME + 2_000 },
    ]);
    expect(state.status).toBe('RUNNING');
  });
});

describe('an activity task', () => {
  const ACTIVITY = 'arn:aws:states:us-east-1:123456789012:activity:approve';
  const definition = machineOf({
    T: { Type: 'Task', Resource: ACTIVITY, TimeoutSeconds: 60, HeartbeatSeconds: 5, End: true },
  });
  // Event 2 is TaskStateEntered; the hidden ActivityScheduling takes its id: the task's ref is 2.
  const scheduled = { type: 'activityScheduled', scope: 'root', ref: 2 } as const;
  const started = { type: 'activityStarted', scope: 'root', ref: 2, workerName: 'w1' } as const;

  it('asks for its task to be queued, with its token; ActivityScheduled comes once it is, with no clock yet', async () => {
    const state = await startedState(definition, { a: 1 });
    const result = await decide(definition, state, ADVANCE_FIRST, ENV);
    expect(result.events.map((event) => event.type)).toEqual(['TaskStateEntered', 'ActivityScheduling']);
    expect(result.commands).toEqual([
      {
        type: 'runTask',
        scope: 'root',
        ref: 2,
        request: { kind: 'activity', activityArn: ACTIVITY, input: { a: 1 }, scheduledAt: START_TIME },
        taskToken: state.scopes.root?.task?.taskToken,
      },
    ]);
    const queued = await decide(definition, state, scheduled, ENV);
    expect(queued.events).toMatchObject([
      {
        type: 'ActivityScheduled',
        id: 3,
        previousEventId: 2,
        resource: ACTIVITY,
        input: { a: 1 },
        timeoutInSeconds: 60,
        heartbeatInSeconds: 5,
      },
    ]);
    expect(queued.commands).toEqual([]);
    const taken = await decide(definition, state, started, { ...ENV, now: START_TIME + 7_000 });
    expect(taken.commands).toEqual([
      { type: 'startTimer', scope: 'root', ref: 2, purpose: 'taskTimeout', dueAt: START_TIME + 67_000 },
      { type: 'startTimer', scope: 'root', ref: 2, purpose: 'heartbeat', dueAt: START_TIME + 12_000 },
    ]);
  });

  it.each([
    {
      when: 'a worker takes it',
      messages: [scheduled, started],
      events: ['ActivityStarted'],
      timers: ['taskTimeout', 'heartbeat'],
      status: 'RUNNING',
    },
    {
      when: 'a second hand-off of the same task comes',
      messages: [scheduled, started, started],
      events: [],
      timers: [],
      status: 'RUNNING',
    },
    {
      when: 'the second report of its scheduling comes',
      messages: [scheduled, scheduled],
      events: [],
      timers: [],
      status: 'RUNNING',
    },
    {
      when: 'the worker reports success',
      messages: [scheduled, started, { type: 'taskSucceeded', scope: 'root', ref: 2, output: { ok: 1 } }],
      events: ['ActivitySucceeded', 'TaskStateExited', 'ExecutionSucceeded'],
      timers: [],
      status: 'SUCCEEDED',
    },
    {
      when: 'the worker reports failure',
      messages: [scheduled, started, { type: 'taskFailed', scope: 'root', ref: 2, error: 'E', cause: 'C' }],
      events: ['ActivityFailed', 'ExecutionFailed'],
      timers: [],
      status: 'FAILED',
    },
    {
      when: 'the heartbeat runs out',
      messages: [scheduled, started, { type: 'timerFired', scope: 'root', ref: 2, purpose: 'heartbeat' }],
      events: ['ActivityTimedOut', 'ExecutionFailed'],
      timers: [],
      status: 'FAILED',
    },
    {
      when: 'TimeoutSeconds runs out after the hand-off',
      messages: [scheduled, started, { type: 'timerFired', scope: 'root', ref: 2, purpose: 'taskTimeout' }],
      events: ['ActivityTimedOut', 'ExecutionFailed'],
      timers: [],
      status: 'FAILED',
    },
    {
      when: 'the activity does not exist',
      messages: [
        { type: 'activityScheduleFailed', scope: 'root', ref: 2, error: 'States.Runtime', cause: 'gone' },
      ],
      events: ['ActivityScheduleFailed', 'ExecutionFailed'],
      timers: [],
      status: 'FAILED',
    },
    {
      when: 'a schedule failure comes after the task was scheduled',
      messages: [
        scheduled,
        { type: 'activityScheduleFailed', scope: 'root', ref: 2, error: 'States.Runtime', cause: 'gone' },
      ],
      events: [],
      timers: [],
      status: 'RUNNING',
    },
    {
      when: 'a hand-off comes after the task ended',
      messages: [
        scheduled,
        started,
        { type: 'taskFailed', scope: 'root', ref: 2, error: 'E', cause: 'C' },
        started,
      ],
      events: [],
      timers: [],
      status: 'FAILED',
    },
  ] as const)('$when: $events, $status', async ({ messages, events, timers, status }) => {
    const state = await startedState(definition, { a: 1 });
    await decide(definition, state, ADVANCE_FIRST, ENV);
    // A timer fires when it is due: both of this task's deadlines have passed by then.
    const envOf = (message: TransitionMessage) =>
      message.type === 'timerFired' ? { ...ENV, now: START_TIME + 60_000 } : ENV;
    let result = await decide(definition, state, messages[0] as TransitionMessage, envOf(messages[0]));
    for (const message of messages.slice(1)) {
      result = await decide(definition, state, message as TransitionMessage, envOf(message));
    }
    expect(result.events.map((event) => event.type)).toEqual(events);
    expect(
      result.commands.flatMap((command) => (command.type === 'startTimer' ? [command.purpose] : [])),
    ).toEqual(timers);
    expect(state.status).toBe(status);
  });

  it('a heartbeat timer set before the last heartbeat does not time the task out', async () => {
    const state = await startedState(definition, { a: 1 });
    await decideAll(definition, state, [ADVANCE_FIRST, scheduled, started]);
    const later = { ...ENV, now: START_TIME + 4_000 };
    await decide(definition, state, { type: 'taskHeartbeat', scope: 'root', ref: 2 }, later);
    const fired = await decide(
      definition,
      state,
      { type: 'timerFired', scope: 'root', ref: 2, purpose: 'heartbeat' },
      { ...ENV, now: START_TIME + 5_000 },
    );
    expect(fired.events).toEqual([]);
    expect(state.status).toBe('RUNNING');
  });
});
