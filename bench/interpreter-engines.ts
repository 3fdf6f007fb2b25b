import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { runExecution } from '../shared/composition/run-execution.ts';
import type { Json } from '../shared/lib/json.ts';
import type { BenchWorkflow } from './interpreter-workflows.ts';

/** One engine made ready to run one workflow, again and again. */
export interface PreparedRun {
  /** Runs the workflow once and returns its output, for the correctness check before timing. */
  runForOutput(): Promise<Json>;
  /** Runs the workflow once, doing no more than it takes to notice a failed run. */
  runTimed(): Promise<void>;
}

export interface BenchEngine {
  name: string;
  prepare(workflow: BenchWorkflow): PreparedRun;
}

/**
 * Statefold's in-memory runner on the virtual clock, on the workflow's JSONPath definition or on its JSONata
 * twin. Its public entry point takes the definition on every run, so each run pays for parsing and
 * validating it: that is what a user of `runExecution` pays.
 */
function createStatefoldEngine(name: string, language: 'JSONPath' | 'JSONata'): BenchEngine {
  return {
    name,
    prepare(workflow) {
      const definition = language === 'JSONata' ? workflow.jsonataDefinition : workflow.definition;
      const run = async () => {
        const result = await runExecution({ definition, input: workflow.input, clock: 'virtual' });
        if (result.status !== 'SUCCEEDED') {
          throw new Error(
            `${name} ended '${workflow.name}' ${result.status}: ${result.error}: ${result.cause}`,
          );
        }
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

export const statefoldEngine = createStatefoldEngine('Statefold', 'JSONPath');
export const statefoldJsonataEngine = createStatefoldEngine('Statefold JSONata', 'JSONata');

/**
 * The peer, `aws-local-stepfunctions`, set up as fast as it goes: the definition is validated once (so a
 * definition it rejects fails here), then run by a machine built with validation off. The workflows hold no
 * Wait state and no Retry, so there is no real wait to override.
 */
export const peerEngine: BenchEngine = {
  name: 'aws-local-stepfunctions',
  prepare(workflow) {
    const definition = workflow.definition as unknown as StateMachineDefinition;
    new StateMachine(definition);
    const machine = new StateMachine(definition, { validationOptions: { noValidate: true } });
    const input = workflow.input as Parameters<StateMachine['run']>[0];
    return {
      runForOutput: async () => (await machine.run(input).result) as Json,
      runTimed: async () => {
        await machine.run(input).result;
      },
    };
  },
};
