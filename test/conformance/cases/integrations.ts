import { createHash } from 'node:crypto';
import type { ConformanceCase } from '../conformance-case.ts';

/**
 * Service integrations, run against the emulators (DynamoDB on dynalite; SQS, SNS and S3 on fauxqs) by both
 * engines. Result shapes from AWS's documentation of each integration: the optimized DynamoDB, SQS and SNS
 * integrations answer the service's response with `SdkHttpMetadata` and `SdkResponseMetadata` added; the AWS
 * SDK form answers the action's response alone; DynamoDB's typed attribute values come back as DynamoDB wrote
 * them. Errors are `<Service>.<Error>Exception`. Every case can run again on the same resources (the replay
 * check runs each twice).
 */

const TABLE = 'conformance-orders';
const QUEUE = 'https://sqs.us-east-1.amazonaws.com/123456789012/conformance-queue';
const TOPIC = 'arn:aws:sns:us-east-1:000000000000:conformance-topic';
const BUCKET = 'conformance-bucket';
const RESOURCES = {
  tables: [{ name: TABLE, partitionKey: 'id' }],
  queues: ['conformance-queue'],
  topics: ['conformance-topic'],
  buckets: [BUCKET],
};

const task = (state: object, extra: object = {}) => ({
  StartAt: 'T',
  States: { T: { Type: 'Task', End: true, ...state }, ...extra },
});

/** A Task that goes on to `Next` (its catchers' targets are in `extra`). */
const taskThen = (state: object, extra: object) => ({
  StartAt: 'T',
  States: { T: { Type: 'Task', ...state }, ...extra },
});

const TASK_FAILED = [
  'ExecutionStarted',
  'TaskStateEntered',
  'TaskScheduled',
  'TaskStarted',
  'TaskFailed',
  'ExecutionFailed',
];

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

export const integrationsCases: ConformanceCase[] = [
  {
    name: 'dynamodb:putItem then getItem: the Item comes back in typed attribute values, with the HTTP metadata',
    resources: RESOURCES,
    definition: {
      StartAt: 'Put',
      States: {
        Put: {
          Type: 'Task',
          Resource: 'arn:aws:states:::dynamodb:putItem',
          Parameters: {
            TableName: TABLE,
            Item: { id: { 'S.$': '$.id' }, qty: { N: '3' }, tags: { L: [{ S: 'a' }, { BOOL: true }] } },
          },
          ResultSelector: { 'status.$': '$.SdkHttpMetadata.HttpStatusCode' },
          ResultPath: '$.put',
          Next: 'Get',
        },
        Get: {
          Type: 'Task',
          Resource: 'arn:aws:states:::dynamodb:getItem',
          Parameters: { TableName: TABLE, Key: { id: { 'S.$': '$.id' } } },
          ResultSelector: { 'Item.$': '$.Item' },
          ResultPath: '$.got',
          End: true,
        },
      },
    },
    input: { id: 'c-1' },
    expected: {
      status: 'SUCCEEDED',
      output: {
        id: 'c-1',
        put: { status: 200 },
        got: { Item: { id: { S: 'c-1' }, qty: { N: '3' }, tags: { L: [{ S: 'a' }, { BOOL: true }] } } },
      },
    },
    events: [
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ],
    eventDetails: {
      3: {
        taskScheduledEventDetails: {
          resourceType: 'dynamodb',
          resource: 'putItem',
          region: 'us-east-1',
          parameters: JSON.stringify({
            TableName: TABLE,
            Item: { id: { S: 'c-1' }, qty: { N: '3' }, tags: { L: [{ S: 'a' }, { BOOL: true }] } },
          }),
        },
      },
      4: { taskStartedEventDetails: { resourceType: 'dynamodb', resource: 'putItem' } },
      5: { taskSucceededEventDetails: { resourceType: 'dynamodb', resource: 'putItem' } },
    },
  },
  {
    name: 'dynamodb:getItem of a key that is not there answers no Item (JSONata)',
    resources: RESOURCES,
    definition: task({
      QueryLanguage: 'JSONata',
      Resource: 'arn:aws:states:::dynamodb:getItem',
      Arguments: { TableName: TABLE, Key: { id: { S: 'nobody' } } },
      Output:
        '{% {"found": $exists($states.result.Item), "status": $states.result.SdkHttpMetadata.HttpStatusCode} %}',
    }),
    expected: { status: 'SUCCEEDED', output: { found: false, status: 200 } },
  },
  {
    name: 'dynamodb:updateItem with ReturnValues ALL_NEW answers the Attributes',
    resources: RESOURCES,
    definition: task({
      Resource: 'arn:aws:states:::dynamodb:updateItem',
      Parameters: {
        TableName: TABLE,
        Key: { id: { S: 'c-2' } },
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': { S: 'SHIPPED' } },
        ReturnValues: 'ALL_NEW',
      },
      ResultSelector: { 'Attributes.$': '$.Attributes' },
    }),
    expected: { status: 'SUCCEEDED', output: { Attributes: { id: { S: 'c-2' }, status: { S: 'SHIPPED' } } } },
  },
  {
    name: 'dynamodb:getItem on a missing table fails with DynamoDB.ResourceNotFoundException',
    resources: RESOURCES,
    definition: task({
      Resource: 'arn:aws:states:::dynamodb:getItem',
      Parameters: { TableName: 'no-such-table', Key: { id: { S: 'x' } } },
    }),
    expected: {
      status: 'FAILED',
      error: 'DynamoDB.ResourceNotFoundException',
      cause:
        /^.+ \(Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ResourceNotFoundException; Request ID: [^;]*; Proxy: null\)$/,
    },
    events: TASK_FAILED,
    eventDetails: {
      5: {
        taskFailedEventDetails: {
          error: 'DynamoDB.ResourceNotFoundException',
          resourceType: 'dynamodb',
          resource: 'getItem',
        },
      },
    },
  },
  {
    name: 'sqs:sendMessage sends a JSON MessageBody as its text: MD5OfMessageBody is the MD5 of that text',
    resources: RESOURCES,
    definition: task({
      Resource: 'arn:aws:states:::sqs:sendMessage',
      Parameters: { QueueUrl: QUEUE, MessageBody: { 'order.$': '$.order' } },
      ResultSelector: {
        'MD5OfMessageBody.$': '$.MD5OfMessageBody',
        'status.$': '$.SdkHttpMetadata.HttpStatusCode',
      },
    }),
    input: { order: 7 },
    expected: { status: 'SUCCEEDED', output: { MD5OfMessageBody: md5('{"order":7}'), status: 200 } },
    eventDetails: {
      3: {
        taskScheduledEventDetails: {
          resourceType: 'sqs',
          resource: 'sendMessage',
          parameters: JSON.stringify({ QueueUrl: QUEUE, MessageBody: { order: 7 } }),
        },
      },
    },
  },
  {
    name: 'sqs:sendMessage to a missing queue: Retry on SQS.QueueDoesNotExistException, then a Catch on States.TaskFailed',
    resources: RESOURCES,
    definition: taskThen(
      {
        Resource: 'arn:aws:states:::sqs:sendMessage',
        Parameters: {
          QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/no-such-queue',
          MessageBody: 'x',
        },
        Retry: [{ ErrorEquals: ['SQS.QueueDoesNotExistException'], MaxAttempts: 1, IntervalSeconds: 2 }],
        // States.TaskFailed matches a service's own errors too, as it does on AWS.
        Catch: [{ ErrorEquals: ['States.TaskFailed'], ResultPath: '$.error', Next: 'Caught' }],
        Next: 'Caught',
      },
      {
        Caught: { Type: 'Pass', Parameters: { 'error.$': '$.error.Error' }, End: true },
      },
    ),
    expected: { status: 'SUCCEEDED', output: { error: 'SQS.QueueDoesNotExistException' } },
    durationMs: 2000,
    events: [
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
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
    name: 'sns:publish answers a MessageId (JSONata Arguments)',
    resources: RESOURCES,
    definition: task({
      QueryLanguage: 'JSONata',
      Resource: 'arn:aws:states:::sns:publish',
      Arguments: { TopicArn: TOPIC, Message: '{% $states.input %}' },
      Output: '{% {"published": $type($states.result.MessageId) = "string"} %}',
    }),
    input: { shipped: true },
    expected: { status: 'SUCCEEDED', output: { published: true } },
    eventDetails: {
      3: {
        taskScheduledEventDetails: {
          resourceType: 'sns',
          resource: 'publish',
          parameters: JSON.stringify({ TopicArn: TOPIC, Message: { shipped: true } }),
        },
      },
    },
  },
  {
    name: 'sns:publish to a missing topic fails with SNS.NotFoundException',
    resources: RESOURCES,
    definition: task({
      Resource: 'arn:aws:states:::sns:publish',
      Parameters: { TopicArn: 'arn:aws:sns:us-east-1:000000000000:no-such-topic', Message: 'x' },
    }),
    expected: {
      status: 'FAILED',
      error: 'SNS.NotFoundException',
      cause: /\(Service: AmazonSNS; Status Code: 404; Error Code: NotFound/,
    },
    events: TASK_FAILED,
  },
  {
    name: 'aws-sdk:s3 putObject then getObject: the response members as the SDK names them, Body as text',
    resources: RESOURCES,
    definition: {
      StartAt: 'Put',
      States: {
        Put: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:s3:putObject',
          Parameters: { Bucket: BUCKET, Key: 'receipt.txt', Body: 'paid', ContentType: 'text/plain' },
          ResultPath: null,
          Next: 'Get',
        },
        Get: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:s3:getObject',
          Parameters: { Bucket: BUCKET, Key: 'receipt.txt' },
          ResultSelector: {
            'Body.$': '$.Body',
            'ContentType.$': '$.ContentType',
            'ContentLength.$': '$.ContentLength',
          },
          End: true,
        },
      },
    },
    expected: { status: 'SUCCEEDED', output: { Body: 'paid', ContentType: 'text/plain', ContentLength: 4 } },
    eventDetails: {
      3: { taskScheduledEventDetails: { resourceType: 'aws-sdk:s3', resource: 'putObject' } },
    },
  },
  {
    name: 'aws-sdk:s3:getObject of a missing key fails with S3.NoSuchKeyException',
    resources: RESOURCES,
    definition: task({
      Resource: 'arn:aws:states:::aws-sdk:s3:getObject',
      Parameters: { Bucket: BUCKET, Key: 'no-such-key' },
    }),
    expected: {
      status: 'FAILED',
      error: 'S3.NoSuchKeyException',
      cause: /\(Service: S3, Status Code: 404, Request ID: [^)]*\)$/,
    },
    events: TASK_FAILED,
    eventDetails: { 5: { taskFailedEventDetails: { resourceType: 'aws-sdk:s3', resource: 'getObject' } } },
  },
  {
    name: 'aws-sdk:dynamodb:getItem answers the action response alone: no SdkHttpMetadata',
    resources: RESOURCES,
    definition: {
      StartAt: 'Put',
      States: {
        Put: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:dynamodb:putItem',
          Parameters: { TableName: TABLE, Item: { id: { S: 'c-3' }, n: { N: '1.5' } } },
          ResultPath: '$.put',
          Next: 'Get',
        },
        Get: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:dynamodb:getItem',
          Parameters: { TableName: TABLE, Key: { id: { S: 'c-3' } } },
          ResultPath: '$.got',
          End: true,
        },
      },
    },
    expected: {
      status: 'SUCCEEDED',
      output: { put: {}, got: { Item: { id: { S: 'c-3' }, n: { N: '1.5' } } } },
    },
  },
  {
    name: 'aws-sdk:dynamodb on a missing table fails with DynamoDb.ResourceNotFoundException (the SDK form spells it DynamoDb)',
    resources: RESOURCES,
    definition: task({
      Resource: 'arn:aws:states:::aws-sdk:dynamodb:getItem',
      Parameters: { TableName: 'no-such-table', Key: { id: { S: 'x' } } },
    }),
    expected: {
      status: 'FAILED',
      error: 'DynamoDb.ResourceNotFoundException',
      cause: /\(Service: DynamoDb, Status Code: 400, /,
    },
    events: TASK_FAILED,
  },
  {
    name: 'events:putEvents with no EventBridge endpoint: a States.TaskFailed naming it, which Catch handles',
    resources: RESOURCES,
    definition: taskThen(
      {
        Resource: 'arn:aws:states:::events:putEvents',
        Parameters: { Entries: [{ Source: 'shop', DetailType: 'OrderPlaced', Detail: { id: 1 } }] },
        Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'Caught' }],
        Next: 'Caught',
      },
      { Caught: { Type: 'Pass', Parameters: { 'cause.$': '$.Cause' }, End: true } },
    ),
    expected: {
      status: 'SUCCEEDED',
      output: {
        cause:
          'Statefold cannot call events:putEvents: no endpoint is configured for eventbridge (set integrations.endpoints.eventbridge in the config).',
      },
    },
  },
];
