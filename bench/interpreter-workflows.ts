import type { Json, JsonObject } from '../shared/lib/json.ts';

/**
 * The three workflows the interpreter benchmark runs. Each uses only what both engines support (JSONPath
 * query language, Pass, Choice, inline Map, `States.MathAdd`), so both run the very same definition, and
 * each names the output a correct run ends with, so a benchmark of a failing run cannot go unnoticed.
 * Each also has a JSONata twin (Statefold only; the peer has no JSONata) that takes the same input and must
 * end with the same output, so the two query languages are timed doing the same work.
 */
export interface BenchWorkflow {
  name: string;
  definition: JsonObject;
  /** The same work in JSONata (Statefold only), where the workflow has a twin. */
  jsonataDefinition?: JsonObject;
  input: Json;
  expectedOutput: Json;
  /**
   * The Task states' functions, made afresh for each engine (a handler may count its calls): by function name
   * for Statefold's local functions, and the state that calls each, for the peer's local handlers.
   */
  tasks?: () => { functions: Record<string, TaskHandler>; byState: Record<string, string> };
  /** States whose Retry the peer must not wait for in real time (Statefold's virtual clock never waits). */
  retried?: readonly string[];
}

export type TaskHandler = (input: Json) => Json | Promise<Json>;

const FUNCTION = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

export const PASS_CHAIN_LENGTH = 100;
export const CHOICE_LOOP_ROUNDS = 1_000;
export const MAP_ITEM_COUNT = 1_000;

/** A chain of Pass states, each handing its input on unchanged (in JSONata too: no Output field). */
function createPassChain(length: number): BenchWorkflow {
  const createStates = () => {
    const states: JsonObject = {};
    for (let i = 1; i <= length; i++) {
      states[`Pass${i}`] =
        i === length ? { Type: 'Pass', End: true } : { Type: 'Pass', Next: `Pass${i + 1}` };
    }
    return states;
  };
  const input = { order: 'o-1', items: [1, 2, 3] };
  return {
    name: `Pass chain (${length} states)`,
    definition: { StartAt: 'Pass1', States: createStates() },
    jsonataDefinition: { QueryLanguage: 'JSONata', StartAt: 'Pass1', States: createStates() },
    input,
    expectedOutput: input,
  };
}

/**
 * A Pass that adds one to a counter, and a Choice that loops back until the counter reaches `rounds`. The
 * JSONata twin loops while the counter is below `rounds`, which ends on the same round.
 */
function createChoiceLoop(rounds: number): BenchWorkflow {
  return {
    name: `Choice loop (${rounds.toLocaleString('en-US')} rounds)`,
    definition: {
      StartAt: 'Increment',
      States: {
        Increment: {
          Type: 'Pass',
          Parameters: { 'i.$': 'States.MathAdd($.i, 1)' },
          Next: 'Done?',
        },
        'Done?': {
          Type: 'Choice',
          Choices: [{ Variable: '$.i', NumericEquals: rounds, Next: 'Finished' }],
          Default: 'Increment',
        },
        Finished: { Type: 'Succeed' },
      },
    },
    jsonataDefinition: {
      QueryLanguage: 'JSONata',
      StartAt: 'Increment',
      States: {
        Increment: {
          Type: 'Pass',
          Output: { i: '{% $states.input.i + 1 %}' },
          Next: 'Done?',
        },
        'Done?': {
          Type: 'Choice',
          Choices: [{ Condition: `{% $states.input.i < ${rounds} %}`, Next: 'Increment' }],
          Default: 'Finished',
        },
        Finished: { Type: 'Succeed' },
      },
    },
    input: { i: 0 },
    expectedOutput: { i: rounds },
  };
}

/**
 * An inline Map whose processor is a single Pass that reshapes each item. Item ids start at 1 because the
 * peer rejects a path that selects a falsy value such as 0 ("Path expression '$' does not point to a value").
 */
function createMapOverItems(count: number): BenchWorkflow {
  const items = Array.from({ length: count }, (_, i) => ({ id: i + 1 }));
  return {
    name: `Map (${count.toLocaleString('en-US')} items, Pass processor)`,
    definition: {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemProcessor: {
            StartAt: 'Reshape',
            States: {
              Reshape: { Type: 'Pass', Parameters: { 'itemId.$': '$.id', processed: true }, End: true },
            },
          },
          End: true,
        },
      },
    },
    jsonataDefinition: {
      QueryLanguage: 'JSONata',
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          Items: '{% $states.input.items %}',
          ItemProcessor: {
            StartAt: 'Reshape',
            States: {
              Reshape: {
                Type: 'Pass',
                Output: { itemId: '{% $states.input.id %}', processed: true },
                End: true,
              },
            },
          },
          End: true,
        },
      },
    },
    input: { items },
    expectedOutput: items.map((item) => ({ itemId: item.id, processed: true })),
  };
}

/**
 * A Task whose function fails three times before it answers, and a Retry that takes it there: four calls per
 * run, the Retry's intervals passing on the virtual clock (the peer's overridden to 0).
 */
function createTaskRetry(): BenchWorkflow {
  const task = (extra: JsonObject): JsonObject => ({
    Type: 'Task',
    Resource: FUNCTION('flaky'),
    Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, BackoffRate: 1, MaxAttempts: 3 }],
    End: true,
    ...extra,
  });
  return {
    name: 'Task failing 3 times, then retried to success',
    definition: { StartAt: 'Call', States: { Call: task({ ResultPath: '$.result' }) } },
    jsonataDefinition: {
      QueryLanguage: 'JSONata',
      StartAt: 'Call',
      States: { Call: task({ Output: '{% $merge([$states.input, {"result": $states.result}]) %}' }) },
    },
    input: { order: 'o-1' },
    expectedOutput: { order: 'o-1', result: { ok: true } },
    tasks: () => {
      let calls = 0;
      const flaky: TaskHandler = () => {
        calls++;
        if (calls % 4 !== 0) throw new Error('the service is busy');
        return { ok: true };
      };
      return { functions: { flaky }, byState: { Call: 'flaky' } };
    },
    retried: ['Call'],
  };
}

/**
 * An order as real workflows handle one: a validating Task, a Choice on the total, a Pass with intrinsics, a
 * Parallel of two Tasks with a ResultSelector, and a Map over the order's lines with an ItemSelector reading
 * `$$.Map.Item`. Its JSONata twin does the same with `$merge`, array and object constructors, an item picked by
 * index (`$states.result[0]`), `$string`, `$count` and `? :`.
 */
function createOrderWorkflow(lineCount: number): BenchWorkflow {
  const lines = Array.from({ length: lineCount }, (_, i) => ({
    sku: `SKU-${i + 1}`,
    qty: (i % 3) + 1,
    price: 10,
  }));
  const total = lines.reduce((sum, line) => sum + line.qty * line.price, 0);
  const reserveBranch = (language: 'JSONPath' | 'JSONata'): JsonObject => ({
    StartAt: 'Reserve',
    States: {
      Reserve: {
        Type: 'Task',
        Resource: FUNCTION('reserve'),
        ...(language === 'JSONPath'
          ? { Parameters: { 'lines.$': '$.lines' } }
          : { Arguments: { lines: '{% $states.input.lines %}' } }),
        End: true,
      },
    },
  });
  const chargeBranch = (language: 'JSONPath' | 'JSONata'): JsonObject => ({
    StartAt: 'Charge',
    States: {
      Charge: {
        Type: 'Task',
        Resource: FUNCTION('charge'),
        ...(language === 'JSONPath'
          ? { Parameters: { 'amount.$': '$.total', 'order.$': '$.id' } }
          : { Arguments: { amount: '{% $states.input.total %}', order: '{% $states.input.id %}' } }),
        End: true,
      },
    },
  });
  const laneOfPaths = (lane: string): JsonObject => ({
    Type: 'Pass',
    Parameters: {
      'id.$': '$.id',
      'lines.$': '$.lines',
      'total.$': '$.total',
      'label.$': "States.Format('order {} ({} lines)', $.id, States.ArrayLength($.lines))",
      lane,
    },
    Next: 'Fulfil',
  });
  const definition: JsonObject = {
    StartAt: 'Validate',
    States: {
      Validate: { Type: 'Task', Resource: FUNCTION('validate'), Next: 'Route' },
      Route: {
        Type: 'Choice',
        Choices: [{ Variable: '$.total', NumericGreaterThan: 100, Next: 'Priority' }],
        Default: 'Normal',
      },
      Priority: laneOfPaths('priority'),
      Normal: laneOfPaths('normal'),
      Fulfil: {
        Type: 'Parallel',
        Branches: [reserveBranch('JSONPath'), chargeBranch('JSONPath')],
        ResultSelector: { 'reserved.$': '$[0].reserved', 'charged.$': '$[1].charged' },
        ResultPath: '$.fulfilment',
        Next: 'Lines',
      },
      Lines: {
        Type: 'Map',
        ItemsPath: '$.lines',
        ItemSelector: { 'line.$': '$$.Map.Item.Value', 'position.$': '$$.Map.Item.Index' },
        ItemProcessor: {
          StartAt: 'Describe',
          States: {
            Describe: {
              Type: 'Pass',
              Parameters: {
                'sku.$': '$.line.sku',
                'position.$': 'States.MathAdd($.position, 1)',
                'text.$': "States.Format('{} x {}', $.line.qty, $.line.sku)",
              },
              End: true,
            },
          },
        },
        ResultPath: '$.described',
        Next: 'Done',
      },
      Done: {
        Type: 'Pass',
        Parameters: {
          'label.$': '$.label',
          'lane.$': '$.lane',
          'fulfilment.$': '$.fulfilment',
          'described.$': '$.described',
        },
        End: true,
      },
    },
  };
  const laneOf = (lane: string): JsonObject => ({
    Type: 'Pass',
    Output: {
      id: '{% $states.input.id %}',
      lines: '{% $states.input.lines %}',
      total: '{% $states.input.total %}',
      label: "{% 'order ' & $states.input.id & ' (' & $string($count($states.input.lines)) & ' lines)' %}",
      lane,
    },
    Next: 'Fulfil',
  });
  const jsonataDefinition: JsonObject = {
    QueryLanguage: 'JSONata',
    StartAt: 'Validate',
    States: {
      Validate: { Type: 'Task', Resource: FUNCTION('validate'), Next: 'Route' },
      Route: {
        Type: 'Choice',
        Choices: [
          {
            Condition: '{% ($states.input.total > 100 ? "priority" : "normal") = "priority" %}',
            Next: 'Priority',
          },
        ],
        Default: 'Normal',
      },
      Priority: laneOf('priority'),
      Normal: laneOf('normal'),
      Fulfil: {
        Type: 'Parallel',
        Branches: [reserveBranch('JSONata'), chargeBranch('JSONata')],
        Output:
          '{% $merge([$states.input, {"fulfilment": {"reserved": $states.result[0].reserved, "charged": $states.result[1].charged}}]) %}',
        Next: 'Lines',
      },
      Lines: {
        Type: 'Map',
        Items: '{% $states.input.lines %}',
        ItemSelector: {
          line: '{% $states.context.Map.Item.Value %}',
          position: '{% $states.context.Map.Item.Index %}',
        },
        ItemProcessor: {
          StartAt: 'Describe',
          States: {
            Describe: {
              Type: 'Pass',
              Output: {
                sku: '{% $states.input.line.sku %}',
                position: '{% $states.input.position + 1 %}',
                text: "{% $string($states.input.line.qty) & ' x ' & $states.input.line.sku %}",
              },
              End: true,
            },
          },
        },
        Output: '{% $merge([$states.input, {"described": $states.result}]) %}',
        Next: 'Done',
      },
      Done: {
        Type: 'Pass',
        Output: {
          label: '{% $states.input.label %}',
          lane: '{% $states.input.lane %}',
          fulfilment: '{% $states.input.fulfilment %}',
          described: '{% $states.input.described %}',
        },
        End: true,
      },
    },
  };
  return {
    name: `Order workflow (Choice, Parallel of Tasks, Map of ${lineCount} lines)`,
    definition,
    jsonataDefinition,
    input: { id: 'o-42', lines },
    expectedOutput: {
      label: `order o-42 (${lineCount} lines)`,
      lane: total > 100 ? 'priority' : 'normal',
      fulfilment: { reserved: lineCount, charged: total },
      described: lines.map((line, i) => ({
        sku: line.sku,
        position: i + 1,
        text: `${line.qty} x ${line.sku}`,
      })),
    },
    tasks: () => ({
      functions: {
        validate: (input) => {
          const order = input as { id: string; lines: Array<{ qty: number; price: number }> };
          const sum = order.lines.reduce((acc, line) => acc + line.qty * line.price, 0);
          return { ...order, total: sum, valid: true } as Json;
        },
        reserve: (input) => ({ reserved: (input as { lines: unknown[] }).lines.length }),
        charge: (input) => ({ charged: (input as { amount: number }).amount, receipt: 'r-1' }),
      },
      byState: { Validate: 'validate', Reserve: 'reserve', Charge: 'charge' },
    }),
  };
}

/**
 * A Map whose processor computes with JSONata's functions ($sum, $count, $string, `? :`); its JSONPath twin does
 * the same with intrinsics.
 */
function createLibraryMap(count: number): BenchWorkflow {
  const items = Array.from({ length: count }, (_, i) => ({ id: i + 1, prices: [1, 2, i % 7] }));
  return {
    name: `Map (${count.toLocaleString('en-US')} items) computing with functions`,
    definition: {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemProcessor: {
            StartAt: 'Compute',
            States: {
              Compute: {
                Type: 'Pass',
                Parameters: {
                  'itemId.$': '$.id',
                  'count.$': 'States.ArrayLength($.prices)',
                  'sum.$': 'States.MathAdd(States.MathAdd($.prices[0], $.prices[1]), $.prices[2])',
                  'label.$': "States.Format('item-{}', $.id)",
                },
                End: true,
              },
            },
          },
          End: true,
        },
      },
    },
    jsonataDefinition: {
      QueryLanguage: 'JSONata',
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          Items: '{% $states.input.items %}',
          ItemProcessor: {
            StartAt: 'Compute',
            States: {
              Compute: {
                Type: 'Pass',
                Output: {
                  itemId: '{% $states.input.id %}',
                  count: '{% $count($states.input.prices) %}',
                  sum: '{% $sum($states.input.prices) %}',
                  label: "{% $states.input.id > 0 ? 'item-' & $string($states.input.id) : 'none' %}",
                },
                End: true,
              },
            },
          },
          End: true,
        },
      },
    },
    input: { items },
    expectedOutput: items.map((item) => ({
      itemId: item.id,
      count: 3,
      sum: item.prices.reduce((a, b) => a + b, 0),
      label: `item-${item.id}`,
    })),
  };
}

export const BENCH_WORKFLOWS: readonly BenchWorkflow[] = [
  createPassChain(PASS_CHAIN_LENGTH),
  createChoiceLoop(CHOICE_LOOP_ROUNDS),
  createMapOverItems(MAP_ITEM_COUNT),
  createTaskRetry(),
  createOrderWorkflow(20),
  createLibraryMap(MAP_ITEM_COUNT),
];
