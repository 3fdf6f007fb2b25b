import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpIntegrationConfig } from '../../shared/integrations/sdk-clients.ts';

/**
 * A real HTTP API on 127.0.0.1 for HTTP Task tests, with the connections that call it: it records each request
 * and answers by path — `/token` (OAuth client credentials), `/missing` 404, `/flaky` 500 twice then 200,
 * `/text` plain text, `/slow` after a second, `/moved` 302 to `/orders`, `/crm` (the bearer token), `/crm-revoked` 401, and any other path
 * an echo of the method, query and body. `closedPort` is a port nothing listens on.
 */

export interface Received {
  method: string;
  path: string;
  query: Record<string, string[]>;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface HttpApi {
  base: string;
  port: number;
  closedPort: number;
  /** Requests to the API (not the token endpoint), oldest first. */
  received: Received[];
  /** Requests to `/token`. */
  tokenRequests: Received[];
  /** Calls of `/flaky` so far (set it back to 0 to start over). */
  flaky: { calls: number };
  /** The allow-list (the API and the closed port) and the connections SHOP, `ledger` and `crm`. */
  http: HttpIntegrationConfig;
  close(): Promise<void>;
}

export const SHOP =
  'arn:aws:events:us-east-1:123456789012:connection/shop/0c8b2a9e-1d2c-4e5f-8a9b-0c1d2e3f4a5b';
export const BASIC =
  'arn:aws:events:us-east-1:123456789012:connection/ledger/7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d';
export const OAUTH =
  'arn:aws:events:us-east-1:123456789012:connection/crm/1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9';

export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startHttpApi(): Promise<HttpApi> {
  const received: Received[] = [];
  const tokenRequests: Received[] = [];
  const flaky = { calls: 0 };
  const server: Server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const query: Record<string, string[]> = {};
    for (const [name, value] of url.searchParams) query[name] = [...(query[name] ?? []), value];
    const seen: Received = {
      method: request.method ?? '',
      path: url.pathname,
      query,
      headers: request.headers,
      body: await readBody(request),
    };
    const json = (status: number, value: unknown) => {
      response.writeHead(status, {
        'content-type': 'application/json',
        'x-request-id': `r-${received.length}`,
      });
      response.end(JSON.stringify(value));
    };
    if (url.pathname === '/token') {
      tokenRequests.push(seen);
      const expected = `Basic ${Buffer.from('crm-client:crm-secret').toString('base64')}`;
      if (request.headers.authorization !== expected) return json(401, { error: 'invalid_client' });
      return json(200, { access_token: 'tok-crm', token_type: 'bearer', expires_in: 3600 });
    }
    received.push(seen);
    switch (url.pathname) {
      case '/missing':
        return json(404, { message: 'no such order' });
      case '/flaky':
        flaky.calls += 1;
        return flaky.calls < 3 ? json(500, { message: 'try again' }) : json(200, { attempt: flaky.calls });
      case '/text':
        response.writeHead(200, { 'content-type': 'text/plain' });
        return response.end('plain words');
      case '/slow':
        setTimeout(() => json(200, { late: true }), 1_000);
        return;
      case '/moved':
        response.writeHead(302, { location: '/orders', 'content-type': 'text/plain' });
        return response.end('see /orders');
      case '/crm-revoked':
        return json(401, { message: 'token revoked' });
      case '/crm':
        if (request.headers.authorization !== 'Bearer tok-crm') return json(401, { message: 'no token' });
        return json(200, { contacts: 2 });
      default:
        return json(200, { echo: { method: seen.method, query, body: seen.body } });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;
  // A port nothing listens on: a connection to it is refused.
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const closedPort = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  const http: HttpIntegrationConfig = {
    allowedHosts: [`127.0.0.1:${port}`, `127.0.0.1:${closedPort}`],
    connections: {
      [SHOP]: {
        authorization: { type: 'API_KEY', name: 'X-Api-Key', value: 'shop-key' },
        invocation: { headers: { 'X-Tenant': 'tenant-1' }, queryParameters: { region: 'eu' } },
      },
      // By name: the ARN's connection/<name>/ part.
      ledger: { authorization: { type: 'BASIC', username: 'ada', password: 'lovelace' } },
      crm: {
        authorization: {
          type: 'OAUTH_CLIENT_CREDENTIALS',
          clientId: 'crm-client',
          clientSecret: 'crm-secret',
          authorizationEndpoint: `${base}/token`,
          parameters: { body: { scope: 'contacts' } },
        },
      },
    },
  };
  return {
    base,
    port,
    closedPort,
    received,
    tokenRequests,
    flaky,
    http,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
