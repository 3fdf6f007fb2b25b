import { describe, expect, it } from 'vitest';
import { validateChoiceRule } from '../../../shared/choice/index.ts';
import type { Diagnostic } from '../../../shared/language/types.ts';

const AT = '/States/C/Choices/0';

/** The problems as [location, message] pairs, the part users read. */
function problems(rule: unknown, topLevel = true): [string, string][] {
  return validateChoiceRule(rule, AT, { topLevel }).map((d) => [d.location ?? '', d.message]);
}

describe('valid rules have no problems', () => {
  it.each<[string, unknown, boolean]>([
    ['a string test', { Variable: '$.a', StringEquals: 'x', Next: 'S' }, true],
    [
      'a numeric Path test into a variable',
      { Variable: '$.a', NumericLessThanPath: '$limit', Next: 'S' },
      true,
    ],
    [
      'a timestamp with an offset',
      { Variable: '$.t', TimestampGreaterThan: '2016-03-14T01:59:00+02:00', Next: 'S' },
      true,
    ],
    ['a test of the context object', { Variable: '$$.Execution.Input.x', IsPresent: false, Next: 'S' }, true],
    [
      'a Comment and an Assign at the top level',
      { Variable: '$', IsNull: false, Next: 'S', Comment: 'c', Assign: { x: 1 } },
      true,
    ],
    ['a nested rule without Next', { Variable: '$.a', BooleanEquals: true }, false],
    [
      'And, Or and Not nested',
      {
        And: [
          { Not: { Variable: '$.a', StringMatches: 'log-\\*-*' } },
          { Or: [{ Variable: '$.b', IsString: true }] },
        ],
        Next: 'S',
      },
      true,
    ],
  ])('%s', (_, rule, topLevel) => {
    expect(validateChoiceRule(rule, AT, { topLevel })).toEqual([]);
  });
});

describe('problems and where they are', () => {
  it.each<[string, unknown, boolean, [string, string][]]>([
    ['a rule that is not an object', 'x', true, [[AT, 'Value must be an object']]],
    [
      'a top-level rule without Next',
      { Variable: '$', StringMatches: 'Test' },
      true,
      [[AT, 'These fields are required: [Next]']],
    ],
    [
      'a nested rule with Next',
      { And: [{ Variable: '$.a', IsNull: true, Next: 'S' }], Next: 'S' },
      true,
      [[`${AT}/And/0`, "Field 'Next' is not supported"]],
    ],
    [
      'Next inside Not',
      { Not: { Variable: '$.a', IsNull: true, Next: 'S' }, Next: 'S' },
      true,
      [[`${AT}/Not`, "Field 'Next' is not supported"]],
    ],
    [
      'Assign on a nested rule',
      { Variable: '$.a', IsNull: true, Assign: { x: 1 } },
      false,
      [[AT, "Field 'Assign' is not supported"]],
    ],
    [
      'a Next that is not a string',
      { Variable: '$.a', IsNull: true, Next: 3 },
      true,
      [[`${AT}/Next`, "The value for the field 'Next' must be a string"]],
    ],
    [
      'a Variable that does not start with $',
      { Variable: 'Test', StringMatches: 'Test', Next: 'S' },
      true,
      [[`${AT}/Variable`, "Value is not a Reference Path: Reference path didn't start with '$'"]],
    ],
    [
      'a Variable with a wildcard',
      { Variable: '$.items[*].id', StringEquals: 'x', Next: 'S' },
      true,
      [
        [
          `${AT}/Variable`,
          'Value is not a Reference Path: only names and indexes may follow the root (no wildcards, slices, unions, filters or deep scan)',
        ],
      ],
    ],
    [
      'an intrinsic function as the Variable',
      { Variable: 'States.ArrayLength($.Arns)', NumericEquals: 0, Next: 'S' },
      true,
      [[`${AT}/Variable`, "Value is not a Reference Path: Reference path didn't start with '$'"]],
    ],
    [
      'a Variable that is not a string',
      { Variable: 5, NumericEquals: 0, Next: 'S' },
      true,
      [[`${AT}/Variable`, "The value for the field 'Variable' must be a string"]],
    ],
    [
      'a Path operand that is not a reference path',
      { Variable: '$.a', NumericEqualsPath: 'limit', Next: 'S' },
      true,
      [[`${AT}/NumericEqualsPath`, "Value is not a Reference Path: Reference path didn't start with '$'"]],
    ],
    [
      'a string operator with a number',
      { Variable: '$.a', StringEquals: 5, Next: 'S' },
      true,
      [[`${AT}/StringEquals`, "The value for the field 'StringEquals' must be a string"]],
    ],
    [
      'a numeric operator with a string',
      { Variable: '$.a', NumericGreaterThan: '5', Next: 'S' },
      true,
      [[`${AT}/NumericGreaterThan`, "The value for the field 'NumericGreaterThan' must be a number"]],
    ],
    [
      'BooleanEquals with a string',
      { Variable: '$.a', BooleanEquals: 'true', Next: 'S' },
      true,
      [[`${AT}/BooleanEquals`, "The value for the field 'BooleanEquals' must be a boolean"]],
    ],
    [
      'a type test with a string',
      { Variable: '$.a', IsPresent: 'yes', Next: 'S' },
      true,
      [[`${AT}/IsPresent`, "The value for the field 'IsPresent' must be a boolean"]],
    ],
    [
      'a timestamp operator with a date only',
      { Variable: '$.a', TimestampEquals: '2016-03-14', Next: 'S' },
      true,
      [
        [
          `${AT}/TimestampEquals`,
          "The value for the field 'TimestampEquals' must be a timestamp in RFC 3339 format with an uppercase T and Z, for example 2016-03-14T01:59:00Z",
        ],
      ],
    ],
    [
      'a data test with no operator',
      { Variable: '$.a', Next: 'S' },
      true,
      [
        [
          AT,
          "A rule with 'Variable' needs exactly one comparison operator (for example StringEquals, NumericLessThanPath or IsPresent)",
        ],
      ],
    ],
    [
      'a data test with two operators',
      { Variable: '$.a', StringEquals: 'x', StringLessThan: 'y', Next: 'S' },
      true,
      [[AT, 'There should only be one of the following fields: [StringEquals, StringLessThan]']],
    ],
    [
      'an operator without Variable',
      { StringEquals: 'x', Next: 'S' },
      true,
      [[AT, 'These fields are required: [Variable]']],
    ],
    [
      'a rule with no kind at all',
      { Next: 'S' },
      true,
      [[AT, 'There should be exactly one of the following fields: [And, Or, Not, Variable]']],
    ],
    [
      'a rule with two kinds',
      { Variable: '$.a', IsNull: true, Not: { Variable: '$.b', IsNull: true }, Next: 'S' },
      true,
      [[AT, 'There should only be one of the following fields: [Not, Variable]']],
    ],
    ['an empty And', { And: [], Next: 'S' }, true, [[`${AT}/And`, 'Value cannot be empty']]],
    [
      'an Or that is not an array',
      { Or: { Variable: '$.a', IsNull: true }, Next: 'S' },
      true,
      [[`${AT}/Or`, "The value for the field 'Or' must be an array of choice rules"]],
    ],
    ['a Not that is an array', { Not: [], Next: 'S' }, true, [[`${AT}/Not`, 'Value must be an object']]],
    [
      'an unknown field',
      { Variable: '$.a', StringEquals: 'x', Next: 'S', Default: 'T' },
      true,
      [[AT, "Field 'Default' is not supported"]],
    ],
    [
      'a JSONata Condition in a JSONPath rule',
      { Condition: '{% true %}', Next: 'S' },
      true,
      [
        [AT, 'There should be exactly one of the following fields: [And, Or, Not, Variable]'],
        [AT, "Field 'Condition' is not supported"],
      ],
    ],
    [
      'an operator beside And',
      { And: [{ Variable: '$.a', IsNull: true }], StringEquals: 'x', Next: 'S' },
      true,
      [[AT, "Field 'StringEquals' is not supported"]],
    ],
    [
      'a Comment that is not a string',
      { Variable: '$.a', IsNull: true, Next: 'S', Comment: 1 },
      true,
      [[`${AT}/Comment`, "The value for the field 'Comment' must be a string"]],
    ],
  ])('%s', (_, rule, topLevel, expected) => {
    expect(problems(rule, topLevel)).toEqual(expected);
  });
});

describe('every problem is reported, with its own location', () => {
  it('collects problems from every depth of the rule', () => {
    const rule = {
      Or: [
        { Variable: '$.a', NumericEquals: 'one' },
        {
          And: [
            { Variable: '$.b', IsNull: true },
            { Variable: 'b', IsNull: true, Next: 'X' },
          ],
        },
        { Not: { Variable: '$.c' } },
      ],
    };
    expect(problems(rule)).toEqual([
      [AT, 'These fields are required: [Next]'],
      [`${AT}/Or/0/NumericEquals`, "The value for the field 'NumericEquals' must be a number"],
      [`${AT}/Or/1/And/1`, "Field 'Next' is not supported"],
      [`${AT}/Or/1/And/1/Variable`, "Value is not a Reference Path: Reference path didn't start with '$'"],
      [
        `${AT}/Or/2/Not`,
        "A rule with 'Variable' needs exactly one comparison operator (for example StringEquals, NumericLessThanPath or IsPresent)",
      ],
    ]);
  });

  it('reports with the code and severity AWS uses', () => {
    expect(validateChoiceRule({ Variable: '$.a', IsNull: true }, AT, { topLevel: true })).toEqual<
      Diagnostic[]
    >([
      {
        severity: 'ERROR',
        code: 'SCHEMA_VALIDATION_FAILED',
        message: 'These fields are required: [Next]',
        location: AT,
      },
    ]);
  });
});
