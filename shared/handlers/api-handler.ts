import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { handleApiRequest, respondWithError } from '../engine/api/handle-api-request.ts';
import { applyingRecords, type EngineDeps } from '../engine/engine-deps.ts';

/**
 * The Step Functions API: API Gateway (HTTP API, payload format 2.0) hands each request here; the wire layer
 * in shared/engine/api answers it. A malformed event (no method, no path) is answered as a malformed request.
 */
export function createApiHandler(getDeps: () => EngineDeps) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>().handler(async (event) => {
    let deps: EngineDeps;
    try {
      // A call's records (a stopped execution's listing) are written before it answers.
      deps = applyingRecords(getDeps());
    } catch (error) {
      return respondWithError(error, randomUUID());
    }
    const http = event?.requestContext?.http;
    return handleApiRequest(deps, {
      method: http?.method ?? '',
      path: event?.rawPath ?? http?.path ?? '',
      headers: event?.headers ?? {},
      body: bodyOf(event),
    });
  });
}

function bodyOf(event: APIGatewayProxyEventV2 | undefined): string | undefined {
  if (typeof event?.body !== 'string') return undefined;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}
