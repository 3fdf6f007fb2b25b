import { payloadTooLargeCause } from '../language/states-error.ts';
import { type Json, MAX_PAYLOAD_BYTES } from '../lib/json.ts';
import { findExcessiveNesting, MAX_JSON_NESTING_DEPTH, nestingTooDeepMessage } from '../lib/json-depth.ts';
import type { InvokeResponse, TaskOutcome } from './ports.ts';

/**
 * Turning a Lambda Invoke response into what a Task state sees, as AWS does: a function error fails the
 * task with the error's `errorType` as the error name and the error payload (JSON text) as the cause;
 * `lambda:invoke` succeeds with AWS's response envelope, a legacy function ARN with the payload alone.
 */
export function mapInvokeResponse(
  response: InvokeResponse,
  style: 'legacy' | 'invoke',
  functionArn: string,
): TaskOutcome {
  if (exceedsPayloadBytes(response.payload)) {
    // The task is named 'lambda' for lambda:invoke and by its ARN for a legacy resource (AWS-recorded text).
    return {
      ok: false,
      error: 'States.DataLimitExceeded',
      cause: payloadTooLargeCause(style === 'invoke' ? 'lambda' : functionArn),
    };
  }
  // A text no longer than the limit cannot nest deeper than it.
  const depth =
    response.payload.length > MAX_JSON_NESTING_DEPTH ? findExcessiveNesting(response.payload) : undefined;
  if (depth !== undefined) {
    // Deeper than any JSON AWS's services read: the task fails as AWS fails a result it cannot read.
    return { ok: false, error: 'States.Runtime', cause: nestingTooDeepMessage(depth) };
  }
  if (response.functionError !== undefined) {
    return { ok: false, error: response.errorType ?? errorTypeOf(response.payload), cause: response.payload };
  }
  const payload = parsePayload(response.payload);
  if (style === 'legacy') return { ok: true, output: payload };
  return {
    ok: true,
    output: {
      ExecutedVersion: response.executedVersion,
      Payload: payload,
      SdkHttpMetadata: {
        AllHttpHeaders: {
          'X-Amz-Executed-Version': [response.executedVersion],
          'x-amzn-Remapped-Content-Length': ['0'],
          Connection: ['keep-alive'],
          'x-amzn-RequestId': [response.requestId],
          'Content-Length': [String(Buffer.byteLength(response.payload))],
          Date: [response.date],
          'X-Amzn-Trace-Id': [response.traceId],
          'Content-Type': ['application/json'],
        },
        HttpHeaders: {
          Connection: 'keep-alive',
          'Content-Length': String(Buffer.byteLength(response.payload)),
          'Content-Type': 'application/json',
          Date: response.date,
          'X-Amz-Executed-Version': response.executedVersion,
          'x-amzn-Remapped-Content-Length': '0',
          'x-amzn-RequestId': response.requestId,
          'X-Amzn-Trace-Id': response.traceId,
        },
        HttpStatusCode: response.statusCode,
      },
      SdkResponseMetadata: { RequestId: response.requestId },
      StatusCode: response.statusCode,
    },
  };
}

/**
 * Whether the payload is over AWS's limit in UTF-8. A UTF-16 unit is at most 3 bytes of UTF-8, so a text of
 * up to a third of the limit in units is settled without counting its bytes.
 */
function exceedsPayloadBytes(text: string): boolean {
  return text.length * 3 > MAX_PAYLOAD_BYTES && Buffer.byteLength(text) > MAX_PAYLOAD_BYTES;
}

/** A function error's name: the payload's `errorType`, as AWS reads it. */
function errorTypeOf(text: string): string {
  const payload = parsePayload(text);
  return typeof payload === 'object' &&
    payload !== null &&
    !Array.isArray(payload) &&
    typeof payload.errorType === 'string'
    ? payload.errorType
    : 'Lambda.Unknown';
}

/** Invoke's payload is the function's JSON result; a body that is not JSON stays text. */
function parsePayload(text: string): Json {
  if (text === '') return null;
  try {
    return JSON.parse(text) as Json;
  } catch {
    return text;
  }
}
