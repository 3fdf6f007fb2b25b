/**
 * What one step costs through the local server (`statefold start`), as a user meets it: the server on a free
 * port with a fresh data folder, driven with the AWS SDK (StartExecution, then DescribeExecution until the
 * execution closes). Two workflows: a chain of Pass states and a chain of Lambda tasks (a local handler that
 * returns at once). The figure per state is the execution's own duration (stopDate − startDate, which the
 * engine stamps) over its states, the median of several executions run one after another.
 *   node bench/local-steps.ts [--runs n]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { startLocalServer } from '../shared/local/local-server.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
const RUNS = Number(values.runs);
const PASS_STATES = 20;
const TASK_STATES = 10;
const TARGET_PASS_MS = 5;
const TARGET_TASK_MS = 20;
const ROLE = 'arn:aws:iam::123456789012:role/StatefoldBenchRole';

function chain(count: number, state: (index: number) => object): object {
  const States: Record<string, object> = {};
  for (let index = 0; index < count; index++) {
    States[`S${index}`] = {
      ...state(index),
      ...(index === count - 1 ? { End: true } : { Next: `S${index + 1}` }),
    };
  }
  return { StartAt: 'S0', States };
}

const passChain = chain(PASS_STATES, () => ({ Type: 'Pass' }));
const taskChain = chain(TASK_STATES, () => ({
  Type: 'Task',
  Resource: 'arn:aws:lambda:us-east-1:123456789012:function:noop',
}));

const dataDir = await mkdtemp(join(tmpdir(), 'statefold-bench-steps-'));
const server = await startLocalServer({
  port: 0,
  dataDir,
  functions: { noop: async (event: unknown) => event },
});
const sfn = new SFNClient({
  endpoint: server.endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  maxAttempts: 1,
  disableHostPrefix: true,
});

/** Milliseconds per state of each run (the first, a warm-up, left out). */
async function measure(name: string, definition: object, states: number): Promise<number[]> {
  const { stateMachineArn } = await sfn.send(
    new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: ROLE }),
  );
  const perState: number[] = [];
  for (let run = 0; run <= RUNS; run++) {
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{"n":1}' }));
    for (;;) {
      const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      if (described.status !== 'RUNNING') {
        if (described.status !== 'SUCCEEDED')
          throw new Error(`${name}: ${described.status} ${described.cause}`);
        const ms = (described.stopDate?.getTime() ?? 0) - (described.startDate?.getTime() ?? 0);
        if (run > 0) perState.push(ms / states);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  return perState;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

try {
  const pass = median(await measure('pass-chain', passChain, PASS_STATES));
  const task = median(await measure('task-chain', taskChain, TASK_STATES));
  const row = (what: string, ms: number, target: number) =>
    `| ${what} | ${ms.toFixed(1)} ms | ≤ ${target} ms | ${(ms / target).toFixed(2)} | ${ms <= target ? 'met' : 'not met'} |`;
  process.stdout.write(
    [
      `Local steps through the local server (AWS SDK, median of ${RUNS} executions, Node ${process.versions.node})`,
      '',
      '| Step | Time per state | Target | Ratio to target | |',
      '| --- | ---: | ---: | ---: | --- |',
      row(`Pass state (${PASS_STATES}-state chain)`, pass, TARGET_PASS_MS),
      row(`Lambda task (${TASK_STATES}-task chain, local handler)`, task, TARGET_TASK_MS),
      '',
    ].join('\n'),
  );
} finally {
  sfn.destroy();
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
}
