import type { StateEnteredType, StateExitedType } from '../history/events.ts';
import type { StateDefinition, StateMachineDefinition, StatesBlock, StateType } from '../language/types.ts';
import { InvariantError } from '../lib/invariant-error.ts';
import type { StateEvaluator } from './state-evaluator.ts';
import { JSONATA_EVALUATOR } from './states/jsonata-states.ts';
import { JSONPATH_EVALUATOR } from './states/jsonpath-evaluator.ts';
import { type ParsedResource, parseTaskResource } from './task-resource.ts';

/**
 * A definition indexed for the engine: every state by name (names are unique across the whole machine,
 * nested blocks included) and the block that holds it. Built once per definition object.
 */
export interface CompiledMachine {
  definition: StateMachineDefinition;
  states: ReadonlyMap<string, StateDefinition>;
  /** What the engine asks of a state on every step, worked out once. */
  info: ReadonlyMap<string, StateInfo>;
  /** For each Map state, the block its iterations (or child runs) execute. */
  processors: ReadonlyMap<string, StatesBlock>;
}

export interface StateInfo {
  definition: StateDefinition;
  type: StateType;
  entered: StateEnteredType;
  exited: StateExitedType | undefined;
  /** Task, Parallel and Map: the states that retry, and whose `$$.State` has RetryCount. */
  retries: boolean;
  /**
   * How the state evaluates its data: by the state's own QueryLanguage, else the machine's (nested blocks
   * inherit the top level's, not their parent state's).
   */
  evaluator: StateEvaluator;
  /** A Pass state with no data fields: it hands its input on untouched (the common "chain" step). */
  plainPass: boolean;
  /** A `.waitForTaskToken` Task: its `$$.Task.Token` is the token that completes it. */
  waitForTaskToken: boolean;
  /** A Task's Resource, parsed once. */
  resource: ParsedResource | undefined;
  /** The state its `Next` names, and that state's facts: a step that moves on finds them without a lookup. */
  next: string | undefined;
  nextInfo: StateInfo | undefined;
}

const ENTERED: Record<StateType, StateEnteredType> = {
  Pass: 'PassStateEntered',
  Task: 'TaskStateEntered',
  Choice: 'ChoiceStateEntered',
  Wait: 'WaitStateEntered',
  Succeed: 'SucceedStateEntered',
  Fail: 'FailStateEntered',
  Parallel: 'ParallelStateEntered',
  Map: 'MapStateEntered',
};

const EXITED: Record<StateType, StateExitedType | undefined> = {
  Pass: 'PassStateExited',
  Task: 'TaskStateExited',
  Choice: 'ChoiceStateExited',
  Wait: 'WaitStateExited',
  Succeed: 'SucceedStateExited',
  Fail: undefined,
  Parallel: 'ParallelStateExited',
  Map: 'MapStateExited',
};

const compiled = new WeakMap<StateMachineDefinition, CompiledMachine>();

export function compileMachine(definition: StateMachineDefinition): CompiledMachine {
  const cached = compiled.get(definition);
  if (cached) return cached;
  const states = new Map<string, StateDefinition>();
  const processors = new Map<string, StatesBlock>();
  const index = (block: StatesBlock) => {
    for (const [name, state] of Object.entries(block.States)) {
      states.set(name, state);
      if (state.Type === 'Parallel') for (const branch of state.Branches) index(branch);
      if (state.Type === 'Map') {
        const processor = state.ItemProcessor ?? state.Iterator;
        if (processor) {
          processors.set(name, processor);
          index(processor);
        }
      }
    }
  };
  index(definition);
  const info = new Map<string, StateInfo>();
  for (const [name, state] of states) {
    const type = state.Type;
    info.set(name, {
      definition: state,
      type,
      entered: ENTERED[type],
      exited: EXITED[type],
      retries: type === 'Task' || type === 'Parallel' || type === 'Map',
      evaluator:
        (state.QueryLanguage ?? definition.QueryLanguage) === 'JSONata'
          ? JSONATA_EVALUATOR
          : JSONPATH_EVALUATOR,
      plainPass:
        type === 'Pass' &&
        ['InputPath', 'Parameters', 'Result', 'ResultPath', 'OutputPath', 'Assign', 'Output'].every(
          (field) => !Object.hasOwn(state, field),
        ),
      waitForTaskToken: state.Type === 'Task' && state.Resource.endsWith('.waitForTaskToken'),
      resource: state.Type === 'Task' ? parseTaskResource(state.Resource) : undefined,
      next: 'Next' in state && typeof state.Next === 'string' ? state.Next : undefined,
      nextInfo: undefined,
    });
  }
  for (const facts of info.values()) if (facts.next !== undefined) facts.nextInfo = info.get(facts.next);
  const machine: CompiledMachine = { definition, states, processors, info };
  compiled.set(definition, machine);
  return machine;
}

export function getState(machine: CompiledMachine, name: string): StateDefinition {
  const state = machine.states.get(name);
  if (!state) throw new InvariantError(`State '${name}' is not in the definition`);
  return state;
}

export function getStateInfo(machine: CompiledMachine, name: string): StateInfo {
  const info = machine.info.get(name);
  if (!info) throw new InvariantError(`State '${name}' is not in the definition`);
  return info;
}
