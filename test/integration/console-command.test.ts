import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalServer, startLocalServer } from '../../shared/local/local-server.ts';
import { until } from '../support/eventually.ts';
import { STATEFOLD_BIN } from '../support/statefold-command.ts';

/**
 * `statefold console --endpoint <url>` as a user runs it: a child process whose credentials come from its
 * environment through the SDK's default chain. A local server stands in for the deployed API, behind a
 * recorder that keeps the headers each call arrives with (the local server does not check signatures).
 */
const ACCESS_KEY = 'AKIDCONSOLECOMMAND';
const SECRET = 'console-command-secret';
// The child's environment: none of this machine's AWS settings (profiles, SSO, tokens), only these keys.
const ENV = {
  ...Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !name.startsWith('AWS_') && !name.startsWith('STATEFOLD_'),
    ),
  ),
  AWS_ACCESS_KEY_ID: ACCESS_KEY,
  AWS_SECRET_ACCESS_KEY: SECRET,
  AWS_CONFIG_FILE: '/nonexistent/config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
} as NodeJS.ProcessEnv;

describe('statefold console --endpoint', () => {
  let dataDir: string;
  let server: LocalServer;
  let recorder: Server;
  let child: ChildProcess;
  let printed = '';
  let errors = '';
  let consoleUrl: string;
  const arrived: IncomingHttpHeaders[] = [];
  const exited = () =>
    new Promise<number | null>((resolve) => {
      if (child.exitCode !== null) resolve(child.exitCode);
      else child.once('exit', (code) => resolve(code));
    });

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'statefold-console-command-'));
    server = await startLocalServer({ port: 0, dataDir, stateMachines: [] });
    recorder = createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      arrived.push(request.headers);
      const answer = await fetch(`${server.endpoint}/`, {
        method: 'POST',
        headers: {
          'content-type': String(request.headers['content-type']),
          'x-amz-target': String(request.headers['x-amz-target']),
        },
        body: Buffer.concat(chunks),
      });
      response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? '' });
      response.end(await answer.text());
    });
    await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', () => resolve()));
    const deployed = `http://127.0.0.1:${(recorder.address() as AddressInfo).port}/`;
    child = spawn(
      process.execPath,
      [STATEFOLD_BIN, 'console', '--endpoint', deployed, '--port', '0', '--region', 'eu-west-1'],
      { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      printed += chunk.toString('utf8');
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      errors += chunk.toString('utf8');
    });
    consoleUrl = await until(
      'statefold console to print its URL',
      () => {
        const found = /is at (http:\/\/127\.0\.0\.1:\d+\/console\/)/.exec(printed);
        if (found?.[1]) return found[1];
        if (child.exitCode !== null) throw new Error(`statefold console exited ${child.exitCode}: ${errors}`);
        return undefined;
      },
      // Seconds on a loaded machine: the process imports the CLI and loads Node's type stripper.
      { intervalMs: 20, timeoutMs: 60_000 },
    );
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
      await exited();
    }
    await new Promise((resolve) => recorder?.close(resolve));
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('prints where the console is and serves its page', async () => {
    expect(printed).toContain('Ctrl+C to stop');
    const response = await fetch(consoleUrl);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<script type="module" src="web/app.js">');
  });

  it('passes an API call on to the API, signed with the credentials of its environment', async () => {
    arrived.length = 0;
    const response = await fetch(new URL('/', consoleUrl), {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'AWSStepFunctions.ListStateMachines',
      },
      body: '{}',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ stateMachines: [] });
    expect(arrived).toHaveLength(1);
    expect(String(arrived[0]?.authorization)).toMatch(
      new RegExp(`^AWS4-HMAC-SHA256 Credential=${ACCESS_KEY}/\\d{8}/eu-west-1/execute-api/aws4_request, `),
    );
    expect(arrived[0]?.['x-amz-security-token']).toBeUndefined();
  });

  it('SIGINT stops it cleanly: exit code 0, and its port closed', async () => {
    child.kill('SIGINT');
    expect(await exited()).toBe(0);
    expect(errors).toBe('');
    await expect(fetch(consoleUrl)).rejects.toThrow();
  });
});
