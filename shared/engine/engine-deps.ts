import { randomUUID } from 'node:crypto';
import { parseDefinition } from '../asl/parse-definition.ts';
import type { StepEnv } from '../execution/messages.ts';
import type { DefinitionSource } from '../history/events.ts';
import type { StateMachineDefinition } from '../language/types.ts';
import { InvariantError } from '../lib/invariant-error.ts';
import type { ActivityPorts } from './activities.ts';
import { applyRecord } from './apply-record.ts';
import { applyEach, SendCoalescer } from './buffered-queues.ts';
import { childDefinition } from './child-runs.ts';
import type { Deployment } from './names.ts';
import type {
  Clock,
  EventLog,
  LambdaInvoker,
  MockedResponses,
  Queues,
  ServiceCalls,
  VersionStore,
} from './ports.ts';

/** What the durable engine's use cases run on: the ports, the deployment's region and account, and entropy. */
export interface EngineDeps extends Deployment {
  log: EventLog;
  queues: Queues;
  lambda: LambdaInvoker;
  /** Service integrations other than Lambda; Tasks that call one fail with States.TaskFailed without it. */
  services?: ServiceCalls;
  /** Activities and their task queues; without it, activity operations and activity Tasks are refused. */
  activities?: ActivityPorts;
  /** State machine versions and aliases; without it, their operations are refused. */
  versions?: VersionStore;
  /** A MockConfigFile's answers; without it, a `#<TestCase>` StartExecution is refused. */
  mocks?: MockedResponses;
  clock: Clock;
  definitions: DefinitionCache;
  /** The largest file a ResultWriter writes before it starts the next (default AWS's 5 GB; tests set less). */
  resultFileBytes?: number;
  random?: () => number;
  uuid?: () => string;
}

/**
 * For a handler's batch: runs each record's work with its sends held, and sends them as soon as that record's
 * work is done (see SendCoalescer), so a slow or failing record holds back no other's. A record whose sends
 * fail fails (it comes back and sends its commit's outbox again); a record that fails still sends what it
 * held (its commit, if written, needs them anyway).
 *
 * The records a record's commits sent (listings, Map Run records) are delivered to their handler here, in this
 * invocation, before its sends go, as a top-level task applies its own outcome: the same use case (applyRecord)
 * the task handler runs for a queued one, without a send, a receive, a delete and an invocation for each. A
 * parent told by one joins the sends. A record that cannot be applied here is queued after all, for the task
 * handler and its retries; applying one twice changes nothing.
 */
export function withSendsPerRecord(
  deps: EngineDeps,
): <T>(work: (deps: EngineDeps) => Promise<T>) => Promise<T> {
  const coalescer = new SendCoalescer(deps.queues);
  return async (work) => {
    const queues = coalescer.forRecord();
    let result: Awaited<ReturnType<typeof work>>;
    try {
      const recordDeps = { ...deps, queues };
      result = await work(recordDeps);
      await queues.deliverRecords((record) => applyRecord(recordDeps, record));
    } catch (error) {
      await queues.flush().catch(() => undefined);
      throw error;
    }
    await queues.flush();
    return result;
  };
}

/**
 * The engine with the records its commits send applied as they are sent (applyRecord), for the API's calls: a
 * StopExecution, or a StartExecution whose first commit ends the run, answers with the listing written. A
 * record that cannot be applied there goes to the tasks queue.
 */
export function applyingRecords(deps: EngineDeps): EngineDeps {
  const inner = deps.queues;
  const applying: EngineDeps = {
    ...deps,
    queues: {
      sendTransitions: (envelopes) => inner.sendTransitions(envelopes),
      sendTasks: (envelopes) => inner.sendTasks(envelopes),
      sendTimers: (timers) => inner.sendTimers(timers),
      sendRecords: async (records) => {
        const undelivered = await applyEach(records, (record) => applyRecord(applying, record));
        if (undelivered.length > 0) await inner.sendRecords(undelivered);
      },
    },
  };
  return applying;
}

/** The time and entropy a step of the pure core may use, from the deployment's clock and sources. */
export function stepEnv(deps: EngineDeps): StepEnv {
  return { now: deps.clock.now(), random: deps.random ?? Math.random, uuid: deps.uuid ?? randomUUID };
}

export function newUuid(deps: EngineDeps): string {
  return (deps.uuid ?? randomUUID)();
}

/**
 * Parsed definitions by state machine revision. A revision never changes, so a warm Lambda parses each once;
 * a Map Run child's definition is its Map's ItemProcessor, cut from the revision's definition.
 */
export class DefinitionCache {
  readonly #log: EventLog;
  readonly #parsed = new Map<string, StateMachineDefinition>();
  readonly #limit: number;

  constructor(log: EventLog, limit = 200) {
    this.#log = log;
    this.#limit = limit;
  }

  async load(source: DefinitionSource): Promise<StateMachineDefinition> {
    const key = `${source.stateMachineArn}\n${source.revisionId}\n${source.mapState ?? ''}`;
    const cached = this.#parsed.get(key);
    if (cached) return cached;
    let definition: StateMachineDefinition;
    if (source.mapState !== undefined) {
      const { mapState, ...root } = source;
      definition = childDefinition(await this.load(root), mapState);
    } else {
      const revision = await this.#log.getRevision(source.stateMachineArn, source.revisionId);
      if (!revision) {
        throw new InvariantError(
          `Revision ${source.revisionId} of ${source.stateMachineArn} is not in the event log table`,
        );
      }
      const parsed = parseDefinition(revision.definition);
      if (!parsed.definition) {
        throw new InvariantError(`Revision ${source.revisionId} of ${source.stateMachineArn} does not parse`);
      }
      definition = parsed.definition;
    }
    if (this.#parsed.size >= this.#limit) this.#parsed.delete(this.#parsed.keys().next().value as string);
    this.#parsed.set(key, definition);
    return definition;
  }
}
