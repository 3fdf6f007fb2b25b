import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DefinitionCache } from '../../shared/engine/engine-deps.ts';
import { listExecutions } from '../../shared/engine/executions.ts';
import type { EventLog } from '../../shared/engine/ports.ts';
import { startExecution } from '../../shared/engine/start-execution.ts';
import type { DefinitionSource } from '../../shared/history/events.ts';
import type { StateDefinition, StateMachineDefinition } from '../../shared/language/types.ts';
import type { SqsBatchHandler } from '../../shared/queue/event-source-poller.ts';
import { startTestbed, type Testbed } from '../support/durable-testbed.ts';
import { waitFor } from '../support/eventually.ts';

/**
 * Through the durable engine (dynalite, fauxqs, the step handler's poller): an exception while deciding a step
 * fails its execution with States.Runtime at once, in the commit the message would have written, naming the
 * state and what went wrong. The message is delivered once: nothing waits RUNNING while it goes through its
 * retries to the dead-letter queue. An infrastructure error (DynamoDB throttling) is retried, never turned into
 * a failure, even on the message's last delivery.
 */

/** State names whose definition throws when read (any field but Type), as a bug in deciding them would. */
const broken = new Set<string>();
/** The same, but only once the execution has started: StartExecution compiles the machine unharmed. */
const brokenAfterStart = new Set<string>();
/** How many times each state machine's definition has been loaded. */
const loads = new Map<string, number>();
/** Executions whose commits DynamoDB "throttles", with how many appends are left to throttle. */
const throttled = new Map<string, number>();
/** The highest delivery count seen for each execution's transitions. */
const deliveries = new Map<string, number>();

const COMPILED_FIELDS = new Set([
  'Type',
  'QueryLanguage',
  'Resource',
  'Branches',
  'ItemProcessor',
  'Iterator',
]);

function breakStates(definition: StateMachineDefinition, started: boolean): StateMachineDefinition {
  const states: Record<string, StateDefinition> = {};
  for (const [name, state] of Object.entries(definition.States)) {
    states[name] =
      broken.has(name) || (started && brokenAfterStart.has(name))
        ? (new Proxy(state as object, {
            get(target, key) {
              // What compiling the machine reads; deciding the state reads more.
              if (typeof key !== 'string' || COMPILED_FIELDS.has(key)) return Reflect.get(target, key);
              throw new TypeError(`cannot read ${String(key)} of ${name}`);
            },
          }) as StateDefinition)
        : state;
  }
  return { ...definition, States: states };
}

class ThrottlingError extends Error {
  override name = 'ProvisionedThroughputExceededException';
  readonly $fault = 'client';
  readonly $metadata = { httpStatusCode: 400 };
  readonly $retryable = { throttling: true };
}

function throttlingLog(log: EventLog): EventLog {
  return new Proxy(log, {
    get(target, key, receiver) {
      if (key === 'append') {
        return async (executionArn: string, commit: Parameters<EventLog['append']>[1]) => {
          const left = throttled.get(executionArn) ?? 0;
          if (left > 0 && commit.n > 1) {
            throttled.set(executionArn, left - 1);
            throw new ThrottlingError(
              'The level of configured provisioned throughput for the table was exceeded',
            );
          }
          return target.append(executionArn, commit);
        };
      }
      const value = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function countDeliveries(queue: string, handler: SqsBatchHandler): SqsBatchHandler {
  if (queue !== 'transitions') return handler;
  return (event: SQSEvent, context) => {
    for (const record of event.Records) {
      const arn = (JSON.parse(record.body) as { executionArn?: string }).executionArn;
      const count = Number(record.attributes.ApproximateReceiveCount) || 1;
      if (arn !== undefined) deliveries.set(arn, Math.max(count, deliveries.get(arn) ?? 0));
    }
    return handler(event, context);
  };
}

const MAX_RECEIVE_COUNT = 3;
let testbed: Testbed;

beforeAll(async () => {
  // A redelivery comes after 2 s: a failure "at once" is one seen on the first delivery.
  testbed = await startTestbed({
    visibilityTimeout: 2,
    maxReceiveCount: MAX_RECEIVE_COUNT,
    wrapHandler: countDeliveries,
  });
  const deps = testbed.engine.deps;
  deps.log = throttlingLog(deps.log);
  const definitions = deps.definitions;
  deps.definitions = {
    load: async (source: DefinitionSource) => {
      const key = `${source.stateMachineArn} ${source.mapState ?? ''}`;
      loads.set(key, (loads.get(key) ?? 0) + 1);
      return breakStates(await definitions.load(source), (loads.get(key) ?? 0) > 1);
    },
  } as DefinitionCache;
  testbed.engine.setFunctions({ echo: (event: unknown) => event });
});

afterAll(async () => {
  await testbed?.stop();
});

/**
 * A Wait of 0 s first, so that what follows is decided by the step handler (from the Wait's timer), not inside
 * StartExecution, nor by the task handler applying a top-level task's result.
 */
const afterWait = (state: object, name = 'Second') => ({
  StartAt: 'First',
  States: { First: { Type: 'Wait', Seconds: 0, Next: name }, [name]: { ...state, End: true } },
});

async function start(definition: object, name: string) {
  const stateMachineArn = await testbed.createMachine(definition, name);
  return startExecution(testbed.engine.deps, { stateMachineArn, name, input: '{"r":[{"k":1}]}' });
}

describe('an exception while deciding a step', () => {
  it('a filter the path library cannot evaluate fails the execution at once, naming the state', async () => {
    const { executionArn } = await start(
      afterWait({ Type: 'Pass', Parameters: { 'r.$': '$.r[?(@.k == FooBar)]' } }, 'Filter'),
      'bare-word',
    );
    const run = await testbed.waitForClose(executionArn, 10_000);
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('States.Runtime');
    expect(run.cause).toMatch(/^An error occurred while executing the state 'Filter' .*Invalid path/);
    expect(deliveries.get(executionArn)).toBe(1);
  });

  it('a bug in deciding a later state fails the execution at once with States.Runtime', async () => {
    brokenAfterStart.add('Buggy');
    const { executionArn } = await start(
      afterWait({ Type: 'Pass', Parameters: { a: 1 } }, 'Buggy'),
      'bug-later',
    );
    const run = await testbed.waitForClose(executionArn, 10_000);
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('States.Runtime');
    expect(run.cause).toMatch(/the state 'Buggy': TypeError: cannot read \w+ of Buggy/);
    expect(run.events.at(-1)?.type).toBe('ExecutionFailed');
    expect(deliveries.get(executionArn)).toBe(1);
  });

  it('a bug in deciding the first state fails the execution StartExecution created', async () => {
    broken.add('Opening');
    const { executionArn } = await start(
      { StartAt: 'Opening', States: { Opening: { Type: 'Pass', Parameters: { a: 1 }, End: true } } },
      'bug-first',
    );
    const run = await testbed.waitForClose(executionArn, 10_000);
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('States.Runtime');
    expect(run.cause).toMatch(/TypeError: cannot read \w+ of Opening/);
    expect(run.events.map((event) => event.type)).toEqual(['ExecutionStarted', 'ExecutionFailed']);
    const listed = await listExecutions(testbed.engine.deps, {
      stateMachineArn: run.stateMachineArn,
      statusFilter: 'FAILED',
    });
    expect(listed.executions.map((execution) => execution.executionArn)).toEqual([executionArn]);
  });

  it('a bug in the first state of a Distributed Map child fails the child and closes the parent', async () => {
    broken.add('ChildState');
    const { executionArn } = await start(
      {
        StartAt: 'Fan',
        States: {
          Fan: {
            Type: 'Map',
            ItemsPath: '$.r',
            ItemProcessor: {
              ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
              StartAt: 'ChildState',
              States: { ChildState: { Type: 'Pass', Parameters: { a: 1 }, End: true } },
            },
            End: true,
          },
        },
      },
      'bug-child',
    );
    const run = await testbed.waitForClose(executionArn, 10_000);
    expect(run.status).toBe('FAILED');
    const mapRunStarted = run.events.find((event) => event.type === 'MapRunStarted');
    const mapRunArn = (mapRunStarted?.mapRunStartedEventDetails as { mapRunArn?: string } | undefined)
      ?.mapRunArn;
    expect(mapRunArn).toBeDefined();
    const children = await listExecutions(testbed.engine.deps, { mapRunArn: mapRunArn as string });
    expect(children.executions.map((child) => child.status)).toEqual(['FAILED']);
    const child = await testbed.waitForClose(children.executions[0]?.executionArn as string);
    expect(child.error).toBe('States.Runtime');
    expect(child.cause).toMatch(/TypeError: cannot read \w+ of ChildState/);
  });
});

describe('an infrastructure error', () => {
  it('a throttled commit is retried and the execution goes on', async () => {
    const stateMachineArn = await testbed.createMachine(afterWait({ Type: 'Pass' }), 'throttled-once');
    const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:once`;
    throttled.set(executionArn, 1);
    await startExecution(testbed.engine.deps, { stateMachineArn, name: 'once' });
    const run = await testbed.waitForClose(executionArn, 15_000);
    expect(run.status).toBe('SUCCEEDED');
    expect(deliveries.get(executionArn)).toBe(2);
  });

  it('throttled on every delivery, the execution stays RUNNING and its message goes to the DLQ', async () => {
    const stateMachineArn = await testbed.createMachine(afterWait({ Type: 'Pass' }), 'throttled-always');
    const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:always`;
    throttled.set(executionArn, MAX_RECEIVE_COUNT);
    await startExecution(testbed.engine.deps, { stateMachineArn, name: 'always' });
    await waitFor('every delivery to be throttled', () => (throttled.get(executionArn) ?? 0) === 0, {
      timeoutMs: 20_000,
    });
    await testbed.settle();
    const { describeExecution } = await import('../../shared/engine/executions.ts');
    const description = await describeExecution(testbed.engine.deps, { executionArn });
    expect(description.status).toBe('RUNNING');
    expect(deliveries.get(executionArn)).toBe(MAX_RECEIVE_COUNT);
    const { Attributes } = await testbed.engine.sqs.client.send(
      new GetQueueAttributesCommand({
        QueueUrl: testbed.engine.sqs.dlqUrls.transitions,
        AttributeNames: ['ApproximateNumberOfMessages'],
      }),
    );
    expect(Number(Attributes?.ApproximateNumberOfMessages)).toBe(1);
  });
});
