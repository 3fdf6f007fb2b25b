import { expect } from 'vitest';
import type { ConformanceCase } from '../conformance-case.ts';

/**
 * Behaviours found by comparing Statefold's histories with executions recorded on AWS: the shapes and links AWS
 * writes where the documentation says nothing, and its payload quota applied to every state's output.
 */

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

const distributedMap = (extra: object = {}) => ({
  StartAt: 'Map',
  States: {
    Map: {
      Type: 'Map',
      End: true,
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
        StartAt: 'Item',
        States: { Item: { Type: 'Pass', End: true } },
      },
      ...extra,
    },
  },
});

/** Text of `n` characters, to build payloads near AWS's 256 KiB quota. */
const text = (n: number) => 'x'.repeat(n);

const TOO_LARGE_CAUSE = (state: string) =>
  `The state/task '${state}' returned a result with a size exceeding the maximum number of bytes service limit.`;

const ECHO_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:echo';

/** A lambda:invoke of `echo` with this Payload; the output is what the function received. */
const invokeEcho = (payload: unknown) => ({
  StartAt: 'Call',
  States: {
    Call: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: ECHO_ARN, Payload: payload },
      OutputPath: '$.Payload',
      End: true,
    },
  },
});

const echo = (event: unknown) => event;

const payloadCases: ConformanceCase[] = [
  ['"true"', 'true', true],
  ['"0.0"', '0.0', 0],
  ['"HelloWorld"', 'HelloWorld', 'HelloWorld'],
  ['"{\\"a\\":1}"', '{"a":1}', { a: 1 }],
  ['null', null, {}],
].map(([label, payload, received]) => ({
  name: `a lambda:invoke Payload of ${label} reaches the function as ${JSON.stringify(received)}`,
  definition: invokeEcho(payload),
  functions: { echo },
  expected: { status: 'SUCCEEDED' as const, output: received as never },
}));

export const asAwsRecordsCases: ConformanceCase[] = [
  ...payloadCases,
  {
    name: 'a lambda:invoke without Payload sends the function {}',
    definition: {
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: ECHO_ARN },
          OutputPath: '$.Payload',
          End: true,
        },
      },
    },
    input: { ignored: true },
    functions: { echo },
    expected: { status: 'SUCCEEDED', output: {} },
  },
  {
    name: 'a Distributed Map without a Label has a Map Run ARN with a whole UUID where the label goes',
    definition: distributedMap(),
    input: ['a'],
    expected: { status: 'SUCCEEDED', output: ['a'] },
    eventDetails: {
      4: {
        type: 'MapRunStarted',
        mapRunStartedEventDetails: {
          mapRunArn: expect.stringMatching(new RegExp(`:mapRun:[^/:]+/${UUID}:${UUID}$`)),
        },
      },
    },
  },
  {
    name: 'a Distributed Map with a Label has a Map Run ARN of the label and a UUID',
    definition: distributedMap({ Label: 'Batch' }),
    input: ['a'],
    expected: { status: 'SUCCEEDED', output: ['a'] },
    eventDetails: {
      4: {
        mapRunStartedEventDetails: {
          mapRunArn: expect.stringMatching(new RegExp(`:mapRun:[^/:]+/Batch:${UUID}$`)),
        },
      },
    },
  },
  {
    name: "a Distributed Map's MapStateExited links to its MapRunStarted event",
    definition: distributedMap({ Label: 'Batch' }),
    input: [],
    expected: { status: 'SUCCEEDED', output: [] },
    events: [
      'ExecutionStarted',
      'MapStateEntered',
      'MapStateStarted',
      'MapRunStarted',
      'MapRunSucceeded',
      'MapStateSucceeded',
      'MapStateExited',
      'ExecutionSucceeded',
    ],
    links: [
      [1, 0],
      [2, 0],
      [3, 2],
      [4, 3],
      [5, 4],
      [6, 5],
      [7, 4],
      [8, 7],
    ],
  },
  {
    name: 'a Pass state whose output is over 256 KiB fails the execution with States.DataLimitExceeded',
    definition: {
      StartAt: 'Double',
      States: { Double: { Type: 'Pass', Parameters: { 'a.$': '$.s', 'b.$': '$.s' }, End: true } },
    },
    input: { s: text(140_000) },
    expected: { status: 'FAILED', error: 'States.DataLimitExceeded', cause: TOO_LARGE_CAUSE('Double') },
    events: ['ExecutionStarted', 'PassStateEntered', 'ExecutionFailed'],
  },
  {
    name: 'a States.ALL catcher does not catch States.DataLimitExceeded: the execution fails',
    definition: {
      StartAt: 'Double',
      States: {
        Double: {
          Type: 'Parallel',
          Branches: [
            {
              StartAt: 'Inner',
              States: { Inner: { Type: 'Pass', Parameters: { 'a.$': '$.s', 'b.$': '$.s' }, End: true } },
            },
          ],
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
          End: true,
        },
        Caught: { Type: 'Pass', Result: 'caught', End: true },
      },
    },
    input: { s: text(140_000) },
    expected: { status: 'FAILED', error: 'States.DataLimitExceeded', cause: TOO_LARGE_CAUSE('Inner') },
  },
  {
    name: 'a catcher that names States.DataLimitExceeded catches it',
    definition: {
      StartAt: 'Double',
      States: {
        Double: {
          Type: 'Parallel',
          Branches: [
            {
              StartAt: 'Inner',
              States: { Inner: { Type: 'Pass', Parameters: { 'a.$': '$.s', 'b.$': '$.s' }, End: true } },
            },
          ],
          Catch: [{ ErrorEquals: ['States.DataLimitExceeded'], ResultPath: '$.error', Next: 'Caught' }],
          End: true,
        },
        Caught: { Type: 'Pass', Parameters: { 'error.$': '$.error.Error' }, End: true },
      },
    },
    input: { s: text(140_000) },
    expected: { status: 'SUCCEEDED', output: { error: 'States.DataLimitExceeded' } },
  },
  {
    name: 'an output just under 256 KiB passes',
    definition: { StartAt: 'Keep', States: { Keep: { Type: 'Pass', End: true } } },
    input: { s: text(262_000) },
    expected: { status: 'SUCCEEDED', output: { s: text(262_000) } },
  },
  {
    name: 'a state with an empty Assign records no assignedVariables in its Exited event',
    definition: {
      StartAt: 'Nothing',
      States: {
        Nothing: { Type: 'Pass', Assign: {}, Next: 'Something' },
        Something: { Type: 'Pass', Assign: { n: 1 }, End: true },
      },
    },
    expected: { status: 'SUCCEEDED', output: {} },
    eventDetails: {
      3: {
        type: 'PassStateExited',
        stateExitedEventDetails: expect.not.objectContaining({ assignedVariables: expect.anything() }),
      },
      5: { type: 'PassStateExited', stateExitedEventDetails: { assignedVariables: { n: '1' } } },
    },
  },
  ...[
    ['a string', '"many"', 'many'],
    ['a negative number', '-1', '-1'],
    ['a fraction', '1.5', '1.5'],
  ].map(
    ([label, json, shown]): ConformanceCase => ({
      name: `a MaxConcurrencyPath that gives ${label} fails the Map with States.Runtime before MapStateStarted`,
      definition: {
        StartAt: 'Map',
        States: {
          Map: {
            Type: 'Map',
            ItemsPath: '$.items',
            MaxConcurrencyPath: '$.limit',
            ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
            End: true,
          },
        },
      },
      input: { items: [1], limit: JSON.parse(json as string) },
      expected: {
        status: 'FAILED',
        error: 'States.Runtime',
        cause: new RegExp(
          `The MaxConcurrencyPath field refers to value "${(shown as string).replace('.', '\\.')}" which is not a valid integer: \\$\\.limit$`,
        ),
      },
      events: ['ExecutionStarted', 'MapStateEntered', 'ExecutionFailed'],
    }),
  ),
  ...(['ErrorPath', 'CausePath'] as const).map(
    (field): ConformanceCase => ({
      name: `a Fail ${field} that selects nothing fails with a cause naming the path, the field and the state input`,
      definition: {
        StartAt: 'Stop',
        States: {
          Stop: {
            Type: 'Fail',
            ...(field === 'ErrorPath'
              ? { ErrorPath: '$.missing', Cause: 'c' }
              : { Error: 'E', CausePath: '$.missing' }),
          },
        },
      },
      input: { present: 1 },
      expected: {
        status: 'FAILED',
        error: 'States.Runtime',
        cause: new RegExp(
          `The JSONPath '\\$\\.missing' specified for the field '${field}' could not be found in the input '\\{"present":1\\}'$`,
        ),
      },
    }),
  ),
  {
    name: 'a Parameters path into the context object that selects nothing shows the state input in its cause',
    definition: {
      StartAt: 'P',
      States: { P: { Type: 'Pass', Parameters: { 'token.$': '$$.Task.Token' }, End: true } },
    },
    input: { here: true },
    expected: {
      status: 'FAILED',
      error: 'States.Runtime',
      cause:
        /The JSONPath '\$\$\.Task\.Token' specified for the field 'token\.\$' could not be found in the input '\{"here":true\}'$/,
    },
  },
  {
    name: 'a Parameters path that selects nothing after InputPath shows the effective input, not the raw one',
    definition: {
      StartAt: 'P',
      States: { P: { Type: 'Pass', InputPath: '$.inner', Parameters: { 'x.$': '$.missing' }, End: true } },
    },
    input: { inner: { a: 1 }, other: 2 },
    expected: {
      status: 'FAILED',
      error: 'States.Runtime',
      cause:
        /The JSONPath '\$\.missing' specified for the field 'x\.\$' could not be found in the input '\{"a":1\}'$/,
    },
    events: ['ExecutionStarted', 'PassStateEntered', 'ExecutionFailed'],
  },
  {
    name: "a Task's Parameters path that selects nothing after InputPath shows the effective input",
    definition: {
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: ECHO_ARN,
          InputPath: '$.order',
          Parameters: { 'id.$': '$.id', 'customer.$': '$.customer' },
          End: true,
        },
      },
    },
    input: { order: { id: 'o-1' }, customer: 'c-1' },
    functions: { echo },
    expected: {
      status: 'FAILED',
      error: 'States.Runtime',
      cause:
        /The JSONPath '\$\.customer' specified for the field 'customer\.\$' could not be found in the input '\{"id":"o-1"\}'$/,
    },
    events: ['ExecutionStarted', 'TaskStateEntered', 'ExecutionFailed'],
  },
  {
    name: 'a Wait until more than a year from now fails with States.Runtime: the delay is too long',
    definition: { StartAt: 'W', States: { W: { Type: 'Wait', TimestampPath: '$.until', End: true } } },
    input: { until: '2030-01-01T00:00:00Z' },
    expected: { status: 'FAILED', error: 'States.Runtime', cause: /Wait state delay is too long\.$/ },
    events: ['ExecutionStarted', 'WaitStateEntered', 'ExecutionFailed'],
  },
  {
    name: 'a Wait until just under a year from now waits',
    definition: { StartAt: 'W', States: { W: { Type: 'Wait', TimestampPath: '$.until', End: true } } },
    input: { until: '2026-12-31T00:00:00Z' },
    expected: { status: 'SUCCEEDED', output: { until: '2026-12-31T00:00:00Z' } },
  },
  {
    name: 'a JSONPath with surrounding whitespace is the path without it, as AWS trims it',
    definition: {
      StartAt: 'P',
      States: {
        P: {
          Type: 'Pass',
          InputPath: ' $.inner ',
          Parameters: { 'v.$': '$.v ', 'ok.$': ' $$.State.Name' },
          End: true,
        },
      },
    },
    input: { inner: { v: 7 } },
    expected: { status: 'SUCCEEDED', output: { v: 7, ok: 'P' } },
  },
  {
    name: 'a custom error name with the States. prefix is matched like any other name',
    definition: {
      StartAt: 'Fail',
      States: {
        Fail: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'States.QuorumMet', Cause: 'enough' } } },
          ],
          Catch: [{ ErrorEquals: ['States.QuorumMet'], Next: 'Done' }],
          End: true,
        },
        Done: { Type: 'Pass', Result: 'quorum', End: true },
      },
    },
    expected: { status: 'SUCCEEDED', output: 'quorum' },
  },
  {
    name: 'a Pass state with an array Parameters gives the array with its paths filled in',
    definition: {
      StartAt: 'P',
      States: { P: { Type: 'Pass', Parameters: [1, { 'a.$': '$.a' }], End: true } },
    },
    input: { a: 'x' },
    expected: { status: 'SUCCEEDED', output: [1, { a: 'x' }] },
  },
  {
    name: 'a filter the path library cannot evaluate (an unquoted word) fails the state with States.Runtime at once',
    definition: {
      StartAt: 'P',
      States: { P: { Type: 'Pass', Parameters: { 'r.$': '$.r[?(@.k == FooBar)]' }, End: true } },
    },
    input: { r: [{ k: 1 }] },
    expected: {
      status: 'FAILED',
      error: 'States.Runtime',
      cause: /Invalid path '\$\.r\[\?\(@\.k == FooBar\)\]' : /,
    },
    events: ['ExecutionStarted', 'PassStateEntered', 'ExecutionFailed'],
  },
  {
    name: 'a script expression on an object fails the state with States.Runtime',
    definition: { StartAt: 'P', States: { P: { Type: 'Pass', InputPath: '$.o[(@.length-1)]', End: true } } },
    input: { o: { x: 1 } },
    expected: { status: 'FAILED', error: 'States.Runtime' },
  },
  {
    name: 'bracket notation with an escaped quote in the name selects that key',
    definition: {
      StartAt: 'P',
      States: { P: { Type: 'Pass', Parameters: { 'v.$': "$['Test\\\"Name']" }, End: true } },
    },
    input: { 'Test"Name': 'found' },
    expected: { status: 'SUCCEEDED', output: { v: 'found' } },
  },
  {
    name: 'in a JSONata state a key ending in .$ inside Output is an ordinary key',
    definition: {
      QueryLanguage: 'JSONata',
      StartAt: 'P',
      States: { P: { Type: 'Pass', Output: { 'v.$': '$.v', n: '{% 1 + 1 %}' }, End: true } },
    },
    input: { v: 1 },
    expected: { status: 'SUCCEEDED', output: { 'v.$': '$.v', n: 2 } },
  },
  {
    name: 'in a JSONata Task a key ending in .$ inside Arguments is an ordinary key, sent as written',
    definition: {
      QueryLanguage: 'JSONata',
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: ECHO_ARN,
          Arguments: { 'v.$': '$.v', n: '{% $states.input.v + 1 %}' },
          End: true,
        },
      },
    },
    input: { v: 1 },
    functions: { echo },
    expected: { status: 'SUCCEEDED', output: { 'v.$': '$.v', n: 2 } },
  },
  {
    name: 'in a JSONata lambda:invoke a .$ key nested in the Arguments Payload is an ordinary key',
    definition: {
      QueryLanguage: 'JSONata',
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Arguments: { FunctionName: ECHO_ARN, Payload: { 'who.$': '$$.Execution.Name', keep: true } },
          Output: '{% $states.result.Payload %}',
          End: true,
        },
      },
    },
    functions: { echo },
    expected: { status: 'SUCCEEDED', output: { 'who.$': '$$.Execution.Name', keep: true } },
  },
  {
    name: "a Parallel branch may assign a name the outer scope assigns; the branch's value stays in the branch",
    definition: {
      StartAt: 'Init',
      States: {
        Init: { Type: 'Pass', Assign: { x: 1 }, Next: 'Both' },
        Both: {
          Type: 'Parallel',
          Branches: [
            {
              StartAt: 'Set',
              States: {
                Set: { Type: 'Pass', Assign: { x: 2 }, Next: 'Read' },
                Read: { Type: 'Pass', Parameters: { 'inner.$': '$x' }, End: true },
              },
            },
          ],
          Next: 'After',
        },
        After: { Type: 'Pass', Parameters: { 'branch.$': '$[0].inner', 'outer.$': '$x' }, End: true },
      },
    },
    expected: { status: 'SUCCEEDED', output: { branch: 2, outer: 1 } },
  },
  {
    name: 'a JSONata Map whose Items is not an array writes EvaluationFailed without a location',
    definition: {
      QueryLanguage: 'JSONata',
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          Items: '{% $states.input.v %}',
          ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
          End: true,
        },
      },
    },
    input: { v: 'not a list' },
    expected: { status: 'FAILED', error: 'States.QueryEvaluationError' },
    eventDetails: {
      3: {
        type: 'EvaluationFailed',
        evaluationFailedEventDetails: expect.not.objectContaining({ location: expect.anything() }),
      },
    },
  },
];
