import { describe, expect, it } from 'vitest';
import {
  COMPARISON_OPERATOR_TABLE,
  COMPARISON_OPERATORS,
  evaluateChoiceRule,
  findMatchingChoice,
} from '../../../shared/choice/index.ts';
import type { PathSources } from '../../../shared/jsonpath/paths.ts';
import { StatesError } from '../../../shared/language/states-error.ts';
import type { ChoiceRule } from '../../../shared/language/types.ts';
import type { Json } from '../../../shared/lib/json.ts';

const T0 = '2012-10-09T19:00:55Z';
const T1 = '2012-10-09T19:00:56Z';

/** Evaluates `{ Variable: '$.v', [operator]: operand }` against `{ v: value }`. */
function test(operator: string, value: Json, operand: Json): boolean {
  return evaluateChoiceRule({ Variable: '$.v', [operator]: operand }, { input: { v: value }, context: {} });
}

/** Evaluates `{ Variable: '$.v', [operator]Path: '$.w' }` against `{ v: value, w: operand }`. */
function testPath(operator: string, value: Json, operand: Json): boolean {
  return evaluateChoiceRule(
    { Variable: '$.v', [`${operator}Path`]: '$.w' },
    { input: { v: value, w: operand }, context: {} },
  );
}

function runtimeError(run: () => unknown): { error: string; cause: string } | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof StatesError) return { error: error.error, cause: error.errorCause };
    throw error;
  }
}

describe('comparison operators with a literal operand', () => {
  it.each<[string, Json, Json, boolean]>([
    // Strings compare by UTF-16 code unit, with no case folding or trimming.
    ['StringEquals', 'Hello', 'Hello', true],
    ['StringEquals', 'Hello', 'hello', false],
    ['StringEquals', ' ', '     ', false],
    ['StringEquals', 1, 'HelloWorld', false],
    ['StringEquals', null, 'HelloWorld', false],
    ['StringLessThan', 'A', 'AB', true],
    ['StringLessThan', 'AB', 'A', false],
    ['StringLessThan', '', '', false],
    ['StringLessThan', 'Z', 'a', true],
    ['StringLessThan', '\uFFFF', '\u{1F600}', false],
    ['StringLessThan', [], 'A', false],
    ['StringGreaterThan', 'A\t\n\r', 'A', true],
    ['StringGreaterThan', 'A', 'A ', false],
    ['StringGreaterThan', true, 'A', false],
    ['StringLessThanEquals', '', '', true],
    ['StringLessThanEquals', 'AB', 'A', false],
    ['StringLessThanEquals', {}, 'A', false],
    ['StringGreaterThanEquals', 'AB', 'A', true],
    ['StringGreaterThanEquals', 'A', 'AB', false],
    ['StringGreaterThanEquals', 0, '', false],
    // Numbers compare as doubles: 1 equals 1.0, -0 equals 0.
    ['NumericEquals', 1, 1.0, true],
    ['NumericEquals', -0, 0, true],
    ['NumericEquals', 2.22, 2.22, true],
    ['NumericEquals', 1.1, 1, false],
    ['NumericEquals', '1', 1, false],
    ['NumericEquals', true, 1, false],
    // Beyond 2^53 integers collapse to the same double, as the AWS docs warn.
    ['NumericEquals', JSON.parse('9007199254740993'), 9007199254740992, true],
    ['NumericLessThan', 0, 1, true],
    ['NumericLessThan', 1, 1, false],
    ['NumericLessThan', null, 1, false],
    ['NumericGreaterThan', 1, 0, true],
    ['NumericGreaterThan', 0, 0, false],
    ['NumericGreaterThan', '2', 1, false],
    ['NumericLessThanEquals', 1, 1, true],
    ['NumericLessThanEquals', 2, 1, false],
    ['NumericLessThanEquals', [1], 1, false],
    ['NumericGreaterThanEquals', 1, 1, true],
    ['NumericGreaterThanEquals', 0, 1, false],
    ['NumericGreaterThanEquals', false, 0, false],
    ['BooleanEquals', true, true, true],
    ['BooleanEquals', false, true, false],
    ['BooleanEquals', 'true', true, false],
    ['BooleanEquals', 0, false, false],
    ['TimestampEquals', T0, T0, true],
    ['TimestampEquals', T0, T1, false],
    ['TimestampEquals', '2023-02-24 12:15:56.832957', T0, false],
    ['TimestampEquals', 0, T0, false],
    ['TimestampLessThan', T0, T1, true],
    ['TimestampLessThan', T1, T0, false],
    ['TimestampLessThan', '', T1, false],
    ['TimestampGreaterThan', T1, T0, true],
    ['TimestampGreaterThan', T0, T0, false],
    ['TimestampGreaterThan', 'HelloWorld', T0, false],
    ['TimestampLessThanEquals', T0, T0, true],
    ['TimestampLessThanEquals', T1, T0, false],
    ['TimestampLessThanEquals', [T0], T1, false],
    ['TimestampGreaterThanEquals', T0, T0, true],
    ['TimestampGreaterThanEquals', T0, T1, false],
    ['TimestampGreaterThanEquals', { t: T1 }, T0, false],
  ])('%s: %j against %j is %s', (operator, value, operand, expected) => {
    expect(test(operator, value, operand)).toBe(expected);
  });
});

describe('StringMatches', () => {
  it.each<[string, string, boolean]>([
    ['foo23.log', 'foo*.log', true],
    ['zebra.log', '*.log', true],
    ['foobar.zebra', 'foo*.*', true],
    ['foobar', 'foo*.*', false],
    ['', '*', true],
    ['abc', 'abc', true],
    ['abcd', 'abc', false],
    ['Abc', 'abc', false],
    ['a?c', 'a?c', true],
    ['abc', 'a?c', false],
    ['aXbXc', '*b*c', true],
    ['aaab', '*a*ab', true],
    ['foo*bar', 'foo\\*bar', true],
    ['fooXbar', 'foo\\*bar', false],
    ['back\\slash', 'back\\\\slash', true],
    ['back\\\\slash', 'back\\\\slash', false],
    ['a\\b', 'a\\b', true],
    ['log*', '*\\*', true],
    ['log', '*\\*', false],
  ])('%j against the pattern %j is %s', (value, pattern, expected) => {
    expect(test('StringMatches', value, pattern)).toBe(expected);
  });

  it.each<[Json]>([[1], [null], [['foo.log']]])('a non-string value %j never matches', (value) => {
    expect(test('StringMatches', value, '*')).toBe(false);
  });
});

describe('timestamps', () => {
  it.each<[string, string, string, boolean]>([
    ['an offset names the same instant as Z', '2012-10-09T20:00:55+01:00', T0, true],
    ['a negative offset', '2012-10-09T14:00:55-05:00', T0, true],
    ['fractional seconds count', '2012-10-09T19:00:55.001Z', T0, false],
    ['trailing zeros in the fraction do not', '2012-10-09T19:00:55.000Z', T0, true],
    ['nanoseconds are told apart', '2012-10-09T19:00:55.000000001Z', T0, false],
    ['a lowercase z is not a timestamp', '2012-10-09T19:00:55z', T0, false],
    ['a lowercase t is not a timestamp', '2012-10-09t19:00:55Z', T0, false],
    ['no zone is not a timestamp', '2012-10-09T19:00:55', T0, false],
    ['a date alone is not a timestamp', '2012-10-09', '2012-10-09', false],
    ['February 29 exists in a leap year', '2024-02-29T00:00:00Z', '2024-02-29T00:00:00Z', true],
    ['February 29 does not exist otherwise', '2023-02-29T00:00:00Z', '2023-02-29T00:00:00Z', false],
    ['hour 24 is not a time', '2023-01-01T24:00:00Z', '2023-01-01T24:00:00Z', false],
  ])('TimestampEquals: %s', (_, value, operand, expected) => {
    expect(test('TimestampEquals', value, operand)).toBe(expected);
  });

  it.each<[string, string, string, boolean]>([
    [
      'an earlier wall clock with a larger offset is earlier',
      '2012-10-09T20:00:00+02:00',
      '2012-10-09T19:00:00Z',
      true,
    ],
    [
      'a later wall clock with a smaller offset is later',
      '2012-10-09T18:30:00-01:00',
      '2012-10-09T19:00:00Z',
      false,
    ],
    ['a fraction of a second earlier', '2012-10-09T19:00:54.999Z', T0, true],
    ['years before 100 are not shifted into the 1900s', '0050-01-01T00:00:00Z', '1950-01-01T00:00:00Z', true],
  ])('TimestampLessThan: %s', (_, value, operand, expected) => {
    expect(test('TimestampLessThan', value, operand)).toBe(expected);
  });
});

describe('type tests (Is*)', () => {
  const values: [string, Json][] = [
    ['null', null],
    ['a number', 1.1],
    ['a string', 'HelloWorld'],
    ['a timestamp', T0],
    ['a boolean', false],
    ['an array', []],
    ['an object', { A: 0 }],
  ];
  const holds: Record<string, (name: string) => boolean> = {
    IsNull: (name) => name === 'null',
    IsNumeric: (name) => name === 'a number',
    IsString: (name) => name === 'a string' || name === 'a timestamp',
    IsBoolean: (name) => name === 'a boolean',
    IsTimestamp: (name) => name === 'a timestamp',
    IsPresent: () => true,
  };
  const cases = Object.entries(holds).flatMap(([operator, isA]) =>
    values.flatMap(([name, value]) => [
      [operator, name, value, true, isA(name)] as const,
      [operator, name, value, false, !isA(name)] as const,
    ]),
  );

  it.each(cases)('%s on %s with operand %s is %s', (operator, _, value, operand, expected) => {
    expect(test(operator, value, operand)).toBe(expected);
  });

  it.each<[boolean, boolean]>([
    [true, false],
    [false, true],
  ])('IsPresent: %s on a path that selects nothing is %s, not an error', (operand, expected) => {
    const rule: ChoiceRule = { Variable: '$.missing.deeper', IsPresent: operand };
    expect(evaluateChoiceRule(rule, { input: { other: 1 }, context: {} })).toBe(expected);
  });

  it('IsPresent on an undefined variable is false', () => {
    const rule: ChoiceRule = { Variable: '$nothing', IsPresent: true };
    expect(evaluateChoiceRule(rule, { input: {}, context: {}, variables: {} })).toBe(false);
  });
});

describe('Path operands', () => {
  it.each<[string, Json, Json, boolean]>([
    ['StringEquals', 'Hello', 'Hello', true],
    ['StringEquals', '\t\n', '\t\r\n', false],
    ['StringLessThan', 'A', 'AB', true],
    ['StringGreaterThan', 'AB', 'ABC', false],
    ['StringLessThanEquals', '', '', true],
    ['StringGreaterThanEquals', 'A', 'AB', false],
    ['NumericEquals', 0, 0.0, true],
    ['NumericLessThan', 1, 0, false],
    ['NumericGreaterThan', 1, 0, true],
    ['NumericLessThanEquals', 1, 1, true],
    ['NumericGreaterThanEquals', 0, 1, false],
    ['BooleanEquals', true, true, true],
    ['TimestampEquals', T0, '2012-10-09T21:00:55+02:00', true],
    ['TimestampLessThan', T1, T0, false],
    ['TimestampGreaterThan', T1, T0, true],
    ['TimestampLessThanEquals', T0, T0, true],
    ['TimestampGreaterThanEquals', T0, T1, false],
    // The operand path's value has the wrong type: false, not an error.
    ['NumericEquals', 1, '1', false],
    ['StringEquals', 'true', true, false],
    ['BooleanEquals', true, 'true', false],
    ['TimestampEquals', T0, 'not a timestamp', false],
    ['NumericEquals', null, null, false],
  ])('%sPath: %j against the value %j is %s', (operator, value, operand, expected) => {
    expect(testPath(operator, value, operand)).toBe(expected);
  });

  it.each<[string, ChoiceRule, boolean]>([
    ['the context object', { Variable: '$.n', NumericEqualsPath: '$$.Map.Item.Index' }, true],
    ['a variable', { Variable: '$.n', NumericLessThanPath: '$limit' }, true],
    ['a field of a variable', { Variable: '$.name', StringEqualsPath: '$user.name' }, true],
    ['an array element', { Variable: '$.n', NumericEqualsPath: '$.list[1]' }, false],
    ['the Variable read from a variable', { Variable: '$limit', NumericGreaterThanPath: '$.n' }, true],
    [
      'the Variable read from the context object',
      { Variable: '$$.Execution.Name', StringEquals: 'run-1' },
      true,
    ],
  ])('an operand or Variable path may point into %s', (_, rule, expected) => {
    const sources: PathSources = {
      input: { n: 3, name: 'ann', list: [1, 2] },
      context: { Map: { Item: { Index: 3 } }, Execution: { Name: 'run-1' } },
      variables: { limit: 5, user: { name: 'ann' } },
    };
    expect(evaluateChoiceRule(rule, sources)).toBe(expected);
  });
});

describe('And, Or, Not', () => {
  const input = { type: 'Private', value: 22 };
  const inTwenties: ChoiceRule = {
    And: [
      { Variable: '$.value', NumericGreaterThanEquals: 20 },
      { Variable: '$.value', NumericLessThan: 30 },
    ],
  };

  it.each<[string, ChoiceRule, boolean]>([
    ['And holds when every rule holds', inTwenties, true],
    [
      'And fails when one rule fails',
      { And: [inTwenties, { Variable: '$.value', NumericEquals: 0 }] },
      false,
    ],
    ['Or holds when one rule holds', { Or: [{ Variable: '$.value', NumericEquals: 0 }, inTwenties] }, true],
    ['Or fails when no rule holds', { Or: [{ Variable: '$.type', StringEquals: 'Public' }] }, false],
    ['Not negates', { Not: { Variable: '$.type', StringEquals: 'Private' } }, false],
    ['Not of Not', { Not: { Not: inTwenties } }, true],
    [
      'nesting three deep',
      { Or: [{ And: [{ Not: { Variable: '$.type', StringEquals: 'Public' } }, inTwenties] }] },
      true,
    ],
    [
      'And stops at the first false rule, so a later missing path is not read',
      {
        And: [
          { Variable: '$.value', NumericEquals: 0 },
          { Variable: '$.missing', NumericEquals: 0 },
        ],
      },
      false,
    ],
    [
      'Or stops at the first true rule, so a later missing path is not read',
      { Or: [inTwenties, { Variable: '$.missing', NumericEquals: 0 }] },
      true,
    ],
  ])('%s', (_, rule, expected) => {
    expect(evaluateChoiceRule(rule, { input, context: {} })).toBe(expected);
  });
});

describe('runtime errors', () => {
  const cause = (path: string) =>
    `Invalid path '${path}': The choice state's condition path references an invalid value.`;

  it.each<[string, ChoiceRule, Json, string]>([
    ['a missing field', { Variable: '$.type', StringEquals: 'x' }, { other: 1 }, '$.type'],
    ['a missing nested field', { Variable: '$.a.b', NumericEquals: 1 }, { a: {} }, '$.a.b'],
    ['an index past the end', { Variable: '$.list[3]', IsNull: true }, { list: [] }, '$.list[3]'],
    ['a field of a non-object', { Variable: '$.a.b', IsString: true }, { a: 'text' }, '$.a.b'],
    ['an undefined variable', { Variable: '$count', NumericEquals: 1 }, {}, '$count'],
    ['a missing Path operand', { Variable: '$.a', StringEqualsPath: '$.b' }, { a: 'x' }, '$.b'],
    ['a missing path inside Not', { Not: { Variable: '$.flag', BooleanEquals: true } }, {}, '$.flag'],
  ])('%s fails with States.Runtime', (_, rule, input, path) => {
    expect(runtimeError(() => evaluateChoiceRule(rule, { input, context: {} }))).toEqual({
      error: 'States.Runtime',
      cause: cause(path),
    });
  });

  it('a present null is a value, not a missing path', () => {
    expect(test('StringEquals', null, 'x')).toBe(false);
  });
});

describe('findMatchingChoice', () => {
  const choices: ChoiceRule[] = [
    { Not: { Variable: '$.type', StringEquals: 'Private' }, Next: 'Public' },
    { Variable: '$.value', NumericEquals: 0, Next: 'ValueIsZero' },
    {
      And: [
        { Variable: '$.value', NumericGreaterThanEquals: 20 },
        { Variable: '$.value', NumericLessThan: 30 },
      ],
      Next: 'ValueInTwenties',
    },
    { Variable: '$.value', IsNumeric: true, Next: 'AnyNumber' },
  ];

  it.each<[Json, number]>([
    [{ type: 'Public', value: 22 }, 0],
    [{ type: 'Private', value: 0 }, 1],
    [{ type: 'Private', value: 22 }, 2],
    [{ type: 'Private', value: 50 }, 3],
    [{ type: 'Private', value: 'x' }, -1],
  ])('input %j picks rule %i (the first that matches, -1 for none)', (input, index) => {
    expect(findMatchingChoice(choices, { input, context: {} })).toBe(index);
  });

  it('rules after the match are not evaluated, so their missing paths do not fail', () => {
    expect(findMatchingChoice(choices, { input: { type: 'Public' }, context: {} })).toBe(0);
  });

  it('a missing path before any match fails the state', () => {
    expect(runtimeError(() => findMatchingChoice(choices, { input: { value: 1 }, context: {} }))?.error).toBe(
      'States.Runtime',
    );
  });
});

describe('COMPARISON_OPERATORS', () => {
  it('lists every operator and its Path twin: 39 names', () => {
    expect([...COMPARISON_OPERATORS].sort()).toEqual(
      [
        ...['Equals', 'LessThan', 'GreaterThan', 'LessThanEquals', 'GreaterThanEquals'].flatMap((op) => [
          `String${op}`,
          `String${op}Path`,
          `Numeric${op}`,
          `Numeric${op}Path`,
          `Timestamp${op}`,
          `Timestamp${op}Path`,
        ]),
        'StringMatches',
        'BooleanEquals',
        'BooleanEqualsPath',
        'IsNull',
        'IsPresent',
        'IsNumeric',
        'IsString',
        'IsBoolean',
        'IsTimestamp',
      ].sort(),
    );
  });

  it.each(['StringMatches', 'IsNull', 'IsPresent', 'IsNumeric', 'IsString', 'IsBoolean', 'IsTimestamp'])(
    '%s has no Path twin',
    (operator) => {
      expect(COMPARISON_OPERATORS).not.toContain(`${operator}Path`);
      expect(COMPARISON_OPERATOR_TABLE[operator as keyof typeof COMPARISON_OPERATOR_TABLE].hasPathTwin).toBe(
        false,
      );
    },
  );
});
