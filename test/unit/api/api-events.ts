import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { EngineDeps } from '../../../shared/engine/engine-deps.ts';
import { createApiHandler } from '../../../shared/handlers/api-handler.ts';
import type { Json, JsonObject } from '../../../shared/lib/json.ts';

/** API Gateway HTTP API (payload format 2.0) events, as the API's Lambda receives them, and its answers. */

export const JSON_1_0 = 'application/x-amz-json-1.0';

export interface EventOptions {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  base64?: boolean;
}

export function apiGatewayEvent(options: EventOptions = {}): APIGatewayProxyEventV2 {
  const method = options.method ?? 'POST';
  const path = options.path ?? '/';
  const body = options.body;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: options.headers ?? {},
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: 'request',
      routeKey: '$default',
      stage: '$default',
      time: '01/Jan/2026:00:00:00 +0000',
      timeEpoch: 0,
    },
    isBase64Encoded: options.base64 === true,
    ...(body !== undefined
      ? { body: options.base64 === true ? Buffer.from(body, 'utf8').toString('base64') : body }
      : {}),
  };
}

/** The event an SDK's call of `operation` makes. */
export function operationEvent(operation: string, input: unknown): APIGatewayProxyEventV2 {
  return apiGatewayEvent({
    headers: { 'content-type': JSON_1_0, 'x-amz-target': `AWSStepFunctions.${operation}` },
    body: JSON.stringify(input),
  });
}

export function lambdaContext(): Context {
  const unsupported = () => {
    throw new Error('not supported');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'api',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:api',
    memoryLimitInMB: '128',
    awsRequestId: 'request',
    logGroupName: '/aws/lambda/api',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 30_000,
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

export interface Answer {
  status: number;
  headers: Record<string, unknown>;
  body: JsonObject;
}

/** The API handler over these deps, called with events. */
export function createApiCaller(getDeps: () => EngineDeps) {
  const handler = createApiHandler(getDeps);
  const send = async (event: unknown): Promise<Answer> => {
    const result = (await handler(event as APIGatewayProxyEventV2, lambdaContext())) as
      | APIGatewayProxyStructuredResultV2
      | undefined;
    return {
      status: result?.statusCode ?? 0,
      headers: result?.headers ?? {},
      body: JSON.parse(result?.body ?? 'null') as JsonObject,
    };
  };
  return {
    send,
    call: (operation: string, input: unknown) => send(operationEvent(operation, input)),
    /** Calls an operation that must succeed; returns its output. */
    async ok(operation: string, input: unknown): Promise<JsonObject> {
      const answer = await send(operationEvent(operation, input));
      if (answer.status !== 200) {
        throw new Error(`${operation} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      }
      return answer.body;
    },
  };
}

/** The bare error code of an error body (`com.amazonaws.swf.service.v2.model#ExecutionDoesNotExist` → the code). */
export function errorCodeOf(body: Json): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const type = body.__type;
  return typeof type === 'string' ? (type.split('#').pop() ?? type) : undefined;
}
