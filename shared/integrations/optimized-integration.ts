import type { TaskOutcome } from '../engine/ports.ts';
import { isJsonObject, type Json } from '../lib/json.ts';
import type { SentCommand } from './sdk-clients.ts';

/**
 * One action of an optimized integration: which SDK client and command make the call, how the state's
 * parameters become the command's input, how its output becomes AWS's result, and how AWS names its errors.
 */
export interface OptimizedAction {
  /** The SDK service whose client sends the command (`sqs`, `eventbridge`). */
  client: string;
  /** The command's action, camelCase (`sendMessage` → SendMessageCommand). */
  action: string;
  /** `SQS` in `SQS.QueueDoesNotExistException`. */
  errorPrefix: string;
  /** The service as AWS's Java SDK v1 names it in causes (`AmazonSQS`). */
  javaService: string;
  request(parameters: Json): Json;
  result(result: Json, sent: SentCommand): TaskOutcome;
}

/** The HTTP metadata AWS adds to an optimized integration's result (SQS, SNS and DynamoDB). */
export function withSdkMetadata(result: Json, sent: SentCommand): Json {
  const headers: Record<string, Json> = {};
  const all: Record<string, Json> = {};
  for (const [name, value] of Object.entries(sent.headers)) {
    headers[name] = value;
    all[name] = [value];
  }
  return {
    ...(isJsonObject(result) ? result : {}),
    SdkHttpMetadata: { AllHttpHeaders: all, HttpHeaders: headers, HttpStatusCode: sent.statusCode },
    SdkResponseMetadata: { RequestId: sent.requestId },
  };
}

/** A field AWS serializes when the state gives it as JSON rather than text (MessageBody, Message, Detail). */
export function asText(value: Json | undefined): Json | undefined {
  return value === undefined || typeof value === 'string' ? value : JSON.stringify(value);
}

/** The request of an action whose one member (MessageBody, Message) is sent as text when given as JSON. */
export function sendingAsText(member: string): (parameters: Json) => Json {
  return (parameters) => {
    const input = objectOf(parameters);
    const text = asText(input[member]);
    if (text !== undefined) input[member] = text;
    return input;
  };
}

export function objectOf(parameters: Json): Record<string, Json> {
  return isJsonObject(parameters) ? { ...parameters } : {};
}
