import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalServer, startLocalServer } from '../../shared/local/local-server.ts';

/**
 * StartSyncExecution is a "sync-" host-prefixed operation: stock botocore clients (the AWS CLI, boto3) send it to
 * sync-127.0.0.1, which does not resolve. Their own setting AWS_DISABLE_HOST_PREFIX_INJECTION=true (or
 * `disable_host_prefix_injection = true` in ~/.aws/config) sends it to the endpoint as given, which is what
 * `statefold start` prints. Both clients come with this machine's Python (the AWS CLI v1 and boto3).
 */
const run = promisify(execFile);
let dataDir: string;
let server: LocalServer;

const DEFINITION = JSON.stringify({
  StartAt: 'Hello',
  States: { Hello: { Type: 'Pass', Result: 'hi', End: true } },
});
const MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:quick';

const credentials = {
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  AWS_DEFAULT_REGION: 'us-east-1',
};

async function client(command: string, args: string[], env: Record<string, string>) {
  try {
    const { stdout } = await run(command, args, {
      env: { ...process.env, ...credentials, ...env },
      timeout: 60_000,
    });
    return { ok: true, stdout };
  } catch (error) {
    return { ok: false, stdout: String((error as { stderr?: string }).stderr ?? error) };
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'statefold-sync-prefix-'));
  server = await startLocalServer({
    port: 0,
    dataDir,
    stateMachines: [
      {
        name: 'quick',
        type: 'EXPRESS',
        definition: DEFINITION,
        definitionFile: 'quick.json',
        // With logging on, Statefold keeps the EXPRESS runs (AWS keeps none): DescribeExecution answers.
        loggingConfiguration: { level: 'ALL', includeExecutionData: true },
      },
    ],
  });
});
afterAll(async () => {
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const awsCli = (env: Record<string, string>) =>
  client(
    'aws',
    [
      'stepfunctions',
      'start-sync-execution',
      '--endpoint-url',
      server.endpoint,
      '--state-machine-arn',
      MACHINE_ARN,
    ],
    env,
  );

const boto3 = (env: Record<string, string>) =>
  client(
    'python3',
    [
      '-c',
      [
        'import boto3, json, sys',
        "sfn = boto3.client('stepfunctions', endpoint_url=sys.argv[1])",
        'answer = sfn.start_sync_execution(stateMachineArn=sys.argv[2])',
        "print(json.dumps({'status': answer['status'], 'output': answer.get('output'), 'executionArn': answer['executionArn']}))",
      ].join('\n'),
      server.endpoint,
      MACHINE_ARN,
    ],
    env,
  );

describe.each([
  ['the AWS CLI', awsCli],
  ['boto3', boto3],
])('StartSyncExecution from %s', (_, call) => {
  it('reaches the local server with AWS_DISABLE_HOST_PREFIX_INJECTION=true', async () => {
    const answer = await call({ AWS_DISABLE_HOST_PREFIX_INJECTION: 'true' });
    expect(answer.ok, answer.stdout).toBe(true);
    const result = JSON.parse(answer.stdout) as { executionArn: string };
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: '"hi"' });
    // The config's loggingConfiguration reached the machine: the run was kept.
    const described = await client(
      'aws',
      [
        'stepfunctions',
        'describe-execution',
        '--endpoint-url',
        server.endpoint,
        '--execution-arn',
        result.executionArn,
      ],
      {},
    );
    expect(JSON.parse(described.stdout)).toMatchObject({ status: 'SUCCEEDED', output: '"hi"' });
  });

  it('without it goes to the sync- host, which does not resolve', async () => {
    const answer = await call({ AWS_MAX_ATTEMPTS: '1' });
    expect(answer.ok).toBe(false);
    expect(answer.stdout).toMatch(/sync-127\.0\.0\.1/);
  });
});

describe('TestState from boto3', () => {
  // TestState is host-prefixed too (sync-states): the same setting reaches the local server.
  const testState = (env: Record<string, string>) =>
    client(
      'python3',
      [
        '-c',
        [
          'import boto3, json, sys',
          "sfn = boto3.client('stepfunctions', endpoint_url=sys.argv[1])",
          'state = json.dumps({"Type": "Pass", "Parameters": {"greeting.$": "States.Format(\'hi {}\', $.name)"}, "End": True})',
          "answer = sfn.test_state(definition=state, input=json.dumps({'name': 'Ada'}), inspectionLevel='DEBUG')",
          "print(json.dumps({'status': answer['status'], 'output': answer.get('output'), 'afterParameters': answer['inspectionData'].get('afterParameters')}))",
        ].join('\n'),
        server.endpoint,
      ],
      env,
    );

  it('reaches the local server with AWS_DISABLE_HOST_PREFIX_INJECTION=true, at inspection level DEBUG', async () => {
    const answer = await testState({ AWS_DISABLE_HOST_PREFIX_INJECTION: 'true' });
    expect(answer.ok, answer.stdout).toBe(true);
    expect(JSON.parse(answer.stdout)).toEqual({
      status: 'SUCCEEDED',
      output: '{"greeting":"hi Ada"}',
      afterParameters: '{"greeting":"hi Ada"}',
    });
  });
});
