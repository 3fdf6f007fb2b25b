import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { statefold } from '../support/statefold-command.ts';

/** `statefold test`: a user's definition and MockConfigFile, run as a child process. */
let dir: string;
const file = (name: string) => join(dir, name);

const DEFINITION = {
  StartAt: 'Check',
  States: {
    Check: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'check', 'Payload.$': '$' },
      OutputPath: '$.Payload',
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Rejected' }],
      Next: 'Approved',
    },
    Approved: { Type: 'Pass', Result: 'approved', End: true },
    Rejected: { Type: 'Fail', Error: 'Rejected' },
  },
};

const mocks = (expectations: object) => ({
  StateMachines: {
    Approval: { TestCases: { Approve: { Check: 'Ok' }, Reject: { Check: 'Boom' } } },
  },
  MockedResponses: {
    Ok: { '0': { Return: { StatusCode: 200, Payload: { ok: true } } } },
    Boom: { '0': { Throw: { Error: 'Check.Failed', Cause: 'no' } } },
  },
  StatefoldExpectations: { Approval: expectations },
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'statefold-test-'));
  await writeFile(file('approval.json'), JSON.stringify(DEFINITION));
  await writeFile(
    file('mocks.json'),
    JSON.stringify(
      mocks({
        Approve: { status: 'SUCCEEDED', output: 'approved', path: ['Check', 'Approved'] },
        Reject: { status: 'FAILED', error: 'Rejected', path: ['Check', 'Rejected'] },
      }),
    ),
  );
  await writeFile(file('wrong.json'), JSON.stringify(mocks({ Reject: { status: 'SUCCEEDED' } })));
  await writeFile(file('broken.json'), '{"StateMachines": {}}');
});

describe('statefold test', () => {
  it('runs every case, prints status, path and output, and exits 0 when every expectation holds', async () => {
    const { code, stdout } = await statefold('test', file('approval.json'), '--mocks', file('mocks.json'));
    expect(stdout.split('\n')).toEqual([
      'PASS Approve: SUCCEEDED via Check → Approved; output "approved"',
      'PASS Reject: FAILED via Check → Rejected; Rejected',
      '2 passed, 0 failed',
      '',
    ]);
    expect(code).toBe(0);
  });

  it('runs the one case --case names', async () => {
    const { code, stdout } = await statefold(
      'test',
      file('approval.json'),
      '--mocks',
      file('mocks.json'),
      '--case',
      'Reject',
    );
    expect(stdout).toBe('PASS Reject: FAILED via Check → Rejected; Rejected\n1 passed, 0 failed\n');
    expect(code).toBe(0);
  });

  it('exits 1 and says what differed when an expectation fails', async () => {
    const { code, stdout } = await statefold('test', file('approval.json'), '--mocks', file('wrong.json'));
    expect(stdout).toContain(
      'FAIL Reject: FAILED via Check → Rejected; Rejected\n  status: expected SUCCEEDED, got FAILED\n',
    );
    expect(stdout).toContain('1 passed, 1 failed');
    expect(code).toBe(1);
  });

  it('exits 2 naming the mistake in a broken MockConfigFile', async () => {
    const { code, stderr } = await statefold('test', file('approval.json'), '--mocks', file('broken.json'));
    expect(stderr).toBe('ValidationException: MockConfigFile: MockedResponses: is missing\n');
    expect(code).toBe(2);
  });
});
