import { expect } from 'vitest';
import type { ConformanceCase } from '../conformance-case.ts';

/**
 * Task states calling Lambda, both ways AWS offers: the legacy function ARN (LambdaFunction* events, the raw
 * payload as result) and the optimized `arn:aws:states:::lambda:invoke` (Task* events, AWS's response envelope).
 * Sources: LocalStack's AWS-recorded snapshots `v2/services/test_lambda_task*.snapshot.json`,
 * `v2/error_handling/test_task_lambda.snapshot.json`, `test_task_service_lambda.snapshot.json`,
 * `v2/timeouts/test_timeouts.snapshot.json` (research note §10, §13); the Node.js runtime's error payload (§10d).
 */

const fn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const INVOKE = 'arn:aws:states:::lambda:invoke';

const task = (state: object, extra: object = {}) => ({
  StartAt: 'T',
  States: { T: { Type: 'Task', End: true, ...state }, ...extra },
});

/** A lambda:invoke task state calling `name` with the whole input as payload. */
const invoke = (name: string, state: object = {}) => ({
  Type: 'Task',
  Resource: INVOKE,
  Parameters: { FunctionName: name, 'Payload.$': '$' },
  ...state,
});

const echo = (event: unknown) => event;
const never = () => new Promise(() => {});

class MyError extends Error {
  override name = 'MyError';
}
class UnnamedError extends Error {}

const LEGACY_OK = [
  'ExecutionStarted',
  'TaskStateEntered',
  'LambdaFunctionScheduled',
  'LambdaFunctionStarted',
  'LambdaFunctionSucceeded',
  'TaskStateExited',
  'ExecutionSucceeded',
];
const LEGACY_FAILED = [
  'ExecutionStarted',
  'TaskStateEntered',
  'LambdaFunctionScheduled',
  'LambdaFunctionStarted',
  'LambdaFunctionFailed',
  'ExecutionFailed',
];
const INVOKE_OK = [
  'ExecutionStarted',
  'TaskStateEntered',
  'TaskScheduled',
  'TaskStarted',
  'TaskSucceeded',
  'TaskStateExited',
  'ExecutionSucceeded',
];
const INVOKE_FAILED = [
  'ExecutionStarted',
  'TaskStateEntered',
  'TaskScheduled',
  'TaskStarted',
  'TaskFailed',
  'ExecutionFailed',
];
const INVOKE_TIMED_OUT = [
  'ExecutionStarted',
  'TaskStateEntered',
  'TaskScheduled',
  'TaskStarted',
  'TaskTimedOut',
  'ExecutionFailed',
];
const CHAIN_LINKS: Array<[number, number]> = [
  [1, 0],
  [2, 0],
  [3, 2],
  [4, 3],
  [5, 4],
  [6, 5],
  [7, 6],
];

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** AWS's lambda:invoke envelope as text, members in recorded order (research note §10a), for a payload. */
function envelopeText(payload: string): RegExp {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const length = String(Buffer.byteLength(payload));
  return new RegExp(
    `^${esc('{"ExecutedVersion":"$LATEST","Payload":')}${esc(payload)}` +
      esc(',"SdkHttpMetadata":{"AllHttpHeaders":{"X-Amz-Executed-Version":["$LATEST"],') +
      esc('"x-amzn-Remapped-Content-Length":["0"],"Connection":["keep-alive"],"x-amzn-RequestId":["') +
      UUID +
      esc(`"],"Content-Length":["${length}"],"Date":["`) +
      '[^"]+' +
      esc('"],"X-Amzn-Trace-Id":["') +
      '[^"]+' +
      esc(
        `"],"Content-Type":["application/json"]},"HttpHeaders":{"Connection":"keep-alive","Content-Length":"${length}",`,
      ) +
      esc('"Content-Type":"application/json","Date":"') +
      '[^"]+' +
      esc('","X-Amz-Executed-Version":"$LATEST","x-amzn-Remapped-Content-Length":"0","x-amzn-RequestId":"') +
      UUID +
      esc('","X-Amzn-Trace-Id":"') +
      '[^"]+' +
      esc('"},"HttpStatusCode":200},"SdkResponseMetadata":{"RequestId":"') +
      UUID +
      esc('"},"StatusCode":200}') +
      '$',
  );
}

/** The Node.js runtime's error payload for `throw new <name>(message)` (research note §10d). */
export const nodeErrorCause = (name: string, message: string) =>
  new RegExp(
    `^\\{"errorType":"${name}","errorMessage":"${message}","trace":\\["${name}: ${message}","\\s+at `,
  );

/**
 * The event details hold exactly these members: AWS leaves out an absent timeout or cause, which a partial
 * match (eventDetails' default) cannot check.
 */
export function exactly(members: object) {
  return expect.toSatisfy(
    (value: unknown) => {
      try {
        expect(value).toStrictEqual(members);
        return true;
      } catch {
        return false;
      }
    },
    `exactly ${JSON.stringify(members)}`,
  );
}

export const taskLambdaCases: ConformanceCase[] = [
  // ---- legacy function ARN ----
  {
    name: 'a legacy Lambda ARN task returns the raw function result as its output',
    definition: task({ Resource: fn('double') }),
    input: { n: 21 },
    functions: { double: (event) => ({ n: (event as { n: number }).n * 2 }) },
    expected: { status: 'SUCCEEDED', output: { n: 42 } },
    events: LEGACY_OK,
    links: CHAIN_LINKS,
  },
  {
    name: 'LambdaFunctionScheduled carries the function ARN and the effective input as JSON text',
    definition: task({ Resource: fn('echo') }),
    input: { a: 1, b: [true, null] },
    functions: { echo },
    expected: { status: 'SUCCEEDED', output: { a: 1, b: [true, null] } },
    eventDetails: {
      3: {
        type: 'LambdaFunctionScheduled',
        lambdaFunctionScheduledEventDetails: exactly({
          resource: fn('echo'),
          input: '{"a":1,"b":[true,null]}',
          inputDetails: { truncated: false },
        }),
      },
      5: {
        type: 'LambdaFunctionSucceeded',
        lambdaFunctionSucceededEventDetails: {
          output: '{"a":1,"b":[true,null]}',
          outputDetails: { truncated: false },
        },
      },
    },
  },
  {
    name: 'a legacy Lambda task gets the input after InputPath and Parameters',
    definition: task({
      Resource: fn('echo'),
      InputPath: '$.inner',
      Parameters: { 'x.$': '$.x', 'name.$': '$$.Execution.Name', k: 'v' },
    }),
    input: { inner: { x: 5 }, other: 1 },
    functions: { echo },
    expected: { status: 'SUCCEEDED', output: { x: 5, name: 'case', k: 'v' } },
    eventDetails: { 3: { lambdaFunctionScheduledEventDetails: { input: '{"x":5,"name":"case","k":"v"}' } } },
  },
  {
    name: 'a legacy Lambda function returning null gives the output null',
    definition: task({ Resource: fn('nothing') }),
    input: { a: 1 },
    functions: { nothing: () => null },
    expected: { status: 'SUCCEEDED', output: null },
    eventDetails: { 5: { lambdaFunctionSucceededEventDetails: { output: 'null' } } },
  },
  {
    name: 'a legacy Lambda function returning a string gives that string as the output',
    definition: task({ Resource: fn('hello') }),
    functions: { hello: () => 'HelloWorld' },
    expected: { status: 'SUCCEEDED', output: 'HelloWorld' },
    eventDetails: { 5: { lambdaFunctionSucceededEventDetails: { output: '"HelloWorld"' } } },
  },
  {
    name: 'an async handler that resolves succeeds with the resolved value',
    definition: task({ Resource: fn('later') }),
    input: { v: 'x' },
    functions: {
      later: async (event) => {
        await Promise.resolve();
        return { got: event };
      },
    },
    expected: { status: 'SUCCEEDED', output: { got: { v: 'x' } } },
    events: LEGACY_OK,
  },
  {
    name: 'a handler that awaits a short real timer finishes well within TimeoutSeconds and succeeds',
    definition: task({ Resource: fn('slow'), TimeoutSeconds: 30 }),
    functions: {
      slow: async () => {
        // A real timer is the point: the handler yields to the event loop for a while, as real work does.
        await new Promise((resolve) => setTimeout(resolve, 20));
        return 'done';
      },
    },
    expected: { status: 'SUCCEEDED', output: 'done' },
    events: LEGACY_OK,
  },
  {
    name: 'ResultPath places a legacy Lambda result inside the state input',
    definition: task({ Resource: fn('double'), ResultPath: '$.result' }),
    input: { n: 4 },
    functions: { double: (event) => (event as { n: number }).n * 2 },
    expected: { status: 'SUCCEEDED', output: { n: 4, result: 8 } },
  },
  {
    name: 'ResultSelector reshapes a legacy Lambda result before ResultPath',
    definition: task({
      Resource: fn('pair'),
      ResultSelector: { 'first.$': '$.items[0]', fixed: 1 },
      ResultPath: '$.sel',
    }),
    input: { keep: true },
    functions: { pair: () => ({ items: ['a', 'b'] }) },
    expected: { status: 'SUCCEEDED', output: { keep: true, sel: { first: 'a', fixed: 1 } } },
  },
  {
    name: 'the handler context names the invoked function',
    definition: task({ Resource: fn('whoami') }),
    functions: { whoami: (_event, context) => context.functionName },
    expected: { status: 'SUCCEEDED', output: 'whoami' },
  },
  {
    name: 'a legacy Lambda handler that throws an Error fails with LambdaFunctionFailed and error "Error"',
    definition: task({ Resource: fn('boom') }),
    functions: {
      boom: () => {
        throw new Error('boom');
      },
    },
    expected: { status: 'FAILED', error: 'Error', cause: nodeErrorCause('Error', 'boom') },
    events: LEGACY_FAILED,
    links: [
      [1, 0],
      [2, 0],
      [3, 2],
      [4, 3],
      [5, 4],
      [6, 5],
    ],
    eventDetails: {
      5: {
        lambdaFunctionFailedEventDetails: {
          error: 'Error',
          cause: expect.stringMatching(nodeErrorCause('Error', 'boom')),
        },
      },
      6: { executionFailedEventDetails: { error: 'Error' } },
    },
  },
  {
    name: 'a legacy Lambda error subclass with its own name fails with that name as the error',
    definition: task({ Resource: fn('custom') }),
    functions: {
      custom: () => {
        throw new MyError('bad input');
      },
    },
    expected: { status: 'FAILED', error: 'MyError', cause: nodeErrorCause('MyError', 'bad input') },
    events: LEGACY_FAILED,
  },
  {
    name: 'an Error subclass that does not set name reports the error "Error"',
    definition: task({ Resource: fn('unnamed') }),
    functions: {
      unnamed: () => {
        throw new UnnamedError('quiet');
      },
    },
    expected: { status: 'FAILED', error: 'Error', cause: nodeErrorCause('Error', 'quiet') },
  },
  {
    name: 'a handler that throws a string fails with the error "string" and an empty trace',
    definition: task({ Resource: fn('str') }),
    functions: {
      str: () => {
        throw 'boom';
      },
    },
    expected: {
      status: 'FAILED',
      error: 'string',
      cause: '{"errorType":"string","errorMessage":"boom","trace":[]}',
    },
    events: LEGACY_FAILED,
  },
  {
    name: 'an async handler that rejects fails the task like a thrown error',
    definition: task({ Resource: fn('reject') }),
    functions: {
      reject: async () => {
        await Promise.resolve();
        throw new MyError('async');
      },
    },
    expected: { status: 'FAILED', error: 'MyError', cause: nodeErrorCause('MyError', 'async') },
    events: LEGACY_FAILED,
  },
  {
    name: 'TimeoutSeconds on a legacy Lambda task appears as timeoutInSeconds in LambdaFunctionScheduled',
    definition: task({ Resource: fn('echo'), TimeoutSeconds: 5 }),
    input: { a: 1 },
    functions: { echo },
    expected: { status: 'SUCCEEDED', output: { a: 1 } },
    eventDetails: {
      3: {
        lambdaFunctionScheduledEventDetails: { resource: fn('echo'), input: '{"a":1}', timeoutInSeconds: 5 },
      },
    },
  },
  {
    name: 'a legacy Lambda task that never answers times out after TimeoutSeconds with LambdaFunctionTimedOut',
    definition: task({ Resource: fn('hang'), TimeoutSeconds: 5 }),
    functions: { hang: never },
    expected: { status: 'FAILED', error: 'States.Timeout' },
    events: [
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionTimedOut',
      'ExecutionFailed',
    ],
    links: [
      [1, 0],
      [2, 0],
      [3, 2],
      [4, 3],
      [5, 4],
      [6, 5],
    ],
    eventDetails: {
      3: { lambdaFunctionScheduledEventDetails: { timeoutInSeconds: 5 } },
      5: { lambdaFunctionTimedOutEventDetails: exactly({ error: 'States.Timeout' }) },
      6: { executionFailedEventDetails: exactly({ error: 'States.Timeout' }) },
    },
    durationMs: 5000,
  },

  // ---- arn:aws:states:::lambda:invoke ----
  {
    name: 'lambda:invoke writes Task events and returns AWS response envelope with the payload',
    definition: task(invoke('double')),
    input: { n: 1 },
    functions: { double: (event) => ({ v: (event as { n: number }).n * 2 }) },
    expected: {
      status: 'SUCCEEDED',
      output: {
        ExecutedVersion: '$LATEST',
        Payload: { v: 2 },
        SdkHttpMetadata: {
          AllHttpHeaders: {
            'X-Amz-Executed-Version': ['$LATEST'],
            'x-amzn-Remapped-Content-Length': ['0'],
            Connection: ['keep-alive'],
            'x-amzn-RequestId': [expect.stringMatching(new RegExp(`^${UUID}$`))],
            'Content-Length': ['7'],
            Date: [expect.any(String)],
            'X-Amzn-Trace-Id': [expect.any(String)],
            'Content-Type': ['application/json'],
          },
          HttpHeaders: {
            Connection: 'keep-alive',
            'Content-Length': '7',
            'Content-Type': 'application/json',
            Date: expect.any(String),
            'X-Amz-Executed-Version': '$LATEST',
            'x-amzn-Remapped-Content-Length': '0',
            'x-amzn-RequestId': expect.stringMatching(new RegExp(`^${UUID}$`)),
            'X-Amzn-Trace-Id': expect.any(String),
          },
          HttpStatusCode: 200,
        },
        SdkResponseMetadata: { RequestId: expect.stringMatching(new RegExp(`^${UUID}$`)) },
        StatusCode: 200,
      },
    },
    events: INVOKE_OK,
    links: CHAIN_LINKS,
  },
  {
    name: 'TaskSucceeded output is the envelope as JSON text, members in AWS order',
    definition: task(invoke('double')),
    input: { n: 1 },
    functions: { double: (event) => ({ v: (event as { n: number }).n * 2 }) },
    expected: { status: 'SUCCEEDED', output: expect.objectContaining({ Payload: { v: 2 } }) },
    eventDetails: {
      5: {
        type: 'TaskSucceeded',
        taskSucceededEventDetails: {
          resourceType: 'lambda',
          resource: 'invoke',
          output: expect.stringMatching(envelopeText('{"v":2}')),
          outputDetails: { truncated: false },
        },
      },
    },
  },
  {
    name: 'TaskScheduled names lambda/invoke, the region and the evaluated Parameters as JSON text',
    definition: task(invoke('echo', { Parameters: { FunctionName: 'echo', Payload: null } })),
    functions: { echo },
    // A null Payload reaches the function as {} (see the as-AWS-records cases).
    expected: { status: 'SUCCEEDED', output: expect.objectContaining({ Payload: {}, StatusCode: 200 }) },
    eventDetails: {
      3: {
        type: 'TaskScheduled',
        taskScheduledEventDetails: exactly({
          resourceType: 'lambda',
          resource: 'invoke',
          region: 'us-east-1',
          parameters: '{"FunctionName":"echo","Payload":null}',
        }),
      },
      4: {
        type: 'TaskStarted',
        taskStartedEventDetails: exactly({ resource: 'invoke', resourceType: 'lambda' }),
      },
    },
  },
  {
    name: 'OutputPath $.Payload keeps only the function result of lambda:invoke',
    definition: task(invoke('double', { OutputPath: '$.Payload' })),
    input: { n: 3 },
    functions: { double: (event) => ({ v: (event as { n: number }).n * 2 }) },
    expected: { status: 'SUCCEEDED', output: { v: 6 } },
    events: INVOKE_OK,
  },
  {
    name: 'ResultSelector picks members of the lambda:invoke envelope',
    definition: task(
      invoke('double', {
        ResultSelector: { 'v.$': '$.Payload.v', 'code.$': '$.StatusCode', 'ver.$': '$.ExecutedVersion' },
      }),
    ),
    input: { n: 5 },
    functions: { double: (event) => ({ v: (event as { n: number }).n * 2 }) },
    expected: { status: 'SUCCEEDED', output: { v: 10, code: 200, ver: '$LATEST' } },
  },
  {
    name: 'ResultSelector then ResultPath places the selected result into the raw input',
    definition: task(invoke('double', { ResultSelector: { 'v.$': '$.Payload.v' }, ResultPath: '$.out' })),
    input: { n: 2, keep: 'me' },
    functions: { double: (event) => ({ v: (event as { n: number }).n * 2 }) },
    expected: { status: 'SUCCEEDED', output: { n: 2, keep: 'me', out: { v: 4 } } },
  },
  {
    name: 'ResultPath null discards the lambda:invoke result and keeps the input',
    definition: task(invoke('double', { ResultPath: null })),
    input: { n: 2 },
    functions: { double: () => 'ignored' },
    expected: { status: 'SUCCEEDED', output: { n: 2 } },
  },
  {
    name: 'a Payload template with .$ keys sends values from the input and the context object',
    definition: task(
      invoke('echo', {
        Parameters: {
          FunctionName: 'echo',
          Payload: {
            'x.$': '$.a.b',
            'state.$': '$$.State.Name',
            nested: { 'all.$': '$.list[1]' },
            lit: '$.notapath',
          },
        },
        OutputPath: '$.Payload',
      }),
    ),
    input: { a: { b: 'B' }, list: [10, 20] },
    functions: { echo },
    expected: { status: 'SUCCEEDED', output: { x: 'B', state: 'T', nested: { all: 20 }, lit: '$.notapath' } },
    eventDetails: {
      3: {
        taskScheduledEventDetails: {
          parameters:
            '{"FunctionName":"echo","Payload":{"x":"B","state":"T","nested":{"all":20},"lit":"$.notapath"}}',
        },
      },
    },
  },
  {
    name: 'InputPath narrows what the lambda:invoke Parameters read as $',
    definition: task(invoke('echo', { InputPath: '$.req', OutputPath: '$.Payload' })),
    input: { req: { id: 7 }, noise: true },
    functions: { echo },
    expected: { status: 'SUCCEEDED', output: { id: 7 } },
    eventDetails: {
      3: { taskScheduledEventDetails: { parameters: '{"FunctionName":"echo","Payload":{"id":7}}' } },
    },
  },
  {
    name: 'FunctionName may be the full function ARN',
    definition: task({
      Type: 'Task',
      Resource: INVOKE,
      Parameters: { FunctionName: fn('echo'), 'Payload.$': '$' },
      OutputPath: '$.Payload',
    }),
    input: { via: 'arn' },
    functions: { echo },
    expected: { status: 'SUCCEEDED', output: { via: 'arn' } },
  },
  {
    name: 'FunctionName taken from the input with FunctionName.$',
    definition: task({
      Type: 'Task',
      Resource: INVOKE,
      Parameters: { 'FunctionName.$': '$.fn', 'Payload.$': '$.body' },
      OutputPath: '$.Payload',
    }),
    input: { fn: 'echo', body: { q: 1 } },
    functions: { echo },
    expected: { status: 'SUCCEEDED', output: { q: 1 } },
    eventDetails: {
      3: { taskScheduledEventDetails: { parameters: '{"FunctionName":"echo","Payload":{"q":1}}' } },
    },
  },
  {
    name: 'a lambda:invoke handler that throws an Error fails with TaskFailed and error "Error"',
    definition: task(invoke('boom')),
    functions: {
      boom: () => {
        throw new Error('kaput');
      },
    },
    expected: { status: 'FAILED', error: 'Error', cause: nodeErrorCause('Error', 'kaput') },
    events: INVOKE_FAILED,
    links: [
      [1, 0],
      [2, 0],
      [3, 2],
      [4, 3],
      [5, 4],
      [6, 5],
    ],
    eventDetails: {
      5: {
        type: 'TaskFailed',
        taskFailedEventDetails: {
          resourceType: 'lambda',
          resource: 'invoke',
          error: 'Error',
          cause: expect.stringMatching(nodeErrorCause('Error', 'kaput')),
        },
      },
    },
  },
  {
    name: 'a lambda:invoke handler that throws a custom-named error fails with that error name',
    definition: task(invoke('custom')),
    functions: {
      custom: () => {
        throw new MyError('nope');
      },
    },
    expected: { status: 'FAILED', error: 'MyError', cause: nodeErrorCause('MyError', 'nope') },
    events: INVOKE_FAILED,
  },
  {
    name: 'a lambda:invoke handler that throws a string fails with the error "string"',
    definition: task(invoke('str')),
    functions: {
      str: () => {
        throw 'plain';
      },
    },
    expected: {
      status: 'FAILED',
      error: 'string',
      cause: '{"errorType":"string","errorMessage":"plain","trace":[]}',
    },
    events: INVOKE_FAILED,
  },
  {
    name: 'a caught lambda:invoke function error gives the catcher {Error, Cause} with the payload as Cause',
    definition: {
      StartAt: 'T',
      States: {
        T: { ...invoke('boom'), Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Handled' }], End: true },
        Handled: { Type: 'Pass', End: true },
      },
    },
    functions: {
      boom: () => {
        throw new MyError('caught me');
      },
    },
    expected: {
      status: 'SUCCEEDED',
      output: { Error: 'MyError', Cause: expect.stringMatching(nodeErrorCause('MyError', 'caught me')) },
    },
    events: [
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ],
  },
  {
    name: 'invoking a function that does not exist fails with Lambda.ResourceNotFoundException',
    definition: task(invoke('nope')),
    expected: {
      status: 'FAILED',
      error: 'Lambda.ResourceNotFoundException',
      cause:
        /^Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope:\$LATEST \(Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: [^;]+; Proxy: null\)$/,
    },
    events: INVOKE_FAILED,
    eventDetails: {
      5: { taskFailedEventDetails: { error: 'Lambda.ResourceNotFoundException', resource: 'invoke' } },
    },
  },
  {
    name: 'a missing function is catchable and the catcher sees the not-found cause',
    definition: {
      StartAt: 'T',
      States: {
        T: {
          ...invoke('nope'),
          Catch: [{ ErrorEquals: ['Lambda.ResourceNotFoundException'], Next: 'H' }],
          Next: 'X',
        },
        H: { Type: 'Pass', End: true },
        X: { Type: 'Succeed' },
      },
    },
    expected: {
      status: 'SUCCEEDED',
      output: {
        Error: 'Lambda.ResourceNotFoundException',
        Cause: expect.stringMatching(
          /^Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope:\$LATEST \(Service: AWSLambda;/,
        ),
      },
    },
  },
  {
    name: 'TimeoutSeconds on lambda:invoke appears as timeoutInSeconds in TaskScheduled',
    definition: task(invoke('echo', { TimeoutSeconds: 5, OutputPath: '$.Payload' })),
    input: { a: 1 },
    functions: { echo },
    expected: { status: 'SUCCEEDED', output: { a: 1 } },
    eventDetails: {
      3: {
        taskScheduledEventDetails: exactly({
          resourceType: 'lambda',
          resource: 'invoke',
          region: 'us-east-1',
          parameters: '{"FunctionName":"echo","Payload":{"a":1}}',
          timeoutInSeconds: 5,
        }),
      },
    },
  },
  {
    name: 'TimeoutSecondsPath reads the timeout from the input into TaskScheduled timeoutInSeconds',
    definition: task(
      invoke('echo', { TimeoutSecondsPath: '$.TimeoutSecondsValue', OutputPath: '$.Payload' }),
    ),
    input: { TimeoutSecondsValue: 7 },
    functions: { echo },
    expected: { status: 'SUCCEEDED', output: { TimeoutSecondsValue: 7 } },
    eventDetails: { 3: { taskScheduledEventDetails: { timeoutInSeconds: 7 } } },
  },
  {
    name: 'a lambda:invoke task that never answers times out with TaskTimedOut and no cause',
    definition: task(invoke('hang', { TimeoutSeconds: 5 })),
    functions: { hang: never },
    expected: { status: 'FAILED', error: 'States.Timeout' },
    events: INVOKE_TIMED_OUT,
    links: [
      [1, 0],
      [2, 0],
      [3, 2],
      [4, 3],
      [5, 4],
      [6, 5],
    ],
    eventDetails: {
      3: { taskScheduledEventDetails: { timeoutInSeconds: 5 } },
      5: {
        taskTimedOutEventDetails: exactly({
          error: 'States.Timeout',
          resource: 'invoke',
          resourceType: 'lambda',
        }),
      },
    },
    durationMs: 5000,
  },
  {
    name: 'a lambda:invoke timeout read from TimeoutSecondsPath fires after that many seconds',
    definition: task(invoke('hang', { TimeoutSecondsPath: '$.t' })),
    input: { t: 3 },
    functions: { hang: never },
    expected: { status: 'FAILED', error: 'States.Timeout' },
    events: INVOKE_TIMED_OUT,
    durationMs: 3000,
  },
  {
    name: 'a task that misses its HeartbeatSeconds fails with States.Timeout',
    definition: task(invoke('hang', { TimeoutSeconds: 100, HeartbeatSeconds: 2 })),
    functions: { hang: never },
    expected: { status: 'FAILED', error: 'States.Timeout' },
    events: INVOKE_TIMED_OUT,
    eventDetails: {
      3: { taskScheduledEventDetails: { timeoutInSeconds: 100, heartbeatInSeconds: 2 } },
      5: {
        taskTimedOutEventDetails: exactly({
          error: 'States.Timeout',
          resource: 'invoke',
          resourceType: 'lambda',
        }),
      },
      6: { executionFailedEventDetails: exactly({ error: 'States.Timeout' }) },
    },
  },
  {
    name: 'a Task whose integration Statefold cannot call (glue:startJobRun.sync) fails with a catchable States.TaskFailed naming it',
    definition: task({
      Resource: 'arn:aws:states:::glue:startJobRun.sync',
      Parameters: { JobName: 'etl' },
    }),
    expected: { status: 'FAILED', error: 'States.TaskFailed', cause: /glue:startJobRun\.sync/ },
  },
  {
    name: 'the task output flows into the next state, whose Entered event follows TaskStateExited',
    definition: {
      StartAt: 'T',
      States: {
        T: { ...invoke('double'), OutputPath: '$.Payload', Next: 'P' },
        P: { Type: 'Pass', Parameters: { 'got.$': '$.v' }, End: true },
      },
    },
    input: { n: 10 },
    functions: { double: (event) => ({ v: (event as { n: number }).n * 2 }) },
    expected: { status: 'SUCCEEDED', output: { got: 20 } },
    events: [
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ],
    links: [
      [1, 0],
      [2, 0],
      [3, 2],
      [4, 3],
      [5, 4],
      [6, 5],
      [7, 6],
      [8, 7],
      [9, 8],
    ],
    eventDetails: { 6: { stateExitedEventDetails: { name: 'T', output: '{"v":20}' } } },
  },
];
