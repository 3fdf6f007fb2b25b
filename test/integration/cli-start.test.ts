import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLocalConfig } from '../../shared/local/local-config.ts';
import { until } from '../support/eventually.ts';
import { createSfnClient, waitForClosedExecution } from '../support/sfn-client.ts';
import { spawnStart } from '../support/statefold-command.ts';

/**
 * `statefold start` as a user runs it (`npm start`): a child process on the repository's statefold.config.ts
 * with a temporary data folder, found through the endpoint it prints; `statefold executions` and
 * `statefold history --follow` against it; SIGINT stops it cleanly. Then the config's precedence and errors.
 */
const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/statefold.ts');
const ENV = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.startsWith('STATEFOLD_')),
) as NodeJS.ProcessEnv;
const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:order-processing';

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

function statefold(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: options.cwd ?? ROOT, env: { ...ENV, ...options.env } },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

describe('statefold start', () => {
  let dataDir: string;
  let child: ChildProcess;
  let printed: () => string = () => '';
  let endpoint: string;
  let sfn: SFNClient;
  const exited = () =>
    new Promise<number | null>((resolve) => {
      if (child.exitCode !== null) resolve(child.exitCode);
      else child.once('exit', (code) => resolve(code));
    });

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'statefold-cli-start-'));
    const started = await spawnStart({ dataDir, cwd: ROOT, env: ENV });
    child = started.child;
    endpoint = started.endpoint;
    printed = started.printed;
    sfn = createSfnClient(endpoint);
  });
  afterAll(async () => {
    sfn?.destroy();
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
      await exited();
    }
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('prints its endpoint, the data folder, the created state machine and three AWS CLI commands to try', () => {
    expect(printed()).toContain(`data:      ${dataDir}`);
    expect(printed()).toContain(`console:   ${endpoint}/console/`);
    expect(printed()).toContain(`state machine order-processing (created): ${MACHINE}`);
    expect(printed()).toContain(
      'export AWS_DISABLE_HOST_PREFIX_INJECTION=true   # for StartSyncExecution (the AWS CLI, boto3)',
    );
    const commands = printed()
      .split('\n')
      .filter((line) => line.trim().startsWith('aws stepfunctions'));
    expect(commands.map((line) => line.trim().split(' ')[2])).toEqual([
      'start-execution',
      'describe-execution',
      'get-execution-history',
    ]);
    for (const command of commands) expect(command).toContain(`--endpoint-url ${endpoint}`);
    expect(commands[0]).toContain(`--state-machine-arn ${MACHINE}`);
    expect(commands[0]).toContain('--input file://examples/order-processing/input.json');
    const name = /--name (\S+)/.exec(commands[0] ?? '')?.[1];
    expect(commands[1]).toContain(
      `--execution-arn ${MACHINE.replace(':stateMachine:', ':execution:')}:${name}`,
    );
  });

  it.each([
    ['succeeds', 0, 'the example input', 'ExecutionSucceeded'],
    ['fails', 1, 'an order without items', 'ExecutionFailed'],
  ])(
    'history --follow prints each event once, in order, until the execution closes: it %s, exit %i',
    async (_outcome, code, what, last) => {
      const input =
        what === 'the example input'
          ? await readFile(join(ROOT, 'examples/order-processing/input.json'), 'utf8')
          : '{"orderId":"empty","items":[]}';
      const { executionArn } = await sfn.send(
        new StartExecutionCommand({ stateMachineArn: MACHINE, name: `follow-${code}`, input }),
      );
      const result = await statefold([
        'history',
        executionArn as string,
        '--follow',
        '--json',
        '--endpoint-url',
        endpoint,
      ]);
      expect(result.code).toBe(code);
      const events = result.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { id: number; type: string });
      expect(events.map((event) => event.id)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
      expect(events[0]?.type).toBe('ExecutionStarted');
      expect(events.at(-1)?.type).toBe(last);
    },
  );

  it("a function's console output is prefixed by the function and the execution that ran it", async () => {
    const input = JSON.parse(await readFile(join(ROOT, 'examples/order-processing/input.json'), 'utf8')) as {
      orderId: string;
      items: unknown[];
    };
    // follow-0 ran the example input through reserveInventory, which logs one line.
    await until('the function output to reach stdout', () =>
      printed().includes('[reserveInventory follow-0]') ? true : undefined,
    );
    expect(printed()).toContain(
      `[reserveInventory follow-0] reserving ${input.items.length} SKUs for order ${input.orderId}\n`,
    );
    // The failed run never reached reserveInventory.
    expect(printed()).not.toContain('[reserveInventory follow-1]');
  });

  it('history without --follow prints one line per event', async () => {
    const result = await statefold([
      'history',
      `${MACHINE.replace(':stateMachine:', ':execution:')}:follow-1`,
      '--endpoint-url',
      endpoint,
    ]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ {3}1 {2}\S+Z {2}ExecutionStarted +input=\{"orderId":"empty"/);
    expect(lines.at(-1)).toMatch(/ExecutionFailed +error=OrderValidationError {2}cause=/);
  });

  it.each([
    ['by name', ['order-processing'], ['follow-1 ', 'follow-0 ']],
    ['by ARN, with a status filter', [MACHINE, '--status', 'FAILED'], ['follow-1 ']],
  ])('executions lists them %s, newest first', async (_how, args, names) => {
    const result = await statefold(['executions', ...args, '--endpoint-url', endpoint]);
    expect(result.code).toBe(0);
    const [header, ...rows] = result.stdout.trim().split('\n');
    expect(header).toMatch(/^NAME +STATUS +STARTED +STOPPED +ARN$/);
    expect(rows.map((row) => row.slice(0, 9))).toEqual(names);
  });

  it.each([
    ['a state machine that does not exist', ['executions', 'missing'], /No state machine named 'missing'/],
    [
      'an execution that does not exist',
      ['history', `${MACHINE.replace(':stateMachine:', ':execution:')}:nope`],
      /^ExecutionDoesNotExist: Execution Does Not Exist/,
    ],
  ])('exits 1 naming the problem for %s', async (_case, args, message) => {
    const result = await statefold([...args, '--endpoint-url', endpoint]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
  });

  it.each([
    ['follow-0', 'SUCCEEDED'],
    ['follow-1', 'FAILED'],
  ])(
    'prints a line when %s starts and one when it ends (%s), with its machine and duration',
    (name, status) => {
      expect(printed()).toMatch(new RegExp(`^\\S+Z {2}started {4}order-processing {2}${name}$`, 'm'));
      expect(printed()).toMatch(
        new RegExp(`^\\S+Z {2}${status} +order-processing {2}${name} {2}\\d+\\.\\d{3} s$`, 'm'),
      );
    },
  );

  it.each([
    ['--quiet', ['--quiet']],
    ['--log-level warn', ['--log-level', 'warn']],
  ])('with %s it prints its endpoint only', async (_case, args) => {
    const quiet = spawn(
      process.execPath,
      [BIN, 'start', '--port', '0', '--data-dir', join(dataDir, 'quiet'), ...args],
      {
        cwd: ROOT,
        env: ENV,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    quiet.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    const done = new Promise<number | null>((resolve) => quiet.once('exit', (code) => resolve(code)));
    // A start imports the engine, dynalite and fauxqs: seconds on a loaded machine.
    await until(
      'the quiet server to print its endpoint',
      () => (output.includes('running at') ? true : undefined),
      {
        timeoutMs: 60_000,
      },
    );
    const quietEndpoint = /running at (\S+)/.exec(output)?.[1] ?? '';
    const quietSfn = createSfnClient(quietEndpoint);
    const { executionArn } = await quietSfn.send(
      new StartExecutionCommand({ stateMachineArn: MACHINE, input: '{"orderId":"q","items":[]}' }),
    );
    await waitForClosedExecution(quietSfn, executionArn ?? '');
    quietSfn.destroy();
    quiet.kill('SIGINT');
    expect(await done).toBe(0);
    expect(output.split('\n')[0]).toMatch(/^Statefold is running at http:\/\/127\.0\.0\.1:\d+$/);
    expect(output).not.toContain('order-processing');
  });

  it('an unknown --log-level is a usage error', async () => {
    const result = await statefold(['start', '--log-level', 'loud']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--log-level must be one of info, warn, error, not 'loud'.");
  });

  it('a second start on the same port exits 1 saying the port is in use', async () => {
    const result = await statefold([
      'start',
      '--port',
      new URL(endpoint).port,
      '--data-dir',
      join(dataDir, 'other'),
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Port \d+ on 127\.0\.0\.1 is in use/);
  });

  it('SIGINT stops it cleanly: exit code 0', async () => {
    child.kill('SIGINT');
    expect(await exited()).toBe(0);
    expect(printed()).toContain('SIGINT: stopping');
    expect(printed()).toContain(`Stopped. The data stays in ${dataDir}.`);
  });
});

describe('statefold start whose data folder is deleted while it runs', () => {
  it('says so on stderr and exits 1 instead of answering as if nothing happened', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'statefold-cli-lost-'));
    const dataDir = join(parent, 'data');
    const started = await spawnStart({ dataDir, cwd: ROOT, env: ENV });
    try {
      const exit = new Promise<number | null>((resolve) => started.child.once('exit', resolve));
      await rm(dataDir, { recursive: true, force: true });
      // The server looks at its folder every 2 s.
      expect(await exit).toBe(1);
      expect(started.errors()).toContain(`the data folder ${dataDir} was deleted while the server ran`);
    } finally {
      if (started.child.exitCode === null) started.child.kill('SIGKILL');
      await rm(parent, { recursive: true, force: true });
    }
  });
});

describe('statefold history and executions without a server', () => {
  it('exits 1 saying no server answers', async () => {
    const result = await statefold([
      'executions',
      'order-processing',
      '--endpoint-url',
      'http://127.0.0.1:9',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('No Statefold server answers at http://127.0.0.1:9');
  });
});

describe('the config', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'statefold-config-'));
    await mkdir(join(dir, 'app'));
    await writeFile(join(dir, 'app/handlers.mjs'), 'export const double = (e) => ({ n: e.n * 2 });\n');
    await writeFile(join(dir, 'app/flow.json'), '{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}');
    await writeFile(
      join(dir, 'app/mocks.json'),
      JSON.stringify({
        StateMachines: { flow: { TestCases: { A: { P: 'Missing' } } } },
        MockedResponses: {},
      }),
    );
    await writeFile(
      join(dir, 'statefold.config.json'),
      JSON.stringify({
        port: 9001,
        dataDir: 'state',
        region: 'eu-west-1',
        functions: { twice: { module: './app/handlers.mjs', export: 'double' } },
        stateMachines: [{ name: 'flow', definition: 'app/flow.json' }],
      }),
    );
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.each<[string, NodeJS.ProcessEnv, { port?: number; dataDir?: string }, number, string]>([
    ['the file alone', {}, {}, 9001, 'state'],
    [
      'the environment over the file',
      { STATEFOLD_PORT: '9002', STATEFOLD_DATA_DIR: 'env-data' },
      {},
      9002,
      'env-data',
    ],
    [
      'the command line over both',
      { STATEFOLD_PORT: '9002', STATEFOLD_DATA_DIR: 'env-data' },
      { port: 9003, dataDir: 'flag-data' },
      9003,
      'flag-data',
    ],
  ])('%s: port and data folder', async (_case, env, overrides, port, dataDir) => {
    const config = await loadLocalConfig({ cwd: dir, env, overrides });
    expect(config).toMatchObject({
      configFile: join(dir, 'statefold.config.json'),
      port,
      dataDir: join(dir, dataDir),
      region: 'eu-west-1',
      accountId: '123456789012',
      stateMachines: [{ name: 'flow', type: 'STANDARD', definitionFile: join(dir, 'app/flow.json') }],
    });
    expect(await (config.functions.twice as (event: { n: number }) => unknown)({ n: 4 })).toEqual({ n: 8 });
  });

  it('without a config file: the defaults, nothing configured', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'statefold-no-config-'));
    try {
      expect(await loadLocalConfig({ cwd: empty, env: {} })).toEqual({
        port: 8083,
        dataDir: join(empty, '.statefold'),
        region: 'us-east-1',
        accountId: '123456789012',
        functions: {},
        stateMachines: [],
      });
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it.each<[string, object | undefined, string[], NodeJS.ProcessEnv, RegExp]>([
    ['a port that is not a number', { port: 'x' }, [], {}, /bad\.json: 'port' must be an integer/],
    ['an unknown field', { prot: 1 }, [], {}, /bad\.json: 'prot' is not a config field/],
    [
      'a function module that does not load',
      { functions: { f: { module: './nowhere.mjs' } } },
      [],
      {},
      /bad\.json: 'functions\.f\.module' cannot be loaded/,
    ],
    [
      'an export that is not there',
      { functions: { f: { module: './app/handlers.mjs', export: 'triple' } } },
      [],
      {},
      /'functions\.f\.export' names no exported function 'triple' of handlers\.mjs \(its functions: double\)/,
    ],
    [
      'a definition file that cannot be read',
      { stateMachines: [{ name: 'x', definition: 'missing.json' }] },
      [],
      {},
      /bad\.json: 'stateMachines\[0\]\.definition' cannot be read/,
    ],
    [
      'a loggingConfiguration level AWS does not have',
      {
        stateMachines: [
          { name: 'x', definition: 'invalid.asl.json', loggingConfiguration: { level: 'LOUD' } },
        ],
      },
      [],
      {},
      /bad\.json: 'stateMachines\[0\]\.loggingConfiguration' must be \{ level: 'ALL' \| 'ERROR' \| 'FATAL' \| 'OFF'/,
    ],
    [
      'a mockConfigFile that cannot be read',
      { mockConfigFile: 'no-mocks.json' },
      [],
      {},
      /bad\.json: 'mockConfigFile' names a file that cannot be read/,
    ],
    [
      'a mockConfigFile whose test case names a response it lacks',
      { mockConfigFile: 'app/mocks.json' },
      [],
      {},
      /mocks\.json: .*Missing/,
    ],
    ['a STATEFOLD_PORT that is not a port', {}, [], { STATEFOLD_PORT: 'abc' }, /STATEFOLD_PORT='abc'/],
    ['a --port that is not a port', {}, ['--port', '70000'], {}, /--port must be 0-65535/],
    ['a --config file that does not exist', undefined, [], {}, /The config file 'bad\.json' does not exist/],
    [
      'a definition that is not valid',
      { stateMachines: [{ name: 'x', definition: 'invalid.asl.json' }] },
      [],
      {},
      /invalid\.asl\.json: state machine 'x' is not valid:\n {2}ERROR MISSING_TRANSITION_TARGET at \/StartAt/,
    ],
  ])('start exits 2 naming the file and the field: %s', async (_case, config, args, env, message) => {
    await rm(join(dir, 'bad.json'), { force: true });
    if (config !== undefined) await writeFile(join(dir, 'bad.json'), JSON.stringify(config));
    await writeFile(join(dir, 'invalid.asl.json'), JSON.stringify({ StartAt: 'Nowhere', States: {} }));
    const result = await statefold(['start', '--config', 'bad.json', ...args], { cwd: dir, env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    // The mistake is in the config, not the command line: no usage text (only a bad --port shows it).
    if (args.length === 0) expect(result.stderr).not.toContain('Usage:');
    expect(existsSync(join(dir, '.statefold'))).toBe(false);
  });
});
