import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeclaredResources } from '../../shared/composition/declared-resources.ts';
import { type EmbeddedSqs, startEmbeddedSqs } from '../../shared/local/embedded-sqs.ts';
import { parseMockConfig, testCasesOf } from '../../shared/testing/mock-config.ts';
import { testWorkflow } from '../../shared/testing/test-workflow.ts';
import { statefold } from '../support/statefold-command.ts';

/**
 * AWS's documented example, "Using mocked service integrations for testing in Step Functions Local": its
 * MockConfigFile.json and its LambdaSQSIntegration definition, copied unchanged into test/fixtures. What each
 * case does is what that page says: HappyPath mocks both states; RetryPath throws on the first attempt and the
 * first two retries and returns on the third retry; HybridPath mocks LambdaState only, and SQSState "performs
 * an actual service call" (here to the embedded SQS, fauxqs, where the test receives the message it sent).
 */
const FIXTURES = join(import.meta.dirname, '../fixtures/aws-stepfunctions-local');
const MOCK_FILE = join(FIXTURES, 'MockConfigFile.json');
const DEFINITION_FILE = join(FIXTURES, 'LambdaSQSIntegration.asl.json');
const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/myQueue';

const LAMBDA_RESULT = { StatusCode: 200, Payload: { StatusCode: 200, body: 'Hello from Lambda!' } };
const SQS_RESULT = {
  MD5OfMessageBody: '3bcb6e8e-7h85-4375-b0bc-1a59812c6e51',
  MessageId: '3bcb6e8e-8b51-4375-b0bc-1a59812c6e51',
};

let mocks: string;
let definition: string;
let sqs: EmbeddedSqs;
let client: SQSClient;
const integrations = () => ({ endpoints: { sqs: sqs.endpoint } });

beforeAll(async () => {
  [mocks, definition, sqs] = await Promise.all([
    readFile(MOCK_FILE, 'utf8'),
    readFile(DEFINITION_FILE, 'utf8'),
    startEmbeddedSqs(),
  ]);
  await createDeclaredResources({ queues: ['myQueue'] }, { sqs: sqs.endpoint }, 'us-east-1');
  client = new SQSClient({
    endpoint: sqs.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  client?.destroy();
  await sqs?.stop();
});

/** The messages on myQueue, received and deleted. */
async function drainQueue(): Promise<string[]> {
  const { Messages = [] } = await client.send(
    new ReceiveMessageCommand({ QueueUrl: QUEUE_URL, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
  );
  for (const message of Messages) {
    await client.send(
      new DeleteMessageCommand({ QueueUrl: QUEUE_URL, ReceiptHandle: message.ReceiptHandle }),
    );
  }
  return Messages.map((message) => message.Body ?? '');
}

const detailsOf = (event: object, key: string) => (event as Record<string, Record<string, unknown>>)[key];

describe("AWS's MockConfigFile example, unchanged", () => {
  it('is read as AWS writes it: three test cases, and the unused LambdaMockedResourceNotReady response', () => {
    const config = parseMockConfig(mocks);
    expect(testCasesOf(config, 'LambdaSQSIntegration')).toEqual(['HappyPath', 'RetryPath', 'HybridPath']);
    expect(Object.keys(config.mockedResponses).sort()).toEqual([
      'LambdaMockedResourceNotReady',
      'MockedLambdaRetry',
      'MockedLambdaSuccess',
      'MockedSQSSuccess',
    ]);
  });

  it('HappyPath: LambdaState returns MockedLambdaSuccess, passed on to SQSState, which returns MockedSQSSuccess', async () => {
    const result = await testWorkflow({
      definition,
      mocks,
      testCase: 'HappyPath',
      integrations: integrations(),
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.path).toEqual(['LambdaState', 'SQSState']);
    expect(JSON.parse(result.output ?? 'null')).toEqual(SQS_RESULT);
    const sqsEntered = result.events.find(
      (event) => detailsOf(event, 'stateEnteredEventDetails')?.name === 'SQSState',
    );
    expect(JSON.parse(detailsOf(sqsEntered ?? {}, 'stateEnteredEventDetails')?.input as string)).toEqual(
      LAMBDA_RESULT,
    );
    expect(result.events.filter((event) => event.type === 'TaskFailed')).toEqual([]);
    expect(await drainQueue()).toEqual([]);
  });

  it('RetryPath: attempt 0 throws ResourceNotReady, retries 1-2 time out, retry 3 returns; the retries wait 2, 4 and 8 s', async () => {
    const result = await testWorkflow({
      definition,
      mocks,
      testCase: 'RetryPath',
      integrations: integrations(),
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.path).toEqual(['LambdaState', 'SQSState']);
    expect(JSON.parse(result.output ?? 'null')).toEqual(SQS_RESULT);
    const failures = result.events.filter((event) => event.type === 'TaskFailed');
    expect(failures.map((event) => detailsOf(event, 'taskFailedEventDetails'))).toEqual([
      expect.objectContaining({
        error: 'Lambda.ResourceNotReadyException',
        cause: 'Lambda resource is not ready.',
      }),
      expect.objectContaining({ error: 'Lambda.TimeoutException', cause: 'Lambda timed out.' }),
      expect.objectContaining({ error: 'Lambda.TimeoutException', cause: 'Lambda timed out.' }),
    ]);
    const lambdaScheduled = result.events
      .filter((event) => event.type === 'TaskScheduled')
      .filter((event) => detailsOf(event, 'taskScheduledEventDetails')?.resourceType === 'lambda')
      .map((event) => new Date(event.timestamp as Date).getTime());
    expect(lambdaScheduled).toHaveLength(4);
    expect(lambdaScheduled.slice(1).map((at, i) => at - (lambdaScheduled[i] as number))).toEqual([
      2000, 4000, 8000,
    ]);
    expect(await drainQueue()).toEqual([]);
  });

  it('HybridPath: LambdaState is mocked; SQSState sends the mocked result to the queue for real', async () => {
    const result = await testWorkflow({
      definition,
      mocks,
      testCase: 'HybridPath',
      integrations: integrations(),
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.path).toEqual(['LambdaState', 'SQSState']);
    const output = JSON.parse(result.output ?? 'null') as { MessageId: string; MD5OfMessageBody: string };
    expect(output.MessageId).not.toBe(SQS_RESULT.MessageId);
    const bodies = await drainQueue();
    expect(bodies.map((body) => JSON.parse(body))).toEqual([LAMBDA_RESULT]);
    expect(output.MD5OfMessageBody).toBe(
      createHash('md5')
        .update(bodies[0] as string)
        .digest('hex'),
    );
  });

  it('statefold test runs the three cases of the unchanged file and prints what each did', async () => {
    const { code, stdout, stderr } = await statefold(
      'test',
      DEFINITION_FILE,
      '--mocks',
      MOCK_FILE,
      '--integrations',
      JSON.stringify(integrations()),
    );
    expect(stderr).toBe('');
    const lines = stdout.split('\n');
    expect(lines[0]).toBe(
      `PASS HappyPath: SUCCEEDED via LambdaState → SQSState; output ${JSON.stringify(SQS_RESULT)}`,
    );
    expect(lines[1]).toBe(
      `PASS RetryPath: SUCCEEDED via LambdaState → SQSState; output ${JSON.stringify(SQS_RESULT)}`,
    );
    expect(lines[2]).toMatch(
      /^PASS HybridPath: SUCCEEDED via LambdaState → SQSState; output \{"MD5OfMessageBody":"[0-9a-f]{32}","MessageId":"[^"]+",/,
    );
    expect(lines.slice(3)).toEqual(['3 passed, 0 failed', '']);
    expect(code).toBe(0);
    expect((await drainQueue()).map((body) => JSON.parse(body))).toEqual([LAMBDA_RESULT]);
  });
});
