import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeExecution } from '../../shared/engine/executions.ts';
import { startExecution } from '../../shared/engine/start-execution.ts';
import { createStateMachine } from '../../shared/engine/state-machines.ts';
import { type LocalServer, startLocalServer } from '../../shared/local/local-server.ts';
import type { EngineQueue } from '../../shared/queue/dead-letters.ts';
import type { SqsBatchHandler } from '../../shared/queue/event-source-poller.ts';
import { until } from '../support/eventually.ts';
import { STATEFOLD_BIN } from '../support/statefold-command.ts';

/**
 * `statefold dlq list|redrive` against a local server (startLocalServer, in this process: its embedded fauxqs)
 * and, through a stack's outputs file, against "AWS" (the same fauxqs, reached with AWS_ENDPOINT_URL_SQS). A
 * message is put in a dead-letter queue as SQS would after its last failed delivery; list shows it with its
 * execution, kind and receive count; redrive sends it back and the execution goes on to SUCCEEDED.
 */
const ENV = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.startsWith('STATEFOLD_') && !name.startsWith('AWS_')),
) as NodeJS.ProcessEnv;

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

function statefold(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [STATEFOLD_BIN, ...args],
      { env: { ...ENV, ...env } },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

/** Executions whose next message on a queue goes straight to that queue's DLQ instead of its handler. */
const divert: Record<'transitions' | 'tasks', Set<string>> = { transitions: new Set(), tasks: new Set() };

let server: LocalServer;
let dataDir: string;
let stateMachineArn: string;

function diverting(queue: string, handler: SqsBatchHandler): SqsBatchHandler {
  if (queue !== 'transitions' && queue !== 'tasks') return handler;
  const diverted = divert[queue];
  return async (event: SQSEvent, context) => {
    const kept = [];
    for (const record of event.Records) {
      const arn = (JSON.parse(record.body) as { executionArn?: string }).executionArn ?? '';
      if (!diverted.delete(arn)) {
        kept.push(record);
        continue;
      }
      // What SQS does after the last failed delivery: the message moves, with its group, to the DLQ.
      await server.engine.sqs.client.send(
        new SendMessageCommand({
          QueueUrl: server.engine.sqs.dlqUrls[queue],
          MessageBody: record.body,
          ...(queue === 'transitions'
            ? {
                MessageGroupId: record.attributes.MessageGroupId,
                MessageDeduplicationId: record.attributes.MessageDeduplicationId,
              }
            : {}),
        }),
      );
    }
    return kept.length > 0 ? handler({ Records: kept }, context) : { batchItemFailures: [] };
  };
}

async function deadLettered(queue: EngineQueue): Promise<number> {
  const { Attributes } = await server.engine.sqs.client.send(
    new GetQueueAttributesCommand({
      QueueUrl: server.engine.sqs.dlqUrls[queue],
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes?.ApproximateNumberOfMessages) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible)
  );
}

/** Starts an execution whose next message on `queue` is dead-lettered, and waits until it is. */
async function startDeadLettered(name: string, queue: 'transitions' | 'tasks'): Promise<string> {
  const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  const before = await deadLettered(queue);
  divert[queue].add(executionArn);
  await startExecution(server.engine.deps, { stateMachineArn, name, input: '{"n":1}' });
  await until(`${name}'s message in the ${queue} DLQ`, async () =>
    (await deadLettered(queue)) > before ? true : undefined,
  );
  expect((await describeExecution(server.engine.deps, { executionArn })).status).toBe('RUNNING');
  return executionArn;
}

function closed(executionArn: string) {
  return until(`${executionArn} to close`, async () => {
    const description = await describeExecution(server.engine.deps, { executionArn });
    return description.status === 'RUNNING' ? undefined : description;
  });
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'statefold-cli-dlq-'));
  server = await startLocalServer({
    port: 0,
    dataDir,
    functions: { echo: (event: unknown) => event },
    wrapHandler: diverting,
  });
  ({ stateMachineArn } = await createStateMachine(server.engine.deps, {
    name: 'dlq',
    roleArn: 'arn:aws:iam::123456789012:role/StatefoldExecutionRole',
    // A Pass first: commit 1 runs it and sends the advance to Echo, the transition a test loses (a top-level
    // task's result does not go through the transitions queue: its handler applies it).
    definition: JSON.stringify({
      StartAt: 'Begin',
      States: {
        Begin: { Type: 'Pass', Next: 'Echo' },
        Echo: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:echo', Next: 'Done' },
        Done: { Type: 'Pass', End: true },
      },
    }),
  }));
});

afterAll(async () => {
  await server?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('statefold dlq against the local server', () => {
  let transitionLost: string;
  let taskLost: string;

  beforeAll(async () => {
    transitionLost = await startDeadLettered('transition-lost', 'transitions');
    taskLost = await startDeadLettered('task-lost', 'tasks');
  });

  it('list shows each dead-lettered message: its queue, receive count, kind and execution', async () => {
    const result = await statefold(['dlq', 'list', '--endpoint-url', server.endpoint]);
    expect(result.code).toBe(0);
    const [header, ...rows] = result.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^QUEUE +RECEIVES +SENT +KIND +EXECUTION$/);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(new RegExp(`^transitions +\\d+ +\\S+Z +advance +${transitionLost}$`));
    expect(rows[1]).toMatch(new RegExp(`^tasks +\\d+ +\\S+Z +lambda echo +${taskLost}$`));
  });

  it('list --json --queue gives one queue as JSON lines, bodies included', async () => {
    const result = await statefold([
      'dlq',
      'list',
      '--queue',
      'tasks',
      '--json',
      '--endpoint-url',
      server.endpoint,
    ]);
    expect(result.code).toBe(0);
    const letters = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(letters).toEqual([
      expect.objectContaining({
        queue: 'tasks',
        executionArn: taskLost,
        kind: 'lambda echo',
        body: expect.any(String),
      }),
    ]);
    expect(letters[0].receiveCount).toBeGreaterThanOrEqual(1);
  });

  it('redrive --queue moves that queue only, and its execution proceeds', async () => {
    const result = await statefold(['dlq', 'redrive', '--queue', 'tasks', '--endpoint-url', server.endpoint]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('tasks: 1 message re-driven\n');
    expect((await closed(taskLost)).status).toBe('SUCCEEDED');
    expect((await describeExecution(server.engine.deps, { executionArn: transitionLost })).status).toBe(
      'RUNNING',
    );
  });

  it('redrive moves every queue, and the execution whose transition was lost finishes', async () => {
    const result = await statefold(['dlq', 'redrive', '--endpoint-url', server.endpoint]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      'transitions: 1 message re-driven\ntasks: 0 messages re-driven\ntimers: 0 messages re-driven\n',
    );
    const run = await closed(transitionLost);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.output).toBe('{"n":1}');
    const listed = await statefold(['dlq', 'list', '--endpoint-url', server.endpoint]);
    expect(listed.stdout).toMatch(/^No dead-lettered messages \(the local server at /);
  });
});

describe('statefold dlq against a stack, through its outputs', () => {
  it('resolves the queues from the outputs file and re-drives a lost transition', async () => {
    const lost = await startDeadLettered('stack-lost', 'transitions');
    const { urls } = server.engine.sqs;
    const outputs = join(dataDir, 'cdk-outputs.json');
    await writeFile(
      outputs,
      JSON.stringify({
        Statefold: {
          ApiUrl: 'https://example.execute-api.us-east-1.amazonaws.com',
          TransitionsQueueUrl: urls.transitions,
          TransitionsDeadLetterQueueName: 'transitions-dlq.fifo',
          TasksQueueUrl: urls.tasks,
          TasksDeadLetterQueueName: 'tasks-dlq',
          TimersQueueUrl: urls.timers,
          TimersDeadLetterQueueName: 'timers-dlq',
        },
      }),
    );
    const aws = {
      AWS_ENDPOINT_URL_SQS: server.engine.sqs.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    };
    const listed = await statefold(['dlq', 'list', '--outputs', outputs], aws);
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`\\ntransitions +\\d+ +\\S+Z +advance +${lost}\\n`));
    const redriven = await statefold(['dlq', 'redrive', '--queue', 'transitions', '--outputs', outputs], aws);
    expect(redriven.stdout).toBe('transitions: 1 message re-driven\n');
    expect((await closed(lost)).status).toBe('SUCCEEDED');
  });

  it.each([
    ['an outputs file of another stack', { Other: { ApiUrl: 'x' } }, /no TransitionsQueueUrl/],
    ['two stacks and no --stack', { A: {}, B: {} }, /hold 2 stacks \(A, B\): name one with --stack/],
  ])('exits 2 for %s', async (_case, content, message) => {
    const outputs = join(dataDir, 'bad-outputs.json');
    await writeFile(outputs, JSON.stringify(content));
    const result = await statefold(['dlq', 'list', '--outputs', outputs]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});

describe('statefold dlq on a bad command line', () => {
  let freePort = 0;
  beforeAll(async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
    freePort = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
  });

  it.each([
    ['no action', ['dlq'], 2, /dlq needs list or redrive/],
    [
      'an unknown queue',
      ['dlq', 'list', '--queue', 'nope'],
      2,
      /--queue must be one of transitions, tasks, timers/,
    ],
    ['no server', ['dlq', 'list', '--endpoint-url', 'FREE_PORT'], 1, /No Statefold server answers/],
  ])('%s', async (_case, args, code, message) => {
    const result = await statefold(
      args.map((arg) => (arg === 'FREE_PORT' ? `http://127.0.0.1:${freePort}` : arg)),
    );
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(message);
  });
});
