import { describe, expect, it } from 'vitest';
import { formatInvalidDefinition, parseDefinition } from '../../../shared/asl/parse-definition.ts';
import { validateDefinition } from '../../../shared/asl/validate-definition.ts';

const end = { Type: 'Pass', End: true };
const succeed = { Type: 'Succeed' };
const RESOURCE = 'arn:aws:states:::lambda:invoke';
const task = (fields: object = {}) => ({ Type: 'Task', Resource: RESOURCE, End: true, ...fields });
const wait = (fields: object) => ({ Type: 'Wait', End: true, ...fields });
const map = (fields: object = {}, item = 'Item') => ({
  Type: 'Map',
  End: true,
  ItemProcessor: { StartAt: item, States: { [item]: end } },
  ...fields,
});
/** The same state leaving for `target` instead of ending. */
const next = ({ End: _end, ...state }: { End?: boolean } & Record<string, unknown>, target: string) => ({
  ...state,
  Next: target,
});
const parallel = (...branches: object[]) => ({ Type: 'Parallel', End: true, Branches: branches });
const block = (states: Record<string, unknown>) => ({ StartAt: Object.keys(states)[0], States: states });
const choice = (next: string, fallback: string, fields: object = {}) => ({
  Type: 'Choice',
  Choices: [{ Variable: '$.x', StringEquals: 'a', Next: next }],
  Default: fallback,
  ...fields,
});
const machine = (states: Record<string, unknown>, fields: object = {}) => ({ ...block(states), ...fields });
/** A machine whose only state is `state`, named A. */
const one = (state: object, fields: object = {}) => machine({ A: state }, fields);

type Expected = readonly [code: string, location: string, message: string];
const S = 'SCHEMA_VALIDATION_FAILED';
const TARGET = 'MISSING_TRANSITION_TARGET';
const NO_END: Expected = ['MISSING_END_STATE', '', 'Workflow has no terminal state'];
const WAIT_ONE_OF = '[SecondsPath, Seconds, TimestampPath, Timestamp]';

const INVALID: ReadonlyArray<{ rule: string; definition: unknown; expected: Expected[] }> = [
  // Whole definition
  {
    rule: 'text that is not JSON is INVALID_JSON_DESCRIPTION with a Jackson location',
    definition: 'not a definition',
    expected: [
      [
        'INVALID_JSON_DESCRIPTION',
        '[Source: (String)"not a definition"; line: 1, column: 4]',
        "Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: (String)\"not a definition\"; line: 1, column: 4]",
      ],
    ],
  },
  {
    rule: 'blank text is not a JSON object',
    definition: ' ',
    expected: [[S, '', 'Definition must be a valid JSON object']],
  },
  {
    rule: 'a JSON array is not a definition',
    definition: '[]',
    expected: [[S, '', 'Definition must be a valid JSON object']],
  },
  {
    rule: 'an empty object lacks States and StartAt',
    definition: '{}',
    expected: [[S, '/', 'These fields are required: [States, StartAt]']],
  },
  {
    rule: 'a definition without StartAt',
    definition: { States: { A: end } },
    expected: [[S, '/', 'These fields are required: [StartAt]']],
  },
  {
    rule: 'an unknown top-level field',
    definition: one(end, { Foo: 1 }),
    expected: [[S, '/', "Field 'Foo' is not supported"]],
  },
  {
    rule: 'Version other than 1.0',
    definition: one(end, { Version: '2.0' }),
    expected: [[S, '/Version', 'Value should be one of the following: [1.0]']],
  },
  {
    rule: 'top-level TimeoutSeconds below 1',
    definition: one(end, { TimeoutSeconds: 0 }),
    expected: [[S, '/TimeoutSeconds', 'Minimum value is 1']],
  },
  {
    rule: 'top-level TimeoutSeconds that is not an integer',
    definition: one(end, { TimeoutSeconds: '60' }),
    expected: [[S, '/TimeoutSeconds', 'Expected value of type [INTEGER]']],
  },
  {
    rule: 'an unknown QueryLanguage',
    definition: one(end, { QueryLanguage: 'XPath' }),
    expected: [[S, '/QueryLanguage', 'Value should be one of the following: [JSONPath, JSONata]']],
  },
  // Transitions and reachability
  {
    rule: 'StartAt naming no state (every state is then unreachable)',
    definition: { StartAt: 'X', States: { A: end } },
    expected: [
      [TARGET, '/StartAt', "Missing 'Next' target: X"],
      [TARGET, '/States/A', 'State "A" is not reachable.'],
    ],
  },
  {
    rule: 'Next naming no state, AWS example (localstack/localstack#11978)',
    definition: machine({ pass1: { Type: 'Pass', Next: 'pass3' }, pass2: end }),
    expected: [
      [TARGET, '/States/pass1/Next', "Missing 'Next' target: pass3"],
      [TARGET, '/States/pass2', 'State "pass2" is not reachable.'],
    ],
  },
  {
    rule: 'a dangling Next in a machine with no terminal state also gets MISSING_END_STATE',
    definition: one({ Type: 'Pass', Next: 'NOPE' }),
    expected: [[TARGET, '/States/A/Next', "Missing 'Next' target: NOPE"], NO_END],
  },
  {
    rule: 'Choice Default naming no state',
    definition: machine({ C: choice('B', 'X'), B: succeed }),
    expected: [[TARGET, '/States/C/Default', "Missing 'Next' target: X"]],
  },
  {
    rule: 'Choice rule Next naming no state',
    definition: machine({ C: choice('X', 'B'), B: succeed }),
    expected: [[TARGET, '/States/C/Choices[0]/Next', "Missing 'Next' target: X"]],
  },
  {
    rule: 'Catch Next naming no state',
    definition: one(task({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'X' }] })),
    expected: [[TARGET, '/States/A/Catch[0]/Next', "Missing 'Next' target: X"]],
  },
  {
    rule: 'a state nothing transitions to',
    definition: machine({ A: end, B: end }),
    expected: [[TARGET, '/States/B', 'State "B" is not reachable.']],
  },
  {
    rule: 'a loop with no terminal state',
    definition: machine({ A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'A' } }),
    expected: [NO_END],
  },
  {
    rule: 'MISSING_END_STATE stands in for the unreachable states of a loop',
    definition: machine({
      A: { Type: 'Pass', Next: 'B' },
      B: { Type: 'Pass', Next: 'A' },
      C: { Type: 'Pass', Next: 'A' },
    }),
    expected: [NO_END],
  },
  {
    rule: 'a loop plus an unreachable terminal state',
    definition: machine({ A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'A' }, C: end }),
    expected: [[TARGET, '/States/C', 'State "C" is not reachable.']],
  },
  {
    rule: 'a state with neither Next nor End',
    definition: machine({ C: choice('P', 'B'), P: { Type: 'Pass' }, B: succeed }),
    expected: [[S, '/States/P', 'This object should have only one of the following fields: [Next, End]']],
  },
  {
    rule: 'End false without Next',
    definition: machine({ C: choice('P', 'B'), P: { Type: 'Pass', End: false }, B: succeed }),
    expected: [[S, '/States/P', 'This object should have only one of the following fields: [Next, End]']],
  },
  {
    rule: 'Next together with End',
    definition: machine({ A: { Type: 'Pass', Next: 'B', End: true }, B: succeed }),
    expected: [[S, '/States/A', 'There should only be one of the following fields: [Next, End]']],
  },
  {
    rule: 'Succeed with Next',
    definition: machine({ A: { Type: 'Succeed', Next: 'B' }, B: succeed }),
    expected: [
      [S, '/States/A', "Field 'Next' is not supported"],
      [TARGET, '/States/B', 'State "B" is not reachable.'],
    ],
  },
  {
    rule: 'Fail with End',
    definition: one({ Type: 'Fail', End: true }),
    expected: [[S, '/States/A', "Field 'End' is not supported"]],
  },
  {
    rule: 'Choice with End',
    definition: machine({ C: choice('B', 'B', { End: true }), B: succeed }),
    expected: [[S, '/States/C', "Field 'End' is not supported"]],
  },
  // State types and fields
  {
    rule: 'a state without Type',
    definition: machine({ A: { End: true } }),
    expected: [[S, '/States/A', 'These fields are required: [Type]']],
  },
  {
    rule: 'an unknown Type',
    definition: one({ Type: 'Sleep', End: true }),
    expected: [
      [
        S,
        '/States/A/Type',
        'Value should be one of the following: [Pass, Task, Choice, Wait, Succeed, Fail, Parallel, Map]',
      ],
    ],
  },
  {
    rule: 'a state that is not an object',
    definition: machine({ A: end, B: 'Pass' }),
    expected: [
      [S, '/States/B', 'Expected value of type [OBJECT]'],
      [TARGET, '/States/B', 'State "B" is not reachable.'],
    ],
  },
  {
    rule: 'TimeoutSeconds on a Map (floci-io/floci#2735)',
    definition: machine({ M: map({ TimeoutSeconds: 5 }) }),
    expected: [[S, '/States/M', "Field 'TimeoutSeconds' is not supported"]],
  },
  {
    rule: 'Retry on a Pass',
    definition: one({ ...end, Retry: [] }),
    expected: [[S, '/States/A', "Field 'Retry' is not supported"]],
  },
  {
    rule: 'ResultSelector on a Pass',
    definition: one({ ...end, ResultSelector: {} }),
    expected: [[S, '/States/A', "Field 'ResultSelector' is not supported"]],
  },
  {
    rule: 'a misspelt field',
    definition: one({ ...end, Nxt: 'B' }),
    expected: [[S, '/States/A', "Field 'Nxt' is not supported"]],
  },
  {
    rule: 'a Task without Resource',
    definition: one({ Type: 'Task', End: true }),
    expected: [[S, '/States/A', 'These fields are required: [Resource]']],
  },
  {
    rule: 'a Task Resource that is not a string',
    definition: one(task({ Resource: 1 })),
    expected: [[S, '/States/A/Resource', 'Expected value of type [STRING]']],
  },
  {
    rule: 'a state Comment that is not a string',
    definition: one({ ...end, Comment: 1 }),
    expected: [[S, '/States/A/Comment', 'Expected value of type [STRING]']],
  },
  // Field combinations and ranges
  {
    rule: 'Seconds with SecondsPath',
    definition: one(wait({ Seconds: 1, SecondsPath: '$.s' })),
    expected: [[S, '/States/A', `There should only be one of the following fields: ${WAIT_ONE_OF}`]],
  },
  {
    rule: 'Timestamp with Seconds',
    definition: one(wait({ Seconds: 1, Timestamp: '2030-01-01T00:00:00Z' })),
    expected: [[S, '/States/A', `There should only be one of the following fields: ${WAIT_ONE_OF}`]],
  },
  {
    rule: 'a Wait with no duration',
    definition: one(wait({})),
    expected: [[S, '/States/A', `This object should have only one of the following fields: ${WAIT_ONE_OF}`]],
  },
  {
    rule: 'TimeoutSeconds with TimeoutSecondsPath',
    definition: one(task({ TimeoutSeconds: 5, TimeoutSecondsPath: '$.t' })),
    expected: [
      [
        S,
        '/States/A',
        'There should only be one of the following fields: [TimeoutSeconds, TimeoutSecondsPath]',
      ],
    ],
  },
  {
    rule: 'HeartbeatSeconds with HeartbeatSecondsPath',
    definition: one(task({ HeartbeatSeconds: 5, HeartbeatSecondsPath: '$.h' })),
    expected: [
      [
        S,
        '/States/A',
        'There should only be one of the following fields: [HeartbeatSeconds, HeartbeatSecondsPath]',
      ],
    ],
  },
  {
    rule: 'Error with ErrorPath',
    definition: one({ Type: 'Fail', Error: 'E', ErrorPath: '$.e' }),
    expected: [[S, '/States/A', 'There should only be one of the following fields: [Error, ErrorPath]']],
  },
  {
    rule: 'Cause with CausePath',
    definition: one({ Type: 'Fail', Cause: 'c', CausePath: '$.c' }),
    expected: [[S, '/States/A', 'There should only be one of the following fields: [Cause, CausePath]']],
  },
  {
    rule: 'ToleratedFailureCount with ToleratedFailureCountPath',
    definition: machine({ M: map({ ToleratedFailureCount: 1, ToleratedFailureCountPath: '$.n' }) }),
    expected: [
      [
        S,
        '/States/M',
        'There should only be one of the following fields: [ToleratedFailureCount, ToleratedFailureCountPath]',
      ],
    ],
  },
  {
    rule: 'MaxConcurrency with MaxConcurrencyPath',
    definition: machine({ M: map({ MaxConcurrency: 1, MaxConcurrencyPath: '$.n' }) }),
    expected: [
      [
        S,
        '/States/M',
        'There should only be one of the following fields: [MaxConcurrency, MaxConcurrencyPath]',
      ],
    ],
  },
  {
    rule: 'HeartbeatSeconds not below TimeoutSeconds',
    definition: one(task({ TimeoutSeconds: 10, HeartbeatSeconds: 10 })),
    expected: [
      [
        S,
        '/States/A/HeartbeatSeconds',
        "The value of 'HeartbeatSeconds' must be smaller than the value of 'TimeoutSeconds'",
      ],
    ],
  },
  {
    rule: 'Task TimeoutSeconds 0',
    definition: one(task({ TimeoutSeconds: 0 })),
    expected: [[S, '/States/A/TimeoutSeconds', 'Minimum value is 1']],
  },
  {
    rule: 'Wait Seconds above 99999999 (aws-cloudformation/cfn-lint#4075)',
    definition: one(wait({ Seconds: 100_000_000 })),
    expected: [[S, '/States/A/Seconds', 'Maximum value is 99999999']],
  },
  {
    rule: 'Wait Seconds below 0',
    definition: one(wait({ Seconds: -1 })),
    expected: [[S, '/States/A/Seconds', 'Minimum value is 0']],
  },
  {
    rule: 'Wait Seconds that is not an integer',
    definition: one(wait({ Seconds: 1.5 })),
    expected: [[S, '/States/A/Seconds', 'Expected value of type [INTEGER]']],
  },
  {
    rule: 'Retry IntervalSeconds 0',
    definition: one(task({ Retry: [{ ErrorEquals: ['E'], IntervalSeconds: 0 }] })),
    expected: [[S, '/States/A/Retry[0]/IntervalSeconds', 'Minimum value is 1']],
  },
  {
    rule: 'Retry MaxAttempts below 0',
    definition: one(task({ Retry: [{ ErrorEquals: ['E'], MaxAttempts: -1 }] })),
    expected: [[S, '/States/A/Retry[0]/MaxAttempts', 'Minimum value is 0']],
  },
  {
    rule: 'Retry BackoffRate below 1',
    definition: one(task({ Retry: [{ ErrorEquals: ['E'], BackoffRate: 0.5 }] })),
    expected: [[S, '/States/A/Retry[0]/BackoffRate', 'Minimum value is 1.0']],
  },
  {
    rule: 'Retry MaxDelaySeconds above 31622400',
    definition: one(task({ Retry: [{ ErrorEquals: ['E'], MaxDelaySeconds: 31_622_401 }] })),
    expected: [[S, '/States/A/Retry[0]/MaxDelaySeconds', 'Maximum value is 31622400']],
  },
  {
    rule: 'an unknown JitterStrategy',
    definition: one(task({ Retry: [{ ErrorEquals: ['E'], JitterStrategy: 'PARTIAL' }] })),
    expected: [
      [S, '/States/A/Retry[0]/JitterStrategy', 'Value should be one of the following: [NONE, FULL]'],
    ],
  },
  {
    rule: 'ToleratedFailurePercentage above 100 (floci-io/floci#3733)',
    definition: machine({ M: map({ ToleratedFailurePercentage: 101 }) }),
    expected: [[S, '/States/M/ToleratedFailurePercentage', 'Maximum value is 100.0']],
  },
  {
    rule: 'ToleratedFailurePercentage below 0',
    definition: machine({ M: map({ ToleratedFailurePercentage: -1 }) }),
    expected: [[S, '/States/M/ToleratedFailurePercentage', 'Minimum value is 0.0']],
  },
  {
    rule: 'MaxConcurrency below 0',
    definition: machine({ M: map({ MaxConcurrency: -1 }) }),
    expected: [[S, '/States/M/MaxConcurrency', 'Minimum value is 0']],
  },
  {
    rule: 'a Timestamp with a space for T',
    definition: one(wait({ Timestamp: '2016-03-14 01:59:00Z' })),
    expected: [[S, '/States/A/Timestamp', 'String does not match RFC3339 timestamp']],
  },
  {
    rule: 'a Timestamp with a lowercase z',
    definition: one(wait({ Timestamp: '2016-03-14T01:59:00z' })),
    expected: [[S, '/States/A/Timestamp', 'String does not match RFC3339 timestamp']],
  },
  {
    rule: 'a Timestamp on a day that does not exist',
    definition: one(wait({ Timestamp: '2023-02-29T00:00:00Z' })),
    expected: [[S, '/States/A/Timestamp', 'String does not match RFC3339 timestamp']],
  },
  // Paths
  {
    rule: 'InputPath that is not a path',
    definition: one({ ...end, InputPath: 'foo' }),
    expected: [[S, '/States/A/InputPath', 'Value must be a valid JSONPath.']],
  },
  {
    rule: 'OutputPath that is not a string',
    definition: one({ ...end, OutputPath: 1 }),
    expected: [[S, '/States/A/OutputPath', 'Expected value of type [STRING]']],
  },
  {
    rule: 'ResultPath into the context object',
    definition: one({ ...end, ResultPath: '$$.Execution' }),
    expected: [[S, '/States/A/ResultPath', 'Value is not a Reference Path']],
  },
  {
    rule: 'ResultPath into a variable',
    definition: one({ ...end, ResultPath: '$myVar' }),
    expected: [[S, '/States/A/ResultPath', 'Value is not a Reference Path']],
  },
  {
    rule: 'ResultPath with a wildcard',
    definition: one({ ...end, ResultPath: '$.a[*]' }),
    expected: [[S, '/States/A/ResultPath', 'Value is not a Reference Path']],
  },
  {
    rule: 'ResultPath without $',
    definition: one({ ...end, ResultPath: 'result' }),
    expected: [
      [S, '/States/A/ResultPath', "Value is not a Reference Path: Reference path didn't start with '$'"],
    ],
  },
  {
    rule: 'ItemsPath with a deep scan',
    definition: machine({ M: map({ ItemsPath: '$..items' }) }),
    expected: [[S, '/States/M/ItemsPath', 'Value is not a Reference Path']],
  },
  {
    rule: 'SecondsPath with a filter',
    definition: one(wait({ SecondsPath: '$.a[?(@.b)]' })),
    expected: [[S, '/States/A/SecondsPath', 'Value is not a Reference Path']],
  },
  {
    rule: 'MaxConcurrencyPath into the context object (floci-io/floci#3733)',
    definition: machine({ M: map({ MaxConcurrencyPath: '$$.Execution.Input.n' }) }),
    expected: [[S, '/States/M/MaxConcurrencyPath', 'Value is not a Reference Path']],
  },
  {
    rule: 'Fail ErrorPath that is neither a path nor an intrinsic call',
    definition: one({ Type: 'Fail', ErrorPath: 'oops' }),
    expected: [
      [
        S,
        '/States/A/ErrorPath',
        "The value for the field 'ErrorPath' must be a valid Reference Path or a valid intrinsic function call",
      ],
    ],
  },
  // Payload templates and Assign
  {
    rule: 'Task Parameters that is not an object',
    definition: one(task({ Parameters: 'x' })),
    expected: [[S, '/States/A/Parameters', 'Expected value of type [OBJECT]']],
  },
  {
    rule: 'a .$ key whose value is neither a path nor an intrinsic call',
    definition: one({ ...end, Parameters: { 'a.$': 'foo' } }),
    expected: [
      [
        S,
        '/States/A/Parameters/a.$',
        "The value for the field 'a.$' must be a valid JSONPath or a valid intrinsic function call",
      ],
    ],
  },
  {
    rule: 'a nested .$ key whose value is not a string',
    definition: one(task({ ResultSelector: { x: [{ 'b.$': 5 }] } })),
    expected: [
      [
        S,
        '/States/A/ResultSelector/x[0]/b.$',
        "The value for the field 'b.$' must be a valid JSONPath or a valid intrinsic function call",
      ],
    ],
  },
  {
    rule: 'a .$ key calling an unknown intrinsic function',
    definition: machine({ M: map({ ItemSelector: { 'v.$': 'States.Nope()' } }) }),
    expected: [
      [
        S,
        '/States/M/ItemSelector/v.$',
        "Invalid intrinsic function call 'States.Nope()': unknown intrinsic function 'States.Nope' at position 1",
      ],
    ],
  },
  {
    rule: 'two template keys equal once .$ is dropped',
    definition: one({ ...end, Parameters: { a: 1, 'a.$': '$.x' } }),
    expected: [[S, '/States/A/Parameters/a.$', "The field 'a' is specified more than once"]],
  },
  {
    rule: 'Credentials without RoleArn',
    definition: one(task({ Credentials: { Role: 'r' } })),
    expected: [[S, '/States/A/Credentials', "The field 'RoleArn' is required but was missing"]],
  },
  {
    rule: 'assigning the reserved variable states',
    definition: one({ ...end, Assign: { states: 1 } }),
    expected: [
      ['RESERVED_VARIABLE_NAME', '/States/A/Assign/states', "Cannot assign to reserved variable '$states'."],
    ],
  },
  {
    rule: 'a variable name with a hyphen',
    definition: one({ ...end, Assign: { 'my-var': 1 } }),
    expected: [
      [
        'INVALID_VARIABLE_NAME',
        '/States/A/Assign/my-var',
        "Invalid variable name 'my-var': the variable name contains invalid characters.",
      ],
    ],
  },
  {
    rule: 'an Assign .$ key with a bad value',
    definition: one({ ...end, Assign: { 'x.$': 'nope' } }),
    expected: [
      [
        S,
        '/States/A/Assign/x.$',
        "The value for the field 'x.$' must be a valid JSONPath or a valid intrinsic function call",
      ],
    ],
  },
  // Choice
  {
    rule: 'a Choice without Choices',
    definition: machine({ C: { Type: 'Choice', Default: 'B' }, B: succeed }),
    expected: [[S, '/States/C', 'These fields are required: [Choices]']],
  },
  {
    rule: 'empty Choices',
    definition: machine({ C: { Type: 'Choice', Choices: [], Default: 'B' }, B: succeed }),
    expected: [[S, '/States/C/Choices', 'Value cannot be empty']],
  },
  {
    rule: 'a Choice rule without Next (checked by the rule validator)',
    definition: machine({
      C: { Type: 'Choice', Choices: [{ Variable: '$.x', IsPresent: true }], Default: 'B' },
      B: succeed,
    }),
    expected: [[S, '/States/C/Choices[0]', 'These fields are required: [Next]']],
  },
  {
    rule: 'a Choice Default that is not a string',
    definition: machine({ C: choice('B', 'B', { Default: 1 }), B: succeed }),
    expected: [[S, '/States/C/Default', 'Expected value of type [STRING]']],
  },
  {
    rule: 'a JSONata Choice rule with Variable',
    definition: machine(
      { C: { Type: 'Choice', Choices: [{ Variable: '$.x', Condition: true, Next: 'B' }] }, B: succeed },
      { QueryLanguage: 'JSONata' },
    ),
    expected: [
      [
        S,
        '/States/C/Choices[0]',
        "The QueryLanguage is set to 'JSONata', but field 'Variable' is only supported for the 'JSONPath' QueryLanguage",
      ],
    ],
  },
  // Retry and Catch
  {
    rule: 'a retrier without ErrorEquals',
    definition: one(task({ Retry: [{ MaxAttempts: 1 }] })),
    expected: [[S, '/States/A/Retry[0]', 'These fields are required: [ErrorEquals]']],
  },
  {
    rule: 'an empty ErrorEquals',
    definition: one(task({ Retry: [{ ErrorEquals: [] }] })),
    expected: [[S, '/States/A/Retry[0]/ErrorEquals', 'Value cannot be empty']],
  },
  {
    rule: 'States.ALL beside another error name',
    definition: one(task({ Retry: [{ ErrorEquals: ['States.ALL', 'E'] }] })),
    expected: [[S, '/States/A/Retry[0]/ErrorEquals', 'States.ALL must appear alone and at end of list']],
  },
  {
    rule: 'States.ALL in a retrier that is not the last',
    definition: one(task({ Retry: [{ ErrorEquals: ['States.ALL'] }, { ErrorEquals: ['E'] }] })),
    expected: [[S, '/States/A/Retry[0]/ErrorEquals', 'States.ALL must appear alone and at end of list']],
  },
  {
    rule: 'States.ALL in a catcher that is not the last',
    definition: machine({
      A: task({
        Catch: [
          { ErrorEquals: ['States.ALL'], Next: 'B' },
          { ErrorEquals: ['E'], Next: 'B' },
        ],
      }),
      B: succeed,
    }),
    expected: [[S, '/States/A/Catch[0]/ErrorEquals', 'States.ALL must appear alone and at end of list']],
  },
  {
    rule: 'a catcher without Next',
    definition: one(task({ Catch: [{ ErrorEquals: ['E'] }] })),
    expected: [[S, '/States/A/Catch[0]', 'These fields are required: [Next]']],
  },
  {
    rule: 'a catcher ResultPath into the context object',
    definition: machine({
      A: task({ Catch: [{ ErrorEquals: ['E'], Next: 'B', ResultPath: '$$.x' }] }),
      B: succeed,
    }),
    expected: [[S, '/States/A/Catch[0]/ResultPath', 'Value is not a Reference Path']],
  },
  {
    rule: 'a JSONata-only Output on a JSONPath catcher',
    definition: machine({ A: task({ Catch: [{ ErrorEquals: ['E'], Next: 'B', Output: {} }] }), B: succeed }),
    expected: [
      [
        S,
        '/States/A/Catch[0]',
        "The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the 'JSONata' QueryLanguage",
      ],
    ],
  },
  // Nested blocks
  {
    rule: 'empty Parallel Branches',
    definition: one({ Type: 'Parallel', End: true, Branches: [] }),
    expected: [[S, '/States/A/Branches', 'Value cannot be empty']],
  },
  {
    rule: 'a branch without StartAt',
    definition: machine({ P: parallel({ States: { X: end } }) }),
    expected: [[S, '/States/P/Branches[0]', 'These fields are required: [StartAt]']],
  },
  {
    rule: 'an unreachable state in a branch',
    definition: machine({ P: parallel(block({ X: end, Y: end })) }),
    expected: [[TARGET, '/States/P/Branches[0]/States/Y', 'State "Y" is not reachable.']],
  },
  {
    rule: 'a branch state transitioning out of its branch',
    definition: machine({
      P: next(parallel(block({ X: { Type: 'Pass', Next: 'Done' } })), 'Done'),
      Done: succeed,
    }),
    expected: [[TARGET, '/States/P/Branches[0]/States/X/Next', "Missing 'Next' target: Done"]],
  },
  {
    rule: 'a top-level state transitioning into a branch',
    definition: machine({ P: parallel(block({ X: end })), Q: { Type: 'Pass', Next: 'X' } }),
    expected: [
      [TARGET, '/States/Q/Next', "Missing 'Next' target: X"],
      [TARGET, '/States/Q', 'State "Q" is not reachable.'],
    ],
  },
  {
    rule: 'a state name used in a branch and at the top level',
    definition: machine({ P: next(parallel(block({ Done: end })), 'Done'), Done: succeed }),
    expected: [['DUPLICATE_STATE_NAME', '/States/Done', 'Duplicate State name: Done']],
  },
  {
    rule: 'two states with one name in the JSON text',
    definition: '{"StartAt":"A","States":{"A":{"Type":"Pass","End":true},"A":{"Type":"Succeed"}}}',
    expected: [['DUPLICATE_STATE_NAME', '/States/A', 'Duplicate State name: A']],
  },
  {
    rule: 'a state name longer than 80 characters (ChristopheBougere/asl-validator#69)',
    definition: machine({ ['N'.repeat(81)]: end }),
    expected: [
      [
        'INVALID_STATE_NAME',
        `/States/${'N'.repeat(81)}`,
        `Invalid State name: State '${'N'.repeat(81)}' exceeds the 80-character limit allowed by the service`,
      ],
    ],
  },
  ...(
    [
      [
        'an ItemBatcher with MaxItemsPerBatch and its Path',
        map({ ItemBatcher: { MaxItemsPerBatch: 2, MaxItemsPerBatchPath: '$.b' } }),
        '/States/A/ItemBatcher',
        'MaxItemsPerBatch',
      ],
      [
        'a ReaderConfig with MaxItems and MaxItemsPath',
        map({
          ItemReader: {
            Resource: 'arn:aws:states:::s3:getObject',
            ReaderConfig: { MaxItems: 2, MaxItemsPath: '$.n' },
          },
        }),
        '/States/A/ItemReader/ReaderConfig',
        'MaxItems',
      ],
    ] as const
  ).map(([rule, state, location, field]) => ({
    rule,
    definition: one(state),
    expected: [
      [S, location, `There should only be one of the following fields: [${field}, ${field}Path]`] as Expected,
    ],
  })),
  // A filter is JSONPath, not JavaScript: no method calls, no prototype lookups, nothing the path library
  // would run as code.
  ...[
    "$.a[?(@.k.toUpperCase() == 'X')]",
    '$.a[?(@.constructor)]',
    '$.a[?(this.x)]',
    '$.a[?(@.k = 1)]',
    '$.a[?(`x`)]',
  ].map((path) => ({
    rule: `a filter that is JavaScript, not JSONPath: ${path}`,
    definition: one({ ...end, InputPath: path }),
    expected: [[S, '/States/A/InputPath', 'Value must be a valid JSONPath.'] as Expected],
  })),
  ...[
    'arn:aws:lambda:us-east-1:123456789012:function:f:bad!q',
    'arn:aws:lambda:us-east-1:123456789012:function:',
    'arn:aws:lambda:us-east-1:123456789012:function:f:live:extra',
  ].map((resource) => ({
    rule: `a malformed Lambda function ARN: ${resource}`,
    definition: one({ Type: 'Task', Resource: resource, End: true }),
    expected: [
      [
        S,
        '/States/A/Resource',
        `The resource provided ${resource} is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.`,
      ] as Expected,
    ],
  })),
  {
    rule: 'an HTTP Task without ApiEndpoint, Method and Authentication',
    definition: one({ Type: 'Task', Resource: 'arn:aws:states:::http:invoke', Parameters: {}, End: true }),
    expected: [
      [S, '/States/A/Parameters', "The field 'ApiEndpoint' is required but was missing"],
      [S, '/States/A/Parameters', "The field 'Method' is required but was missing"],
      [S, '/States/A/Parameters', "The field 'Authentication' is required but was missing"],
    ],
  },
  {
    rule: 'an HTTP Task whose Authentication has no ConnectionArn',
    definition: one({
      Type: 'Task',
      Resource: 'arn:aws:states:::http:invoke',
      Parameters: { 'ApiEndpoint.$': '$.url', Method: 'GET', Authentication: {} },
      End: true,
    }),
    expected: [
      [S, '/States/A/Parameters/Authentication', "The field 'ConnectionArn' is required but was missing"],
    ],
  },
  {
    rule: 'a JSONata HTTP Task without Arguments',
    definition: one(
      { Type: 'Task', Resource: 'arn:aws:states:::http:invoke', End: true },
      { QueryLanguage: 'JSONata' },
    ),
    expected: [[S, '/States/A', "The field 'Arguments' is required but was missing"]],
  },
  {
    rule: 'an HTTP Task with .waitForTaskToken (AWS offers request-response only)',
    definition: one({
      Type: 'Task',
      Resource: 'arn:aws:states:::http:invoke.waitForTaskToken',
      Parameters: {
        ApiEndpoint: 'https://api.example.com',
        Method: 'GET',
        Authentication: { ConnectionArn: 'c' },
      },
      End: true,
    }),
    expected: [
      [
        S,
        '/States/A/Resource',
        'The resource provided arn:aws:states:::http:invoke.waitForTaskToken is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.',
      ],
    ],
  },
  {
    rule: 'a Map with neither ItemProcessor nor Iterator',
    definition: one({ Type: 'Map', End: true }),
    expected: [
      [S, '/States/A', 'This object should have only one of the following fields: [ItemProcessor, Iterator]'],
    ],
  },
  {
    rule: 'a Map with both ItemProcessor and Iterator',
    definition: one({ ...map(), Iterator: block({ Other: end }) }),
    expected: [
      [S, '/States/A', 'There should only be one of the following fields: [ItemProcessor, Iterator]'],
    ],
  },
  {
    rule: 'a legacy Iterator whose StartAt names no state',
    definition: one({ Type: 'Map', End: true, Iterator: { StartAt: 'Nope', States: { I: end } } }),
    expected: [
      [TARGET, '/States/A/Iterator/StartAt', "Missing 'Next' target: Nope"],
      [TARGET, '/States/A/Iterator/States/I', 'State "I" is not reachable.'],
    ],
  },
  {
    rule: 'an ItemProcessor declaring a QueryLanguage (floci-io/floci#2968)',
    definition: one({
      Type: 'Map',
      End: true,
      ItemProcessor: { ...block({ I: end }), QueryLanguage: 'JSONPath' },
    }),
    expected: [[S, '/States/A/ItemProcessor', "Field 'QueryLanguage' is not supported"]],
  },
  {
    rule: 'DISTRIBUTED mode without ExecutionType',
    definition: one({
      Type: 'Map',
      End: true,
      ItemProcessor: { ...block({ I: end }), ProcessorConfig: { Mode: 'DISTRIBUTED' } },
    }),
    expected: [[S, '/States/A/ItemProcessor/ProcessorConfig', 'These fields are required: [ExecutionType]']],
  },
  {
    rule: 'an unknown processor Mode',
    definition: one({
      Type: 'Map',
      End: true,
      ItemProcessor: { ...block({ I: end }), ProcessorConfig: { Mode: 'FAST' } },
    }),
    expected: [
      [
        S,
        '/States/A/ItemProcessor/ProcessorConfig/Mode',
        'Value should be one of the following: [INLINE, DISTRIBUTED]',
      ],
    ],
  },
  {
    rule: 'an unknown ExecutionType',
    definition: one({
      Type: 'Map',
      End: true,
      ItemProcessor: {
        ...block({ I: end }),
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'BATCH' },
      },
    }),
    expected: [
      [
        S,
        '/States/A/ItemProcessor/ProcessorConfig/ExecutionType',
        'Value should be one of the following: [STANDARD, EXPRESS]',
      ],
    ],
  },
  {
    rule: 'an ExecutionType in INLINE mode',
    definition: one({
      Type: 'Map',
      End: true,
      ItemProcessor: { ...block({ I: end }), ProcessorConfig: { Mode: 'INLINE', ExecutionType: 'EXPRESS' } },
    }),
    expected: [[S, '/States/A/ItemProcessor/ProcessorConfig', "Field 'ExecutionType' is not supported"]],
  },
  {
    rule: 'a Label longer than 40 characters',
    definition: machine({ M: map({ Label: 'L'.repeat(41) }) }),
    expected: [['INVALID_LABEL_NAME', '/States/M/Label', 'Label cannot exceed 40 characters']],
  },
  {
    rule: 'an empty Label',
    definition: machine({ M: map({ Label: '' }) }),
    expected: [['INVALID_LABEL_NAME', '/States/M/Label', 'Label cannot be empty']],
  },
  {
    rule: 'a Label with a space',
    definition: machine({ M: map({ Label: 'my label' }) }),
    expected: [['INVALID_LABEL_NAME', '/States/M/Label', "Label contains invalid character: ' '"]],
  },
  {
    rule: 'a Label used by two Maps',
    definition: machine({ M1: next(map({ Label: 'same' }, 'I1'), 'M2'), M2: map({ Label: 'same' }, 'I2') }),
    expected: [['DUPLICATE_LABEL_NAME', '/States/M2/Label', 'Duplicate Label name: same']],
  },
  // Query languages
  {
    rule: 'a JSONPath state in a JSONata machine',
    definition: one({ ...end, QueryLanguage: 'JSONPath' }, { QueryLanguage: 'JSONata' }),
    expected: [
      [S, '/States/A', "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine"],
    ],
  },
  {
    rule: 'Output in a JSONPath state',
    definition: one({ ...end, Output: {} }),
    expected: [
      [
        S,
        '/States/A',
        "The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the 'JSONata' QueryLanguage",
      ],
    ],
  },
  {
    rule: 'InputPath in a JSONata state',
    definition: one({ ...end, QueryLanguage: 'JSONata', InputPath: '$.a' }),
    expected: [
      [
        S,
        '/States/A',
        "The QueryLanguage is set to 'JSONata', but field 'InputPath' is only supported for the 'JSONPath' QueryLanguage",
      ],
    ],
  },
  {
    rule: "states in a JSONata Map's processor keep the machine's JSONPath (floci-io/floci#2968)",
    definition: one({
      Type: 'Map',
      End: true,
      QueryLanguage: 'JSONata',
      ItemProcessor: block({ P: { ...end, Output: '{% $states.input %}' } }),
    }),
    expected: [
      [
        S,
        '/States/A/ItemProcessor/States/P',
        "The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the 'JSONata' QueryLanguage",
      ],
    ],
  },
  {
    rule: 'a state QueryLanguage spelt in the wrong case',
    definition: one({ ...end, QueryLanguage: 'jsonata' }),
    expected: [[S, '/States/A/QueryLanguage', 'Value should be one of the following: [JSONPath, JSONata]']],
  },
];

describe('validateDefinition', () => {
  it.each(INVALID)('refuses $rule', ({ definition, expected }) => {
    const result = validateDefinition(definition);

    expect(result.result).toBe('FAIL');
    expect(result.diagnostics).toEqual(
      expected.map(([code, location, message]) => ({ severity: 'ERROR', code, location, message })),
    );
    expect(result.truncated).toBe(false);
  });

  it('returns every problem of a definition at once', () => {
    const definition = {
      StartAt: 'A',
      States: {
        A: { Type: 'Task', Resource: RESOURCE, TimeoutSeconds: 0, Next: 'Gone' },
        W: { Type: 'Wait', Seconds: 1, Timestamp: 'soon', End: true },
        P: parallel({ StartAt: 'X', States: { X: { Type: 'Pass', Next: 'A' } } }),
      },
      Extra: true,
    };

    expect(validateDefinition(definition).diagnostics).toEqual([
      { severity: 'ERROR', code: S, location: '/', message: "Field 'Extra' is not supported" },
      { severity: 'ERROR', code: S, location: '/States/A/TimeoutSeconds', message: 'Minimum value is 1' },
      {
        severity: 'ERROR',
        code: S,
        location: '/States/W',
        message: `There should only be one of the following fields: ${WAIT_ONE_OF}`,
      },
      {
        severity: 'ERROR',
        code: S,
        location: '/States/W/Timestamp',
        message: 'String does not match RFC3339 timestamp',
      },
      {
        severity: 'ERROR',
        code: TARGET,
        location: '/States/P/Branches[0]/States/X/Next',
        message: "Missing 'Next' target: A",
      },
      { severity: 'ERROR', code: TARGET, location: '/States/A/Next', message: "Missing 'Next' target: Gone" },
      { severity: 'ERROR', code: TARGET, location: '/States/W', message: 'State "W" is not reachable.' },
      { severity: 'ERROR', code: TARGET, location: '/States/P', message: 'State "P" is not reachable.' },
    ]);
  });

  const VALID: ReadonlyArray<{ name: string; definition: unknown }> = [
    { name: 'a single Succeed state', definition: one(succeed) },
    {
      name: 'the same definition given as JSON text',
      definition: JSON.stringify(one(succeed, { Version: '1.0', Comment: 'c' })),
    },
    {
      name: 'every state type, JSONPath, with data fields, Retry and Catch',
      definition: machine(
        {
          Start: {
            Type: 'Pass',
            InputPath: '$.input',
            Parameters: {
              'id.$': '$.id',
              'uuid.$': 'States.UUID()',
              'ctx.$': '$$.Execution.Id',
              literal: { nested: [1, 2] },
            },
            ResultPath: '$.prepared',
            OutputPath: '$',
            Assign: { count: 0, 'who.$': '$.user' },
            Next: 'Work',
          },
          Work: {
            Type: 'Task',
            Resource: RESOURCE,
            Parameters: { 'Payload.$': "States.Format('{}-{}', $.a, $.b)", FunctionName: 'f' },
            ResultSelector: { 'body.$': '$.Payload' },
            ResultPath: null,
            TimeoutSeconds: 300,
            HeartbeatSeconds: 60,
            Credentials: { 'RoleArn.$': '$.role' },
            Retry: [
              {
                ErrorEquals: ['States.Timeout', 'Lambda.ServiceException'],
                IntervalSeconds: 2,
                MaxAttempts: 0,
              },
              { ErrorEquals: ['States.ALL'], BackoffRate: 1.5, MaxDelaySeconds: 10, JitterStrategy: 'FULL' },
            ],
            Catch: [
              { ErrorEquals: ['States.TaskFailed'], ResultPath: '$.error', Next: 'Failed' },
              { ErrorEquals: ['States.ALL'], Assign: { 'err.$': '$.Error' }, Next: 'Failed' },
            ],
            Next: 'Decide',
          },
          Decide: {
            Type: 'Choice',
            Choices: [
              {
                And: [{ Variable: '$.a', IsPresent: true }, { Not: { Variable: '$.a', NumericEquals: 0 } }],
                Next: 'Pause',
              },
              { Variable: '$.b', StringMatches: 'x*', Next: 'Fan' },
            ],
            Default: 'Done',
          },
          Pause: { Type: 'Wait', SecondsPath: '$.delay', Next: 'Later' },
          Later: { Type: 'Wait', Timestamp: '2030-01-01T00:00:00.5+02:00', Next: 'Fan' },
          Fan: {
            Type: 'Parallel',
            Branches: [
              block({ B1: { Type: 'Wait', Seconds: 0, End: true } }),
              block({
                Items: {
                  Type: 'Map',
                  ItemsPath: '$.items',
                  ItemSelector: { 'index.$': '$$.Map.Item.Index' },
                  MaxConcurrency: 0,
                  ToleratedFailurePercentage: 12.5,
                  ItemProcessor: { StartAt: 'Each', States: { Each: { Type: 'Pass', End: true } } },
                  End: true,
                },
              }),
            ],
            ResultSelector: { 'first.$': '$[0]' },
            Catch: [{ ErrorEquals: ['States.BranchFailed'], Next: 'Failed' }],
            Next: 'Distributed',
          },
          Distributed: {
            Type: 'Map',
            Label: 'Files-2024_v1',
            ItemReader: { Resource: 'arn:aws:states:::s3:getObject', Parameters: { Bucket: 'b', Key: 'k' } },
            ToleratedFailureCountPath: '$.tolerance',
            ItemProcessor: {
              ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' },
              StartAt: 'Row',
              States: { Row: task() },
            },
            Next: 'Done',
          },
          Done: { Type: 'Succeed', OutputPath: null },
          Failed: {
            Type: 'Fail',
            ErrorPath: '$.error.Error',
            CausePath: "States.Format('failed: {}', $.error.Cause)",
          },
        },
        { TimeoutSeconds: 3600 },
      ),
    },
    {
      name: 'a legacy Iterator with Parameters',
      definition: one({
        Type: 'Map',
        Parameters: { 'v.$': '$$.Map.Item.Value' },
        Iterator: block({ I: end }),
        End: true,
      }),
    },
    {
      name: 'a loop left through a Choice',
      definition: machine({
        Count: { Type: 'Pass', Next: 'Check' },
        Check: choice('Count', 'Finish'),
        Finish: { Type: 'Fail', Error: 'Stopped', Cause: 'enough' },
      }),
    },
    {
      name: 'a JSONata machine with JSONata fields and expressions',
      definition: machine(
        {
          Call: {
            Type: 'Task',
            Resource: RESOURCE,
            Arguments: { FunctionName: 'f', Payload: '{% $states.input %}' },
            Output: '{% $states.result.Payload %}',
            Assign: { total: '{% $states.result.total %}' },
            TimeoutSeconds: '{% $states.input.timeout %}',
            Catch: [{ ErrorEquals: ['States.ALL'], Output: '{% $states.errorOutput %}', Next: 'Oops' }],
            Next: 'Route',
          },
          Route: {
            Type: 'Choice',
            Choices: [{ Condition: '{% $total > 10 %}', Next: 'Hold', Assign: { big: true } }],
            Default: 'All',
            Output: { picked: '{% $total %}' },
          },
          Hold: { Type: 'Wait', Seconds: '{% $total %}', Next: 'All' },
          All: {
            Type: 'Map',
            Items: '{% $states.input.list %}',
            ItemSelector: { value: '{% $states.context.Map.Item.Value %}' },
            MaxConcurrency: '{% 2 %}',
            ItemProcessor: block({ One: { Type: 'Pass', Output: '{% $states.input %}', End: true } }),
            Next: 'Both',
          },
          Both: {
            Type: 'Parallel',
            Arguments: '{% $states.input %}',
            Branches: [block({ Two: { Type: 'Succeed', Output: 1 } })],
            End: true,
          },
          Oops: { Type: 'Fail', Error: '{% "E" %}', Cause: 'c' },
        },
        { QueryLanguage: 'JSONata' },
      ),
    },
    {
      name: 'a JSONata state inside a JSONPath machine',
      definition: machine({
        A: { Type: 'Pass', QueryLanguage: 'JSONata', Output: { x: 1 }, Next: 'B' },
        B: { Type: 'Pass', Result: { ok: true }, ResultPath: '$.r', End: true },
      }),
    },
    {
      name: 'null InputPath, OutputPath and ResultPath',
      definition: one({ ...end, InputPath: null, OutputPath: null, ResultPath: null }),
    },
    // AWS accepts these (public sample workflows deployed on AWS use them).
    {
      name: 'a custom error name with the States. prefix in ErrorEquals',
      definition: one(task({ Retry: [{ ErrorEquals: ['States.QuorumMet'] }] })),
    },
    {
      name: 'Pass Parameters that is an array',
      definition: one({ ...end, Parameters: [1, { 'a.$': '$.a' }] }),
    },
    { name: 'Pass Parameters that is a string', definition: one({ ...end, Parameters: 'x' }) },
    { name: 'a Pass Result that is an array', definition: one({ ...end, Result: [1, 2] }) },
    ...['live', '$LATEST', '7', 'blue_green-2'].map((qualifier) => ({
      name: `a Lambda function ARN with the qualifier ${qualifier}`,
      definition: one(task({ Resource: `arn:aws:lambda:us-east-1:123456789012:function:f:${qualifier}` })),
    })),
    ...[
      "$.a[?(@.k == 'x' && @.n >= 2)]",
      '$.a[?(@.k)]',
      '$.a[?(@.k =~ /ab.*/i)]',
      "$.a[?(!(@.x > 1) || @['a b'] == 1)]",
      // AWS accepts a bare word here and fails the state when it runs (see the as-AWS-records cases).
      '$.r[?(@.k == FooBar)]',
    ].map((path) => ({ name: `the JSONPath filter ${path}`, definition: one({ ...end, InputPath: path }) })),
  ];

  it.each(VALID)('accepts $name', ({ definition }) => {
    expect(validateDefinition(definition, { severity: 'WARNING' })).toEqual({
      result: 'OK',
      diagnostics: [],
      truncated: false,
    });
  });

  const noDollar = one({ ...end, Parameters: { id: '$.id' } });
  const threeErrors = machine({ A: end, B: end, C: end, D: end });

  it.each([
    {
      when: 'severity is ERROR (the default), warnings are left out and the result is OK',
      definition: noDollar,
      options: {},
      expected: { result: 'OK', count: 0, truncated: false },
    },
    {
      when: 'severity is WARNING, warnings are listed and the result stays OK',
      definition: noDollar,
      options: { severity: 'WARNING' as const },
      expected: { result: 'OK', count: 1, truncated: false },
    },
    {
      when: 'there are more problems than maxResults, the list is cut and truncated',
      definition: threeErrors,
      options: { maxResults: 2 },
      expected: { result: 'FAIL', count: 2, truncated: true },
    },
    {
      when: 'maxResults is 0, the default of 100 applies',
      definition: threeErrors,
      options: { maxResults: 0 },
      expected: { result: 'FAIL', count: 3, truncated: false },
    },
  ])('when $when', ({ definition, options, expected }) => {
    const result = validateDefinition(definition, options);

    expect({ result: result.result, count: result.diagnostics.length, truncated: result.truncated }).toEqual(
      expected,
    );
  });

  it.each([
    {
      field: 'Parameters',
      state: { ...end, Parameters: { id: '$.id' } },
      code: 'NO_DOLLAR',
      location: '/States/A/Parameters/id',
    },
    {
      field: 'Result',
      state: { ...end, Result: { 'id.$': '$.id' } },
      code: 'PASS_RESULT_IS_STATIC',
      location: '/States/A/Result',
    },
  ])('warns $code for a static-looking $field', ({ state, code, location }) => {
    const { diagnostics } = validateDefinition(one(state), { severity: 'WARNING' });

    expect(diagnostics).toEqual([expect.objectContaining({ severity: 'WARNING', code, location })]);
  });

  it.each([
    { given: 'undefined', definition: undefined, code: 'MISSING_DESCRIPTION' },
    { given: 'null', definition: null, code: 'MISSING_DESCRIPTION' },
    { given: 'a number', definition: 42, code: 'SCHEMA_VALIDATION_FAILED' },
  ])('never throws, even given $given', ({ definition, code }) => {
    expect(validateDefinition(definition).diagnostics).toEqual([
      expect.objectContaining({ code, location: '' }),
    ]);
  });
});

describe('parseDefinition', () => {
  it.each([
    { given: 'a parsed value', input: one(succeed) },
    { given: 'JSON text', input: JSON.stringify(one(succeed)) },
  ])('returns the typed definition of a valid $given', ({ input }) => {
    expect(parseDefinition(input)).toEqual({ definition: one(succeed), diagnostics: [] });
  });

  it('returns no definition when there is an error', () => {
    const { definition, diagnostics } = parseDefinition(machine({ A: end, B: end }));

    expect(definition).toBeUndefined();
    expect(diagnostics.map((diagnostic) => diagnostic.code)).toEqual(['MISSING_TRANSITION_TARGET']);
  });

  it('returns the definition with its warnings when there are only warnings', () => {
    const input = one({ ...end, Parameters: { id: '$.id' } });
    const { definition, diagnostics } = parseDefinition(input);

    expect(definition).toEqual(input);
    expect(diagnostics.map((diagnostic) => diagnostic.severity)).toEqual(['WARNING']);
  });
});

describe('formatInvalidDefinition', () => {
  it.each([
    {
      when: 'AWS example: a dangling Next and an unreachable state (localstack/localstack#11978)',
      definition: machine({ pass1: { Type: 'Pass', Next: 'pass3' }, pass2: end }),
      message:
        "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: pass3 at /States/pass1/Next, MISSING_TRANSITION_TARGET: State \"pass2\" is not reachable. at /States/pass2'",
    },
    {
      when: 'AWS example: no location prints null (floci-io/floci#2735)',
      definition: machine({ A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'A' } }),
      message:
        "Invalid State Machine Definition: 'MISSING_END_STATE: Workflow has no terminal state at null'",
    },
    {
      when: 'a JSON syntax error keeps its single Jackson location',
      definition: '{',
      message:
        'Invalid State Machine Definition: \'INVALID_JSON_DESCRIPTION: Unexpected end-of-input: expected close marker for Object (start marker at [Source: (String)"{"; line: 1, column: 1])\n at [Source: (String)"{"; line: 1, column: 2]\'',
    },
    {
      when: 'warnings are left out of the message',
      definition: machine({ A: { ...end, Parameters: { id: '$.id' } }, B: end }),
      message:
        'Invalid State Machine Definition: \'MISSING_TRANSITION_TARGET: State "B" is not reachable. at /States/B\'',
    },
  ])('words $when', ({ definition, message }) => {
    const { diagnostics } = validateDefinition(definition, { severity: 'WARNING' });

    expect(formatInvalidDefinition(diagnostics)).toBe(message);
  });
});
