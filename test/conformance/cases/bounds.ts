import type { ConformanceCase } from '../conformance-case.ts';

/**
 * JSONPath filters as Jayway evaluates them (AWS's path library), and the bounds a definition cannot break:
 * JSONata memory, intrinsic growth and a Map's items held to the payload quota. Jayway's operators are
 * documented in its README (filter operators); the bounds' messages are AWS's (Floci, measured) where AWS
 * has one, and Statefold's otherwise (the cause says which limit).
 */

const passWith = (parameters: object) => ({
  StartAt: 'P',
  States: { P: { Type: 'Pass', Parameters: parameters, End: true } },
});
const jsonataPass = (output: string) => ({
  QueryLanguage: 'JSONata',
  StartAt: 'P',
  States: { P: { Type: 'Pass', Output: output, End: true } },
});
const PASS_EVENTS = ['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded'];
const ITEMS = [
  { k: 'abc', tags: ['x', 'y'] },
  { k: 'b', tags: [] },
  { k: 'ABD', tags: ['z'] },
];

export const boundsCases: ConformanceCase[] = [
  {
    name: "a JSONPath filter's =~ matches the whole string (Jayway's Matcher.matches), with the i flag",
    definition: passWith({
      'whole.$': '$.items[?(@.k =~ /a.*/)].k',
      'part.$': '$.items[?(@.k =~ /b/)].k',
      'caseless.$': '$.items[?(@.k =~ /ab./i)].k',
    }),
    input: { items: ITEMS },
    expected: { status: 'SUCCEEDED', output: { whole: ['abc'], part: ['b'], caseless: ['abc', 'ABD'] } },
    events: PASS_EVENTS,
  },
  {
    name: "JSONPath filters read Jayway's in, nin, size, empty, anyof, noneof and subsetof",
    definition: passWith({
      'in.$': "$.items[?(@.k in ['b', 'abc'])].k",
      'nin.$': "$.items[?(@.k nin ['b', 'abc'])].k",
      'size.$': '$.items[?(@.tags size 2)].k',
      'empty.$': '$.items[?(@.tags empty true)].k',
      'anyof.$': "$.items[?(@.tags anyof ['y', 'z'])].k",
      'noneof.$': "$.items[?(@.tags noneof ['y', 'z'])].k",
      'subsetof.$': "$.items[?(@.tags subsetof ['x', 'y'])].k",
    }),
    input: { items: ITEMS },
    expected: {
      status: 'SUCCEEDED',
      output: {
        in: ['abc', 'b'],
        nin: ['ABD'],
        size: ['abc'],
        empty: ['b'],
        anyof: ['abc', 'ABD'],
        noneof: ['b'],
        subsetof: ['abc', 'b'],
      },
    },
    events: PASS_EVENTS,
  },
  {
    name: 'a JSONata string built past the payload quota fails the state with States.QueryEvaluationError (memory limit)',
    definition: jsonataPass('{% $length($string([1..10000000])) %}'),
    expected: {
      status: 'FAILED',
      error: 'States.QueryEvaluationError',
      cause: /Expression evaluation memory limit exceeded: Check for excessive memory usage/,
    },
  },
  {
    name: 'a JSONata Map over a million items fails with States.QueryEvaluationError before any iteration',
    definition: {
      QueryLanguage: 'JSONata',
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          Items: '{% [1..1000000] %}',
          ItemProcessor: { StartAt: 'X', States: { X: { Type: 'Pass', End: true } } },
          End: true,
        },
      },
    },
    expected: { status: 'FAILED', error: 'States.QueryEvaluationError', cause: /memory limit exceeded/ },
  },
  {
    name: 'a JSONata Map whose items are over the 256 KiB payload quota fails with States.DataLimitExceeded before any iteration',
    definition: {
      QueryLanguage: 'JSONata',
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          Items: '{% [1..100000] %}',
          ItemProcessor: { StartAt: 'X', States: { X: { Type: 'Pass', End: true } } },
          End: true,
        },
      },
    },
    expected: { status: 'FAILED', error: 'States.DataLimitExceeded' },
    events: ['ExecutionStarted', 'MapStateEntered', 'ExecutionFailed'],
  },
  {
    name: 'a States.Format of many large values fails with States.DataLimitExceeded before the text is built',
    definition: passWith({
      'a.$': `States.Format('${'{}'.repeat(20)}', ${Array(20).fill('$.s').join(', ')})`,
    }),
    input: { s: 'x'.repeat(100_000) },
    expected: {
      status: 'FAILED',
      error: 'States.DataLimitExceeded',
      cause: /States\.Format is over 1048576 bytes/,
    },
  },
  {
    name: 'a Task whose input after Parameters is over 256 KiB fails with States.DataLimitExceeded before it is scheduled',
    definition: {
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: 'echo', 'Payload.$': "States.Format('{}{}{}', $.s, $.s, $.s)" },
          End: true,
        },
      },
    },
    input: { s: 'x'.repeat(100_000) },
    functions: { echo: (event: unknown) => event },
    expected: {
      status: 'FAILED',
      error: 'States.DataLimitExceeded',
      cause: /'T' has an input with a size exceeding/,
    },
    events: ['ExecutionStarted', 'TaskStateEntered', 'ExecutionFailed'],
  },
];
