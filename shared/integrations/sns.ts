import { asText, type OptimizedAction, objectOf, withSdkMetadata } from './optimized-integration.ts';

/** `arn:aws:states:::sns:publish[.waitForTaskToken]`: a Message given as JSON is published as its text. */
export const SNS_ACTIONS: Readonly<Record<string, OptimizedAction>> = {
  publish: {
    client: 'sns',
    action: 'publish',
    errorPrefix: 'SNS',
    javaService: 'AmazonSNS',
    request(parameters) {
      const input = objectOf(parameters);
      const message = asText(input.Message);
      if (message !== undefined) input.Message = message;
      return input;
    },
    result: (result, sent) => ({ ok: true, output: withSdkMetadata(result, sent) }),
  },
};
