import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../shared/engine/engine-error.ts';
import { isInfrastructureError } from '../../../shared/engine/infrastructure-failure.ts';

const named = (name: string, extra: object = {}) => Object.assign(new Error('x'), { name }, extra);

describe('isInfrastructureError', () => {
  it.each([
    ['DynamoDB throttling', named('ProvisionedThroughputExceededException'), true],
    ['an SDK error marked retryable', named('Whatever', { $retryable: {} }), true],
    ['a service fault', named('Whatever', { $fault: 'server' }), true],
    ['an HTTP 503', named('Whatever', { $metadata: { httpStatusCode: 503 } }), true],
    ['an HTTP 429', named('Whatever', { $metadata: { httpStatusCode: 429 } }), true],
    ['a reset connection', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), true],
    ['a reset connection as the cause', new Error('fetch failed', { cause: { code: 'ECONNREFUSED' } }), true],
    ['the engine’s own contention', new EngineError('InfrastructureFailure', 'the log kept moving'), true],
    [
      'an EngineError wrapping a throttled call',
      new EngineError('LambdaServiceFailure', 'x', { cause: named('TooManyRequestsException') }),
      true,
    ],
    ['SQS refusing a send as the sender’s fault', new EngineError('QueueSendRefused', 'too large'), false],
    ['a caller’s mistake', new EngineError('InvalidArn', "Invalid Arn: 'x'"), false],
    ['a bug', new TypeError('cannot read x of undefined'), false],
    ['a request the service refuses', named('ValidationException', { $fault: 'client' }), false],
    ['a condition that failed', named('ConditionalCheckFailedException', { $fault: 'client' }), false],
    ['a thrown string', 'boom', false],
  ])('%s: %s', (_what, error, expected) => {
    expect(isInfrastructureError(error)).toBe(expected);
  });
});
