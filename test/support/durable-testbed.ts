import { AsyncLocalStorage } from 'node:async_hooks';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { DefinitionCache } from '../../shared/engine/engine-deps.ts';
import { getExecutionHistory } from '../../shared/engine/execution-history.ts';
import { describeExecution, type ExecutionDescription } from '../../shared/engine/executions.ts';
import type { Clock, Queues, TimerEnvelope, TransitionEnvelope } from '../../shared/engine/ports.ts';
import { startExecution } from '../../shared/engine/start-execution.ts';
import { createStateMachine } from '../../shared/engine/state-machines.ts';
import { DynamoEventLog } from '../../shared/eventlog/dynamo-event-log.ts';
import { ensureTable } from '../../shared/eventlog/ensure-table.ts';
import { createTableInput } from '../../shared/eventlog/table.ts';
import type { HistoryEvent } from '../../shared/history/to-history-event.ts';
import type { LambdaHandler } from '../../shared/integrations/local-functions.ts';
import { TimerHeap } from '../../shared/lib/timer-heap.ts';
import {
  type LocalEngine,
  type LocalEngineOptions,
  startLocalEngine,
} from '../../shared/local/local-engine.ts';
import { waitFor } from './eventually.ts';

/**
 * The durable engine as the integration tests drive it: dynalite, fauxqs, the local Lambda endpoint and the
 * pollers feeding functions/step, task and timer, all real. With a virtual clock, timers (waits, retry
 * backoffs, timeouts) do not go through the timers queue: they wait here until nothing else is happening, and
 * the clock then jumps to the earliest, so a case with a one-hour Wait runs in milliseconds.
 */
export interface Testbed {
  engine: LocalEngine;
  clock: VirtualClock | undefined;
  createMachine(definition: object | string, name?: string): Promise<string>;
  /** Creates a machine, starts an execution and waits until it closes. */
  run(options: {
    definition: object | string;
    input?: unknown;
    functions?: Record<string, LambdaHandler>;
    machineName?: string;
    executionName?: string;
    startTime?: number;
    /** Run in a table of its own, so the same machine and execution names can be used again. */
    freshTable?: boolean;
  }): Promise<DurableRun>;
  waitForClose(executionArn: string, timeoutMs?: number): Promise<DurableRun>;
  /**
   * Waits until no transition or task message is waiting or being handled: whatever the messages sent so far
   * cause has been written. A task whose function never answers holds this up until Lambda's timeout.
   */
  settle(): Promise<void>;
  /**
   * Virtual clock only: moves time on by `ms`, firing each timer that falls due on the way (in order, each
   * once the engine has settled), and settles.
   */
  advanceClock(ms: number): Promise<void>;
  /**
   * Virtual clock only: takes every armed timer off the clock unfired, as purging the timers queue does on a real
   * clock (the reconciler's tests lose a timer this way). Returns how many there were.
   */
  dropTimers(): number;
  /** All of an execution's history, page by page. */
  history(executionArn: string): Promise<HistoryEvent[]>;
  stop(): Promise<void>;
}

export interface DurableRun extends ExecutionDescription {
  events: HistoryEvent[];
}

export class VirtualClock implements Clock {
  time: number;
  constructor(start: number) {
    this.time = start;
  }
  now(): number {
    return this.time;
  }
}

/** The longest real wait between two looks at a running execution (the first looks come every 2 ms). */
const POLL_MAX_MS = 25;

/**
 * Real milliseconds a task may run while a timer waits before virtual time moves on without it. A real wait, as
 * the thing waited for runs on real time: a Lambda handler (a conformance case's function that awaits a real
 * timer, or one that never answers) gives no sign of whether it will answer, so a task in flight gets this long
 * before a timer (its own TimeoutSeconds, say) fires past it. Everything else moves on observed queue states.
 */
const TASK_GRACE_MS = 200;

export async function startTestbed(
  options: Omit<LocalEngineOptions, 'clock' | 'wrapQueues'> & { virtualClock?: number } = {},
): Promise<Testbed> {
  const clock = options.virtualClock !== undefined ? new VirtualClock(options.virtualClock) : undefined;
  const timers = new TimerHeap<TimerEnvelope>();
  let tables = 0;
  // The table a task was handled for. A function that never answers frees its task handler only when Lambda's
  // timeout ends it, seconds later, when a later case's fresh table may hold an execution of the same ARN, scope
  // and ref: that late result belongs to the old table and must not reach the new one.
  const taskTable = new AsyncLocalStorage<number>();
  const wrapHandler = options.wrapHandler;
  const engine = await startLocalEngine({
    waitTimeSeconds: 1,
    // Some cases' functions never answer: Lambda's timeout frees the task handler that waits on them.
    functionTimeoutSeconds: 2,
    taskConcurrency: 16,
    ...options,
    ...(clock ? { clock } : {}),
    wrapQueues: (queues: Queues): Queues => {
      // A fresh table reuses execution ARNs, whose message ids the FIFO queue remembers for five minutes:
      // each table gets its own id space.
      const scoped = (envelope: TransitionEnvelope): TransitionEnvelope =>
        tables === 0 ? envelope : { ...envelope, id: `${tables}/${envelope.id}` };
      return {
        sendTransitions: async (envelopes) => {
          const table = taskTable.getStore();
          if (table !== undefined && table !== tables) return;
          await queues.sendTransitions(envelopes.map(scoped));
        },
        sendTasks: (envelopes) => queues.sendTasks(envelopes),
        sendRecords: async (envelopes) => {
          const table = taskTable.getStore();
          if (table !== undefined && table !== tables) return;
          await queues.sendRecords(envelopes);
        },
        sendTimers: async (list) => {
          if (!clock)
            return queues.sendTimers(
              list.map((timer) => ({ ...timer, transition: scoped(timer.transition) })),
            );
          for (const timer of list) timers.push(timer);
        },
      };
    },
    wrapHandler: (queue, handler) => {
      const wrapped = wrapHandler ? wrapHandler(queue, handler) : handler;
      if (queue !== 'tasks') return wrapped;
      return (event, context) => taskTable.run(tables, () => wrapped(event, context));
    },
  });
  const { deps } = engine;
  let machines = 0;

  const fireTimer = async (timer: TimerEnvelope, clock: VirtualClock) => {
    if (timer.dueAt > clock.time) clock.time = timer.dueAt;
    await deps.queues.sendTransitions([timer.transition]);
  };

  const pendingMessages = async (): Promise<{
    transitions: number;
    tasksInFlight: number;
    tasksWaiting: number;
  }> => {
    const read = async (url: string) => {
      const { Attributes = {} } = await engine.sqs.client.send(
        new GetQueueAttributesCommand({
          QueueUrl: url,
          AttributeNames: [
            'ApproximateNumberOfMessages',
            'ApproximateNumberOfMessagesNotVisible',
            'ApproximateNumberOfMessagesDelayed',
          ],
        }),
      );
      return {
        visible:
          Number(Attributes.ApproximateNumberOfMessages ?? 0) +
          Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
        inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
      };
    };
    const [transitions, tasks] = await Promise.all([
      read(engine.sqs.urls.transitions),
      read(engine.sqs.urls.tasks),
    ]);
    return {
      transitions: transitions.visible + transitions.inFlight,
      tasksInFlight: tasks.inFlight,
      tasksWaiting: tasks.visible,
    };
  };

  const history = async (executionArn: string): Promise<HistoryEvent[]> => {
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await getExecutionHistory(deps, {
        executionArn,
        maxResults: 1000,
        ...(nextToken !== undefined ? { nextToken } : {}),
      });
      events.push(...page.events);
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
    return events;
  };

  // Just under the test's own 60 s (vitest.config.ts), so a run that never closes is named: a Map of 200 items took
  // more than 30 s on a machine loaded to 30.
  const waitForClose = async (executionArn: string, timeoutMs = 55_000): Promise<DurableRun> => {
    const since = Date.now();
    const deadline = since + timeoutMs;
    let busySince: number | undefined;
    for (;;) {
      const description = await describeExecution(deps, { executionArn });
      if (description.status !== 'RUNNING') return { ...description, events: await history(executionArn) };
      if (Date.now() > deadline) {
        throw new Error(`${executionArn} is still RUNNING after ${timeoutMs} ms`);
      }
      if (clock) {
        const pending = await pendingMessages();
        const next = timers.peek();
        if (pending.transitions === 0 && pending.tasksWaiting === 0 && next) {
          // Only a timer can move things on, or a task that has had its moment and not answered.
          busySince ??= Date.now();
          if (pending.tasksInFlight === 0 || Date.now() - busySince > TASK_GRACE_MS) {
            timers.pop();
            await fireTimer(next, clock);
            busySince = undefined;
            continue;
          }
        } else {
          busySince = undefined;
        }
      }
      // Each look is a few requests to the emulators, which share this process's event loop with the engine: a
      // run that takes long is looked at less often, so the looks do not slow the run down.
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(POLL_MAX_MS, 2 + (Date.now() - since) / 20)),
      );
    }
  };

  const createMachine = async (definition: object | string, name?: string): Promise<string> => {
    machines += 1;
    const { stateMachineArn } = await createStateMachine(deps, {
      name: name ?? `machine-${machines}`,
      definition: typeof definition === 'string' ? definition : JSON.stringify(definition),
      roleArn: 'arn:aws:iam::123456789012:role/StatefoldExecutionRole',
    });
    return stateMachineArn;
  };

  const isSettled = async () => {
    const pending = await pendingMessages();
    return pending.transitions + pending.tasksInFlight + pending.tasksWaiting === 0;
  };

  const settle = async () => {
    await waitFor('the transition and task queues to drain', isSettled, {
      timeoutMs: 30_000,
      intervalMs: 10,
    });
  };

  /**
   * Waits (briefly) for the queues to drain, so nothing of one run reaches the next run's table. Briefly: a
   * case whose function never answers keeps a task in flight until Lambda's timeout, and that task's outcome
   * goes to a table no later case reads.
   */
  const drain = async () => {
    const giveUpAt = Date.now() + 300;
    while (Date.now() < giveUpAt && !(await isSettled())) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  };

  const advanceClock = async (ms: number) => {
    if (!clock) throw new Error('advanceClock needs a testbed started with a virtual clock');
    const target = clock.time + ms;
    for (;;) {
      await settle();
      const next = timers.peek();
      if (!next || next.dueAt > target) break;
      timers.pop();
      await fireTimer(next, clock);
    }
    clock.time = target;
  };

  return {
    engine,
    clock,
    createMachine,
    async run(run) {
      if (run.freshTable) {
        await drain();
        tables += 1;
        const tableName = `run-${tables}`;
        await ensureTable(engine.dynamodb.client, createTableInput(tableName));
        deps.log = new DynamoEventLog({ client: engine.dynamodb.client, tableName });
        deps.definitions = new DefinitionCache(deps.log);
      }
      if (run.functions) engine.setFunctions(run.functions);
      if (clock) {
        timers.clear();
        if (run.startTime !== undefined) clock.time = run.startTime;
      }
      const stateMachineArn = await createMachine(run.definition, run.machineName);
      const { executionArn } = await startExecution(deps, {
        stateMachineArn,
        input: JSON.stringify(run.input ?? {}),
        ...(run.executionName !== undefined ? { name: run.executionName } : {}),
      });
      return waitForClose(executionArn);
    },
    waitForClose,
    settle,
    advanceClock,
    dropTimers() {
      if (!clock) throw new Error('dropTimers needs a testbed started with a virtual clock');
      const dropped = timers.size;
      timers.clear();
      return dropped;
    },
    history,
    stop: () => engine.stop(),
  };
}
