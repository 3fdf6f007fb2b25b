import { describe, expect, it } from 'vitest';
import { applyPayloadTemplate } from '../../../shared/dataflow/payload-template.ts';
import type { IntrinsicEnv } from '../../../shared/intrinsics/index.ts';
import type { PathSources } from '../../../shared/jsonpath/paths.ts';
import { StatesError, StatesErrors } from '../../../shared/language/states-error.ts';
import type { Json, JsonObject } from '../../../shared/lib/json.ts';

const env: IntrinsicEnv = { random: () => 0.25, uuid: () => '0b6f3c52-7d1e-4a8b-9c3f-5e2d1a0b9c87' };

const CONTEXT: JsonObject = {
  Execution: { Id: 'arn:aws:states:us-east-1:111111111111:execution:orders:run-7', Name: 'run-7' },
  State: { Name: 'Prepare', EnteredTime: '2024-05-01T10:00:00.000Z', RetryCount: 0 },
  Map: { Item: { Index: 2, Value: { sku: 'C-3' } } },
};

const VARIABLES = { customerName: 'Ana', limits: { max: 5 } };

/** The input of the AWS guide's Parameters example (input-output-inputpath-params). */
const PRODUCT_INPUT: JsonObject = {
  comment: 'Example for Parameters.',
  product: {
    details: { color: 'blue', size: 'small', material: 'cotton' },
    availability: 'in stock',
    sku: '2317',
    cost: '$23',
  },
};

function apply(template: Json, input: Json): Json {
  const sources: PathSources = { input, context: CONTEXT, variables: VARIABLES };
  return applyPayloadTemplate(template, sources, env);
}

function failureOf(template: Json, input: Json): StatesError {
  try {
    apply(template, input);
  } catch (error) {
    if (error instanceof StatesError) return error;
    throw error;
  }
  throw new Error('the template did not fail');
}

describe('applyPayloadTemplate: values', () => {
  it.each<{ title: string; template: Json; input?: Json; expected: Json }>([
    {
      title: 'AWS guide Parameters example: paths picked, static value kept, suffix dropped',
      template: {
        comment: 'Selecting what I care about.',
        MyDetails: {
          'size.$': '$.product.details.size',
          'exists.$': '$.product.availability',
          StaticValue: 'foo',
        },
      },
      expected: {
        comment: 'Selecting what I care about.',
        MyDetails: { size: 'small', exists: 'in stock', StaticValue: 'foo' },
      },
    },
    {
      title: 'a path-looking string without the .$ suffix stays a string',
      template: { literal: '$.product.sku', number: 1.5, flag: false, nothing: null },
      expected: { literal: '$.product.sku', number: 1.5, flag: false, nothing: null },
    },
    {
      title: 'objects inside arrays are templates too; other items stay literal',
      template: { list: [{ 'sku.$': '$.product.sku' }, '$.product.sku', 3, [{ 'c.$': '$.product.cost' }]] },
      expected: { list: [{ sku: '2317' }, '$.product.sku', 3, [{ c: '$23' }]] },
    },
    {
      title: '$ copies the whole input',
      template: { 'all.$': '$' },
      input: { a: [1, { b: 2 }] },
      expected: { all: { a: [1, { b: 2 }] } },
    },
    {
      title: 'a field holding null is copied as null',
      template: { 'v.$': '$.v' },
      input: { v: null },
      expected: { v: null },
    },
    {
      title: 'a path may select an object',
      template: { 'details.$': '$.product.details' },
      expected: { details: { color: 'blue', size: 'small', material: 'cotton' } },
    },
    {
      title: 'bracket notation for a name with a space',
      template: { 'n.$': "$['first name']" },
      input: { 'first name': 'Ana' },
      expected: { n: 'Ana' },
    },
    {
      title: '$$ reads the context object',
      template: { 'execution.$': '$$.Execution.Id', 'state.$': '$$.State.Name' },
      expected: {
        execution: 'arn:aws:states:us-east-1:111111111111:execution:orders:run-7',
        state: 'Prepare',
      },
    },
    {
      title: '$$.Map.Item.Value in an ItemSelector',
      template: { 'index.$': '$$.Map.Item.Index', 'item.$': '$$.Map.Item.Value' },
      expected: { index: 2, item: { sku: 'C-3' } },
    },
    {
      title: 'a variable and a field inside one',
      template: { 'who.$': '$customerName', 'max.$': '$limits.max' },
      expected: { who: 'Ana', max: 5 },
    },
    {
      title: 'an intrinsic call mixing input and context',
      template: { 'greeting.$': "States.Format('{} ordered {}', $$.Execution.Name, $.product.sku)" },
      expected: { greeting: 'run-7 ordered 2317' },
    },
    {
      title: 'nested intrinsic calls',
      template: { 'n.$': 'States.ArrayLength(States.Array($.a, $.b, 3))' },
      input: { a: 1, b: 2 },
      expected: { n: 3 },
    },
    {
      title: 'an indefinite path gives the array of matches',
      template: { 'skus.$': '$.lines[*].sku' },
      input: { lines: [{ sku: 'A' }, { qty: 1 }, { sku: 'B' }] },
      expected: { skus: ['A', 'B'] },
    },
    {
      title: 'an indefinite path that matches nothing gives [] rather than failing',
      template: { 'skus.$': '$.lines[?(@.qty > 5)].sku' },
      input: { lines: [{ sku: 'A', qty: 1 }] },
      expected: { skus: [] },
    },
    {
      title: 'AWS guide ResultSelector flattening: "$[*][*]"',
      template: { 'flattenArray.$': '$[*][*]' },
      input: [
        [1, 2],
        [3, 4],
      ],
      expected: { flattenArray: [1, 2, 3, 4] },
    },
    {
      title: 'a template that is not an object is returned as it is',
      template: 'plain',
      expected: 'plain',
    },
  ])('$title', ({ template, input, expected }) => {
    expect(apply(template, input ?? PRODUCT_INPUT)).toEqual(expected);
  });

  it('evaluates the same template object afresh for each input', () => {
    const template: JsonObject = { 'id.$': '$.id' };
    expect(apply(template, { id: 1 })).toEqual({ id: 1 });
    expect(apply(template, { id: 2 })).toEqual({ id: 2 });
  });

  it('leaves the template and the input unchanged', () => {
    const template: JsonObject = { 'd.$': '$.product.details', keep: { x: 1 } };
    const templateBefore = structuredClone(template);
    const inputBefore = structuredClone(PRODUCT_INPUT);
    apply(template, PRODUCT_INPUT);
    expect(template).toEqual(templateBefore);
    expect(PRODUCT_INPUT).toEqual(inputBefore);
  });
});

describe('applyPayloadTemplate: a .$ path that selects nothing fails with States.Runtime', () => {
  // Cause text: AWS (a third-party get-execution-history dump of a Glue task).
  it.each<{ title: string; template: Json; input: Json; cause: string }>([
    {
      title: 'AWS-recorded shape: missing top-level key on an empty input',
      template: { 'JobName.$': '$.JobName' },
      input: {},
      cause:
        "The JSONPath '$.JobName' specified for the field 'JobName.$' could not be found in the input '{}'",
    },
    {
      title: 'the input is printed as compact JSON',
      template: { 'x.$': '$.x' },
      input: { a: 1, b: [true, null], c: { d: 'e f' } },
      cause:
        'The JSONPath \'$.x\' specified for the field \'x.$\' could not be found in the input \'{"a":1,"b":[true,null],"c":{"d":"e f"}}\'',
    },
    {
      title: 'a missing leaf under an existing object',
      template: { 'size.$': '$.product.details.weight' },
      input: { product: { details: {} } },
      cause:
        "The JSONPath '$.product.details.weight' specified for the field 'size.$' could not be found in the input '{\"product\":{\"details\":{}}}'",
    },
    {
      // Innermost key, as LocalStack reports it (unverified for AWS).
      title: 'a nested field is named by its own key',
      template: { outer: { 'inner.$': '$.gone' } },
      input: { here: 1 },
      cause:
        "The JSONPath '$.gone' specified for the field 'inner.$' could not be found in the input '{\"here\":1}'",
    },
    {
      title: 'an index past the end of an array',
      template: { 'first.$': '$.items[2]' },
      input: { items: [1] },
      cause:
        "The JSONPath '$.items[2]' specified for the field 'first.$' could not be found in the input '{\"items\":[1]}'",
    },
  ])('$title', ({ template, input, cause }) => {
    const failure = failureOf(template, input);
    expect(failure.error).toBe(StatesErrors.Runtime);
    expect(failure.errorCause).toBe(cause);
  });

  it('names the field and path for a missing context field', () => {
    const failure = failureOf({ 'token.$': '$$.Task.Token' }, {});
    expect(failure.error).toBe(StatesErrors.Runtime);
    expect(failure.errorCause).toContain(
      "The JSONPath '$$.Task.Token' specified for the field 'token.$' could not be found in the input",
    );
  });

  it('fails with States.Runtime when an intrinsic call fails, naming the call', () => {
    const failure = failureOf({ 'sum.$': 'States.MathAdd($.a, 1)' }, { a: 'not a number' });
    expect(failure.error).toBe(StatesErrors.Runtime);
    expect(failure.errorCause).toBe(
      "The function 'States.MathAdd($.a, 1)' had the following error: Invalid arguments in States.MathAdd",
    );
  });
});
