import { expect } from 'vitest';
import type { ConformanceCase } from '../conformance-case.ts';

/**
 * Workflow variables (`Assign`) in both query languages. Sources: the ASL spec ("State Machine Variables",
 * "Using Assign", "Variable Scope", JSONata/JSONPath Choice Rules, Catchers); AWS docs "Passing data between
 * states with variables"; LocalStack's AWS-recorded snapshots `v2/assign/test_assign_base.snapshot.json` and
 * `test_assign_reference_variables.snapshot.json` (Nov 2024), `v2/states_variables/test_error_output`,
 * `v2/arguments/test_arguments`. History: `stateExitedEventDetails.assignedVariables` maps each name to the
 * value's JSON text (42 → "42"), with `assignedVariablesDetails: {truncated: false}`; states without Assign
 * have neither member.
 */

const INVOKE = 'arn:aws:states:::lambda:invoke';
const fn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const EXECUTION_ARN = 'arn:aws:states:us-east-1:123456789012:execution:Conformance:case';

const machine = (states: Record<string, object>, startAt = Object.keys(states)[0] ?? '') => ({
  StartAt: startAt,
  States: states,
});
const jsonata = (states: Record<string, object>, startAt = Object.keys(states)[0] ?? '') => ({
  QueryLanguage: 'JSONata',
  ...machine(states, startAt),
});

const echo = (event: unknown) => event;

/** Exactly these members (AWS leaves out what it has no value for). */
const hasOnlyKeys = (...keys: string[]) =>
  expect.toSatisfy(
    (details: object) => JSON.stringify(Object.keys(details).sort()) === JSON.stringify(keys.sort()),
  );
/** A state exit that assigned exactly these variables (name → JSON text). */
const assigned = (variables: Record<string, string>) => ({
  stateExitedEventDetails: {
    assignedVariables: expect.toSatisfy(
      (actual: Record<string, string>) =>
        JSON.stringify(Object.entries(actual).sort()) === JSON.stringify(Object.entries(variables).sort()),
    ),
    assignedVariablesDetails: { truncated: false },
  },
});
/** A state exit that assigned nothing: no assignedVariables members at all. */
const NOTHING_ASSIGNED = { stateExitedEventDetails: hasOnlyKeys('name', 'output', 'outputDetails') };

const PASS_EVENTS = ['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded'];
const TWO_PASS_EVENTS = [
  'ExecutionStarted',
  'PassStateEntered',
  'PassStateExited',
  'PassStateEntered',
  'PassStateExited',
  'ExecutionSucceeded',
];
const CHAIN_LINKS = (count: number): Array<[number, number]> =>
  Array.from({ length: count }, (_, i): [number, number] => [i + 1, i === 1 ? 0 : i]);

/** The recorded BASE_CONSTANT_LITERALS Assign (a subset): literals, and strings that only look like queries. */
const CONSTANT_LITERALS = {
  constant_null: null,
  constant_int: 0,
  constant_float: 0.1,
  constant_bool: true,
  constant_str: 'constant string',
  constant_str_path_root: '$',
  constant_str_path: '$.no.such.path',
  constant_str_contextpath: '$$.Execution.Id',
  constant_str_var: '$noSuchVar',
  constant_str_intrinsic_func: "States.Format('Format Func {}', $varname)",
  constant_str_jsonata_expr: '{% $varname.varfield %}',
  constant_lst_empty: [],
  constant_lst: [
    null,
    0,
    0.1,
    true,
    '$.no.such.path',
    '$varname',
    '{% $varname %}',
    '$$',
    [],
    { constant: 0 },
  ],
  constant_obj_empty: {},
  constant_obj: { in_obj_constant_int: 0, in_obj_constant_str_var: '$noSuchVar' },
};
const CONSTANT_LITERALS_TEXT: Record<string, string> = {
  constant_null: 'null',
  constant_int: '0',
  constant_float: '0.1',
  constant_bool: 'true',
  constant_str: '"constant string"',
  constant_str_path_root: '"$"',
  constant_str_path: '"$.no.such.path"',
  constant_str_contextpath: '"$$.Execution.Id"',
  constant_str_var: '"$noSuchVar"',
  constant_str_intrinsic_func: '"States.Format(\'Format Func {}\', $varname)"',
  constant_str_jsonata_expr: '"{% $varname.varfield %}"',
  constant_lst_empty: '[]',
  constant_lst: '[null,0,0.1,true,"$.no.such.path","$varname","{% $varname %}","$$",[],{"constant":0}]',
  constant_obj_empty: '{}',
  constant_obj: '{"in_obj_constant_int":0,"in_obj_constant_str_var":"$noSuchVar"}',
};

/** The recorded BASE_ASSIGN_IN_CHOICE template: rule Assigns, and a state-level Assign reading `$`. */
const assignInChoice = machine({
  CheckInputState: {
    Type: 'Choice',
    Choices: [
      { Variable: '$.input_value', IsPresent: false, Assign: { status: 'UNKNOWN' }, Next: 'FinalState' },
      { Variable: '$.input_value', NumericEquals: 42, Assign: { status: 'CORRECT' }, Next: 'FinalState' },
    ],
    Assign: { status: 'INCORRECT', 'guess.$': '$.input_value' },
    Default: 'FinalState',
  },
  FinalState: { Type: 'Pass', Parameters: { 'result.$': '$status' }, End: true },
});

/** The recorded choice_condition_jsonata (assign) template. */
const jsonataChoiceAssign = jsonata({
  ChoiceState: {
    Type: 'Choice',
    Choices: [
      {
        Condition: '{% $states.input.condition %}',
        Next: 'ConditionTrue',
        Assign: { Assignment: 'Condition assignment' },
      },
    ],
    Default: 'DefaultState',
    Assign: { Assignment: 'Default Assignment' },
  },
  ConditionTrue: { Type: 'Pass', End: true },
  DefaultState: { Type: 'Fail', Cause: 'Condition is false' },
});

/** The spec's JSONata DispatchEvent example (variable `range` renamed `band`), after a state setting `value`. */
const dispatchEvent = (value: number) =>
  jsonata({
    Setup: { Type: 'Pass', Assign: { value }, Next: 'DispatchEvent' },
    DispatchEvent: {
      Type: 'Choice',
      Choices: [
        { Condition: "{% $states.input.type != 'Private' %}", Next: 'Public' },
        {
          Condition: "{% $exists($value) and $type($value)='number' and $value>=20 and $value<30 %}",
          Assign: { band: 'twenties' },
          Next: 'ValueInTwenties',
        },
        {
          Condition: '{% $states.input.rating >= $states.input.auditThreshold %}',
          Output: { excess: '{% $states.input.rating - $states.input.auditThreshold %}' },
          Next: 'StartAudit',
        },
      ],
      Default: 'RecordEvent',
      Assign: { band: 'default' },
    },
    Public: { Type: 'Pass', Output: 'public', End: true },
    ValueInTwenties: { Type: 'Pass', Output: '{% $band %}', End: true },
    StartAudit: { Type: 'Pass', End: true },
    RecordEvent: { Type: 'Pass', Output: '{% $band %}', End: true },
  });

/** The recorded TASK_CATCH_ERROR_VARIABLE_SAMPLING template (a lambda:invoke Task with Assign and a catcher Assign). */
const catchVariableSampling = jsonata({
  Task: {
    Type: 'Task',
    Resource: INVOKE,
    Arguments: { FunctionName: 'work', Payload: { foo: 'foobar' } },
    Catch: [
      {
        ErrorEquals: ['States.ALL'],
        Assign: { inputVar: '{% $states.input %}', errorVar: '{% $states.errorOutput %}' },
        Next: 'Fallback',
      },
    ],
    Assign: { inputVar: '{% $states.input %}', resultVar: '{% $states.result.Payload %}' },
    Next: 'Finish',
  },
  Fallback: { Type: 'Pass', Output: { error: '{% $errorVar %}', input: '{% $inputVar %}' }, End: true },
  Finish: { Type: 'Pass', Output: { result: '{% $resultVar %}', input: '{% $inputVar %}' }, End: true },
});

export const variablesCases: ConformanceCase[] = [
  // History: assignedVariables (recorded BASE_CONSTANT_LITERALS, BASE_SCOPE_MAP).
  {
    name: 'a JSONPath Assign records each literal as JSON text in assignedVariables; query-looking strings stay literal',
    definition: machine({ State0: { Type: 'Pass', Assign: CONSTANT_LITERALS, End: true } }),
    input: { input_value: 'input_value_literal' },
    expected: { status: 'SUCCEEDED', output: { input_value: 'input_value_literal' } },
    events: PASS_EVENTS,
    links: CHAIN_LINKS(4),
    eventDetails: { 3: assigned(CONSTANT_LITERALS_TEXT) },
  },
  {
    name: 'a number assigned is recorded as "42", and a state without Assign records no assignedVariables',
    definition: machine({
      State0: { Type: 'Pass', Assign: { x: 42, items: [1, 2, 3] }, Next: 'State1' },
      State1: { Type: 'Pass', End: true },
    }),
    expected: { status: 'SUCCEEDED', output: {} },
    events: TWO_PASS_EVENTS,
    eventDetails: { 3: assigned({ x: '42', items: '[1,2,3]' }), 5: NOTHING_ASSIGNED },
  },
  {
    name: 'JSONPath Assign .$ keys read the state result, the context object and intrinsic functions',
    definition: machine({
      State0: {
        Type: 'Pass',
        Assign: {
          'str_path_root.$': '$',
          'str_path.$': '$.input_value',
          'str_contextpath.$': '$$.Execution.Id',
          'str_intrinsic_func.$': "States.Format('Format Func {}', $.input_value)",
        },
        End: true,
      },
    }),
    input: { input_value: 'input_value_literal' },
    expected: { status: 'SUCCEEDED', output: { input_value: 'input_value_literal' } },
    eventDetails: {
      3: assigned({
        str_path_root: '{"input_value":"input_value_literal"}',
        str_path: '"input_value_literal"',
        str_contextpath: `"${EXECUTION_ARN}"`,
        str_intrinsic_func: '"Format Func input_value_literal"',
      }),
    },
  },
  {
    name: 'a later state reads variables with .$ paths, including a path into an assigned object',
    definition: machine({
      State0: {
        Type: 'Pass',
        Assign: {
          'varname.$': '$.input_value',
          constant_int: 0,
          constant_obj: { in_obj_constant_lst: [null, 0, '$varname'], nested: { deep: 'd' } },
        },
        Next: 'State1',
      },
      State1: {
        Type: 'Pass',
        Parameters: {
          'name.$': '$varname',
          'int.$': '$constant_int',
          'list.$': '$constant_obj.in_obj_constant_lst',
          'deep.$': '$constant_obj.nested.deep',
          'second.$': '$constant_obj.in_obj_constant_lst[1]',
          literal: '$varname',
        },
        End: true,
      },
    }),
    input: { input_value: 'input_value_literal' },
    expected: {
      status: 'SUCCEEDED',
      output: {
        name: 'input_value_literal',
        int: 0,
        list: [null, 0, '$varname'],
        deep: 'd',
        second: 0,
        literal: '$varname',
      },
    },
    events: TWO_PASS_EVENTS,
  },
  {
    name: 'Parameters read a variable with .$ while a key without .$ keeps "$result" literal (recorded)',
    definition: machine({
      State0: {
        Type: 'Pass',
        Parameters: { result: '$result' },
        Assign: { result: 'foobar' },
        Next: 'State1',
      },
      State1: { Type: 'Pass', ResultPath: '$.result', Parameters: { 'result.$': '$result' }, End: true },
    }),
    expected: { status: 'SUCCEEDED', output: { result: { result: 'foobar' } } },
    events: TWO_PASS_EVENTS,
    links: CHAIN_LINKS(6),
    eventDetails: {
      3: {
        stateExitedEventDetails: {
          output: '{"result":"$result"}',
          assignedVariables: { result: '"foobar"' },
        },
      },
      5: NOTHING_ASSIGNED,
    },
  },
  {
    name: 'InputPath may select a variable (recorded: output 42)',
    definition: machine({
      State0: { Type: 'Pass', Assign: { theAnswer: 42 }, Next: 'State1' },
      State1: { Type: 'Pass', InputPath: '$theAnswer', End: true },
    }),
    expected: { status: 'SUCCEEDED', output: 42 },
    events: TWO_PASS_EVENTS,
    eventDetails: { 5: { stateExitedEventDetails: { output: '42' } } },
  },
  {
    name: "OutputPath may select a variable assigned from a Pass state's Result (recorded)",
    definition: machine({
      State0: { Type: 'Pass', Result: { answer: 42 }, Assign: { 'theAnswer.$': '$.answer' }, Next: 'State1' },
      State1: { Type: 'Pass', OutputPath: '$theAnswer', End: true },
    }),
    expected: { status: 'SUCCEEDED', output: 42 },
    eventDetails: {
      3: assigned({ theAnswer: '42' }),
      4: { stateEnteredEventDetails: { input: '{"answer":42}' } },
    },
  },
  {
    name: "in a Pass state Assign's $ is the Parameters result, and the next state's Assign sees the old value",
    definition: machine({
      State0: {
        Type: 'Pass',
        Parameters: { input: 'PENDING' },
        Assign: { 'result.$': '$.input' },
        Next: 'State1',
      },
      State1: { Type: 'Pass', Assign: { result: 'SUCCESS', 'originalResult.$': '$.input' }, End: true },
    }),
    expected: { status: 'SUCCEEDED', output: { input: 'PENDING' } },
    eventDetails: {
      3: assigned({ result: '"PENDING"' }),
      5: assigned({ originalResult: '"PENDING"', result: '"SUCCESS"' }),
    },
  },
  {
    name: 'Assign and OutputPath in one state see the variable as it was on entry (recorded evaluation order)',
    definition: machine({
      State0: {
        Type: 'Pass',
        Result: { theQuestion: 'What is the answer to life the universe and everything?' },
        Assign: { 'question.$': '$.theQuestion', answer: 42 },
        Next: 'State1',
      },
      State1: {
        Type: 'Pass',
        InputPath: '$answer',
        ResultPath: '$.theAnswer',
        OutputPath: '$answer',
        Assign: { answer: '<omitted>' },
        End: true,
      },
    }),
    expected: { status: 'SUCCEEDED', output: 42 },
    eventDetails: {
      3: assigned({ answer: '42', question: '"What is the answer to life the universe and everything?"' }),
      5: assigned({ answer: '"<omitted>"' }),
    },
  },
  {
    // Spec "Assigning State Machine Variables": x was 5 on entry, so newOrOld gets 5 while x becomes 42.
    name: 'a JSONata Assign that reassigns and reads the same variable reads the value it had on entry',
    definition: jsonata({
      Setup: { Type: 'Pass', Assign: { x: 5 }, Next: 'Assigning' },
      Assigning: { Type: 'Pass', Assign: { x: 42, newOrOld: '{% $x %}' }, Next: 'Referencing' },
      Referencing: { Type: 'Pass', Output: { x: '{% $x %}', newOrOld: '{% $newOrOld %}' }, End: true },
    }),
    expected: { status: 'SUCCEEDED', output: { x: 42, newOrOld: 5 } },
    eventDetails: { 5: assigned({ x: '42', newOrOld: '5' }) },
  },
  {
    name: 'Output in the same state as Assign sees the variable as it was on entry',
    definition: jsonata({
      Setup: { Type: 'Pass', Assign: { x: 1 }, Next: 'Both' },
      Both: { Type: 'Pass', Assign: { x: 2 }, Output: '{% $x %}', Next: 'After' },
      After: { Type: 'Pass', Output: { before: '{% $states.input %}', after: '{% $x %}' }, End: true },
    }),
    expected: { status: 'SUCCEEDED', output: { before: 1, after: 2 } },
  },
  {
    name: 'the spec example: a JSONata Output joins three assigned variables into "2006 Infiniti G35"',
    definition: jsonata({
      FirstState: {
        Type: 'Pass',
        Assign: { make: 'Infiniti', model: 'G35', year: 2006 },
        Next: 'SecondState',
      },
      SecondState: { Type: 'Pass', Output: "{% $year & ' ' & $make & ' ' & $model %}", End: true },
    }),
    expected: { status: 'SUCCEEDED', output: '2006 Infiniti G35' },
    eventDetails: { 3: assigned({ make: '"Infiniti"', model: '"G35"', year: '2006' }) },
  },
  {
    name: 'a JSONata Assign object may hold expressions at depth (spec ProvideTestData example)',
    definition: jsonata({
      ProvideTestData: {
        Type: 'Pass',
        Assign: {
          coords: {
            'x-datum': 0.381018,
            'y-datum': 622.2269926397355,
            additional: '{% $exists($states.input.moreData) ? $states.input.moreData : {} %}',
          },
        },
        Next: 'End',
      },
      End: { Type: 'Pass', Output: '{% $coords %}', End: true },
    }),
    input: { moreData: { z: 1 } },
    expected: {
      status: 'SUCCEEDED',
      output: { 'x-datum': 0.381018, 'y-datum': 622.2269926397355, additional: { z: 1 } },
    },
  },
  {
    name: 'a JSONata Assign records string, number and object values as JSON text',
    definition: jsonata({
      P: {
        Type: 'Pass',
        Assign: { s: '{% $states.input.s %}', n: '{% $states.input.n * 2 %}', o: '{% $states.input %}' },
        End: true,
      },
    }),
    input: { s: 'x', n: 21 },
    expected: { status: 'SUCCEEDED', output: { s: 'x', n: 21 } },
    eventDetails: { 3: assigned({ s: '"x"', n: '42', o: '{"s":"x","n":21}' }) },
  },
  {
    name: 'a JSONata counter loop reassigns a variable each round until a Condition ends it',
    definition: jsonata({
      Init: { Type: 'Pass', Assign: { i: 0 }, Next: 'Check' },
      Check: { Type: 'Choice', Choices: [{ Condition: '{% $i < 3 %}', Next: 'Inc' }], Default: 'Done' },
      Inc: { Type: 'Pass', Assign: { i: '{% $i + 1 %}' }, Next: 'Check' },
      Done: { Type: 'Pass', Output: '{% $i %}', End: true },
    }),
    expected: { status: 'SUCCEEDED', output: 3 },
  },
  // Variables in JSONPath fields other than payload templates (recorded test_reference_assign).
  {
    name: 'Choice Variable and StringEqualsPath may read variables; a loop reassigns one (recorded history)',
    definition: machine({
      Setup: { Type: 'Pass', Assign: { guess: 'the_guess', answer: 'the_answer' }, Next: 'CheckAnswer' },
      CheckAnswer: {
        Type: 'Choice',
        Choices: [{ Variable: '$guess', StringEqualsPath: '$answer', Next: 'CorrectAnswer' }],
        Default: 'WrongAnswer',
      },
      CorrectAnswer: { Type: 'Pass', Result: { state: 'CORRECT' }, End: true },
      WrongAnswer: {
        Type: 'Pass',
        Assign: { 'guess.$': '$answer' },
        Result: { state: 'WRONG' },
        Next: 'CheckAnswer',
      },
    }),
    expected: { status: 'SUCCEEDED', output: { state: 'CORRECT' } },
    events: [
      'ExecutionStarted',
      'PassStateEntered',
      'PassStateExited',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ],
    links: CHAIN_LINKS(12),
    eventDetails: {
      3: assigned({ guess: '"the_guess"', answer: '"the_answer"' }),
      5: NOTHING_ASSIGNED,
      6: { stateEnteredEventDetails: { name: 'WrongAnswer' } },
      7: assigned({ guess: '"the_answer"' }),
      10: { stateEnteredEventDetails: { name: 'CorrectAnswer', input: '{"state":"WRONG"}' } },
    },
  },
  {
    name: 'SecondsPath and TimestampPath may read variables (recorded BASE_REFERENCE_IN_WAIT)',
    definition: machine({
      Start: {
        Type: 'Pass',
        Assign: { waitTime: 0, startAt: '2024-11-06T09:42:03Z' },
        Next: 'WaitSecondsState',
      },
      WaitSecondsState: { Type: 'Wait', SecondsPath: '$waitTime', Next: 'WaitUntilState' },
      WaitUntilState: { Type: 'Wait', TimestampPath: '$startAt', End: true },
    }),
    expected: { status: 'SUCCEEDED', output: {} },
    events: [
      'ExecutionStarted',
      'PassStateEntered',
      'PassStateExited',
      'WaitStateEntered',
      'WaitStateExited',
      'WaitStateEntered',
      'WaitStateExited',
      'ExecutionSucceeded',
    ],
    links: CHAIN_LINKS(8),
    durationMs: 0,
  },
  {
    name: 'SecondsPath reading a variable waits that many seconds',
    definition: machine({
      Start: { Type: 'Pass', Assign: { waitTime: 7 }, Next: 'W' },
      W: { Type: 'Wait', SecondsPath: '$waitTime', End: true },
    }),
    expected: { status: 'SUCCEEDED', output: {} },
    durationMs: 7_000,
  },
  {
    name: 'Fail ErrorPath and CausePath may read variables (recorded)',
    definition: machine({
      Pass: {
        Type: 'Pass',
        Assign: { errorVar: 'Exception', causeVar: 'An Exception was encountered' },
        Next: 'Fail',
      },
      Fail: { Type: 'Fail', CausePath: '$causeVar', ErrorPath: '$errorVar' },
    }),
    expected: { status: 'FAILED', error: 'Exception', cause: 'An Exception was encountered' },
    events: [
      'ExecutionStarted',
      'PassStateEntered',
      'PassStateExited',
      'FailStateEntered',
      'ExecutionFailed',
    ],
    links: CHAIN_LINKS(5),
  },
  {
    name: 'intrinsic functions take variables as arguments (recorded BASE_REFERENCE_IN_INTRINSIC_FUNCTION)',
    definition: machine({
      State0: {
        Type: 'Pass',
        Assign: {
          rawString: 'Hello World',
          encodedString: 'SGVsbG8gV29ybGQ=',
          inputString: 'Hash this string',
          json1: { a: 1, b: 2 },
          json2: { c: 3, d: 4 },
          jsonString: '{"key":"value"}',
          jsonObject: { test: 'object' },
          value1: 5,
          value2: 3,
          csvString: 'a,b,c,d,e',
          name: 'John',
          place: 'LocalStack',
        },
        Next: 'State1',
      },
      State1: {
        Type: 'Pass',
        Parameters: {
          encodingOps: {
            'encoded.$': 'States.Base64Encode($rawString)',
            'decoded.$': 'States.Base64Decode($encodedString)',
          },
          hashOps: { 'hashValue.$': "States.Hash($inputString, 'SHA-256')" },
          jsonOps: {
            'mergedJson.$': 'States.JsonMerge($json1, $json2, false)',
            'parsedJson.$': 'States.StringToJson($jsonString)',
            'stringifiedJson.$': 'States.JsonToString($jsonObject)',
          },
          mathOps: { 'sum.$': 'States.MathAdd($value1, $value2)' },
          stringOps: {
            'splitString.$': "States.StringSplit($csvString, ',')",
            'formattedString.$': "States.Format('Hello {}, welcome to {}!', $name, $place)",
          },
          uuidOp: { 'uniqueId.$': 'States.UUID()' },
        },
        End: true,
      },
    }),
    expected: {
      status: 'SUCCEEDED',
      output: {
        encodingOps: { decoded: 'Hello World', encoded: 'SGVsbG8gV29ybGQ=' },
        hashOps: { hashValue: '1cac63f39fd68d8c531f27b807610fb3d50f0fc3f186995767fb6316e7200a3e' },
        jsonOps: {
          parsedJson: { key: 'value' },
          mergedJson: { a: 1, b: 2, c: 3, d: 4 },
          stringifiedJson: '{"test":"object"}',
        },
        mathOps: { sum: 8 },
        stringOps: {
          formattedString: 'Hello John, welcome to LocalStack!',
          splitString: ['a', 'b', 'c', 'd', 'e'],
        },
        uuidOp: {
          uniqueId: expect.stringMatching(
            /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
          ),
        },
      },
    },
  },
  {
    name: 'an Assign built from intrinsic functions over the Pass result holds the computed values',
    definition: machine({
      State0: {
        Type: 'Pass',
        Result: { inputArray: [1, 2, 3, 4, 5, 6], duplicateArray: [1, 2, 2, 3, 3, 4] },
        Assign: {
          arrayOps: {
            'simpleArray.$': "States.Array('a', 'b', 'c')",
            'partitionedArray.$': 'States.ArrayPartition($.inputArray, 2)',
            'containsElement.$': 'States.ArrayContains($.inputArray, 5)',
            'numberRange.$': 'States.ArrayRange(1, 10, 2)',
            'thirdElement.$': 'States.ArrayGetItem($.inputArray, 2)',
            'arraySize.$': 'States.ArrayLength($.inputArray)',
            'uniqueValues.$': 'States.ArrayUnique($.duplicateArray)',
          },
        },
        Next: 'Read',
      },
      Read: { Type: 'Pass', OutputPath: '$arrayOps', End: true },
    }),
    expected: {
      status: 'SUCCEEDED',
      output: {
        simpleArray: ['a', 'b', 'c'],
        partitionedArray: [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
        containsElement: true,
        numberRange: [1, 3, 5, 7, 9],
        thirdElement: 3,
        arraySize: 6,
        uniqueValues: [1, 2, 3, 4],
      },
    },
  },
  // What `$` means in a JSONPath Assign (spec "Using Assign").
  {
    name: "a JSONPath Task Assign's $ is the task result, not the state output after ResultPath",
    definition: machine({
      T: {
        Type: 'Task',
        Resource: fn('seven'),
        ResultPath: '$.res',
        Assign: { 'got.$': '$.r' },
        Next: 'Read',
      },
      Read: { Type: 'Pass', Parameters: { 'got.$': '$got', 'res.$': '$.res' }, End: true },
    }),
    functions: { seven: () => ({ r: 7 }) },
    input: { a: 1 },
    expected: { status: 'SUCCEEDED', output: { got: 7, res: { r: 7 } } },
    eventDetails: { 6: assigned({ got: '7' }) },
  },
  {
    name: "a lambda:invoke Task Assign's $ is the invoke result, and TimeoutSecondsPath and Parameters read variables",
    definition: machine({
      Pass: {
        Type: 'Pass',
        Assign: { 'functionName.$': '$.FunctionName', inputData: { foo: 'oof', bar: 'rab' }, timeout: 300 },
        Next: 'Task',
      },
      Task: {
        Type: 'Task',
        Resource: INVOKE,
        TimeoutSecondsPath: '$timeout',
        Parameters: { 'Payload.$': '$inputData', 'FunctionName.$': '$functionName' },
        Assign: { 'result.$': '$.Payload' },
        OutputPath: '$.Payload',
        Next: 'End',
      },
      End: { Type: 'Pass', Assign: { 'previousResult.$': '$result', timeout: 150 }, End: true },
    }),
    functions: { hello: () => 'HelloWorld!' },
    input: { FunctionName: 'hello', AccountID: '123456789012' },
    expected: { status: 'SUCCEEDED', output: 'HelloWorld!' },
    events: [
      'ExecutionStarted',
      'PassStateEntered',
      'PassStateExited',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ],
    links: CHAIN_LINKS(11),
    eventDetails: {
      3: assigned({ functionName: '"hello"', inputData: '{"foo":"oof","bar":"rab"}', timeout: '300' }),
      5: {
        taskScheduledEventDetails: {
          parameters: '{"Payload":{"foo":"oof","bar":"rab"},"FunctionName":"hello"}',
          timeoutInSeconds: 300,
        },
      },
      8: assigned({ result: '"HelloWorld!"' }),
      10: assigned({ previousResult: '"HelloWorld!"', timeout: '150' }),
    },
  },
  {
    name: "a JSONPath Map Assign's $ is the Map result array",
    definition: machine({
      M: {
        Type: 'Map',
        ItemsPath: '$.xs',
        ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } },
        ResultPath: '$.out',
        Assign: { 'count.$': 'States.ArrayLength($)', 'first.$': '$[0]' },
        Next: 'Read',
      },
      Read: { Type: 'Pass', Parameters: { 'count.$': '$count', 'first.$': '$first' }, End: true },
    }),
    input: { xs: ['a', 'b', 'c'] },
    expected: { status: 'SUCCEEDED', output: { count: 3, first: 'a' } },
  },
  {
    name: "a JSONPath Parallel Assign's $ is the array of branch results",
    definition: machine({
      Par: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'A', States: { A: { Type: 'Pass', Result: 'one', End: true } } },
          { StartAt: 'B', States: { B: { Type: 'Pass', Result: 'two', End: true } } },
        ],
        ResultPath: null,
        Assign: { 'second.$': '$[1]' },
        Next: 'Read',
      },
      Read: { Type: 'Pass', Parameters: { 'second.$': '$second', 'kept.$': '$.kept' }, End: true },
    }),
    input: { kept: true },
    expected: { status: 'SUCCEEDED', output: { second: 'two', kept: true } },
  },
  {
    name: "a Wait state's Assign $ is its effective input after InputPath (recorded Wait Assign in history)",
    definition: machine({
      WaitState: {
        Type: 'Wait',
        Seconds: 0,
        InputPath: '$.inner',
        Assign: { foo: 'oof', 'v.$': '$.x' },
        Next: 'Read',
      },
      Read: { Type: 'Pass', Parameters: { 'foo.$': '$foo', 'v.$': '$v', 'in.$': '$' }, End: true },
    }),
    input: { inner: { x: 5 }, other: 1 },
    expected: { status: 'SUCCEEDED', output: { foo: 'oof', v: 5, in: { x: 5 } } },
    eventDetails: { 3: { type: 'WaitStateExited', ...assigned({ foo: '"oof"', v: '5' }) } },
  },
  // Choice rule Assign replaces the state-level one.
  {
    name: "a Choice's state-level Assign applies when the Default is taken, reading the effective input (recorded)",
    definition: assignInChoice,
    input: { input_value: '42' },
    expected: { status: 'SUCCEEDED', output: { result: 'INCORRECT' } },
    events: [
      'ExecutionStarted',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ],
    links: CHAIN_LINKS(6),
    eventDetails: { 3: assigned({ guess: '"42"', status: '"INCORRECT"' }), 5: NOTHING_ASSIGNED },
  },
  {
    name: "a matched Choice rule's Assign replaces the state-level Assign",
    definition: assignInChoice,
    input: { input_value: 42 },
    expected: { status: 'SUCCEEDED', output: { result: 'CORRECT' } },
    eventDetails: { 3: assigned({ status: '"CORRECT"' }) },
  },
  {
    name: 'a JSONata Choice rule Assign is recorded when its Condition holds (recorded CONDITION_TRUE)',
    definition: jsonataChoiceAssign,
    input: { condition: true },
    expected: { status: 'SUCCEEDED', output: { condition: true } },
    events: [
      'ExecutionStarted',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ],
    links: CHAIN_LINKS(6),
    eventDetails: { 3: assigned({ Assignment: '"Condition assignment"' }) },
  },
  {
    name: 'a JSONata Choice top-level Assign is recorded when the Default is taken (recorded CONDITION_FALSE)',
    definition: jsonataChoiceAssign,
    input: { condition: false },
    expected: { status: 'FAILED', cause: 'Condition is false' },
    events: [
      'ExecutionStarted',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'FailStateEntered',
      'ExecutionFailed',
    ],
    links: CHAIN_LINKS(5),
    eventDetails: { 3: assigned({ Assignment: '"Default Assignment"' }) },
  },
  {
    name: 'the spec DispatchEvent example: a rule reading a variable assigns its own value',
    definition: dispatchEvent(23),
    input: { type: 'Private' },
    expected: { status: 'SUCCEEDED', output: 'twenties' },
    eventDetails: { 5: assigned({ band: '"twenties"' }) },
  },
  {
    name: 'the spec DispatchEvent example: a rule with Output and no Assign assigns nothing',
    definition: dispatchEvent(5),
    input: { type: 'Private', rating: 10, auditThreshold: 4 },
    expected: { status: 'SUCCEEDED', output: { excess: 6 } },
    eventDetails: { 5: NOTHING_ASSIGNED },
  },
  {
    name: 'the spec DispatchEvent example: no rule matching assigns the top-level value',
    definition: dispatchEvent(5),
    input: { type: 'Private', rating: 1, auditThreshold: 4 },
    expected: { status: 'SUCCEEDED', output: 'default' },
    eventDetails: { 5: assigned({ band: '"default"' }) },
  },
  {
    name: 'the spec JSONPath DispatchEvent example: an And rule assigns "twenties" for value 22',
    definition: machine({
      DispatchEvent: {
        Type: 'Choice',
        Choices: [
          { Not: { Variable: '$.type', StringEquals: 'Private' }, Next: 'Public' },
          {
            And: [
              { Variable: '$.value', IsPresent: true },
              { Variable: '$.value', IsNumeric: true },
              { Variable: '$.value', NumericGreaterThanEquals: 20 },
              { Variable: '$.value', NumericLessThan: 30 },
            ],
            Assign: { range: 'twenties' },
            Next: 'ValueInTwenties',
          },
          { Variable: '$.rating', NumericGreaterThanPath: '$.auditThreshold', Next: 'StartAudit' },
        ],
        Default: 'RecordEvent',
        Assign: { range: 'default' },
      },
      Public: { Type: 'Pass', End: true },
      ValueInTwenties: { Type: 'Pass', Parameters: { 'range.$': '$range' }, End: true },
      StartAudit: { Type: 'Pass', End: true },
      RecordEvent: { Type: 'Pass', Parameters: { 'range.$': '$range' }, End: true },
    }),
    input: { type: 'Private', value: 22 },
    expected: { status: 'SUCCEEDED', output: { range: 'twenties' } },
    eventDetails: { 3: assigned({ range: '"twenties"' }) },
  },
  // Catch Assign.
  {
    name: "a catcher's Assign replaces the Task's and reads $states.errorOutput (recorded BASE_ASSIGN_IN_CATCH)",
    definition: {
      StartAt: 'Task',
      States: {
        Task: {
          QueryLanguage: 'JSONata',
          Type: 'Task',
          Assign: { result: 'SUCCESS' },
          Resource: INVOKE,
          Arguments: { FunctionName: '{% $states.input.input_value %}', Payload: { foo: 'oof' } },
          Catch: [
            {
              ErrorEquals: ['States.ALL'],
              Assign: { result: '{% $states.errorOutput %}' },
              Next: 'fallback',
            },
          ],
          End: true,
        },
        fallback: { Type: 'Pass', End: true },
      },
    },
    functions: {
      raise: () => {
        throw 'boom';
      },
    },
    input: { input_value: 'raise' },
    expected: {
      status: 'SUCCEEDED',
      output: { Error: 'string', Cause: '{"errorType":"string","errorMessage":"boom","trace":[]}' },
    },
    events: [
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ],
    links: CHAIN_LINKS(9),
    eventDetails: {
      3: { taskScheduledEventDetails: { parameters: '{"FunctionName":"raise","Payload":{"foo":"oof"}}' } },
      6: assigned({
        result: JSON.stringify({
          Error: 'string',
          Cause: '{"errorType":"string","errorMessage":"boom","trace":[]}',
        }),
      }),
    },
  },
  {
    name: 'a JSONata catcher Assign samples $states.input and $states.errorOutput for the fallback state',
    definition: catchVariableSampling,
    functions: {
      work: () => {
        throw 'boom';
      },
    },
    input: { inputData: 'dummy' },
    expected: {
      status: 'SUCCEEDED',
      output: {
        error: { Error: 'string', Cause: '{"errorType":"string","errorMessage":"boom","trace":[]}' },
        input: { inputData: 'dummy' },
      },
    },
  },
  {
    name: "without an error the Task's own Assign runs and samples $states.result",
    definition: catchVariableSampling,
    functions: { work: () => ({ ok: true }) },
    input: { inputData: 'dummy' },
    expected: { status: 'SUCCEEDED', output: { result: { ok: true }, input: { inputData: 'dummy' } } },
  },
  {
    name: "a JSONPath catcher Assign's $ is the error output",
    definition: machine({
      T: {
        Type: 'Task',
        Resource: fn('fail'),
        Catch: [
          {
            ErrorEquals: ['States.ALL'],
            Assign: { 'errName.$': '$.Error', 'errCause.$': '$.Cause' },
            ResultPath: '$.error',
            Next: 'After',
          },
        ],
        End: true,
      },
      After: {
        Type: 'Pass',
        Parameters: { 'name.$': '$errName', 'cause.$': '$errCause', 'a.$': '$.a' },
        End: true,
      },
    }),
    functions: {
      fail: () => {
        throw 'nope';
      },
    },
    input: { a: 1 },
    expected: {
      status: 'SUCCEEDED',
      output: { name: 'string', cause: '{"errorType":"string","errorMessage":"nope","trace":[]}', a: 1 },
    },
  },
  {
    name: 'a JSONata Task Assign samples variables, $states.input and the result (recorded BASE_LAMBDA_EXPRESSION)',
    definition: machine({
      Init: {
        Type: 'Pass',
        Assign: { 'var_input_value.$': '$.input_value', var_constant_1: 1 },
        Next: 'State0',
      },
      State0: {
        QueryLanguage: 'JSONata',
        Type: 'Task',
        Resource: fn('echo'),
        Arguments: {
          ja_states_input: '{% $states.input %}',
          ja_var_access: '{% $var_input_value %}',
          ja_expr: '{% $sum($states.input.input_values) + $var_constant_1 %}',
        },
        Assign: {
          ja_var_access: '{% $var_input_value %}',
          ja_expr: '{% $sum($states.input.input_values) + $var_constant_1 %}',
          echoed: '{% $states.result.ja_expr %}',
        },
        End: true,
      },
    }),
    functions: { echo },
    input: { input_value: 'string literal', input_values: [1, 2, 3] },
    expected: {
      status: 'SUCCEEDED',
      output: {
        ja_states_input: { input_value: 'string literal', input_values: [1, 2, 3] },
        ja_var_access: 'string literal',
        ja_expr: 7,
      },
    },
    eventDetails: {
      3: assigned({ var_constant_1: '1', var_input_value: '"string literal"' }),
      8: assigned({ ja_var_access: '"string literal"', ja_expr: '7', echoed: '7' }),
    },
  },
  // Scope: Map iterations and Parallel branches.
  {
    name: 'Map iterations read an outer variable, their Assign stays inside, and the Map exit assigns nothing (recorded)',
    definition: machine({
      State0: { Type: 'Pass', Assign: { x: 42, items: [1, 2, 3] }, Next: 'State1' },
      State1: {
        Type: 'Map',
        ItemsPath: '$items',
        MaxConcurrency: 1,
        ItemProcessor: {
          ProcessorConfig: { Mode: 'INLINE' },
          StartAt: 'Inner',
          States: { Inner: { Type: 'Pass', Assign: { 'innerX.$': '$x' }, End: true } },
        },
        Next: 'State2',
      },
      State2: { Type: 'Pass', Assign: { 'final.$': '$x' }, End: true },
    }),
    input: { input_value: 'input_value_literal' },
    expected: { status: 'SUCCEEDED', output: [1, 2, 3] },
    events: [
      'ExecutionStarted',
      'PassStateEntered',
      'PassStateExited',
      'MapStateEntered',
      'MapStateStarted',
      'MapIterationStarted',
      'PassStateEntered',
      'PassStateExited',
      'MapIterationSucceeded',
      'MapIterationStarted',
      'PassStateEntered',
      'PassStateExited',
      'MapIterationSucceeded',
      'MapIterationStarted',
      'PassStateEntered',
      'PassStateExited',
      'MapIterationSucceeded',
      'MapStateSucceeded',
      'MapStateExited',
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
      [10, 8],
      [11, 10],
      [12, 11],
      [13, 12],
      [14, 12],
      [15, 14],
      [16, 15],
      [17, 16],
      [18, 17],
      [19, 17],
      [20, 19],
      [21, 20],
      [22, 21],
    ],
    eventDetails: {
      3: assigned({ items: '[1,2,3]', x: '42' }),
      8: assigned({ innerX: '42' }),
      12: assigned({ innerX: '42' }),
      16: assigned({ innerX: '42' }),
      19: NOTHING_ASSIGNED,
      21: assigned({ final: '42' }),
    },
  },
  {
    name: 'Parallel branches read an outer variable and assign their own (recorded BASE_SCOPE_PARALLEL)',
    definition: machine({
      State0: { Type: 'Pass', Assign: { x: 42 }, Next: 'State1' },
      State1: {
        Type: 'Parallel',
        End: true,
        Branches: ['Branch1', 'Branch21', 'Branch31'].map((name) => ({
          StartAt: name,
          States: { [name]: { Type: 'Pass', Assign: { 'innerX.$': '$x', 'value.$': '$' }, End: true } },
        })),
      },
    }),
    expected: { status: 'SUCCEEDED', output: [{}, {}, {}] },
    eventDetails: { 3: assigned({ x: '42' }) },
  },
  {
    name: 'each Parallel branch keeps its own value for a variable name both branches assign',
    definition: jsonata({
      Par: {
        Type: 'Parallel',
        Branches: [1, 2].map((n) => ({
          StartAt: `Set${n}`,
          States: {
            [`Set${n}`]: { Type: 'Pass', Assign: { v: n }, Next: `Wait${n}` },
            [`Wait${n}`]: { Type: 'Wait', Seconds: 3 - n, Next: `Get${n}` },
            [`Get${n}`]: { Type: 'Pass', Output: '{% $v %}', End: true },
          },
        })),
        End: true,
      },
    }),
    expected: { status: 'SUCCEEDED', output: [1, 2] },
  },
  {
    name: 'each Map iteration keeps its own value for a variable it assigns, even when iterations overlap',
    definition: jsonata({
      M: {
        Type: 'Map',
        Items: [1, 2, 3],
        ItemProcessor: {
          StartAt: 'Set',
          States: {
            Set: { Type: 'Pass', Assign: { mine: '{% $states.input %}' }, Next: 'Wait' },
            Wait: { Type: 'Wait', Seconds: '{% 4 - $states.input %}', Next: 'Get' },
            Get: { Type: 'Pass', Output: '{% $mine * 10 %}', End: true },
          },
        },
        End: true,
      },
    }),
    expected: { status: 'SUCCEEDED', output: [10, 20, 30] },
  },
  {
    // Spec "Variable Scope" example: "End" outputs "hello", "Goodbye" outputs 2.
    name: 'the spec scope example: iterations read outer, the Map reassigns outer, the next state sees 2',
    definition: jsonata({
      'Get Greeting': { Type: 'Pass', Assign: { outer: 'hello' }, Next: 'Greet Everyone' },
      'Greet Everyone': {
        Type: 'Map',
        ItemProcessor: {
          StartAt: 'Begin',
          States: {
            Begin: { Type: 'Pass', Assign: { inner: 'world', hi: '{% $outer %}' }, Next: 'End' },
            End: { Type: 'Succeed', Output: '{% $hi %}' },
          },
        },
        Assign: { outer: 2, greetings: '{% $states.result %}' },
        Next: 'Goodbye',
      },
      Goodbye: { Type: 'Succeed', Output: { outer: '{% $outer %}', greetings: '{% $greetings %}' } },
    }),
    input: ['a', 'b'],
    expected: { status: 'SUCCEEDED', output: { outer: 2, greetings: ['hello', 'hello'] } },
  },
  {
    name: 'a variable assigned inside a Map iteration is gone after the Map',
    definition: jsonata({
      M: {
        Type: 'Map',
        Items: [1],
        ItemProcessor: {
          StartAt: 'Set',
          States: { Set: { Type: 'Pass', Assign: { inner: 'world' }, End: true } },
        },
        Next: 'After',
      },
      After: { Type: 'Pass', Output: '{% $exists($inner) %}', End: true },
    }),
    expected: { status: 'SUCCEEDED', output: false },
  },
  {
    name: 'nested Map iterations read variables from both outer scopes (recorded BASE_REFERENCE_IN_ITERATOR_OUTER_SCOPE)',
    definition: machine({
      Input: {
        Type: 'Pass',
        Result: [
          [9, 44, 6],
          [82, 25, 76],
          [18, 42, 2],
        ],
        Assign: { bias: 4.3 },
        Next: 'IterateLevels',
      },
      IterateLevels: {
        Type: 'Map',
        MaxConcurrency: 1,
        ItemProcessor: {
          ProcessorConfig: { Mode: 'INLINE' },
          StartAt: 'AssignCurrentVector',
          States: {
            AssignCurrentVector: {
              Type: 'Pass',
              Assign: { 'xCurrent.$': '$[0]', 'yCurrent.$': '$[1]', 'zCurrent.$': '$[2]' },
              Next: 'Calculate',
            },
            Calculate: {
              Type: 'Map',
              MaxConcurrency: 1,
              ItemProcessor: {
                ProcessorConfig: { Mode: 'INLINE' },
                StartAt: 'Summate',
                States: {
                  Summate: {
                    Type: 'Pass',
                    Assign: {
                      'Sum.$':
                        'States.MathAdd(States.MathAdd(States.MathAdd($yCurrent, $xCurrent), $zCurrent), $bias)',
                    },
                    End: true,
                  },
                },
              },
              End: true,
            },
          },
        },
        End: true,
      },
    }),
    expected: {
      status: 'SUCCEEDED',
      output: [
        [9, 44, 6],
        [82, 25, 76],
        [18, 42, 2],
      ],
    },
    eventDetails: {
      3: assigned({ bias: '4.3' }),
      8: assigned({ xCurrent: '9', yCurrent: '44', zCurrent: '6' }),
      13: assigned({ Sum: '63' }),
      17: assigned({ Sum: '63' }),
    },
  },
  {
    name: 'ItemsPath may select a variable, and iteration states read outer variables (recorded)',
    definition: machine({
      Start: {
        Type: 'Pass',
        Assign: { Question: "Who's that Pokemon?", PokemonList: ['Charizard', 'Pikachu', 'Squirtle'] },
        Result: { AnswerTemplate: "It's {}!" },
        Next: 'MapIterateState',
      },
      MapIterateState: {
        Type: 'Map',
        MaxConcurrency: 1,
        ItemsPath: '$PokemonList',
        ItemSelector: { 'AnnouncePokemon.$': 'States.Format($.AnswerTemplate, $$.Map.Item.Value)' },
        ItemProcessor: {
          ProcessorConfig: { Mode: 'INLINE' },
          StartAt: 'Pass',
          States: {
            Pass: {
              Type: 'Pass',
              Parameters: { 'Question.$': '$Question', 'Answer.$': '$.AnnouncePokemon' },
              End: true,
            },
          },
        },
        End: true,
      },
    }),
    expected: {
      status: 'SUCCEEDED',
      output: [
        { Answer: "It's Charizard!", Question: "Who's that Pokemon?" },
        { Answer: "It's Pikachu!", Question: "Who's that Pokemon?" },
        { Answer: "It's Squirtle!", Question: "Who's that Pokemon?" },
      ],
    },
    eventDetails: {
      5: { mapStateStartedEventDetails: { length: 3 } },
      7: { stateEnteredEventDetails: { input: '{"AnnouncePokemon":"It\'s Charizard!"}' } },
    },
  },
  {
    name: 'an ItemSelector intrinsic may take a variable argument (recorded MAP_STATE_REFERENCE_IN_INTRINSIC_FUNCTION)',
    definition: machine({
      Start: {
        Type: 'Pass',
        Assign: { AnswerTemplate: "It's {}!", Question: "Who's that Pokemon?" },
        Result: ['Charizard', 'Pikachu', 'Squirtle'],
        Next: 'MapIterateState',
      },
      MapIterateState: {
        Type: 'Map',
        MaxConcurrency: 1,
        ItemSelector: { 'AnnouncePokemon.$': 'States.Format($AnswerTemplate, $$.Map.Item.Value)' },
        ItemProcessor: {
          ProcessorConfig: { Mode: 'INLINE' },
          StartAt: 'Pass',
          States: {
            Pass: {
              Type: 'Pass',
              Parameters: { 'Question.$': '$Question', 'Answer.$': '$.AnnouncePokemon' },
              End: true,
            },
          },
        },
        End: true,
      },
    }),
    expected: {
      status: 'SUCCEEDED',
      output: [
        { Answer: "It's Charizard!", Question: "Who's that Pokemon?" },
        { Answer: "It's Pikachu!", Question: "Who's that Pokemon?" },
        { Answer: "It's Squirtle!", Question: "Who's that Pokemon?" },
      ],
    },
  },
  {
    name: 'MaxConcurrencyPath may read a variable holding the string "1" (recorded: iterations run one by one)',
    definition: machine({
      Start: {
        Type: 'Pass',
        Assign: { maxConcurrency: '1' },
        Result: { Values: [1, 2, 3] },
        Next: 'MapState',
      },
      MapState: {
        Type: 'Map',
        ItemsPath: '$.Values',
        MaxConcurrencyPath: '$maxConcurrency',
        ItemProcessor: {
          ProcessorConfig: { Mode: 'INLINE' },
          StartAt: 'HandleItem',
          States: { HandleItem: { Type: 'Pass', End: true } },
        },
        End: true,
      },
    }),
    expected: { status: 'SUCCEEDED', output: [1, 2, 3] },
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
      [10, 8],
      [11, 10],
      [12, 11],
      [13, 12],
      [14, 12],
      [15, 14],
      [16, 15],
      [17, 16],
      [18, 17],
      [19, 17],
      [20, 19],
    ],
    eventDetails: { 3: assigned({ maxConcurrency: '"1"' }) },
  },
  {
    name: 'a JSONata Map Assign and Output read $states.result and $states.input (spec Validate-All example)',
    definition: jsonata({
      'Validate-All': {
        Type: 'Map',
        Items: '{% $states.input.detail.shipped %}',
        MaxConcurrency: 0,
        ItemProcessor: {
          StartAt: 'Validate',
          States: { Validate: { Type: 'Task', Resource: fn('shipval'), End: true } },
        },
        Assign: { shipped: '{% $states.result %}' },
        Output: { numItemsProcessed: '{% $count($states.input.detail.shipped) %}' },
        Next: 'Report',
      },
      Report: {
        Type: 'Pass',
        Output: { count: '{% $states.input.numItemsProcessed %}', shipped: '{% $shipped %}' },
        End: true,
      },
    }),
    functions: { shipval: (event) => ({ ok: (event as { prod: string }).prod }) },
    input: { detail: { shipped: [{ prod: 'R31' }, { prod: 'S39' }] } },
    expected: { status: 'SUCCEEDED', output: { count: 2, shipped: [{ ok: 'R31' }, { ok: 'S39' }] } },
  },
  // Variables survive waits and retries (the replay check rebuilds them from the history after every step).
  {
    name: 'a variable assigned before a Wait is still readable after it',
    definition: machine({
      Set: { Type: 'Pass', Assign: { n: 1, tag: 'kept' }, Next: 'W' },
      W: { Type: 'Wait', Seconds: 10, Next: 'Read' },
      Read: { Type: 'Pass', Parameters: { 'n.$': '$n', 'tag.$': '$tag' }, End: true },
    }),
    expected: { status: 'SUCCEEDED', output: { n: 1, tag: 'kept' } },
    durationMs: 10_000,
  },
  {
    name: 'a variable assigned inside a Map iteration before a Wait is still readable after it',
    definition: jsonata({
      M: {
        Type: 'Map',
        Items: ['a', 'b'],
        MaxConcurrency: 1,
        ItemProcessor: {
          StartAt: 'Set',
          States: {
            Set: { Type: 'Pass', Assign: { item: '{% $states.input %}' }, Next: 'W' },
            W: { Type: 'Wait', Seconds: 2, Next: 'Read' },
            Read: { Type: 'Pass', Output: "{% $item & '!' %}", End: true },
          },
        },
        End: true,
      },
    }),
    expected: { status: 'SUCCEEDED', output: ['a!', 'b!'] },
    durationMs: 4_000,
  },
  {
    name: 'a Task Assign after a retried failure reads the successful attempt result',
    definition: jsonata({
      T: {
        Type: 'Task',
        Resource: fn('flaky'),
        Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 2 }],
        Assign: { attempt: '{% $states.result.attempt %}' },
        Next: 'Read',
      },
      Read: { Type: 'Pass', Output: '{% $attempt %}', End: true },
    }),
    // A getter: each run gets a fresh call counter.
    get functions() {
      let calls = 0;
      return {
        flaky: () => {
          calls += 1;
          if (calls < 2) throw 'not yet';
          return { attempt: calls };
        },
      };
    },
    expected: { status: 'SUCCEEDED', output: 2 },
    durationMs: 1_000,
  },
  {
    name: 'a variable larger than 256 KiB fails the state with States.DataLimitExceeded',
    // The input stays under the 256 KiB input quota; the variable doubles it.
    definition: {
      StartAt: 'Big',
      States: { Big: { Type: 'Pass', Assign: { 'big.$': 'States.Array($.s, $.s)' }, End: true } },
    },
    input: { s: 'x'.repeat(150_000) },
    events: ['ExecutionStarted', 'PassStateEntered', 'ExecutionFailed'],
    expected: {
      status: 'FAILED',
      error: 'States.DataLimitExceeded',
      cause: /'big' is 300007 bytes, more than the 262144 bytes/,
    },
  },
  {
    name: 'variables adding up to more than 10 MiB in one execution fail with States.DataLimitExceeded',
    // 41 variables of 260,002 bytes (JSON text) pass 10 MiB at the 41st. Each one is read from the context
    // object and the states pass on `{}`, so the history holds each large text once (in assignedVariables)
    // rather than three times (input, output, assignment): the durable run stores and reads a third as much.
    definition: {
      StartAt: 'V0',
      States: Object.fromEntries(
        Array.from({ length: 41 }, (_, i) => [
          `V${i}`,
          {
            Type: 'Pass',
            Result: {},
            Assign: { [`v${i}.$`]: '$$.Execution.Input.s' },
            ...(i < 40 ? { Next: `V${i + 1}` } : { End: true }),
          },
        ]),
      ),
    },
    input: { s: 'x'.repeat(260_000) },
    // 41 steps each replaying and snapshotting megabytes of variables: about 8 s alone on 2 cores.
    durableTimeoutMs: 90_000,
    expected: {
      status: 'FAILED',
      error: 'States.DataLimitExceeded',
      cause: /variables would hold 10660082 bytes, more than the 10485760 bytes an execution may hold/,
    },
  },
];
