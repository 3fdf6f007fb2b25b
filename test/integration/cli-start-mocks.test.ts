import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSfnClient, waitForClosedExecution } from '../support/sfn-client.ts';
import { spawnStart } from '../support/statefold-command.ts';

/**
 * `statefold start` (`npm start`) with `mockConfigFile` in its config file, as a user runs it: one spawned
 * server for the file, then StartExecution with the SDK on `<stateMachineArn>#<TestCase>`. The mock file is
 * the order-processing example's (its StatefoldExpectations member included, which the server does not read)
 * with a `parent` machine added whose `states:startExecution.sync:2` child is answered by a mock.
 */
const ROOT = join(import.meta.dirname, '../..');
const EXAMPLE = join(ROOT, 'examples/order-processing');
const ENV = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.startsWith('STATEFOLD_')),
) as NodeJS.ProcessEnv;
const ARN = (name: string) => `arn:aws:states:us-east-1:123456789012:stateMachine:${name}`;

const PARENT = {
  StartAt: 'Ship',
  States: {
    Ship: {
      Type: 'Task',
      Resource: 'arn:aws:states:::states:startExecution.sync:2',
      Parameters: { StateMachineArn: ARN('shipping'), 'Input.$': '$' },
      ResultSelector: { 'status.$': '$.Status', 'output.$': '$.Output' },
      End: true,
    },
  },
};

let dir: string;
let child: ChildProcess;
let sfn: SFNClient;
let expectations: Record<string, { output?: unknown }>;
let runs: Record<'happy' | 'declined' | 'shipped', ReturnType<typeof runCase>>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'statefold-start-mocks-'));
  const example = JSON.parse(await readFile(join(EXAMPLE, 'MockConfigFile.json'), 'utf8'));
  expectations = example.StatefoldExpectations['order-processing'];
  const mocks = {
    ...example,
    StateMachines: { ...example.StateMachines, parent: { TestCases: { Shipped: { Ship: 'ShippingDone' } } } },
    MockedResponses: {
      ...example.MockedResponses,
      ShippingDone: { '0': { Return: { Status: 'SUCCEEDED', Output: { trackingId: 'T-1' } } } },
    },
  };
  await writeFile(join(dir, 'mocks.json'), JSON.stringify(mocks));
  await writeFile(join(dir, 'parent.json'), JSON.stringify(PARENT));
  await writeFile(
    join(dir, 'statefold.config.json'),
    JSON.stringify({
      mockConfigFile: './mocks.json',
      stateMachines: [
        { name: 'order-processing', definition: join(EXAMPLE, 'definition.json') },
        { name: 'parent', definition: './parent.json' },
      ],
    }),
  );
  const started = await spawnStart({ dataDir: join(dir, 'data'), cwd: dir, env: ENV });
  child = started.child;
  expect(started.printed()).toContain('mocks:     ');
  sfn = createSfnClient(started.endpoint);
  // The three cases run at once on the one server; each test waits for its own.
  const input = await readFile(join(EXAMPLE, 'input.json'), 'utf8');
  runs = {
    happy: runCase('order-processing', 'HappyPath', 'happy', input),
    declined: runCase('order-processing', 'PaymentDeclined', 'declined'),
    shipped: runCase('parent', 'Shipped', 'shipped', '{"order":"order-1042"}'),
  };
  for (const run of Object.values(runs)) run.catch(() => {});
});
afterAll(async () => {
  sfn?.destroy();
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function runCase(machine: string, testCase: string, name: string, input = '{}') {
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn: `${ARN(machine)}#${testCase}`, name, input }),
  );
  return waitForClosedExecution(sfn, executionArn as string);
}

describe('statefold start with mockConfigFile in its config', () => {
  it('order-processing#HappyPath runs on the mocks: the output the file expects, the retry in the history', async () => {
    const described = await runs.happy;
    expect(described.status).toBe('SUCCEEDED');
    expect(described.stateMachineArn).toBe(ARN('order-processing'));
    expect(JSON.parse(described.output ?? 'null')).toEqual(expectations.HappyPath?.output);
    const { events = [] } = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn: described.executionArn, maxResults: 1000 }),
    );
    expect(
      events
        .filter((event) => event.type === 'TaskFailed')
        .map((event) => event.taskFailedEventDetails?.error),
    ).toEqual(['PaymentGatewayTimeout']);
  });

  it('order-processing#PaymentDeclined fails as the mocked Throw makes it, through the Catch', async () => {
    const described = await runs.declined;
    expect([described.status, described.error, described.cause]).toEqual([
      'FAILED',
      'PaymentFailed',
      'Card declined for order-1042',
    ]);
  });

  it('parent#Shipped: the mock answers the .sync:2 child, which never starts', async () => {
    const described = await runs.shipped;
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output ?? 'null')).toEqual({
      status: 'SUCCEEDED',
      output: { trackingId: 'T-1' },
    });
    const { events = [] } = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn: described.executionArn }),
    );
    expect(events.find((event) => event.type === 'TaskSucceeded')?.taskSucceededEventDetails).toMatchObject({
      resourceType: 'states',
      resource: 'startExecution.sync:2',
    });
    expect(events.map((event) => event.type)).not.toContain('TaskSubmitted');
    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: ARN('parent') }));
    expect(listed.executions?.map((execution) => execution.name)).toEqual(['shipped']);
  });
});
