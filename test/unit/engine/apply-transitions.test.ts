import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { applyTransition, applyTransitions } from '../../../shared/engine/apply-transition.ts';
import type { DefinitionCache } from '../../../shared/engine/engine-deps.ts';
import { describeExecution } from '../../../shared/engine/executions.ts';
import type { TransitionEnvelope } from '../../../shared/engine/ports.ts';
import { runTaskRequest } from '../../../shared/engine/run-task.ts';
import { startExecution } from '../../../shared/engine/start-execution.ts';
import { createStateMachine } from '../../../shared/engine/state-machines.ts';
import { createStepHandler } from '../../../shared/handlers/step-handler.ts';
import type { StateMachineDefinition } from '../../../shared/language/types.ts';
import { encodeEnvelope } from '../../../shared/queue/envelope-codec.ts';
import { createMemoryEngine, type MemoryEngine, runUntilIdle } from '../../support/memory-ports.ts';

/**
 * Several queued messages of one execution applied in one step (applyTransitions, and the step handler that
 * hands it a batch's run of them): one commit, the history applying them one by one writes, each message's id
 * recognised on redelivery, and a FIFO batch's failure semantics kept.
 */
const BRANCHES = 4;
const double = (next: string) => ({
  Type: 'Task',
  Resource: 'arn:aws:lambda:us-east-1:123456789012:function:double',
  Next: next,
});

/**
 * An execution whose Parallel runs BRANCHES Tasks, each then a Pass: started, its tasks run, so one outcome per
 * branch waits on the transitions queue (the branches' tasks are not top-level: their outcomes are queued).
 */
async function queuedOutcomes(): Promise<{
  engine: MemoryEngine;
  executionArn: string;
  outcomes: TransitionEnvelope[];
}> {
  const engine = createMemoryEngine({
    functions: { double: (input: { n: number }) => ({ n: input.n * 2 }) },
  });
  let uuids = 0;
  engine.deps.uuid = () => `00000000-0000-4000-8000-${String(++uuids).padStart(12, '0')}`;
  engine.deps.random = () => 0.5;
  const branch = (i: number) => ({
    StartAt: `Double${i}`,
    States: {
      [`Double${i}`]: double(`After${i}`),
      [`After${i}`]: { Type: 'Pass', Result: i, End: true },
    },
  });
  const { stateMachineArn } = await createStateMachine(engine.deps, {
    name: 'branches',
    definition: JSON.stringify({
      StartAt: 'All',
      States: {
        All: {
          Type: 'Parallel',
          Branches: Array.from({ length: BRANCHES }, (_, i) => branch(i)),
          Next: 'Done',
        },
        Done: { Type: 'Pass', End: true },
      },
    }),
    roleArn: 'arn:aws:iam::123456789012:role/StatefoldExecutionRole',
  });
  const { executionArn } = await startExecution(engine.deps, {
    stateMachineArn,
    name: 'run',
    input: '{"n":1}',
  });
  // The branches' advances (the first ran in commit 1 and runs its siblings on), then their tasks.
  while (engine.queues.transitions.length > 0) {
    await applyTransition(engine.deps, engine.queues.transitions.shift() as TransitionEnvelope);
  }
  for (const task of engine.queues.tasks.splice(0)) await runTaskRequest(engine.deps, task);
  const outcomes = engine.queues.transitions.splice(0);
  expect(outcomes.map((outcome) => outcome.message.type)).toEqual(Array(BRANCHES).fill('taskSucceeded'));
  return { engine, executionArn, outcomes };
}

async function historyOf(engine: MemoryEngine, executionArn: string) {
  const commits = await engine.log.readCommits(executionArn, { limit: 1000 });
  return commits.flatMap((commit) => commit.events);
}

function record(id: string, body: string, group: string): SQSRecord {
  return {
    messageId: id,
    receiptHandle: `receipt-${id}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 'test',
      ApproximateFirstReceiveTimestamp: '0',
      MessageGroupId: group,
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:transitions.fifo',
    awsRegion: 'us-east-1',
  };
}

describe('applyTransitions', () => {
  it('applies queued messages of one execution in one commit, with the history they write one by one', async () => {
    const batched = await queuedOutcomes();
    const single = await queuedOutcomes();
    const before = batched.engine.log.commitCount(batched.executionArn);

    expect(await applyTransitions(batched.engine.deps, batched.outcomes)).toBe(BRANCHES);
    expect(batched.engine.log.commitCount(batched.executionArn)).toBe(before + 1);
    for (const outcome of single.outcomes) await applyTransition(single.engine.deps, outcome);
    expect(single.engine.log.commitCount(single.executionArn)).toBe(before + BRANCHES);

    const history = await historyOf(batched.engine, batched.executionArn);
    expect(history).toEqual(await historyOf(single.engine, single.executionArn));
    expect(history.at(-1)?.type).toBe('ExecutionSucceeded');
    const described = await describeExecution(batched.engine.deps, { executionArn: batched.executionArn });
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output ?? 'null')).toEqual([0, 1, 2, 3]);
  });

  it('recognises each message of a commit on redelivery, and writes nothing more', async () => {
    const { engine, executionArn, outcomes } = await queuedOutcomes();
    expect(await applyTransitions(engine.deps, outcomes)).toBe(BRANCHES);
    const commits = engine.log.commitCount(executionArn);
    // The whole run again, then a later part of it again (its first already applied by that commit).
    expect(await applyTransitions(engine.deps, outcomes)).toBe(BRANCHES);
    expect(await applyTransitions(engine.deps, outcomes.slice(2))).toBe(BRANCHES - 2);
    for (const outcome of outcomes) {
      expect((await applyTransition(engine.deps, outcome)).kind).toBe('duplicate');
    }
    expect(engine.log.commitCount(executionArn)).toBe(commits);
  });

  it('ends the run where the execution closes: what follows is applied alone, as a stale message', async () => {
    const { engine, executionArn, outcomes } = await queuedOutcomes();
    const [first, ...rest] = outcomes as [TransitionEnvelope, ...TransitionEnvelope[]];
    const stop: TransitionEnvelope = {
      executionArn,
      id: 'stop:1',
      message: { type: 'stop', cause: 'enough' },
    };
    expect(await applyTransitions(engine.deps, [first, stop, ...rest])).toBe(2);
    expect(await applyTransitions(engine.deps, rest)).toBe(0);
    expect((await applyTransition(engine.deps, rest[0] as TransitionEnvelope)).kind).toBe('stale');
    expect((await describeExecution(engine.deps, { executionArn })).status).toBe('ABORTED');
  });

  it('leaves a message that takes a step of its own, and those after it, to the caller', async () => {
    const { engine, executionArn, outcomes } = await queuedOutcomes();
    const fail: TransitionEnvelope = {
      executionArn,
      id: 'poison:1',
      message: { type: 'fail', error: 'States.Runtime', cause: 'given up' },
    };
    const [first, second, ...rest] = outcomes as [TransitionEnvelope, TransitionEnvelope];
    expect(await applyTransitions(engine.deps, [first, second, fail, ...rest])).toBe(2);
    expect(await applyTransitions(engine.deps, [fail, ...rest])).toBe(0);
  });
});

/** The definition, except that reading state `name`'s fields throws, as a bug in deciding it would. */
function breaking(definition: StateMachineDefinition, name: string): StateMachineDefinition {
  const breakState = (states: Record<string, unknown>): Record<string, unknown> =>
    Object.fromEntries(
      Object.entries(states).map(([key, state]) => [
        key,
        key === name
          ? new Proxy(state as object, {
              get(target, field) {
                // What compiling the machine reads: deciding the state is what throws.
                if (field === 'Type' || field === 'QueryLanguage') return Reflect.get(target, field);
                throw new TypeError(`cannot read ${String(field)}`);
              },
            })
          : typeof state === 'object' && state !== null && 'Branches' in state
            ? {
                ...state,
                Branches: (state.Branches as StateMachineDefinition[]).map((branch) => ({
                  ...branch,
                  States: breakState(branch.States) as never,
                })),
              }
            : state,
      ]),
    );
  return { ...definition, States: breakState(definition.States) as never };
}

describe('applyTransitions, when deciding a message throws', () => {
  it('commits the messages before it, leaves it to be decided alone, and writes the history of one by one', async () => {
    const runs = [await queuedOutcomes(), await queuedOutcomes()];
    for (const { engine } of runs) {
      const real = engine.deps.definitions;
      engine.deps.definitions = {
        load: async (source) => breaking(await real.load(source), 'After2'),
      } as DefinitionCache;
    }
    const [batched, single] = runs as [(typeof runs)[0], (typeof runs)[0]];
    // Branch 2's outcome runs on into After2, which throws: the run stops before it.
    expect(await applyTransitions(batched.engine.deps, batched.outcomes)).toBe(2);
    let rest = batched.outcomes.slice(2);
    expect(await applyTransitions(batched.engine.deps, rest)).toBe(0);
    while (rest.length > 0) {
      const applied = await applyTransitions(batched.engine.deps, rest);
      if (applied === 0) await applyTransition(batched.engine.deps, rest[0] as TransitionEnvelope);
      rest = rest.slice(Math.max(1, applied));
    }
    for (const outcome of single.outcomes) await applyTransition(single.engine.deps, outcome);
    await runUntilIdle(batched.engine);
    await runUntilIdle(single.engine);
    const history = await historyOf(batched.engine, batched.executionArn);
    expect(history).toEqual(await historyOf(single.engine, single.executionArn));
    const described = await describeExecution(batched.engine.deps, { executionArn: batched.executionArn });
    expect(described.status).toBe('FAILED');
    expect(described.cause).toMatch(/to the state 'After2': TypeError: cannot read /);
  });
});

describe('the step handler given a run of one execution', () => {
  it('applies the run in one commit, and a record that fails comes back with the rest of its group', async () => {
    const { engine, executionArn, outcomes } = await queuedOutcomes();
    const before = engine.log.commitCount(executionArn);
    const [a, b, c, d] = outcomes.map((outcome) => encodeEnvelope(outcome));
    const handler = createStepHandler(() => engine.deps, 3);
    const answer = await handler(
      {
        Records: [
          record('a', a as string, executionArn),
          record('b', b as string, executionArn),
          record('bad', 'not json', executionArn),
          record('c', c as string, executionArn),
        ],
      },
      {} as never,
    );
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad' }, { itemIdentifier: 'c' }] });
    expect(engine.log.commitCount(executionArn)).toBe(before + 1);
    // The records that come back, with the one left: c and d in one commit, which ends the execution.
    const again = await handler(
      { Records: [record('c', c as string, executionArn), record('d', d as string, executionArn)] },
      {} as never,
    );
    expect(again).toEqual({ batchItemFailures: [] });
    expect(engine.log.commitCount(executionArn)).toBe(before + 2);
    expect((await describeExecution(engine.deps, { executionArn })).status).toBe('SUCCEEDED');
  });

  it('a commit written whose answer was lost: each of its messages is found applied, once, and the run goes on', async () => {
    const batched = await queuedOutcomes();
    const single = await queuedOutcomes();
    const { engine, executionArn, outcomes } = batched;
    const before = engine.log.commitCount(executionArn);
    const append = engine.log.append.bind(engine.log);
    let lost = 0;
    // The put is written, its answer lost (a timeout after DynamoDB took it): the step throws.
    engine.log.append = async (arn, commit) => {
      const written = await append(arn, commit);
      if (written && commit.alsoApplied && lost++ === 0) throw new Error('socket hang up');
      return written;
    };
    const [a, b, c, d] = outcomes.map((outcome) => encodeEnvelope(outcome) as string);
    const handler = createStepHandler(() => engine.deps, 3);
    const records = [
      record('a', a as string, executionArn),
      record('b', b as string, executionArn),
      record('c', c as string, executionArn),
      record('d', d as string, executionArn),
    ];
    expect(await handler({ Records: records }, {} as never)).toEqual({ batchItemFailures: [] });
    expect(lost).toBe(1);
    // The lost answer's commit holds all four; found again for each, nothing is written twice.
    expect(engine.log.commitCount(executionArn)).toBe(before + 1);
    for (const outcome of single.outcomes) await applyTransition(single.engine.deps, outcome);
    expect(await historyOf(engine, executionArn)).toEqual(
      await historyOf(single.engine, single.executionArn),
    );
    expect((await describeExecution(engine.deps, { executionArn })).status).toBe('SUCCEEDED');
  });
});
