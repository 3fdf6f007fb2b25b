import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExecution } from '../../shared/composition/run-execution.ts';
import { configuredConnections } from '../../shared/integrations/http-connections.ts';
import { HttpInvoker } from '../../shared/integrations/http-invoke.ts';
import type { HttpIntegrationConfig } from '../../shared/integrations/sdk-clients.ts';
import { loadLocalConfig } from '../../shared/local/local-config.ts';
import { startTestbed, type Testbed } from '../support/durable-testbed.ts';
import {
  BASIC,
  type HttpApi,
  OAUTH,
  type Received,
  readBody,
  SHOP,
  startHttpApi,
} from '../support/http-api.ts';
import { statefold } from '../support/statefold-command.ts';

/**
 * The HTTP Task (`arn:aws:states:::http:invoke`) through the durable engine and through the in-memory runner,
 * against a real HTTP server (test/support/http-api.ts): the request it sends (query, JSON and form bodies, each
 * ArrayFormat), the connection's authorization (API key, Basic, OAuth client credentials against a token
 * endpoint), AWS's result shape, `States.Http.StatusCode.<code>` caught and retried, the host allow-list, an
 * unknown connection and a refused connection.
 */

let api: HttpApi;
let received: Received[];
let base: string;
let closedPort: number;
let http: HttpIntegrationConfig;
let testbed: Testbed;

beforeAll(async () => {
  api = await startHttpApi();
  ({ received, base, closedPort, http } = api);
  testbed = await startTestbed({ virtualClock: Date.UTC(2026, 0, 1), integrations: { http } });
});

afterAll(async () => {
  await testbed?.stop();
  await api?.close();
});

const invoke = (parameters: object, fields: object = {}) => ({
  StartAt: 'Call',
  States: {
    Call: {
      Type: 'Task',
      Resource: 'arn:aws:states:::http:invoke',
      Parameters: parameters,
      End: true,
      ...fields,
    },
  },
});

const caught = (parameters: object, errors: string[], fields: object = {}) => ({
  StartAt: 'Call',
  States: {
    Call: {
      Type: 'Task',
      Resource: 'arn:aws:states:::http:invoke',
      Parameters: parameters,
      Catch: [{ ErrorEquals: errors, ResultPath: '$.error', Next: 'Caught' }],
      Next: 'Done',
      ...fields,
    },
    Caught: { Type: 'Pass', End: true },
    Done: { Type: 'Pass', End: true },
  },
});

const last = () => received.at(-1) as Received;
const outputOf = (run: { output?: string | undefined }) => JSON.parse(run.output ?? 'null');

describe('http:invoke through the durable engine', () => {
  it('GET with QueryParameters and the API key connection: AWS result shape and history', async () => {
    const run = await testbed.run({
      definition: invoke({
        'ApiEndpoint.$': "States.Format('{}/orders', $.base)",
        Method: 'GET',
        Authentication: { ConnectionArn: SHOP },
        QueryParameters: { 'status.$': '$.status', tag: ['a', 'b'] },
        Headers: { 'X-Trace': 't-1' },
      }),
      input: { base, status: 'open' },
    });
    expect(run.status).toBe('SUCCEEDED');
    const output = outputOf(run);
    expect(output).toMatchObject({
      StatusCode: 200,
      StatusText: 'OK',
      ResponseBody: { echo: { method: 'GET', query: { status: ['open'], tag: ['a', 'b'], region: ['eu'] } } },
      Headers: { 'content-type': ['application/json'], 'x-request-id': [expect.any(String)] },
    });
    expect(last().headers).toMatchObject({
      'x-api-key': 'shop-key',
      'x-tenant': 'tenant-1',
      'x-trace': 't-1',
      'user-agent': 'Amazon|StepFunctions|HttpInvoke|us-east-1',
      range: 'bytes=0-262144',
    });
    expect(run.events.map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(run.events[2]).toMatchObject({
      taskScheduledEventDetails: { resourceType: 'http', resource: 'invoke', region: 'us-east-1' },
    });
    const parameters = JSON.parse(
      (run.events[2] as unknown as { taskScheduledEventDetails: { parameters: string } })
        .taskScheduledEventDetails.parameters,
    );
    expect(parameters).toEqual({
      ApiEndpoint: `${base}/orders`,
      Method: 'GET',
      Authentication: { ConnectionArn: SHOP },
      QueryParameters: { status: 'open', tag: ['a', 'b'] },
      Headers: { 'X-Trace': 't-1' },
    });
  });

  it('POST a JSON RequestBody with Basic credentials from a connection found by name', async () => {
    const run = await testbed.run({
      definition: invoke({
        ApiEndpoint: `${base}/payments`,
        Method: 'POST',
        Authentication: { ConnectionArn: BASIC },
        'RequestBody.$': '$.payment',
      }),
      input: { payment: { amount: 42, currency: 'EUR', lines: [{ sku: 'KB-01' }] } },
    });
    expect(run.status).toBe('SUCCEEDED');
    expect(last()).toMatchObject({
      method: 'POST',
      body: '{"amount":42,"currency":"EUR","lines":[{"sku":"KB-01"}]}',
      headers: {
        'content-type': 'application/json; charset=UTF-8',
        authorization: `Basic ${Buffer.from('ada:lovelace').toString('base64')}`,
      },
    });
  });

  it.each([
    ['INDICES', 'ids[0]=1&ids[1]=2&ids[2]=3&name=Ada+L'],
    ['REPEAT', 'ids=1&ids=2&ids=3&name=Ada+L'],
    ['COMMAS', 'ids=1,2,3&name=Ada+L'],
    ['BRACKETS', 'ids[]=1&ids[]=2&ids[]=3&name=Ada+L'],
  ])('URL_ENCODED with ArrayFormat %s sends %s', async (format, body) => {
    const run = await testbed.run({
      definition: invoke({
        ApiEndpoint: `${base}/form`,
        Method: 'POST',
        Authentication: { ConnectionArn: SHOP },
        RequestBody: { ids: [1, 2, 3], name: 'Ada L' },
        Transform: { RequestBodyEncoding: 'URL_ENCODED', RequestEncodingOptions: { ArrayFormat: format } },
      }),
    });
    expect(run.status).toBe('SUCCEEDED');
    expect(last().body).toBe(body);
    expect(last().headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(new URLSearchParams(last().body).get('name')).toBe('Ada L');
  });

  it('OAuth client credentials: a token from the token endpoint, kept for the next call', async () => {
    api.tokenRequests.length = 0;
    const definition = invoke(
      { ApiEndpoint: `${base}/crm`, Method: 'GET', Authentication: { ConnectionArn: OAUTH } },
      { ResultSelector: { 'contacts.$': '$.ResponseBody.contacts' } },
    );
    const first = await testbed.run({ definition });
    const second = await testbed.run({ definition });
    expect([first.status, second.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(outputOf(second)).toEqual({ contacts: 2 });
    expect(api.tokenRequests).toHaveLength(1);
    expect(api.tokenRequests[0]).toMatchObject({
      method: 'POST',
      body: 'grant_type=client_credentials&scope=contacts',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  });

  it('a 401 with the OAuth token drops it: the next call fetches a new one', async () => {
    const call = (path: string) =>
      testbed.run({
        definition: invoke({
          ApiEndpoint: `${base}${path}`,
          Method: 'GET',
          Authentication: { ConnectionArn: OAUTH },
        }),
      });
    const revoked = await call('/crm-revoked');
    expect(revoked).toMatchObject({ status: 'FAILED', error: 'States.Http.StatusCode.401' });
    const before = api.tokenRequests.length;
    expect((await call('/crm')).status).toBe('SUCCEEDED');
    expect(api.tokenRequests.length).toBe(before + 1);
  });

  it('a text response is the ResponseBody as a string', async () => {
    const run = await testbed.run({
      definition: invoke({
        ApiEndpoint: `${base}/text`,
        Method: 'GET',
        Authentication: { ConnectionArn: SHOP },
      }),
    });
    expect(outputOf(run)).toMatchObject({ ResponseBody: 'plain words', StatusCode: 200 });
  });

  it('a 404 fails with States.Http.StatusCode.404, the response as the cause, which Catch handles', async () => {
    const run = await testbed.run({
      definition: caught(
        { ApiEndpoint: `${base}/missing`, Method: 'GET', Authentication: { ConnectionArn: SHOP } },
        ['States.Http.StatusCode.404'],
      ),
    });
    expect(run.status).toBe('SUCCEEDED');
    const { error } = outputOf(run);
    expect(error.Error).toBe('States.Http.StatusCode.404');
    expect(JSON.parse(error.Cause)).toMatchObject({
      ResponseBody: { message: 'no such order' },
      StatusCode: 404,
      StatusText: 'Not Found',
      Headers: { 'content-type': ['application/json'] },
    });
    const failed = run.events.find((event) => event.type === 'TaskFailed');
    expect(failed).toMatchObject({
      taskFailedEventDetails: {
        resourceType: 'http',
        resource: 'invoke',
        error: 'States.Http.StatusCode.404',
      },
    });
  });

  it('Retry on States.Http.StatusCode.500 calls again until the API answers 200', async () => {
    api.flaky.calls = 0;
    const run = await testbed.run({
      definition: invoke(
        { ApiEndpoint: `${base}/flaky`, Method: 'GET', Authentication: { ConnectionArn: SHOP } },
        { Retry: [{ ErrorEquals: ['States.Http.StatusCode.500'], IntervalSeconds: 2, MaxAttempts: 3 }] },
      ),
    });
    expect(run.status).toBe('SUCCEEDED');
    expect(outputOf(run)).toMatchObject({ ResponseBody: { attempt: 3 } });
    expect(run.events.filter((event) => event.type === 'TaskFailed')).toHaveLength(2);
  });

  it('a host not on the allow-list fails with a catchable States.TaskFailed naming the host', async () => {
    const port = new URL(base).port;
    const run = await testbed.run({
      definition: caught(
        {
          ApiEndpoint: `http://localhost:${port}/orders`,
          Method: 'GET',
          Authentication: { ConnectionArn: SHOP },
        },
        ['States.TaskFailed'],
      ),
    });
    expect(run.status).toBe('SUCCEEDED');
    expect(outputOf(run).error).toEqual({
      Error: 'States.TaskFailed',
      Cause: `Statefold cannot call http:invoke: the host 'localhost:${port}' is not in the allowed hosts (127.0.0.1:${port}, 127.0.0.1:${closedPort}); allow it in integrations.http.allowedHosts in the config.`,
    });
    expect(received.some((request) => request.headers.host === `localhost:${port}`)).toBe(false);
  });

  it('an unknown connection fails with Events.ConnectionResource.ResourceNotFound', async () => {
    const unknown =
      'arn:aws:events:us-east-1:123456789012:connection/nobody/00000000-0000-4000-8000-000000000000';
    const run = await testbed.run({
      definition: invoke({
        ApiEndpoint: `${base}/orders`,
        Method: 'GET',
        Authentication: { ConnectionArn: unknown },
      }),
    });
    expect(run).toMatchObject({
      status: 'FAILED',
      error: 'Events.ConnectionResource.ResourceNotFound',
      cause: `The connection '${unknown}' does not exist (declare it in integrations.http.connections in the config).`,
    });
  });

  it('a refused connection fails with States.Http.Socket, which Catch handles', async () => {
    const run = await testbed.run({
      definition: caught(
        {
          ApiEndpoint: `http://127.0.0.1:${closedPort}/x`,
          Method: 'GET',
          Authentication: { ConnectionArn: SHOP },
        },
        ['States.Http.Socket'],
      ),
    });
    expect(run.status).toBe('SUCCEEDED');
    expect(outputOf(run).error.Error).toBe('States.Http.Socket');
    expect(outputOf(run).error.Cause).toContain('ECONNREFUSED');
  });

  it('a redirect is not followed: a 302 fails with States.Http.StatusCode.302, its Location in the cause', async () => {
    const before = received.length;
    const run = await testbed.run({
      definition: caught(
        { ApiEndpoint: `${base}/moved`, Method: 'GET', Authentication: { ConnectionArn: SHOP } },
        ['States.Http.StatusCode.302'],
      ),
    });
    expect(run.status).toBe('SUCCEEDED');
    const failure = outputOf(run).error;
    expect(failure.Error).toBe('States.Http.StatusCode.302');
    expect(JSON.parse(failure.Cause)).toMatchObject({
      StatusCode: 302,
      StatusText: 'Found',
      Headers: { location: ['/orders'] },
      ResponseBody: 'see /orders',
    });
    expect(received.slice(before).map((request) => request.path)).toEqual(['/moved']);
  });

  it('JSONata Arguments call it as well', async () => {
    const run = await testbed.run({
      definition: {
        QueryLanguage: 'JSONata',
        StartAt: 'Call',
        States: {
          Call: {
            Type: 'Task',
            Resource: 'arn:aws:states:::http:invoke',
            Arguments: {
              ApiEndpoint: "{% $states.input.base & '/orders' %}",
              Method: 'PATCH',
              Authentication: { ConnectionArn: SHOP },
              RequestBody: { status: '{% $states.input.status %}' },
            },
            Output: '{% $states.result.ResponseBody.echo %}',
            End: true,
          },
        },
      },
      input: { base, status: 'shipped' },
    });
    expect(run.status).toBe('SUCCEEDED');
    expect(outputOf(run)).toEqual({
      method: 'PATCH',
      query: { region: ['eu'] },
      body: '{"status":"shipped"}',
    });
  });
});

describe('http:invoke in the in-memory runner (runExecution)', () => {
  it('calls the API with the configured connection and allow-list', async () => {
    const result = await runExecution({
      definition: invoke(
        { ApiEndpoint: `${base}/orders`, Method: 'DELETE', Authentication: { ConnectionArn: SHOP } },
        { OutputPath: '$.ResponseBody.echo' },
      ),
      integrations: { http },
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(JSON.parse(result.output ?? 'null')).toMatchObject({ method: 'DELETE' });
    expect(last().headers['x-api-key']).toBe('shop-key');
  });

  it('without an allow-list, nothing may be called', async () => {
    const result = await runExecution({
      definition: invoke({
        ApiEndpoint: `${base}/orders`,
        Method: 'GET',
        Authentication: { ConnectionArn: SHOP },
      }),
      integrations: { http: { connections: http.connections ?? {} } },
    });
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.TaskFailed' });
    expect(result.cause).toContain("the host '127.0.0.1:");
    expect(result.cause).toContain('none are allowed');
  });
});

describe('http:invoke with the connection read from EventBridge and Secrets Manager (as on AWS)', () => {
  // A stand-in for the two AWS APIs on their wire protocol (JSON 1.1), which the real SDK clients call.
  const calls: Array<{ target: string; input: Record<string, unknown> }> = [];
  let aws: Server;
  let awsEndpoint: string;
  const SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:events!connection/billing/ab12-xyz';

  beforeAll(async () => {
    aws = createServer(async (request, response) => {
      const target = String(request.headers['x-amz-target'] ?? '');
      const input = JSON.parse((await readBody(request)) || '{}') as Record<string, unknown>;
      calls.push({ target, input });
      const answer = (status: number, value: unknown) => {
        response.writeHead(status, {
          'content-type': 'application/x-amz-json-1.1',
          'x-amzn-requestid': 'req-1',
        });
        response.end(JSON.stringify(value));
      };
      if (target === 'AWSEvents.DescribeConnection') {
        if (input.Name === 'billing') {
          return answer(200, {
            Name: 'billing',
            ConnectionState: 'AUTHORIZED',
            AuthorizationType: 'API_KEY',
            SecretArn: SECRET,
            AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'X-Billing-Key' } },
          });
        }
        if (input.Name === 'locked') {
          return answer(200, {
            Name: 'locked',
            ConnectionState: 'AUTHORIZED',
            AuthorizationType: 'BASIC',
            SecretArn: `${SECRET}-locked`,
          });
        }
        if (input.Name === 'paused') {
          return answer(200, {
            Name: 'paused',
            ConnectionState: 'DEAUTHORIZED',
            StateReason: 'The OAuth token could not be refreshed',
            AuthorizationType: 'BASIC',
          });
        }
        return answer(400, {
          __type: 'ResourceNotFoundException',
          message: `Failed to describe the connection(s). Connection '${String(input.Name)}' does not exist.`,
        });
      }
      if (target === 'secretsmanager.GetSecretValue' && input.SecretId === SECRET) {
        return answer(200, {
          ARN: SECRET,
          SecretString: JSON.stringify({
            api_key_name: 'X-Billing-Key',
            api_key_value: 'billing-secret',
            invocation_http_parameters: { header_parameters: [{ key: 'X-Source', value: 'statefold' }] },
          }),
        });
      }
      return answer(400, { __type: 'AccessDeniedException', message: 'not authorized' });
    });
    await new Promise<void>((resolve) => aws.listen(0, '127.0.0.1', resolve));
    awsEndpoint = `http://127.0.0.1:${(aws.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => aws?.close(resolve));
  });

  const runWith = (connectionArn: string) =>
    runExecution({
      definition: invoke({
        ApiEndpoint: `${base}/orders`,
        Method: 'GET',
        Authentication: { ConnectionArn: connectionArn },
      }),
      integrations: {
        endpoints: { eventbridge: awsEndpoint, secretsmanager: awsEndpoint },
        http: { allowedHosts: http.allowedHosts ?? [] },
      },
    });
  const arnOf = (name: string) => `arn:aws:events:us-east-1:123456789012:connection/${name}/9d8c7b6a`;

  it('DescribeConnection names the secret; GetSecretValue gives the API key the request carries', async () => {
    calls.length = 0;
    const result = await runWith(arnOf('billing'));
    expect(result.status).toBe('SUCCEEDED');
    expect(last().headers).toMatchObject({ 'x-billing-key': 'billing-secret', 'x-source': 'statefold' });
    expect(calls).toEqual([
      { target: 'AWSEvents.DescribeConnection', input: { Name: 'billing' } },
      { target: 'secretsmanager.GetSecretValue', input: { SecretId: SECRET } },
    ]);
  });

  it.each([
    ['nobody', 'Events.ConnectionResource.ResourceNotFound', 'does not exist'],
    ['locked', 'Events.ConnectionResource.AccessDenied', 'GetSecretValue of the connection'],
    [
      'paused',
      'Events.ConnectionResource.InvalidConnectionState',
      'is DEAUTHORIZED: The OAuth token could not be refreshed',
    ],
  ])('the connection %s fails the task with %s', async (name, error, cause) => {
    const result = await runWith(arnOf(name));
    expect(result).toMatchObject({ status: 'FAILED', error });
    expect(result.cause).toContain(cause);
  });
});

describe('statefold run --integrations with integrations.http', () => {
  it('calls the API with the connection and allow-list of the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'statefold-run-http-'));
    try {
      await writeFile(
        join(dir, 'definition.json'),
        JSON.stringify(
          invoke(
            { ApiEndpoint: `${base}/orders`, Method: 'GET', Authentication: { ConnectionArn: BASIC } },
            { OutputPath: '$.StatusCode' },
          ),
        ),
      );
      await writeFile(join(dir, 'integrations.json'), JSON.stringify({ http }));
      const outcome = await statefold(
        'run',
        join(dir, 'definition.json'),
        '--integrations',
        `@${join(dir, 'integrations.json')}`,
      );
      expect(outcome.code).toBe(0);
      expect(JSON.parse(JSON.parse(outcome.stdout).output)).toBe(200);
      expect(last().headers.authorization).toBe(`Basic ${Buffer.from('ada:lovelace').toString('base64')}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("the config's integrations.http field", () => {
  it.each<[string, unknown, RegExp]>([
    [
      'an unknown field',
      { hosts: [] },
      /'integrations\.http\.hosts' is not an http field \(allowedHosts, connections\)/,
    ],
    [
      'an allowed host that is an URL',
      { allowedHosts: ['https://api.example.com'] },
      /'integrations\.http\.allowedHosts\[0\]' must be a host name, host:port or \*\.domain/,
    ],
    [
      'an unknown authorization type',
      { connections: { shop: { authorization: { type: 'TOKEN' } } } },
      /'integrations\.http\.connections\.shop\.authorization\.type' must be 'API_KEY', 'BASIC' or 'OAUTH_CLIENT_CREDENTIALS'/,
    ],
    [
      'an API key without its value',
      { connections: { shop: { authorization: { type: 'API_KEY', name: 'X-Api-Key' } } } },
      /'integrations\.http\.connections\.shop\.authorization\.value' must be a non-empty string/,
    ],
    [
      'an OAuth endpoint that is no URL',
      {
        connections: {
          crm: {
            authorization: {
              type: 'OAUTH_CLIENT_CREDENTIALS',
              clientId: 'c',
              clientSecret: 's',
              authorizationEndpoint: 'token',
            },
          },
        },
      },
      /'integrations\.http\.connections\.crm\.authorization\.authorizationEndpoint' must be an URL/,
    ],
    [
      'invocation headers that are not strings',
      {
        connections: {
          shop: {
            authorization: { type: 'BASIC', username: 'u', password: 'p' },
            invocation: { headers: { a: 1 } },
          },
        },
      },
      /'integrations\.http\.connections\.shop\.invocation\.headers' must map names to string values/,
    ],
  ])('%s is refused, naming the file and the field', async (_case, httpConfig, message) => {
    const dir = await mkdtemp(join(tmpdir(), 'statefold-http-config-'));
    try {
      await writeFile(join(dir, 'bad.json'), JSON.stringify({ integrations: { http: httpConfig } }));
      await expect(loadLocalConfig({ cwd: dir, configFile: 'bad.json', env: {} })).rejects.toThrow(message);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a valid one reaches the loaded config as written', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'statefold-http-config-'));
    try {
      await writeFile(join(dir, 'statefold.config.json'), JSON.stringify({ integrations: { http } }));
      expect((await loadLocalConfig({ cwd: dir, env: {} })).integrations).toEqual({ http });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the HTTP invoker on its own', () => {
  it('a header value HTTP does not allow fails with States.Runtime, nothing sent', async () => {
    const before = received.length;
    const result = await runExecution({
      definition: invoke({
        ApiEndpoint: `${base}/orders`,
        Method: 'GET',
        Authentication: { ConnectionArn: SHOP },
        Headers: { 'X-Note': 'two\nlines' },
      }),
      integrations: { http },
    });
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(result.cause).toContain('The HTTP Task request cannot be sent:');
    expect(received.length).toBe(before);
  });

  it('an API that does not answer within the deadline fails with States.Http.Socket (AWS: 60 s)', async () => {
    const invoker = new HttpInvoker({
      region: 'us-east-1',
      allowedHosts: http.allowedHosts ?? [],
      resolvers: [configuredConnections(http.connections ?? {})],
      hints: { connections: 'declare it', allowedHosts: 'allow it' },
      timeoutMs: 200,
    });
    const outcome = await invoker.invoke({
      ApiEndpoint: `${base}/slow`,
      Method: 'GET',
      Authentication: { ConnectionArn: SHOP },
    });
    expect(outcome).toEqual({
      ok: false,
      error: 'States.Http.Socket',
      cause: `The HTTP request to ${base} did not complete within 0.2 seconds.`,
    });
  });
});
