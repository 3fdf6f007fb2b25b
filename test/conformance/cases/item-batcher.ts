import type { ConformanceCase } from '../conformance-case.ts';

/**
 * Map ItemBatcher cases. Source: AWS developer guide, input-output-itembatcher (each child gets
 * `{"Items": [...], "BatchInput": ...}`; MaxItemsPerBatch and MaxInputBytesPerBatch both bound a batch) and
 * input-output-itemselector (ItemSelector applies to each item, before batching). The byte limit counts the
 * child's whole input as JSON text (Items and BatchInput): the input is what the 256 KiB quota bounds.
 */

const pass = (extra: object = {}) => ({ Type: 'Pass', End: true, ...extra });

/** A Distributed Map named `Map` whose children run `states` (a Pass by default). */
const distributed = (state: object, states: Record<string, object> = { Child: pass() }) => ({
  StartAt: 'Map',
  States: {
    Map: {
      Type: 'Map',
      End: true,
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
        StartAt: Object.keys(states)[0],
        States: states,
      },
      ...state,
    },
  },
});

const DISTRIBUTED_EVENTS = [
  'ExecutionStarted',
  'MapStateEntered',
  'MapStateStarted',
  'MapRunStarted',
  'MapRunSucceeded',
  'MapStateSucceeded',
  'MapStateExited',
  'ExecutionSucceeded',
];

const BATCH_LIMIT_FAILURE_EVENTS = ['ExecutionStarted', 'MapStateEntered', 'ExecutionFailed'];

export const itemBatcherCases: ConformanceCase[] = [
  {
    name: 'MaxItemsPerBatch groups consecutive items into Items arrays, the last batch holding the rest; MapStateStarted counts the items',
    definition: distributed({ ItemBatcher: { MaxItemsPerBatch: 2 } }),
    input: [1, 2, 3, 4, 5],
    expected: { status: 'SUCCEEDED', output: [{ Items: [1, 2] }, { Items: [3, 4] }, { Items: [5] }] },
    events: DISTRIBUTED_EVENTS,
    eventDetails: { 3: { mapStateStartedEventDetails: { length: 5 } } },
  },
  {
    name: 'ItemSelector shapes each item (with its own $$.Map.Item) before batching, and BatchInput rides with every batch',
    definition: distributed({
      ItemsPath: '$.orders',
      ItemSelector: { 'index.$': '$$.Map.Item.Index', 'id.$': '$$.Map.Item.Value.id' },
      ItemBatcher: { MaxItemsPerBatch: 2, BatchInput: { 'customer.$': '$.customer', fixed: 'yes' } },
    }),
    input: { customer: 'c-9', orders: [{ id: 'a' }, { id: 'b' }, { id: 'c' }] },
    expected: {
      status: 'SUCCEEDED',
      output: [
        {
          Items: [
            { index: 0, id: 'a' },
            { index: 1, id: 'b' },
          ],
          BatchInput: { customer: 'c-9', fixed: 'yes' },
        },
        { Items: [{ index: 2, id: 'c' }], BatchInput: { customer: 'c-9', fixed: 'yes' } },
      ],
    },
    events: DISTRIBUTED_EVENTS,
  },
  {
    name: "a child reads its batch: $.Items and $.BatchInput are the child execution's input",
    definition: distributed(
      { ItemBatcher: { MaxItemsPerBatch: 3, BatchInput: { tag: 't' } } },
      {
        Count: pass({
          Parameters: { 'count.$': 'States.ArrayLength($.Items)', 'tag.$': '$.BatchInput.tag' },
        }),
      },
    ),
    input: ['a', 'b', 'c', 'd'],
    expected: {
      status: 'SUCCEEDED',
      output: [
        { count: 3, tag: 't' },
        { count: 1, tag: 't' },
      ],
    },
  },
  {
    // {"Items":[]} is 12 bytes and each 4-letter string 6: two items make 25 bytes, a third would make 32.
    name: 'MaxInputBytesPerBatch closes a batch before the item that would take its input over the limit',
    definition: distributed({ ItemBatcher: { MaxInputBytesPerBatch: 26 } }),
    input: ['aaaa', 'bbbb', 'cccc'],
    expected: { status: 'SUCCEEDED', output: [{ Items: ['aaaa', 'bbbb'] }, { Items: ['cccc'] }] },
  },
  {
    name: 'with both limits, the one reached first closes the batch',
    definition: distributed({ ItemBatcher: { MaxItemsPerBatch: 2, MaxInputBytesPerBatch: 1000 } }),
    input: ['a', 'b', 'c'],
    expected: { status: 'SUCCEEDED', output: [{ Items: ['a', 'b'] }, { Items: ['c'] }] },
  },
  {
    name: 'without a limit reached, every item goes into one batch',
    definition: distributed({ ItemBatcher: { MaxInputBytesPerBatch: 262144 } }),
    input: [1, 2, 3],
    expected: { status: 'SUCCEEDED', output: [{ Items: [1, 2, 3] }] },
  },
  {
    name: 'MaxItemsPerBatchPath and MaxInputBytesPerBatchPath read the limits from the input',
    definition: distributed({
      ItemsPath: '$.items',
      ItemBatcher: { MaxItemsPerBatchPath: '$.perBatch', MaxInputBytesPerBatchPath: '$.bytes' },
    }),
    input: { items: [1, 2, 3], perBatch: 2, bytes: 1000 },
    expected: { status: 'SUCCEEDED', output: [{ Items: [1, 2] }, { Items: [3] }] },
  },
  {
    name: 'a MaxItemsPerBatchPath that is not an integer fails the state with States.Runtime before MapStateStarted',
    definition: distributed({ ItemsPath: '$.items', ItemBatcher: { MaxItemsPerBatchPath: '$.perBatch' } }),
    input: { items: [1, 2], perBatch: 'many' },
    expected: {
      status: 'FAILED',
      error: 'States.Runtime',
      cause:
        'An error occurred while executing the state \'Map\' (entered at the event id #2). The MaxItemsPerBatchPath field refers to value "many" which is not a valid integer: $.perBatch',
    },
    events: BATCH_LIMIT_FAILURE_EVENTS,
  },
  {
    name: 'an item too large for MaxInputBytesPerBatch on its own fails the state with States.Runtime naming it',
    definition: distributed({ ItemBatcher: { MaxInputBytesPerBatch: 20 } }),
    input: ['ok', 'this item is far too long'],
    expected: { status: 'FAILED', error: 'States.Runtime', cause: /item at index 1 is 27 bytes/ },
    events: BATCH_LIMIT_FAILURE_EVENTS,
  },
  {
    // Two items fail in one batch: counted per item that would exceed a tolerance of 1.
    name: 'a failed batch counts once toward ToleratedFailureCount: one child execution per batch',
    definition: distributed(
      {
        ItemBatcher: { MaxItemsPerBatch: 2 },
        ToleratedFailureCount: 1,
        ResultSelector: { 'first.$': '$[0]', 'failed.$': '$[1].Status' },
      },
      {
        Check: {
          Type: 'Choice',
          Choices: [{ Variable: '$.Items[0]', NumericEquals: 3, Next: 'Boom' }],
          Default: 'Ok',
        },
        Boom: { Type: 'Fail', Error: 'Boom', Cause: 'bad batch' },
        Ok: pass(),
      },
    ),
    input: [1, 2, 3, 4],
    expected: { status: 'SUCCEEDED', output: { first: { Items: [1, 2] }, failed: 'FAILED' } },
  },
  {
    name: 'a JSONata Map batches its Items: limits and BatchInput are expressions over $states.input',
    definition: {
      QueryLanguage: 'JSONata',
      ...distributed({
        Items: '{% $states.input.values %}',
        ItemSelector: { v: '{% $states.context.Map.Item.Value * 10 %}' },
        ItemBatcher: {
          MaxItemsPerBatch: '{% $states.input.n %}',
          BatchInput: { run: '{% $states.input.run %}' },
        },
      }),
    },
    input: { values: [1, 2, 3], n: 2, run: 'r1' },
    expected: {
      status: 'SUCCEEDED',
      output: [
        { Items: [{ v: 10 }, { v: 20 }], BatchInput: { run: 'r1' } },
        { Items: [{ v: 30 }], BatchInput: { run: 'r1' } },
      ],
    },
    events: DISTRIBUTED_EVENTS,
  },
];
