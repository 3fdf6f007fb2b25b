import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { ListStateMachinesCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../support/eventually.ts';
import { createSfnClient, waitForClosedExecution } from '../support/sfn-client.ts';
import { USER_PROJECT } from './user-project.ts';

/**
 * The package as a team installs it: `npm pack` (whose prepack builds dist/) in a copy of the sources, the
 * tarball installed into a fresh project of its own (test/package/user-project.ts) next to vitest, then the
 * CLI through npx (validate, run, start answering the AWS SDK and CLI) and the project's own vitest file
 * importing `runExecution` from 'statefold'. Under Node 24 (this process's) and Node 22 when one is installed
 * (STATEFOLD_NODE22_DIR, default ~/.cache/statefold-node22, where .ci/run installs it).
 */
const ROOT = join(import.meta.dirname, '../..');
const SOURCES = [
  'package.json',
  'README.md',
  'LICENSE',
  'tsconfig.json',
  'tsconfig.build.json',
  'scripts',
  'shared',
  'bin',
];
// Not the suite's NODE_COMPILE_CACHE either (vitest.config.ts): a team's shell has none, and here, in a project
// installed afresh in a new folder, it saved no user time (27.4 s with and without) for 6 s more system time.
const ENV = Object.fromEntries(
  Object.entries(process.env).filter(
    ([name]) => !name.startsWith('STATEFOLD_') && !name.startsWith('VITEST') && name !== 'NODE_COMPILE_CACHE',
  ),
) as NodeJS.ProcessEnv;
// Installing from npm's cache: the packages the repository's own install fetched are there.
const INSTALL = ['install', '--prefer-offline', '--no-audit', '--no-fund', '--save-dev'];

const NODE22_DIR = process.env.STATEFOLD_NODE22_DIR ?? join(homedir(), '.cache/statefold-node22');
const NODE22_BIN = join(NODE22_DIR, 'node_modules/.bin');
const NODES = [
  { label: `Node ${process.versions.node.split('.')[0]}`, binDir: dirname(process.execPath), present: true },
  { label: 'Node 22', binDir: NODE22_BIN, present: existsSync(join(NODE22_BIN, 'node')) },
];

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

function exec(command: string, args: string[], cwd: string, binDir: string): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd, env: envWith(binDir), maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

function envWith(binDir: string): NodeJS.ProcessEnv {
  const { FORCE_COLOR: _, ...env } = ENV;
  return {
    ...env,
    PATH: `${binDir}${delimiter}${ENV.PATH ?? ''}`,
    NO_COLOR: '1',
    npm_config_update_notifier: 'false',
    // For the AWS CLI: the local server takes any credentials.
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_DEFAULT_REGION: 'us-east-1',
  };
}

let work: string;
let project: string;
let packedFiles: string[];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'statefold-package-'));
  // A copy of the sources, so the build writes its dist/ there and never into the checkout.
  const staging = join(work, 'staging');
  await mkdir(staging);
  for (const entry of SOURCES) await cp(join(ROOT, entry), join(staging, entry), { recursive: true });
  await symlink(await realpath(join(ROOT, 'node_modules')), join(staging, 'node_modules'), 'dir');
  const packed = await exec('npm', ['pack', '--json', '--pack-destination', work], staging, NODES[0]!.binDir);
  if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
  const [tarball] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as {
    filename: string;
    files: { path: string }[];
  }[];
  packedFiles = (tarball?.files ?? []).map((file) => file.path).sort();

  project = join(work, 'my-workflows');
  for (const [path, text] of Object.entries(USER_PROJECT)) {
    await mkdir(dirname(join(project, path)), { recursive: true });
    await writeFile(join(project, path), text);
  }
  const version = async (name: string) =>
    (
      JSON.parse(await readFile(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
  const installed = await exec(
    'npm',
    [
      ...INSTALL,
      join(work, tarball?.filename ?? ''),
      `vitest@${await version('vitest')}`,
      `@types/node@${await version('@types/node')}`,
    ],
    project,
    NODES[0]!.binDir,
  );
  if (installed.code !== 0) throw new Error(`npm install failed:\n${installed.stderr}`);
}, 300_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the packed tarball', { timeout: 60_000 }, () => {
  it('holds the built package, its README and nothing of the sources', () => {
    expect(packedFiles).toContain('dist/index.js');
    expect(packedFiles).toContain('dist/statefold.js');
    expect(packedFiles).toContain('dist/types/index.d.ts');
    expect(packedFiles.filter((path) => !path.startsWith('dist/'))).toEqual([
      'LICENSE',
      'README.md',
      'package.json',
    ]);
    // No source ships, but for the console's graph modules, which the server strips of types as it serves them.
    const sources = packedFiles.filter((path) => path.endsWith('.ts') && !path.endsWith('.d.ts'));
    expect(sources.filter((path) => !path.startsWith('dist/console/graph/'))).toEqual([]);
  });

  it.each(['statefold.config.ts', 'src/handlers.ts', 'test/greeting.test.ts'])(
    "is the README's quick start: its %s is the README's",
    async (path) => {
      const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
      expect(readme).toContain(USER_PROJECT[path]);
    },
  );

  it("type-checks the project's config and test against the package's declarations", async () => {
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const checked = await exec(process.execPath, [tsc, '-p', '.'], project, NODES[0]!.binDir);
    expect(checked.stdout + checked.stderr).toBe('');
    expect(checked.code).toBe(0);
  });
});

describe.each(NODES)(
  'installed in a project, under $label',
  { timeout: 90_000 },
  ({ label, binDir, present }) => {
    const npx = (args: string[]) => exec('npx', args, project, binDir);

    it.skipIf(!present)('runs that Node', async () => {
      const { stdout } = await exec('node', ['--version'], project, binDir);
      expect(stdout.trim()).toMatch(label === 'Node 22' ? /^v22\./ : /^v2\d\./);
    });

    it.skipIf(!present)('npx statefold validate checks a definition of the project', async () => {
      const validated = await npx(['statefold', 'validate', 'workflows/greeting.asl.json']);
      expect(validated.stderr).not.toContain('ERR_');
      expect(validated.code).toBe(0);
      expect(JSON.parse(validated.stdout)).toMatchObject({ result: 'OK', diagnostics: [] });
    });

    it.skipIf(!present)("npx statefold run runs it with the project's Lambda handler", async () => {
      const ran = await npx([
        'statefold',
        'run',
        'workflows/greeting.asl.json',
        '--input',
        '@workflows/greeting.input.json',
        '--functions',
        './src/handlers.ts',
      ]);
      expect(ran.stderr).not.toContain('ERR_');
      expect(ran.code).toBe(0);
      const result = JSON.parse(ran.stdout) as { status: string; output: string };
      expect(result.status).toBe('SUCCEEDED');
      expect(JSON.parse(result.output)).toEqual({ greeting: 'Hello, Ada!' });
    });

    it.skipIf(!present)("the project's vitest file imports runExecution from 'statefold'", async () => {
      const tested = await npx(['vitest', 'run']);
      expect(tested.stdout + tested.stderr).toMatch(/Tests\s+2 passed/);
      expect(tested.code).toBe(0);
    });

    it.skipIf(!present)(
      'npx statefold start serves the config to the AWS SDK and the AWS CLI, and stops on SIGINT',
      async () => {
        const child: ChildProcess = spawn('npx', ['statefold', 'start', '--port', '0'], {
          cwd: project,
          env: envWith(binDir),
          stdio: ['ignore', 'pipe', 'pipe'],
          // Its own process group, as a terminal's foreground job: Ctrl+C signals the whole group (npx and
          // the server it started), and so does the test.
          detached: true,
        });
        let printed = '';
        let errors = '';
        child.stdout?.on('data', (chunk: Buffer) => {
          printed += chunk.toString('utf8');
        });
        child.stderr?.on('data', (chunk: Buffer) => {
          errors += chunk.toString('utf8');
        });
        // 'close': the output of npx and of the server it started (which shares it) has ended.
        const closed = new Promise<string>((resolve) =>
          child.once('close', (code, signal) => resolve(signal ?? String(code))),
        );
        let endpoint = '';
        try {
          endpoint = await until(
            'statefold start to print its endpoint',
            () => {
              const found = /running at (http:\/\/127\.0\.0\.1:\d+)/.exec(printed);
              if (found?.[1] && printed.includes('Press Ctrl+C')) return found[1];
              if (child.exitCode !== null)
                throw new Error(`statefold start exited ${child.exitCode}: ${errors}`);
              return undefined;
            },
            { timeoutMs: 30_000, intervalMs: 20 },
          );
          const sfn = createSfnClient(endpoint);
          const machines = await sfn.send(new ListStateMachinesCommand({}));
          const machine = machines.stateMachines?.find((entry) => entry.name === 'greeting');
          expect(machine?.stateMachineArn).toBe(
            'arn:aws:states:us-east-1:123456789012:stateMachine:greeting',
          );
          const { executionArn } = await sfn.send(
            new StartExecutionCommand({
              stateMachineArn: machine?.stateMachineArn,
              input: JSON.stringify({ name: 'Grace' }),
            }),
          );
          const described = await waitForClosedExecution(sfn, executionArn ?? '');
          expect(described.status).toBe('SUCCEEDED');
          expect(JSON.parse(described.output ?? 'null')).toEqual({ greeting: 'Hello, Grace!' });
          sfn.destroy();

          // The console ships with the package: its page, its modules and the graph component.
          for (const [path, contains] of [
            ['/console/', '<html'],
            ['/console/web/app.js', 'import'],
            ['/console/graph/workflow-graph.ts', 'export'],
          ] as const) {
            const response = await fetch(`${endpoint}${path}`);
            expect(response.status, path).toBe(200);
            expect(await response.text(), path).toContain(contains);
          }

          const aws = await exec('aws', ['--version'], project, binDir);
          if (aws.code === 0) {
            const listed = await exec(
              'aws',
              [
                'stepfunctions',
                'describe-execution',
                '--endpoint-url',
                endpoint,
                '--execution-arn',
                executionArn ?? '',
              ],
              project,
              binDir,
            );
            expect(listed.stderr).toBe('');
            expect(JSON.parse(listed.stdout)).toMatchObject({
              status: 'SUCCEEDED',
              name: expect.any(String),
            });
          }
        } finally {
          process.kill(-(child.pid ?? 0), 'SIGINT');
          await closed;
        }
        // npm exec ends itself by the signal it got; the server, with its own exit code 0.
        expect(['0', 'SIGINT']).toContain(await closed);
        expect(errors).toBe('');
        expect(printed).toContain('Stopped.');
        const after = await fetch(endpoint).then(
          () => 'answered',
          () => 'refused',
        );
        expect(after).toBe('refused');
      },
    );
  },
);
