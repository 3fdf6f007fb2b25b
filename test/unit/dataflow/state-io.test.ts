import { describe, expect, it } from 'vitest';
import { applyResultPath, selectPath } from '../../../shared/dataflow/state-io.ts';
import type { PathSources } from '../../../shared/jsonpath/paths.ts';
import { StatesError, StatesErrors } from '../../../shared/language/states-error.ts';
import type { Json, JsonObject } from '../../../shared/lib/json.ts';

const CONTEXT: JsonObject = { Execution: { Name: 'run-3', Input: { orderId: 'o-1' } } };
const VARIABLES = { cart: { lines: [{ sku: 'A-1' }] } };

/** The input of the AWS guide's InputPath example (input-output-inputpath-params). */
const DATASETS: JsonObject = {
  comment: 'Example for InputPath.',
  dataset1: { val1: 1, val2: 2, val3: 3 },
  dataset2: { val1: 'a', val2: 'b', val3: 'c' },
};

/** The state input of the AWS guide's ResultPath examples (input-output-resultpath). */
const GUIDE_INPUT: JsonObject = {
  comment: 'This is a test',
  details: 'Default example',
  who: 'Step Functions',
};
const GUIDE_RESULT = 'Hello, Step Functions!';

function select(path: string | null | undefined, input: Json): Json {
  const sources: PathSources = { input, context: CONTEXT, variables: VARIABLES };
  return selectPath(path, sources);
}

function failureOf(run: () => unknown): StatesError {
  try {
    run();
  } catch (error) {
    if (error instanceof StatesError) return error;
    throw error;
  }
  throw new Error('did not fail');
}

describe('selectPath (InputPath / OutputPath)', () => {
  it.each<{ title: string; path: string | null | undefined; input: Json; expected: Json }>([
    { title: 'absent passes the whole input', path: undefined, input: DATASETS, expected: DATASETS },
    { title: '$ passes the whole input', path: '$', input: DATASETS, expected: DATASETS },
    { title: 'null gives an empty object', path: null, input: DATASETS, expected: {} },
    { title: 'null gives {} even for a scalar input', path: null, input: 42, expected: {} },
    {
      title: 'AWS guide InputPath example: $.dataset2',
      path: '$.dataset2',
      input: DATASETS,
      expected: { val1: 'a', val2: 'b', val3: 'c' },
    },
    { title: 'a scalar can be selected', path: '$.dataset1.val3', input: DATASETS, expected: 3 },
    { title: 'a null field is selected as null', path: '$.n', input: { n: null }, expected: null },
    { title: 'an array element', path: '$.list[-1]', input: { list: [1, 2, 3] }, expected: 3 },
    {
      title: 'an indefinite path gathers its matches into an array',
      path: '$.list[0,2]',
      input: { list: ['x', 'y', 'z'] },
      expected: ['x', 'z'],
    },
    {
      title: 'an indefinite path with no match gives []',
      path: '$.list[*].id',
      input: { list: [1, 2] },
      expected: [],
    },
    { title: 'the context object', path: '$$.Execution.Input', input: {}, expected: { orderId: 'o-1' } },
    { title: 'a variable', path: '$cart.lines[0].sku', input: {}, expected: 'A-1' },
  ])('$title', ({ path, input, expected }) => {
    expect(select(path, input)).toEqual(expected);
  });

  // Jayway's texts, as AWS prints them in execution histories.
  it.each<{ title: string; path: string; input: Json; cause: string }>([
    {
      title: 'missing top-level key',
      path: '$.x',
      input: { y: 1 },
      cause: "Invalid path '$.x' : No results for path: $['x']",
    },
    {
      title: 'AWS-recorded OutputPath: the first missing key of a longer path',
      path: '$.no.such.result.path',
      input: {},
      cause: "Invalid path '$.no.such.result.path' : Missing property in path $['no']",
    },
    {
      title: 'AWS-observed OutputPath on a Lambda result without Payload',
      path: '$.Payload',
      input: { StatusCode: 200 },
      cause: "Invalid path '$.Payload' : No results for path: $['Payload']",
    },
    {
      title: 'missing leaf under a present key',
      path: '$.a.b',
      input: { a: {} },
      cause: "Invalid path '$.a.b' : No results for path: $['a']['b']",
    },
    {
      title: 'missing key in the middle',
      path: '$.a.b.c',
      input: { a: { x: 1 } },
      cause: "Invalid path '$.a.b.c' : Missing property in path $['a']['b']",
    },
    {
      title: 'index past the end as the leaf',
      path: '$.list[5]',
      input: { list: [1] },
      cause: "Invalid path '$.list[5]' : No results for path: $['list'][5]",
    },
    {
      // Jayway swallows an out-of-range index and reports the whole path (PathToken.handleArrayIndex).
      title: 'index past the end before more segments',
      path: '$.list[5].id',
      input: { list: [{ id: 1 }] },
      cause: "Invalid path '$.list[5].id' : No results for path: $['list'][5]['id']",
    },
  ])('fails with States.Runtime: $title', ({ path, input, cause }) => {
    const failure = failureOf(() => select(path, input));
    expect(failure.error).toBe(StatesErrors.Runtime);
    expect(failure.errorCause).toBe(cause);
  });

  it('describes a missing leaf inside a variable from the variable, not from the input', () => {
    // `cart.lines` exists, so only the leaf is missing (the exact AWS text for variables is unverified).
    const failure = failureOf(() => select('$cart.lines[0].qty', { unrelated: true }));
    expect(failure.error).toBe(StatesErrors.Runtime);
    expect(failure.errorCause).toContain("Invalid path '$cart.lines[0].qty' : No results for path:");
  });
});

describe('applyResultPath', () => {
  it.each<{ title: string; path: string | null | undefined; raw: Json; result: Json; expected: Json }>([
    {
      title: 'absent: the result replaces the input',
      path: undefined,
      raw: GUIDE_INPUT,
      result: GUIDE_RESULT,
      expected: GUIDE_RESULT,
    },
    {
      title: 'AWS guide: "$" replaces the input',
      path: '$',
      raw: GUIDE_INPUT,
      result: GUIDE_RESULT,
      expected: GUIDE_RESULT,
    },
    {
      title: 'AWS guide: null discards the result and keeps the raw input',
      path: null,
      raw: GUIDE_INPUT,
      result: GUIDE_RESULT,
      expected: GUIDE_INPUT,
    },
    {
      title: 'AWS guide: $.taskresult adds the result to the input',
      path: '$.taskresult',
      raw: GUIDE_INPUT,
      result: GUIDE_RESULT,
      expected: { ...GUIDE_INPUT, taskresult: GUIDE_RESULT },
    },
    {
      title: 'AWS guide: missing intermediate objects are created ($.strings.lambdaresult)',
      path: '$.strings.lambdaresult',
      raw: GUIDE_INPUT,
      result: GUIDE_RESULT,
      expected: { ...GUIDE_INPUT, strings: { lambdaresult: GUIDE_RESULT } },
    },
    {
      title: 'an existing field is overwritten',
      path: '$.who',
      raw: GUIDE_INPUT,
      result: { name: 'Ana' },
      expected: { ...GUIDE_INPUT, who: { name: 'Ana' } },
    },
    {
      title: 'siblings of an existing object are kept',
      path: '$.meta.result',
      raw: { meta: { requestId: 'r-1' } },
      result: [1, 2],
      expected: { meta: { requestId: 'r-1', result: [1, 2] } },
    },
    {
      title: 'a Catcher places the error output',
      path: '$.error',
      raw: { orderId: 'o-1' },
      result: { Error: 'States.TaskFailed', Cause: 'boom' },
      expected: { orderId: 'o-1', error: { Error: 'States.TaskFailed', Cause: 'boom' } },
    },
    {
      title: 'bracket notation for a name with a space',
      path: "$['task result']",
      raw: { a: 1 },
      result: true,
      expected: { a: 1, 'task result': true },
    },
    {
      title: 'an array element of an array input is merged into (floci #3479, third party)',
      path: '$[1].payload',
      raw: [{ id: 0 }, { id: 1 }],
      result: 'p',
      expected: [{ id: 0 }, { id: 1, payload: 'p' }],
    },
    {
      title: 'an array element under a key is replaced',
      path: '$.items[0]',
      raw: { items: ['old', 'keep'] },
      result: 'new',
      expected: { items: ['new', 'keep'] },
    },
    {
      title: 'a null result is stored as null',
      path: '$.r',
      raw: {},
      result: null,
      expected: { r: null },
    },
    {
      title: '"$" with a scalar raw input still gives the result',
      path: '$',
      raw: 'text',
      result: { ok: true },
      expected: { ok: true },
    },
  ])('$title', ({ path, raw, result, expected }) => {
    expect(applyResultPath(path, raw, result)).toEqual(expected);
  });

  it('does not modify the raw input it merges into', () => {
    const raw: JsonObject = { a: { b: 1 } };
    applyResultPath('$.a.c', raw, 2);
    expect(raw).toEqual({ a: { b: 1 } });
  });

  // The error name is the documented one; its cause text is not recorded anywhere we could find.
  it.each<{ title: string; path: string; raw: Json }>([
    { title: 'a string raw input', path: '$.result', raw: 'just text' },
    { title: 'a number raw input', path: '$.result', raw: 7 },
    { title: 'a null raw input', path: '$.result', raw: null },
    { title: 'an array raw input with a field name', path: '$.result', raw: [1, 2] },
    { title: 'a scalar on the way', path: '$.a.b', raw: { a: 5 } },
    { title: 'a string on the way', path: '$.a.b', raw: { a: 'x' } },
  ])('fails with States.ResultPathMatchFailure for $title', ({ path, raw }) => {
    const failure = failureOf(() => applyResultPath(path, raw, { r: 1 }));
    expect(failure.error).toBe(StatesErrors.ResultPathMatchFailure);
    expect(failure.errorCause).toContain(path);
  });
});
