import { describeError } from '../../lib/describe-error.ts';
import { isJsonObject, type JsonObject } from '../../lib/json.ts';
import { type EngineDeps, newUuid } from '../engine-deps.ts';
import { EngineError } from '../engine-error.ts';
import { type ApiError, internalFailure, toApiError } from './api-error.ts';
import { OPERATIONS } from './operations.ts';
import { toWireJson } from './wire-json.ts';

/**
 * AWS Step Functions' wire protocol (JSON 1.0): `POST /` with `Content-Type: application/x-amz-json-1.0` and
 * `X-Amz-Target: AWSStepFunctions.<Operation>`, a JSON object in and out. Every request gets an answer in the
 * protocol's shape: a malformed one a 400 that says what is wrong, never a 500; only a fault of Statefold
 * itself is a 500 InternalFailure, whose details go to the log, not to the client.
 */
export interface ApiRequest {
  method: string;
  path: string;
  /** Header names in any case. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The body as text (already decoded from base64). */
  body: string | undefined;
}

export interface ApiResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

const CONTENT_TYPE = 'application/x-amz-json-1.0';
const TARGET_PREFIX = 'AWSStepFunctions.';
/**
 * AWS caps a request at 1 MB (AWS: the Step Functions quotas); a 1 MiB definition grows when escaped into the JSON body, so
 * a little more is read before a body is refused outright. Larger members are then refused by their own limits.
 */
export const MAX_REQUEST_BYTES = 1_048_576 + 65_536;

export async function handleApiRequest(deps: EngineDeps, request: ApiRequest): Promise<ApiResponse> {
  const requestId = newUuid(deps);
  let operationName: string | undefined;
  try {
    operationName = checkEnvelope(request);
    const operation = Object.hasOwn(OPERATIONS, operationName) ? OPERATIONS[operationName] : undefined;
    if (!operation) {
      throw new EngineError(
        'UnknownOperationException',
        `Unknown operation: '${TARGET_PREFIX}${operationName}'`,
      );
    }
    const output = await operation.run(deps, readBody(request.body));
    return respond(200, toWireJson(output), requestId);
  } catch (error) {
    return respondWithError(error, requestId, operationName);
  }
}

/**
 * The answer to a failed request: an answered EngineError's AWS error (WIRE_ERRORS); anything else (an internal
 * code, a bug, an outage) a 500 InternalFailure with a generic message, its details going to the log.
 */
export function respondWithError(error: unknown, requestId: string, operation?: string): ApiResponse {
  const known = toApiError(error);
  if (!known) {
    console.error(
      JSON.stringify({
        level: 'ERROR',
        message: 'Step Functions API request failed unexpectedly',
        requestId,
        operation,
        error: describeError(error),
        ...(error instanceof Error && error.stack !== undefined ? { stack: error.stack } : {}),
      }),
    );
  }
  const answer: ApiError = known ?? internalFailure(requestId);
  return respond(answer.status, answer.body, requestId, { 'x-amzn-errortype': answer.error });
}

/** Method, path, size, content type and target; returns the operation name. */
function checkEnvelope(request: ApiRequest): string {
  const header = (name: string) => headerOf(request.headers, name);
  if (request.method.toUpperCase() !== 'POST' || (request.path !== '/' && request.path !== '')) {
    throw new EngineError(
      'UnknownOperationException',
      `Statefold serves the Step Functions API at POST /, not ${request.method || '(no method)'} ${request.path || '(no path)'}`,
    );
  }
  const size = request.body === undefined ? 0 : Buffer.byteLength(request.body, 'utf8');
  if (size > MAX_REQUEST_BYTES) {
    throw new EngineError(
      'ValidationException',
      `The request body is ${size} bytes, over the ${MAX_REQUEST_BYTES}-byte limit of a Step Functions request`,
    );
  }
  const contentType = header('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (contentType !== CONTENT_TYPE) {
    throw new EngineError(
      'UnknownOperationException',
      `The Step Functions API takes Content-Type: ${CONTENT_TYPE}, not ${contentType || '(none)'}`,
    );
  }
  const target = header('x-amz-target');
  if (target === undefined || !target.startsWith(TARGET_PREFIX)) {
    throw new EngineError(
      'UnknownOperationException',
      `The X-Amz-Target header must name an operation as ${TARGET_PREFIX}<Operation>, not ${target === undefined ? '(none)' : `'${target}'`}`,
    );
  }
  return target.slice(TARGET_PREFIX.length);
}

/** An empty body is an empty input; anything else must be a JSON object. */
function readBody(body: string | undefined): JsonObject {
  if (body === undefined || body.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new EngineError(
      'SerializationException',
      `The request body is not JSON: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  if (!isJsonObject(parsed)) {
    throw new EngineError('SerializationException', 'The request body must be a JSON object');
  }
  return parsed;
}

function headerOf(headers: ApiRequest['headers'], name: string): string | undefined {
  const direct = headers[name];
  if (direct !== undefined) return direct;
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

function respond(
  statusCode: number,
  body: unknown,
  requestId: string,
  extraHeaders: Record<string, string> = {},
): ApiResponse {
  return {
    statusCode,
    headers: { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': requestId, ...extraHeaders },
    body: JSON.stringify(body),
  };
}
