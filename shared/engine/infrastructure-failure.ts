import { isEngineError } from './engine-error.ts';

/**
 * Errors of the infrastructure under the engine (a throttled or unavailable DynamoDB or SQS, a dropped
 * connection, a log other writers keep moving) against everything else. The first kind passes: the message is
 * retried, and even on its last delivery it is left to the dead-letter queue (`statefold dlq redrive`, the
 * reconciler) rather than failing an execution that did nothing wrong. The second kind (a bug, a path the
 * library cannot evaluate) throws the same way on every delivery, so the engine fails the execution at once.
 *
 * The engine's own such conditions are EngineErrors with code InfrastructureFailure; the AWS SDK's are
 * recognised by shape, not by class, so that no SDK is imported here: the SDK marks its throttling and transient
 * errors `$retryable` and a service's own failures `$fault: 'server'`. A cause chain is followed: an error that
 * wraps a transient one is transient.
 */

const TRANSIENT_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
  'TransactionConflictException',
  'InternalServerError',
  'InternalFailure',
  'InternalError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  cause?: unknown;
  $retryable?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/** Whether `error` is the infrastructure's, one that a later delivery of the same message may not meet. */
export function isInfrastructureError(error: unknown, depth = 0): boolean {
  if (isEngineError(error, 'InfrastructureFailure')) return true;
  if (typeof error !== 'object' || error === null || depth > 3) return false;
  const shape = error as ErrorShape;
  if (shape.$retryable) return true;
  if (shape.$fault === 'server') return true;
  const status = shape.$metadata?.httpStatusCode;
  if (typeof status === 'number' && (status >= 500 || status === 429)) return true;
  if (typeof shape.name === 'string' && TRANSIENT_NAMES.has(shape.name)) return true;
  if (typeof shape.code === 'string' && NETWORK_CODES.has(shape.code)) return true;
  return shape.cause !== undefined && isInfrastructureError(shape.cause, depth + 1);
}
