import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** The `statefold` command as a user runs it: a child process, its stdout, stderr and exit code. */
const run = promisify(execFile);
export const STATEFOLD_BIN = join(import.meta.dirname, '../../bin/statefold.ts');

export async function statefold(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [STATEFOLD_BIN, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
