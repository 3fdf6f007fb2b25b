import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statefold } from '../../support/statefold-command.ts';

/**
 * `statefold run --machine NAME=definition.json`: the machines a `states:startExecution` Task may start in
 * memory; the run prints the child executions beside its own result, and a machine not given does not exist.
 * `statefold test` takes the same option.
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
