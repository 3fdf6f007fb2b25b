import type { TaskOutcome } from '../engine/ports.ts';
import { StatesErrors } from '../language/states-error.ts';

/**
 * How AWS names a service's error in a Task's failure. Both forms are `<Service>.<Error>`, the error ending in
 * `Exception` even where the service's own code does not (S3's NoSuchKey is `S3.NoSuchKeyException`). The
 * optimized integrations use the service's short name (`DynamoDB`, `SQS`) and the cause text of AWS's Java
 * SDK v1 (`… (Service: AmazonDynamoDBv2; Status Code: 400; Error Code: …; Request ID: …; Proxy: null)`); the
 * AWS SDK form uses the Java SDK v2 client's name (`DynamoDb`, `S3`) and its cause text
 * (`… (Service: S3, Status Code: 404, Request ID: …)`).
 */

/** What an SDK v3 service error carries. */
interface ServiceErrorLike {
  name: string;
  message: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

/** An error the service answered (it has an HTTP status), not one that never reached it. */
export function isServiceError(error: unknown): error is ServiceErrorLike {
  if (!(error instanceof Error)) return false;
  const metadata = (error as ServiceErrorLike).$metadata;
  return metadata?.httpStatusCode !== undefined;
}

export function exceptionName(code: string): string {
  const last = code.split('.').at(-1) ?? code;
  const base = last.endsWith('Fault') ? last.slice(0, -'Fault'.length) : last;
  return base.endsWith('Exception') ? base : `${base}Exception`;
}

/** The error of an optimized integration: `SQS.QueueDoesNotExistException` and a Java-v1-style cause. */
export function optimizedFailure(
  prefix: string,
  javaService: string,
  error: ServiceErrorLike,
): Extract<TaskOutcome, { ok: false }> {
  const code = error.Code ?? error.name;
  const status = error.$metadata?.httpStatusCode ?? 400;
  const requestId = error.$metadata?.requestId ?? '';
  return {
    ok: false,
    error: `${prefix}.${exceptionName(error.name)}`,
    cause: `${error.message} (Service: ${javaService}; Status Code: ${status}; Error Code: ${code}; Request ID: ${requestId}; Proxy: null)`,
  };
}

/** What the AWS SDK puts in `message` when the service's error had none (smithy's decorateServiceException). */
const SDK_NO_MESSAGE = 'UnknownError';

/** The error of the AWS SDK form: `S3.NoSuchKeyException` and a Java-v2-style cause. */
export function sdkFailure(prefix: string, error: ServiceErrorLike): Extract<TaskOutcome, { ok: false }> {
  const status = error.$metadata?.httpStatusCode ?? 400;
  const requestId = error.$metadata?.requestId ?? '';
  // Not a decision on what went wrong (the name says that): the SDK writes the placeholder 'UnknownError' where
  // the service sent no message, and the cause then shows the error's name instead, as AWS's does.
  const message = error.message === '' || error.message === SDK_NO_MESSAGE ? error.name : error.message;
  return {
    ok: false,
    error: `${prefix}.${exceptionName(error.name)}`,
    cause: `${message} (Service: ${prefix}, Status Code: ${status}, Request ID: ${requestId})`,
  };
}

/** A Task whose service this deployment cannot call: catchable, naming what is missing. */
export function cannotCall(resource: string, missing: string): Extract<TaskOutcome, { ok: false }> {
  return {
    ok: false,
    error: StatesErrors.TaskFailed,
    cause: `Statefold cannot call ${resource}: ${missing}.`,
  };
}
