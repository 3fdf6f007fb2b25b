import type { HttpInspection, TaskOutcome } from '../engine/ports.ts';
import { StatesErrors } from '../language/states-error.ts';
import { isJsonObject, type Json, type JsonObject } from '../lib/json.ts';

/**
 * The HTTP Task (`arn:aws:states:::http:invoke`) as pure functions: its Parameters/Arguments (ApiEndpoint,
 * Method, Authentication.ConnectionArn, Headers, QueryParameters, RequestBody, Transform) and the connection's
 * authorization become one HTTP request; an HTTP response becomes AWS's result (`Headers`, `ResponseBody`,
 * `StatusCode`, `StatusText`) or the `States.Http.StatusCode.<code>` failure. No I/O here: the invoker
 * (`http-invoke.ts`) sends what this builds.
 */

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export const ARRAY_FORMATS = ['INDICES', 'REPEAT', 'COMMAS', 'BRACKETS'] as const;
export type ArrayFormat = (typeof ARRAY_FORMATS)[number];

/** Name → value pairs an EventBridge connection adds to each request (its invocation HTTP parameters). */
export interface HttpParameters {
  headers?: Readonly<Record<string, string>>;
  queryParameters?: Readonly<Record<string, string>>;
  body?: Readonly<Record<string, string>>;
}

/** An EventBridge connection's authorization, with its secrets: what the request is signed with. */
export type ConnectionAuthorization =
  | { type: 'API_KEY'; name: string; value: string }
  | { type: 'BASIC'; username: string; password: string }
  | {
      type: 'OAUTH_CLIENT_CREDENTIALS';
      clientId: string;
      clientSecret: string;
      /** The token endpoint (an URL). */
      authorizationEndpoint: string;
      /** The token request's method (default POST). */
      httpMethod?: 'GET' | 'POST' | 'PUT';
      /** What the token request carries besides the client credentials. */
      parameters?: HttpParameters;
    };

/** A connection as the HTTP Task uses it: its authorization and its invocation parameters. */
export interface HttpConnection {
  authorization: ConnectionAuthorization;
  invocation?: HttpParameters;
}

/** The request the invoker sends. */
export interface HttpRequest {
  url: URL;
  method: HttpMethod;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body?: string;
}

/** An HTTP response as the invoker read it. */
export interface HttpResponse {
  statusCode: number;
  statusText: string;
  /** Lower-cased names, each with its values. */
  headers: Readonly<Record<string, readonly string[]>>;
  body: string;
}

/** The parts of an HTTP Task's parameters that need no connection: where to call and what to send. */
export interface HttpTaskCall {
  url: URL;
  method: HttpMethod;
  connectionArn: string;
  headers: Record<string, string>;
  query: Array<[string, string]>;
  body: Json | undefined;
  urlEncoded: boolean;
  arrayFormat: ArrayFormat;
}

type Failure = Extract<TaskOutcome, { ok: false }>;

/**
 * Headers a definition may not set (AWS's list for the HTTP Task's Headers field): the connection and the
 * transport own them.
 */
const FORBIDDEN_HEADERS = new Set([
  'a-im',
  'accept-charset',
  'accept-datetime',
  'accept-encoding',
  'cache-control',
  'connection',
  'content-encoding',
  'content-md5',
  'date',
  'expect',
  'forwarded',
  'from',
  'host',
  'http2-settings',
  'if-match',
  'if-modified-since',
  'if-none-match',
  'if-range',
  'if-unmodified-since',
  'max-forwards',
  'origin',
  'pragma',
  'proxy-authorization',
  'referer',
  'server',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'via',
  'warning',
]);
const FORBIDDEN_HEADER_PREFIXES = ['x-forwarded-', 'x-amz-', 'x-amzn-'];

/** The headers Step Functions adds to every HTTP Task request. */
export function addedHeaders(region: string): Record<string, string> {
  return { 'user-agent': `Amazon|StepFunctions|HttpInvoke|${region}`, range: 'bytes=0-262144' };
}

const runtime = (cause: string): Failure => ({ ok: false, error: StatesErrors.Runtime, cause });

/**
 * Reads an HTTP Task's parameters (as evaluated: no `.$` keys left). A field of the wrong shape fails the task
 * with States.Runtime naming the field.
 */
export function parseHttpTask(parameters: Json): { ok: true; call: HttpTaskCall } | Failure {
  if (!isJsonObject(parameters)) return runtime('The HTTP Task parameters must be an object.');
  const { ApiEndpoint, Method, Authentication, Headers, QueryParameters, RequestBody, Transform } =
    parameters;
  if (typeof ApiEndpoint !== 'string' || ApiEndpoint === '') {
    return runtime("The HTTP Task field 'ApiEndpoint' must be an URL string.");
  }
  let url: URL;
  try {
    url = new URL(ApiEndpoint);
  } catch {
    return runtime(`The HTTP Task field 'ApiEndpoint' is not a valid URL: '${ApiEndpoint}'.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return runtime(`The HTTP Task field 'ApiEndpoint' must be an https URL: '${ApiEndpoint}'.`);
  }
  if (typeof Method !== 'string' || !(HTTP_METHODS as readonly string[]).includes(Method)) {
    return runtime(
      `The HTTP Task field 'Method' must be one of ${HTTP_METHODS.join(', ')}: ${JSON.stringify(Method ?? null)}.`,
    );
  }
  const connectionArn = isJsonObject(Authentication) ? Authentication.ConnectionArn : undefined;
  if (typeof connectionArn !== 'string' || connectionArn === '') {
    return runtime("The HTTP Task field 'Authentication.ConnectionArn' must be a connection ARN string.");
  }
  const headers: Record<string, string> = {};
  if (Headers !== undefined && Headers !== null) {
    if (!isJsonObject(Headers)) return runtime("The HTTP Task field 'Headers' must be an object.");
    for (const [name, value] of Object.entries(Headers)) {
      const lower = name.toLowerCase();
      if (
        FORBIDDEN_HEADERS.has(lower) ||
        FORBIDDEN_HEADER_PREFIXES.some((prefix) => lower.startsWith(prefix))
      ) {
        return runtime(
          `The HTTP Task header '${name}' is not allowed: Step Functions does not let a definition set it.`,
        );
      }
      const text = scalarText(value);
      if (text === undefined)
        return runtime(`The HTTP Task header '${name}' must be a string, number or boolean.`);
      headers[lower] = text;
    }
  }
  const query: Array<[string, string]> = [];
  if (QueryParameters !== undefined && QueryParameters !== null) {
    if (!isJsonObject(QueryParameters))
      return runtime("The HTTP Task field 'QueryParameters' must be an object.");
    for (const [name, value] of Object.entries(QueryParameters)) {
      const values = Array.isArray(value) ? value : [value];
      for (const item of values) {
        const text = scalarText(item);
        if (text === undefined) {
          return runtime(
            `The HTTP Task query parameter '${name}' must be a string, number, boolean or a list of them.`,
          );
        }
        query.push([name, text]);
      }
    }
  }
  let urlEncoded = false;
  let arrayFormat: ArrayFormat = 'INDICES';
  if (Transform !== undefined && Transform !== null) {
    if (!isJsonObject(Transform)) return runtime("The HTTP Task field 'Transform' must be an object.");
    const encoding = Transform.RequestBodyEncoding ?? 'NONE';
    if (encoding !== 'NONE' && encoding !== 'URL_ENCODED') {
      return runtime(
        `The HTTP Task field 'Transform.RequestBodyEncoding' must be NONE or URL_ENCODED: ${JSON.stringify(encoding)}.`,
      );
    }
    urlEncoded = encoding === 'URL_ENCODED';
    const options = Transform.RequestEncodingOptions;
    if (options !== undefined && options !== null) {
      const format = isJsonObject(options) ? (options.ArrayFormat ?? 'INDICES') : undefined;
      if (typeof format !== 'string' || !(ARRAY_FORMATS as readonly string[]).includes(format)) {
        return runtime(
          `The HTTP Task field 'Transform.RequestEncodingOptions.ArrayFormat' must be one of ${ARRAY_FORMATS.join(', ')}: ${JSON.stringify(isJsonObject(options) ? options.ArrayFormat : options)}.`,
        );
      }
      arrayFormat = format as ArrayFormat;
    }
  }
  return {
    ok: true,
    call: {
      url,
      method: Method as HttpMethod,
      connectionArn,
      headers,
      query,
      body: RequestBody,
      urlEncoded,
      arrayFormat,
    },
  };
}

/**
 * The request of a parsed HTTP Task with its connection merged in, as AWS merges them: the connection's
 * invocation headers, query parameters and body parameters win over the definition's on the same name, and its
 * authorization (an API key header, Basic credentials, or the OAuth bearer token the invoker fetched) is set
 * last (a `null` connection: the request without any of it, as TestState shows it without revealSecrets).
 * A body is JSON (`application/json; charset=UTF-8` unless Headers name a Content-Type), a string as it
 * is, or with `Transform.RequestBodyEncoding: URL_ENCODED` form-encoded (arrays by ArrayFormat).
 */
export function buildHttpRequest(
  call: HttpTaskCall,
  connection: HttpConnection | null,
  region: string,
  bearerToken?: string,
): { ok: true; request: HttpRequest } | Failure {
  const url = new URL(call.url.href);
  const invocation = connection?.invocation ?? {};
  const query = call.query.filter(([name]) => !Object.hasOwn(invocation.queryParameters ?? {}, name));
  for (const [name, value] of Object.entries(invocation.queryParameters ?? {})) query.push([name, value]);
  for (const [name, value] of query) url.searchParams.append(name, value);

  const headers: Record<string, string> = { ...call.headers };
  for (const [name, value] of Object.entries(invocation.headers ?? {})) headers[name.toLowerCase()] = value;

  let body = call.body;
  const bodyParameters = invocation.body ?? {};
  if (Object.keys(bodyParameters).length > 0) {
    if (typeof body === 'string') {
      return runtime(
        "The HTTP Task's RequestBody is a string, so the connection's body parameters cannot be merged into it.",
      );
    }
    body = { ...(isJsonObject(body) ? body : {}), ...bodyParameters };
  }
  let text: string | undefined;
  if (body !== undefined && body !== null) {
    if (call.urlEncoded && isJsonObject(body)) {
      text = encodeForm(body, call.arrayFormat);
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else if (typeof body === 'string') {
      text = body;
    } else {
      text = JSON.stringify(body);
      headers['content-type'] ??= 'application/json; charset=UTF-8';
    }
  }

  const auth = connection?.authorization;
  switch (auth?.type) {
    case undefined:
      break;
    case 'API_KEY':
      headers[auth.name.toLowerCase()] = auth.value;
      break;
    case 'BASIC':
      headers.authorization = basicAuthorization(auth.username, auth.password);
      break;
    case 'OAUTH_CLIENT_CREDENTIALS':
      if (bearerToken !== undefined) headers.authorization = `Bearer ${bearerToken}`;
      break;
  }
  Object.assign(headers, addedHeaders(region));
  return {
    ok: true,
    request: { url, method: call.method, headers, ...(text !== undefined ? { body: text } : {}) },
  };
}

/** The OAuth client-credentials token request of a connection (RFC 6749 §4.4, Basic client authentication). */
export function buildTokenRequest(
  auth: Extract<ConnectionAuthorization, { type: 'OAUTH_CLIENT_CREDENTIALS' }>,
  region: string,
): HttpRequest {
  const url = new URL(auth.authorizationEndpoint);
  for (const [name, value] of Object.entries(auth.parameters?.queryParameters ?? {})) {
    url.searchParams.append(name, value);
  }
  const method = auth.httpMethod ?? 'POST';
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(auth.parameters?.headers ?? {}))
    headers[name.toLowerCase()] = value;
  headers.authorization = basicAuthorization(auth.clientId, auth.clientSecret);
  headers['user-agent'] = addedHeaders(region)['user-agent'] as string;
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  for (const [name, value] of Object.entries(auth.parameters?.body ?? {})) form.set(name, value);
  if (method === 'GET') {
    for (const [name, value] of form) url.searchParams.set(name, value);
    return { url, method, headers };
  }
  headers['content-type'] = 'application/x-www-form-urlencoded';
  return { url, method, headers, body: form.toString() };
}

/**
 * An object form-encoded (`application/x-www-form-urlencoded`) as the HTTP Task's URL_ENCODED transform does
 * it: nested objects as `a[b]=c`, arrays by ArrayFormat — INDICES `a[0]=x&a[1]=y`, REPEAT `a=x&a=y`, COMMAS
 * `a=x,y`, BRACKETS `a[]=x&a[]=y`; null as an empty value.
 */
export function encodeForm(body: JsonObject, arrayFormat: ArrayFormat): string {
  const pairs: Array<[string, string, boolean?]> = [];
  const add = (key: string, value: Json): void => {
    if (Array.isArray(value)) {
      if (arrayFormat === 'COMMAS' && value.every((item) => !isJsonObject(item) && !Array.isArray(item))) {
        // The commas separate the items: only the items are percent-encoded.
        pairs.push([key, value.map((item) => encodeFormPart(scalarText(item) ?? '')).join(','), true]);
        return;
      }
      value.forEach((item, index) => {
        const itemKey =
          arrayFormat === 'INDICES' ? `${key}[${index}]` : arrayFormat === 'BRACKETS' ? `${key}[]` : key;
        add(isJsonObject(item) || Array.isArray(item) ? `${key}[${index}]` : itemKey, item);
      });
      return;
    }
    if (isJsonObject(value)) {
      for (const [name, member] of Object.entries(value)) add(`${key}[${name}]`, member);
      return;
    }
    pairs.push([key, scalarText(value) ?? '']);
  };
  for (const [name, value] of Object.entries(body)) add(name, value);
  return pairs
    .map(([key, value, encoded]) => `${encodeFormPart(key)}=${encoded ? value : encodeFormPart(value)}`)
    .join('&');
}

/** AWS's result of an HTTP Task, or its failure for a status outside 2xx. */
export function httpTaskOutcome(response: HttpResponse): TaskOutcome {
  const headers: Record<string, Json> = {};
  for (const [name, values] of Object.entries(response.headers)) headers[name] = [...values];
  const result: JsonObject = {
    Headers: headers,
    ResponseBody: responseBody(response),
    StatusCode: response.statusCode,
    StatusText: response.statusText,
  };
  if (response.statusCode >= 200 && response.statusCode < 300) return { ok: true, output: result };
  return { ok: false, error: `States.Http.StatusCode.${response.statusCode}`, cause: JSON.stringify(result) };
}

/** The body as JSON when the response says it is JSON (and parses), otherwise as text. */
function responseBody(response: HttpResponse): Json {
  const type = (response.headers['content-type']?.[0] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json' || type.endsWith('+json')) {
    try {
      return JSON.parse(response.body) as Json;
    } catch {
      return response.body;
    }
  }
  return response.body;
}

function basicAuthorization(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

function scalarText(value: Json | undefined): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return '';
  return undefined;
}

/** Form encoding: percent-encoding with spaces as `+` (URLSearchParams' rules), brackets kept readable. */
function encodeFormPart(text: string): string {
  return new URLSearchParams([['', text]]).toString().slice(1).replaceAll('%5B', '[').replaceAll('%5D', ']');
}

/**
 * TestState's view of one HTTP Task call (`inspectionData.request`/`.response`): every member a string, the
 * headers as a JSON object (a response's with each header's list of values, as the task result has them).
 */
export function httpInspection(request: HttpRequest, response?: HttpResponse): HttpInspection {
  const protocol = request.url.protocol.replace(/:$/, '');
  return {
    request: {
      protocol,
      method: request.method,
      url: request.url.href,
      headers: JSON.stringify(request.headers),
      body: request.body ?? '',
    },
    ...(response
      ? {
          response: {
            protocol,
            statusCode: String(response.statusCode),
            statusMessage: response.statusText,
            headers: JSON.stringify(response.headers),
            body: response.body,
          },
        }
      : {}),
  };
}
