import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { until } from './eventually.ts';

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

/** A running `statefold start`: the child process, its endpoint and what it has printed so far. */
export interface StartedServer {
  child: ChildProcess;
  endpoint: string;
  printed(): string;
  /** What it has written to stderr so far. */
  errors(): string;
}

/** Spawns `statefold start --port 0 --data-dir <dataDir>` and waits until it prints its endpoint and is ready. */
export async function spawnStart(options: {
  dataDir: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
}): Promise<StartedServer> {
  const child = spawn(
    process.execPath,
    [STATEFOLD_BIN, 'start', '--port', '0', '--data-dir', options.dataDir],
    {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let printed = '';
  let errors = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    printed += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    errors += chunk.toString('utf8');
  });
  const endpoint = await until(
    'statefold start to print its endpoint',
    () => {
      const found = /running at (http:\/\/127\.0\.0\.1:\d+)/.exec(printed);
      if (found?.[1] && printed.includes('Press Ctrl+C')) return found[1];
      if (child.exitCode !== null) throw new Error(`statefold start exited ${child.exitCode}: ${errors}`);
      return undefined;
    },
    // A start imports the engine, dynalite and fauxqs: about a second on a quiet machine, far more on a loaded one.
    { intervalMs: 20, timeoutMs: 60_000 },
  );
  return { child, endpoint, printed: () => printed, errors: () => errors };
}
