import { describe, expect, it } from 'vitest';
import { compileMachine, getStateInfo } from '../../../shared/execution/compile-machine.ts';
import { JSONATA_EVALUATOR } from '../../../shared/execution/states/jsonata-states.ts';
import { JSONPATH_EVALUATOR } from '../../../shared/execution/states/jsonpath-evaluator.ts';
import type { StateMachineDefinition } from '../../../shared/language/types.ts';

const definition = {
  QueryLanguage: 'JSONata',
  StartAt: 'Outer',
  States: {
    Outer: {
      Type: 'Parallel',
      QueryLanguage: 'JSONPath',
      Branches: [
        {
          StartAt: 'Inherits',
          States: {
            Inherits: { Type: 'Pass', Next: 'OwnPath' },
            OwnPath: { Type: 'Pass', QueryLanguage: 'JSONPath', End: true },
          },
        },
      ],
      Next: 'Top',
    },
    Top: { Type: 'Succeed' },
  },
} as unknown as StateMachineDefinition;

describe('the evaluator compileMachine attaches to each state', () => {
  it.each([
    ['a state naming JSONPath', 'Outer', JSONPATH_EVALUATOR],
    ['a top-level state naming no language (the machine is JSONata)', 'Top', JSONATA_EVALUATOR],
    [
      "a nested state naming no language (the machine's, not its JSONPath parent's)",
      'Inherits',
      JSONATA_EVALUATOR,
    ],
    ['a nested state naming JSONPath', 'OwnPath', JSONPATH_EVALUATOR],
  ])('%s gets its language evaluator', (_case, name, evaluator) => {
    expect(getStateInfo(compileMachine(definition), name).evaluator).toBe(evaluator);
  });
});
