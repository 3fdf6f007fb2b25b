import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListStateMachinesCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../support/eventually.ts';
import { createSfnClient } from '../support/sfn-client.ts';

/**
 * The command line ends when its work does: `statefold run` as soon as the execution closes, whatever timers
 * (a task's TimeoutSeconds, the execution's) were still set, and `statefold start` within a second of Ctrl+C
 * after EXPRESS runs (each ran under a five-minute execution timeout).
 */
const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/statefold.ts');
const ENV = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.startsWith('STATEFOLD_')),
) as NodeJS.ProcessEnv;

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'statefold-cli-exits-'));
  await writeFile(join(folder, 'functions.mjs'), 'export const echo = async (event) => event;\n');
  const task = {
    Type: 'Task',
    Resource: 'arn:aws:lambda:us-east-1:123456789012:function:echo',
    TimeoutSeconds: 300,
    HeartbeatSeconds: 200,
  };
  const definitions = {
    'task-timeout.json': { StartAt: 'T', States: { T: { ...task, End: true } } },
    'execution-timeout.json': { TimeoutSeconds: 300, StartAt: 'T', States: { T: { ...task, End: true } } },
    'pass.json': { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
  };
  for (const [name, definition] of Object.entries(definitions)) {
    await writeFile(join(folder, name), JSON.stringify(definition));
  }
  await writeFile(
    join(folder, 'statefold.config.json'),
    JSON.stringify({
      functions: { echo: { module: './functions.mjs' } },
      stateMachines: [
        { name: 'express-pass', definition: './pass.json', type: 'EXPRESS' },
        { name: 'express-task', definition: './task-timeout.json', type: 'EXPRESS' },
      ],
    }),
  );
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

function spawnStatefold(args: string[]): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: folder,
    env: ENV,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited };
}

describe('statefold run', () => {
  it.each([
    ['a task with TimeoutSeconds and HeartbeatSeconds', 'task-timeout.json'],
    ['an execution with TimeoutSeconds', 'execution-timeout.json'],
  ])('exits as soon as %s succeeds', async (_, definition) => {
    const started = Date.now();
    const { child, exited } = spawnStatefold([
      'run',
      definition,
      '--functions',
      './functions.mjs',
      '--input',
      '{"a":1}',
    ]);
    let printed = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      printed += chunk.toString('utf8');
    });
    // Without a cleared timer, the process would live on for the 300 s of the timeout.
    const code = await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000, 'alive'))]);
    if (code === 'alive') child.kill('SIGKILL');
    expect(code).toBe(0);
    expect(JSON.parse(printed)).toMatchObject({ status: 'SUCCEEDED', output: '{"a":1}' });
    // Node's own start and the run: a few seconds at most on a loaded machine, never the timeout.
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('statefold start', () => {
  it('exits within a second of SIGINT after EXPRESS runs', async () => {
    const dataDir = join(folder, 'data');
    const { child, exited } = spawnStatefold(['start', '--port', '0', '--data-dir', dataDir]);
    let printed = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      printed += chunk.toString('utf8');
    });
    try {
      const endpoint = await until(
        'statefold start to print its endpoint',
        () => {
          if (child.exitCode !== null) throw new Error(`statefold start exited ${child.exitCode}`);
          return printed.includes('Press Ctrl+C')
            ? /running at (http:\/\/[\d.:]+)/.exec(printed)?.[1]
            : undefined;
        },
        // A start imports the engine, dynalite and fauxqs: seconds on a loaded machine.
        { intervalMs: 20, timeoutMs: 60_000 },
      );
      const sfn = createSfnClient(endpoint);
      const { stateMachines = [] } = await sfn.send(new ListStateMachinesCommand({}));
      for (const machine of stateMachines) {
        for (let run = 0; run < 3; run++) {
          await sfn.send(
            new StartExecutionCommand({ stateMachineArn: machine.stateMachineArn, input: '{}' }),
          );
        }
      }
      sfn.destroy();
      // The runs take milliseconds; they are over well before the signal. A real wait: an EXPRESS run started
      // with StartExecution leaves nothing to observe when it ends (no history, no DescribeExecution), and what is
      // under test is the exit after runs that are over, with their timers set.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
    const signalled = Date.now();
    child.kill('SIGINT');
    const code = await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000, 'alive'))]);
    const stoppedIn = Date.now() - signalled;
    if (code === 'alive') child.kill('SIGKILL');
    expect(code).toBe(0);
    expect(printed).toContain('Stopped.');
    // A second, the long poll in flight being most of it; a 2-core machine busy with other test files adds tens
    // of milliseconds to the process's own exit, which the margin allows.
    expect(stoppedIn).toBeLessThan(1_500);
  });
});
