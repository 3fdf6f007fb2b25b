import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
  StartSyncExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { regionOfApiUrl, statefoldClientConfig } from '../../infra/api-client-config.ts';

/**
 * The client configuration the README shows for a deployed stack, checked against a local server that verifies
 * the SigV4 signature itself (written from the SigV4 specification, not with the SDK's signer), as API Gateway's
 * IAM authorization does: scoped to `execute-api` in the API's region, sent to the API's own host.
 */

const CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const REGION = 'eu-west-1';
const MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:orders';

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server;
let endpoint: string;
const received: Received[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');

/** What API Gateway recomputes: the signature over the signed headers, the body and the credential scope. */
function verifySignature(request: Received): { service: string; region: string; valid: boolean } {
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      String(request.headers.authorization),
    );
  if (!match) throw new Error(`not a SigV4 Authorization header: ${request.headers.authorization}`);
  const [, , date, region, service, signedHeaders, signature] = match as unknown as string[];
  const names = (signedHeaders as string).split(';');
  const canonicalHeaders = names.map((name) => `${name}:${String(request.headers[name]).trim()}\n`).join('');
  const canonicalRequest = [
    request.method,
    request.path,
    '',
    canonicalHeaders,
    signedHeaders,
    sha256(request.body),
  ].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    String(request.headers['x-amz-date']),
    scope,
    sha256(canonicalRequest),
  ].join('\n');
  let key = hmac(`AWS4${CREDENTIALS.secretAccessKey}`, date as string);
  for (const part of [region as string, service as string, 'aws4_request']) key = hmac(key, part);
  const expected = createHmac('sha256', key).update(stringToSign).digest('hex');
  return { service: service as string, region: region as string, valid: expected === signature };
}

describe('statefoldClientConfig: an SFNClient for the deployed HTTP API', () => {
  const commands = [
    ['ListStateMachines', () => new ListStateMachinesCommand({})],
    ['StartExecution', () => new StartExecutionCommand({ stateMachineArn: MACHINE, input: '{"n":1}' })],
    ['StartSyncExecution', () => new StartSyncExecutionCommand({ stateMachineArn: MACHINE })],
  ] as const;

  it.each(commands)(
    '%s is signed for execute-api in the API region and sent to the API host',
    async (operation, make) => {
      const client = new SFNClient({
        ...statefoldClientConfig(endpoint, { region: REGION }),
        credentials: CREDENTIALS,
        maxAttempts: 1,
      });
      received.length = 0;
      await client.send(make() as ListStateMachinesCommand);
      client.destroy();

      expect(received).toHaveLength(1);
      const request = received[0] as Received;
      expect(request.method).toBe('POST');
      expect(request.path).toBe('/');
      // No `sync-` host prefix: the request goes to the API's host.
      expect(request.headers.host).toBe(new URL(endpoint).host);
      expect(request.headers['x-amz-target']).toBe(`AWSStepFunctions.${operation}`);
      expect(verifySignature(request)).toEqual({ service: 'execute-api', region: REGION, valid: true });
    },
  );

  it('takes the region from an execute-api URL when none is given', () => {
    expect(
      statefoldClientConfig('https://a1b2c3d4e5.execute-api.ap-southeast-2.amazonaws.com'),
    ).toMatchObject({
      region: 'ap-southeast-2',
      endpoint: 'https://a1b2c3d4e5.execute-api.ap-southeast-2.amazonaws.com',
    });
  });
});

describe('regionOfApiUrl', () => {
  it.each([
    ['https://abc123.execute-api.us-east-1.amazonaws.com', 'us-east-1'],
    ['https://abc123.execute-api.eu-central-2.amazonaws.com/', 'eu-central-2'],
    ['https://abc123.execute-api.cn-north-1.amazonaws.com.cn', 'cn-north-1'],
  ])('%s is in %s', (url, region) => {
    expect(regionOfApiUrl(url)).toBe(region);
  });

  it.each([['http://127.0.0.1:4566'], ['https://statefold.example.com']])(
    '%s (a custom domain or a local server) needs the region given',
    (url) => {
      expect(() => regionOfApiUrl(url)).toThrow(/cannot tell the region/);
    },
  );
});
