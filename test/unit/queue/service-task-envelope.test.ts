import { describe, expect, it } from 'vitest';
import type { TaskEnvelope } from '../../../shared/engine/ports.ts';
import { decodeTaskEnvelope, encodeEnvelope } from '../../../shared/queue/envelope-codec.ts';

const envelope = (request: object): TaskEnvelope =>
  ({
    executionArn: 'arn:aws:states:us-east-1:123456789012:execution:m:e',
    scope: 'root',
    ref: 3,
    request,
  }) as TaskEnvelope;

const SERVICE = {
  kind: 'service',
  service: 'sqs',
  action: 'sendMessage',
  pattern: 'waitForTaskToken',
  sdk: false,
  parameters: { QueueUrl: 'q', MessageBody: { token: 't' } },
};

describe('the task envelope of a service call', () => {
  it('round-trips through the SQS body', () => {
    const sent = { ...envelope(SERVICE), taskToken: 't' };
    expect(decodeTaskEnvelope(encodeEnvelope(sent))).toEqual(sent);
  });

  it.each([
    [{ ...SERVICE, pattern: 'sync:3' }, /pattern/],
    [{ ...SERVICE, sdk: 'no' }, /'request.sdk' must be a boolean/],
    [{ ...SERVICE, service: undefined }, /service/],
  ])('a body with %o is malformed', (request, problem) => {
    expect(() => decodeTaskEnvelope(encodeEnvelope(envelope(request)))).toThrow(problem);
  });
});
