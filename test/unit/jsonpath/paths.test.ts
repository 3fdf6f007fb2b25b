import { describe, expect, it } from 'vitest';
import {
  type CompiledPath,
  cachedPathCount,
  compilePath,
  evaluatePath,
  isReferencePath,
  isValidPath,
  type Lookup,
  NOT_FOUND,
  type PathRoot,
  type PathSegment,
  PathSyntaxError,
  setAtPath,
} from '../../../shared/jsonpath/paths.ts';
import type { Json, JsonObject } from '../../../shared/lib/json.ts';

/** The input of the AWS guide's reference-path example (amazon-states-language-paths). */
const GUIDE_INPUT: JsonObject = { foo: 123, bar: ['a', 'b', 'c'], car: { cdr: true } };

const INPUT: JsonObject = {
  ...GUIDE_INPUT,
  'first name': 'Ana',
  'a.b': 'dotted',
  abc: { 'def ghi': 'spaced' },
  'my-key': 'hyphen',
  nothing: null,
  zero: 0,
  no: false,
  matrix: [
    [1, 2],
    [3, 4],
  ],
};

const CONTEXT: JsonObject = {
  Execution: {
    Id: 'arn:aws:states:us-east-1:111111111111:execution:sm:run-1',
    Name: 'run-1',
    Input: { x: 1 },
  },
  State: { Name: 'First', RetryCount: 0 },
};

const VARIABLES = { customerName: 'Ana', order: { lines: [{ sku: 'A-1' }, { sku: 'B-2' }] } };

function evaluate(path: string, input: Json = INPUT): Lookup {
  return evaluatePath(path, { input, context: CONTEXT, variables: VARIABLES });
}

function segmentsOf(path: string): PathSegment[] {
  const segments = compilePath(path).segments;
  if (!segments) throw new Error(`${path} is not a reference path`);
  return segments;
}

describe('compilePath: roots and segments', () => {
  it.each<{ path: string; root: PathRoot; segments: PathSegment[] }>([
    { path: '$', root: { kind: 'input' }, segments: [] },
    {
      path: '$.a.b',
      root: { kind: 'input' },
      segments: [
        { kind: 'name', name: 'a' },
        { kind: 'name', name: 'b' },
      ],
    },
    {
      path: "$['a b'][2]",
      root: { kind: 'input' },
      segments: [
        { kind: 'name', name: 'a b' },
        { kind: 'index', index: 2 },
      ],
    },
    { path: '$$', root: { kind: 'context' }, segments: [] },
    {
      path: '$$.Execution.Id',
      root: { kind: 'context' },
      segments: [
        { kind: 'name', name: 'Execution' },
        { kind: 'name', name: 'Id' },
      ],
    },
    { path: '$customerName', root: { kind: 'variable', name: 'customerName' }, segments: [] },
    {
      path: '$order.lines[-1]',
      root: { kind: 'variable', name: 'order' },
      segments: [
        { kind: 'name', name: 'lines' },
        { kind: 'index', index: -1 },
      ],
    },
    { path: '$_private', root: { kind: 'variable', name: '_private' }, segments: [] },
  ])('$path reads from the $root.kind root', ({ path, root, segments }) => {
    const compiled: CompiledPath = compilePath(path);
    expect(compiled.root).toEqual(root);
    expect(compiled.segments).toEqual(segments);
  });
});

describe('compilePath: its cache', () => {
  it('compiles a path once, and holds at most 10,000 however many paths a process sees', () => {
    expect(compilePath('$.cached.once')).toBe(compilePath('$.cached.once'));
    // A local server validates every definition its API receives: their paths must not pile up.
    for (let n = 0; n < 10_050; n++) compilePath(`$.distinct${n}`);
    expect(cachedPathCount()).toBeGreaterThan(0);
    expect(cachedPathCount()).toBeLessThanOrEqual(10_000);
  });
});

describe('isReferencePath: single-node paths only (AWS guide, "Reference paths")', () => {
  it.each<{ path: string; reference: boolean }>([
    { path: '$', reference: true },
    { path: '$.foo', reference: true },
    { path: '$.car.cdr', reference: true },
    { path: "$['first name']", reference: true },
    { path: "$.abc.['def ghi']", reference: true },
    { path: '$.bar[0]', reference: true },
    { path: '$.bar[-1]', reference: true },
    { path: '$$.Execution.Input', reference: true },
    { path: '$order.lines[0].sku', reference: true },
    { path: '$.bar[*]', reference: false },
    { path: '$.car.*', reference: false },
    { path: '$..cdr', reference: false },
    { path: '$.bar[0,1]', reference: false },
    { path: '$.bar[1:2]', reference: false },
    { path: '$.bar[?(@ == "a")]', reference: false },
    { path: "$['foo','bar']", reference: false },
    { path: 'foo', reference: false },
  ])('$path → $reference', ({ path, reference }) => {
    expect(isReferencePath(path)).toBe(reference);
  });
});

describe('compilePath: text that is not a JSONPath', () => {
  it.each<{ path: string; why: string }>([
    { path: 'foo.bar', why: 'does not start with $' },
    { path: '', why: 'is empty' },
    { path: '$.', why: "ends with a dot (Jayway: \"Path must not end with a '.' or '..'\")" },
    { path: '$.a.', why: 'ends with a dot' },
    { path: '$..', why: 'ends with a deep-scan dot pair (Jayway rejects a trailing ".." too)' },
    { path: '$.a..', why: 'ends with a deep-scan dot pair' },
    {
      path: '$.first name',
      why: 'has a blank in dot notation (Jayway: "Use bracket notion [\'my prop\'] …")',
    },
    { path: '$.a[0', why: 'leaves a bracket open' },
    { path: "$['a", why: 'leaves a quote and a bracket open' },
    { path: '$.a[?(@.x > 1]', why: 'leaves a parenthesis open' },
    { path: '$1', why: 'has no dot or bracket after $ and is not a variable name' },
  ])('$path is rejected: $why', ({ path }) => {
    expect(() => compilePath(path)).toThrow(PathSyntaxError);
    expect(isValidPath(path)).toBe(false);
    expect(isReferencePath(path)).toBe(false);
  });
});

describe('evaluatePath: definite paths give the node or NOT_FOUND', () => {
  it.each<{ title: string; path: string; input?: Json; expected: Lookup }>([
    { title: '$ is the whole input', path: '$', input: { k: [1] }, expected: { k: [1] } },
    { title: '$ of a scalar input is the scalar', path: '$', input: 'text', expected: 'text' },
    { title: 'guide example: $.foo', path: '$.foo', expected: 123 },
    { title: 'guide example: $.bar', path: '$.bar', expected: ['a', 'b', 'c'] },
    { title: 'guide example: $.car.cdr', path: '$.car.cdr', expected: true },
    { title: 'bracket name with a space', path: "$['first name']", expected: 'Ana' },
    { title: 'double-quoted bracket name with a dot', path: '$["a.b"]', expected: 'dotted' },
    {
      title: "dot then bracket, as in the guide ($.abc.['def ghi'])",
      path: "$.abc.['def ghi']",
      expected: 'spaced',
    },
    { title: 'bracket directly after a name', path: "$.abc['def ghi']", expected: 'spaced' },
    { title: 'hyphen in dot notation', path: '$.my-key', expected: 'hyphen' },
    { title: 'first index', path: '$.bar[0]', expected: 'a' },
    { title: 'negative index counts from the end', path: '$.bar[-1]', expected: 'c' },
    { title: 'most negative index in range', path: '$.bar[-3]', expected: 'a' },
    { title: 'nested indexes', path: '$.matrix[1][0]', expected: 3 },
    { title: 'a null value is found, not missing', path: '$.nothing', expected: null },
    { title: 'a zero value is found', path: '$.zero', expected: 0 },
    { title: 'a false value is found', path: '$.no', expected: false },
    { title: 'index past the end', path: '$.bar[3]', expected: NOT_FOUND },
    { title: 'negative index before the start', path: '$.bar[-4]', expected: NOT_FOUND },
    { title: 'missing key', path: '$.nope', expected: NOT_FOUND },
    { title: 'key under a missing key', path: '$.nope.deeper', expected: NOT_FOUND },
    { title: 'key under a number', path: '$.foo.x', expected: NOT_FOUND },
    { title: 'key under null', path: '$.nothing.x', expected: NOT_FOUND },
    { title: 'key of an array', path: '$.bar.length', expected: NOT_FOUND },
    { title: 'index into an object', path: '$.car[0]', expected: NOT_FOUND },
    { title: 'index into an array input', path: '$[1].id', input: [{ id: 1 }, { id: 2 }], expected: 2 },
    { title: 'context object field', path: '$$.Execution.Name', expected: 'run-1' },
    { title: 'whole context object', path: '$$', expected: CONTEXT },
    { title: 'missing context field', path: '$$.Task.Token', expected: NOT_FOUND },
    { title: 'variable', path: '$customerName', expected: 'Ana' },
    { title: 'field inside a variable', path: '$order.lines[1].sku', expected: 'B-2' },
    { title: 'undeclared variable', path: '$unknown', expected: NOT_FOUND },
  ])('$title: $path', ({ path, input, expected }) => {
    expect(evaluate(path, input)).toEqual(expected);
  });

  it('reads nothing from variables when none are in scope', () => {
    expect(evaluatePath('$customerName', { input: {}, context: {} })).toBe(NOT_FOUND);
  });
});

describe('evaluatePath: indefinite paths give the array of matches (Jayway)', () => {
  // `name` comes after `store` so that key order alone would list 'shop' first.
  const STORE: JsonObject = {
    store: {
      name: 'shop',
      book: [
        { title: 'Sayings', price: 8.95, kind: 'reference' },
        { title: 'Sword', price: 12.99, kind: 'fiction', isbn: '0-553' },
        { title: 'Moby', price: 8.99, kind: 'fiction', isbn: '' },
        { title: 'Rings', price: 22.99, kind: 'fiction', isbn: false },
      ],
    },
    name: 'root',
    numbers: [10, 20, 30, 40, 50],
    pair: { a: 1, b: 2, c: 3 },
  };
  it.each<{ title: string; path: string; input?: Json; expected: Json }>([
    { title: 'wildcard over an array', path: '$.numbers[*]', expected: [10, 20, 30, 40, 50] },
    { title: 'wildcard over object values, in key order', path: '$.pair.*', expected: [1, 2, 3] },
    {
      title: 'wildcard then a name skips elements without it',
      path: '$.store.book[*].isbn',
      expected: ['0-553', '', false],
    },
    { title: 'deep scan, parent before children', path: '$..name', expected: ['root', 'shop'] },
    { title: 'slice start:end (end excluded)', path: '$.numbers[1:3]', expected: [20, 30] },
    { title: 'slice :end', path: '$.numbers[:2]', expected: [10, 20] },
    { title: 'slice -n: takes the last n', path: '$.numbers[-2:]', expected: [40, 50] },
    { title: 'slice past the end is clipped', path: '$.numbers[3:99]', expected: [40, 50] },
    { title: 'index union', path: '$.numbers[0,2,4]', expected: [10, 30, 50] },
    {
      title: 'filter on a comparison',
      path: '$.store.book[?(@.price > 10)].title',
      expected: ['Sword', 'Rings'],
    },
    {
      title: 'filter on string equality',
      path: "$.store.book[?(@.kind == 'reference')].title",
      expected: ['Sayings'],
    },
    {
      title: 'filter on existence keeps present-but-falsy values (Jayway EXISTS)',
      path: '$.store.book[?(@.isbn)].title',
      expected: ['Sword', 'Moby', 'Rings'],
    },
    { title: 'no match is an empty array, not a failure', path: '$.numbers[?(@ > 100)]', expected: [] },
    { title: 'wildcard over a missing key is empty', path: '$.missing[*]', expected: [] },
    {
      title: 'flattening an array of arrays (AWS guide: "$[*][*]")',
      path: '$[*][*]',
      input: [
        [1, 2],
        [3, 4],
      ],
      expected: [1, 2, 3, 4],
    },
    { title: 'wildcard over the context object', path: '$$.State.*', expected: ['First', 0] },
  ])('$title: $path', ({ path, input, expected }) => {
    expect(evaluate(path, input ?? STORE)).toEqual(expected);
  });

  it("merges a leaf multi-property bracket into one object, as Jayway does: $['a','c']", () => {
    // Jayway PropertyPathToken: a leaf with several properties is "multiPropertyMergeCase" and definite.
    expect(evaluate("$.pair['a','c']", STORE)).toEqual({ a: 1, c: 3 });
  });
});

describe('setAtPath: writes at a reference path without touching the target', () => {
  it.each<{ title: string; target: Json; path: string; value: Json; expected: Json }>([
    { title: 'empty path replaces the target', target: { a: 1 }, path: '$', value: 'r', expected: 'r' },
    { title: 'adds a key', target: { a: 1 }, path: '$.b', value: 2, expected: { a: 1, b: 2 } },
    { title: 'overwrites a key', target: { a: 1 }, path: '$.a', value: [9], expected: { a: [9] } },
    {
      title: 'creates missing objects along the way',
      target: { a: 1 },
      path: '$.x.y.z',
      value: true,
      expected: { a: 1, x: { y: { z: true } } },
    },
    {
      title: 'keeps siblings of an existing object',
      target: { a: { keep: 1 } },
      path: '$.a.add',
      value: 2,
      expected: { a: { keep: 1, add: 2 } },
    },
    {
      title: 'writes into an array element',
      target: { list: [{ n: 0 }, { n: 1 }] },
      path: '$.list[1].tag',
      value: 'x',
      expected: { list: [{ n: 0 }, { n: 1, tag: 'x' }] },
    },
    {
      title: 'replaces the last array element by a negative index',
      target: [1, 2, 3],
      path: '$[-1]',
      value: 30,
      expected: [1, 2, 30],
    },
  ])('$title', ({ target, path, value, expected }) => {
    const before = structuredClone(target);
    expect(setAtPath(target, segmentsOf(path), value)).toEqual(expected);
    expect(target).toEqual(before);
  });

  it.each<{ title: string; target: Json; path: string }>([
    { title: 'a name under a string', target: 'text', path: '$.a' },
    { title: 'a name under an array', target: [1], path: '$.a' },
    { title: 'a name under a number field', target: { a: 5 }, path: '$.a.b' },
    { title: 'an index under an object', target: { a: {} }, path: '$.a[0]' },
    { title: 'an index past the end', target: { a: [1] }, path: '$.a[3]' },
  ])('refuses $title', ({ target, path }) => {
    expect(() => setAtPath(target, segmentsOf(path), 1)).toThrow(PathSyntaxError);
  });
});
