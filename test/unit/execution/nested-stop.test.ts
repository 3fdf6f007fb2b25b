import { describe, expect, it } from 'vitest';
import { decide } from '../../../shared/execution/decide.ts';
import type { TransitionMessage } from '../../../shared/execution/messages.ts';
import type { ExecutionState, ScopeState } from '../../../shared/history/execution-state.ts';
import type { StateMachineDefinition } from '../../../shared/language/types.ts';
import { ADVANCE_FIRST, ENV, machineOf, startedState } from '../../support/execution-fixture.ts';

/**
 * A `states:startExecution.sync` task whose child it knows (its TaskSubmitted named the child) asks for the
 * child to be stopped when the task ends first: the execution stopped or timed out, the task timed out, or a
 * sibling branch's failure aborted it. A task that has not heard of its child yet, and request-response or
 * callback children (which run on their own), ask for nothing.
 */

const CHILD = 'arn:aws:states:us-east-1:123456789012:execution:child:c-1';

const nestedTask = (pattern: string, fields: object = {}) => ({
  Type: 'Task',
  Resource: `arn:aws:states:::states:startExecution${pattern}`,
  Parameters: { StateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:child' },
  End: true,
  ...fields,
});

const stopsOf = (commands: { type: string }[]) =>
  commands.filter((command) => command.type === 'stopExecution');

function pendingTask(state: ExecutionState): ScopeState {
  const scope = Object.values(state.scopes).find((candidate) => candidate.phase === 'task');
  if (!scope) throw new Error('no task is pending');
  return scope;
}

async function submitted(definition: StateMachineDefinition, state: ExecutionState): Promise<void> {
  const scope = pendingTask(state);
  await decide(
    definition,
    state,
    { type: 'taskSubmitted', scope: scope.id, ref: scope.ref, output: { ExecutionArn: CHILD, StartDate: 1 } },
    ENV,
  );
}

describe('stopping a nested .sync child with its task', () => {
  it.each([
    { when: 'the execution is stopped', pattern: '.sync', submit: true, stops: [CHILD] },
    { when: 'the execution is stopped (.sync:2)', pattern: '.sync:2', submit: true, stops: [CHILD] },
    { when: 'the execution is stopped before TaskSubmitted', pattern: '.sync', submit: false, stops: [] },
    { when: 'a request-response child', pattern: '', submit: true, stops: [] },
    { when: 'a .waitForTaskToken child', pattern: '.waitForTaskToken', submit: true, stops: [] },
  ])('$when: stops $stops', async ({ pattern, submit, stops }) => {
    const definition = machineOf({ Nest: nestedTask(pattern) });
    const state = await startedState(definition);
    await decide(definition, state, ADVANCE_FIRST, ENV);
    if (submit) await submitted(definition, state);
    const result = await decide(definition, state, { type: 'stop' }, ENV);
    expect(stopsOf(result.commands)).toEqual(
      stops.map((executionArn) => ({ type: 'stopExecution', executionArn })),
    );
    expect(state.status).toBe('ABORTED');
  });

  it("the task's TimeoutSeconds: TaskTimedOut, and the child is stopped", async () => {
    const definition = machineOf({ Nest: nestedTask('.sync', { TimeoutSeconds: 5 }) });
    const state = await startedState(definition);
    await decide(definition, state, ADVANCE_FIRST, ENV);
    await submitted(definition, state);
    const scope = pendingTask(state);
    const fired: TransitionMessage = {
      type: 'timerFired',
      scope: scope.id,
      ref: scope.ref,
      purpose: 'taskTimeout',
    };
    const result = await decide(definition, state, fired, { ...ENV, now: ENV.now + 5_000 });
    expect(result.events.map((event) => event.type)).toEqual(['TaskTimedOut', 'ExecutionFailed']);
    expect(stopsOf(result.commands)).toEqual([{ type: 'stopExecution', executionArn: CHILD }]);
  });

  it("a sibling branch's failure aborts the task: TaskStateAborted, and the child is stopped", async () => {
    const definition = machineOf({
      Both: {
        Type: 'Parallel',
        End: true,
        Branches: [
          { StartAt: 'Nest', States: { Nest: nestedTask('.sync') } },
          {
            StartAt: 'Wait',
            States: {
              Wait: { Type: 'Wait', Seconds: 1, Next: 'Boom' },
              Boom: { Type: 'Fail', Error: 'Boom' },
            },
          },
        ],
      },
    });
    const state = await startedState(definition);
    const entered = await decide(definition, state, ADVANCE_FIRST, ENV);
    for (const message of entered.messages) await decide(definition, state, message, ENV);
    await submitted(definition, state);
    const waiting = Object.values(state.scopes).find((scope) => scope.phase === 'waiting') as ScopeState;
    const fired: TransitionMessage = {
      type: 'timerFired',
      scope: waiting.id,
      ref: waiting.ref,
      purpose: 'wait',
    };
    const afterWait = await decide(definition, state, fired, { ...ENV, now: ENV.now + 1_000 });
    let result = afterWait;
    for (const message of afterWait.messages) result = await decide(definition, state, message, ENV);
    expect(result.events.map((event) => event.type)).toContain('TaskStateAborted');
    expect(stopsOf(result.commands)).toEqual([{ type: 'stopExecution', executionArn: CHILD }]);
  });
});
