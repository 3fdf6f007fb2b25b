import { describe, expect, it } from 'vitest';
import {
  compileJsonata,
  countJsonataCompilations,
  expressionText,
  findJsonataSyntaxError,
  isJsonataExpression,
  type JsonataBindings,
  type JsonataEnv,
  QueryEvaluationError,
  type StatesVariable,
} from '../../../shared/jsonata/index.ts';
import { StatesError } from '../../../shared/language/states-error.ts';
import type { Json } from '../../../shared/lib/json.ts';

const UUID = '3f2b6c1e-8a4d-4e2f-9b7a-1c5d0e9f4a21';
const env: JsonataEnv = { random: () => 0.25, uuid: () => UUID };

const STATES: StatesVariable = {
  input: {
    name: 'Ada',
    n: 2,
    items: [
      { id: 1, ok: true },
      { id: 2, ok: false },
    ],
    text: '{"k":[1,2]}',
    nil: null,
  },
  result: { Payload: { total: 42 } },
  errorOutput: { Error: 'Oops', Cause: 'bad' },
  context: { Execution: { Name: 'run-1' }, State: { Name: 'Shape' } },
};

function bindingsWith(
  variables: Record<string, Json> = {},
  overrides: Partial<JsonataBindings> = {},
): JsonataBindings {
  return { states: STATES, variables, env, ...overrides };
}

async function evaluate(
  template: Json,
  variables: Record<string, Json> = {},
  field = 'Output',
): Promise<Json> {
  return compileJsonata(template, field).evaluate(bindingsWith(variables));
}

async function failureOf(
  template: Json,
  field = 'Output',
  bindings = bindingsWith(),
): Promise<QueryEvaluationError> {
  try {
    await compileJsonata(template, field).evaluate(bindings);
  } catch (error) {
    if (error instanceof QueryEvaluationError) return error;
    throw error;
  }
  throw new Error(`${JSON.stringify(template)} did not fail`);
}

const threw = (text: string, field: string, detail: string) =>
  `The JSONata expression '${text}' specified for the field '${field}' threw an error during evaluation${detail}`;

describe('isJsonataExpression: what counts as an expression', () => {
  it.each<{ value: unknown; expected: boolean }>([
    { value: '{% $states.input %}', expected: true },
    { value: '{%$x%}', expected: true },
    { value: '{% %}', expected: true },
    { value: ' {% 1 %}', expected: false },
    { value: '{% 1 %} ', expected: false },
    { value: 'Hello {% $name %}', expected: false },
    { value: '{% 1', expected: false },
    { value: '{%}', expected: false },
    { value: '$states.input', expected: false },
    { value: 42, expected: false },
    { value: null, expected: false },
  ])('$value is an expression: $expected', ({ value, expected }) => {
    expect(isJsonataExpression(value)).toBe(expected);
  });

  it('quotes the text between the delimiters, trimmed', () => {
    expect(expressionText('{%   $states.input.a  %}')).toBe('$states.input.a');
  });
});

describe('compileJsonata: bindings', () => {
  it.each<{ title: string; template: Json; variables?: Record<string, Json>; expected: Json }>([
    { title: '$states.input reads the state input', template: '{% $states.input.name %}', expected: 'Ada' },
    {
      title: '$states.result reads the task result',
      template: '{% $states.result.Payload.total %}',
      expected: 42,
    },
    {
      title: '$states.errorOutput reads the error output',
      template: '{% $states.errorOutput.Error %}',
      expected: 'Oops',
    },
    {
      title: '$states.context reads the context object',
      template: '{% $states.context.Execution.Name %}',
      expected: 'run-1',
    },
    {
      title: 'a workflow variable is $name',
      template: '{% $total * 2 %}',
      variables: { total: 21 },
      expected: 42,
    },
    {
      title: 'a variable shadows a function of the same name',
      template: '{% $hash %}',
      variables: { hash: 'mine' },
      expected: 'mine',
    },
    {
      title: 'a variable named states does not hide $states',
      template: '{% $states.input.n %}',
      variables: { states: 'no' },
      expected: 2,
    },
    { title: 'a JSON null in the input is a value', template: '{% $states.input.nil %}', expected: null },
    {
      title: 'a null keeps its key in an object',
      template: { v: '{% $states.input.nil %}' },
      expected: { v: null },
    },
    {
      title: 'a string that is not an expression stays as it is',
      template: '$states.input.name',
      expected: '$states.input.name',
    },
    {
      title: 'filters and paths work on the input',
      template: '{% $states.input.items[ok].id %}',
      expected: 1,
    },
    {
      title: 'a path over several items is an array',
      template: '{% $states.input.items.id %}',
      expected: [1, 2],
    },
  ])('$title', async ({ template, variables, expected }) => {
    expect(await evaluate(template, variables)).toEqual(expected);
  });

  it.each<{ title: string; text: string }>([
    { title: 'a bare field name reads no input document', text: 'name' },
    { title: '$ is not the input', text: '$' },
    { title: '$$ is not the input', text: '$$' },
    { title: 'a missing member is undefined', text: '$states.input.missing' },
    { title: 'an unknown variable is undefined', text: '$nothing' },
  ])('$title: the field fails as returning nothing', async ({ text }) => {
    const error = await failureOf(`{% ${text} %}`);
    expect(error.error).toBe('States.QueryEvaluationError');
    expect(error.errorCause).toBe(
      `The JSONata expression '${text}' specified for the field 'Output' returned nothing (undefined).`,
    );
  });
});

describe('compileJsonata: templates at any depth', () => {
  it.each<{ title: string; template: Json; expected: Json }>([
    {
      title: 'an object mixes expressions and literals',
      template: { who: '{% $states.input.name %}', fixed: 'x', n: 1, flag: false, none: null },
      expected: { who: 'Ada', fixed: 'x', n: 1, flag: false, none: null },
    },
    {
      title: 'expressions nested in arrays inside objects',
      template: { a: [{ b: ['{% $states.input.n + 1 %}', 'lit'] }, '{% $states.input.name %}'] },
      expected: { a: [{ b: [3, 'lit'] }, 'Ada'] },
    },
    {
      title: 'an expression may build an object or array itself',
      template: '{% { "ids": $states.input.items.id, "first": $states.input.items[0] } %}',
      expected: { ids: [1, 2], first: { id: 1, ok: true } },
    },
    {
      title: 'a template without expressions is returned as it is',
      template: { a: [1, { b: 'c' }] },
      expected: { a: [1, { b: 'c' }] },
    },
    { title: 'a number template is a constant', template: 5, expected: 5 },
    { title: 'the arithmetic of 1/0 is the string Infinity', template: '{% 1/0 %}', expected: 'Infinity' },
  ])('$title', async ({ template, expected }) => {
    expect(await evaluate(template)).toEqual(expected);
  });

  it.each<{ template: Json; field: string; path: string }>([
    { template: { v: '{% $states.input.missing %}' }, field: 'Output', path: 'Output/v' },
    { template: { a: { b: '{% $states.input.missing %}' } }, field: 'Output', path: 'Output/a/b' },
    { template: { values: ['{% $states.input.missing %}', 1] }, field: 'Output', path: 'Output/values[0]' },
    {
      template: { a: { b: [[1, '{% $states.input.missing %}']] } },
      field: 'Output',
      path: 'Output/a/b[0][1]',
    },
    { template: { x: { y: '{% $states.input.missing %}' } }, field: 'Assign', path: 'Assign/x/y' },
    {
      template: { Input: { loc: '{% $states.input.missing %}' } },
      field: 'Arguments',
      path: 'Arguments/Input/loc',
    },
  ])('an undefined result names the field path $path', async ({ template, field, path }) => {
    const error = await failureOf(template, field);
    expect(error.errorCause).toBe(
      `The JSONata expression '$states.input.missing' specified for the field '${path}' returned nothing (undefined).`,
    );
    expect(error.location).toBe(field);
    expect(error.field).toBe(path);
  });

  it('evaluates the expressions of a template in document order', async () => {
    let next = 0;
    const counting: JsonataEnv = {
      random: () => 0,
      uuid: () => {
        next += 1;
        return `u${next}`;
      },
    };
    const template = { a: '{% $uuid() %}', b: ['{% $uuid() %}', { c: '{% $uuid() %}' }] };
    expect(await compileJsonata(template, 'Output').evaluate(bindingsWith({}, { env: counting }))).toEqual({
      a: 'u1',
      b: ['u2', { c: 'u3' }],
    });
  });

  it('hands back sequences as plain arrays that later evaluations read as arrays', async () => {
    const ids = await evaluate('{% $states.input.items.id %}');
    expect(Object.keys(ids as Json[])).toEqual(['0', '1']);
    const again = await compileJsonata('{% $count($ids) %}', 'Output').evaluate(bindingsWith({ ids }));
    expect(again).toBe(2);
  });
});

describe('compileJsonata: compiled once', () => {
  it('parses each expression text once, however often the template is compiled or evaluated', async () => {
    const text = `{% $states.input.n * ${Date.now()} %}`;
    const template: Json = { a: text, b: [text] };
    const before = countJsonataCompilations();
    for (let i = 0; i < 5; i++) {
      await compileJsonata(template, 'Output').evaluate(bindingsWith());
      await compileJsonata(text, 'Output').evaluate(bindingsWith());
      await compileJsonata({ other: text }, 'Assign').evaluate(bindingsWith());
    }
    expect(countJsonataCompilations() - before).toBe(1);
  });

  it('returns the same template for the same object and field', () => {
    const template: Json = { v: '{% 1 %}' };
    expect(compileJsonata(template, 'Output')).toBe(compileJsonata(template, 'Output'));
    expect(compileJsonata(template, 'Output')).not.toBe(compileJsonata(template, 'Assign'));
  });

  it('reports a syntax error for validation without throwing', () => {
    expect(findJsonataSyntaxError('1 +')).toBe('S0207: Unexpected end of expression');
    expect(findJsonataSyntaxError('$states.input')).toBeUndefined();
  });
});

describe('compileJsonata: errors', () => {
  it.each<{ title: string; text: string; detail: string }>([
    {
      title: '$eval is removed',
      text: '$eval("1 + 1")',
      detail: '. T1006: Attempted to invoke a non-function',
    },
    {
      title: 'a type error carries the JSONata code and message',
      text: '$sum(["a"])',
      detail: '. T0412: Argument 1 of function "sum" must be an array of "numbers"',
    },
    {
      title: 'an operator on the wrong type',
      text: '1 + {}',
      detail: '. T2002: The right side of the "+" operator must evaluate to a number',
    },
    {
      title: 'a built-in function refusing its argument',
      text: '$split("a", "b", -1)',
      detail: '. D3020: Third argument of split function must evaluate to a positive number',
    },
    {
      title: 'nesting deeper than AWS allows',
      text: `1${'+1'.repeat(100)}`,
      detail:
        ': Stack overflow error: Check for non-terminating recursive function. Consider rewriting as tail-recursive',
    },
    {
      title: 'recursion past the depth bound',
      text: '($f := function($x){ $x <= 0 ? 0 : 1 + $f($x-1) }; $f(32))',
      detail:
        ': Stack overflow error: Check for non-terminating recursive function. Consider rewriting as tail-recursive',
    },
    {
      title: 'a syntax error fails at evaluation',
      text: '1 +',
      detail: '. S0207: Unexpected end of expression',
    },
  ])('$title', async ({ text, detail }) => {
    const error = await failureOf({ v: `{% ${text} %}` });
    expect(error).toBeInstanceOf(StatesError);
    expect(error.error).toBe('States.QueryEvaluationError');
    expect(error.errorCause).toBe(threw(text, 'Output/v', detail));
  });

  it.each<{ title: string; text: string; expected: Json }>([
    { title: 'a sum of 100 terms is within the depth bound', text: `1${'+1'.repeat(99)}`, expected: 100 },
    {
      title: 'recursion to depth 31 is within the bound',
      text: '($f := function($x){ $x <= 0 ? 0 : 1 + $f($x-1) }; $f(31))',
      expected: 31,
    },
  ])('$title', async ({ text, expected }) => {
    expect(await evaluate(`{% ${text} %}`)).toBe(expected);
  });

  it('a function as the result is an unsupported result type', async () => {
    expect((await failureOf('{% function($x){ $x } %}')).errorCause).toBe(
      "The JSONata expression 'function($x){ $x }' specified for the field 'Output' returned an unsupported result type.",
    );
  });
});
