import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { statefold } from '../support/statefold-command.ts';

/** The `statefold` command as a user runs it: a child process, its stdout and its exit code. */
let dir: string;
const file = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'statefold-cli-'));
  await writeFile(
    file('double.json'),
    JSON.stringify({
      StartAt: 'Wait',
      States: {
        Wait: { Type: 'Wait', Seconds: 3600, Next: 'Double' },
        Double: {
          Type: 'Task',
          Resource: 'arn:aws:lambda:us-east-1:123456789012:function:double',
          End: true,
        },
      },
    }),
  );
  await writeFile(
    file('functions.ts'),
    'export const double = (event: { v: number }) => ({ v: event.v * 2 });\n',
  );
  await writeFile(
    file('fail.json'),
    JSON.stringify({ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'E', Cause: 'c' } } }),
  );
  await writeFile(
    file('invalid.json'),
    JSON.stringify({ StartAt: 'Missing', States: { A: { Type: 'Pass' } } }),
  );
  await writeFile(file('input.json'), '{"v": 4}');
  await writeFile(
    file('written.json'),
    JSON.stringify({
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          // A WriterConfig alone shapes the state's output, which Statefold does not give as JSON Lines.
          ResultWriter: { WriterConfig: { OutputType: 'JSONL', Transformation: 'COMPACT' } },
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'P',
            States: { P: { Type: 'Pass', End: true } },
          },
          End: true,
        },
      },
    }),
  );
});

describe('statefold run', () => {
  it('prints the result and exits 0 when the execution succeeds (virtual time skips the hour-long wait)', async () => {
    const result = await statefold(
      'run',
      file('double.json'),
      '--input',
      '{"v": 21}',
      '--functions',
      file('functions.ts'),
      '--virtual-time',
    );
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout);
    expect(printed).toMatchObject({ status: 'SUCCEEDED', output: '{"v":42}' });
    expect(new Date(printed.stopDate).getTime() - new Date(printed.startDate).getTime()).toBe(3_600_000);
    expect(printed.events).toBeUndefined();
  });

  it('reads --input @file and adds the history with --history', async () => {
    const result = await statefold(
      'run',
      file('double.json'),
      '--input',
      `@${file('input.json')}`,
      '--functions',
      file('functions.ts'),
      '--virtual-time',
      '--history',
    );
    const printed = JSON.parse(result.stdout);
    expect(printed.output).toBe('{"v":8}');
    expect(printed.events.map((e: { type: string }) => e.type)).toEqual([
      'ExecutionStarted',
      'WaitStateEntered',
      'WaitStateExited',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
  });

  it('exits 1 with the error and cause when the execution fails', async () => {
    const result = await statefold('run', file('fail.json'));
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'FAILED', error: 'E', cause: 'c' });
  });

  it('exits 2 and prints the diagnostics when the definition is invalid', async () => {
    const result = await statefold('run', file('invalid.json'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('InvalidDefinition');
    expect(result.stderr).toMatch(/ERROR MISSING_TRANSITION_TARGET at \/StartAt: /);
  });

  it('exits 2 naming the problem when the input is not JSON', async () => {
    const result = await statefold('run', file('fail.json'), '--input', '{nope');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('InvalidExecutionInput');
  });

  it('exits 2 with the usage when the command is unknown', async () => {
    const result = await statefold('launch');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Unknown command 'launch'");
  });
});

describe('statefold validate', () => {
  it.each([
    ['a valid definition', 'double.json', 0, 'OK'],
    ['an invalid definition', 'invalid.json', 2, 'FAIL'],
    [
      'a definition AWS accepts with a form Statefold cannot run (a WriterConfig alone asking for JSONL)',
      'written.json',
      2,
      'FAIL',
    ],
  ])('prints the diagnostics of %s', async (_what, name, code, verdict) => {
    const result = await statefold('validate', file(name));
    expect(result.code).toBe(code);
    expect(JSON.parse(result.stdout).result).toBe(verdict);
  });

  it('names the field Statefold cannot run yet and where it is; statefold run refuses it before running', async () => {
    const validated = JSON.parse((await statefold('validate', file('written.json'))).stdout);
    expect(validated.diagnostics).toEqual([
      expect.objectContaining({
        code: 'SCHEMA_VALIDATION_FAILED',
        location: '/States/M/ResultWriter/WriterConfig/OutputType',
      }),
    ]);
    const run = await statefold('run', file('written.json'), '--input', '[1,2,3]');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Statefold does not shape a Map's output as JSON Lines");
  });
});
