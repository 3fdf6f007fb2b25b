import { createHash, createHmac } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as orderFunctions from '../../examples/order-processing/functions.ts';
import { resolveAsset } from '../../shared/console/server/console-assets.ts';
import { type ConsoleProxy, regionOf, startConsoleProxy } from '../../shared/console/server/console-proxy.ts';
import { type LocalServer, startLocalServer } from '../../shared/local/local-server.ts';

/**
 * The console's server side: its files served by the local server under /console/ (the graph's TypeScript
 * with its types erased), and `statefold console`'s proxy, which signs the pages' API calls with SigV4 and
 * passes them on. A recording server in front of the local server stands in for the deployed API.
 */

const EXAMPLE = join(import.meta.dirname, '../../examples/order-processing');
const CREDENTIALS = {
  accessKeyId: 'AKIDCONSOLETEST',
  secretAccessKey: 'console-test-secret',
  sessionToken: 'tok',
};

let dataDir: string;
let server: LocalServer;
let recorder: Server;
let recorderUrl: string;
let proxy: ConsoleProxy;
const recorded: Array<{ path: string; headers: IncomingHttpHeaders; body: string }> = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'statefold-console-'));
  server = await startLocalServer({
    port: 0,
    dataDir,
    functions: orderFunctions,
    stateMachines: [
      {
        name: 'order-processing',
        type: 'STANDARD',
        definition: await readFile(join(EXAMPLE, 'definition.json'), 'utf8'),
        definitionFile: join(EXAMPLE, 'definition.json'),
      },
    ],
  });
  // Records each request as it arrives, then hands it to the local server as it came.
  recorder = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    recorded.push({ path: request.url ?? '', headers: request.headers, body });
    const answer = await fetch(`${server.endpoint}/`, {
      method: 'POST',
      headers: {
        'content-type': String(request.headers['content-type']),
        'x-amz-target': String(request.headers['x-amz-target']),
      },
      body,
    });
    response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? '' });
    response.end(await answer.text());
  });
  await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', () => resolve()));
  recorderUrl = `http://127.0.0.1:${(recorder.address() as AddressInfo).port}/`;
  proxy = await startConsoleProxy({
    endpoint: recorderUrl,
    port: 0,
    region: 'eu-west-1',
    credentials: async () => CREDENTIALS,
  });
});

afterAll(async () => {
  await proxy?.stop();
  await new Promise((resolve) => recorder?.close(resolve));
  await server?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

function signatureOf(
  request: { path: string; headers: IncomingHttpHeaders; body: string },
  authorization: string,
) {
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)?.[1] ?? '';
  const scope = /Credential=[^/]+\/([^,]+)/.exec(authorization)?.[1] ?? '';
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');
  const canonical = [
    'POST',
    request.path,
    '',
    ...signedHeaders.split(';').map((name) => `${name}:${String(request.headers[name]).trim()}`),
    '',
    signedHeaders,
    sha(request.body),
  ].join('\n');
  const date = String(request.headers['x-amz-date']);
  const toSign = ['AWS4-HMAC-SHA256', date, scope, sha(canonical)].join('\n');
  const key = scope
    .split('/')
    .reduce<Buffer | string>(
      (k, part) => createHmac('sha256', k).update(part).digest(),
      `AWS4${CREDENTIALS.secretAccessKey}`,
    );
  return createHmac('sha256', key).update(toSign).digest('hex');
}

const get = (base: string, path: string) => fetch(new URL(path, base), { redirect: 'manual' });

const api = (base: string, operation: string, input: object) =>
  fetch(new URL('/', base), {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `AWSStepFunctions.${operation}`,
    },
    body: JSON.stringify(input),
  });

describe.each([
  ['the local server', () => server.endpoint],
  ['statefold console', () => proxy.url],
])('the console files from %s', (_, base) => {
  it.each([
    ['/console/', 'text/html', '<script type="module" src="web/app.js">'],
    ['/console/web/app.js', 'text/javascript', "import('./execution-page.js')"],
    ['/console/web/console.css', 'text/css', '.graph-canvas'],
    ['/console/vendor/elk.bundled.js', 'text/javascript', 'ELK'],
    ['/console/vendor/elk-api.js', 'text/javascript', 'workerUrl'],
    ['/console/vendor/elk-worker.min.js', 'text/javascript', 'postMessage'],
    ['/console/graph/workflow-graph.ts', 'text/javascript', 'export function buildWorkflowGraph(definition'],
  ])('GET %s answers %s with its content', async (path, type, text) => {
    const response = await get(base(), path);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain(type);
    expect(await response.text()).toContain(text);
  });

  it('serves the graph modules with their types erased, so the browser can run them', async () => {
    const source = await (await get(base(), '/console/graph/layout-workflow.ts')).text();
    expect(source).not.toMatch(/import type|export interface|: ElkLike|as const/);
    expect(source).toContain('export async function layoutWorkflow(root');
  });

  it.each([
    ['a path outside its folders', '/console/server/console-proxy.ts'],
    ['a path climbing out', '/console/web/..%2F..%2Flocal%2Flocal-server.ts'],
    ['a file that does not exist', '/console/web/missing.js'],
  ])('answers 404 for %s', async (_, path) => {
    expect((await get(base(), path)).status).toBe(404);
  });

  it('redirects /console to /console/', async () => {
    const response = await get(base(), '/console');
    expect(response.status).toBe(308);
    expect(response.headers.get('location')).toBe('/console/');
  });
});

describe('the files the console serves', () => {
  it.each([
    ['web/../../local/local-server.ts'],
    ['graph/../../../package.json'],
    ['web/../server/console-proxy.ts'],
    ['server/console-proxy.ts'],
    ['web/notes.md'],
  ])('%s is none of them', (path) => {
    expect(resolveAsset(path)).toBeUndefined();
  });
});

describe('the local server', () => {
  it('still answers the API on POST /', async () => {
    const response = await api(server.endpoint, 'ListStateMachines', {});
    expect(response.status).toBe(200);
    const body = (await response.json()) as { stateMachines: Array<{ name: string }> };
    expect(body.stateMachines.map((m) => m.name)).toContain('order-processing');
  });
});

describe('statefold console --endpoint', () => {
  it('passes an API call on signed with SigV4 for execute-api, and answers what the API answered', async () => {
    recorded.length = 0;
    const response = await api(proxy.url, 'ListStateMachines', { maxResults: 10 });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { stateMachines: Array<{ name: string }> };
    expect(body.stateMachines[0]?.name).toBe('order-processing');
    const [forwarded] = recorded;
    expect(forwarded?.headers['x-amz-target']).toBe('AWSStepFunctions.ListStateMachines');
    expect(forwarded?.headers['x-amz-security-token']).toBe('tok');
    const authorization = String(forwarded?.headers.authorization);
    expect(authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDCONSOLETEST\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/,
    );
    // The signature is the one SigV4 gives for this request, these credentials and this time, worked out
    // here step by step (AWS's "Create a signed AWS API request"), apart from the signer the proxy uses.
    expect(authorization.split('Signature=')[1]).toBe(signatureOf(forwarded!, authorization));
  });

  it('sends no credential to the browser and takes none from it', async () => {
    recorded.length = 0;
    const response = await fetch(new URL('/', proxy.url), {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'AWSStepFunctions.ListStateMachines',
        authorization: 'Bearer from-the-browser',
        cookie: 'session=1',
      },
      body: '{}',
    });
    const text = await response.text();
    expect(text).not.toContain(CREDENTIALS.secretAccessKey);
    expect(
      [...response.headers.keys()].filter((h) => /authorization|amz-security|amz-date|set-cookie/.test(h)),
    ).toEqual([]);
    expect(recorded[0]?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
    expect(recorded[0]?.headers.cookie).toBeUndefined();
  });

  it('answers an API error as the API gave it', async () => {
    const response = await api(proxy.url, 'DescribeExecution', { executionArn: 'nope' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { __type: string }).__type).toContain('InvalidArn');
  });

  it('answers 502 when the deployed API cannot be reached', async () => {
    const unreachable = await startConsoleProxy({
      endpoint: 'http://127.0.0.1:9/',
      port: 0,
      credentials: async () => CREDENTIALS,
    });
    try {
      const response = await api(unreachable.url, 'ListStateMachines', {});
      expect(response.status).toBe(502);
      expect(((await response.json()) as { __type: string }).__type).toBe('ConsoleProxyError');
    } finally {
      await unreachable.stop();
    }
  });

  it.each([
    ['https://abc123.execute-api.ap-southeast-2.amazonaws.com/', 'ap-southeast-2'],
    ['https://abc123.execute-api.eu-central-1.amazonaws.com/prod', 'eu-central-1'],
  ])('reads the region of %s from its host', (endpoint, region) => {
    expect(regionOf(new URL(endpoint))).toBe(region);
  });
});
