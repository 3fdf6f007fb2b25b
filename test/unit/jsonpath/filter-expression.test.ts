import { describe, expect, it } from 'vitest';
import { FilterSyntaxError, parseFilter, testFilter } from '../../../shared/jsonpath/filter-expression.ts';
import { evaluatePath, isValidPath, PathSyntaxError } from '../../../shared/jsonpath/paths.ts';
import { StatesError } from '../../../shared/language/states-error.ts';
import type { Json } from '../../../shared/lib/json.ts';

const ITEMS: Json[] = [
  { k: 'abc', n: 1, tags: ['x', 'y'], s: '' },
  { k: 'b', n: 2, tags: ['z'], s: 'full' },
  { k: 'ABD', n: 3, tags: [], nested: { deep: true } },
  { n: '2' },
];

const select = (path: string, input: Json = { items: ITEMS, want: 2 }) =>
  evaluatePath(path, { input, context: {} });
const keysOf = (path: string) => (select(path) as { n: Json }[]).map((item) => item.n);

describe("JSONPath filters evaluate Jayway's operators, by Statefold's own evaluator", () => {
  it.each<{ filter: string; expected: Json[] }>([
    { filter: "@.k == 'b'", expected: [2] },
    { filter: "@.k != 'b'", expected: [1, 3, '2'] },
    { filter: '@.n == 2', expected: [2, '2'] },
    { filter: '@.n === 2', expected: [2] },
    { filter: '@.n !== 2', expected: [1, 3, '2'] },
    { filter: '@.n < 2', expected: [1] },
    { filter: '@.n <= 2', expected: [1, 2] },
    { filter: '@.n > 2', expected: [3] },
    { filter: '@.n >= 2', expected: [2, 3] },
    { filter: "@.k > 'a'", expected: [1, 2] },
    { filter: '@.k =~ /a.*/', expected: [1] },
    { filter: '@.k =~ /ab/', expected: [] },
    { filter: '@.k =~ /ab./i', expected: [1, 3] },
    { filter: "@.k in ['b', 'abc']", expected: [1, 2] },
    { filter: "@.k nin ['b', 'abc']", expected: [3] },
    { filter: "@.tags subsetof ['x', 'y', 'z']", expected: [1, 2, 3] },
    { filter: "@.tags anyof ['y', 'q']", expected: [1] },
    { filter: "@.tags noneof ['y', 'q']", expected: [2, 3] },
    { filter: '@.tags size 1', expected: [2] },
    { filter: '@.k size 3', expected: [1, 3] },
    { filter: '@.s empty true', expected: [1] },
    { filter: '@.s empty false', expected: [2] },
    { filter: '@.nested', expected: [3] },
    { filter: '!@.k', expected: ['2'] },
    { filter: "@.n > 1 && @.k != 'b'", expected: [3] },
    { filter: "@.n == 1 || @['k'] == 'b'", expected: [1, 2] },
    { filter: '!(@.n > 1)', expected: [1, '2'] },
    { filter: '@.n == $.want', expected: [2, '2'] },
    { filter: '@.tags[0] == "z"', expected: [2] },
    { filter: '@.nested.deep == true', expected: [3] },
  ])('[?($filter)]', ({ filter, expected }) => {
    expect(isValidPath(`$.items[?(${filter})]`)).toBe(true);
    expect(keysOf(`$.items[?(${filter})]`)).toEqual(expected);
  });

  it('tests an object itself against a filter, as Jayway does', () => {
    expect(select('$.o[?(@.a == 1)]', { o: { a: 1 } })).toEqual([{ a: 1 }]);
    expect(select('$.o[?(@.a == 2)]', { o: { a: 1 } })).toEqual([]);
  });

  it('matches in time linear in the subject: (a+)+$ over 100,000 characters', () => {
    const began = performance.now();
    expect(select('$.r[?(@ =~ /(a+)+$/)]', { r: [`${'a'.repeat(100_000)}b`, 'aaa'] })).toEqual(['aaa']);
    expect(performance.now() - began).toBeLessThan(2_000);
  });
});

describe('what a filter may not do is refused when the definition is validated', () => {
  it.each([
    ["@.k.toUpperCase() == 'A'", 'a method call'],
    ["@.s.match('(a+)+$')", 'a method call returning a match'],
    ['@.constructor', 'a prototype member'],
    ["@['__proto__']", 'a prototype member in brackets'],
    ['@.n + 1 > 2', 'arithmetic'],
    ['this.x == 1', 'a JavaScript word'],
    ['@.k =~ /(a)\\1/', 'a back-reference (no linear-time engine runs it)'],
    ['@.k ==', 'a comparison without its right side'],
    ['(@.k == 1', 'an open parenthesis'],
    ["@.k in ['a', @.b]", 'an array of non-literals'],
  ])('%s (%s)', (filter) => {
    expect(isValidPath(`$.items[?(${filter})]`)).toBe(false);
    expect(() => parseFilter(filter)).toThrow(FilterSyntaxError);
  });

  it('a bare word parses, as AWS accepts it, and fails the state that reads it with States.Runtime', () => {
    expect(isValidPath('$.items[?(@.k == FooBar)]')).toBe(true);
    expect(() => select('$.items[?(@.k == FooBar)]')).toThrow(StatesError);
    expect(() => select('$.items[?(@.k == FooBar)]')).toThrow(/Invalid path .* 'FooBar' is neither/);
  });

  it('a script expression [( … )] is never evaluated: the state fails with States.Runtime', () => {
    expect(() => select('$.items[(@.length-1)]')).toThrow(/script expressions/);
  });

  it('testFilter reads members, never prototypes', () => {
    expect(testFilter(parseFilter('@.toString'), {}, {})).toBe(false);
    expect(testFilter(parseFilter('@.hasOwnProperty'), { hasOwnProperty: 1 }, {})).toBe(true);
  });

  it('a path in a filter that is not a name or an index is a syntax error', () => {
    expect(() => evaluatePath('$.items[?(@.a[*] == 1)]', { input: {}, context: {} })).toThrow(
      PathSyntaxError,
    );
  });
});
