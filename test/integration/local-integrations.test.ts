import { type ChildProcess, execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import {
  GetExecutionHistoryCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExecution } from '../../shared/composition/run-execution.ts';
import { type EmbeddedDynamoDB, startEmbeddedDynamoDB } from '../../shared/local/embedded-dynamodb.ts';
import { loadLocalConfig } from '../../shared/local/local-config.ts';
import { until } from '../support/eventually.ts';
import { createSfnClient, waitForClosedExecution } from '../support/sfn-client.ts';
import { spawnStart } from '../support/statefold-command.ts';

/**
 * Service integrations in local mode, as a user meets them: `statefold start` on the repository's config
 * prints each embedded service's endpoint, creates the config's table and queue, and runs the
 * order-fulfilment example (DynamoDB, then SQS with a callback) to the end; `runExecution` and
 * `statefold run` take the same `integrations` configuration.
 */
const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/statefold.ts');
const ENV = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.startsWith('STATEFOLD_')),
) as NodeJS.ProcessEnv;
const LOCAL = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:order-fulfilment';

describe('statefold start with service integrations', () => {
  let dataDir: string;
  let child: ChildProcess;
  let printed: () => string = () => '';
  let sfn: SFNClient;
  let endpoints: Record<string, string>;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'statefold-integrations-'));
    const started = await spawnStart({ dataDir, cwd: ROOT, env: ENV });
    child = started.child;
    const endpoint = started.endpoint;
    printed = started.printed;
    sfn = createSfnClient(endpoint);
    endpoints = Object.fromEntries(
      [...printed().matchAll(/^ {4}(DynamoDB|SQS|SNS|S3) (http:\/\/127\.0\.0\.1:\d+)$/gm)].map((m) => [
        m[1] as string,
        m[2] as string,
      ]),
    );
  });
  afterAll(async () => {
    sfn?.destroy();
    if (child && child.exitCode === null) {
      child.kill('SIGINT');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('prints each embedded service on its own line: DynamoDB, SQS, SNS and S3 with their endpoints', () => {
    expect(Object.keys(endpoints).sort()).toEqual(['DynamoDB', 'S3', 'SNS', 'SQS']);
    expect(printed()).toContain(`state machine order-fulfilment (created): ${MACHINE}`);
  });

  it("the config's table exists in the printed DynamoDB, for the AWS CLI and SDKs too", async () => {
    const dynamodb = new DynamoDBClient({ ...LOCAL, endpoint: endpoints.DynamoDB as string });
    const { TableNames } = await dynamodb.send(new ListTablesCommand({}));
    dynamodb.destroy();
    expect(TableNames).toContain('orders');
  });

  it('the order-fulfilment example writes to DynamoDB, sends its token to SQS and finishes on SendTaskSuccess', async () => {
    const input = await readFile(join(ROOT, 'examples/order-fulfilment/input.json'), 'utf8');
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: MACHINE, name: 'fulfil-1', input }),
    );
    const sqs = new SQSClient({ ...LOCAL, endpoint: endpoints.SQS as string });
    const queueUrl = 'https://sqs.us-east-1.amazonaws.com/123456789012/approvals';
    const message = await until('the approval request on the approvals queue', async () => {
      const { Messages } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }),
      );
      return Messages?.[0];
    });
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    sqs.destroy();
    const body = JSON.parse(message.Body ?? '{}') as { orderId: string; total: number; taskToken: string };
    expect(body).toMatchObject({ orderId: 'o-1001', total: 42 });
    await sfn.send(
      new SendTaskSuccessCommand({ taskToken: body.taskToken, output: '{"decision":"APPROVED"}' }),
    );
    const closed = await waitForClosedExecution(sfn, executionArn as string);
    expect(closed.status).toBe('SUCCEEDED');
    expect(JSON.parse(closed.output ?? 'null')).toEqual({
      orderId: 'o-1001',
      total: 42,
      approval: { decision: 'APPROVED' },
      saved: { status: 'APPROVED' },
    });
    const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    expect(events?.map((event) => event.type)).toContain('TaskSubmitted');
    const dynamodb = new DynamoDBClient({ ...LOCAL, endpoint: endpoints.DynamoDB as string });
    const { Item } = await dynamodb.send(
      new GetItemCommand({ TableName: 'orders', Key: { orderId: { S: 'o-1001' } } }),
    );
    dynamodb.destroy();
    expect(Item).toEqual({ orderId: { S: 'o-1001' }, total: { N: '42' }, status: { S: 'APPROVED' } });
  });
});

describe('runExecution and statefold run take the same integrations configuration', () => {
  let dynamodb: EmbeddedDynamoDB;
  const putItem = {
    StartAt: 'Put',
    States: {
      Put: {
        Type: 'Task',
        Resource: 'arn:aws:states:::aws-sdk:dynamodb:listTables',
        Parameters: {},
        End: true,
      },
    },
  };

  beforeAll(async () => {
    dynamodb = await startEmbeddedDynamoDB();
  });
  afterAll(async () => {
    await dynamodb?.stop();
  });

  it.each([
    ['with the endpoint of a DynamoDB', true, 'SUCCEEDED', undefined],
    ['without integrations', false, 'FAILED', 'States.TaskFailed'],
  ])('runExecution %s: %s', async (_case, configured, status, error) => {
    const result = await runExecution({
      definition: putItem,
      ...(configured ? { integrations: { endpoints: { dynamodb: dynamodb.endpoint } } } : {}),
    });
    expect(result).toMatchObject({ status, ...(error !== undefined ? { error } : {}) });
    if (configured) expect(JSON.parse(result.output ?? 'null').TableNames).toContain(dynamodb.tableName);
  });

  it('statefold run --integrations @file calls the endpoints it names', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'statefold-run-integrations-'));
    try {
      await writeFile(join(dir, 'definition.json'), JSON.stringify(putItem));
      await writeFile(
        join(dir, 'integrations.json'),
        JSON.stringify({ endpoints: { dynamodb: dynamodb.endpoint } }),
      );
      const outcome = await new Promise<{ code: number; stdout: string }>((resolve) => {
        execFile(
          process.execPath,
          [BIN, 'run', join(dir, 'definition.json'), '--integrations', `@${join(dir, 'integrations.json')}`],
          { cwd: ROOT, env: ENV },
          (failure, stdout) =>
            resolve({ code: failure ? ((failure as { code?: number }).code ?? 1) : 0, stdout }),
        );
      });
      expect(outcome.code).toBe(0);
      expect(JSON.parse(JSON.parse(outcome.stdout).output).TableNames).toContain(dynamodb.tableName);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("the config's integrations field", () => {
  it.each<[string, unknown, RegExp]>([
    [
      'an unknown field',
      { integrations: { lambdas: [] } },
      /'integrations\.lambdas' is not an integrations field/,
    ],
    [
      'an endpoint that is no URL',
      { integrations: { endpoints: { dynamodb: 'localhost:8000' } } },
      /'integrations\.endpoints\.dynamodb' must be an http\(s\) URL or 'aws'/,
    ],
    [
      'a table without its partition key',
      { integrations: { tables: [{ name: 'orders' }] } },
      /'integrations\.tables\[0\]\.partitionKey' must be an attribute name/,
    ],
    [
      'queues that are not names',
      { integrations: { queues: [1] } },
      /'integrations\.queues' must be a list of names/,
    ],
  ])('%s is refused, naming the file and the field', async (_case, config, message) => {
    const dir = await mkdtemp(join(tmpdir(), 'statefold-integrations-config-'));
    try {
      await writeFile(join(dir, 'bad.json'), JSON.stringify(config));
      await expect(loadLocalConfig({ cwd: dir, configFile: 'bad.json', env: {} })).rejects.toThrow(message);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('declared endpoints and resources reach the loaded config as written', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'statefold-integrations-config-'));
    const integrations = {
      endpoints: { eventbridge: 'aws', dynamodb: 'http://127.0.0.1:8000' },
      tables: [{ name: 't', partitionKey: { name: 'id', type: 'N' }, sortKey: 'at' }],
      topics: ['events'],
      buckets: ['files'],
    };
    try {
      await writeFile(join(dir, 'statefold.config.json'), JSON.stringify({ integrations }));
      expect((await loadLocalConfig({ cwd: dir, env: {} })).integrations).toEqual(integrations);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
