import { describe, expect, it } from 'vitest';
import {
  evaluateIntrinsic,
  INTRINSIC_ERROR_NAME,
  type IntrinsicEnv,
} from '../../../shared/intrinsics/index.ts';
import type { PathSources } from '../../../shared/jsonpath/paths.ts';
import { StatesError } from '../../../shared/language/states-error.ts';
import type { Json } from '../../../shared/lib/json.ts';

const UUID = '3f2b6c1e-8a4d-4e2f-9b7a-1c5d0e9f4a21';
const env: IntrinsicEnv = { random: () => 0.5, uuid: () => UUID };
const CONTEXT: Json = {
  Execution: { Name: 'run-42', Input: { start: 2 } },
  StateMachine: { Name: 'order-flow-v2' },
};

function run(text: string, input: Json = {}, variables?: Record<string, Json>): Json {
  const sources: PathSources = { input, context: CONTEXT, variables };
  return evaluateIntrinsic(text, sources, env);
}

function failureOf(text: string, input: Json = {}, variables?: Record<string, Json>): StatesError {
  try {
    run(text, input, variables);
  } catch (error) {
    if (error instanceof StatesError) return error;
    throw error;
  }
  throw new Error(`${text} did not fail`);
}

/** The cause AWS writes for a failing call: the whole expression, then the detail. */
function cause(text: string, detail: string): string {
  return `The function '${text}' had the following error: ${detail}`;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('evaluateIntrinsic: results', () => {
  it.each<{ title: string; text: string; input?: Json; expected: Json }>([
    // States.Format
    {
      title: 'Format fills a placeholder from the input',
      text: "States.Format('Hello, my name is {}.', $.name)",
      input: { name: 'Arnav' },
      expected: 'Hello, my name is Arnav.',
    },
    {
      title: 'Format reads its template from a path',
      text: 'States.Format($.template, $.name)',
      input: { template: 'Hello, my name is {}.', name: 'Arnav' },
      expected: 'Hello, my name is Arnav.',
    },
    {
      title: 'Format prints null as null',
      text: "States.Format('Formatting argument {}.', $.v)",
      input: { v: null },
      expected: 'Formatting argument null.',
    },
    {
      title: 'Format prints integers without a fraction and decimals as written',
      text: "States.Format('{} {} {}', $.i, $.d, 1e21)",
      input: { i: 1, d: 1.1 },
      expected: '1 1.1 1000000000000000000000',
    },
    {
      title: 'Format prints an object the way AWS (Java) does',
      text: "States.Format('fst={} and snd={}.', $.o, $.o)",
      input: { o: { Arg1: 1, Arg2: [] } },
      expected: 'fst={Arg1=1, Arg2=[]} and snd={Arg1=1, Arg2=[]}.',
    },
    {
      title: 'Format prints booleans and arrays',
      text: "States.Format('{} {}', true, $.a)",
      input: { a: [1, 'x', null] },
      expected: 'true [1, x, null]',
    },
    {
      title: 'Format keeps escaped braces literal',
      text: String.raw`States.Format('\{\} is {}', 'empty')`,
      expected: '{} is empty',
    },
    {
      title: 'Format unescapes quotes and backslashes',
      text: String.raw`States.Format('it\'s {} \\ done', 'x')`,
      expected: "it's x \\ done",
    },
    {
      title: 'Format without placeholders returns the template',
      text: "States.Format('plain')",
      expected: 'plain',
    },
    // States.StringToJson / JsonToString
    {
      title: 'StringToJson parses JSON text',
      text: 'States.StringToJson($.s)',
      input: { s: '{"foo": "bar"}' },
      expected: { foo: 'bar' },
    },
    {
      title: 'StringToJson accepts unescaped braces in a literal',
      text: `States.StringToJson('{"constant_in_literal": "false"}')`,
      expected: { constant_in_literal: 'false' },
    },
    { title: 'StringToJson of an empty string is null', text: "States.StringToJson('')", expected: null },
    { title: 'StringToJson of a blank string is null', text: "States.StringToJson('  ')", expected: null },
    {
      title: 'JsonToString writes compact JSON',
      text: 'States.JsonToString($.o)',
      input: { o: { Arg1: 1, Arg2: [], s: 'HelloWorld' } },
      expected: '{"Arg1":1,"Arg2":[],"s":"HelloWorld"}',
    },
    {
      title: 'JsonToString quotes a string and prints numbers as AWS does',
      text: 'States.JsonToString($.a)',
      input: { a: ['x', 1.1, 2, 1e21, null, true] },
      expected: '["x",1.1,2,1000000000000000000000,null,true]',
    },
    {
      title: 'JsonToString of the whole input',
      text: 'States.JsonToString($)',
      input: { other: 1 },
      expected: '{"other":1}',
    },
    // States.Array
    { title: 'Array with no arguments is empty', text: 'States.Array()', expected: [] },
    {
      title: 'Array keeps the arguments in order',
      text: "States.Array($.id, 'b', 2.5, true, null)",
      input: { id: 123456 },
      expected: [123456, 'b', 2.5, true, null],
    },
    // States.ArrayPartition
    {
      title: 'ArrayPartition leaves a shorter last chunk',
      text: 'States.ArrayPartition($.a, 4)',
      input: { a: range(1, 9) },
      expected: [[1, 2, 3, 4], [5, 6, 7, 8], [9]],
    },
    {
      title: 'ArrayPartition of an empty array',
      text: 'States.ArrayPartition($.a, 3)',
      input: { a: [] },
      expected: [],
    },
    {
      title: 'ArrayPartition truncates a fractional chunk size',
      text: 'States.ArrayPartition($.a, 2.6)',
      input: { a: range(1, 5) },
      expected: [[1, 2], [3, 4], [5]],
    },
    // States.ArrayContains
    {
      title: 'ArrayContains finds a number',
      text: 'States.ArrayContains($.a, 2)',
      input: { a: [1, 2, 3] },
      expected: true,
    },
    {
      title: 'ArrayContains compares objects by value',
      text: 'States.ArrayContains($.a, $.v)',
      input: { a: [{ x: 1, y: [2] }], v: { y: [2], x: 1 } },
      expected: true,
    },
    {
      title: 'ArrayContains on an empty array',
      text: 'States.ArrayContains($.a, null)',
      input: { a: [] },
      expected: false,
    },
    // States.ArrayRange
    {
      title: 'ArrayRange includes the end when hit',
      text: 'States.ArrayRange(1, 9, 2)',
      expected: [1, 3, 5, 7, 9],
    },
    {
      title: 'ArrayRange stops before passing the end',
      text: 'States.ArrayRange(0, 10, 3)',
      expected: [0, 3, 6, 9],
    },
    {
      title: 'ArrayRange counts down with a negative step',
      text: 'States.ArrayRange(5, 1, -2)',
      expected: [5, 3, 1],
    },
    {
      title: 'ArrayRange is empty when the step points away',
      text: 'States.ArrayRange(5, 1, 1)',
      expected: [],
    },
    { title: 'ArrayRange truncates its arguments', text: 'States.ArrayRange(1.6, 1.4, 1)', expected: [1] },
    {
      title: 'ArrayRange may hold exactly 1000 items',
      text: 'States.ArrayRange(1, 1000, 1)',
      expected: range(1, 1000),
    },
    // States.ArrayGetItem / ArrayLength / ArrayUnique
    {
      title: 'ArrayGetItem is zero-based',
      text: 'States.ArrayGetItem($.a, $.i)',
      input: { a: range(1, 9), i: 5 },
      expected: 6,
    },
    {
      title: 'ArrayGetItem truncates a fractional index',
      text: 'States.ArrayGetItem($.a, 1.2)',
      input: { a: [10, 20, 30] },
      expected: 20,
    },
    {
      title: 'ArrayGetItem on an empty array gives null',
      text: 'States.ArrayGetItem($.a, 999)',
      input: { a: [] },
      expected: null,
    },
    {
      title: 'ArrayLength counts items',
      text: 'States.ArrayLength($.a)',
      input: { a: range(1, 9) },
      expected: 9,
    },
    {
      title: 'ArrayUnique keeps the first of equal values',
      text: 'States.ArrayUnique($.a)',
      input: { a: [1, 2, 2, { a: 1 }, { a: 1 }, 'x', 'x', null, null, [], []] },
      expected: [1, 2, { a: 1 }, 'x', null, []],
    },
    // States.Base64Encode / Base64Decode
    {
      title: 'Base64Encode encodes UTF-8',
      text: 'States.Base64Encode($.s)',
      input: { s: 'Data to encode' },
      expected: 'RGF0YSB0byBlbmNvZGU=',
    },
    {
      title: 'Base64Encode accepts exactly 10,000 characters',
      text: 'States.Base64Encode($.s)',
      input: { s: 'a'.repeat(10_000) },
      expected: Buffer.from('a'.repeat(10_000)).toString('base64'),
    },
    {
      title: 'Base64Decode decodes',
      text: "States.Base64Decode('RGF0YSB0byBlbmNvZGU=')",
      expected: 'Data to encode',
    },
    { title: 'Base64Decode decodes UTF-8 text', text: "States.Base64Decode('4pyT')", expected: '✓' },
    // States.Hash
    {
      title: 'Hash SHA-256',
      text: 'States.Hash($.d, $.alg)',
      input: { d: 'input data', alg: 'SHA-256' },
      expected: 'b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3',
    },
    { title: 'Hash MD5', text: "States.Hash('hello', 'MD5')", expected: '5d41402abc4b2a76b9719d911017c592' },
    {
      title: 'Hash SHA-1',
      text: "States.Hash('hello', 'SHA-1')",
      expected: 'aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d',
    },
    {
      title: 'Hash SHA-384',
      text: "States.Hash('hello', 'SHA-384')",
      expected:
        '59e1748777448c69de6b800d7a33bbfb9ff1b463e44354c3553bcdb9c666fa90125a3c79f90397bdf5f6a13de828684f',
    },
    {
      title: 'Hash SHA-512',
      text: "States.Hash('hello', 'SHA-512')",
      expected:
        '9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043',
    },
    {
      title: 'Hash of a number hashes its text',
      text: "States.Hash(123, 'SHA-256')",
      expected: 'a665a45920422f9d417e4867efdc4fb8a04a1f3fff1fa07e998e86f7f7a27ae3',
    },
    {
      title: 'Hash of an object hashes its compact JSON',
      text: "States.Hash($.o, 'SHA-256')",
      input: { o: { a: 1 } },
      expected: '015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862',
    },
    // States.JsonMerge
    {
      title: 'JsonMerge is shallow and the second object wins',
      text: 'States.JsonMerge($.fst, $.snd, false)',
      input: { fst: { a: { a1: 1, a2: 2 }, b: 2, d: 3 }, snd: { a: { a3: 1, a4: 2 }, c: 3, d: 4 } },
      expected: { a: { a3: 1, a4: 2 }, b: 2, c: 3, d: 4 },
    },
    // States.MathRandom (env.random() = 0.5)
    {
      title: 'MathRandom maps env.random into [start, end)',
      text: 'States.MathRandom(1, 999)',
      expected: 500,
    },
    { title: 'MathRandom truncates its bounds', text: 'States.MathRandom(12.5, 44.51)', expected: 28 },
    // States.MathAdd: the pairs of LocalStack's AWS snapshot test_math_add
    { title: 'MathAdd of integers', text: 'States.MathAdd(-9, 3)', expected: -6 },
    { title: 'MathAdd rounds 1.49 down and 1.5 up', text: 'States.MathAdd(1.49, 1.5)', expected: 3 },
    { title: 'MathAdd rounds 1.5 and 1.51 up', text: 'States.MathAdd(1.5, 1.51)', expected: 4 },
    { title: 'MathAdd rounds -1.5 towards +∞', text: 'States.MathAdd(-1.49, -1.5)', expected: -2 },
    { title: 'MathAdd rounds -1.51 away from zero', text: 'States.MathAdd(-1.5, -1.51)', expected: -3 },
    { title: 'MathAdd rounds 0.5 up', text: 'States.MathAdd(0.5, 0)', expected: 1 },
    { title: 'MathAdd rounds 2.5 up', text: 'States.MathAdd(2.5, 0)', expected: 3 },
    { title: 'MathAdd rounds -0.5 to 0', text: 'States.MathAdd(-0.5, 0)', expected: 0 },
    { title: 'MathAdd rounds -2.5 to -2', text: 'States.MathAdd(-2.5, 0)', expected: -2 },
    {
      title: 'MathAdd reads paths',
      text: 'States.MathAdd($.value1, $.step)',
      input: { value1: 111, step: -1 },
      expected: 110,
    },
    // States.StringSplit: LocalStack's AWS snapshot test_string_split
    {
      title: 'StringSplit on one delimiter',
      text: "States.StringSplit($.s, ',')",
      input: { s: '1,2,3,4,5' },
      expected: ['1', '2', '3', '4', '5'],
    },
    {
      title: 'StringSplit on every character of the delimiter argument',
      text: 'States.StringSplit($.s, $.d)',
      input: { s: 'This.is+a,test=string', d: '.+,=' },
      expected: ['This', 'is', 'a', 'test', 'string'],
    },
    {
      title: 'StringSplit drops empty pieces',
      text: "States.StringSplit($.s, ',')",
      input: { s: ', , ,' },
      expected: [' ', ' '],
    },
    {
      title: 'StringSplit of only delimiters is empty',
      text: "States.StringSplit(',,,,', ',')",
      expected: [],
    },
    {
      title: 'StringSplit on a newline inside the literal',
      text: "States.StringSplit('Hello\nWorld', '\n')",
      expected: ['Hello', 'World'],
    },
    // States.UUID
    { title: 'UUID comes from env.uuid', text: 'States.UUID()', expected: UUID },
    // paths and nesting
    {
      title: 'a context path argument',
      text: "States.Format('run {}', $$.Execution.Name)",
      expected: 'run run-42',
    },
    {
      title: 'nested calls over the context object',
      text: "States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), States.MathAdd(States.ArrayLength(States.StringSplit($$.StateMachine.Name, '-')), -1))",
      expected: 'v2',
    },
    {
      title: 'a path with a wildcard gives the list of matches',
      text: 'States.ArrayLength($.items[*].id)',
      input: { items: [{ id: 1 }, { id: 2 }, {}] },
      expected: 2,
    },
    {
      title: 'a wildcard that matches nothing is an empty list, not a missing argument',
      text: 'States.ArrayLength($.items[*].nope)',
      input: { items: [1, 2] },
      expected: 0,
    },
  ])('$title', ({ text, input, expected }) => {
    expect(run(text, input)).toEqual(expected);
  });

  it('reads a variable argument', () => {
    expect(run("States.Format('Hi {}', $customer.name)", {}, { customer: { name: 'Ada' } })).toBe('Hi Ada');
  });
});

describe('evaluateIntrinsic: MathRandom randomness', () => {
  it.each([
    { text: 'States.MathRandom(1, 3)', random: 0.999999, expected: 2 },
    { text: 'States.MathRandom(1, 3)', random: 0, expected: 1 },
    { text: 'States.MathRandom(-99999, -9999)', random: 0.25, expected: -77499 },
  ])('$text with env.random() = $random gives $expected', ({ text, random, expected }) => {
    expect(
      evaluateIntrinsic(text, { input: {}, context: {} }, { random: () => random, uuid: () => UUID }),
    ).toBe(expected);
  });

  it.each([
    { text: 'States.MathRandom(1, 100, 42)' },
    { text: 'States.MathRandom(0, 999, 3)' },
    { text: 'States.MathRandom(1, 10, -10)' },
    { text: 'States.MathRandom(1, 10, 0)' },
  ])('$text gives the same integer in range whatever env.random says', ({ text }) => {
    const first = evaluateIntrinsic(
      text,
      { input: {}, context: {} },
      { random: () => 0.1, uuid: () => UUID },
    );
    const second = evaluateIntrinsic(
      text,
      { input: {}, context: {} },
      { random: () => 0.9, uuid: () => UUID },
    );
    const [low, high] = (text.match(/-?\d+/g) ?? []).map(Number) as [number, number];
    expect(second).toBe(first);
    expect(Number.isInteger(first)).toBe(true);
    expect(first).toBeGreaterThanOrEqual(low);
    expect(first).toBeLessThan(high);
  });

  it('different seeds spread over the range', () => {
    const values = new Set(
      range(1, 50).map((seed) =>
        evaluateIntrinsic(`States.MathRandom(0, 1000, ${seed})`, { input: {}, context: {} }, env),
      ),
    );
    expect(values.size).toBeGreaterThan(40);
  });
});

describe('evaluateIntrinsic: failures', () => {
  it.each<{ title: string; text: string; input?: Json; detail: string }>([
    // arguments that select nothing
    {
      title: 'a path that matches nothing',
      text: "States.Format('{}', $.nope)",
      input: { other: 1 },
      detail: `The JsonPath argument for the field '$.nope' could not be found in the input '{"other":1}'`,
    },
    {
      title: 'a later argument names itself',
      text: "States.Format('{} {}', $.other, $.a.b)",
      input: { other: 1 },
      detail: `The JsonPath argument for the field '$.a.b' could not be found in the input '{"other":1}'`,
    },
    {
      title: 'an index past the end of an array',
      text: "States.Format('{}', $.items[5])",
      input: { items: [1, 2] },
      detail: `The JsonPath argument for the field '$.items[5]' could not be found in the input '{"items":[1,2]}'`,
    },
    {
      title: 'a nested call names the whole expression',
      text: "States.Format('{}', States.Format('{}', $.nope))",
      input: { other: 1 },
      detail: `The JsonPath argument for the field '$.nope' could not be found in the input '{"other":1}'`,
    },
    {
      title: 'a context path is reported rewritten, against the state input',
      text: "States.Format('{}', $$.Nope.Deep)",
      input: { other: 1 },
      detail: `The JsonPath argument for the field '$.Nope.Deep' could not be found in the input '{"other":1}'`,
    },
    {
      title: 'an unknown variable',
      text: 'States.Array($missing)',
      input: {},
      detail: `The JsonPath argument for the field '$missing' could not be found in the input '{}'`,
    },
    // States.Format
    {
      title: 'Format with too few values',
      text: "States.Format('{} {}', 'x')",
      detail: 'Invalid arguments in States.Format',
    },
    {
      title: 'Format with too many values',
      text: "States.Format('{}', 'x', 'y')",
      detail: 'Invalid arguments in States.Format',
    },
    {
      title: 'Format with an unmatched {',
      text: "States.Format('Hello {', 'x')",
      detail: 'Invalid arguments in States.Format',
    },
    {
      title: 'Format with a lone }',
      text: "States.Format('}')",
      detail: 'Invalid arguments in States.Format',
    },
    {
      title: 'Format with doubled braces',
      text: "States.Format('Hello {{}}', 'x')",
      detail: 'Invalid arguments in States.Format',
    },
    {
      title: 'Format with a template that is not a string',
      text: 'States.Format($.t, 1)',
      input: { t: 123 },
      detail: 'Invalid arguments in States.Format',
    },
    // JSON
    {
      title: 'StringToJson of text that is not JSON',
      text: "States.StringToJson('{not json')",
      detail: 'Invalid arguments in States.StringToJson',
    },
    {
      title: 'StringToJson of a non-string',
      text: 'States.StringToJson($.o)',
      input: { o: { a: 1 } },
      detail: 'Invalid arguments in States.StringToJson',
    },
    {
      title: 'JsonMerge with deep = true',
      text: 'States.JsonMerge($.a, $.a, true)',
      input: { a: {} },
      detail: 'Invalid arguments in States.JsonMerge',
    },
    {
      title: 'JsonMerge of a non-object',
      text: 'States.JsonMerge($.a, $.b, false)',
      input: { a: {}, b: [1] },
      detail: 'Invalid arguments in States.JsonMerge',
    },
    {
      title: 'JsonMerge with a string for the deep flag',
      text: "States.JsonMerge($.a, $.a, 'false')",
      input: { a: {} },
      detail: 'Invalid arguments in States.JsonMerge',
    },
    // arrays
    {
      title: 'ArrayPartition with chunk size 0',
      text: 'States.ArrayPartition($.a, 0)',
      input: { a: [1] },
      detail: 'Invalid arguments in States.ArrayPartition',
    },
    {
      title: 'ArrayPartition with a chunk size that truncates to 0',
      text: 'States.ArrayPartition($.a, 0.6)',
      input: { a: [1] },
      detail: 'Invalid arguments in States.ArrayPartition',
    },
    {
      title: 'ArrayPartition with a negative chunk size',
      text: 'States.ArrayPartition($.a, -1)',
      input: { a: [1] },
      detail: 'Invalid arguments in States.ArrayPartition',
    },
    {
      title: 'ArrayPartition of a string',
      text: "States.ArrayPartition('abc', 2)",
      detail: 'Invalid arguments in States.ArrayPartition',
    },
    {
      title: 'ArrayPartition with a null chunk size',
      text: 'States.ArrayPartition($.a, null)',
      input: { a: [1] },
      detail: 'Invalid arguments in States.ArrayPartition',
    },
    {
      title: 'ArrayContains of a non-array',
      text: "States.ArrayContains('abc', 'a')",
      detail: 'Invalid arguments in States.ArrayContains',
    },
    {
      title: 'ArrayRange with step 0',
      text: 'States.ArrayRange(1, 10, 0)',
      detail: 'Invalid arguments in States.ArrayRange',
    },
    {
      title: 'ArrayRange with a step that truncates to 0',
      text: 'States.ArrayRange(1, 10, 0.49)',
      detail: 'Invalid arguments in States.ArrayRange',
    },
    {
      title: 'ArrayRange of 1001 items',
      text: 'States.ArrayRange(1, 1001, 1)',
      detail: 'Invalid arguments in States.ArrayRange',
    },
    {
      title: 'ArrayRange of 1001 items counting down',
      text: 'States.ArrayRange(1001, 1, -1)',
      detail: 'Invalid arguments in States.ArrayRange',
    },
    {
      title: 'ArrayRange with a string bound',
      text: "States.ArrayRange('a', 5, 1)",
      detail: 'Invalid arguments in States.ArrayRange',
    },
    {
      title: 'ArrayGetItem at the length',
      text: 'States.ArrayGetItem($.a, 3)',
      input: { a: [1, 2, 3] },
      detail: 'Invalid arguments in States.ArrayGetItem',
    },
    {
      title: 'ArrayGetItem at a negative index',
      text: 'States.ArrayGetItem($.a, -1)',
      input: { a: [1, 2, 3] },
      detail: 'Invalid arguments in States.ArrayGetItem',
    },
    {
      title: 'ArrayGetItem with a string index',
      text: "States.ArrayGetItem($.a, '1')",
      input: { a: [1, 2, 3] },
      detail: 'Invalid arguments in States.ArrayGetItem',
    },
    {
      title: 'ArrayLength of an object',
      text: 'States.ArrayLength($.o)',
      input: { o: {} },
      detail: 'Invalid arguments in States.ArrayLength',
    },
    {
      title: 'ArrayUnique of a string',
      text: "States.ArrayUnique('aa')",
      detail: 'Invalid arguments in States.ArrayUnique',
    },
    // encoding and hashing limits
    {
      title: 'Base64Encode of more than 10,000 characters',
      text: 'States.Base64Encode($.s)',
      input: { s: 'a'.repeat(10_001) },
      detail: 'Invalid arguments in States.Base64Encode',
    },
    {
      title: 'Base64Encode of a number',
      text: 'States.Base64Encode(5)',
      detail: 'Invalid arguments in States.Base64Encode',
    },
    {
      title: 'Base64Decode of more than 10,000 characters',
      text: 'States.Base64Decode($.s)',
      input: { s: 'A'.repeat(10_004) },
      detail: 'Invalid arguments in States.Base64Decode',
    },
    {
      title: 'Hash of more than 10,000 characters',
      text: "States.Hash($.s, 'SHA-256')",
      input: { s: 'a'.repeat(10_001) },
      detail: 'Invalid arguments in States.Hash',
    },
    {
      title: 'Hash with an algorithm without its hyphen',
      text: "States.Hash('d', 'SHA256')",
      detail: 'Invalid arguments in States.Hash',
    },
    {
      title: 'Hash with a lowercase algorithm',
      text: "States.Hash('d', 'sha-256')",
      detail: 'Invalid arguments in States.Hash',
    },
    {
      title: 'Hash with a numeric algorithm',
      text: "States.Hash('d', 256)",
      detail: 'Invalid arguments in States.Hash',
    },
    // math
    {
      title: 'MathAdd of a string',
      text: 'States.MathAdd($.a, $.b)',
      input: { a: 1, b: 'NOT A NUMBER' },
      detail: 'Invalid arguments in States.MathAdd',
    },
    {
      title: 'MathAdd past int32',
      text: 'States.MathAdd(2147483647, 1)',
      detail: 'Invalid arguments in States.MathAdd',
    },
    {
      title: 'MathAdd of an operand past int32',
      text: 'States.MathAdd(2147483648, -1)',
      detail: 'Invalid arguments in States.MathAdd',
    },
    {
      title: 'MathRandom with equal bounds',
      text: 'States.MathRandom(1, 1)',
      detail: 'Invalid arguments in States.MathRandom',
    },
    {
      title: 'MathRandom with reversed bounds',
      text: 'States.MathRandom(10, 5)',
      detail: 'Invalid arguments in States.MathRandom',
    },
    {
      title: 'MathRandom with bounds that truncate to equal',
      text: 'States.MathRandom(1.4, 1.6)',
      detail: 'Invalid arguments in States.MathRandom',
    },
    {
      title: 'MathRandom with a string bound',
      text: "States.MathRandom('a', 10)",
      detail: 'Invalid arguments in States.MathRandom',
    },
    {
      title: 'MathRandom with a null seed',
      text: 'States.MathRandom(1, 10, null)',
      detail: 'Invalid arguments in States.MathRandom',
    },
    // strings
    {
      title: 'StringSplit of a number',
      text: "States.StringSplit($.n, ',')",
      input: { n: 7 },
      detail: 'Invalid arguments in States.StringSplit',
    },
  ])('$title fails with the AWS cause', ({ text, input, detail }) => {
    const failure = failureOf(text, input);
    expect(failure.error).toBe(INTRINSIC_ERROR_NAME);
    expect(failure.errorCause).toBe(cause(text, detail));
  });

  it('fails as States.Runtime, the name AWS reports for intrinsic failures', () => {
    expect(INTRINSIC_ERROR_NAME).toBe('States.Runtime');
  });

  it('turns a syntax error met at run time into a StatesError naming the position', () => {
    const failure = failureOf('States.MathAdd(1)');
    expect(failure.error).toBe(INTRINSIC_ERROR_NAME);
    expect(failure.errorCause).toBe(
      cause(
        'States.MathAdd(1)',
        "Invalid intrinsic function call 'States.MathAdd(1)': States.MathAdd takes exactly 2 arguments, got 1 at position 1",
      ),
    );
  });
});

describe('evaluateIntrinsic: results are held to a bound before they grow past it', () => {
  const big = 'x'.repeat(100_000);

  it.each([
    {
      title: 'a States.Format of many large values (checked before the text is joined)',
      text: `States.Format('${'{}'.repeat(20)}', ${Array(20).fill('$.s').join(', ')})`,
      name: 'States.Format',
    },
    {
      title: 'a States.Array of many large values',
      text: `States.Array(${Array(20).fill('$.s').join(', ')})`,
      name: 'States.Array',
    },
    {
      title: 'nested calls that multiply sizes',
      text: "States.Format('{}{}{}{}{}{}', States.Format('{}{}{}{}{}{}', $.s, $.s, $.s, $.s, $.s, $.s), $.s, $.s, $.s, $.s, $.s)",
      name: 'States.Format',
    },
  ])('$title fails with States.DataLimitExceeded', ({ text, name }) => {
    const error = failureOf(text, { s: big });
    expect(error.error).toBe('States.DataLimitExceeded');
    expect(error.errorCause).toContain(`The result of ${name} is over 1048576 bytes`);
  });

  it('a result up to four times the payload quota is built: the state then fails on its own quota', () => {
    expect((run("States.Format('{}{}{}', $.s, $.s, $.s)", { s: big }) as string).length).toBe(300_000);
  });

  it('States.StringToJson refuses JSON nested past 1,000 levels with States.Runtime', () => {
    const error = failureOf('States.StringToJson($.t)', { t: `${'['.repeat(1_001)}${']'.repeat(1_001)}` });
    expect(error.error).toBe('States.Runtime');
    expect(error.errorCause).toContain('Invalid arguments in States.StringToJson');
  });

  it('States.ArrayRange past 1,000 elements fails before any is built, with States.Runtime', () => {
    const error = failureOf('States.ArrayRange(1, 100000000, 1)');
    expect(error.error).toBe('States.Runtime');
    expect(error.errorCause).toContain('Invalid arguments in States.ArrayRange');
  });
});
