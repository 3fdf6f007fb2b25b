import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineError } from '../../shared/engine/engine-error.ts';
import { startExecution } from '../../shared/engine/start-execution.ts';
import { sendTaskSuccess } from '../../shared/engine/task-callbacks.ts';
import { ensureTable } from '../../shared/eventlog/ensure-table.ts';
import type { HistoryEvent } from '../../shared/history/to-history-event.ts';
import { startTestbed, type Testbed } from '../support/durable-testbed.ts';
import { until } from '../support/eventually.ts';

/**
 * Service integrations through the durable engine (dynalite, fauxqs, the pollers feeding the real handlers)
 * with the real AWS SDK clients: the optimized integrations' results, AWS's error names on the services' own
 * errors, Retry and Catch on them, `.waitForTaskToken` completed by SendTaskSuccess, the AWS SDK form, and
 * the catchable States.TaskFailed of a service this deployment cannot reach.
 */

let testbed: Testbed;
let queueUrl: string;
let callbackQueueUrl: string;
let topicArn: string;
const deps = () => testbed.engine.deps;
const LOCAL = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

beforeAll(async () => {
  testbed = await startTestbed({ virtualClock: Date.UTC(2026, 0, 1) });
  const { engine } = testbed;
  await ensureTable(engine.dynamodb.client, {
    TableName: 'orders',
    KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'orderId', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  queueUrl = (await engine.sqs.client.send(new CreateQueueCommand({ QueueName: 'shipments' })))
    .QueueUrl as string;
  callbackQueueUrl = (await engine.sqs.client.send(new CreateQueueCommand({ QueueName: 'approvals' })))
    .QueueUrl as string;
  const sns = new SNSClient({ ...LOCAL, endpoint: engine.sqs.endpoint });
  topicArn = (await sns.send(new CreateTopicCommand({ Name: 'order-events' }))).TopicArn as string;
  sns.destroy();
  const s3 = new S3Client({ ...LOCAL, endpoint: engine.sqs.endpoint, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: 'receipts' }));
  s3.destroy();
});
afterAll(async () => {
  await testbed?.stop();
});

const task = (resource: string, parameters: object, fields: object = {}) => ({
  StartAt: 'Call',
  States: { Call: { Type: 'Task', Resource: resource, Parameters: parameters, End: true, ...fields } },
});

const caught = (resource: string, parameters: object) =>
  task(resource, parameters, {
    Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
    End: undefined,
    Next: 'Done',
  });

const withCaught = (definition: ReturnType<typeof task>) => ({
  ...definition,
  States: {
    ...definition.States,
    Caught: { Type: 'Pass', End: true },
    Done: { Type: 'Pass', End: true },
  },
});

const typesOf = (events: HistoryEvent[]) => events.map((event) => event.type);

describe('optimized integrations: results', () => {
  it('dynamodb:putItem writes typed attribute values; getItem reads them back in the same shape', async () => {
    const put = await testbed.run({
      definition: task('arn:aws:states:::dynamodb:putItem', {
        TableName: 'orders',
        Item: { orderId: { 'S.$': '$.id' }, total: { N: '42' }, tags: { SS: ['a', 'b'] } },
      }),
      input: { id: 'o-1' },
    });
    expect(put.status).toBe('SUCCEEDED');
    expect(JSON.parse(put.output ?? 'null')).toMatchObject({
      SdkHttpMetadata: { HttpStatusCode: 200 },
      SdkResponseMetadata: { RequestId: expect.any(String) },
    });
    const get = await testbed.run({
      definition: task(
        'arn:aws:states:::dynamodb:getItem',
        { TableName: 'orders', Key: { orderId: { S: 'o-1' } } },
        { ResultSelector: { 'Item.$': '$.Item' } },
      ),
    });
    expect(JSON.parse(get.output ?? 'null')).toEqual({
      Item: { orderId: { S: 'o-1' }, total: { N: '42' }, tags: { SS: ['a', 'b'] } },
    });
    // History: TaskScheduled with the resource, its type, the region and the parameters as AWS records them.
    expect(typesOf(get.events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(get.events[2]).toMatchObject({
      taskScheduledEventDetails: {
        resourceType: 'dynamodb',
        resource: 'getItem',
        region: 'us-east-1',
        parameters: '{"TableName":"orders","Key":{"orderId":{"S":"o-1"}}}',
      },
    });
  });

  it('dynamodb:updateItem and deleteItem answer with the attributes ReturnValues asks for', async () => {
    const run = await testbed.run({
      definition: {
        StartAt: 'Put',
        States: {
          Put: {
            Type: 'Task',
            Resource: 'arn:aws:states:::dynamodb:putItem',
            Parameters: { TableName: 'orders', Item: { orderId: { S: 'o-2' }, count: { N: '1' } } },
            ResultPath: null,
            Next: 'Update',
          },
          Update: {
            Type: 'Task',
            Resource: 'arn:aws:states:::dynamodb:updateItem',
            Parameters: {
              TableName: 'orders',
              Key: { orderId: { S: 'o-2' } },
              UpdateExpression: 'SET #c = #c + :one',
              ExpressionAttributeNames: { '#c': 'count' },
              ExpressionAttributeValues: { ':one': { N: '1' } },
              ReturnValues: 'UPDATED_NEW',
            },
            ResultSelector: { 'Attributes.$': '$.Attributes' },
            ResultPath: '$.updated',
            Next: 'Delete',
          },
          Delete: {
            Type: 'Task',
            Resource: 'arn:aws:states:::dynamodb:deleteItem',
            Parameters: { TableName: 'orders', Key: { orderId: { S: 'o-2' } }, ReturnValues: 'ALL_OLD' },
            ResultSelector: { 'Attributes.$': '$.Attributes' },
            ResultPath: '$.deleted',
            End: true,
          },
        },
      },
    });
    expect(run.status).toBe('SUCCEEDED');
    expect(JSON.parse(run.output ?? 'null')).toEqual({
      updated: { Attributes: { count: { N: '2' } } },
      deleted: { Attributes: { orderId: { S: 'o-2' }, count: { N: '2' } } },
    });
    const stored = await testbed.engine.dynamodb.client.send(
      new GetItemCommand({ TableName: 'orders', Key: { orderId: { S: 'o-2' } } }),
    );
    expect(stored.Item).toBeUndefined();
  });

  it('sqs:sendMessage sends a JSON MessageBody as its text and answers MessageId and MD5OfMessageBody', async () => {
    const run = await testbed.run({
      definition: task('arn:aws:states:::sqs:sendMessage', {
        QueueUrl: queueUrl,
        MessageBody: { 'orderId.$': '$.id', items: 2 },
      }),
      input: { id: 'o-3' },
    });
    expect(run.status).toBe('SUCCEEDED');
    expect(JSON.parse(run.output ?? 'null')).toMatchObject({
      MessageId: expect.any(String),
      MD5OfMessageBody: expect.stringMatching(/^[0-9a-f]{32}$/),
      SdkHttpMetadata: { HttpStatusCode: 200 },
    });
    const received = await testbed.engine.sqs.client.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }),
    );
    expect(received.Messages?.map((message) => message.Body)).toEqual(['{"orderId":"o-3","items":2}']);
  });

  it('sns:publish answers the MessageId', async () => {
    const run = await testbed.run({
      definition: task('arn:aws:states:::sns:publish', { TopicArn: topicArn, Message: { shipped: true } }),
    });
    expect(run.status).toBe('SUCCEEDED');
    expect(JSON.parse(run.output ?? 'null')).toMatchObject({ MessageId: expect.any(String) });
  });
});

describe("optimized integrations: the services' own errors, by AWS's names", () => {
  it.each([
    {
      when: 'dynamodb:getItem on a table that does not exist',
      resource: 'arn:aws:states:::dynamodb:getItem',
      parameters: { TableName: 'missing', Key: { orderId: { S: 'x' } } },
      error: 'DynamoDB.ResourceNotFoundException',
      cause:
        /\(Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ResourceNotFoundException; Request ID: .*; Proxy: null\)$/,
    },
    {
      when: 'dynamodb:putItem whose ConditionExpression fails',
      resource: 'arn:aws:states:::dynamodb:putItem',
      parameters: {
        TableName: 'orders',
        Item: { orderId: { S: 'o-1' } },
        ConditionExpression: 'attribute_not_exists(orderId)',
      },
      error: 'DynamoDB.ConditionalCheckFailedException',
      cause:
        /^The conditional request failed \(Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ConditionalCheckFailedException;/,
    },
    {
      when: 'sqs:sendMessage to a queue that does not exist',
      resource: 'arn:aws:states:::sqs:sendMessage',
      parameters: { QueueUrl: 'http://127.0.0.1:1/000000000000/nowhere', MessageBody: 'x' },
      error: 'SQS.QueueDoesNotExistException',
      cause: /\(Service: AmazonSQS; Status Code: 400;/,
    },
    {
      when: 'sns:publish to a topic that does not exist',
      resource: 'arn:aws:states:::sns:publish',
      parameters: { TopicArn: 'arn:aws:sns:us-east-1:000000000000:nowhere', Message: 'x' },
      error: 'SNS.NotFoundException',
      cause: /\(Service: AmazonSNS; Status Code: 404;/,
    },
    {
      when: 'events:putEvents with no EventBridge endpoint configured locally',
      resource: 'arn:aws:states:::events:putEvents',
      parameters: { Entries: [{ Source: 'shop', DetailType: 'x', Detail: {} }] },
      error: 'States.TaskFailed',
      cause: /^Statefold cannot call events:putEvents: no endpoint is configured for eventbridge/,
    },
    {
      when: 'an optimized integration AWS offers that Statefold does not run (glue:startJobRun.sync)',
      resource: 'arn:aws:states:::glue:startJobRun.sync',
      parameters: { JobName: 'etl' },
      error: 'States.TaskFailed',
      cause: /^Statefold cannot call glue:startJobRun.sync: Statefold does not run this integration yet\.$/,
    },
    ...[
      ['ecs:runTask.sync', { Cluster: 'jobs', TaskDefinition: 'etl:1', LaunchType: 'FARGATE' }],
      ['batch:submitJob.sync', { JobName: 'etl', JobQueue: 'jobs', JobDefinition: 'etl:1' }],
      ['codebuild:startBuild.sync', { ProjectName: 'site' }],
      ['athena:startQueryExecution.sync', { QueryString: 'SELECT 1', WorkGroup: 'primary' }],
    ].map(([resource, parameters]) => ({
      when: `a .sync job Statefold does not run (${resource})`,
      resource: `arn:aws:states:::${resource}`,
      parameters: parameters as object,
      error: 'States.TaskFailed',
      cause: new RegExp(
        `^Statefold cannot call ${String(resource).replace('.', '\\.')}: Statefold does not run this integration yet\\.$`,
      ),
    })),
  ])('$when fails the task with $error, which a Catch on States.ALL handles', async (row) => {
    const failed = await testbed.run({ definition: task(row.resource, row.parameters) });
    expect(failed).toMatchObject({
      status: 'FAILED',
      error: row.error,
      cause: expect.stringMatching(row.cause),
    });
    expect(failed.events.find((event) => event.type === 'TaskFailed')).toMatchObject({
      taskFailedEventDetails: { error: row.error },
    });
    const handled = await testbed.run({ definition: withCaught(caught(row.resource, row.parameters)) });
    expect(handled.status).toBe('SUCCEEDED');
    expect(typesOf(handled.events).at(-3)).toBe('PassStateEntered');
  });

  it('Retry on DynamoDB.ConditionalCheckFailedException retries the call, then Catch takes the error', async () => {
    const definition = {
      StartAt: 'Put',
      States: {
        Put: {
          Type: 'Task',
          Resource: 'arn:aws:states:::dynamodb:putItem',
          Parameters: {
            TableName: 'orders',
            Item: { orderId: { S: 'o-1' } },
            ConditionExpression: 'attribute_not_exists(orderId)',
          },
          Retry: [
            { ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'], MaxAttempts: 1, IntervalSeconds: 1 },
          ],
          Catch: [
            {
              ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'],
              ResultPath: '$.error',
              Next: 'Exists',
            },
          ],
          End: true,
        },
        Exists: { Type: 'Pass', End: true },
      },
    };
    const run = await testbed.run({ definition });
    expect(run.status).toBe('SUCCEEDED');
    expect(typesOf(run.events).filter((type) => type === 'TaskFailed')).toHaveLength(2);
    expect(JSON.parse(run.output ?? 'null').error).toMatchObject({
      Error: 'DynamoDB.ConditionalCheckFailedException',
    });
  });
});

describe('.waitForTaskToken over SQS', () => {
  it('the token goes out in the message body; SendTaskSuccess completes the task with its output', async () => {
    const stateMachineArn = await testbed.createMachine(
      {
        StartAt: 'Ask',
        States: {
          Ask: {
            Type: 'Task',
            Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
            Parameters: { QueueUrl: callbackQueueUrl, MessageBody: { 'token.$': '$$.Task.Token' } },
            ResultPath: '$.approval',
            End: true,
          },
        },
      },
      'approvals',
    );
    const { executionArn } = await startExecution(deps(), { stateMachineArn, input: '{"order":1}' });
    const body = await until('the approval request', async () => {
      const received = await testbed.engine.sqs.client.send(
        new ReceiveMessageCommand({ QueueUrl: callbackQueueUrl, WaitTimeSeconds: 1 }),
      );
      return received.Messages?.[0]?.Body;
    });
    const { token } = JSON.parse(body) as { token: string };
    await until('TaskSubmitted', async () =>
      (await testbed.history(executionArn)).find((event) => event.type === 'TaskSubmitted'),
    );
    await sendTaskSuccess(deps(), { taskToken: token, output: '{"approved":true}' });
    const run = await testbed.waitForClose(executionArn);
    expect(run.status).toBe('SUCCEEDED');
    expect(JSON.parse(run.output ?? 'null')).toEqual({ order: 1, approval: { approved: true } });
    expect(typesOf(run.events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    const submitted = run.events.find((event) => event.type === 'TaskSubmitted');
    expect(submitted).toMatchObject({
      taskSubmittedEventDetails: { resourceType: 'sqs', resource: 'sendMessage.waitForTaskToken' },
    });
    expect(
      JSON.parse(
        (submitted as unknown as { taskSubmittedEventDetails: { output: string } }).taskSubmittedEventDetails
          .output,
      ),
    ).toMatchObject({ MessageId: expect.any(String) });
  });
});

describe('.waitForTaskToken over SNS, with heartbeats', () => {
  it('HeartbeatSeconds 1 and no heartbeat: TaskTimedOut after TaskSubmitted, and a Catch on States.HeartbeatTimeout runs', async () => {
    const stateMachineArn = await testbed.createMachine(
      {
        StartAt: 'Notify',
        States: {
          Notify: {
            Type: 'Task',
            Resource: 'arn:aws:states:::sns:publish.waitForTaskToken',
            Parameters: { TopicArn: topicArn, Message: { 'token.$': '$$.Task.Token' } },
            HeartbeatSeconds: 1,
            Catch: [{ ErrorEquals: ['States.HeartbeatTimeout'], Next: 'Timed out' }],
            End: true,
          },
          'Timed out': { Type: 'Pass', End: true },
        },
      },
      'silent-subscriber',
    );
    const { executionArn } = await startExecution(deps(), { stateMachineArn, input: '{}' });
    const run = await testbed.waitForClose(executionArn, 20_000);
    expect(run.status).toBe('SUCCEEDED');
    expect(typesOf(run.events).slice(2, 6)).toEqual([
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskTimedOut',
    ]);
    expect(run.events.find((event) => event.type === 'TaskTimedOut')).toMatchObject({
      taskTimedOutEventDetails: {
        resourceType: 'sns',
        resource: 'publish.waitForTaskToken',
        error: 'States.Timeout',
      },
    });
  });
});

describe('the AWS SDK form (aws-sdk:<service>:<action>)', () => {
  it('s3 putObject then getObject: the output members as the SDK names them, the Body as text', async () => {
    const run = await testbed.run({
      definition: {
        StartAt: 'Put',
        States: {
          Put: {
            Type: 'Task',
            Resource: 'arn:aws:states:::aws-sdk:s3:putObject',
            Parameters: { Bucket: 'receipts', Key: 'o-1.txt', Body: 'paid 42' },
            ResultSelector: { 'ETag.$': '$.ETag' },
            ResultPath: '$.put',
            Next: 'Get',
          },
          Get: {
            Type: 'Task',
            Resource: 'arn:aws:states:::aws-sdk:s3:getObject',
            Parameters: { Bucket: 'receipts', Key: 'o-1.txt' },
            ResultSelector: { 'Body.$': '$.Body', 'ContentLength.$': '$.ContentLength' },
            ResultPath: '$.got',
            End: true,
          },
        },
      },
    });
    expect(run.status).toBe('SUCCEEDED');
    expect(JSON.parse(run.output ?? 'null')).toMatchObject({
      put: { ETag: expect.any(String) },
      got: { Body: 'paid 42', ContentLength: 7 },
    });
    expect(run.events.find((event) => event.type === 'TaskScheduled')).toMatchObject({
      taskScheduledEventDetails: { resourceType: 'aws-sdk:s3', resource: 'putObject' },
    });
  });

  it.each([
    {
      when: 's3 getObject of a key that does not exist',
      resource: 'arn:aws:states:::aws-sdk:s3:getObject',
      parameters: { Bucket: 'receipts', Key: 'nothing-here' },
      error: 'S3.NoSuchKeyException',
      cause: /\(Service: S3, Status Code: 404, Request ID: .*\)$/,
    },
    {
      when: 'dynamodb describeTable of a table that does not exist',
      resource: 'arn:aws:states:::aws-sdk:dynamodb:describeTable',
      parameters: { TableName: 'missing' },
      error: 'DynamoDb.ResourceNotFoundException',
      cause: /\(Service: DynamoDb, Status Code: 400, Request ID: .*\)$/,
    },
    {
      when: 'ssm getParameter with no SSM endpoint configured locally',
      resource: 'arn:aws:states:::aws-sdk:ssm:getParameter',
      parameters: { Name: 'x' },
      error: 'States.TaskFailed',
      cause: /^Statefold cannot call aws-sdk:ssm:getParameter: no endpoint is configured for ssm/,
    },
    {
      when: 'a service whose client package is not installed',
      resource: 'arn:aws:states:::aws-sdk:kinesis:putRecord',
      parameters: {},
      error: 'States.TaskFailed',
      cause: /no endpoint is configured for kinesis|@aws-sdk\/client-kinesis is not installed/,
    },
  ])('$when fails with $error', async (row) => {
    const run = await testbed.run({ definition: task(row.resource, row.parameters) });
    expect(run).toMatchObject({
      status: 'FAILED',
      error: row.error,
      cause: expect.stringMatching(row.cause),
    });
  });

  it('dynamodb listTables answers the table the test created', async () => {
    const run = await testbed.run({
      definition: task('arn:aws:states:::aws-sdk:dynamodb:listTables', {}),
    });
    expect(JSON.parse(run.output ?? 'null').TableNames).toContain('orders');
  });
});

describe('validation', () => {
  it.each([
    'arn:aws:states:::sqs:sendMessage.sync',
    'arn:aws:states:::dynamodb:getItem.waitForTaskToken',
    'arn:aws:states:::aws-sdk:s3:getObject.sync',
    'arn:aws:states:::nosuchservice:doIt',
    'arn:aws:states:::dynamodb:scan',
  ])('CreateStateMachine rejects %s with AWS diagnostic', async (resource) => {
    const refused = await testbed
      .createMachine(task(resource, {}))
      .then(() => undefined)
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(EngineError);
    expect((refused as EngineError).message).toContain(
      `SCHEMA_VALIDATION_FAILED: The resource provided ${resource} is not recognized. The value is not a valid resource ARN, or the resource is not available in this region. at /States/Call/Resource`,
    );
  });
});
