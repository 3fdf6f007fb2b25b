import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATEFOLD_BIN, statefold } from '../../support/statefold-command.ts';

/**
 * `statefold run --machine NAME=definition.json`: the machines a `states:startExecution` Task may start in
 * memory; the run prints the child executions beside its own result, and a machine not given does not exist.
 * `statefold test` takes the same option. Both also take the machines of the config file (`--config`, or
 * statefold.config.* in the working folder), with its region and account.
 */
let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'statefold-run-nested-'));
  const files = {
    'parent.json': {
      StartAt: 'Nest',
      States: {
        Nest: {
          Type: 'Task',
          Resource: 'arn:aws:states:::states:startExecution.sync:2',
          Parameters: {
            StateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:child',
            Name: 'cli-child',
            Input: { 'value.$': '$.value' },
          },
          OutputPath: '$.Output',
          End: true,
        },
      },
    },
    'child.json': {
      StartAt: 'Hold',
      States: {
        Hold: { Type: 'Wait', Seconds: 600, Next: 'Double' },
        Double: { Type: 'Pass', Parameters: { 'doubled.$': 'States.MathAdd($.value, $.value)' }, End: true },
      },
    },
  };
  const mocks = {
    StateMachines: { Parent: { TestCases: { Doubles: {} } } },
    MockedResponses: {},
    StatefoldExpectations: { Parent: { Doubles: { status: 'SUCCEEDED', output: { doubled: 4 } } } },
  };
  for (const [name, content] of Object.entries({ ...files, 'mocks.json': mocks })) {
    await writeFile(join(folder, name), JSON.stringify(content));
  }
  // A project folder: its config names the child (a path relative to the config file) in another account.
  await mkdir(join(folder, 'project', 'machines'), { recursive: true });
  await writeFile(join(folder, 'project', 'machines', 'child.asl.json'), JSON.stringify(files['child.json']));
  await writeFile(
    join(folder, 'project', 'parent.json'),
    JSON.stringify(files['parent.json']).replace('123456789012', '111122223333'),
  );
  await writeFile(
    join(folder, 'project', 'statefold.config.json'),
    JSON.stringify({
      accountId: '111122223333',
      stateMachines: [{ name: 'child', definition: './machines/child.asl.json' }],
    }),
  );
  await writeFile(
    join(folder, 'bad.config.json'),
    JSON.stringify({ stateMachines: [{ name: 'child', definition: './nowhere.json' }] }),
  );
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('statefold run --machine', () => {
  it('runs the .sync:2 child in memory on the virtual clock and prints it', async () => {
    const { code, stdout } = await statefold(
      'run',
      join(folder, 'parent.json'),
      '--input',
      '{"value":21}',
      '--machine',
      `child=${join(folder, 'child.json')}`,
      '--virtual-time',
    );
    expect(code).toBe(0);
    const printed = JSON.parse(stdout);
    expect(printed.status).toBe('SUCCEEDED');
    expect(JSON.parse(printed.output)).toEqual({ doubled: 42 });
    expect(Date.parse(printed.stopDate) - Date.parse(printed.startDate)).toBe(600_000);
    expect(printed.childExecutions).toEqual([
      expect.objectContaining({
        executionArn: 'arn:aws:states:us-east-1:123456789012:execution:child:cli-child',
        status: 'SUCCEEDED',
        output: '{"doubled":42}',
      }),
    ]);
    expect(printed.childExecutions[0].events).toBeUndefined();
  });

  it('without the machine, the task fails with StateMachineDoesNotExistException (exit 1)', async () => {
    const { code, stdout } = await statefold(
      'run',
      join(folder, 'parent.json'),
      '--input',
      '{"value":1}',
      '--virtual-time',
    );
    expect(code).toBe(1);
    expect(JSON.parse(stdout).error).toBe('StepFunctions.StateMachineDoesNotExistException');
  });

  it('refuses a --machine without NAME= (exit 2)', async () => {
    const { code, stderr } = await statefold('run', join(folder, 'parent.json'), '--machine', 'child.json');
    expect(code).toBe(2);
    expect(stderr).toContain('--machine takes NAME=definition.json');
  });
});

describe('statefold test --machine', () => {
  it("runs a case's nested child in memory", async () => {
    const { code, stdout, stderr } = await statefold(
      'test',
      join(folder, 'parent.json'),
      '--mocks',
      join(folder, 'mocks.json'),
      '--input',
      '{"value":2}',
      '--machine',
      `arn:aws:states:us-east-1:123456789012:stateMachine:child=${join(folder, 'child.json')}`,
    );
    expect(stderr).toBe('');
    expect(stdout).toContain('PASS Doubles: SUCCEEDED via Nest; output {"doubled":4}');
    expect(code).toBe(0);
  });
});

/** The command run in a folder, as a user runs it there. */
async function statefoldIn(cwd: string, ...args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [STATEFOLD_BIN, ...args], { cwd });
    return { code: 0, stdout, stderr };
  } catch (error) {
    return error as { code: number; stdout: string; stderr: string };
  }
}

describe("the config file's stateMachines", () => {
  it("statefold run in the project folder starts the config's machine, in the config's account", async () => {
    const project = join(folder, 'project');
    const { code, stdout } = await statefoldIn(
      project,
      'run',
      'parent.json',
      '--input',
      '{"value":5}',
      '--virtual-time',
    );
    expect(code).toBe(0);
    const printed = JSON.parse(stdout);
    expect(printed.executionArn).toMatch(/^arn:aws:states:us-east-1:111122223333:execution:StateMachine:/);
    expect(JSON.parse(printed.output)).toEqual({ doubled: 10 });
    expect(printed.childExecutions).toEqual([
      expect.objectContaining({
        executionArn: 'arn:aws:states:us-east-1:111122223333:execution:child:cli-child',
        status: 'SUCCEEDED',
      }),
    ]);
  });

  it('statefold test --config names the file from elsewhere', async () => {
    const project = join(folder, 'project');
    const { code, stdout, stderr } = await statefold(
      'test',
      join(project, 'parent.json'),
      '--mocks',
      join(folder, 'mocks.json'),
      '--input',
      '{"value":2}',
      '--config',
      join(project, 'statefold.config.json'),
    );
    expect(stderr).toBe('');
    expect(stdout).toContain('PASS Doubles: SUCCEEDED via Nest; output {"doubled":4}');
    expect(code).toBe(0);
  });

  it("a --machine of the same name wins over the config's", async () => {
    const project = join(folder, 'project');
    await writeFile(
      join(folder, 'tripler.json'),
      JSON.stringify({
        StartAt: 'Triple',
        States: {
          Triple: { Type: 'Pass', Parameters: { 'doubled.$': 'States.MathAdd($.value, 100)' }, End: true },
        },
      }),
    );
    const { code, stdout } = await statefoldIn(
      project,
      'run',
      'parent.json',
      '--input',
      '{"value":1}',
      '--machine',
      `child=${join(folder, 'tripler.json')}`,
    );
    expect(code).toBe(0);
    expect(JSON.parse(JSON.parse(stdout).output)).toEqual({ doubled: 101 });
  });

  it('a config machine whose definition cannot be read stops the command with exit 2, naming the file and field', async () => {
    const { code, stdout, stderr } = await statefold(
      'run',
      join(folder, 'parent.json'),
      '--config',
      join(folder, 'bad.config.json'),
    );
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      /^statefold run: .*bad\.config\.json: 'stateMachines\[0\]\.definition' cannot be read: ENOENT/,
    );
  });

  it('a --config that does not exist is refused (exit 2)', async () => {
    const { code, stderr } = await statefold(
      'test',
      join(folder, 'parent.json'),
      '--mocks',
      join(folder, 'mocks.json'),
      '--config',
      join(folder, 'none.json'),
    );
    expect(code).toBe(2);
    expect(stderr).toContain("statefold test: The config file '");
  });
});
