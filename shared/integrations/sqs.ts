import { type OptimizedAction, sendingAsText, withSdkMetadata } from './optimized-integration.ts';

/** `arn:aws:states:::sqs:sendMessage[.waitForTaskToken]`: a MessageBody given as JSON is sent as its text. */
export const SQS_ACTIONS: Readonly<Record<string, OptimizedAction>> = {
  sendMessage: {
    client: 'sqs',
    action: 'sendMessage',
    errorPrefix: 'SQS',
    javaService: 'AmazonSQS',
    request: sendingAsText('MessageBody'),
    result: (result, sent) => ({ ok: true, output: withSdkMetadata(result, sent) }),
  },
};
