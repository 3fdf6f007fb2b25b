import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BAIL } from '../../../shared/jsonata/fast-expression.ts';
import { compileJsonata } from '../../../shared/jsonata/index.ts';
import type { Json } from '../../../shared/lib/json.ts';

/**
 * The synchronous evaluator must agree with the jsonata library whenever it answers: same value, and no
 * value where the library fails. Expressions are generated from the subset it compiles (and a little
 * beyond it), inputs and variables at random.
 */
const scalar = fc.oneof(
  fc.integer({ min: -20, max: 20 }),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  fc.constantFrom('a', 'b', '', 'zz'),
  fc.boolean(),
  fc.constant(null),
);
const value: fc.Arbitrary<Json> = fc.oneof(
  scalar,
  fc.array(scalar, { maxLength: 3 }),
  fc.dictionary(fc.constantFrom('x', 'y'), scalar),
  // Lists of lists and of objects: JSONata's sequence rules flatten some, and $count takes them whole.
  fc.array(fc.oneof(fc.array(scalar, { maxLength: 2 }), fc.dictionary(fc.constantFrom('x', 'y'), scalar)), {
    maxLength: 3,
  }),
);

const operand = fc.oneof(
  fc.integer({ min: -5, max: 5 }).map(String),
  fc.constantFrom("'a'", "'b'", 'true', 'false', 'null', '1.5'),
  fc.constantFrom('$states.input.a', '$states.input.b', '$states.input.o.x', '$v', '$w', '$w.x', '$missing'),
);
const operator = fc.constantFrom('+', '-', '*', '/', '%', '<', '<=', '>', '>=', '=', '!=', 'and', 'or', '&');
const FUNCTION_NAMES = [
  'count',
  'sum',
  'max',
  'min',
  'average',
  'string',
  'length',
  'uppercase',
  'lowercase',
  'abs',
  'floor',
  'ceil',
  'not',
] as const;
const functionName = fc.constantFrom(...FUNCTION_NAMES);
const expression: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small' },
    operand,
    fc.tuple(tie('e'), operator, tie('e')).map(([a, op, b]) => `${a} ${op} ${b}`),
    // `( … )` is a block to JSONata: one expression inside is that expression.
    tie('e').map((inner) => `(${inner})`),
    fc.tuple(functionName, tie('e')).map(([name, argument]) => `$${name}(${argument})`),
    fc.tuple(tie('e'), tie('e'), tie('e')).map(([c, a, b]) => `${c} ? ${a} : ${b}`),
  ),
})).e;

/**
 * Expressions that build values: array and object constructors, $merge, and paths that pick an item by
 * index (from the end when negative), over the operands above.
 */
const building: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small' },
    operand,
    fc.constantFrom(
      '$states.input.a[0]',
      '$states.input.b[-1]',
      '$states.input.o.x[1]',
      '$w.x[0]',
      '$states.input.a[0].x',
    ),
    fc.array(tie('e'), { maxLength: 3 }).map((items) => `[${items.join(', ')}]`),
    fc
      .uniqueArray(fc.tuple(fc.constantFrom('x', 'y', '10', '2'), tie('e')), {
        selector: ([key]) => key,
        maxLength: 3,
      })
      .map((pairs) => `{${pairs.map(([key, item]) => `"${key}": ${item}`).join(', ')}}`),
    fc.array(tie('e'), { minLength: 1, maxLength: 3 }).map((items) => `$merge([${items.join(', ')}])`),
    tie('e').map((inner) => `$merge(${inner})`),
    fc.tuple(functionName, tie('e')).map(([name, argument]) => `$${name}(${argument})`),
  ),
})).e;

const env = { random: () => 0.5, uuid: () => '00000000-0000-4000-8000-000000000000' };

async function library(text: string, bindings: Parameters<ReturnType<typeof compileJsonata>['evaluate']>[0]) {
  try {
    return { ok: true as const, value: await compileJsonata(`{% ${text} %}`, 'Output').evaluate(bindings) };
  } catch {
    return { ok: false as const };
  }
}

/**
 * The library gives the fast answer: an equal value, written the same (toEqual does not see the order of an
 * object's members, which a state's output shows).
 */
async function expectLibraryGives(text: string, bindings: Parameters<typeof library>[1], fast: Json) {
  const answer = await library(text, bindings);
  expect(answer).toEqual({ ok: true, value: fast });
  expect(JSON.stringify(answer.ok ? answer.value : undefined)).toBe(JSON.stringify(fast));
}

/** Whether the fast evaluator answers `text` over these inputs and variables; where it does, the library agrees. */
async function answersAsLibrary(text: string, a: Json, b: Json, v: Json, w: Json): Promise<boolean> {
  const bindings = { states: { input: { a, b, o: { x: a } }, context: {} }, variables: { v, w }, env };
  const fast = compileJsonata(`{% ${text} %}`, 'Output').evaluateFast(bindings);
  if (fast === BAIL) return false;
  await expectLibraryGives(text, bindings, fast);
  return true;
}

describe('the synchronous JSONata evaluator', () => {
  it('gives what the jsonata library gives whenever it answers', async () => {
    let answered = 0;
    let called = 0;
    let conditions = 0;
    await fc.assert(
      fc.asyncProperty(expression, value, value, value, value, async (text, a, b, v, w) => {
        if (!(await answersAsLibrary(text, a, b, v, w))) return;
        if (/ (\+|-|\*|\/|%|<|<=|>|>=|=|!=|and|or|&) /.test(text)) answered++;
        if (/\$[a-z]+\(/.test(text)) called++;
        if (text.includes(' ? ')) conditions++;
      }),
      { numRuns: 4000 },
    );
    // The property says something only if the fast path answered each kind of expression often enough.
    expect(answered).toBeGreaterThan(30);
    expect(called).toBeGreaterThan(30);
    expect(conditions).toBeGreaterThan(20);
  });

  it('builds arrays and objects, merges and picks items as the jsonata library does', async () => {
    let constructed = 0;
    let merged = 0;
    let picked = 0;
    await fc.assert(
      fc.asyncProperty(building, value, value, value, value, async (text, a, b, v, w) => {
        if (!(await answersAsLibrary(text, a, b, v, w))) return;
        if (/^[[{]/.test(text)) constructed++;
        if (text.includes('$merge(')) merged++;
        if (/\[-?\d\]/.test(text)) picked++;
      }),
      { numRuns: 3000 },
    );
    expect(constructed).toBeGreaterThan(100);
    expect(merged).toBeGreaterThan(20);
    expect(picked).toBeGreaterThan(30);
  });

  it('counts a list whatever its items, as the library does', async () => {
    const nested: fc.Arbitrary<Json> = fc.letrec<{ v: Json }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        scalar,
        fc.array(tie('v'), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom('x', 'y'), tie('v')),
      ),
    })).v;
    const argument = fc.constantFrom(
      '$states.input.a',
      '$states.input.o.x',
      '$v',
      '($v)',
      '$states.input.b ? $v : $states.input.a',
    );
    let lists = 0;
    await fc.assert(
      fc.asyncProperty(argument, nested, fc.boolean(), nested, async (text, a, b, v) => {
        const bindings = { states: { input: { a, b, o: { x: a } }, context: {} }, variables: { v }, env };
        const fast = compileJsonata(`{% $count(${text}) %}`, 'Output').evaluateFast(bindings);
        if (fast === BAIL) return;
        if (Array.isArray(a) || Array.isArray(v)) lists++;
        await expectLibraryGives(`$count(${text})`, bindings, fast);
      }),
      { numRuns: 1000 },
    );
    expect(lists).toBeGreaterThan(100);
  });

  it('answers each of its functions (a variable of the same name is asked of the library)', async () => {
    const input = {
      list: [3, 1, 2],
      one: [7],
      lines: [{ sku: 'a' }, { sku: 'b' }],
      lists: [[1, 2], [3], []],
      none: [],
      s: 'Ünïcode',
      n: -2.5,
      f: 0.1 + 0.2,
      b: false,
    };
    const cases: Array<[string, Json]> = [
      ['$count($states.input.list)', 3],
      ['$count($states.input.one)', 1],
      ['$count($states.input.lines)', 2],
      ['$count($states.input.lists)', 3],
      ['$count($states.input.none)', 0],
      ['$sum($states.input.list)', 6],
      ['$max($states.input.list)', 3],
      ['$min($states.input.list)', 1],
      ['$average($states.input.list)', 2],
      ['$string($states.input.f)', '0.3'],
      ["$string($states.input.n) & '!'", '-2.5!'],
      ['$length($states.input.s)', 7],
      ['$uppercase($states.input.s)', 'ÜNÏCODE'],
      ['$lowercase($states.input.s)', 'ünïcode'],
      ['$abs($states.input.n)', 2.5],
      ['$floor($states.input.n)', -3],
      ['$ceil($states.input.n)', -2],
      ['$not($states.input.b)', true],
      ["$states.input.n < 0 ? 'negative' : 'positive'", 'negative'],
    ];
    for (const [text, expected] of cases) {
      const bindings = { states: { input, context: {} }, variables: {}, env };
      const fast = compileJsonata(`{% ${text} %}`, 'Output').evaluateFast(bindings);
      expect([text, fast]).toEqual([text, expected]);
      expect(await library(text, bindings)).toEqual({ ok: true, value: expected });
    }
    const shadowed = compileJsonata('{% $count($states.input.list) %}', 'Output').evaluateFast({
      states: { input, context: {} },
      variables: { count: 1 },
      env,
    });
    expect(shadowed).toBe(BAIL);
  });

  it.each([
    ['$states.input.i + 1', { i: 41 }, 42],
    ['$sum([1, $states.input.i])', { i: 2 }, 3],
    ['$states.input.list[0].x', { list: [{ x: 'a' }, { x: 'b' }] }, 'a'],
    ['$states.input.list[-1]', { list: [1, 2, 3] }, 3],
    ['[$states.input.i, [2]]', { i: 1 }, [1, [2]]],
    ['{"a": $states.input.i, "b": [$states.input.i]}', { i: 1 }, { a: 1, b: [1] }],
    [
      '$merge([$states.input, {"b": $states.input.list[1]}])',
      { a: 1, b: 0, list: [5, 6] },
      { a: 1, b: 6, list: [5, 6] },
    ],
    ['$states.input.i < 1000', { i: 999 }, true],
    ["$states.input.s = 'x' and $states.input.i >= 2", { s: 'x', i: 2 }, true],
  ])('evaluates %s without the library', (text, input, expected) => {
    const fast = compileJsonata(`{% ${text} %}`, 'Output').evaluateFast({
      states: { input, context: {} },
      variables: {},
      env,
    });
    expect(fast).toEqual(expected);
  });

  it.each([
    ['a path through an array, left to JSONata sequence rules', '$states.input.list.x', { list: [{ x: 1 }] }],
    ['a block of two expressions', '($states.input.i; 2)', { i: 1 }],
    ['a missing field', '$states.input.nope + 1', {}],
    ['mixed types', "$states.input.i + 'a'", { i: 1 }],
    ['a division by zero', '$states.input.i / 0', { i: 1 }],
    [
      'an array constructor with a list item, which JSONata flattens',
      '$sum([1, $states.input.list])',
      { list: [2] },
    ],
    ['an index on something not a list', '$states.input.o[0]', { o: { x: 1 } }],
    ['an index past the end', '$states.input.list[2]', { list: [1] }],
    ['an index that picks a list', '$states.input.list[0]', { list: [[1]] }],
    ['a predicate that is not an index', '$states.input.list[$ > 1]', { list: [1, 2] }],
    ['an object constructor with a key twice', '{"a": 1, "a": 2}', {}],
    ['an object constructor with a computed key', '{$states.input.k: 1}', { k: 'a' }],
    ['a member named __proto__', '{"__proto__": 1}', {}],
    ['a merge of something not an object', '$merge([$states.input.o, 1])', { o: { x: 1 } }],
    [
      'a merge of an object with a __proto__ member',
      '$merge([$states.input.o])',
      JSON.parse('{"o": {"__proto__": 1}}'),
    ],
    ['a function it does not take', "$join($states.input.list, ',')", { list: ['a'] }],
    ['an empty list', '$sum($states.input.list)', { list: [] }],
    ['a list of lists', '$sum($states.input.list)', { list: [[1], [2]] }],
    ['a condition that is not a boolean', "$states.input.i ? 'a' : 'b'", { i: 1 }],
    ['a bare $states', '$states', {}],
  ])('hands %s back to the library', (_what, text, input) => {
    const fast = compileJsonata(`{% ${text} %}`, 'Output').evaluateFast({
      states: { input, context: {} },
      variables: {},
      env,
    });
    expect(fast).toBe(BAIL);
  });
});
