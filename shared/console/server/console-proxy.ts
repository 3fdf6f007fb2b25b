import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { prepareConsoleAssets, serveConsoleAsset } from './console-assets.ts';

/**
 * `statefold console --endpoint <deployed API URL>`: the console on this machine, for a deployed stack. The
 * pages are served from here; their API calls (POST /) are passed to the deployed API signed with SigV4 for
 * API Gateway (service `execute-api`) with the credentials of the default chain (environment, profile, SSO,
 * instance role…). The deployed API stays IAM-only, and the credentials stay in this process: the browser
 * sends and receives only the Step Functions JSON.
 */
export interface ConsoleProxyOptions {
  /** The deployed API's URL (the stack's ApiUrl output). */
  endpoint: string;
  /** Port on 127.0.0.1 (default 8084; 0 picks a free one). */
  port?: number;
  host?: string;
  /** The API's region: this, else the region in an execute-api host name, else AWS_REGION. */
  region?: string;
  /** The credentials to sign with (default: the SDK's default chain). */
  credentials?: CredentialProvider;
}

export interface ConsoleProxy {
  /** The console's address: `http://127.0.0.1:<port>/console/`. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
export type CredentialProvider = () => Promise<Credentials>;

export const DEFAULT_CONSOLE_PORT = 8084;
/** The request headers that travel on; the rest (cookies, the browser's own) stay here. */
const FORWARDED_HEADERS = ['content-type', 'x-amz-target'];
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export async function startConsoleProxy(options: ConsoleProxyOptions): Promise<ConsoleProxy> {
  const endpoint = new URL(options.endpoint);
  if (endpoint.protocol !== 'https:' && endpoint.protocol !== 'http:') {
    throw new Error(`--endpoint must be an http(s) URL, not '${options.endpoint}'`);
  }
  const region = options.region ?? regionOf(endpoint);
  const signer = new SignatureV4({
    service: 'execute-api',
    region,
    credentials: options.credentials ?? defaultProvider(),
    sha256: Sha256,
  });
  const host = options.host ?? '127.0.0.1';
  const server = createServer((request, response) => {
    if (serveConsoleAsset(request, response)) return;
    if (request.method !== 'POST') {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('The console is at /console/');
      return;
    }
    forward(request, response, endpoint, signer).catch((error: unknown) => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      response.writeHead(502, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(
        JSON.stringify({
          __type: 'ConsoleProxyError',
          message: `The console could not call ${endpoint.origin}: ${(error as Error).message}`,
        }),
      );
    });
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_CONSOLE_PORT, host, () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;
  void prepareConsoleAssets();
  return {
    url: `http://${host}:${port}/console/`,
    port,
    stop: () =>
      new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      }),
  };
}

/** The region in the API's host (`<id>.execute-api.<region>.amazonaws.com`), else AWS_REGION's. */
export function regionOf(endpoint: URL): string {
  const fromHost = endpoint.hostname.match(/\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/)?.[1];
  return fromHost ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
}

async function forward(
  request: IncomingMessage,
  response: ServerResponse,
  endpoint: URL,
  signer: SignatureV4,
): Promise<void> {
  const body = await readBody(request);
  if (body === undefined) {
    response.writeHead(413, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ message: 'Request Entity Too Large' }));
    return;
  }
  const headers: Record<string, string> = { host: endpoint.host };
  for (const name of FORWARDED_HEADERS) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const unsigned = new HttpRequest({
    method: 'POST',
    protocol: endpoint.protocol,
    hostname: endpoint.hostname,
    ...(endpoint.port !== '' ? { port: Number(endpoint.port) } : {}),
    path: endpoint.pathname,
    headers,
    body: body.toString('utf8'),
  });
  const signed = (await signer.sign(unsigned)) as HttpRequest;
  const { host: _host, ...sent } = signed.headers;
  const answer = await fetch(endpoint, { method: 'POST', headers: sent, body: new Uint8Array(body) });
  const text = Buffer.from(await answer.arrayBuffer());
  response.writeHead(answer.status, {
    'content-type': answer.headers.get('content-type') ?? 'application/x-amz-json-1.0',
    'content-length': text.length,
  });
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  return size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks);
}

/** SHA-256 and HMAC-SHA-256 in the shape the SigV4 signer takes (a Checksum constructor), over node:crypto. */
class Sha256 {
  readonly #hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#hash =
      secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(secret) as Uint8Array);
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.#hash.update(toBuffer(data) as Uint8Array);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }
  reset(): void {
    throw new Error('Sha256.reset is not used by the signer');
  }
}

function toBuffer(data: string | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}
