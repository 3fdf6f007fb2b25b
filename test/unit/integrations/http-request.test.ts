import { describe, expect, it } from 'vitest';
import { isAllowedHost } from '../../../shared/integrations/http-invoke.ts';
import {
  buildHttpRequest,
  buildTokenRequest,
  encodeForm,
  type HttpConnection,
  httpInspection,
  httpTaskOutcome,
  parseHttpTask,
} from '../../../shared/integrations/http-request.ts';
import type { Json } from '../../../shared/lib/json.ts';

/**
 * The HTTP Task's pure request builder: what request the Parameters and the connection make, and what result
 * (or failure) a response makes.
 */

const CONNECTION_ARN = 'arn:aws:events:us-east-1:123456789012:connection/shop/0c8b2a9e';
const apiKey: HttpConnection = { authorization: { type: 'API_KEY', name: 'X-Api-Key', value: 'k-1' } };

const task = (fields: Record<string, Json>): Json => ({
  ApiEndpoint: 'https://api.example.com/v1/orders',
  Method: 'GET',
  Authentication: { ConnectionArn: CONNECTION_ARN },
  ...fields,
});

function built(fields: Record<string, Json>, connection: HttpConnection | null = apiKey, token?: string) {
  const parsed = parseHttpTask(task(fields));
  if (!parsed.ok) throw new Error(parsed.cause);
  const request = buildHttpRequest(parsed.call, connection, 'eu-west-1', token);
  if (!request.ok) throw new Error(request.cause);
  return request.request;
}

describe('parseHttpTask', () => {
  it.each([
    [{ ApiEndpoint: undefined }, "'ApiEndpoint' must be an URL string"],
    [{ ApiEndpoint: 'not a url' }, "'ApiEndpoint' is not a valid URL: 'not a url'"],
    [{ ApiEndpoint: 'ftp://example.com/x' }, "'ApiEndpoint' must be an https URL"],
    [{ Method: 'FETCH' }, '\'Method\' must be one of GET, POST, PUT, DELETE, PATCH, OPTIONS, HEAD: "FETCH"'],
    [{ Authentication: {} }, "'Authentication.ConnectionArn' must be a connection ARN string"],
    [{ Headers: { Host: 'evil' } }, "header 'Host' is not allowed"],
    [{ Headers: { 'X-Amz-Date': 'x' } }, "header 'X-Amz-Date' is not allowed"],
    [{ Headers: { 'X-Forwarded-For': '1.2.3.4' } }, "header 'X-Forwarded-For' is not allowed"],
    [{ QueryParameters: { a: { b: 1 } } }, "query parameter 'a' must be a string, number, boolean or a list"],
    [
      { Transform: { RequestBodyEncoding: 'GZIP' } },
      "'Transform.RequestBodyEncoding' must be NONE or URL_ENCODED",
    ],
    [
      { Transform: { RequestEncodingOptions: { ArrayFormat: 'PIPES' } } },
      '\'Transform.RequestEncodingOptions.ArrayFormat\' must be one of INDICES, REPEAT, COMMAS, BRACKETS: "PIPES"',
    ],
  ])('%j fails with States.Runtime: %s', (fields, cause) => {
    const parsed = parseHttpTask(task(fields as Record<string, Json>));
    expect(parsed).toMatchObject({ ok: false, error: 'States.Runtime' });
    expect(parsed.ok ? '' : parsed.cause).toContain(cause);
  });
});

describe('buildHttpRequest', () => {
  it('appends QueryParameters to the query the ApiEndpoint has, a list as the key repeated', () => {
    const request = built({
      ApiEndpoint: 'https://api.example.com/v1/orders?limit=10',
      QueryParameters: { status: 'open', tag: ['a', 'b'], page: 2, deep: true },
    });
    expect(request.url.href).toBe(
      'https://api.example.com/v1/orders?limit=10&status=open&tag=a&tag=b&page=2&deep=true',
    );
    expect(request.body).toBeUndefined();
  });

  it('sends a JSON RequestBody as JSON text with application/json, unless Headers name a Content-Type', () => {
    expect(built({ Method: 'POST', RequestBody: { id: 1, items: ['x'] } })).toMatchObject({
      method: 'POST',
      body: '{"id":1,"items":["x"]}',
      headers: { 'content-type': 'application/json; charset=UTF-8' },
    });
    expect(
      built({
        Method: 'PUT',
        RequestBody: { a: 1 },
        Headers: { 'Content-Type': 'application/vnd.shop+json' },
      }).headers['content-type'],
    ).toBe('application/vnd.shop+json');
  });

  it('sends a string RequestBody as it is', () => {
    const request = built({
      Method: 'POST',
      RequestBody: 'plain text',
      Headers: { 'Content-Type': 'text/plain' },
    });
    expect(request.body).toBe('plain text');
    expect(request.headers['content-type']).toBe('text/plain');
  });

  it.each([
    ['INDICES', '', 'array[0]=a&array[1]=b&array[2]=c'],
    ['REPEAT', '', 'array=a&array=b&array=c'],
    ['COMMAS', '', 'array=a,b,c'],
    ['BRACKETS', '', 'array[]=a&array[]=b&array[]=c'],
  ] as const)('URL_ENCODED with ArrayFormat %s encodes a list as AWS does', (format, _, expected) => {
    const request = built({
      Method: 'POST',
      RequestBody: { array: ['a', 'b', 'c'] },
      Transform: { RequestBodyEncoding: 'URL_ENCODED', RequestEncodingOptions: { ArrayFormat: format } },
    });
    expect(request.body).toBe(expected);
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
  });

  it('URL_ENCODED without options uses INDICES; nested objects become a[b]=c, spaces +', () => {
    expect(encodeForm({ user: { name: 'Ada L', tags: ['x'] }, n: 1, none: null }, 'INDICES')).toBe(
      'user[name]=Ada+L&user[tags][0]=x&n=1&none=',
    );
    const request = built({
      Method: 'POST',
      RequestBody: { array: ['a'] },
      Transform: { RequestBodyEncoding: 'URL_ENCODED' },
    });
    expect(request.body).toBe('array[0]=a');
  });

  it.each<[string, HttpConnection, string | undefined, Record<string, string>]>([
    ['an API key', apiKey, undefined, { 'x-api-key': 'k-1' }],
    [
      'Basic credentials',
      { authorization: { type: 'BASIC', username: 'ada', password: 's3cret' } },
      undefined,
      { authorization: `Basic ${Buffer.from('ada:s3cret').toString('base64')}` },
    ],
    [
      'an OAuth token',
      {
        authorization: {
          type: 'OAUTH_CLIENT_CREDENTIALS',
          clientId: 'c',
          clientSecret: 's',
          authorizationEndpoint: 'https://auth.example.com/token',
        },
      },
      'tok-1',
      { authorization: 'Bearer tok-1' },
    ],
  ])(
    'signs with %s, and adds the User-Agent and Range Step Functions sends',
    (_, connection, token, expected) => {
      expect(built({}, connection, token).headers).toEqual({
        ...expected,
        'user-agent': 'Amazon|StepFunctions|HttpInvoke|eu-west-1',
        range: 'bytes=0-262144',
      });
    },
  );

  it("merges the connection's invocation parameters over the definition's", () => {
    const request = built(
      {
        Method: 'POST',
        Headers: { 'X-Tenant': 'definition', 'X-Trace': 't-1' },
        QueryParameters: { region: 'definition', q: 'x' },
        RequestBody: { from: 'definition', kept: true },
      },
      {
        ...apiKey,
        invocation: {
          headers: { 'X-Tenant': 'connection' },
          queryParameters: { region: 'connection' },
          body: { from: 'connection' },
        },
      },
    );
    expect(request.headers).toMatchObject({ 'x-tenant': 'connection', 'x-trace': 't-1' });
    expect(request.url.search).toBe('?q=x&region=connection');
    expect(JSON.parse(request.body ?? 'null')).toEqual({ from: 'connection', kept: true });
  });

  it('refuses a string RequestBody when the connection has body parameters to merge', () => {
    const parsed = parseHttpTask(task({ Method: 'POST', RequestBody: 'text' }));
    if (!parsed.ok) throw new Error(parsed.cause);
    expect(
      buildHttpRequest(parsed.call, { ...apiKey, invocation: { body: { k: 'v' } } }, 'us-east-1'),
    ).toMatchObject({
      ok: false,
      error: 'States.Runtime',
    });
  });
});

describe('buildTokenRequest', () => {
  it('posts grant_type=client_credentials with Basic client authentication and the OAuth parameters', () => {
    const request = buildTokenRequest(
      {
        type: 'OAUTH_CLIENT_CREDENTIALS',
        clientId: 'client',
        clientSecret: 'secret',
        authorizationEndpoint: 'https://auth.example.com/token',
        parameters: {
          body: { scope: 'orders' },
          queryParameters: { audience: 'api' },
          headers: { 'X-A': '1' },
        },
      },
      'us-east-1',
    );
    expect(request.url.href).toBe('https://auth.example.com/token?audience=api');
    expect(request.method).toBe('POST');
    expect(request.body).toBe('grant_type=client_credentials&scope=orders');
    expect(request.headers).toMatchObject({
      authorization: `Basic ${Buffer.from('client:secret').toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
      'x-a': '1',
    });
  });
});

describe('httpTaskOutcome', () => {
  it('answers Headers, a JSON ResponseBody parsed, StatusCode and StatusText', () => {
    expect(
      httpTaskOutcome({
        statusCode: 200,
        statusText: 'OK',
        headers: { 'content-type': ['application/json; charset=utf-8'], 'set-cookie': ['a=1', 'b=2'] },
        body: '{"id":"o-1"}',
      }),
    ).toEqual({
      ok: true,
      output: {
        Headers: { 'content-type': ['application/json; charset=utf-8'], 'set-cookie': ['a=1', 'b=2'] },
        ResponseBody: { id: 'o-1' },
        StatusCode: 200,
        StatusText: 'OK',
      },
    });
  });

  it('keeps a body that is not JSON as text', () => {
    const outcome = httpTaskOutcome({
      statusCode: 201,
      statusText: 'Created',
      headers: { 'content-type': ['text/plain'] },
      body: '{"looks":"like json"}',
    });
    expect(outcome).toMatchObject({ ok: true, output: { ResponseBody: '{"looks":"like json"}' } });
  });

  it('fails a status outside 2xx with States.Http.StatusCode.<code>, the response as the cause', () => {
    const outcome = httpTaskOutcome({
      statusCode: 404,
      statusText: 'Not Found',
      headers: { 'content-type': ['application/json'] },
      body: '{"message":"no such order"}',
    });
    expect(outcome).toMatchObject({ ok: false, error: 'States.Http.StatusCode.404' });
    expect(JSON.parse(outcome.ok ? '' : outcome.cause)).toEqual({
      Headers: { 'content-type': ['application/json'] },
      ResponseBody: { message: 'no such order' },
      StatusCode: 404,
      StatusText: 'Not Found',
    });
  });
});

describe('the request TestState shows without revealSecrets (no connection)', () => {
  it("leaves out the connection's authorization and invocation parameters, keeps the definition's", () => {
    const connection: HttpConnection = {
      ...apiKey,
      invocation: {
        headers: { 'X-Tenant': 't-1' },
        queryParameters: { region: 'eu' },
        body: { 'api-v': '2' },
      },
    };
    const fields = {
      Method: 'POST',
      Headers: { 'X-Trace': 'a' },
      QueryParameters: { page: 2 },
      RequestBody: { n: 1 },
    };
    expect(built(fields, connection)).toMatchObject({
      url: new URL('https://api.example.com/v1/orders?page=2&region=eu'),
      headers: { 'x-api-key': 'k-1', 'x-tenant': 't-1' },
      body: '{"n":1,"api-v":"2"}',
    });
    const shown = built(fields, null);
    expect(shown.url.href).toBe('https://api.example.com/v1/orders?page=2');
    expect(shown.headers).toEqual({
      'x-trace': 'a',
      'content-type': 'application/json; charset=UTF-8',
      'user-agent': 'Amazon|StepFunctions|HttpInvoke|eu-west-1',
      range: 'bytes=0-262144',
    });
    expect(shown.body).toBe('{"n":1}');
  });
});

describe('httpInspection', () => {
  const request = built({ Method: 'POST', RequestBody: 'raw text' });

  it("gives AWS's inspectionData.request and .response, every member a string", () => {
    expect(
      httpInspection(request, {
        statusCode: 201,
        statusText: 'Created',
        headers: { 'set-cookie': ['a=1', 'b=2'] },
        body: '{"id":1}',
      }),
    ).toEqual({
      request: {
        protocol: 'https',
        method: 'POST',
        url: 'https://api.example.com/v1/orders',
        headers: JSON.stringify(request.headers),
        body: 'raw text',
      },
      response: {
        protocol: 'https',
        statusCode: '201',
        statusMessage: 'Created',
        headers: '{"set-cookie":["a=1","b=2"]}',
        body: '{"id":1}',
      },
    });
  });

  it('without a response (no answer came), the request alone; a request without a body shows an empty one', () => {
    const get = built({});
    expect(httpInspection(get)).toEqual({
      request: expect.objectContaining({ method: 'GET', body: '' }),
    });
  });
});

describe('isAllowedHost', () => {
  it.each([
    ['https://api.example.com/x', ['api.example.com'], true],
    ['https://api.example.com:8443/x', ['api.example.com'], true],
    ['https://api.example.com:8443/x', ['api.example.com:443'], false],
    ['https://api.example.com/x', ['api.example.com:443'], true],
    ['http://127.0.0.1:4000/x', ['127.0.0.1:4000'], true],
    ['https://eu.api.example.com/x', ['*.example.com'], true],
    ['https://example.com.evil.io/x', ['*.example.com', 'example.com'], false],
    ['https://other.example.org/x', [], false],
  ])('%s with %j: %s', (url, allowed, expected) => {
    expect(isAllowedHost(new URL(url), allowed)).toBe(expected);
  });
});
