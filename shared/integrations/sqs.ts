import { asText, type OptimizedAction, objectOf, withSdkMetadata } from './optimized-integration.ts';

/** `arn:aws:states:::sqs:sendMessage[.waitForTaskToken]`: a MessageBody given as JSON is sent as its text. */
export const SQS_ACTIONS: Readonly<Record<string, OptimizedAction>> = {
  sendMessage: {
    client: 'sqs',
    action: 'sendMessage',
    errorPrefix: 'SQS',
    javaService: 'AmazonSQS',
    request(parameters) {
      const input = objectOf(parameters);
      const body = asText(input.MessageBody);
      if (body !== undefined) input.MessageBody = body;
      return input;
    },
    result: (result, sent) => ({ ok: true, output: withSdkMetadata(result, sent) }),
  },
};
