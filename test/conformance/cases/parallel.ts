import type { ConformanceCase } from '../conformance-case.ts';

/**
 * Parallel state cases. Sources: ASL spec (Parallel State), AWS developer guide (state-parallel, error handling),
 * LocalStack's snapshots recorded against AWS (test_parallel_state,
 * test_parallel_state_fail, test_parallel_state_catch, test_parallel_state_retry, test_parallel_state_order).
 * AWS runs branches concurrently, so the relative order of two branches' events is not fixed; where a case lists
 * every event, the branches run one after the other, which is one of the orders AWS can write.
 */

const LAMBDA_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:';

const pass = (extra: object = {}) => ({ Type: 'Pass', End: true, ...extra });
const branch = (states: Record<string, object>, startAt = Object.keys(states)[0] ?? '') => ({
  StartAt: startAt,
  States: states,
});
const passBranch = (name: string, extra: object = {}) => branch({ [name]: pass(extra) });

/** A one-state machine whose state is a Parallel named `Par`. */
const parallel = (state: object) => ({
  StartAt: 'Par',
  States: { Par: { Type: 'Parallel', End: true, ...state } },
});

const FAIL_BRANCH = branch({ Branch1: { Type: 'Fail', Error: 'FailureType', Cause: 'Cause description' } });

const TWO_PASS_EVENTS = [
  'ExecutionStarted',
  'ParallelStateEntered',
  'ParallelStateStarted',
  'PassStateEntered',
  'PassStateExited',
  'PassStateEntered',
  'PassStateExited',
  'ParallelStateSucceeded',
  'ParallelStateExited',
  'ExecutionSucceeded',
];

export const parallelCases: ConformanceCase[] = [
  {
    name: 'two branches give an array of their outputs in branch order, with the links AWS writes',
    definition: parallel({
      Branches: [passBranch('A', { Result: 'a' }), passBranch('B', { Result: 'b' })],
    }),
    input: { x: 1 },
    expected: { status: 'SUCCEEDED', output: ['a', 'b'] },
    events: TWO_PASS_EVENTS,
    // Each branch's first state points at ParallelStateStarted; Succeeded and Exited at the last branch event.
    links: [
      [1, 0],
      [2, 0],
      [3, 2],
      [4, 3],
      [5, 4],
      [6, 3],
      [7, 6],
      [8, 7],
      [9, 7],
      [10, 9],
    ],
    eventDetails: {
      9: { stateExitedEventDetails: { name: 'Par', output: '["a","b"]' } },
    },
  },
  {
    name: 'every branch receives the Parallel state input when there is no Parameters',
    definition: parallel({ Branches: [passBranch('A'), passBranch('B'), passBranch('C')] }),
    input: { x: 1 },
    expected: { status: 'SUCCEEDED', output: [{ x: 1 }, { x: 1 }, { x: 1 }] },
  },
  {
    name: 'three branches of one, two and three Pass states end with ParallelStateExited #19 pointing at #17 (AWS test_parallel_state)',
    definition: {
      StartAt: 'LoadInput',
      States: {
        LoadInput: { Type: 'Pass', Result: [1, 2, 3, 4], Next: 'ParallelState' },
        ParallelState: {
          Type: 'Parallel',
          End: true,
          Branches: [
            branch({ Branch1: pass() }),
            branch({ Branch21: { Type: 'Pass', Next: 'Branch22' }, Branch22: pass() }),
            branch({
              Branch31: { Type: 'Pass', Next: 'Branch32' },
              Branch32: { Type: 'Pass', Next: 'Branch33' },
              Branch33: pass(),
            }),
          ],
        },
      },
    },
    expected: {
      status: 'SUCCEEDED',
      output: [
        [1, 2, 3, 4],
        [1, 2, 3, 4],
        [1, 2, 3, 4],
      ],
    },
    eventDetails: {
      4: { type: 'ParallelStateEntered', previousEventId: 3 },
      5: { type: 'ParallelStateStarted', previousEventId: 4 },
      18: { type: 'ParallelStateSucceeded' },
      19: { type: 'ParallelStateExited', previousEventId: 17 },
      20: { type: 'ExecutionSucceeded', previousEventId: 19 },
    },
  },
  {
    name: 'the output follows branch order, not completion order, when the first branch waits',
    definition: parallel({
      Branches: [
        branch({ Slow: { Type: 'Wait', Seconds: 5, Next: 'SlowDone' }, SlowDone: pass({ Result: 'slow' }) }),
        passBranch('Fast', { Result: 'fast' }),
      ],
    }),
    expected: { status: 'SUCCEEDED', output: ['slow', 'fast'] },
    durationMs: 5000,
  },
  {
    name: 'four branches report their outputs in branch order (AWS test_parallel_state_order)',
    definition: parallel({
      Branches: [0, 1, 2, 3].map((n) => passBranch(`B${n}`, { Result: { branch: n } })),
    }),
    expected: { status: 'SUCCEEDED', output: [{ branch: 0 }, { branch: 1 }, { branch: 2 }, { branch: 3 }] },
  },
  {
    name: 'Parameters build the one input that every branch receives',
    definition: parallel({
      Parameters: { 'x.$': '$.a', k: 'v', 'state.$': '$$.State.Name' },
      Branches: [passBranch('A'), passBranch('B')],
    }),
    input: { a: 1, b: 2 },
    expected: {
      status: 'SUCCEEDED',
      output: [
        { x: 1, k: 'v', state: 'Par' },
        { x: 1, k: 'v', state: 'Par' },
      ],
    },
  },
  {
    name: 'InputPath selects the part of the input that every branch receives',
    definition: parallel({ InputPath: '$.sub', Branches: [passBranch('A'), passBranch('B')] }),
    input: { sub: { n: 7 }, other: true },
    expected: { status: 'SUCCEEDED', output: [{ n: 7 }, { n: 7 }] },
  },
  {
    name: 'Parameters are applied to the input selected by InputPath',
    definition: parallel({
      InputPath: '$.sub',
      Parameters: { 'doubled.$': 'States.Array($.n, $.n)' },
      Branches: [passBranch('A')],
    }),
    input: { sub: { n: 7 } },
    expected: { status: 'SUCCEEDED', output: [{ doubled: [7, 7] }] },
  },
  {
    name: 'ResultSelector reshapes the array of branch outputs',
    definition: parallel({
      ResultSelector: { 'first.$': '$[0]', 'second.$': '$[1].v', fixed: 1 },
      Branches: [passBranch('A', { Result: 'a' }), passBranch('B', { Result: { v: 'b' } })],
    }),
    expected: { status: 'SUCCEEDED', output: { first: 'a', second: 'b', fixed: 1 } },
  },
  {
    name: 'ResultPath places the array of branch outputs into the state input',
    definition: parallel({
      ResultPath: '$.results',
      Branches: [passBranch('A', { Result: 1 }), passBranch('B', { Result: 2 })],
    }),
    input: { keep: true },
    expected: { status: 'SUCCEEDED', output: { keep: true, results: [1, 2] } },
  },
  {
    name: 'ResultPath null discards the branch outputs and keeps the state input',
    definition: parallel({ ResultPath: null, Branches: [passBranch('A', { Result: 1 })] }),
    input: { keep: true },
    expected: { status: 'SUCCEEDED', output: { keep: true } },
  },
  {
    name: 'OutputPath selects one element of the array of branch outputs',
    definition: parallel({
      OutputPath: '$[1]',
      Branches: [passBranch('A', { Result: 'a' }), passBranch('B', { Result: 'b' })],
    }),
    expected: { status: 'SUCCEEDED', output: 'b' },
  },
  {
    name: 'ResultSelector, then ResultPath, then OutputPath apply in that order',
    definition: parallel({
      ResultSelector: { 'sum.$': 'States.MathAdd($[0], $[1])' },
      ResultPath: '$.out',
      OutputPath: '$.out.sum',
      Branches: [passBranch('A', { Result: 2 }), passBranch('B', { Result: 3 })],
    }),
    input: { a: 0 },
    expected: { status: 'SUCCEEDED', output: 5 },
  },
  {
    name: 'a Parallel nested in a branch gives a nested array',
    definition: parallel({
      Branches: [
        branch({
          Inner: {
            Type: 'Parallel',
            End: true,
            Branches: [passBranch('A', { Result: 'a' }), passBranch('B', { Result: 'b' })],
          },
        }),
        passBranch('C', { Result: 'c' }),
      ],
    }),
    expected: { status: 'SUCCEEDED', output: [['a', 'b'], 'c'] },
  },
  {
    name: 'a one-branch Parallel nested in a one-branch Parallel wraps the input twice (AWS test_parallel_state_nested)',
    definition: {
      StartAt: 'ParallelStateL1',
      States: {
        ParallelStateL1: {
          Type: 'Parallel',
          End: true,
          Branches: [
            branch({ ParallelStateL2: { Type: 'Parallel', End: true, Branches: [passBranch('BranchL2')] } }),
          ],
        },
      },
    },
    input: { v: 1 },
    expected: { status: 'SUCCEEDED', output: [[{ v: 1 }]] },
    events: [
      'ExecutionStarted',
      'ParallelStateEntered',
      'ParallelStateStarted',
      'ParallelStateEntered',
      'ParallelStateStarted',
      'PassStateEntered',
      'PassStateExited',
      'ParallelStateSucceeded',
      'ParallelStateExited',
      'ParallelStateSucceeded',
      'ParallelStateExited',
      'ExecutionSucceeded',
    ],
    links: [
      [1, 0],
      [2, 0],
      [3, 2],
      [4, 3],
      [5, 4],
      [6, 5],
      [7, 6],
      [8, 7],
      [9, 7],
      [10, 9],
      [11, 9],
      [12, 11],
    ],
  },
  {
    name: 'a Parallel inside a Map iteration gives one array of branch outputs per item',
    definition: {
      StartAt: 'Map',
      States: {
        Map: {
          Type: 'Map',
          End: true,
          ItemProcessor: {
            StartAt: 'Par',
            States: {
              Par: {
                Type: 'Parallel',
                End: true,
                Branches: [
                  passBranch('Same'),
                  passBranch('Double', { Parameters: { 'v.$': 'States.MathAdd($, $)' } }),
                ],
              },
            },
          },
        },
      },
    },
    input: [1, 2],
    expected: {
      status: 'SUCCEEDED',
      output: [
        [1, { v: 2 }],
        [2, { v: 4 }],
      ],
    },
  },
  {
    name: 'a Map inside a Parallel branch gives the Map result as that branch output',
    definition: parallel({
      Branches: [
        branch({
          Map: {
            Type: 'Map',
            ItemsPath: '$.items',
            End: true,
            ItemProcessor: { StartAt: 'Item', States: { Item: pass({ Parameters: { 'item.$': '$' } }) } },
          },
        }),
        passBranch('Count', { Parameters: { 'n.$': 'States.ArrayLength($.items)' } }),
      ],
    }),
    input: { items: ['x', 'y'] },
    expected: { status: 'SUCCEEDED', output: [[{ item: 'x' }, { item: 'y' }], { n: 2 }] },
  },
  {
    name: 'a Succeed state ends only its branch, whose output is the Succeed state input',
    definition: {
      StartAt: 'Par',
      States: {
        Par: {
          Type: 'Parallel',
          Next: 'After',
          Branches: [
            branch({ Done: { Type: 'Succeed' } }),
            branch({ First: { Type: 'Pass', Result: 'b', Next: 'Last' }, Last: { Type: 'Succeed' } }),
          ],
        },
        After: pass({ Parameters: { 'results.$': '$' } }),
      },
    },
    input: { v: 1 },
    expected: { status: 'SUCCEEDED', output: { results: [{ v: 1 }, 'b'] } },
    events: [
      'ExecutionStarted',
      'ParallelStateEntered',
      'ParallelStateStarted',
      'SucceedStateEntered',
      'SucceedStateExited',
      'PassStateEntered',
      'PassStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ParallelStateSucceeded',
      'ParallelStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ],
  },
  {
    name: 'a branch may run a Choice that picks its own path',
    definition: parallel({
      Branches: [
        branch(
          {
            Pick: {
              Type: 'Choice',
              Choices: [{ Variable: '$.n', NumericGreaterThan: 5, Next: 'Big' }],
              Default: 'Small',
            },
            Big: pass({ Result: 'big' }),
            Small: pass({ Result: 'small' }),
          },
          'Pick',
        ),
        passBranch('Echo', { InputPath: '$.n' }),
      ],
    }),
    input: { n: 9 },
    expected: { status: 'SUCCEEDED', output: ['big', 9] },
  },
  {
    name: 'a branch Task calls its Lambda function with the branch input',
    definition: parallel({
      Branches: [
        branch({ Call: { Type: 'Task', Resource: `${LAMBDA_ARN}double`, End: true } }),
        passBranch('Keep'),
      ],
    }),
    functions: { double: (event) => ({ v: (event as { v: number }).v * 2 }) },
    input: { v: 21 },
    expected: { status: 'SUCCEEDED', output: [{ v: 42 }, { v: 21 }] },
  },
  {
    name: 'a Fail state in a branch fails the execution with the branch own error and cause (AWS test_parallel_state_fail)',
    definition: parallel({ Branches: [FAIL_BRANCH] }),
    expected: { status: 'FAILED', error: 'FailureType', cause: 'Cause description' },
    events: [
      'ExecutionStarted',
      'ParallelStateEntered',
      'ParallelStateStarted',
      'FailStateEntered',
      'ParallelStateFailed',
      'ExecutionFailed',
    ],
    links: [
      [1, 0],
      [2, 0],
      [3, 2],
      [4, 3],
      [5, 4],
      [6, 5],
    ],
  },
  {
    name: 'a caught branch failure writes ParallelStateFailed then ParallelStateExited with the error output (AWS test_parallel_state_catch)',
    definition: {
      StartAt: 'Par',
      States: {
        Par: {
          Type: 'Parallel',
          Next: 'Final',
          Branches: [FAIL_BRANCH],
          Catch: [{ ErrorEquals: ['FailureType'], Next: 'Caught' }],
        },
        Caught: pass(),
        Final: pass(),
      },
    },
    expected: { status: 'SUCCEEDED', output: { Error: 'FailureType', Cause: 'Cause description' } },
    events: [
      'ExecutionStarted',
      'ParallelStateEntered',
      'ParallelStateStarted',
      'FailStateEntered',
      'ParallelStateFailed',
      'ParallelStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ],
    links: [
      [1, 0],
      [2, 0],
      [3, 2],
      [4, 3],
      [5, 4],
      [6, 5],
      [7, 6],
      [8, 7],
      [9, 8],
    ],
    eventDetails: {
      6: {
        stateExitedEventDetails: {
          name: 'Par',
          output: '{"Error":"FailureType","Cause":"Cause description"}',
        },
      },
      7: { stateEnteredEventDetails: { name: 'Caught' } },
    },
  },
  {
    name: 'a catcher with ResultPath keeps the Parallel input and adds the error output',
    definition: {
      StartAt: 'Par',
      States: {
        Par: {
          Type: 'Parallel',
          End: true,
          Branches: [FAIL_BRANCH],
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Caught' }],
        },
        Caught: pass(),
      },
    },
    input: { order: 7 },
    expected: {
      status: 'SUCCEEDED',
      output: { order: 7, error: { Error: 'FailureType', Cause: 'Cause description' } },
    },
  },
  {
    name: 'a failing branch aborts a sibling branch waiting in a Wait state at once',
    definition: parallel({
      Branches: [
        branch({ Waiting: { Type: 'Wait', Seconds: 100, End: true } }),
        branch({ Boom: { Type: 'Fail', Error: 'Boom', Cause: 'stop' } }),
      ],
    }),
    expected: { status: 'FAILED', error: 'Boom', cause: 'stop' },
    events: [
      'ExecutionStarted',
      'ParallelStateEntered',
      'ParallelStateStarted',
      'WaitStateEntered',
      'FailStateEntered',
      'WaitStateAborted',
      'ParallelStateFailed',
      'ExecutionFailed',
    ],
    // The abort and the state failure both point at the failing event (as AWS writes for Map siblings, §13).
    links: [
      [1, 0],
      [2, 0],
      [3, 2],
      [4, 3],
      [5, 3],
      [6, 5],
      [7, 5],
      [8, 7],
    ],
    durationMs: 0,
  },
  {
    name: 'a branch failing after a wait aborts a sibling still waiting, at the time of the failure',
    definition: parallel({
      Branches: [
        branch({ Short: { Type: 'Wait', Seconds: 5, Next: 'Boom' }, Boom: { Type: 'Fail', Error: 'Boom' } }),
        branch({ Long: { Type: 'Wait', Seconds: 60, End: true } }),
      ],
    }),
    expected: { status: 'FAILED', error: 'Boom' },
    events: [
      'ExecutionStarted',
      'ParallelStateEntered',
      'ParallelStateStarted',
      'WaitStateEntered',
      'WaitStateEntered',
      'WaitStateExited',
      'FailStateEntered',
      'WaitStateAborted',
      'ParallelStateFailed',
      'ExecutionFailed',
    ],
    links: [
      [1, 0],
      [2, 0],
      [3, 2],
      [4, 3],
      [5, 3],
      [6, 4],
      [7, 6],
      [8, 7],
      [9, 7],
      [10, 9],
    ],
    durationMs: 5000,
  },
  {
    name: 'a failing branch aborts a sibling Task whose Lambda function never answers',
    definition: parallel({
      Branches: [
        branch({
          Hang: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: 'hang', 'Payload.$': '$' },
            End: true,
          },
        }),
        branch({ Boom: { Type: 'Fail', Error: 'Boom', Cause: 'stop' } }),
      ],
    }),
    functions: { hang: () => new Promise(() => {}) },
    expected: { status: 'FAILED', error: 'Boom', cause: 'stop' },
    events: [
      'ExecutionStarted',
      'ParallelStateEntered',
      'ParallelStateStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'FailStateEntered',
      'TaskStateAborted',
      'ParallelStateFailed',
      'ExecutionFailed',
    ],
    links: [
      [1, 0],
      [2, 0],
      [3, 2],
      [4, 3],
      [5, 4],
      [6, 5],
      [7, 3],
      [8, 7],
      [9, 7],
      [10, 9],
    ],
  },
  {
    name: 'Retry on a Parallel reruns the branches: ParallelStateStarted repeats with no Failed event between attempts (AWS test_parallel_state_retry)',
    definition: parallel({
      Branches: [FAIL_BRANCH],
      Retry: [{ ErrorEquals: ['FailureType'], MaxAttempts: 2 }],
    }),
    expected: { status: 'FAILED', error: 'FailureType', cause: 'Cause description' },
    events: [
      'ExecutionStarted',
      'ParallelStateEntered',
      'ParallelStateStarted',
      'FailStateEntered',
      'ParallelStateStarted',
      'FailStateEntered',
      'ParallelStateStarted',
      'FailStateEntered',
      'ParallelStateFailed',
      'ExecutionFailed',
    ],
    links: [
      [1, 0],
      [2, 0],
      [3, 2],
      [4, 3],
      [5, 4],
      [6, 5],
      [7, 6],
      [8, 7],
      [9, 8],
      [10, 9],
    ],
    // Default IntervalSeconds 1 and BackoffRate 2.0: retries after 1 s, then 2 s.
    durationMs: 3000,
  },
  {
    name: 'a Parallel retry reruns every branch and succeeds once the failing branch succeeds',
    definition: parallel({
      Branches: [
        branch({ Flaky: { Type: 'Task', Resource: `${LAMBDA_ARN}flaky`, End: true } }),
        branch({ Count: { Type: 'Task', Resource: `${LAMBDA_ARN}count`, End: true } }),
      ],
      Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 3, MaxAttempts: 1 }],
    }),
    // A getter: each run gets fresh call counters.
    get functions() {
      let flakyCalls = 0;
      let countCalls = 0;
      return {
        flaky: () => {
          flakyCalls++;
          if (flakyCalls === 1) throw new Error('first call fails');
          return 'ok';
        },
        count: () => {
          countCalls++;
          return countCalls;
        },
      };
    },
    expected: { status: 'SUCCEEDED', output: ['ok', 2] },
    durationMs: 3000,
  },
  {
    name: 'retries exhausted, a catcher still handles the branch error',
    definition: {
      StartAt: 'Par',
      States: {
        Par: {
          Type: 'Parallel',
          End: true,
          Branches: [FAIL_BRANCH],
          Retry: [{ ErrorEquals: ['FailureType'], IntervalSeconds: 2, MaxAttempts: 1 }],
          Catch: [{ ErrorEquals: ['FailureType'], Next: 'Caught' }],
        },
        Caught: pass(),
      },
    },
    expected: { status: 'SUCCEEDED', output: { Error: 'FailureType', Cause: 'Cause description' } },
    events: [
      'ExecutionStarted',
      'ParallelStateEntered',
      'ParallelStateStarted',
      'FailStateEntered',
      'ParallelStateStarted',
      'FailStateEntered',
      'ParallelStateFailed',
      'ParallelStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ],
    durationMs: 2000,
  },
  {
    name: 'a Parameters path that selects nothing fails the Parallel with States.Runtime before any branch starts',
    definition: parallel({ Parameters: { 'v.$': '$.missing' }, Branches: [passBranch('A')] }),
    input: { a: 1 },
    expected: {
      status: 'FAILED',
      error: 'States.Runtime',
      cause:
        "An error occurred while executing the state 'Par' (entered at the event id #2). The JSONPath '$.missing' specified for the field 'v.$' could not be found in the input '{\"a\":1}'",
    },
    events: ['ExecutionStarted', 'ParallelStateEntered', 'ExecutionFailed'],
  },
  {
    name: 'a States.Runtime error inside a branch is not caught by the Parallel state States.ALL catcher',
    definition: {
      StartAt: 'Par',
      States: {
        Par: {
          Type: 'Parallel',
          End: true,
          Branches: [passBranch('Inner', { OutputPath: '$.no.such' })],
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
        },
        Caught: pass(),
      },
    },
    input: { a: 1 },
    expected: {
      status: 'FAILED',
      error: 'States.Runtime',
      cause: /Invalid path '\$\.no\.such' : Missing property in path \$\['no'\]/,
    },
  },
];
