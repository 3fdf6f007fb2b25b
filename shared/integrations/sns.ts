import { type OptimizedAction, sendingAsText, withSdkMetadata } from './optimized-integration.ts';

/** `arn:aws:states:::sns:publish[.waitForTaskToken]`: a Message given as JSON is published as its text. */
export const SNS_ACTIONS: Readonly<Record<string, OptimizedAction>> = {
  publish: {
    client: 'sns',
    action: 'publish',
    errorPrefix: 'SNS',
    javaService: 'AmazonSNS',
    request: sendingAsText('Message'),
    result: (result, sent) => ({ ok: true, output: withSdkMetadata(result, sent) }),
  },
};
