import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { runExecution } from '../shared/composition/run-execution.ts';
import type { LambdaHandler } from '../shared/integrations/local-functions.ts';
import type { Json } from '../shared/lib/json.ts';
import type { BenchWorkflow } from './interpreter-workflows.ts';

/** One engine made ready to run one workflow, again and again. */
export interface PreparedRun {
  /** Runs the workflow once and returns its output, for the correctness check before timing. */
  runForOutput(): Promise<Json>;
  /** Runs the workflow once, doing no more than it takes to notice a failed run (and to read its history). */
  runTimed(): Promise<void>;
}

export interface BenchEngine {
  name: string;
  /** Undefined when the engine has nothing to run for this workflow (no JSONata twin). */
  prepare(workflow: BenchWorkflow): PreparedRun | undefined;
}

/**
 * Statefold's in-memory runner on the virtual clock, on the workflow's JSONPath definition or on its JSONata
 * twin, its Tasks calling local functions. Its public entry point takes the definition on every run (validated
 * once per definition object: the cache a user of `runExecution` gets too). With `readHistory`, every run also
 * reads the whole history in AWS's shape (`result.events`), which a run that only wants the output never builds.
 */
function createStatefoldEngine(
  name: string,
  language: 'JSONPath' | 'JSONata',
  readHistory: boolean,
): BenchEngine {
  return {
    name,
    prepare(workflow) {
      const definition = language === 'JSONata' ? workflow.jsonataDefinition : workflow.definition;
      if (!definition) return undefined;
      const functions = workflow.tasks?.().functions as Record<string, LambdaHandler> | undefined;
      const run = async () => {
        const result = await runExecution({
          definition,
          input: workflow.input,
          clock: 'virtual',
          ...(functions ? { functions } : {}),
        });
        if (result.status !== 'SUCCEEDED') {
          throw new Error(
            `${name} ended '${workflow.name}' ${result.status}: ${result.error}: ${result.cause}`,
          );
        }
        if (readHistory && result.events.length === 0) throw new Error(`${name}: no history`);
        return result;
      };
      return {
        runForOutput: async () => JSON.parse((await run()).output ?? 'null') as Json,
        runTimed: async () => {
          await run();
        },
      };
    },
  };
}

export const statefoldEngine = createStatefoldEngine('Statefold', 'JSONPath', false);
export const statefoldHistoryEngine = createStatefoldEngine('Statefold + history', 'JSONPath', true);
export const statefoldJsonataEngine = createStatefoldEngine('Statefold JSONata', 'JSONata', false);

/**
 * The peer, `aws-local-stepfunctions`, set up as fast as it goes: the definition is validated once (so a
 * definition it rejects fails here), then run by a machine built with validation off; its Tasks call the
 * same functions as local handlers, and its Retry intervals are overridden to 0 (it has no virtual clock).
 * With `readHistory`, every run also reads its whole event log (`eventLogs`).
 */
function createPeerEngine(name: string, readHistory: boolean): BenchEngine {
  return {
    name,
    prepare(workflow) {
      const definition = workflow.definition as unknown as StateMachineDefinition;
      new StateMachine(definition);
      const machine = new StateMachine(definition, { validationOptions: { noValidate: true } });
      const input = workflow.input as Parameters<StateMachine['run']>[0];
      const tasks = workflow.tasks?.();
      const handlers = Object.fromEntries(
        Object.entries(tasks?.byState ?? {}).map(([state, fn]) => [state, tasks?.functions[fn]]),
      );
      const retries = Object.fromEntries((workflow.retried ?? []).map((state) => [state, 0]));
      const options = {
        overrides: { taskResourceLocalHandlers: handlers, retryIntervalOverrides: retries },
      } as Parameters<StateMachine['run']>[1];
      const run = async () => {
        const execution = machine.run(input, options);
        if (!readHistory) return (await execution.result) as Json;
        const events: unknown[] = [];
        const reading = (async () => {
          for await (const event of execution.eventLogs) events.push(event);
        })();
        const output = (await execution.result) as Json;
        await reading;
        if (events.length === 0) throw new Error(`${name}: no history`);
        return output;
      };
      return {
        runForOutput: run,
        runTimed: async () => {
          await run();
        },
      };
    },
  };
}

export const peerEngine = createPeerEngine('aws-local-stepfunctions', false);
export const peerHistoryEngine = createPeerEngine('aws-local-stepfunctions + history', true);
