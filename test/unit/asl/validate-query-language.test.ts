import { describe, expect, it } from 'vitest';
import { validateDefinition } from '../../../shared/asl/validate-definition.ts';

const RESOURCE = 'arn:aws:states:::lambda:invoke';
const JSONATA = { QueryLanguage: 'JSONata' } as const;
const end = { Type: 'Pass', End: true };
const succeed = { Type: 'Succeed' };
const task = (fields: object = {}) => ({ Type: 'Task', Resource: RESOURCE, End: true, ...fields });
const pass = (fields: object = {}) => ({ Type: 'Pass', End: true, ...fields });
const block = (states: Record<string, unknown>) => ({ StartAt: Object.keys(states)[0], States: states });
const machine = (states: Record<string, unknown>, fields: object = {}) => ({ ...block(states), ...fields });
/** A machine whose only state is `state`, named A. */
const one = (state: object, fields: object = {}) => machine({ A: state }, fields);
/** A JSONata machine whose only state is `state`, named A. */
const jsonata = (state: object) => one(state, JSONATA);
const map = (fields: object = {}, processor: object = block({ P: end })) => ({
  Type: 'Map',
  End: true,
  ItemProcessor: processor,
  ...fields,
});
/** The same state leaving for `target` instead of ending. */
const next = ({ End: _end, ...state }: { End?: boolean } & Record<string, unknown>, target: string) => ({
  ...state,
  Next: target,
});
const catchAll = (fields: object = {}) => [{ ErrorEquals: ['States.ALL'], Next: 'Handled', ...fields }];
/** A Task named A whose catcher leads to a Succeed state. */
const caught = (taskFields: object, catcherFields: object, fields: object = JSONATA) =>
  machine({ A: { ...task(taskFields), Catch: catchAll(catcherFields) }, Handled: succeed }, fields);

type Expected = readonly [code: string, location: string, message: string];
const S = 'SCHEMA_VALIDATION_FAILED';
const INVALID = 'INVALID_JSONATA_EXPRESSION';
const UNSUPPORTED = 'UNSUPPORTED_JSONATA_EXPRESSION';
/** AWS's text for a field of the other query language (floci-io/floci#2968). */
const otherLanguage = (language: 'JSONPath' | 'JSONata', field: string): string => {
  const other = language === 'JSONPath' ? 'JSONata' : 'JSONPath';
  return `The QueryLanguage is set to '${language}', but field '${field}' is only supported for the '${other}' QueryLanguage`;
};
const inJsonata = (field: string, location = '/States/A'): Expected => [
  S,
  location,
  otherLanguage('JSONata', field),
];
const inJsonPath = (field: string, location = '/States/A'): Expected => [
  S,
  location,
  otherLanguage('JSONPath', field),
];

const CASES: ReadonlyArray<{ rule: string; definition: unknown; expected: Expected[] }> = [
  // JSONPath-only fields in JSONata states, reported at the object that holds them
  {
    rule: 'Parameters in a JSONata Task',
    definition: jsonata(task({ Parameters: { a: 1 } })),
    expected: [inJsonata('Parameters')],
  },
  {
    rule: 'ResultSelector in a JSONata Task',
    definition: jsonata(task({ ResultSelector: { 'a.$': '$.b' } })),
    expected: [inJsonata('ResultSelector')],
  },
  {
    rule: 'ResultPath and Result in a JSONata Pass',
    definition: jsonata(pass({ Result: 1, ResultPath: '$.r' })),
    expected: [inJsonata('Result'), inJsonata('ResultPath')],
  },
  {
    rule: 'OutputPath in a JSONata Succeed',
    definition: jsonata({ Type: 'Succeed', OutputPath: '$.a' }),
    expected: [inJsonata('OutputPath')],
  },
  {
    rule: 'ItemsPath in a JSONata Map',
    definition: jsonata(map({ ItemsPath: '$.items' })),
    expected: [inJsonata('ItemsPath')],
  },
  {
    rule: 'the Map …Path twins in a JSONata Map',
    definition: jsonata(map({ MaxConcurrencyPath: '$.m', ToleratedFailureCountPath: '$.t' })),
    expected: [inJsonata('MaxConcurrencyPath'), inJsonata('ToleratedFailureCountPath')],
  },
  {
    rule: 'TimeoutSecondsPath and HeartbeatSecondsPath in a JSONata Task',
    definition: jsonata(task({ TimeoutSecondsPath: '$.t', HeartbeatSecondsPath: '$.h' })),
    expected: [inJsonata('TimeoutSecondsPath'), inJsonata('HeartbeatSecondsPath')],
  },
  {
    rule: 'SecondsPath in a JSONata Wait',
    definition: jsonata({ Type: 'Wait', SecondsPath: '$.s', End: true }),
    expected: [inJsonata('SecondsPath')],
  },
  {
    rule: 'ErrorPath and CausePath in a JSONata Fail',
    definition: jsonata({ Type: 'Fail', ErrorPath: '$.e', CausePath: '$.c' }),
    expected: [inJsonata('ErrorPath'), inJsonata('CausePath')],
  },
  {
    rule: 'a catcher ResultPath in a JSONata Task, at the catcher',
    definition: caught({}, { ResultPath: '$.error' }),
    expected: [inJsonata('ResultPath', '/States/A/Catch[0]')],
  },
  {
    rule: 'a comparison operator in a JSONata Choice rule',
    definition: machine(
      { C: { Type: 'Choice', Choices: [{ Condition: true, StringEquals: 'a', Next: 'B' }] }, B: succeed },
      JSONATA,
    ),
    expected: [inJsonata('StringEquals', '/States/C/Choices[0]')],
  },
  {
    rule: 'a .$ key naming a JSONata variable is an invalid variable name',
    definition: jsonata(pass({ Assign: { 'x.$': '$.x' } })),
    expected: [
      [
        'INVALID_VARIABLE_NAME',
        '/States/A/Assign/x.$',
        "Invalid variable name 'x.$': the variable name contains invalid characters.",
      ],
    ],
  },
  {
    rule: 'ItemReader Parameters and ItemBatcher …Path fields in a JSONata Map',
    definition: jsonata(
      map({
        ItemReader: { Resource: 'arn:aws:states:::s3:getObject', Parameters: { Bucket: 'b', Key: 'k' } },
        ItemBatcher: { MaxItemsPerBatchPath: '$.n' },
      }),
    ),
    expected: [
      inJsonata('Parameters', '/States/A/ItemReader'),
      inJsonata('MaxItemsPerBatchPath', '/States/A/ItemBatcher'),
    ],
  },
  {
    rule: 'ReaderConfig MaxItemsPath in a JSONata Map',
    definition: jsonata(
      map({
        ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { MaxItemsPath: '$.n' } },
      }),
    ),
    expected: [inJsonata('MaxItemsPath', '/States/A/ItemReader/ReaderConfig')],
  },
  // JSONata-only fields in JSONPath states
  {
    rule: 'Arguments in a JSONPath Task',
    definition: one(task({ Arguments: { a: 1 } })),
    expected: [inJsonPath('Arguments')],
  },
  {
    rule: 'Items in a JSONPath Map',
    definition: one(map({ Items: [1, 2] })),
    expected: [inJsonPath('Items')],
  },
  {
    rule: 'Output in a JSONPath Choice rule',
    definition: machine({
      C: { Type: 'Choice', Choices: [{ Variable: '$.x', IsPresent: true, Output: {}, Next: 'B' }] },
      B: succeed,
    }),
    expected: [inJsonPath('Output', '/States/C/Choices[0]')],
  },
  {
    rule: 'Condition in a JSONPath Choice rule (which then has no Variable either)',
    definition: machine({ C: { Type: 'Choice', Choices: [{ Condition: true, Next: 'B' }] }, B: succeed }),
    expected: [
      [
        S,
        '/States/C/Choices[0]',
        'There should be exactly one of the following fields: [And, Or, Not, Variable]',
      ],
      inJsonPath('Condition', '/States/C/Choices[0]'),
    ],
  },
  {
    rule: 'Condition in a nested JSONPath Choice rule (under Not)',
    definition: machine({
      C: { Type: 'Choice', Choices: [{ Not: { Condition: true }, Next: 'B' }] },
      B: succeed,
    }),
    expected: [
      [
        S,
        '/States/C/Choices[0]/Not',
        'There should be exactly one of the following fields: [And, Or, Not, Variable]',
      ],
      inJsonPath('Condition', '/States/C/Choices[0]/Not'),
    ],
  },
  {
    rule: 'a field of neither language in a JSONPath Choice rule is not supported',
    definition: machine({
      C: { Type: 'Choice', Choices: [{ Variable: '$.x', IsPresent: true, Conditions: true, Next: 'B' }] },
      B: succeed,
    }),
    expected: [[S, '/States/C/Choices[0]', "Field 'Conditions' is not supported"]],
  },
  {
    rule: 'ResultWriter Arguments in a JSONPath Map',
    definition: one(map({ ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Arguments: {} } })),
    expected: [inJsonPath('Arguments', '/States/A/ResultWriter')],
  },
  // Nested states take the machine's language, not the enclosing state's
  {
    rule: "a JSONata Parallel's branch states keep the machine's JSONPath",
    definition: one({
      Type: 'Parallel',
      QueryLanguage: 'JSONata',
      End: true,
      Branches: [block({ P: pass({ Output: '{% $states.input %}' }) })],
    }),
    expected: [inJsonPath('Output', '/States/A/Branches[0]/States/P')],
  },
  {
    rule: "a JSONata machine's Map processor states are JSONata",
    definition: jsonata(map({}, block({ P: pass({ InputPath: '$.a' }) }))),
    expected: [inJsonata('InputPath', '/States/A/ItemProcessor/States/P')],
  },
  // JSONata expressions that do not parse: the parser's message, without its code (floci-io/floci#2745)
  {
    rule: 'an unbalanced bracket in Output',
    definition: jsonata(pass({ Output: '{% $states.input[1,2) %}' })),
    expected: [[INVALID, '/States/A/Output', 'Expected "]", got ","']],
  },
  {
    rule: 'an empty expression',
    definition: jsonata(pass({ Output: '{% %}' })),
    expected: [[INVALID, '/States/A/Output', 'Unexpected end of expression']],
  },
  {
    rule: 'an unfinished expression deep in Arguments',
    definition: jsonata(task({ Arguments: { Payload: { x: '{% 1 + %}' } } })),
    expected: [[INVALID, '/States/A/Arguments/Payload/x', 'Unexpected end of expression']],
  },
  {
    rule: 'an unterminated string in an Output array element',
    definition: jsonata(pass({ Output: ['ok', '{% "unterminated %}'] })),
    expected: [[INVALID, '/States/A/Output[1]', 'String literal must be terminated by a matching quote']],
  },
  {
    rule: 'an unterminated regular expression in a Choice Condition',
    definition: machine(
      { C: { Type: 'Choice', Choices: [{ Condition: '{% $match("a", /abc %}', Next: 'B' }] }, B: succeed },
      JSONATA,
    ),
    expected: [[INVALID, '/States/C/Choices[0]/Condition', 'No terminating / in regular expression']],
  },
  {
    rule: 'an unfinished binding in Wait Seconds',
    definition: jsonata({ Type: 'Wait', Seconds: '{% $x := %}', End: true }),
    expected: [[INVALID, '/States/A/Seconds', 'Unexpected end of expression']],
  },
  {
    rule: 'a bad object constructor in Fail Error',
    definition: jsonata({ Type: 'Fail', Error: '{% {"a":} %}' }),
    expected: [[INVALID, '/States/A/Error', 'The symbol "}" cannot be used as a unary operator']],
  },
  {
    rule: 'an unfinished expression in Map Items',
    definition: jsonata(map({ Items: '{% [1, %}' })),
    expected: [[INVALID, '/States/A/Items', 'Expected "]" before end of expression']],
  },
  // What JSONata expressions may read (floci-io/floci#2670, PR #2699, #2786: measured against AWS)
  {
    rule: 'a bare field name, read against a context item that does not exist',
    definition: jsonata(pass({ Output: { v: '{% phone %}' } })),
    expected: [
      [UNSUPPORTED, '/States/A/Output/v', "Reference to 'phone' at the top level is not supported."],
    ],
  },
  {
    rule: 'an object constructor key',
    definition: jsonata(pass({ Output: '{% {aaa: 1} %}' })),
    expected: [[UNSUPPORTED, '/States/A/Output', "Reference to 'aaa' at the top level is not supported."]],
  },
  {
    rule: 'a name in a lambda body, which keeps the top-level context',
    definition: jsonata(pass({ Output: '{% $map($states.input.a, function($x){ b }) %}' })),
    expected: [[UNSUPPORTED, '/States/A/Output', "Reference to 'b' at the top level is not supported."]],
  },
  {
    rule: '$$',
    definition: jsonata(pass({ Output: '{% $$ %}' })),
    expected: [[UNSUPPORTED, '/States/A/Output', "Reference to '$$' is not supported."]],
  },
  {
    rule: 'the context item $',
    definition: jsonata(pass({ Assign: { a: '{% $.a %}' } })),
    expected: [[UNSUPPORTED, '/States/A/Assign/a', "Reference to '$' at the top level is not supported."]],
  },
  {
    rule: '$states.errorOutput outside a catcher',
    definition: jsonata(pass({ Output: '{% $states.errorOutput %}' })),
    expected: [[UNSUPPORTED, '/States/A/Output', "Field '$states.errorOutput' does not exist."]],
  },
  {
    rule: "$states.errorOutput in a Task's own Assign",
    definition: caught({ Assign: { e: '{% $states.errorOutput.Error %}' } }, {}),
    expected: [[UNSUPPORTED, '/States/A/Assign/e', "Field '$states.errorOutput' does not exist."]],
  },
  {
    rule: '$states.result in a Pass state',
    definition: jsonata(pass({ Output: '{% $states.result %}' })),
    expected: [[UNSUPPORTED, '/States/A/Output', "Field '$states.result' does not exist."]],
  },
  {
    rule: '$states.result in Task Arguments',
    definition: jsonata(task({ Arguments: { p: '{% $states.result %}' } })),
    expected: [[UNSUPPORTED, '/States/A/Arguments/p', "Field '$states.result' does not exist."]],
  },
  {
    rule: '$states.result in a catcher Output',
    definition: caught({}, { Output: '{% $states.result %}' }),
    expected: [[UNSUPPORTED, '/States/A/Catch[0]/Output', "Field '$states.result' does not exist."]],
  },
  {
    rule: '$states.result in a Choice rule Assign',
    definition: machine(
      {
        C: {
          Type: 'Choice',
          Choices: [{ Condition: true, Assign: { r: '{% $states.result %}' }, Next: 'B' }],
        },
        B: succeed,
      },
      JSONATA,
    ),
    expected: [[UNSUPPORTED, '/States/C/Choices[0]/Assign/r', "Field '$states.result' does not exist."]],
  },
  {
    rule: 'a bare name in a catcher Assign',
    definition: caught({}, { Assign: { e: '{% error %}' } }),
    expected: [
      [UNSUPPORTED, '/States/A/Catch[0]/Assign/e', "Reference to 'error' at the top level is not supported."],
    ],
  },
  {
    rule: 'a bare name in an ItemBatcher BatchInput',
    definition: jsonata(map({ ItemBatcher: { MaxItemsPerBatch: 2, BatchInput: { Next: '{% k %}' } } })),
    expected: [
      [
        UNSUPPORTED,
        '/States/A/ItemBatcher/BatchInput/Next',
        "Reference to 'k' at the top level is not supported.",
      ],
    ],
  },
  {
    rule: 'an expression in Next is a state name like any other (AWS does not parse it)',
    definition: machine({ A: { Type: 'Pass', Next: '{% 1 + %}' }, B: end }, JSONATA),
    expected: [
      ['MISSING_TRANSITION_TARGET', '/States/A/Next', "Missing 'Next' target: {% 1 + %}"],
      ['MISSING_TRANSITION_TARGET', '/States/B', 'State "B" is not reachable.'],
    ],
  },
  // Variable names and scopes (AWS: the ASL docs on workflow variables)
  {
    rule: 'a variable name longer than 80 characters',
    definition: one(pass({ Assign: { ['v'.repeat(81)]: 1 } })),
    expected: [
      [
        'INVALID_VARIABLE_NAME',
        `/States/A/Assign/${'v'.repeat(81)}`,
        `Invalid variable name '${'v'.repeat(81)}': the variable name exceeds the 80-character limit.`,
      ],
    ],
  },
  {
    rule: 'states assigned in a JSONata Choice rule',
    definition: machine(
      { C: { Type: 'Choice', Choices: [{ Condition: true, Assign: { states: 1 }, Next: 'B' }] }, B: succeed },
      JSONATA,
    ),
    expected: [
      [
        'RESERVED_VARIABLE_NAME',
        '/States/C/Choices[0]/Assign/states',
        "Cannot assign to reserved variable '$states'.",
      ],
    ],
  },
  {
    rule: 'states.$ assigned in a JSONPath catcher',
    definition: caught({}, { Assign: { 'states.$': '$.Error' } }, {}),
    expected: [
      [
        'RESERVED_VARIABLE_NAME',
        '/States/A/Catch[0]/Assign/states.$',
        "Cannot assign to reserved variable '$states'.",
      ],
    ],
  },
  {
    rule: 'a Map iteration assigning a variable of the outer scope',
    definition: machine({
      Init: { Type: 'Pass', Assign: { x: 1 }, Next: 'M' },
      M: map({}, block({ P: pass({ Assign: { x: 2 } }) })),
    }),
    expected: [
      [
        S,
        '/States/M/ItemProcessor/States/P/Assign/x',
        "The variable 'x' is assigned in an outer scope and cannot be assigned in a Parallel branch or Map iteration",
      ],
    ],
  },
  {
    rule: 'a nested Map two scopes down assigning a top-level variable from a catcher',
    definition: machine(
      {
        Init: { Type: 'Pass', Assign: { x: 1 }, Next: 'Outer' },
        Outer: map(
          {},
          block({
            Inner: map(
              {},
              block({
                T: { ...task(), Catch: [{ ErrorEquals: ['States.ALL'], Assign: { x: 0 }, Next: 'Done' }] },
                Done: succeed,
              }),
            ),
          }),
        ),
      },
      JSONATA,
    ),
    expected: [
      [
        S,
        '/States/Outer/ItemProcessor/States/Inner/ItemProcessor/States/T/Catch[0]/Assign/x',
        "The variable 'x' is assigned in an outer scope and cannot be assigned in a Parallel branch or Map iteration",
      ],
    ],
  },
];

const VALID: ReadonlyArray<{ name: string; definition: unknown }> = [
  // AWS accepts `.$` keys inside JSONata Output and Arguments: there they are ordinary keys.
  {
    name: 'a .$ key inside JSONata Arguments',
    definition: jsonata(task({ Arguments: { Payload: { 'id.$': '$.id' } } })),
  },
  {
    name: 'a .$ key inside a JSONata Output array',
    definition: jsonata(pass({ Output: [{ 'v.$': '$.v' }] })),
  },
  {
    name: 'a .$ key inside a JSONata catcher Output',
    definition: caught({}, { Output: { 'e.$': '$.Error' } }),
  },
  {
    // AWS accepts it; the branch's value stays in the branch.
    name: "a Parallel branch assigning (with .$) a name the Parallel's own Assign uses",
    definition: one({
      Type: 'Parallel',
      End: true,
      Assign: { 'total.$': '$[0]' },
      Branches: [block({ P: pass({ Assign: { 'total.$': '$.n' } }) })],
    }),
  },
  {
    name: '$eval, which AWS refuses only when it runs (floci-io/floci#2737)',
    definition: jsonata(pass({ Output: '{% $eval("1+1") %}' })),
  },
  {
    name: 'names in predicates, later path steps and groupings',
    definition: jsonata(pass({ Output: '{% $states.input.items[value > 3].name{kind: $count(id)} %}' })),
  },
  {
    name: 'variables bound inside the expression and the functions Step Functions adds',
    definition: jsonata(
      pass({ Output: '{% ($n := $count($states.input); $partition($range(0, $n, 1), 2)) %}' }),
    ),
  },
  {
    name: '$states.result in Task, Map and Parallel Output and Assign; $states.errorOutput in a catcher',
    definition: machine(
      {
        T: next(
          task({
            Output: '{% $states.result %}',
            Assign: { r: '{% $states.result.Payload %}' },
            Catch: catchAll({
              Output: '{% $states.errorOutput %}',
              Assign: { e: '{% $states.errorOutput.Cause %}' },
            }),
          }),
          'M',
        ),
        M: next(map({ Output: { all: '{% $states.result %}' } }), 'Par'),
        Par: {
          Type: 'Parallel',
          Assign: { first: '{% $states.result[0] %}' },
          Branches: [block({ B: succeed })],
          End: true,
        },
        Handled: succeed,
      },
      JSONATA,
    ),
  },
  {
    name: 'text that only looks like an expression, in fields AWS does not parse',
    definition: jsonata(
      task({ Comment: '{% 1 + %}', Resource: RESOURCE, Credentials: { RoleArn: '{% 1 + %}' } }),
    ),
  },
  {
    name: 'a string that is not wholly an expression stays text',
    definition: jsonata(pass({ Output: { a: '{% 1 + 2', b: ' {% $$ %}', c: 'x {% phone %}' } })),
  },
  {
    name: '{% %} text in a JSONPath state is a plain string',
    definition: one(pass({ Parameters: { x: '{% 1 + %}' }, Result: '{% phone %}' })),
  },
  {
    name: 'a JSONata Parallel in a JSONPath machine, with JSONPath branch states',
    definition: one({
      Type: 'Parallel',
      QueryLanguage: 'JSONata',
      Arguments: '{% $states.input %}',
      End: true,
      Branches: [block({ P: pass({ Parameters: { 'a.$': '$.a' }, ResultPath: '$.r' }) })],
    }),
  },
  {
    name: 'a variable name of exactly 80 characters',
    definition: one(pass({ Assign: { ['v'.repeat(80)]: 1 } })),
  },
  {
    name: 'sibling branches and iterations assigning the same name',
    definition: one({
      Type: 'Parallel',
      End: true,
      Branches: [block({ P1: pass({ Assign: { x: 1 } }) }), block({ P2: pass({ Assign: { x: 2 } }) })],
    }),
  },
  {
    name: 'a Map iteration reading (not assigning) an outer variable',
    definition: machine(
      {
        Init: { Type: 'Pass', Assign: { bias: 4 }, Next: 'M' },
        M: map({}, block({ P: pass({ Assign: { sum: '{% $states.input + $bias %}' } }) })),
      },
      JSONATA,
    ),
  },
  {
    name: 'JSONPath paths and intrinsic arguments reading variables',
    definition: machine({
      Init: { Type: 'Pass', Assign: { who: 'me', delay: 1 }, Next: 'W' },
      W: { Type: 'Wait', SecondsPath: '$delay', Next: 'P' },
      P: pass({ Parameters: { 'greeting.$': "States.Format('hi {}', $who)", 'again.$': '$who' } }),
    }),
  },
];

describe('validateDefinition: query languages, JSONata expressions and variables', () => {
  it.each(CASES)('refuses $rule', ({ definition, expected }) => {
    const result = validateDefinition(definition);

    expect(result.result).toBe('FAIL');
    expect(result.diagnostics).toEqual(
      expected.map(([code, location, message]) => ({ severity: 'ERROR', code, location, message })),
    );
  });

  it.each(VALID)('accepts $name', ({ definition }) => {
    expect(validateDefinition(definition, { severity: 'WARNING' })).toEqual({
      result: 'OK',
      diagnostics: [],
      truncated: false,
    });
  });
});

describe('a reference to a variable no earlier state assigns', () => {
  const definition = jsonata(pass({ Output: '{% $doesNotExist %}' }));
  it.each([
    ['ERROR (the default)', 'ERROR' as const, []],
    [
      'WARNING',
      'WARNING' as const,
      [
        {
          severity: 'WARNING',
          code: 'UNDEFINED_VARIABLE',
          location: '/States/A/Output',
          message: "The variable 'doesNotExist' is not assigned by any state that can run before this one",
        },
      ],
    ],
  ])(
    'is accepted, as AWS accepts it, and shown as a warning at severity %s',
    (_name, severity, diagnostics) => {
      expect(validateDefinition(definition, { severity })).toEqual({
        result: 'OK',
        diagnostics,
        truncated: false,
      });
    },
  );
});

describe('JSONata regex literals RE2 cannot run', () => {
  const problems = (definition: object) =>
    validateDefinition(JSON.stringify(definition)).diagnostics.map((d) => [d.code, d.location, d.message]);

  it.each([
    [
      'a back-reference in Output',
      pass({ Output: '{% $match($states.input.s, /(a)\\1/) %}' }),
      '/States/A/Output',
      '/(a)\\1/',
      'invalid escape sequence: `\\1`',
    ],
    [
      'a look-ahead in an Assign value',
      pass({ Assign: { x: "{% $replace('ab', /a(?=b)/i, 'x') %}" } }),
      '/States/A/Assign/x',
      '/a(?=b)/i',
      'invalid or unsupported Perl syntax: `(?=`',
    ],
    [
      'a look-behind in a Task Argument',
      task({ Arguments: { p: "{% $split('a-b', /(?<=a)-/) %}" } }),
      '/States/A/Arguments/p',
      '/(?<=a)-/',
      'invalid named capture: `(?<=a)-`',
    ],
  ])(
    '%s is INVALID_JSONATA_EXPRESSION at its state and field, saying why',
    (_label, state, location, pattern, reason) => {
      const [problem, ...rest] = problems(jsonata(state));
      expect(rest).toEqual([]);
      expect(problem?.[0]).toBe(INVALID);
      expect(problem?.[1]).toBe(location);
      expect(problem?.[2]).toContain(`The regular expression ${pattern} in the JSONata expression`);
      expect(problem?.[2]).toContain('RE2');
      expect(problem?.[2]).toContain(reason);
    },
  );

  it.each([
    ['a character class and a quantifier', '/^[a-z]+[0-9]{2,3}$/i'],
    ['a catastrophic-backtracking shape, linear on RE2', '/(a+)+$/'],
    ['a non-capturing group and alternation', '/(?:ab|cd)*/m'],
  ])('%s is accepted', (_label, regex) => {
    expect(problems(jsonata(pass({ Output: `{% $contains($states.input.s, ${regex}) %}` })))).toEqual([]);
  });
});
