import { SHOP } from '../../support/http-api.ts';
import type { ConformanceCase } from '../conformance-case.ts';

/**
 * The HTTP Task (`arn:aws:states:::http:invoke`), run by both engines against the test HTTP API
 * (test/support/http-api.ts, `{{api}}` in the definitions), whose default route answers its request as JSON
 * `{echo: {method, query, body}}`. From AWS's "Call HTTPS APIs" page: the result is `{Headers, ResponseBody,
 * StatusCode, StatusText}` — headers by name, each a list of values; the body parsed when it is JSON; the status
 * code a number — a status outside 2xx fails the task with `States.Http.StatusCode.<code>`, which Retry and Catch
 * match; QueryParameters are appended to the URL; the connection's invocation query parameters join the
 * definition's; `Transform.RequestBodyEncoding: URL_ENCODED` form-encodes the body with `ArrayFormat` INDICES
 * (the default), REPEAT, COMMAS or BRACKETS. SHOP is the API key connection with `region=eu` as its invocation
 * query parameter. The selectors keep what does not change from run to run (not the
 * Date header).
 */

const TASK_SUCCEEDED = [
  'ExecutionStarted',
  'TaskStateEntered',
  'TaskScheduled',
  'TaskStarted',
  'TaskSucceeded',
  'TaskStateExited',
  'ExecutionSucceeded',
];

const http = (parameters: object, state: object = {}) => ({
  StartAt: 'Call',
  States: {
    Call: {
      Type: 'Task',
      Resource: 'arn:aws:states:::http:invoke',
      Parameters: { Authentication: { ConnectionArn: SHOP }, ...parameters },
      End: true,
      ...state,
    },
  },
});

/** The parts of the result that are the same on every run. */
const STABLE_RESULT = {
  ResultSelector: {
    'StatusCode.$': '$.StatusCode',
    'StatusText.$': '$.StatusText',
    'ContentType.$': "$.Headers['content-type']",
    'ResponseBody.$': '$.ResponseBody',
  },
};

const formCase = (format: string | undefined, body: string): ConformanceCase => ({
  name: `URL_ENCODED with ArrayFormat ${format ?? 'left out (INDICES)'}: the body is ${body}`,
  definition: http(
    {
      ApiEndpoint: '{{api}}/form',
      Method: 'POST',
      RequestBody: { ids: [1, 2], name: 'a b' },
      Transform: {
        RequestBodyEncoding: 'URL_ENCODED',
        ...(format !== undefined ? { RequestEncodingOptions: { ArrayFormat: format } } : {}),
      },
    },
    { OutputPath: '$.ResponseBody.echo.body' },
  ),
  expected: { status: 'SUCCEEDED', output: body },
  events: TASK_SUCCEEDED,
});

export const httpTaskCases: ConformanceCase[] = [
  {
    name: 'a GET answers Headers (lists of values), the JSON ResponseBody parsed, StatusCode a number, StatusText',
    definition: http(
      {
        ApiEndpoint: '{{api}}/orders',
        Method: 'GET',
        QueryParameters: { 'page.$': '$.page', tag: ['new', 'sale'] },
      },
      STABLE_RESULT,
    ),
    input: { page: 2 },
    expected: {
      status: 'SUCCEEDED',
      output: {
        StatusCode: 200,
        StatusText: 'OK',
        ContentType: ['application/json'],
        // A list repeats the key; the connection's invocation query parameter (region=eu) is added.
        ResponseBody: {
          echo: { method: 'GET', query: { page: ['2'], tag: ['new', 'sale'], region: ['eu'] }, body: '' },
        },
      },
    },
    events: TASK_SUCCEEDED,
    eventDetails: {
      3: { taskScheduledEventDetails: { resourceType: 'http', resource: 'invoke', region: 'us-east-1' } },
    },
  },
  {
    name: 'a JSON RequestBody is sent as JSON text',
    definition: http(
      { ApiEndpoint: '{{api}}/orders', Method: 'POST', RequestBody: { 'item.$': '$.item', qty: 2 } },
      { OutputPath: '$.ResponseBody.echo' },
    ),
    input: { item: 'book' },
    expected: {
      status: 'SUCCEEDED',
      output: { method: 'POST', query: { region: ['eu'] }, body: '{"item":"book","qty":2}' },
    },
    events: TASK_SUCCEEDED,
  },
  formCase(undefined, 'ids[0]=1&ids[1]=2&name=a+b'),
  formCase('INDICES', 'ids[0]=1&ids[1]=2&name=a+b'),
  formCase('REPEAT', 'ids=1&ids=2&name=a+b'),
  formCase('COMMAS', 'ids=1,2&name=a+b'),
  formCase('BRACKETS', 'ids[]=1&ids[]=2&name=a+b'),
  {
    name: 'a body that is not JSON is the ResponseBody as a string',
    definition: http({ ApiEndpoint: '{{api}}/text', Method: 'GET' }, STABLE_RESULT),
    expected: {
      status: 'SUCCEEDED',
      output: { StatusCode: 200, StatusText: 'OK', ContentType: ['text/plain'], ResponseBody: 'plain words' },
    },
    events: TASK_SUCCEEDED,
  },
  {
    name: 'a 404 fails the execution with States.Http.StatusCode.404',
    definition: http({ ApiEndpoint: '{{api}}/missing', Method: 'GET' }),
    expected: { status: 'FAILED', error: 'States.Http.StatusCode.404' },
    events: [
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'ExecutionFailed',
    ],
  },
  {
    name: 'Catch on States.Http.StatusCode.404 takes the failure; States.TaskFailed would match it too',
    definition: {
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: 'arn:aws:states:::http:invoke',
          Parameters: {
            ApiEndpoint: '{{api}}/missing',
            Method: 'GET',
            Authentication: { ConnectionArn: SHOP },
          },
          Catch: [
            { ErrorEquals: ['States.Http.StatusCode.500'], Next: 'Wrong' },
            { ErrorEquals: ['States.Http.StatusCode.404'], ResultPath: '$.failure', Next: 'Missing' },
          ],
          End: true,
        },
        Wrong: { Type: 'Fail', Error: 'WrongCatcher' },
        Missing: { Type: 'Pass', Parameters: { 'error.$': '$.failure.Error' }, End: true },
      },
    },
    expected: { status: 'SUCCEEDED', output: { error: 'States.Http.StatusCode.404' } },
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
    name: 'JSONata Arguments call it as well; $states.result is the same result shape',
    definition: {
      QueryLanguage: 'JSONata',
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: 'arn:aws:states:::http:invoke',
          Arguments: {
            ApiEndpoint: '{{api}}/orders',
            Method: 'PUT',
            Authentication: { ConnectionArn: SHOP },
            RequestBody: { status: '{% $states.input.status %}' },
          },
          Output: {
            code: '{% $states.result.StatusCode %}',
            sent: '{% $states.result.ResponseBody.echo.body %}',
          },
          End: true,
        },
      },
    },
    input: { status: 'shipped' },
    expected: { status: 'SUCCEEDED', output: { code: 200, sent: '{"status":"shipped"}' } },
    events: TASK_SUCCEEDED,
  },
];
